/**
 * Conversation-key versions (src/core/clock.ts): each clock function hands out strictly increasing
 * versions, `max(now, last + 1)`, kept per function (so `Date.now` is one process-wide sequence and
 * a test's clock another); a version more than the allowed skew ahead of its clock is refused with
 * ERR_VERSION_IN_FUTURE and not counted; clocks and skews given as options are checked, with typed
 * errors naming the field.
 */
import { describe, expect, test } from 'vitest';
import { clockOf, nextKeyVersion, readClock, skewOf } from '../../src/core/clock.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS } from '../../src/rules.js';

const DAY = DEFAULT_MAX_FUTURE_SKEW_MS;
const refuses = (f: () => unknown, code: string, field: string) =>
  expect(f).toThrow(expect.objectContaining({ name: 'InvalidInputError', code, field }));

describe('nextKeyVersion', () => {
  test("a clock's time, then one more than the last version while the clock stands still", () => {
    const frozen = () => 1_795_357_034_165;
    expect([1, 2, 3].map(() => nextKeyVersion(frozen, DAY, 'now'))).toEqual(['1795357034165', '1795357034166', '1795357034167']);
  });

  test('per clock function: two clocks at the same time have their own sequences', () => {
    const a = () => 1000;
    const b = () => 1000;
    expect(nextKeyVersion(a, DAY, 'now')).toBe('1000');
    expect(nextKeyVersion(a, DAY, 'now')).toBe('1001');
    expect(nextKeyVersion(b, DAY, 'now')).toBe('1000');
    expect(nextKeyVersion(a, DAY, 'now')).toBe('1002');
  });

  test('a clock that goes back does not make versions go back; one that jumps ahead is followed', () => {
    let t = 5000;
    const clock = () => t;
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('5000');
    t = 10;
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('5001');
    t = 9000;
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('9000');
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('9001');
  });

  test('refused past the skew, and a refused version is not handed out', () => {
    const clock = () => 1000;
    expect(nextKeyVersion(clock, 2, 'now')).toBe('1000');
    expect(nextKeyVersion(clock, 2, 'now')).toBe('1001');
    expect(nextKeyVersion(clock, 2, 'now')).toBe('1002');
    refuses(() => nextKeyVersion(clock, 2, 'testing hooks: now'), 'ERR_VERSION_IN_FUTURE', 'testing hooks: now');
    refuses(() => nextKeyVersion(clock, 2, 'testing hooks: now'), 'ERR_VERSION_IN_FUTURE', 'testing hooks: now');
    // With more allowance the sequence resumes where it was: 1003, not 1005.
    expect(nextKeyVersion(clock, 3, 'now')).toBe('1003');
  });

  test('a skew of zero allows one version per millisecond', () => {
    let t = 42;
    const clock = () => t;
    expect(nextKeyVersion(clock, 0, 'now')).toBe('42');
    refuses(() => nextKeyVersion(clock, 0, 'now'), 'ERR_VERSION_IN_FUTURE', 'now');
    t = 43;
    expect(nextKeyVersion(clock, 0, 'now')).toBe('43');
  });

  test('exact beyond 2^53 (versions are decimal text, counted as BigInt)', () => {
    const clock = () => Number.MAX_SAFE_INTEGER;
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('9007199254740991');
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('9007199254740992');
    expect(nextKeyVersion(clock, DAY, 'now')).toBe('9007199254740993');
  });

  test('Date.now: strictly increasing, within the skew of the real time', () => {
    const versions = Array.from({ length: 50 }, () => nextKeyVersion(Date.now, DAY, 'now'));
    for (let i = 1; i < versions.length; i++) expect(BigInt(versions[i]!)).toBeGreaterThan(BigInt(versions[i - 1]!));
    expect(Number(versions[versions.length - 1]) - Date.now()).toBeLessThanOrEqual(50);
  });

  test('a clock that does not give whole non-negative milliseconds is refused, and does not count', () => {
    for (const t of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1000', 1000n, null]) {
      refuses(() => nextKeyVersion(() => t as number, DAY, 'testing hooks: now'), 'ERR_INVALID_ARGUMENT', 'testing hooks: now');
    }
  });
});

describe('readClock, clockOf, skewOf', () => {
  test('readClock returns the time of a clock that gives milliseconds', () => {
    expect(readClock(() => 0, 'options.now')).toBe(0);
    expect(readClock(() => Number.MAX_SAFE_INTEGER, 'options.now')).toBe(Number.MAX_SAFE_INTEGER);
    refuses(() => readClock(() => -5, 'options.now'), 'ERR_INVALID_ARGUMENT', 'options.now');
    refuses(() => readClock(() => new Date() as unknown as number, 'options.now'), 'ERR_INVALID_ARGUMENT', 'options.now');
  });

  test('clockOf: the caller’s function, or Date.now; anything else is refused', () => {
    const mine = () => 1;
    expect(clockOf(mine, 'options.now')).toBe(mine);
    expect(clockOf(undefined, 'options.now')).toBe(Date.now);
    for (const v of [1_795_357_034_165, null, 'Date.now', new Date()]) {
      expect(() => clockOf(v, 'options.now')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.now', reason: expect.stringContaining('() => number') }),
      );
    }
  });

  test('skewOf: the caller’s non-negative integer, or one day', () => {
    expect(skewOf(undefined, 'options.maxFutureSkewMs')).toBe(86_400_000);
    expect(skewOf(0, 'options.maxFutureSkewMs')).toBe(0);
    expect(skewOf(Number.MAX_SAFE_INTEGER, 'options.maxFutureSkewMs')).toBe(Number.MAX_SAFE_INTEGER);
    for (const v of [-1, 1.5, NaN, Infinity, '60000', null])
      refuses(() => skewOf(v, 'options.maxFutureSkewMs'), 'ERR_INVALID_ARGUMENT', 'options.maxFutureSkewMs');
  });
});
