/**
 * The error entries of `decryptEvents` (`{ code, message }`, by input index) and records keyed by
 * outside text (conversation ids come from the events): own properties are defined, never
 * assigned, so that a key such as `__proto__` stays an ordinary key.
 *
 * @module
 */
import { ErrorCodes, KeykitError, type ErrorCode } from '../../../errors.js';
import type { EventError } from './types.js';

/** An error entry from anything thrown while handling one event (never a secret: messages are ours). */
export function eventError(e: unknown): EventError {
  if (e instanceof KeykitError) return { code: e.code, message: e.message };
  return { code: ErrorCodes.INTERNAL, message: 'an unexpected error while handling this event (please report it)' };
}

/** An error entry from a code and a message. */
export function failure(code: ErrorCode, message: string): EventError {
  return { code, message };
}

/** Defines `record[key] = value` as an own, enumerable, writable property. */
export function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
