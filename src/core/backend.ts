/**
 * The one small crypto interface the protocol code talks to. Everything the X Chat formats need
 * is here: P-256 public-key derivation, ECDH, ECDSA-SHA256 (RFC 6979, raw `r‖s`), AES-128-GCM
 * with a 16-byte IV, SHA-256 and random bytes, and optionally ChaCha20-Poly1305 for media.
 * Protocol code never imports a crypto library directly, so a faster backend (node:crypto,
 * WebCrypto) can replace noble without touching it.
 *
 * Every backend must produce byte-identical outputs for the same inputs (the test suite runs
 * against each). Signing is deterministic RFC 6979 without low-S normalisation, because that is
 * what the official SDK emits; verification accepts both high-S and low-S signatures.
 *
 * @module
 */

/** Names of the available backends. */
export type BackendName = 'noble' | 'node' | 'webcrypto';

/** ChaCha20-Poly1305 under one key: 12-byte nonces, no AAD. */
export interface ChaCha20Poly1305 {
  /** Returns `ciphertext ‖ tag(16)`, written to `output` when given (of exactly that length). */
  seal(nonce: Uint8Array, plaintext: Uint8Array, output?: Uint8Array): Uint8Array;
  /** Opens `ciphertext ‖ tag`; null when the tag does not verify. */
  open(nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

/** The primitives a backend provides. All byte arguments are read, never modified. */
export interface CryptoBackend {
  /** The backend's name. */
  readonly name: BackendName;
  /** `length` bytes from the platform CSPRNG. */
  randomBytes(length: number): Uint8Array;
  /** SHA-256 digest. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** The 65-byte uncompressed SEC1 public key of a valid 32-byte private scalar. */
  getPublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /**
   * P-256 ECDH: the 32-byte x-coordinate of `privateKey · publicKey`. `publicKey` is a 65-byte SEC1
   * point that the caller has already validated.
   */
  ecdh(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
  /** ECDSA-P256-SHA256 over `message`, deterministic (RFC 6979), raw 64-byte `r‖s`, s not normalised. */
  sign(privateKey: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** Verifies a raw 64-byte `r‖s` signature; accepts high-S; false for any malformed signature. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** AES-128-GCM encryption with a 16-byte IV and no AAD: returns `ciphertext ‖ tag(16)`. */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** AES-128-GCM decryption of `ciphertext ‖ tag`; resolves to null when the tag does not verify. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | null>;
  /**
   * Optional, for a native implementation: ChaCha20-Poly1305 (RFC 8439 §2.8) under one 32-byte
   * key, synchronous. Media streams (core/media/) seal one 1 KiB chunk per call, so a backend
   * may prepare the key once here. The object may keep a reference to `key`, which the caller
   * leaves unchanged while using it. Without it, media use noble's ChaCha20 and Poly1305 directly.
   */
  chacha20Poly1305?(key: Uint8Array): ChaCha20Poly1305;
  /**
   * Optional: `verify` run off the calling thread (on Node, libuv's thread pool), with the same
   * result. For callers with many signatures to check at once (a page of Sendbird messages): with
   * several in flight they run in parallel, which `verify` (synchronous native code on Node) cannot.
   * One at a time it is slower than `verify`, by the hand-over to another thread.
   */
  verifyOffThread?(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * Optional, for a native implementation: ECDSA-P256-SHA256 verification under one public key (a
   * validated 65-byte SEC1 point), prepared once for many messages, as a receiver checks the
   * signatures of a conversation's few senders again and again. The returned function answers as
   * {@link CryptoBackend.verify} does, and may run the checks on other threads, so that many can
   * be in flight at once. Without it, `verify` is used.
   */
  ecdsaVerifier?(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => Promise<boolean>;
}
