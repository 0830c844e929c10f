/**
 * The native Node.js backend: OpenSSL through `node:crypto` (synchronous P-256 ECDH with
 * `createECDH('prime256v1')`, AES-128-GCM with a 16-byte IV, SHA-256, ECDSA verification,
 * ChaCha20-Poly1305).
 *
 * Signing is deterministic (RFC 6979), as on every backend, because that is what makes our
 * signatures byte-identical to the official SDK's; node:crypto only signs with random nonces, so
 * the nonce is derived in `node-sign.ts` and OpenSSL does the point multiplication (15 times
 * faster than noble's signing: sending messages signs once per message).
 *
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPublicKey,
  createSecretKey,
  randomFillSync,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import type { CryptoBackend } from './backend.js';
import { signDeterministic } from './node-sign.js';
import { SPKI_PREFIX } from '../wire/keys.js';

/**
 * Public KeyObjects of recently used signing keys (public data), by their SEC1 bytes in hex:
 * building one costs more than the ECDSA verification itself, and a verifier meets the same few
 * signing keys again and again.
 */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE = 64;

function spkiKey(sec1: Uint8Array): KeyObject {
  const id = Buffer.from(sec1.buffer, sec1.byteOffset, sec1.byteLength).toString('hex');
  let key = publicKeys.get(id);
  if (key === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + sec1.length);
    der.set(SPKI_PREFIX, 0);
    der.set(sec1, SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type: 'spki' });
    if (publicKeys.size >= PUBLIC_KEY_CACHE) publicKeys.delete(publicKeys.keys().next().value as string);
    publicKeys.set(id, key);
  }
  return key;
}

const AEAD_OPTIONS = { authTagLength: 16 } as const;

/**
 * Small requests are served from a pool of CSPRNG output, refilled 4 KiB at a time, as Node's own
 * `randomUUID` does: one `randomFillSync` call costs some 7 µs whatever its size, and sending a
 * message draws twice (its id and its nonce). Bytes are zeroed in the pool as they are handed out.
 */
const POOL_SIZE = 4096;
const SMALL = 256;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length > SMALL) {
    randomFillSync(out);
    return out;
  }
  if (poolAt + length > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  out.set(pool.subarray(poolAt, poolAt + length));
  pool.fill(0, poolAt, poolAt + length);
  poolAt += length;
  return out;
}

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The node:crypto backend (a frozen singleton). */
export const nodeBackend: CryptoBackend = Object.freeze({
  name: 'node',
  randomBytes,
  sha256: async (data: Uint8Array) => bytes(createHash('sha256').update(view(data)).digest()),
  getPublicKey: async (privateKey: Uint8Array) => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(view(privateKey));
    return bytes(ecdh.getPublicKey());
  },
  ecdh: async (privateKey: Uint8Array, publicKey: Uint8Array) => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(view(privateKey));
    return bytes(ecdh.computeSecret(view(publicKey)));
  },
  sign: async (privateKey: Uint8Array, message: Uint8Array) => signDeterministic(privateKey, message),
  verify: async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
    if (signature.length !== 64) return false;
    try {
      return nodeVerify('sha256', view(message), { key: spkiKey(publicKey), dsaEncoding: 'ieee-p1363' }, view(signature));
    } catch {
      return false;
    }
  },
  verifyOffThread: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    new Promise<boolean>((resolve) => {
      if (signature.length !== 64) return resolve(false);
      try {
        nodeVerify('sha256', view(message), { key: spkiKey(publicKey), dsaEncoding: 'ieee-p1363' }, view(signature), (err, ok) =>
          resolve(err === null && ok),
        );
      } catch {
        resolve(false);
      }
    }),
  aesGcmEncrypt: async (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) => {
    const c = createCipheriv('aes-128-gcm', view(key), view(iv));
    const head = c.update(view(plaintext));
    const tail = c.final();
    const tag = c.getAuthTag();
    const out = new Uint8Array(head.length + tail.length + tag.length);
    out.set(head, 0);
    out.set(tail, head.length);
    out.set(tag, head.length + tail.length);
    return out;
  },
  aesGcmDecrypt: async (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array) => {
    if (sealed.length < 16) return null;
    try {
      const d = createDecipheriv('aes-128-gcm', view(key), view(iv));
      d.setAuthTag(view(sealed.subarray(sealed.length - 16)));
      const head = d.update(view(sealed.subarray(0, sealed.length - 16)));
      const tail = d.final();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      head.fill(0); // the plaintext (a conversation key): keep one copy, the caller's
      tail.fill(0);
      return out;
    } catch {
      return null;
    }
  },
  // Media makes one call per KiB, so per-call costs count: one KeyObject per key (7.4 against
  // 8.3 µs per 1 KiB chunk with raw key bytes; Node holds that copy of the key until the object
  // is collected, JavaScript cannot wipe it), typed arrays passed as they are (a Buffer view per
  // argument cost 0.2 µs), and `output` to spare an allocation per call (17% of the throughput).
  chacha20Poly1305: (key: Uint8Array) => {
    const k = createSecretKey(key);
    return {
      seal: (nonce: Uint8Array, plaintext: Uint8Array, output = new Uint8Array(plaintext.length + 16)) => {
        const c = createCipheriv('chacha20-poly1305', k, nonce); // a 16-byte tag by default; no options object: 4% less CPU
        output.set(c.update(plaintext), 0);
        c.final(); // a stream cipher: nothing is held back
        output.set(c.getAuthTag(), plaintext.length);
        return output;
      },
      open: (nonce: Uint8Array, sealed: Uint8Array) => {
        if (sealed.length < 16) return null;
        const d = createDecipheriv('chacha20-poly1305', k, nonce, AEAD_OPTIONS);
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        const body = d.update(sealed.subarray(0, sealed.length - 16));
        try {
          d.final();
        } catch {
          body.fill(0); // unauthenticated plaintext
          return null;
        }
        return bytes(body);
      },
    };
  },
});
