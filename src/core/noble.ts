/**
 * The portable reference backend: @noble/curves (P-256, RFC 6979), @noble/hashes (SHA-256) and
 * @noble/ciphers (AES-GCM, loaded on first use). Runs anywhere JavaScript runs, React Native included; the other
 * backends are checked against it.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { CryptoBackend } from './backend.js';
import type { gcm as Gcm } from './noble-aes.js';

/**
 * Base-point multiplications (public keys, ephemeral keys, signatures) use a precomputed window-8
 * table, built on first use (about 0.1 s once; saves a quarter of every key generation).
 */
let tableReady = false;
function base(): void {
  if (!tableReady) {
    p256.Point.BASE.precompute(8, false);
    tableReady = true;
  }
}

/**
 * AES-GCM (@noble/ciphers), loaded on first use: in a browser, noble's AES is needed only where
 * WebCrypto is missing (an insecure origin), so a bundler that splits code keeps it out of the
 * JavaScript every page loads.
 */
let aes: Promise<{ gcm: typeof Gcm }> | undefined;
const gcm = async (key: Uint8Array, iv: Uint8Array) => (await (aes ??= import('./noble-aes.js'))).gcm(key, iv);

/** Sign and verify options matching the official SDK: RFC 6979 nonces, no low-S rule. */
const ECDSA_OPTS = { lowS: false, prehash: true } as const;

/**
 * After this many verifications under one key, the key gets its own window-8 table (about 40
 * verifications' worth of work, 0.5 MB): from then on a verification is two table lookups per
 * window, about four times faster than the joint multiplication `verify` does.
 */
const TABLE_AFTER = 64;

/**
 * ECDSA-P256-SHA256 verification under one public key, as `p256.verify` with `ECDSA_OPTS` computes
 * it (r and s in [1, n−1], e = SHA-256 mod n, R = e/s·G + r/s·Q, valid iff R ≠ O and x(R) ≡ r),
 * with a precomputed table for Q once the key has been used often.
 */
function preparedVerifier(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => Promise<boolean> {
  base();
  const { Point } = p256;
  const Fn = Point.Fn;
  const Q = Point.fromBytes(publicKey);
  let uses = 0;
  return async (message, signature) => {
    if (signature.length !== 64 || Q.is0()) return false;
    if (++uses === TABLE_AFTER) Q.precompute(8, false);
    try {
      const r = bytesToNumberBE(signature.subarray(0, 32));
      const s = bytesToNumberBE(signature.subarray(32, 64));
      if (!Fn.isValidNot0(r) || !Fn.isValidNot0(s)) return false;
      const is = Fn.inv(s);
      const u1 = Fn.create(bytesToNumberBE(sha256(message)) * is);
      const u2 = Fn.create(r * is);
      const R = uses >= TABLE_AFTER ? Point.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2)) : Point.BASE.mulAddUnsafe(u1, Q, u2);
      return !R.is0() && Fn.create(R.toAffine().x) === r;
    } catch {
      return false;
    }
  };
}

/** The noble backend (a frozen singleton). */
export const nobleBackend: CryptoBackend = /* @__PURE__ */ Object.freeze({
  name: 'noble',
  randomBytes: (length: number) => {
    // noble reads the platform CSPRNG in chunks of at most 64 KiB (the WebCrypto limit).
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 65536) out.set(randomBytes(Math.min(65536, length - i)), i);
    return out;
  },
  sha256: async (data: Uint8Array) => sha256(data),
  getPublicKey: async (privateKey: Uint8Array) => {
    base();
    return p256.getPublicKey(privateKey, false);
  },
  ecdh: async (privateKey: Uint8Array, publicKey: Uint8Array) => {
    const shared = p256.getSharedSecret(privateKey, publicKey, true);
    const x = shared.slice(1);
    shared.fill(0);
    return x;
  },
  sign: async (privateKey: Uint8Array, message: Uint8Array) => {
    base();
    return p256.sign(message, privateKey, ECDSA_OPTS);
  },
  verify: async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
    if (signature.length !== 64) return false;
    try {
      return p256.verify(signature, message, publicKey, ECDSA_OPTS);
    } catch {
      return false;
    }
  },
  ecdsaVerifier: preparedVerifier,
  aesGcmEncrypt: async (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) => (await gcm(key, iv)).encrypt(plaintext),
  aesGcmDecrypt: async (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array) => {
    const cipher = await gcm(key, iv);
    try {
      return cipher.decrypt(sealed);
    } catch {
      return null;
    }
  },
});
