/**
 * The key-registration body of `POST /2/users/{id}/public_keys` (src/adapters/xchat/registration.ts,
 * docs/xchat-keys.md §"Registration"), checked with OpenSSL: both keys as SPKI, the two cross
 * signatures over the other key's SPKI bytes, the fingerprint, the version (proposed from the clock
 * or given, canonical decimal up to 2^64−1) and `generate_version`; the same body from every
 * backend; typed errors for bad options. (Moved from test/core/identity.test.ts, with the version
 * boundaries and the backends added.)
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  buildKeyRegistration,
  decodeBase64,
  encodeBase64,
  generateIdentity,
  importPrivateKeys,
  publicKeyFingerprint,
  sec1ToSpki,
  type Identity,
} from '../../helpers/kit.js';
import { testBackends } from '../../helpers/backends.js';

const SPKI_B64_PREFIX = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE';

/** Verifies a raw r‖s P-256 signature with OpenSSL (node:crypto), independently of our code. */
function opensslVerify(spkiB64: string, message: Uint8Array, sigB64: string): boolean {
  const key = createPublicKey({ key: Buffer.from(spkiB64, 'base64'), format: 'der', type: 'spki' });
  return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sigB64, 'base64'));
}

describe('buildKeyRegistration', () => {
  test('the body X API expects, checked with OpenSSL', async () => {
    const id = await generateIdentity();
    const body = await buildKeyRegistration(id, { now: () => 1795356988969 });
    expect(Object.keys(body).sort()).toEqual(['generate_version', 'public_key', 'version']);
    expect(body.version).toBe('1795356988969');
    expect(body.generate_version).toBe(true);
    const pk = body.public_key;
    expect(pk.registration_method).toBe('CustomPin');
    expect(pk.public_key.startsWith(SPKI_B64_PREFIX)).toBe(true);
    expect(pk.public_key).toHaveLength(124);
    expect(pk.signing_public_key).toBe(encodeBase64(sec1ToSpki(id.signingPublicKey)));
    expect(pk.identity_public_key_signature).toHaveLength(88);
    // identity_public_key_signature: the signing key over the identity SPKI bytes.
    expect(opensslVerify(pk.signing_public_key, decodeBase64(pk.public_key), pk.identity_public_key_signature)).toBe(true);
    // signing_public_key_signature: the identity key over the signing SPKI bytes.
    expect(opensslVerify(pk.public_key, decodeBase64(pk.signing_public_key), pk.signing_public_key_signature)).toBe(true);
    const digest = createHash('sha256').update(decodeBase64(pk.public_key)).digest('base64url');
    expect(pk.public_key_fingerprint).toBe(digest);
    // Deterministic signatures (RFC 6979): same identity, same body.
    expect(await buildKeyRegistration(id, { now: () => 1795356988969 })).toEqual(body);
    expect(await buildKeyRegistration(id, { version: '5', generateVersion: false })).toMatchObject({
      version: '5',
      generate_version: false,
    });
  });

  test('bad options are typed errors', async () => {
    const id = await generateIdentity();
    await expect(buildKeyRegistration(id, { version: 'abc' })).rejects.toMatchObject({ code: 'ERR_INVALID_VERSION', field: 'version' });
    await expect(buildKeyRegistration(id, { generateVersion: 'yes' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'generateVersion',
    });
    await expect(buildKeyRegistration({} as Identity)).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
      field: 'identity.identityPrivateKey',
    });
  });

  test('versions: 0 and 2^64 − 1 are proposed as given; 2^64, leading zeros and non-decimals are refused', async () => {
    const id = await generateIdentity();
    for (const version of ['0', '1', '18446744073709551615']) expect((await buildKeyRegistration(id, { version })).version).toBe(version);
    for (const version of ['18446744073709551616', '01', '-1', '1.5', '', ' 1']) {
      await expect(buildKeyRegistration(id, { version })).rejects.toMatchObject({
        name: 'InvalidInputError',
        code: 'ERR_INVALID_VERSION',
        field: 'version',
      });
    }
  });

  test('without a version, the clock proposes one: it must give whole milliseconds', async () => {
    const id = await generateIdentity();
    expect((await buildKeyRegistration(id, { now: () => 0 })).version).toBe('0');
    const before = Date.now();
    const v = Number((await buildKeyRegistration(id)).version);
    expect(v).toBeGreaterThanOrEqual(before);
    expect(v).toBeLessThanOrEqual(Date.now());
    for (const t of [1.5, -1, NaN])
      await expect(buildKeyRegistration(id, { now: () => t })).rejects.toMatchObject({ code: 'ERR_INVALID_VERSION', field: 'version' });
  });

  test('the fingerprint is the identity key’s, as publicKeyFingerprint computes it', async () => {
    const id = await generateIdentity();
    expect((await buildKeyRegistration(id)).public_key.public_key_fingerprint).toBe(await publicKeyFingerprint(id.identityPublicKey));
  });

  test('every backend builds the same body for the same identity (deterministic signatures)', async () => {
    const blob = new Uint8Array(64);
    blob[31] = 1;
    blob[63] = 2;
    const bodies = [];
    for (const { backend } of await testBackends()) {
      const id = await importPrivateKeys(blob, { backend });
      bodies.push(await buildKeyRegistration(id, { backend, version: '1' }));
    }
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b).toEqual(bodies[0]);
  });
});
