/**
 * The fast paths agree with the plain computations they replace: Lehmer's inversion modulo n (the
 * node backend's signing) with noble's, the byte-wise scalar check with BigInt comparison, message
 * ids with the UUID v4 format. Signatures themselves are compared across backends in
 * backends.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { expect, test } from 'vitest';
import { blindedInverse, invertModN } from '../../src/core/node-sign.js';
import { isValidScalar } from '../../src/core/scalar.js';
import { newMessageId } from '../../src/core/keychange.js';

const Fn = p256.Point.Fn;
const n = Fn.ORDER;

test('invertModN is the inverse modulo n, as noble computes it', () => {
  const values = [
    1n,
    2n,
    3n,
    n - 1n,
    n - 2n,
    (n - 1n) / 2n,
    1n << 47n,
    1n << 48n,
    (1n << 48n) + 1n,
    1n << 200n,
    0xffffffffffffn,
    n >> 1n,
    n >> 200n,
  ];
  for (let i = 0; i < 3000; i++) values.push(BigInt(`0x${randomBytes(32).toString('hex')}`) % n || 1n);
  for (let i = 0; i < 500; i++) values.push(BigInt(`0x${randomBytes(1 + (i % 31)).toString('hex')}`) || 1n);
  for (const v of values) {
    const inv = invertModN(v);
    expect(inv, v.toString(16)).toBe(Fn.inv(v));
    expect(Fn.mul(inv, v)).toBe(1n);
  }
});

test('the signer inverts its nonce blinded: the same inverse, from an input that changes on every call', () => {
  for (const k of [1n, 2n, n - 1n, BigInt(`0x${randomBytes(32).toString('hex')}`) % n || 1n]) {
    expect(blindedInverse(k)).toBe(Fn.inv(k));
  }
  // What reaches the variable-time inversion is k·b for a fresh b: never k, never twice the same.
  const seen = new Set<bigint>();
  const spy = (x: bigint) => (seen.add(x), invertModN(x));
  for (let i = 0; i < 20; i++) expect(blindedInverse(12345n, spy)).toBe(Fn.inv(12345n));
  expect(seen.has(12345n)).toBe(false);
  expect(seen.size).toBe(20);
});

test('isValidScalar is 1 ≤ d < n, on edges and random values', () => {
  const be = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
  const cases = [
    0n,
    1n,
    2n,
    n - 1n,
    n,
    n + 1n,
    (1n << 256n) - 1n,
    n - (1n << 100n),
    n + (1n << 100n),
    n ^ 1n,
    n ^ (1n << 255n),
    1n << 255n,
  ];
  for (let i = 0; i < 2000; i++) cases.push(BigInt(`0x${randomBytes(32).toString('hex')}`));
  // Random values just below and above n, sharing a long prefix with it.
  for (let i = 0; i < 2000; i++) cases.push(n + BigInt(`0x${randomBytes(1 + (i % 20)).toString('hex')}`) * (i % 2 ? 1n : -1n));
  for (const d of cases) if (d >= 0n && d < 1n << 256n) expect(isValidScalar(be(d)), d.toString(16)).toBe(d > 0n && d < n);
  expect(isValidScalar(new Uint8Array(31).fill(1))).toBe(false);
});

test('message ids are lowercase UUID v4 of the random bytes, version and variant set', () => {
  for (let i = 0; i < 200; i++) {
    const bytes = new Uint8Array(randomBytes(16));
    const random = Object.assign(() => Uint8Array.from(bytes), { injected: true });
    const id = newMessageId(random, {}, 'test');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const hex = Buffer.from(bytes).toString('hex');
    expect(id.replace(/-/g, '')).toBe(
      hex.slice(0, 12) + '4' + hex.slice(13, 16) + ((parseInt(hex[16]!, 16) & 3) | 8).toString(16) + hex.slice(17),
    );
  }
});
