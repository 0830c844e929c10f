/**
 * X's identifier rules (docs/xchat-keys.md §"Identifiers"), each written once as a predicate and an
 * assertion: user ids, group ids, one-to-one ids and the signer-side canonical form of a
 * conversation id. The crypto core knows none of them; the X prepare functions, the verifiers,
 * the key listing and the CLI use these.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { typeName } from '../../guards.js';
import type { UserIdRule } from '../../rules.js';

/** Is `c` the char code of an ASCII digit? */
const digit = (c: number): boolean => c >= 48 && c <= 57;

/** `length` ASCII digits from `from`, 1 to `max` of them. */
function digits(s: string, from: number, max: number): boolean {
  const n = s.length - from;
  if (n < 1 || n > max) return false;
  for (let i = from; i < s.length; i++) if (!digit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Is `id` an X user id: 1 to 19 decimal digits without a leading zero? (The X API's `UserId`
 * pattern allows leading zeros; real ids have none, and one-to-one ids order users by length.)
 */
export function isXUserId(id: unknown): id is string {
  return typeof id === 'string' && digits(id, 0, 19) && id.charCodeAt(0) !== 48;
}

/**
 * Asserts {@link isXUserId}.
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID`
 */
export function assertXUserId(id: unknown, field: string): string {
  if (typeof id !== 'string')
    throw new InvalidInputError(ErrorCodes.INVALID_USER_ID, `expected a user id string, got ${typeName(id)}`, field);
  if (!isXUserId(id))
    throw new InvalidInputError(ErrorCodes.INVALID_USER_ID, 'expected an X user id (1 to 19 decimal digits, no leading zero)', field);
  return id;
}

/** X's user-id rule, for the functions that take one. */
export const X_USER_ID: UserIdRule = { name: 'X', is: isXUserId, assert: assertXUserId };

/** Is `id` X's group conversation id: `g` and 1 to 19 digits (minted by `/group/initialize`)? */
export function isGroupId(id: unknown): id is string {
  return typeof id === 'string' && id.charCodeAt(0) === 103 && digits(id, 1, 19);
}

/**
 * Asserts {@link isGroupId}.
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`
 */
export function assertGroupId(id: unknown, field: string): string {
  if (!isGroupId(id)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      "expected X's group id form: g followed by 1 to 19 digits (from POST /2/chat/conversations/group/initialize)",
      field,
    );
  }
  return id;
}

/** Numeric order of two decimal ids: by length, then lexically (the SDK's rule). */
function sortedPair(a: string, b: string): [string, string] {
  return a.length < b.length || (a.length === b.length && a <= b) ? [a, b] : [b, a];
}

/** The canonical one-to-one id of two users: `min:max` in numeric order. */
export function oneToOneId(a: string, b: string): string {
  return sortedPair(a, b).join(':');
}

/**
 * The two users of a canonical one-to-one id (`min:max`, both X user ids, distinct, in order), or
 * null when `id` is not one.
 */
export function oneToOneUsers(id: unknown): [string, string] | null {
  if (typeof id !== 'string') return null;
  const colon = id.indexOf(':');
  if (colon < 0) return null;
  const a = id.slice(0, colon);
  const b = id.slice(colon + 1);
  if (!isXUserId(a) || !isXUserId(b) || a === b || oneToOneId(a, b) !== id) return null;
  return [a, b];
}

/**
 * The signer-side canonical form of a conversation id, as the official SDK computes it: `A:B` or
 * `A-B` with both halves all digits becomes `min:max`; a bare all-digit id is paired with the
 * sender; anything else (a `g…` group id) is unchanged. Receivers use ids verbatim.
 */
export function canonicalConversationId(id: string, senderId: string): string {
  const m = /^([^:-]*)[:-](.*)$/.exec(id);
  const all = (s: string) => s.length > 0 && digits(s, 0, s.length);
  if (m) {
    const [, a = '', b = ''] = m;
    return all(a) && all(b) ? oneToOneId(a, b) : id;
  }
  return all(id) && all(senderId) ? oneToOneId(id, senderId) : id;
}
