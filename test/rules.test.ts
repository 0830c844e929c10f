/**
 * The protocol-independent rules (src/rules.ts, docs/xchat-keys.md §"Identifiers"), each a
 * predicate and an assertion that agree: versions (canonical unsigned decimal up to 2^64−1,
 * compared numerically), the future-skew bound, signable text (no comma, not the text `null`),
 * generic user ids (1 to 256 characters), i64 text, TTLs and distinct ids. Every refusal is an
 * InvalidInputError with its code and the field, never a TypeError, whatever the value's type.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ANY_USER_ID,
  assertDistinct,
  assertI64Text,
  assertNotInFuture,
  assertOptionalSignedText,
  assertSignable,
  assertTtl,
  assertUserId,
  assertVersion,
  compareVersions,
  DEFAULT_MAX_FUTURE_SKEW_MS,
  isI64Text,
  isNotInFuture,
  isSignable,
  isTtl,
  isUserId,
  isVersion,
  MAX_VERSION,
  NULL_SENTINEL,
} from '../src/rules.js';
import { RUNS } from './helpers/properties.js';

/** Values of every type that are not strings. */
const NOT_STRINGS = [undefined, null, 0, 1, 1n, NaN, true, {}, [], ['1'], new Uint8Array(1), Symbol('s'), () => '1'];

/** Asserts `f` throws InvalidInputError with this code and field. */
const refuses = (f: () => unknown, code: string, field: string) =>
  expect(f).toThrow(expect.objectContaining({ name: 'InvalidInputError', code, field }));

describe('versions', () => {
  test('MAX_VERSION is 2^64 − 1', () => {
    expect(MAX_VERSION).toBe((1n << 64n) - 1n);
  });

  test.each([
    ['0', true],
    ['1', true],
    ['9', true],
    ['10', true],
    ['1700000000000', true],
    ['9007199254740993', true], // 2^53 + 1: beyond the safe integers
    ['9223372036854775808', true], // 2^63
    ['18446744073709551615', true], // 2^64 − 1
    ['18446744073709551616', false], // 2^64
    ['99999999999999999999', false], // 20 digits above the maximum
    ['100000000000000000000', false], // 21 digits
    ['00', false],
    ['01', false],
    ['007', false],
    ['', false],
    ['-1', false],
    ['+1', false],
    ['1.0', false],
    ['1e3', false],
    ['0x10', false],
    [' 1', false],
    ['1 ', false],
    ['1\n', false],
    ['١٢', false], // Arabic-Indic digits
    ['１', false], // a fullwidth digit
  ])('%j is a version: %s', (v, ok) => {
    expect(isVersion(v)).toBe(ok);
    if (ok) expect(assertVersion(v, 'keyVersion')).toBe(v);
    else refuses(() => assertVersion(v, 'keyVersion'), 'ERR_INVALID_VERSION', 'keyVersion');
  });

  test('non-strings are not versions: ERR_INVALID_VERSION naming the field, never a TypeError', () => {
    for (const v of NOT_STRINGS) {
      expect(isVersion(v)).toBe(false);
      refuses(() => assertVersion(v, 'publicKeys[0].keyVersion'), 'ERR_INVALID_VERSION', 'publicKeys[0].keyVersion');
    }
  });

  test('property: isVersion is exactly "canonical decimal of a value in [0, 2^64 − 1]"', () => {
    const near = fc.oneof(
      fc.bigInt({ min: 0n, max: 1n << 66n }).map(String),
      fc.bigInt({ min: MAX_VERSION - 1000n, max: MAX_VERSION + 1000n }).map(String),
      fc.string({ unit: fc.constantFrom('0', '1', '9', '-', '+', ' ', 'e'), maxLength: 22 }),
    );
    fc.assert(
      fc.property(near, (v) => {
        const canonical = /^(0|[1-9][0-9]*)$/.test(v);
        expect(isVersion(v)).toBe(canonical && BigInt(v) <= MAX_VERSION);
      }),
      { numRuns: RUNS * 3, seed: 71 },
    );
  });

  test('compareVersions is numeric order, also past 2^53 (not string order)', () => {
    expect(compareVersions('999', '1000')).toBe(-1);
    expect(compareVersions('1000', '999')).toBe(1);
    expect(compareVersions('9007199254740993', '9007199254740992')).toBe(1); // equal as doubles
    expect(compareVersions('18446744073709551615', '18446744073709551615')).toBe(0);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_VERSION }), fc.bigInt({ min: 0n, max: MAX_VERSION }), (a, b) => {
        expect(compareVersions(String(a), String(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: RUNS, seed: 72 },
    );
  });
});

describe('the future-skew bound', () => {
  const now = 1_795_357_034_165;
  test('now + skew is allowed, one millisecond more is not', () => {
    expect(DEFAULT_MAX_FUTURE_SKEW_MS).toBe(24 * 60 * 60 * 1000);
    const edge = String(now + DEFAULT_MAX_FUTURE_SKEW_MS);
    expect(isNotInFuture(edge, now, DEFAULT_MAX_FUTURE_SKEW_MS)).toBe(true);
    expect(assertNotInFuture(edge, now, DEFAULT_MAX_FUTURE_SKEW_MS, 'ckv')).toBe(edge);
    const over = String(now + DEFAULT_MAX_FUTURE_SKEW_MS + 1);
    expect(isNotInFuture(over, now, DEFAULT_MAX_FUTURE_SKEW_MS)).toBe(false);
    refuses(() => assertNotInFuture(over, now, DEFAULT_MAX_FUTURE_SKEW_MS, 'ckv'), 'ERR_VERSION_IN_FUTURE', 'ckv');
    // Past versions and a skew of zero.
    expect(isNotInFuture('0', now, 0)).toBe(true);
    expect(isNotInFuture(String(now), now, 0)).toBe(true);
    expect(isNotInFuture(String(now + 1), now, 0)).toBe(false);
  });

  test('exact past 2^53: the largest version is far in the future of any clock', () => {
    // 2^53 + 1 rounds to 2^53 as a double: compared as doubles it would not be ahead of 2^53.
    expect(isNotInFuture('9007199254740993', 2 ** 53, 0)).toBe(false);
    expect(isNotInFuture('9007199254740993', 2 ** 53, 1)).toBe(true);
    expect(isNotInFuture(String(MAX_VERSION), now, DEFAULT_MAX_FUTURE_SKEW_MS)).toBe(false);
  });
});

describe('signable text', () => {
  test.each([
    ['Team', false, true],
    ['', false, false],
    ['', true, true],
    ['a,b', false, false],
    [',', true, false],
    ['null', false, true],
    ['中文 ✓ "quoted"', false, true],
  ])('%j (allowEmpty %s) is signable: %s', (s, allowEmpty, ok) => {
    expect(isSignable(s, allowEmpty)).toBe(ok);
    if (ok) expect(assertSignable(s, 'title', { allowEmpty })).toBe(s);
  });

  test('assertSignable: ERR_COMMA_IN_FIELD for a comma, ERR_INVALID_ARGUMENT for empty or not a string', () => {
    refuses(() => assertSignable('a,b', 'title'), 'ERR_COMMA_IN_FIELD', 'title');
    refuses(() => assertSignable(',', 'title', { allowEmpty: true }), 'ERR_COMMA_IN_FIELD', 'title');
    refuses(() => assertSignable('', 'title'), 'ERR_INVALID_ARGUMENT', 'title');
    for (const v of NOT_STRINGS) {
      expect(isSignable(v)).toBe(false);
      refuses(() => assertSignable(v, 'title'), 'ERR_INVALID_ARGUMENT', 'title');
    }
  });

  test('assertOptionalSignedText: the text "null" is refused (it signs like an absent value), other spellings are text', () => {
    expect(NULL_SENTINEL).toBe('null');
    refuses(() => assertOptionalSignedText('null', 'params.title'), 'ERR_NULL_SENTINEL', 'params.title');
    for (const s of ['NULL', 'Null', ' null', 'null ', 'nul', 'none']) expect(assertOptionalSignedText(s, 'params.title')).toBe(s);
    refuses(() => assertOptionalSignedText('a,null', 'params.title'), 'ERR_COMMA_IN_FIELD', 'params.title');
    refuses(() => assertOptionalSignedText('', 'params.title'), 'ERR_INVALID_ARGUMENT', 'params.title');
    refuses(() => assertOptionalSignedText(null, 'params.title'), 'ERR_INVALID_ARGUMENT', 'params.title');
  });
});

describe('generic user ids', () => {
  test.each([
    ['a', true],
    ['x'.repeat(256), true],
    ['x'.repeat(257), false],
    ['', false],
    ['alice,bob', false],
    ['user@example.com', true],
    ['0', true],
    ['用户', true],
  ])('%j is a user id: %s', (id, ok) => {
    expect(isUserId(id)).toBe(ok);
    expect(ANY_USER_ID.is(id)).toBe(ok);
    if (ok) expect(assertUserId(id, 'userId')).toBe(id);
  });

  test('refusals: ERR_INVALID_USER_ID for the length or type, ERR_COMMA_IN_FIELD for a comma', () => {
    refuses(() => assertUserId('', 'memberIds[0]'), 'ERR_INVALID_USER_ID', 'memberIds[0]');
    refuses(() => assertUserId('x'.repeat(257), 'memberIds[0]'), 'ERR_INVALID_USER_ID', 'memberIds[0]');
    refuses(() => ANY_USER_ID.assert('alice,bob', 'memberIds[1]'), 'ERR_COMMA_IN_FIELD', 'memberIds[1]');
    for (const v of NOT_STRINGS) refuses(() => assertUserId(v, 'userId'), 'ERR_INVALID_USER_ID', 'userId');
    expect(ANY_USER_ID.name).toBe('generic');
  });
});

describe('i64 text', () => {
  test.each([
    ['0', true],
    ['86400000', true],
    ['9223372036854775807', true], // 2^63 − 1
    ['9223372036854775808', false], // 2^63
    ['18446744073709551615', false], // a valid version, but not an i64
    ['-1', false],
    ['01', false],
    ['', false],
  ])('%j fits a non-negative i64: %s', (v, ok) => {
    expect(isI64Text(v)).toBe(ok);
    if (ok) expect(assertI64Text(v, 'ttl_msec')).toBe(v);
    else refuses(() => assertI64Text(v, 'ttl_msec'), 'ERR_INVALID_ARGUMENT', 'ttl_msec');
  });

  test('non-strings are refused, not converted', () => {
    for (const v of [...NOT_STRINGS, 5]) refuses(() => assertI64Text(v, 'ttl_msec'), 'ERR_INVALID_ARGUMENT', 'ttl_msec');
  });
});

describe('TTLs', () => {
  test.each([
    [0, true],
    [86_400_000, true],
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MAX_SAFE_INTEGER + 1, false],
    [-1, false],
    [-0, true],
    [1.5, false],
    [NaN, false],
    [Infinity, false],
    ['5', false],
    [5n, false],
    [null, false],
  ])('%s is a TTL: %s', (v, ok) => {
    expect(isTtl(v)).toBe(ok);
    if (ok) expect(assertTtl(v, 'params.ttlMsec')).toBe(v);
    else refuses(() => assertTtl(v, 'params.ttlMsec'), 'ERR_INVALID_TTL', 'params.ttlMsec');
  });
});

describe('distinct ids', () => {
  test('the second occurrence is named, with the id in the reason (long ids cut at 40 characters)', () => {
    expect(() => assertDistinct(['111', '222', '333'], 'memberIds')).not.toThrow();
    expect(() => assertDistinct([], 'memberIds')).not.toThrow();
    refuses(() => assertDistinct(['111', '222', '111', '222'], 'memberIds'), 'ERR_DUPLICATE_ID', 'memberIds[2]');
    const long = 'u'.repeat(100);
    expect(() => assertDistinct([long, long], 'ids')).toThrow(
      expect.objectContaining({ field: 'ids[1]', reason: `duplicate id "${'u'.repeat(40)}…"` }),
    );
  });

  test('property: throws exactly when some id repeats, at the first repeat', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('1', '2', '3', '4', '5', '6'), { maxLength: 6 }), (ids) => {
        const first = ids.findIndex((id, i) => ids.indexOf(id) < i);
        if (first < 0) expect(() => assertDistinct(ids, 'ids')).not.toThrow();
        else refuses(() => assertDistinct(ids, 'ids'), 'ERR_DUPLICATE_ID', `ids[${first}]`);
      }),
      { numRuns: RUNS, seed: 73 },
    );
  });
});
