/**
 * The checker's differ (src/vectors/diff.ts): a failure names the first differing JSON path and
 * shows both values there, long strings around their first difference.
 */
import { describe, expect, test } from 'vitest';
import { Checker, firstDifference } from '../../src/vectors/diff.js';
import { ShapeError } from '../../src/vectors/read.js';
import { verifyVectors } from '../../src/vectors/index.js';
import { KeykitError, ErrorCodes } from '../helpers/kit.js';
import { mutated } from './committed.js';

describe('firstDifference', () => {
  test('equal values, regardless of key order; bigints as decimal strings, bytes as hex', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBeUndefined();
    expect(firstDifference({ n: 5n, k: Uint8Array.of(1, 255) }, { n: '5', k: '01ff' })).toBeUndefined();
    expect(firstDifference(undefined, undefined)).toBeUndefined();
  });

  test('the first differing path below the value, the expected (second) and the actual (first) value there', () => {
    expect(firstDifference({ body: { group_name: 'Team' } }, { body: { group_name: 'Renamed' } })).toEqual({
      path: '.body.group_name',
      message: 'expected "Renamed", got "Team"',
    });
    expect(firstDifference([{ user_id: '1' }, { user_id: '2' }], [{ user_id: '1' }, { user_id: '3' }])).toEqual({
      path: '[1].user_id',
      message: 'expected "3", got "2"',
    });
    expect(firstDifference(5, '5')).toEqual({ path: '', message: 'expected "5", got 5' });
  });

  test('absent values and keys: an undefined value, a missing key, an extra key', () => {
    expect(firstDifference(undefined, 'x')).toEqual({ path: '', message: 'expected "x", got (absent)' });
    expect(firstDifference({}, { a: 1 })).toEqual({ path: '.a', message: 'expected 1, got (absent)' });
    expect(firstDifference({ a: 1, b: 2 }, { a: 1 })).toEqual({ path: '.b', message: 'expected (absent), got 2' });
  });

  test('lists of different lengths: the counts and the first item one has and the other lacks', () => {
    expect(firstDifference(['a', 'b', 'c'], ['a'])).toEqual({
      path: '',
      message: 'expected 1 item, got 3 items; at [1]: expected (absent), got "b"',
    });
    expect(firstDifference([], ['a', 'b'])).toEqual({
      path: '',
      message: 'expected 2 items, got 0 items; at [0]: expected "a", got (absent)',
    });
  });

  test('a long string is shown around its first differing character', () => {
    const got = `${'a'.repeat(100)}X${'b'.repeat(100)}`;
    const expected = `${'a'.repeat(100)}Y${'b'.repeat(100)}`;
    expect(firstDifference(got, expected)?.message).toBe(
      `differs at character 100 (length 201 expected, 201 got): expected …"${'a'.repeat(24)}Y${'b'.repeat(23)}"…, got …"${'a'.repeat(24)}X${'b'.repeat(23)}"…`,
    );
  });
});

describe('Checker', () => {
  test('counts every check and records a mismatch as `file vector field…: message`', () => {
    const c = new Checker('keys.json');
    c.eq('identity-111', 'registration', { version: '1' }, { version: '2' });
    c.eq('identity-111', 'fingerprint', 'x', 'x');
    c.at('ecies.json').fail('wrap-for-111', 'unwrap', 'did not open');
    expect(c.checked).toBe(3);
    expect(c.failures).toEqual([
      'keys.json identity-111 registration.version: expected "2", got "1"',
      'ecies.json wrap-for-111 unwrap: did not open',
    ]);
  });

  test('an exception in a vector’s checks is a failure of that vector; a shape error names its field', async () => {
    const c = new Checker('f.json');
    await c.vector('v1', () => {
      throw new KeykitError(ErrorCodes.INVALID_KEY, 'bad key');
    });
    await c.vector('v2', () => {
      throw new ShapeError('input.hex', 'must be lowercase hex, is 7');
    });
    await c.vector('v3', () => {
      throw new Error('broken');
    });
    expect(c.failures).toEqual([
      'f.json v1 (vector): threw ERR_INVALID_KEY bad key',
      'f.json v2 input.hex: must be lowercase hex, is 7',
      'f.json v3 (vector): threw broken',
    ]);
  });
});

describe('vectors verify names what differs', () => {
  test('names the first differing JSON path of a body, and the first differing character of a long string', async () => {
    const body = await verifyVectors(mutated('requests.json', (f) => (f.vectors[0].body.group_name = 'Renamed')));
    expect(body.failures).toContain('requests.json request-group-create body.group_name: expected "Renamed", got "Team"');
    const payload = await verifyVectors(
      mutated('signatures.json', (f) => (f.vectors[5].payload = f.vectors[5].payload.replace(',111,', ',112,'))),
    );
    const line = payload.failures.find((x) => x.startsWith('signatures.json ConversationKeyChangeEvent-v7 payload:'));
    expect(line).toMatch(/differs at character 44 .*expected .*,112,g1234.*, got .*,111,g1234/);
  });
});
