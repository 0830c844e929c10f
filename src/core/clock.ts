/**
 * Conversation-key versions: millisecond timestamps that only move up.
 *
 * Two key changes prepared in the same millisecond would otherwise get the same version, and a
 * version is all that ties a group create's two signed actions together (docs/xchat-keys.md
 * §"What binds the two actions"). So each clock hands out strictly increasing versions within a
 * process: `max(now, last + 1)`. Key changes use `Date.now` (one function, so the rule is
 * process-wide); only `chat-keykit/testing` can give them another clock. Versions more than the allowed skew ahead of the clock are
 * refused everywhere (here, in the verifiers, in the Sendbird opener): a receiver keeps the
 * highest version it has seen as its floor, and a far-future one would pin it.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { assertFunction } from '../guards.js';
import { assertNotInFuture, DEFAULT_MAX_FUTURE_SKEW_MS } from '../rules.js';

/** A clock in milliseconds since the epoch. */
export type Clock = () => number;

/** The last version each clock handed out (the default clock's is process-wide). */
const last = new WeakMap<Clock, bigint>();

/** Reads a clock, checking that it gives a non-negative integer number of milliseconds. */
export function readClock(clock: Clock, field: string): number {
  const t = clock();
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must return a non-negative integer number of milliseconds', field);
  }
  return t;
}

/** The clock option of a call, checked: the caller's, or `Date.now`. */
export function clockOf(value: unknown, field: string): Clock {
  return value === undefined ? Date.now : assertFunction<Clock>(value, field, '() => number');
}

/** The allowed skew option of a call, checked: the caller's, or one day. */
export function skewOf(value: unknown, field: string): number {
  if (value === undefined) return DEFAULT_MAX_FUTURE_SKEW_MS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-negative integer number of milliseconds', field);
  }
  return value;
}

/**
 * The next conversation-key version of `clock`: its time, or one more than the last version it
 * gave, whichever is larger.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a clock that does not return milliseconds,
 * `ERR_VERSION_IN_FUTURE` when the version would run more than `maxFutureSkewMs` ahead of it
 */
export function nextKeyVersion(clock: Clock, maxFutureSkewMs: number, field: string): string {
  const now = readClock(clock, field);
  const prev = last.get(clock);
  const next = prev !== undefined && prev >= BigInt(now) ? prev + 1n : BigInt(now);
  const version = assertNotInFuture(next.toString(), now, maxFutureSkewMs, field);
  last.set(clock, next);
  return version;
}
