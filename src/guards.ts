/**
 * Input guards used at every public boundary, so that bad input fails early with a typed,
 * secret-free error that names the field (noble's `abytes` pattern), never with a `TypeError`
 * from deep inside.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from './errors.js';

/** A short, secret-free description of a value's type for error messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (typeof value === 'string') return `string(${value.length})`;
  return typeof value;
}

function fail(field: string, message: string, code: (typeof ErrorCodes)[keyof typeof ErrorCodes] = ErrorCodes.INVALID_ARGUMENT): never {
  throw new InvalidInputError(code, message, field);
}

/** Asserts a `Uint8Array`, optionally of one of the given lengths. */
export function assertBytes(value: unknown, field: string, ...lengths: number[]): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(field, `expected Uint8Array, got ${typeName(value)}`);
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    fail(field, `expected Uint8Array of length ${lengths.join(' or ')}, got length=${value.length}`);
  }
  return value;
}

/** Asserts a plain object (not null, not an array). */
export function assertObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    fail(field, `expected an object, got ${typeName(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Asserts an array. */
export function assertArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, `expected an array, got ${typeName(value)}`);
  return value;
}

/** Asserts a string. */
export function assertString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a string, got ${typeName(value)}`);
  return value;
}

/**
 * Asserts a string that may be a component of a signed payload: the payload is comma-joined
 * without escaping (PROTOCOL.md §6.1), so a comma would make one signed string decode as two
 * different component lists.
 */
export function assertSignable(value: unknown, field: string, { allowEmpty = false } = {}): string {
  const s = assertString(value, field);
  if (!allowEmpty && s.length === 0) fail(field, 'must not be empty');
  if (s.includes(',')) fail(field, 'must not contain a comma (signed payloads are comma-joined without escaping)', ErrorCodes.COMMA_IN_FIELD);
  return s;
}

const U64_MAX = 18446744073709551615n;

/**
 * Asserts a version string: canonical unsigned decimal (no sign, no leading zero), fitting in
 * 64 bits, as the X API's `^[0-9]+$` and the official SDK's u64 comparison expect.
 */
export function assertVersion(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a decimal version string, got ${typeName(value)}`, ErrorCodes.INVALID_VERSION);
  if (!/^(0|[1-9][0-9]{0,19})$/.test(value) || BigInt(value) > U64_MAX) {
    fail(field, 'expected a canonical decimal version (digits only, no leading zero, at most 2^64-1)', ErrorCodes.INVALID_VERSION);
  }
  return value;
}

/** Asserts an X user id: 1 to 19 decimal digits (the X API's `UserId` pattern). */
export function assertXUserId(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a user id string, got ${typeName(value)}`, ErrorCodes.INVALID_USER_ID);
  if (!/^[0-9]{1,19}$/.test(value)) fail(field, 'expected an X user id (1 to 19 decimal digits)', ErrorCodes.INVALID_USER_ID);
  return value;
}

/** Asserts a user id of any system: a non-empty, comma-free string of at most 256 characters. */
export function assertUserId(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a user id string, got ${typeName(value)}`, ErrorCodes.INVALID_USER_ID);
  if (value.length === 0 || value.length > 256) fail(field, 'expected a user id of 1 to 256 characters', ErrorCodes.INVALID_USER_ID);
  if (value.includes(',')) fail(field, 'must not contain a comma (signed payloads are comma-joined without escaping)', ErrorCodes.COMMA_IN_FIELD);
  return value;
}

/** Asserts that the strings of a list are pairwise distinct. */
export function assertDistinct(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) fail(`${field}[${i}]`, `duplicate id "${v}"`, ErrorCodes.DUPLICATE_ID);
    seen.add(v);
  });
}

/** Asserts a safe, non-negative integer TTL in milliseconds (a Thrift i64 on the wire). */
export function assertTtl(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(field, `expected a non-negative integer number of milliseconds, got ${typeof value === 'number' ? String(value) : typeName(value)}`, ErrorCodes.INVALID_TTL);
  }
  return value;
}
