/**
 * Message contents and encrypted group metadata of X Chat (docs/xchat-messages.md §"2.9 Metadata and
 * media"): NaCl secretbox,
 * XSalsa20-Poly1305 with the 32-byte conversation key, a random 24-byte nonce and no AAD.
 *
 * ```
 * blob = nonce(24) ‖ tag(16) ‖ ciphertext          (plaintext + 40 bytes)
 * ```
 * which is `nonce ‖ crypto_secretbox_easy(m, nonce, key)` in libsodium's terms; @noble/ciphers'
 * `xsalsa20poly1305(key, nonce)` produces and opens the `tag ‖ ciphertext` part as is. Metadata
 * (a group name, say) is the UTF-8 text sealed this way, in padded standard base64.
 *
 * XSalsa20 comes from noble on every backend: neither OpenSSL nor WebCrypto has it, and these
 * blobs are small.
 *
 * @module
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { DecodeError, ErrorCodes, InvalidInputError, VerificationError } from '../errors.js';
import { assertBytes, assertString } from '../guards.js';
import { decodeBase64, encodeBase64 } from '../wire/base64.js';
import { randomSource, resolveBackend, type CryptoOptions } from './context.js';
import { nobleBackend } from './noble.js';
import { wipe } from './secret.js';

/** Length of the secretbox nonce. */
export const SECRETBOX_NONCE_LENGTH = 24;
/** Bytes a secretbox adds to its plaintext: the nonce (24) and the Poly1305 tag (16). */
export const SECRETBOX_OVERHEAD = 40;

/**
 * Seals bytes: `nonce(24) ‖ tag(16) ‖ ciphertext`.
 * @param key - the 32-byte conversation key
 * @param plaintext - the bytes to seal (for a message, its Thrift `MessageEntryHolder`)
 * @param random - where the nonce comes from (default: the platform CSPRNG); inject one for tests only
 * @returns the blob, 40 bytes longer than the plaintext
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes or a plaintext that is not bytes
 * @example
 * const blob = sealSecretbox(conversationKey, contents);
 * openSecretbox(conversationKey, blob); // contents
 */
export function sealSecretbox(
  key: Uint8Array,
  plaintext: Uint8Array,
  random: (length: number) => Uint8Array = nobleBackend.randomBytes,
): Uint8Array {
  assertBytes(key, 'key', 32);
  assertBytes(plaintext, 'plaintext');
  const nonce = random(SECRETBOX_NONCE_LENGTH);
  assertBytes(nonce, 'random', SECRETBOX_NONCE_LENGTH);
  const sealed = xsalsa20poly1305(key, nonce).encrypt(plaintext); // tag ‖ ciphertext
  const out = new Uint8Array(SECRETBOX_NONCE_LENGTH + sealed.length);
  out.set(nonce, 0);
  out.set(sealed, SECRETBOX_NONCE_LENGTH);
  return out;
}

/**
 * Opens a blob sealed by {@link sealSecretbox} (or by the official SDK).
 * @param key - the 32-byte conversation key
 * @param blob - `nonce(24) ‖ tag(16) ‖ ciphertext`
 * @returns the plaintext, or null when the tag does not verify (another key, or tampered)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes or a blob that is not bytes
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for a blob shorter than 40 bytes
 * @example
 * const contents = openSecretbox(conversationKey, blob);
 * if (contents === null) throw new Error('not for this key');
 */
export function openSecretbox(key: Uint8Array, blob: Uint8Array): Uint8Array | null {
  assertBytes(key, 'key', 32);
  assertBytes(blob, 'blob');
  if (blob.length < SECRETBOX_OVERHEAD) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `a secretbox blob has at least ${SECRETBOX_OVERHEAD} bytes, got ${blob.length}`,
      'blob',
    );
  }
  try {
    return xsalsa20poly1305(key, blob.subarray(0, SECRETBOX_NONCE_LENGTH)).decrypt(blob.subarray(SECRETBOX_NONCE_LENGTH));
  } catch {
    return null; // noble throws only for a tag mismatch once the lengths above hold
  }
}

const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * Encrypts a metadata string (a group name, say) as the official SDK's `encrypt` does: UTF-8,
 * sealed with a fresh nonce, padded standard base64.
 *
 * Stricter than the SDK: a string with a lone UTF-16 surrogate is refused, where the SDK would
 * encrypt U+FFFD in its place and so decrypt to a different string.
 * @param text - the text to encrypt
 * @param key - the 32-byte conversation key
 * @param options - backend and, for tests only, an injected random source
 * @returns padded standard base64 of the blob
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a text that is not a well-formed string, or a key that is not 32 bytes
 * @example
 * const groupName = await encryptMetadata('Weekend trip', conversationKey);
 * await decryptMetadata(groupName, conversationKey); // 'Weekend trip'
 */
export async function encryptMetadata(text: string, key: Uint8Array, options?: CryptoOptions): Promise<string> {
  assertString(text, 'text');
  if (isWellFormed && !isWellFormed.call(text)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'contains a lone UTF-16 surrogate, which has no UTF-8 encoding', 'text');
  }
  assertBytes(key, 'key', 32);
  const random = randomSource(options, await resolveBackend(options?.backend));
  const plaintext = new TextEncoder().encode(text);
  try {
    return encodeBase64(sealSecretbox(key, plaintext, random));
  } finally {
    wipe(plaintext);
  }
}

/**
 * Decrypts a metadata string encrypted by {@link encryptMetadata} or the official SDK's `encrypt`.
 * The text is decoded as UTF-8 exactly: a byte-order mark is kept, as the SDK keeps it.
 * Asynchronous like its counterpart, although it needs no backend.
 * @param ciphertextB64 - standard base64 of the blob, padded or not, canonical
 * @param key - the 32-byte conversation key
 * @returns the text
 * @throws {DecodeError} `ERR_INVALID_BASE64` for text that is not canonical standard base64,
 * `ERR_INVALID_ENVELOPE` for a blob shorter than 40 bytes, `ERR_INVALID_UTF8` when the decrypted
 * bytes are not UTF-8 (the SDK refuses these too)
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` for another key or a tampered blob
 * @example
 * const name = await decryptMetadata(conversation.groupName, conversationKey);
 */
export async function decryptMetadata(ciphertextB64: string, key: Uint8Array): Promise<string> {
  const blob = decodeBase64(ciphertextB64, 'ciphertext');
  assertBytes(key, 'key', 32);
  if (blob.length < SECRETBOX_OVERHEAD) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `a secretbox blob has at least ${SECRETBOX_OVERHEAD} bytes, got ${blob.length}`,
      'ciphertext',
    );
  }
  const plaintext = openSecretbox(key, blob);
  if (plaintext === null) {
    throw new VerificationError(
      ErrorCodes.DECRYPT_FAILED,
      'does not open with this conversation key (another key, or tampered)',
      'ciphertext',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plaintext);
  } catch {
    throw new DecodeError(ErrorCodes.INVALID_UTF8, 'the decrypted metadata is not valid UTF-8', 'ciphertext');
  } finally {
    wipe(plaintext);
  }
}
