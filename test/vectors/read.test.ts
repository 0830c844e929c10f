/**
 * The validating readers (src/vectors/read.ts): typed values from parsed JSON, a wrong shape named
 * by its JSON path, unknown keys kept in the file's order.
 */
import { describe, expect, test } from 'vitest';
import {
  bool,
  decimal,
  hex,
  isFalse,
  json,
  list,
  num,
  object,
  oneOf,
  optional,
  ShapeError,
  str,
  type Read,
} from '../../src/vectors/read.js';

/** The problem a reader reports for `value`, as `path: problem`. */
function problem<T>(read: Read<T>, value: unknown): string {
  try {
    read(value, '');
  } catch (e) {
    if (e instanceof ShapeError) return e.message;
    throw e;
  }
  throw new Error('no shape error');
}

const recipient = object((f) => ({ user_id: f('user_id', str), key_hex: f('key_hex', optional(hex)) }));
const vector = object((f) => ({ id: f('id', str), recipients: f('recipients', list(recipient)) }));

describe('readers', () => {
  test('read typed values', () => {
    expect(str('a', '')).toBe('a');
    expect(num(1.5, '')).toBe(1.5);
    expect(bool(false, '')).toBe(false);
    expect(hex('00ff', '')).toBe('00ff');
    expect(decimal('-12', '')).toBe('-12');
    expect(isFalse(false, '')).toBe(false);
    expect(json({ a: [null] }, '')).toEqual({ a: [null] });
    expect(oneOf('a', 'b')('b', '')).toBe('b');
    expect(vector({ id: 'v', recipients: [{ user_id: '1' }] }, '')).toEqual({ id: 'v', recipients: [{ user_id: '1' }] });
  });

  test('a wrong shape names the JSON path and shows what is there', () => {
    expect(problem(vector, { id: 'v', recipients: [{ user_id: '1' }, { user_id: 2 }] })).toBe(
      'recipients[1].user_id: must be a string, is 2',
    );
    expect(problem(vector, { id: 'v', recipients: [{ user_id: '1', key_hex: 'ABCD' }] })).toBe(
      'recipients[0].key_hex: must be lowercase hex, is "ABCD"',
    );
    expect(problem(vector, { id: 'v' })).toBe('recipients: must be a list, is absent');
    expect(problem(vector, [])).toBe(': must be an object, is []');
    expect(problem(hex, '0')).toBe(': must be lowercase hex, is "0"');
    expect(problem(decimal, '01')).toBe(': must be a decimal integer string, is "01"');
    expect(problem(num, Number.NaN)).toBe(': must be a number, is null');
    expect(problem(isFalse, true)).toBe(': must be false, is true');
    expect(problem(json, undefined)).toBe(': must be a JSON value, is absent');
    expect(problem(oneOf('genGroup', 'edit'), 'merge')).toBe(': must be one of "genGroup", "edit", is "merge"');
  });

  test('an object keeps the keys it does not read, in the file’s order; absent optional fields stay out of its JSON', () => {
    const read = vector({ note: 'x', id: 'v', recipients: [{ extra: 1, user_id: '1' }] }, '');
    expect(JSON.stringify(read)).toBe('{"note":"x","id":"v","recipients":[{"extra":1,"user_id":"1"}]}');
  });
});
