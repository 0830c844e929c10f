/**
 * Integers the receiver hands out as JavaScript numbers, as the official SDK does: exact within
 * ±2^53, and otherwise an error of that one event (`ERR_UNSAFE_INTEGER`), where the SDK throws for
 * the whole batch (docs/xchat-messages.md §"8. Pitfalls for a re-implementation").
 *
 * @module
 */
import { DecodeError, ErrorCodes } from '../../../errors.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/**
 * An i64 as a number, `null` when absent.
 * @throws {DecodeError} `ERR_UNSAFE_INTEGER` beyond ±(2^53−1)
 */
export function safeNumber(value: bigint | undefined, field: string): number | null {
  if (value === undefined) return null;
  if (value > MAX || value < -MAX)
    throw new DecodeError(ErrorCodes.UNSAFE_INTEGER, `${value} cannot be represented exactly as a JavaScript number`, field);
  return Number(value);
}

/**
 * An envelope's `created_at_msec` text as the SDK reads it (a signed 64-bit decimal: an optional
 * sign, digits, leading zeros allowed): the number, or `null` when absent or not such a decimal.
 * @throws {DecodeError} `ERR_UNSAFE_INTEGER` for an i64 beyond ±(2^53−1)
 */
export function createdAtOf(text: string | undefined): number | null {
  const m = text === undefined ? null : /^([+-]?)0*([0-9]*)$/.exec(text);
  if (!m || text === m[1] || (m[2] as string).length > 19) return null;
  const v = BigInt(`${m[1]}${m[2] || '0'}`);
  if (v < I64_MIN || v > I64_MAX) return null;
  return safeNumber(v, 'createdAtMsec');
}
