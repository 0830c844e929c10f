/** SecretBytes, wipe and constant-time equality. */
import { inspect } from 'node:util';
import { expect, test } from 'vitest';
import { constantTimeEqual, generateIdentity, SecretBytes, wipe, wipeIdentity } from '../../src/index.js';

test('SecretBytes reads like bytes but never prints them', () => {
  const s = new SecretBytes(4);
  s.set([0xde, 0xad, 0xbe, 0xef]);
  expect(Array.from(s)).toEqual([0xde, 0xad, 0xbe, 0xef]);
  for (const text of [JSON.stringify(s), JSON.stringify({ s }), String(s), `${s}`, s.toLocaleString(), inspect(s), inspect({ s }), inspect(s.subarray(1)), String(s.slice(2))]) {
    expect(text).not.toMatch(/dead|beef|222|173|190|239/i);
  }
  expect(s.subarray(1)).toBeInstanceOf(SecretBytes);
});

test('wipe zeroes every buffer given, skipping absent ones', () => {
  const a = Uint8Array.of(1, 2, 3);
  const b = new SecretBytes(2).fill(9);
  wipe(a, undefined, b, null);
  expect(Array.from(a)).toEqual([0, 0, 0]);
  expect(Array.from(b)).toEqual([0, 0]);
});

test('constantTimeEqual: equal, different in any position, different lengths', () => {
  const a = Uint8Array.from({ length: 32 }, (_, i) => i);
  expect(constantTimeEqual(a, Uint8Array.from(a))).toBe(true);
  for (let i = 0; i < 32; i++) {
    const b = Uint8Array.from(a);
    b[i] = (b[i] as number) ^ 0x80;
    expect(constantTimeEqual(a, b)).toBe(false);
  }
  expect(constantTimeEqual(a, a.subarray(1))).toBe(false);
  expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
});

test('wipeIdentity zeroes both private keys in place', async () => {
  const id = await generateIdentity();
  wipeIdentity(id);
  expect(id.identityPrivateKey.every((b) => b === 0)).toBe(true);
  expect(id.signingPrivateKey.every((b) => b === 0)).toBe(true);
});
