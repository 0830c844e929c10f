/**
 * Media encryption and decryption in one call, as the official SDK's `encryptStream` and
 * `decryptStream`.
 *
 * @module
 */
import { assertBytes } from '../../guards.js';
import { randomSource, resolveBackend, type CryptoOptions } from '../context.js';
import { wipe } from '../secret.js';
import {
  ABYTES,
  checkExpected,
  checkTag,
  FRAME,
  lengthMismatch,
  MEDIA_CHUNK_LENGTH,
  MEDIA_HEADER_LENGTH,
  mediaCiphertextLength,
  plain,
  plaintextLengthOf,
  TAG_FINAL,
  TAG_MESSAGE,
  type MediaDecryptOptions,
} from './format.js';
import { aeadOf, StreamState } from './state.js';

/**
 * Encrypts media in one call, as the official SDK's `encryptStream`.
 * @param plaintext - the file's bytes
 * @param key - the 32-byte conversation key (of the message's own key version)
 * @param options - backend and, for tests only, an injected random source (for the header)
 * @returns `header ‖ frames`, {@link mediaCiphertextLength} bytes
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes or a plaintext that is not bytes
 * @example
 * const blob = await encryptMedia(photo, conversationKey);
 * await decryptMedia(blob, conversationKey); // photo
 */
export async function encryptMedia(plaintext: Uint8Array, key: Uint8Array, options?: CryptoOptions): Promise<Uint8Array> {
  plaintext = plain(assertBytes(plaintext, 'plaintext'));
  assertBytes(key, 'key', 32);
  const backend = await resolveBackend(options?.backend);
  const header = randomSource(options, backend)(MEDIA_HEADER_LENGTH);
  const state = new StreamState(aeadOf(backend), key, header);
  const out = new Uint8Array(mediaCiphertextLength(plaintext.length));
  out.set(header, 0);
  try {
    let at = MEDIA_HEADER_LENGTH;
    for (let i = 0; i < plaintext.length; i += MEDIA_CHUNK_LENGTH) {
      const m = plaintext.subarray(i, i + MEDIA_CHUNK_LENGTH);
      state.seal(i + MEDIA_CHUNK_LENGTH >= plaintext.length ? TAG_FINAL : TAG_MESSAGE, m, out, at);
      at += m.length + ABYTES;
    }
    return out;
  } finally {
    state.wipe();
  }
}

/**
 * Decrypts media in one call, as the official SDK's `decryptStream`, with the checks listed in
 * the module comment.
 * @param ciphertext - `header ‖ frames`
 * @param key - the 32-byte conversation key of the message that carried the media
 * @param options - backend, and `expectedLength` to refuse a stream of any other plaintext length
 * @returns the plaintext
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for a length no stream can have (under 24 bytes, or a last frame under 17)
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` for another key, a tampered, reordered, truncated or extended stream, a refused tag, or a length other than `expectedLength`
 * @example
 * const photo = await decryptMedia(blob, conversationKey, { expectedLength: attachment.size });
 */
export async function decryptMedia(ciphertext: Uint8Array, key: Uint8Array, options?: MediaDecryptOptions): Promise<Uint8Array> {
  ciphertext = plain(assertBytes(ciphertext, 'ciphertext'));
  assertBytes(key, 'key', 32);
  const expected = checkExpected(options?.expectedLength);
  const length = plaintextLengthOf(ciphertext.length);
  if (expected !== undefined && length !== expected) throw lengthMismatch();
  const backend = await resolveBackend(options?.backend);
  const state = new StreamState(aeadOf(backend), key, ciphertext.subarray(0, MEDIA_HEADER_LENGTH));
  const out = new Uint8Array(length);
  try {
    for (let at = MEDIA_HEADER_LENGTH, o = 0; at < ciphertext.length; at += FRAME, o += MEDIA_CHUNK_LENGTH) {
      const frame = ciphertext.subarray(at, at + FRAME);
      checkTag(state.open(frame, out, o), at + FRAME >= ciphertext.length);
    }
    return out;
  } catch (e) {
    wipe(out);
    throw e;
  } finally {
    state.wipe();
  }
}
