/**
 * Opening one signed X Chat key change as its recipient (docs/xchat-keys.md §"Receiving a key
 * change"): the recipient's own entry of the signed participant list is unwrapped, and the
 * key-change signature is verified with the sender's trusted signing key. The key is returned
 * only when both succeed.
 *
 * At signature versions 2 to 5 the signature covers the participant list (every wrapped key), at
 * 6 and 7 the plaintext key. Either way the key that is opened is the recipient's entry of the
 * list the signature was checked with, never a wrapped key from elsewhere.
 *
 * @module
 */
import { ErrorCodes, VerificationError } from '../../errors.js';
import { assertArray, assertObject, assertString } from '../../guards.js';
import { assertNotInFuture, assertSignable, assertVersion } from '../../rules.js';
import { clockOf, readClock, skewOf } from '../../core/clock.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { openWrappedKey } from '../../core/ecies.js';
import { checkRecipient, entryOf, type RecipientKey } from '../../core/recipient.js';
import { wipe, type SecretBytes } from '../../core/secret.js';
import { verifyPayload } from '../../core/signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import { decodeBase64 } from '../../wire/base64.js';
import type { ParticipantKey } from '../../wire/xchat/events.js';
import { checkSignatureVersion, keyChangePayload } from '../../wire/xchat/payloads.js';
import { X_USER_ID } from './rules.js';

/** A signed key change as a recipient sees it. */
export interface KeyChangeToOpen {
  messageId: string;
  senderId: string;
  /** The conversation id exactly as signed (used verbatim, no canonicalisation). */
  conversationId: string;
  conversationKeyVersion: string;
  /** Every participant entry, in signed order; the recipient's own is taken from here. */
  participantKeys: ParticipantKey[];
  /** Unpadded or padded base64 `r‖s`. */
  signature: string;
  /** Signature version, 2..7 (6 and 7 sign the plaintext key, 2 to 5 the participant list). */
  signatureVersion: string;
  /** The sender's signing-key version. */
  publicKeyVersion: string;
}

/** Options of {@link openKeyChange}. */
export interface OpenKeyChangeOptions extends CryptoOptions {
  /** Who opens it: their user id, identity private key and, if known, its version. */
  recipient: RecipientKey;
  /** Trusted signing keys (from the key API); the sender's is picked by user id and version. */
  signingKeys: SigningKeyEntry[];
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
}

function participantKeys(value: unknown): ParticipantKey[] {
  return assertArray(value, 'change.participantKeys').map((item, i) => {
    const f = `change.participantKeys[${i}]`;
    const k = assertObject(item, f);
    return {
      userId: assertSignable(k.userId, `${f}.userId`),
      encryptedKey: assertSignable(k.encryptedKey, `${f}.encryptedKey`),
      publicKeyVersion: assertVersion(k.publicKeyVersion, `${f}.publicKeyVersion`),
    };
  });
}

/**
 * Opens the recipient's conversation key from a signed key change.
 * @returns the 32-byte conversation key
 * @throws {VerificationError} `ERR_NOT_A_MEMBER` (no entry for the recipient),
 * `ERR_RECIPIENT_KEY_MISMATCH` (their entry is wrapped to another identity-key version),
 * `ERR_DECRYPT_FAILED`, `ERR_SIGNING_KEY_NOT_FOUND`, `ERR_KEY_BINDING_INVALID`, `ERR_SIGNATURE_INVALID`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @throws {InvalidInputError} / {DecodeError} for malformed fields; `ERR_VERSION_IN_FUTURE`
 * @example
 * const key = await openKeyChange(change, { recipient: { userId: '222', identityPrivateKey }, signingKeys });
 */
export async function openKeyChange(change: KeyChangeToOpen, options: OpenKeyChangeOptions): Promise<SecretBytes> {
  const c = assertObject(change, 'change');
  const o = assertObject(options, 'options');
  const messageId = assertSignable(c.messageId, 'change.messageId');
  const senderId = X_USER_ID.assert(c.senderId, 'change.senderId');
  const conversationId = assertSignable(c.conversationId, 'change.conversationId');
  const ckv = assertVersion(c.conversationKeyVersion, 'change.conversationKeyVersion');
  const skv = assertVersion(c.publicKeyVersion, 'change.publicKeyVersion');
  const version = checkSignatureVersion(assertString(c.signatureVersion, 'change.signatureVersion'), 'change.signatureVersion');
  const signature = decodeBase64(c.signature, 'change.signature');
  if (signature.length !== 64)
    throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, 'the signature is not a 64-byte r‖s', 'change.signature');
  const keys = participantKeys(c.participantKeys);
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  assertNotInFuture(
    ckv,
    readClock(clockOf(o.now, 'options.now'), 'options.now'),
    skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs'),
    'change.conversationKeyVersion',
  );
  const recipient = checkRecipient(o.recipient, X_USER_ID, 'options.recipient');
  let key: SecretBytes | undefined;
  try {
    const { entry, index } = entryOf(keys, recipient, 'change.participantKeys');
    const backend = await resolveBackend(options.backend);
    const found = await new SigningKeys(entries, backend).lookup(senderId, skv);
    if (!found.ok) {
      throw new VerificationError(
        found.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID,
        found.message,
        'options.signingKeys',
      );
    }
    const verify = async (conversationKey?: SecretBytes) => {
      const payload = keyChangePayload(version, {
        messageId,
        senderId,
        conversationId,
        conversationKeyVersion: ckv,
        conversationKey,
        participantKeys: keys,
      });
      if (!(await verifyPayload(backend, found.key, payload, signature))) {
        throw new VerificationError(
          ErrorCodes.SIGNATURE_INVALID,
          `the key-change signature does not verify for sender ${senderId}`,
          'change.signature',
        );
      }
    };
    // Versions 2 to 5 sign the list: check it before opening anything from it.
    if (version < 6) await verify();
    key = await openWrappedKey(backend, entry.encryptedKey, recipient.identityPrivateKey, `change.participantKeys[${index}].encryptedKey`);
    if (version >= 6) await verify(key);
    return key;
  } catch (e) {
    wipe(key);
    throw e;
  } finally {
    wipe(recipient.identityPrivateKey);
  }
}
