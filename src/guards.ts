/**
 * Shape guards used at every public boundary, so that bad input fails early with a typed,
 * secret-free error that names the field (noble's `abytes` pattern), never with a `TypeError`
 * from deep inside. The rules for identifiers and versions are in `rules.ts`.
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

function fail(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

type MaybeDetachable = { readonly detached?: boolean; slice(begin: number, end: number): unknown };

/**
 * Is the memory behind `bytes` detached (transferred to a worker or by `structuredClone` with a
 * transfer list)? A detached view reads as empty, and most operations on it throw a `TypeError`.
 */
export function isDetached(bytes: Uint8Array): boolean {
  const buffer = bytes.buffer as unknown as MaybeDetachable;
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  // A SharedArrayBuffer cannot be transferred, so never detached (slicing an empty one throws on Node 20).
  if (bytes.byteLength !== 0 || (typeof SharedArrayBuffer === 'function' && (bytes.buffer as unknown) instanceof SharedArrayBuffer))
    return false;
  try {
    buffer.slice(0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Asserts a `Uint8Array` (not detached), optionally of one of the given lengths.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 */
export function assertBytes(value: unknown, field: string, ...lengths: number[]): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(field, `expected Uint8Array, got ${typeName(value)}`);
  if (isDetached(value)) fail(field, 'the Uint8Array is detached (its buffer was transferred): pass a copy');
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    fail(field, `expected Uint8Array of length ${lengths.join(' or ')}, got length=${value.length}`);
  }
  return value;
}

/** Asserts an object: not null, not an array, not bytes (class instances pass; their fields are checked by the caller). */
export function assertObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    fail(field, `expected an object, got ${typeName(value)}`);
  }
  return value as Record<string, unknown>;
}

/** The index of the first hole of a sparse array (`[a, , b]`), or -1 when it has none. */
export function firstHole(value: readonly unknown[]): number {
  for (let i = 0; i < value.length; i++) if (!(i in value)) return i;
  return -1;
}

/**
 * Asserts an array without holes: `forEach` and `map` skip holes, so a sparse array would let an
 * element pass unchecked.
 */
export function assertArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, `expected an array, got ${typeName(value)}`);
  const hole = firstHole(value);
  if (hole >= 0) fail(`${field}[${hole}]`, 'the array has a hole here (a sparse array): every element must be present');
  return value;
}

/** Asserts a string. */
export function assertString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a string, got ${typeName(value)}`);
  return value;
}

/** Asserts a function. */
export function assertFunction<F extends (...args: never[]) => unknown>(value: unknown, field: string, shape: string): F {
  if (typeof value !== 'function') fail(field, `expected a function ${shape}, got ${typeName(value)}`);
  return value as F;
}
