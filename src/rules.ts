/**
 * The protocol-independent rules for identifiers, versions and signed text, each written once, as
 * a predicate (`isX`, for a yes/no) and an assertion (`assertX`, which throws a typed error naming
 * the field). Every layer uses these: prepare functions, verifiers, the Sendbird envelope, the CLI.
 * X's own id forms (user ids, group ids, one-to-one ids) live with the X protocol code
 * (`adapters/xchat/rules.ts`), Sendbird's with the Sendbird adapter.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, type ErrorCode } from './errors.js';
import { typeName } from './guards.js';

function fail(field: string, reason: string, code: ErrorCode): never {
  throw new InvalidInputError(code, reason, field);
}

/** The largest version: versions are unsigned 64-bit integers (the official SDK parses them as u64). */
export const MAX_VERSION = 18446744073709551615n;

/**
 * Is `v` a version string: canonical unsigned decimal (no sign, no leading zero), at most 2^64−1?
 * Key versions, conversation-key versions and signing-key versions all follow this rule.
 */
export function isVersion(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) return false;
  if (v.length > 1 && v.charCodeAt(0) === 48) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return v.length < 20 || BigInt(v) <= MAX_VERSION;
}

/**
 * Asserts a version string (see {@link isVersion}).
 * @throws {InvalidInputError} `ERR_INVALID_VERSION`
 */
export function assertVersion(v: unknown, field: string): string {
  if (typeof v !== 'string') fail(field, `expected a decimal version string, got ${typeName(v)}`, ErrorCodes.INVALID_VERSION);
  if (!isVersion(v))
    fail(field, 'expected a canonical decimal version (digits only, no leading zero, at most 2^64-1)', ErrorCodes.INVALID_VERSION);
  return v;
}

/** Numeric order of two versions (they may exceed 2^53, so compared as BigInt): -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One day: the default allowance for a version (a millisecond timestamp) ahead of the clock. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 86_400_000;

/**
 * Is a timestamp version (a conversation-key version: milliseconds since the epoch) no later than
 * `now + maxFutureSkewMs`? A far-future version would otherwise become a receiver's floor and make
 * every honest later rotation look stale.
 */
export function isNotInFuture(version: string, now: number, maxFutureSkewMs: number): boolean {
  return BigInt(version) <= BigInt(now) + BigInt(maxFutureSkewMs);
}

/**
 * Asserts {@link isNotInFuture}.
 * @throws {InvalidInputError} `ERR_VERSION_IN_FUTURE`
 */
export function assertNotInFuture(version: string, now: number, maxFutureSkewMs: number, field: string): string {
  if (!isNotInFuture(version, now, maxFutureSkewMs)) {
    fail(field, `the version ${version} is more than ${maxFutureSkewMs} ms ahead of the clock (${now})`, ErrorCodes.VERSION_IN_FUTURE);
  }
  return version;
}

/**
 * Is `s` usable as one component of a signed payload? Payloads are comma-joined without escaping,
 * so a comma would let one signed string decode as two different component lists.
 */
export function isSignable(s: unknown, allowEmpty = false): s is string {
  return typeof s === 'string' && (allowEmpty || s.length > 0) && !s.includes(',');
}

/**
 * Asserts {@link isSignable}.
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD`, or `ERR_INVALID_ARGUMENT` for an empty or non-string value
 */
export function assertSignable(s: unknown, field: string, { allowEmpty = false } = {}): string {
  if (typeof s !== 'string') fail(field, `expected a string, got ${typeName(s)}`, ErrorCodes.INVALID_ARGUMENT);
  if (!allowEmpty && s.length === 0) fail(field, 'must not be empty', ErrorCodes.INVALID_ARGUMENT);
  if (s.includes(','))
    fail(field, 'must not contain a comma (signed payloads are comma-joined without escaping)', ErrorCodes.COMMA_IN_FIELD);
  return s;
}

/** The text that signs an absent optional value. */
export const NULL_SENTINEL = 'null';

/**
 * Asserts an optional signed text that is present: signable, and not the text `null`. Absent
 * values are signed as the literal `null`, so the text `null` itself would sign exactly like an
 * absent title.
 * @throws {InvalidInputError} `ERR_NULL_SENTINEL`, `ERR_COMMA_IN_FIELD`, `ERR_INVALID_ARGUMENT`
 */
export function assertOptionalSignedText(s: unknown, field: string): string {
  assertSignable(s, field);
  if (s === NULL_SENTINEL)
    fail(
      field,
      'must not be the text "null": absent values are signed as null, so it would sign like no value at all',
      ErrorCodes.NULL_SENTINEL,
    );
  return s as string;
}

/** Is `id` a user id of any system: 1 to 256 characters, no comma (it is signed)? */
export function isUserId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && !id.includes(',');
}

/**
 * Asserts {@link isUserId}.
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD`
 */
export function assertUserId(id: unknown, field: string): string {
  if (typeof id !== 'string') fail(field, `expected a user id string, got ${typeName(id)}`, ErrorCodes.INVALID_USER_ID);
  if (id.length === 0 || id.length > 256) fail(field, 'expected a user id of 1 to 256 characters', ErrorCodes.INVALID_USER_ID);
  if (id.includes(','))
    fail(field, 'must not contain a comma (signed payloads are comma-joined without escaping)', ErrorCodes.COMMA_IN_FIELD);
  return id;
}

/** A rule for the user ids of one system: X's digits, Sendbird's strings. */
export interface UserIdRule {
  /** The system, for messages ("X", "Sendbird"). */
  readonly name: string;
  is(id: unknown): id is string;
  assert(id: unknown, field: string): string;
}

/** The generic rule ({@link isUserId}), for systems without a narrower one. */
export const ANY_USER_ID: UserIdRule = { name: 'generic', is: isUserId, assert: assertUserId };

const I64_MAX = (1n << 63n) - 1n;

/**
 * Is `v` the canonical decimal text of a non-negative signed 64-bit integer (a Thrift i64 written
 * as text, such as a body's `ttl_msec`)?
 */
export function isI64Text(v: unknown): v is string {
  return typeof v === 'string' && /^(0|[1-9][0-9]{0,18})$/.test(v) && BigInt(v) <= I64_MAX;
}

/**
 * Asserts {@link isI64Text}.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 */
export function assertI64Text(v: unknown, field: string): string {
  if (!isI64Text(v))
    fail(field, 'expected a canonical decimal that fits a signed 64-bit integer (0 to 2^63-1)', ErrorCodes.INVALID_ARGUMENT);
  return v;
}

/** Is `v` a time-to-live in milliseconds: a safe, non-negative integer (a Thrift i64 on the wire)? */
export function isTtl(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Asserts {@link isTtl}.
 * @throws {InvalidInputError} `ERR_INVALID_TTL`
 */
export function assertTtl(v: unknown, field: string): number {
  if (!isTtl(v))
    fail(
      field,
      `expected a non-negative integer number of milliseconds, got ${typeof v === 'number' ? String(v) : typeName(v)}`,
      ErrorCodes.INVALID_TTL,
    );
  return v;
}

/**
 * Asserts that the ids of a list are pairwise distinct (a set, linear time).
 * @throws {InvalidInputError} `ERR_DUPLICATE_ID` naming the second occurrence
 */
export function assertDistinct(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    if (seen.has(v)) fail(`${field}[${i}]`, `duplicate id "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`, ErrorCodes.DUPLICATE_ID);
    seen.add(v);
  }
}
