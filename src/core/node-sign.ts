/**
 * Deterministic ECDSA-P256-SHA256 signing (RFC 6979, raw `r‖s`, s not normalised) for the node
 * backend, byte-identical to noble's `p256.sign(message, key, { prehash: true, lowS: false })`.
 *
 * node:crypto signs with random nonces only, so the nonce is derived here as RFC 6979 §3.2 says
 * (HMAC-DRBG over SHA-256 with `node:crypto` HMACs), and OpenSSL does the expensive part, the
 * base-point multiplication `k·G`, through `ECDH.setPrivateKey(k).getPublicKey()`, in constant
 * time. The rest is a few multiplications and one inversion modulo n (Lehmer's algorithm, below).
 * About 35 µs per signature against some 700 µs for noble's on the same machine: message sending
 * signs once per message.
 *
 * The inversion's running time depends on its input, and a nonce whose timing leaks a few bits per
 * signature is how ECDSA keys are recovered (lattice attacks). So the nonce is never inverted
 * itself: it is blinded by a fresh random `b` first, `k⁻¹ = (k·b)⁻¹·b mod n`, and `k·b` is
 * uniformly random and independent of `k`. The nonce buffers are wiped after use and the ECDH
 * object's scalar is overwritten; like noble, the scalar arithmetic uses BigInt, which cannot be
 * wiped and whose multiplications are not strictly constant-time.
 *
 * @module
 */
import { createECDH, createHash, createHmac, randomFillSync } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';

const Fn = p256.Point.Fn;
const N = Fn.ORDER;
const ONE = Buffer.alloc(32);
ONE[31] = 1;
const BYTE_0 = Buffer.of(0);
const BYTE_1 = Buffer.of(1);

/** One ECDH context, reused: signing is synchronous, so no two signatures share it at once. */
const ecdh = createECDH('prime256v1');

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const toBig = (b: Uint8Array): bigint => BigInt(`0x${view(b).toString('hex')}`);
const to32 = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
const hmac = (key: Buffer, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Knuth's test keeps Lehmer's single-precision quotients exact while the cofactors fit here. */
const WORD_BITS = 48;

/**
 * `a⁻¹ mod n` for `0 < a < n`, by Lehmer's extended Euclid (Knuth, TAOCP vol. 2, §4.5.2,
 * Algorithm L): runs of quotients are computed on the leading 48 bits in doubles and applied to
 * the BigInts at once, some twenty Euclid steps per round; a step is done in full precision only
 * when the leading bits cannot decide it. Three times faster than one BigInt division per step
 * (noble's `Fn.inv`); like it, not constant-time.
 */
export function invertModN(a: bigint): bigint {
  let u = N;
  let v = a;
  let tu = 0n; // tu·a ≡ u (mod n)
  let tv = 1n; // tv·a ≡ v (mod n)
  while (v !== 0n) {
    const bits = u.toString(16).length * 4;
    const shift = bits > WORD_BITS ? BigInt(bits - WORD_BITS) : 0n;
    let uh = Number(u >> shift);
    let vh = Number(v >> shift);
    let A = 1;
    let B = 0;
    let C = 0;
    let D = 1;
    for (;;) {
      if (vh + C === 0 || vh + D === 0) break;
      const q = Math.floor((uh + A) / (vh + C));
      if (q !== Math.floor((uh + B) / (vh + D))) break;
      [A, C] = [C, A - q * C];
      [B, D] = [D, B - q * D];
      [uh, vh] = [vh, uh - q * vh];
    }
    if (B === 0) {
      const q = u / v;
      [u, v] = [v, u - q * v];
      [tu, tv] = [tv, tu - q * tv];
    } else {
      const [a1, b1, c1, d1] = [BigInt(A), BigInt(B), BigInt(C), BigInt(D)];
      [u, v] = [a1 * u + b1 * v, c1 * u + d1 * v];
      [tu, tv] = [a1 * tu + b1 * tv, c1 * tu + d1 * tv];
    }
  }
  const r = tu % N; // u is now gcd(a, n) = 1
  return r < 0n ? r + N : r;
}

/** A uniformly random scalar in [1, n), for blinding (rejection sampling; n is close to 2^256). */
function blindingScalar(): bigint {
  const buf = Buffer.alloc(32);
  try {
    for (;;) {
      randomFillSync(buf);
      const b = toBig(buf);
      if (b >= 1n && b < N) return b;
    }
  } finally {
    buf.fill(0);
  }
}

/**
 * `k⁻¹ mod n`, computed on a blinded value so that the inversion's timing says nothing about `k`.
 * @param invert - the inversion (a parameter so that tests can see what reaches it)
 */
export function blindedInverse(k: bigint, invert: (x: bigint) => bigint = invertModN): bigint {
  const b = blindingScalar();
  return Fn.mul(invert(Fn.mul(k, b)), b);
}

/**
 * Signs `message` (hashed with SHA-256) with a valid 32-byte P-256 private scalar.
 * @returns the 64-byte `r‖s`
 */
export function signDeterministic(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const x = view(privateKey);
  const d = toBig(x);
  const digest = createHash('sha256').update(view(message)).digest();
  const z = toBig(digest) % N; // bits2int_modN: the hash is exactly as long as n
  const h1 = to32(z);
  let v: Buffer = Buffer.alloc(32, 1);
  let k: Buffer = Buffer.alloc(32, 0);
  const step = (...parts: Uint8Array[]) => {
    const nextK = hmac(k, v, ...parts);
    k.fill(0);
    k = nextK;
    const nextV = hmac(k, v);
    v.fill(0);
    v = nextV;
  };
  try {
    step(BYTE_0, x, h1);
    step(BYTE_1, x, h1);
    for (;;) {
      const nextV = hmac(k, v);
      v.fill(0);
      v = nextV;
      const nonce = toBig(v);
      if (nonce >= 1n && nonce < N) {
        ecdh.setPrivateKey(v);
        const point = ecdh.getPublicKey();
        const r = toBig(point.subarray(1, 33)) % N;
        if (r !== 0n) {
          const s = Fn.mul(blindedInverse(nonce), Fn.add(z, Fn.mul(r, d)));
          if (s !== 0n) {
            const out = new Uint8Array(64);
            out.set(to32(r), 0);
            out.set(to32(s), 32);
            return out;
          }
        }
      }
      step(BYTE_0); // RFC 6979 §3.2 h.3: K = HMAC_K(V ‖ 0x00), V = HMAC_K(V)
    }
  } finally {
    ecdh.setPrivateKey(ONE); // overwrite the nonce held by OpenSSL
    v.fill(0);
    k.fill(0);
  }
}
