/**
 * The WebCrypto backend (`crypto.subtle`), for browsers, Deno, Bun, Cloudflare Workers and other
 * runtimes without `node:crypto`: native ECDH, SHA-256, AES-GCM and ECDSA verification.
 *
 * WebCrypto cannot derive a public key from a raw private scalar, nor sign deterministically, so
 * public-key derivation (precomputed base-point tables) and RFC 6979 signing use noble. A private
 * scalar is imported for ECDH as a JWK with the coordinates noble computed; the last few are
 * memoised, because ECIES derives the ephemeral public key and then uses the same scalar at once.
 *
 * The JWK puts the scalar into a string, which cannot be wiped. A PKCS#8 import would take bytes
 * that can be, but it measured 1.8 times slower per ECDH on Node's WebCrypto (570 µs against
 * 320 µs, with or without the public key in the DER), halving this backend's wrapping speed; the
 * scalar is an ephemeral one when wrapping, the identity key when unwrapping.
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
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

function b64url(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Creates the WebCrypto backend over a given `crypto` object (default: `globalThis.crypto`). */
export function createWebCryptoBackend(
  webcrypto: WebCryptoLike | undefined = (globalThis as { crypto?: WebCryptoLike }).crypto,
): CryptoBackend {
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
  const importVerifyKey = (publicKey: Uint8Array): Promise<unknown> => {
    const spki = new Uint8Array(SPKI_PREFIX.length + publicKey.length);
    spki.set(SPKI_PREFIX, 0);
    spki.set(publicKey, SPKI_PREFIX.length);
    return subtle.importKey('spki', spki, ECDSA, false, ['verify']);
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
      const pub = await getPublicKey(privateKey);
      const jwk = {
        kty: 'EC',
        crv: 'P-256',
        d: b64url(privateKey),
        x: b64url(pub.subarray(1, 33)),
        y: b64url(pub.subarray(33, 65)),
        ext: false,
      };
      const [priv, peer] = await Promise.all([
        subtle.importKey('jwk', jwk, ECDH, false, ['deriveBits']),
        subtle.importKey('raw', publicKey, ECDH, false, []),
      ]);
      return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, priv, 256));
    },
    sign: nobleBackend.sign,
    verify: async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
      if (signature.length !== 64) return false;
      try {
        return await subtle.verify(ECDSA_SHA256, await importVerifyKey(publicKey), signature, message);
      } catch {
        return false;
      }
    },
    // The key is imported once for all the messages it verifies.
    ecdsaVerifier: (publicKey: Uint8Array) => {
      const key = importVerifyKey(publicKey);
      key.catch(() => undefined);
      return async (message: Uint8Array, signature: Uint8Array) => {
        if (signature.length !== 64) return false;
        try {
          return await subtle.verify(ECDSA_SHA256, await key, signature, message);
        } catch {
          return false;
        }
      };
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
