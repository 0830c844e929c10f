/**
 * Identities: generation, the 64-byte private blob, the key binding, and keeping private keys
 * out of every printed form. (Registration bodies: test/adapters/xchat/registration.test.ts.)
 */
import { createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  buildKeyRegistration,
  encodeBase64,
  exportPrivateKeys,
  generateIdentity,
  importPrivateKeys,
  type Identity,
  publicKeyFingerprint,
  sec1ToSpki,
  verifyKeyBinding,
  withTestingHooks,
} from '../helpers/kit.js';

function secretsOf(id: Identity): string[] {
  return [id.identityPrivateKey, id.signingPrivateKey].flatMap((k) => {
    const b = Buffer.from(k);
    return [b.toString('hex'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), Array.from(b).join(',')];
  });
}

describe('generateIdentity', () => {
  test('two independent P-256 key pairs: 32-byte scalars, 65-byte SEC1 public keys', async () => {
    const id = await generateIdentity();
    expect(id.identityPrivateKey).toHaveLength(32);
    expect(id.signingPrivateKey).toHaveLength(32);
    expect(id.identityPublicKey).toHaveLength(65);
    expect(id.identityPublicKey[0]).toBe(4);
    expect(Buffer.from(id.identityPrivateKey).equals(Buffer.from(id.signingPrivateKey))).toBe(false);
    // OpenSSL agrees that each public key is on the curve.
    expect(() => createPublicKey({ key: Buffer.from(sec1ToSpki(id.signingPublicKey)), format: 'der', type: 'spki' })).not.toThrow();
    const other = await generateIdentity();
    expect(Buffer.from(other.identityPrivateKey).equals(Buffer.from(id.identityPrivateKey))).toBe(false);
  });

  test('never prints a private key: JSON.stringify, String(), util.inspect, template literals, nested', async () => {
    const id = await generateIdentity();
    const outputs = [
      JSON.stringify(id),
      JSON.stringify({ id }),
      String(id),
      `${id}`,
      inspect(id),
      inspect({ nested: { id } }, { depth: 10 }),
      inspect(id.identityPrivateKey),
      JSON.stringify(id.signingPrivateKey),
      String(id.signingPrivateKey),
      JSON.stringify({ ...id }),
      inspect({ ...id }),
    ];
    for (const out of outputs) for (const s of secretsOf(id)) expect(out).not.toContain(s);
    expect(JSON.parse(JSON.stringify(id))).toEqual({
      identityPublicKey: encodeBase64(id.identityPublicKey),
      signingPublicKey: encodeBase64(id.signingPublicKey),
    });
  });

  test('injected randomness reproduces an identity (testing only)', async () => {
    const stream = () => {
      let i = 0;
      return (n: number) => Uint8Array.from({ length: n }, () => (i++ * 37 + 11) & 0xff);
    };
    const a = await generateIdentity(withTestingHooks({}, { random: stream() }));
    const b = await generateIdentity(withTestingHooks({}, { random: stream() }));
    expect(encodeBase64(a.identityPublicKey)).toBe(encodeBase64(b.identityPublicKey));
    // An out-of-range draw (all 0xff ≥ n) is redrawn, not reduced.
    let first = true;
    const c = await generateIdentity(
      withTestingHooks(
        {},
        { random: (n: number) => (first ? ((first = false), new Uint8Array(n).fill(0xff)) : new Uint8Array(n).fill(7)) },
      ),
    );
    expect(Buffer.from(c.identityPrivateKey).equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

describe('the 64-byte private blob', () => {
  test('export → import round trip; the input is not modified', async () => {
    const id = await generateIdentity();
    const blob = exportPrivateKeys(id);
    expect(blob).toHaveLength(64);
    const copy = Uint8Array.from(blob);
    const back = await importPrivateKeys(blob);
    expect(Buffer.from(blob).equals(Buffer.from(copy))).toBe(true);
    expect(encodeBase64(back.identityPublicKey)).toBe(encodeBase64(id.identityPublicKey));
    expect(encodeBase64(back.signingPublicKey)).toBe(encodeBase64(id.signingPublicKey));
    expect(inspect(blob)).not.toContain(Buffer.from(copy).toString('hex').slice(0, 16));
  });

  test('the fixture scalars 1 and 2 give the published public keys', async () => {
    const blob = new Uint8Array(64);
    blob[31] = 1;
    blob[63] = 2;
    const id = await importPrivateKeys(blob);
    // Signing key of scalar 2, as printed in docs/xchat-keys.md §"Worked examples".
    expect(encodeBase64(id.signingPublicKey)).toBe(
      'BHzyexiNA09+ilI4AwS1GsPAiWnid/IbNaYLSPxHZpl4B3dVENuO0EApPZrGn3Qw27p9reY86YIpngS3nSJ4c9E=',
    );
    expect(await publicKeyFingerprint(id.identityPublicKey)).toBe('XNJS-wzokyQ2-vjM0QQJgbie5K1rn-niorfnGqyyfNM');
  });

  test.each([
    ['32 bytes (identity only)', new Uint8Array(32).fill(1), 'ERR_INVALID_KEY', 'blob'],
    ['65 bytes', new Uint8Array(65).fill(1), 'ERR_INVALID_KEY', 'blob'],
    [
      'zero identity scalar',
      Uint8Array.from([...new Uint8Array(32), ...new Uint8Array(32).fill(1)]),
      'ERR_INVALID_KEY',
      'blob[0..32] (identity key)',
    ],
    [
      'signing scalar ≥ n',
      Uint8Array.from([...new Uint8Array(32).fill(1), ...new Uint8Array(32).fill(0xff)]),
      'ERR_INVALID_KEY',
      'blob[32..64] (signing key)',
    ],
    ['a string', 'AAAA', 'ERR_INVALID_KEY', 'blob'],
  ])('importPrivateKeys refuses %s', async (_n, blob, code, field) => {
    await expect(importPrivateKeys(blob as Uint8Array)).rejects.toMatchObject({ code, field });
  });
});

describe('verifyKeyBinding (the official SDK’s semantics)', () => {
  test('the message is the identity key exactly as served', async () => {
    const id = await generateIdentity();
    const pk = (await buildKeyRegistration(id)).public_key;
    expect(await verifyKeyBinding(pk.public_key, pk.signing_public_key, pk.identity_public_key_signature)).toBe(true);
    // Signing key as SEC1 works too; the identity key as SEC1 is a different message and fails.
    expect(await verifyKeyBinding(pk.public_key, encodeBase64(id.signingPublicKey), pk.identity_public_key_signature)).toBe(true);
    expect(await verifyKeyBinding(encodeBase64(id.identityPublicKey), pk.signing_public_key, pk.identity_public_key_signature)).toBe(false);
    // Unpadded signature accepted.
    expect(await verifyKeyBinding(pk.public_key, pk.signing_public_key, pk.identity_public_key_signature.replace(/=+$/, ''))).toBe(true);
    // Bound to someone else's key: false.
    const other = await generateIdentity();
    expect(await verifyKeyBinding(pk.public_key, encodeBase64(other.signingPublicKey), pk.identity_public_key_signature)).toBe(false);
    // r = 0 or s = 0 is out of range: false.
    expect(await verifyKeyBinding(pk.public_key, pk.signing_public_key, encodeBase64(new Uint8Array(64)))).toBe(false);
  });

  test('malformed inputs are typed errors', async () => {
    const id = await generateIdentity();
    const pk = (await buildKeyRegistration(id)).public_key;
    await expect(verifyKeyBinding('not base64!', pk.signing_public_key, pk.identity_public_key_signature)).rejects.toMatchObject({
      code: 'ERR_INVALID_BASE64',
      field: 'identityPublicKey',
    });
    await expect(verifyKeyBinding(pk.public_key, 'AAAA', pk.identity_public_key_signature)).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
      field: 'signingPublicKey',
    });
    await expect(verifyKeyBinding(pk.public_key, pk.signing_public_key, 'AAAA')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'identityPublicKeySignature',
    });
  });
});
