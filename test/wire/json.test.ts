/**
 * Strict JSON (src/wire/json.ts): `JSON.parse` keeps the last of two equal keys, other parsers the
 * first, so text with a key twice is refused. Keys are compared after unescaping (`"a"` and
 * `"\u0061"` are one key, and so are a surrogate pair and its escapes); the path of the first
 * duplicate is reported; text inside strings is never taken for structure; the scan is iterative
 * (no stack overflow on deep nesting). A property builds JSON from generated values, escaping keys
 * at random, injects one duplicate spelled differently, and expects exactly its path.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { findDuplicateKey, parseJsonStrict } from '../../src/wire/json.js';
import { MIN_RUNS_BOTH_OUTCOMES, RUNS } from '../helpers/properties.js';

describe('findDuplicateKey', () => {
  test.each([
    ['two equal keys', '{"a":1,"a":2}', 'a'],
    ['a key and its escaped spelling', '{"a":1,"\\u0061":2}', 'a'],
    ['the escaped spelling first', '{"\\u0061":1,"a":2}', 'a'],
    ['escaped quote and its \\u form', '{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
    ['a solidus and its escape', '{"a/b":1,"a\\/b":2}', 'a/b'],
    ['an astral character and its surrogate escapes', '{"😀":1,"\\ud83d\\ude00":2}', '😀'],
    ['the empty key twice', '{"":1,"":2}', ''],
    ['whitespace around the tokens', '{ "a" : 1 ,\n\t"a" : 2 }', 'a'],
    ['nested in an object', '{"x":{"y":1,"y":2}}', 'x.y'],
    ['nested in an array', '[{"a":1},{"a":1,"a":2}]', '[1].a'],
    ['deeper', '{"a":[0,{"b":{"c":[[{"d":1,"d":1}]]}}]}', 'a[1].b.c[0][0].d'],
    ['the first of several', '{"p":{"q":1,"q":2},"r":{"s":1,"s":2}}', 'p.q'],
    ['after an object value', '{"a":{"b":1},"a":2}', 'a'],
  ])('%s: %s → %j', (_name, text, path) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findDuplicateKey(text)).toBe(path);
  });

  test.each([
    ['distinct keys', '{"a":1,"b":2}'],
    ['keys that differ in case', '{"a":1,"A":2}'],
    ['the same key in sibling objects', '{"a":{"k":1},"b":{"k":1}}'],
    ['the same key at every depth', '{"a":{"a":{"a":1}}}'],
    ['equal objects in an array', '[{"a":1},{"a":1}]'],
    ['a duplicate written inside a string value', '{"s":"{\\"a\\":1,\\"a\\":2}","t":"\\"a\\":"}'],
    ['a key equal to a value', '{"a":"a","b":"a"}'],
    ['escaped backslashes at the end of keys', '{"a\\\\":1,"a":2}'],
    ['scalars', '"a"'],
    ['an empty object', '{}'],
  ])('%s: %s → null', (_name, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findDuplicateKey(text)).toBeNull();
  });

  test('iterative: 200,000 levels of nesting do not overflow the stack', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`;
    expect(findDuplicateKey(text)).toBe(`${'[0]'.repeat(depth)}.a`);
  });
});

describe('parseJsonStrict', () => {
  test('returns what JSON.parse returns', () => {
    const text = '{"a":[1,2,{"b":null}],"c":"\\u0061","d":1e3}';
    expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
  });

  test('a duplicate key is a DecodeError ERR_INVALID_ENVELOPE naming the field and the key', () => {
    try {
      parseJsonStrict('{"group_name":"a","group_\\u006eame":"b"}', 'body');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ code: 'ERR_INVALID_ENVELOPE', field: 'body', reason: expect.stringContaining('"group_name"') });
    }
  });

  test.each(['', '{', '{"a":1,}', "{'a':1}", 'nul', '{"a":1} x', '\u00a0{}', 'NaN', '[1,]'])(
    'text that is not JSON (%j) is a DecodeError ERR_INVALID_ENVELOPE',
    (text) => {
      expect(() => parseJsonStrict(text, 'body')).toThrow(
        expect.objectContaining({ name: 'DecodeError', code: 'ERR_INVALID_ENVELOPE', field: 'body', reason: 'not valid JSON' }),
      );
    },
  );

  test('the field defaults to "json"', () => {
    expect(() => parseJsonStrict('{')).toThrow(expect.objectContaining({ field: 'json' }));
  });
});

/** A JSON value with the members of its objects in order (keys distinct within an object). */
type J = null | boolean | number | string | J[] | { members: [string, J][] };

const jsonValue: fc.Arbitrary<J> = fc.letrec<{ value: J }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 4 }), tie('value')), { maxLength: 4, selector: (m) => m[0] })
      .map((members) => ({ members })),
  ),
})).value;

/** A JSON object with at least one member (the usual body), its values any JSON values. */
const jsonObject: fc.Arbitrary<J> = fc
  .uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 4 }), jsonValue), { minLength: 1, maxLength: 5, selector: (m) => m[0] })
  .map((members) => ({ members }));

/** A key spelled as written (`JSON.stringify`) or with every UTF-16 unit as a `\uXXXX` escape. */
function spell(key: string, escaped: boolean): string {
  if (!escaped) return JSON.stringify(key);
  let out = '"';
  for (let i = 0; i < key.length; i++) out += `\\u${key.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return `${out}"`;
}

/**
 * Writes `v`, escaping keys where `escape` says so; the object numbered `inject` (in document
 * order, counting objects with members) gets one more member repeating its member `which`, spelled
 * the other way. Returns the text and the path of that repetition (null when none was injected).
 */
function write(v: J, escape: (n: number) => boolean, inject: number, which: number): { text: string; path: string | null } {
  let objects = 0;
  let keys = 0;
  let injected: string | null = null;
  const go = (x: J, path: string): string => {
    if (x === null || typeof x !== 'object') return JSON.stringify(x);
    if (Array.isArray(x)) return `[${x.map((e, i) => go(e, `${path}[${i}]`)).join(',')}]`;
    const here = x.members.length > 0 ? objects++ : -1;
    const spelled: boolean[] = [];
    const parts = x.members.map(([k, e]) => {
      const esc = escape(keys++);
      spelled.push(esc);
      return `${spell(k, esc)}:${go(e, path === '' ? k : `${path}.${k}`)}`;
    });
    if (here >= 0 && here === inject) {
      const i = which % x.members.length;
      const [k] = x.members[i] as [string, J];
      // The other spelling (an empty key has only one).
      parts.push(`${spell(k, !spelled[i])}:0`);
      injected = path === '' ? k : `${path}.${k}`;
    }
    return `{${parts.join(',')}}`;
  };
  const text = go(v, '');
  return { text, path: injected };
}

describe('properties', () => {
  test('generated JSON with keys escaped at random: null, or after one injected duplicate spelled differently, exactly its path', () => {
    const numRuns = Math.max(RUNS, MIN_RUNS_BOTH_OUTCOMES);
    let injectedCount = 0;
    fc.assert(
      fc.property(
        jsonObject,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.nat({ max: 3 }),
        fc.nat(),
        (v, escapes, inject, which) => {
          const escape = (n: number) => escapes[n % escapes.length] as boolean;
          const clean = write(v, escape, -1, 0);
          expect(clean.path).toBeNull();
          expect(findDuplicateKey(clean.text)).toBeNull();
          expect(parseJsonStrict(clean.text)).toEqual(JSON.parse(clean.text));
          const dup = write(v, escape, inject, which);
          expect(() => JSON.parse(dup.text)).not.toThrow();
          expect(findDuplicateKey(dup.text)).toBe(dup.path);
          if (dup.path !== null) {
            injectedCount++;
            expect(() => parseJsonStrict(dup.text, 'body')).toThrow(
              expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE', field: 'body' }),
            );
          }
        },
      ),
      { numRuns, seed: 51 },
    );
    expect(injectedCount).toBeGreaterThan(numRuns / 3);
  });
});
