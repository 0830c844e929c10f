/**
 * The WebCrypto backend (`crypto.subtle`), for browsers, Deno, Bun, Cloudflare Workers and other
 * runtimes without `node:crypto`: native ECDH, SHA-256, AES-GCM and ECDSA verification.
 *
 * WebCrypto cannot derive a public key from a raw private scalar, nor sign deterministically, so
 * public-key derivation (precomputed base-point tables) and RFC 6979 signing use noble; public
 * keys of recently used scalars are memoised, because ECIES derives the ephemeral public key and
 * then uses the same scalar at once. A private scalar is imported for ECDH as PKCS#8 DER bytes
 * (RFC 5915, without the optional public key), which are wiped after the import; a JWK would put
 * the scalar into a string, which cannot be wiped.
 * WebCrypto calls are asynchronous, so many wraps can be in flight at once (see wrap.ts).
 *
 * @module
 */
import type { CryptoBackend } from './backend.js';
import { nobleBackend } from './noble.js';
import { SPKI_PREFIX } from '../wire/keys.js';

/** The subset of SubtleCrypto we use, typed locally so that no DOM typings are needed. */
interface Subtle {
  digest(alg: string, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(format: string, key: unknown, alg: unknown, extractable: boolean, usages: string[]): Promise<unknown>;
  deriveBits(alg: unknown, key: unknown, length: number): Promise<ArrayBuffer>;
  encrypt(alg: unknown, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(alg: unknown, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  verify(alg: unknown, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

interface WebCryptoLike {
  subtle: Subtle;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** PKCS#8 PrivateKeyInfo for a P-256 ECPrivateKey, up to the 32-byte scalar (RFC 5208, RFC 5915). */
const PKCS8_P256_PREFIX = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04,
  0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;


/** Creates the WebCrypto backend over a given `crypto` object (default: `globalThis.crypto`). */
export function createWebCryptoBackend(webcrypto: WebCryptoLike | undefined = (globalThis as { crypto?: WebCryptoLike }).crypto): CryptoBackend {
  if (!webcrypto?.subtle || typeof webcrypto.getRandomValues !== 'function') throw new Error('WebCrypto is not available');
  const subtle = webcrypto.subtle;
  // Public keys of recently used scalars, keyed by the scalar buffer itself.
  const publicOf = new WeakMap<Uint8Array, Uint8Array>();
  const getPublicKey = async (privateKey: Uint8Array): Promise<Uint8Array> => {
    let pub = publicOf.get(privateKey);
    if (!pub) {
      pub = await nobleBackend.getPublicKey(privateKey);
      publicOf.set(privateKey, pub);
    }
    return pub;
  };
  return Object.freeze({
    name: 'webcrypto',
    randomBytes: (length: number) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 65536) webcrypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
      return out;
    },
    sha256: async (data: Uint8Array) => new Uint8Array(await subtle.digest('SHA-256', data)),
    getPublicKey,
    ecdh: async (privateKey: Uint8Array, publicKey: Uint8Array) => {
      const der = new Uint8Array(PKCS8_P256_PREFIX.length + 32);
      der.set(PKCS8_P256_PREFIX, 0);
      der.set(privateKey, PKCS8_P256_PREFIX.length);
      let priv: unknown;
      try {
        priv = await subtle.importKey('pkcs8', der, ECDH, false, ['deriveBits']);
      } finally {
        der.fill(0);
      }
      const peer = await subtle.importKey('raw', publicKey, ECDH, false, []);
      return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, priv, 256));
    },
    sign: nobleBackend.sign,
    verify: async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
      if (signature.length !== 64) return false;
      try {
        const spki = new Uint8Array(SPKI_PREFIX.length + publicKey.length);
        spki.set(SPKI_PREFIX, 0);
        spki.set(publicKey, SPKI_PREFIX.length);
        const key = await subtle.importKey('spki', spki, ECDSA, false, ['verify']);
        return await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message);
      } catch {
        return false;
      }
    },
    aesGcmEncrypt: async (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) => {
      const k = await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
      return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, k, plaintext));
    },
    aesGcmDecrypt: async (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array) => {
      try {
        const k = await subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
        return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv, tagLength: 128 }, k, sealed));
      } catch {
        return null;
      }
    },
  });
}
