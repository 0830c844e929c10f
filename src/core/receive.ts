/**
 * The receiving side of a key change, for transports other than X's event stream (the Sendbird
 * adapter): unwrap one's own copy of the conversation key, then verify the key-change signature
 * over it with the sender's trusted signing key (PROTOCOL.md §6.2, §10). The key is returned only
 * when both succeed.
 *
 * @module
 */
import { ErrorCodes, UnsupportedVersionError, VerificationError } from '../errors.js';
import { assertArray, assertObject, assertSignable, assertString, assertVersion } from '../guards.js';
import { decodeBase64 } from '../wire/base64.js';
import type { ParticipantKey } from '../wire/events.js';
import { checkSignatureVersion, keyChangePayload } from '../wire/payloads.js';
import { resolveBackend, type CryptoOptions } from './context.js';
import { CONVERSATION_KEY_LENGTH, eciesUnwrap, WRAPPED_KEY_LENGTH } from './ecies.js';
import { parsePrivateKey } from './scalar.js';
import { SecretBytes, wipe } from './secret.js';
import { verifyPayload } from './signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from './trust.js';

/** A signed key change as a recipient sees it, with the recipient's own wrapped copy. */
export interface KeyChangeToOpen {
  messageId: string;
  senderId: string;
  /** The conversation id exactly as signed (used verbatim, no canonicalisation). */
  conversationId: string;
  conversationKeyVersion: string;
  /** The recipient's wrapped key (standard base64). */
  encryptedKey: string;
  /** Unpadded or padded base64 `r‖s`. */
  signature: string;
  /** Signature version, 2..7 (6 and 7 sign the plaintext key). */
  signatureVersion: string;
  /** The sender's signing-key version. */
  publicKeyVersion: string;
  /** Every participant entry in signed order; needed only for signature versions 2 to 5. */
  participantKeys?: ParticipantKey[];
}

/** Options of {@link openKeyChange}. */
export interface OpenKeyChangeOptions extends CryptoOptions {
  identityPrivateKey: Uint8Array;
  /** Trusted signing keys (from the key API); the sender's is picked by user id and version. */
  signingKeys: SigningKeyEntry[];
}

/**
 * Unwraps the recipient's conversation key and verifies the key-change signature over it.
 * @returns the 32-byte conversation key
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` (not wrapped for this identity, or tampered),
 * `ERR_SIGNING_KEY_NOT_FOUND`, `ERR_KEY_BINDING_INVALID`, `ERR_SIGNATURE_INVALID`
 * @throws {UnsupportedVersionError} for a signature version outside 2..7
 * @throws {InvalidInputError} / {DecodeError} for malformed fields
 */
export async function openKeyChange(change: KeyChangeToOpen, options: OpenKeyChangeOptions): Promise<SecretBytes> {
  const c = assertObject(change, 'change');
  const o = assertObject(options, 'options');
  const messageId = assertSignable(c.messageId, 'change.messageId');
  const senderId = assertSignable(c.senderId, 'change.senderId');
  const conversationId = assertSignable(c.conversationId, 'change.conversationId');
  const ckv = assertVersion(c.conversationKeyVersion, 'change.conversationKeyVersion');
  const skv = assertVersion(c.publicKeyVersion, 'change.publicKeyVersion');
  const version = checkSignatureVersion(assertString(c.signatureVersion, 'change.signatureVersion'), 'change.signatureVersion');
  const signature = decodeBase64(c.signature, 'change.signature');
  if (signature.length !== 64) throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, 'the signature is not a 64-byte r‖s', 'change.signature');
  const blob = decodeBase64(c.encryptedKey, 'change.encryptedKey');
  if (blob.length !== WRAPPED_KEY_LENGTH) throw new VerificationError(ErrorCodes.DECRYPT_FAILED, `expected a ${WRAPPED_KEY_LENGTH}-byte wrapped key`, 'change.encryptedKey');
  const participantKeys = c.participantKeys === undefined ? undefined : checkParticipantKeys(c.participantKeys);
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  const priv = parsePrivateKey(o.identityPrivateKey, 'options.identityPrivateKey');
  if (version < 6 && participantKeys === undefined) {
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION, `signature version ${version} signs every participant's wrapped key: pass participantKeys`, 'change.participantKeys');
  }
  const backend = await resolveBackend(options.backend);
  const key = new SecretBytes(CONVERSATION_KEY_LENGTH);
  try {
    const plain = await eciesUnwrap(backend, blob, priv, 'change.encryptedKey');
    if (!plain || plain.length !== CONVERSATION_KEY_LENGTH) {
      wipe(plain);
      throw new VerificationError(ErrorCodes.DECRYPT_FAILED, 'the wrapped key does not open with this identity key (wrong recipient or tampered)', 'change.encryptedKey');
    }
    key.set(plain);
    wipe(plain);
    const found = await new SigningKeys(entries, backend).lookup(senderId, skv);
    if (!found.ok) {
      throw new VerificationError(found.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID, found.message, 'options.signingKeys');
    }
    const payload = keyChangePayload(version, { messageId, senderId, conversationId, conversationKeyVersion: ckv, conversationKey: key, participantKeys });
    if (!(await verifyPayload(backend, found.key, payload, signature))) {
      throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the key-change signature does not verify for sender ${senderId}`, 'change.signature');
    }
    return key;
  } catch (e) {
    wipe(key);
    throw e;
  } finally {
    wipe(priv);
  }
}

/** The participant entries a version 2-5 key-change signature covers, each field signable. */
function checkParticipantKeys(value: unknown): ParticipantKey[] {
  return assertArray(value, 'change.participantKeys').map((item, i) => {
    const f = `change.participantKeys[${i}]`;
    const k = assertObject(item, f);
    return {
      userId: assertSignable(k.userId, `${f}.userId`),
      encryptedKey: assertSignable(k.encryptedKey, `${f}.encryptedKey`),
      publicKeyVersion: assertSignable(k.publicKeyVersion, `${f}.publicKeyVersion`),
    };
  });
}
