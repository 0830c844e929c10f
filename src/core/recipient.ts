/**
 * The receiving member of a key change: who they are, and opening their own wrapped copy of the
 * conversation key. A member's copy is the entry with their user id, and, when they know their
 * identity-key version, that version: the official SDK skips entries labelled with another
 * version, and so do we.
 *
 * @module
 */
import { DecodeError, ErrorCodes, VerificationError } from '../errors.js';
import { assertObject } from '../guards.js';
import { assertVersion, type UserIdRule } from '../rules.js';
import { parsePrivateKey } from './scalar.js';
import type { SecretBytes } from './secret.js';
import type { WrappedKey } from './wrap.js';

/** The member whose view to take: they open their wrapped key with their identity key. */
export interface RecipientKey {
  userId: string;
  identityPrivateKey: Uint8Array;
  /** The version of the identity key (as the key server lists it); entries wrapped to another version are not theirs. */
  keyVersion?: string;
}

/** A checked recipient, holding a private copy of the identity key (wipe it when done). */
export interface CheckedRecipient {
  userId: string;
  identityPrivateKey: SecretBytes;
  keyVersion: string | undefined;
}

/**
 * Checks a recipient against a user-id rule and copies its private key.
 * @throws {InvalidInputError} for a malformed user id, key or version
 */
export function checkRecipient(value: unknown, rule: UserIdRule, field: string): CheckedRecipient {
  const r = assertObject(value, field);
  return {
    userId: rule.assert(r.userId, `${field}.userId`),
    keyVersion: r.keyVersion === undefined ? undefined : assertVersion(r.keyVersion, `${field}.keyVersion`),
    identityPrivateKey: parsePrivateKey(r.identityPrivateKey, `${field}.identityPrivateKey`),
  };
}

/**
 * The recipient's entry among wrapped keys: the one with their user id.
 * @throws {VerificationError} `ERR_NOT_A_MEMBER` when there is none, `ERR_RECIPIENT_KEY_MISMATCH`
 * when it is labelled with another identity-key version than the recipient's
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when the user has two entries
 */
export function entryOf<K extends WrappedKey>(
  keys: readonly K[],
  recipient: Pick<CheckedRecipient, 'userId' | 'keyVersion'>,
  field: string,
): { entry: K; index: number } {
  let found = -1;
  for (let i = 0; i < keys.length; i++) {
    if ((keys[i] as K).userId !== recipient.userId) continue;
    if (found >= 0) throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, `user ${recipient.userId} has two wrapped keys`, `${field}[${i}]`);
    found = i;
  }
  const entry = keys[found];
  if (!entry)
    throw new VerificationError(
      ErrorCodes.NOT_A_MEMBER,
      `there is no wrapped key for user ${recipient.userId}: they are not a recipient of this key`,
      field,
    );
  if (recipient.keyVersion !== undefined && entry.publicKeyVersion !== recipient.keyVersion) {
    throw new VerificationError(
      ErrorCodes.RECIPIENT_KEY_MISMATCH,
      `the wrapped key of user ${recipient.userId} is labelled with identity-key version ${entry.publicKeyVersion}, not theirs (${recipient.keyVersion})`,
      `${field}[${found}].publicKeyVersion`,
    );
  }
  return { entry, index: found };
}
