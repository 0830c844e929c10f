/**
 * Media encryption of X Chat (docs/xchat-messages.md §"2.9 Metadata and media"): libsodium's `crypto_secretstream_xchacha20poly1305`
 * keyed directly with the 32-byte conversation key, without additional data, the plaintext cut
 * into 1024-byte chunks.
 *
 * ```
 * stream = header(24) ‖ frame ‖ … ‖ frame        frame = tag(1, encrypted) ‖ c(1..1024) ‖ mac(16)
 * ```
 * Every frame but the last carries 1024 bytes and the tag MESSAGE (0); the last carries 1 to 1024
 * and the tag FINAL (3); empty input is the header alone. Length: `24 + n + 17·⌈n/1024⌉`. (All
 * checked against the official SDK and libsodium 1.0.22 in test/core/media.test.ts.)
 *
 * The construction, as libsodium documents and implements it:
 * - state: `k = HChaCha20(key, header[0..16])`, and a 12-byte ChaCha20-IETF nonce
 *   `counter(4, little-endian, starts at 1) ‖ header[16..24]`;
 * - a chunk `m` with tag `t`: ChaCha20 block 0 is the Poly1305 key; block 1 XOR `(t ‖ 0⁶³)` gives 64
 *   bytes of which only the first is sent; blocks 2… encrypt `m`; the MAC covers
 *   `AD ‖ pad16(AD) ‖ those 64 bytes ‖ c ‖ 0^(|c| mod 16) ‖ le64(|AD|) ‖ le64(64 + |c|)` (the
 *   padding after `c` is libsodium's `(0x10 - 64 + |c|) & 0xf`, not a pad to 16);
 * - after each chunk: `nonce[4..12] ^= mac[0..8]`, the counter goes up by one, and when `t` has
 *   the REKEY bit (2) or the counter wrapped to 0: `k ‖ nonce[4..12] ^= ChaCha20(k, nonce)[0..40]`
 *   and the counter restarts at 1.
 *
 * Two ways to compute a chunk, with the same bytes:
 * - portable (every backend): one call of noble's `chacha20` from block 0 over
 *   `0⁶⁴ ‖ (t ‖ 0⁶³) ‖ m` gives the Poly1305 key, the tag block and `c` at once; noble's Poly1305
 *   then computes the MAC as above;
 * - native (a backend with `chacha20Poly1305`, i.e. OpenSSL on Node): with no AD and `|m| mod 16`
 *   equal to 0 or 8 (every full chunk), the MAC above is exactly RFC 8439's ChaCha20-Poly1305 of
 *   `t ‖ 0⁶³ ‖ m` with no AAD, so the chunk is one AEAD call and the frame is the sealed bytes
 *   less 63 of them. Opening puts back those 63 bytes, which are ChaCha20 keystream (block 1,
 *   computed by the single-block function below), and calls the AEAD's `open`.
 * Each chunk's nonce depends on the MAC of the chunk before, so no cipher call can span two chunks.
 *
 * Measured on Node 20 (2 cores, 64 MiB in 1 KiB chunks): one OpenSSL AEAD call per chunk 142 MiB/s;
 * OpenSSL's raw ChaCha20 plus noble's Poly1305 per chunk 106 MiB/s; noble alone 82 MiB/s (noble's
 * own ChaCha20-Poly1305, two ChaCha20 calls per chunk, about 50). Node's per-call cost (cipher
 * object, output buffers) dominates, which is why block 1 comes from the single-block function
 * (0.2 µs, against 2.9 µs for a 64-byte call of noble's `chacha20`).
 *
 * Policy (the SDK's, made stricter where noted; each point has a test against the SDK):
 * - a frame that is not last must carry MESSAGE, the last must carry FINAL; PUSH, REKEY or any
 *   other tag value is refused, though libsodium returns any tag and the SDK accepts PUSH and
 *   REKEY on frames that are not last (X Chat's encoders never write them);
 * - an empty FINAL frame (17 bytes) is accepted as the SDK accepts it: a libsodium encoder that
 *   does not know where the input ends writes one;
 * - a stream of only the header decrypts to nothing, as in the SDK. It authenticates nothing
 *   (any 24 bytes open under any key), so a stream cut back to its header cannot be told from
 *   an empty file: pass `expectedLength` (the size the signed message announces) to catch that.
 *
 * The streaming decryptor returns each chunk's plaintext once that chunk's MAC has verified, in
 * order; but only `finish()` proves the stream complete. Until it returns, what `push` gave back
 * may be a truncated file: do not act on it as a whole before then.
 *
 * @module
 */
export {
  MEDIA_HEADER_LENGTH,
  MEDIA_CHUNK_LENGTH,
  mediaCiphertextLength,
  type MediaDecryptOptions,
  type MediaEncryptor,
  type MediaDecryptor,
} from './format.js';
export { encryptMedia, decryptMedia } from './oneshot.js';
export { createMediaEncryptor, createMediaDecryptor } from './incremental.js';
export { mediaEncryptionStream, mediaDecryptionStream } from './streams.js';
