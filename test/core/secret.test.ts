/** SecretBytes, wipe and constant-time equality. */
import { inspect } from 'node:util';
import { expect, test } from 'vitest';
import {
  constantTimeEqual,
  generateIdentity,
  resolveBackend,
  SecretBytes,
  wipe,
  wipeIdentity,
  type CryptoBackend,
} from '../helpers/kit.js';
import { eciesUnwrap, eciesWrap } from '../../src/core/ecies.js';
import { sampleScalar } from '../../src/core/scalar.js';

test('SecretBytes reads like bytes but never prints them', () => {
  const s = new SecretBytes(4);
  s.set([0xde, 0xad, 0xbe, 0xef]);
  expect(Array.from(s)).toEqual([0xde, 0xad, 0xbe, 0xef]);
  for (const text of [
    JSON.stringify(s),
    JSON.stringify({ s }),
    String(s),
    `${s}`,
    s.toLocaleString(),
    s.join(','),
    s.join(),
    inspect(s),
    inspect({ s }),
    inspect(s.subarray(1)),
    String(s.slice(2)),
  ]) {
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

test('sampleScalar wipes the CSPRNG buffer it drew from, and leaves an injected stream alone', () => {
  const drawn = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const csprng = Object.assign(() => drawn, { injected: false });
  const scalar = sampleScalar(csprng);
  expect(Array.from(scalar)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  expect(drawn.every((b) => b === 0)).toBe(true);
  const stream = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  sampleScalar(Object.assign(() => stream, { injected: true }));
  expect(stream[0]).toBe(1);
});

test('ECIES wipes the ECDH secret and the KDF output, also when a later step fails', async () => {
  const base = await resolveBackend('noble');
  const seen: Uint8Array[] = [];
  const spy = (fail: boolean): CryptoBackend => ({
    ...base,
    ecdh: async (k, p) => {
      const z = await base.ecdh(k, p);
      seen.push(z);
      return z;
    },
    sha256: async (d) => {
      const km = await base.sha256(d);
      seen.push(km);
      return km;
    },
    aesGcmEncrypt: async (...a) => {
      if (fail) throw new Error('injected failure');
      return base.aesGcmEncrypt(...a);
    },
  });
  const me = await generateIdentity({ backend: 'noble' });
  const e = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
  const blob = await eciesWrap(spy(false), new Uint8Array(32).fill(5), me.identityPublicKey, e);
  await expect(eciesWrap(spy(true), new Uint8Array(32).fill(5), me.identityPublicKey, e)).rejects.toThrow('injected failure');
  expect((await eciesUnwrap(spy(false), blob, me.identityPrivateKey))?.[0]).toBe(5);
  expect(seen).toHaveLength(6);
  for (const b of seen) expect(b.every((x) => x === 0)).toBe(true);
});
