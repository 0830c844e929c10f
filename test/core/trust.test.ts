/**
 * Trusted signing keys (src/core/trust.ts, docs/xchat-keys.md §"Trusted signing keys"), on real
 * registrations: a key is found by user id and the exact version string, and used only after its
 * binding signature over the identity key (exactly as served) verifies; that check runs once per
 * entry however many lookups ask, concurrent ones included; of several entries for one user and
 * version, the first whose binding verifies wins; a malformed entry is reported as a reason, never
 * thrown; `assertSigningKeys` checks the caller's list with typed errors naming the entry.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../src/core/trust.js';
import { encodeBase64, resolveBackend, type CryptoBackend } from '../helpers/kit.js';
import { makeMembers, type Member } from '../helpers/members.js';

let m: Member[];
let backend: CryptoBackend;
beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  backend = await resolveBackend();
});

/** The backend, counting its `verify` calls. */
function counting(): { backend: CryptoBackend; verifies: () => number } {
  let n = 0;
  const verify: CryptoBackend['verify'] = (...args) => {
    n++;
    return backend.verify(...args);
  };
  // The backends are frozen: the counting one inherits from it and defines its own verify.
  const b = Object.create(backend, { verify: { value: verify } }) as CryptoBackend;
  return { backend: b, verifies: () => n };
}

const entry = (i: number, extra: Partial<SigningKeyEntry> = {}): SigningKeyEntry => ({ ...m[i]!.signingKeyEntry, ...extra });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SigningKeys.lookup', () => {
  test("a user's key at a version: the SEC1 point of the signing key, after its binding verifies", async () => {
    const keys = new SigningKeys([entry(0), entry(1)], backend);
    const r = await keys.lookup('222', m[1]!.version);
    expect(r).toEqual({ ok: true, key: expect.any(Uint8Array) });
    if (r.ok) expect(hex(r.key)).toBe(hex(m[1]!.identity.signingPublicKey));
    // The same key given as SEC1 base64 is found too (the binding is over the identity key only).
    const sec1 = new SigningKeys([entry(0, { publicKey: encodeBase64(m[0]!.identity.signingPublicKey) })], backend);
    expect(await sec1.lookup('111', m[0]!.version)).toMatchObject({ ok: true });
  });

  test('exact version strings only: no numeric equality, no other version of the same user', async () => {
    const keys = new SigningKeys([entry(0, { publicKeyVersion: '1' }), entry(0, { publicKeyVersion: '18446744073709551615' })], backend);
    expect(await keys.lookup('111', '1')).toMatchObject({ ok: true });
    expect(await keys.lookup('111', '18446744073709551615')).toMatchObject({ ok: true });
    for (const v of ['01', '1.0', ' 1', '2', '18446744073709551616', '']) {
      expect(await keys.lookup('111', v)).toEqual({
        ok: false,
        reason: 'not_found',
        message: `no signing key of user 111 with version ${v} among the known keys`,
      });
    }
    // Another user at the same version is another slot, and ids are exact too.
    expect(await keys.lookup('0111', '1')).toMatchObject({ ok: false, reason: 'not_found' });
    expect(await keys.lookup('222', '1')).toMatchObject({ ok: false, reason: 'not_found' });
  });

  test('a binding that does not verify: binding_invalid, with the reason', async () => {
    // 222's signing key under 111's identity key and signature; and 111's identity key as SEC1
    // (another message than the SPKI the signature covers, as in the official SDK).
    for (const bad of [
      entry(0, { publicKey: m[1]!.signingKeyEntry.publicKey }),
      entry(0, { identityPublicKey: encodeBase64(m[0]!.identity.identityPublicKey) }),
      entry(0, { identityPublicKeySignature: m[1]!.signingKeyEntry.identityPublicKeySignature }),
    ]) {
      const r = await new SigningKeys([bad], backend).lookup('111', m[0]!.version);
      expect(r).toEqual({
        ok: false,
        reason: 'binding_invalid',
        message: expect.stringContaining('its binding signature does not verify against the identity key'),
      });
    }
  });

  test('a malformed entry is reported with its code, not thrown', async () => {
    const cases: [Partial<SigningKeyEntry>, string][] = [
      [{ publicKey: 'not base64!' }, 'ERR_INVALID_BASE64'],
      [{ publicKey: 'AAAA' }, 'ERR_INVALID_KEY'],
      [{ identityPublicKey: '%%%%' }, 'ERR_INVALID_BASE64'],
      [{ identityPublicKeySignature: encodeBase64(new Uint8Array(63)) }, 'ERR_INVALID_ARGUMENT'],
    ];
    for (const [fields, code] of cases) {
      const r = await new SigningKeys([entry(0, fields)], backend).lookup('111', m[0]!.version);
      expect(r).toEqual({
        ok: false,
        reason: 'binding_invalid',
        message: `the signing key of user 111 with version ${m[0]!.version} is not usable: it is malformed (${code})`,
      });
    }
  });

  test('several entries for one user and version: the first that verifies; every reason when none does', async () => {
    const forged = entry(0, { publicKey: m[1]!.signingKeyEntry.publicKey });
    const good = entry(0);
    const r = await new SigningKeys([forged, { ...good, publicKey: 'AAAA' }, good], backend).lookup('111', m[0]!.version);
    expect(r.ok && hex(r.key)).toBe(hex(m[0]!.identity.signingPublicKey));
    const none = await new SigningKeys([forged, { ...good, publicKey: 'AAAA' }], backend).lookup('111', m[0]!.version);
    expect(none).toMatchObject({ ok: false, reason: 'binding_invalid' });
    if (!none.ok)
      expect(none.message).toBe(
        `the signing key of user 111 with version ${m[0]!.version} is not usable: its binding signature does not verify against the identity key; it is malformed (ERR_INVALID_KEY)`,
      );
    // The order decides: the good entry first is used without checking the rest.
    const c = counting();
    const first = await new SigningKeys([good, forged], c.backend).lookup('111', m[0]!.version);
    expect(first.ok).toBe(true);
    expect(c.verifies()).toBe(1);
  });

  test('each binding is checked once per SigningKeys, however many lookups, concurrent ones too', async () => {
    const c = counting();
    const keys = new SigningKeys([entry(0), entry(1), entry(2, { publicKey: m[0]!.signingKeyEntry.publicKey })], c.backend);
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => keys.lookup(['111', '222', '333'][i % 3]!, m[0]!.version)));
    expect(all.map((r) => r.ok)).toEqual(Array.from({ length: 10 }, (_, i) => i % 3 !== 2));
    expect(c.verifies()).toBe(3);
    for (let i = 0; i < 5; i++) await keys.lookup('333', m[0]!.version);
    expect(c.verifies()).toBe(3);
    // A not_found lookup checks nothing; another SigningKeys checks again.
    await keys.lookup('444', m[0]!.version);
    expect(c.verifies()).toBe(3);
    await new SigningKeys([entry(0)], c.backend).lookup('111', m[0]!.version);
    expect(c.verifies()).toBe(4);
  });

  test('usersAt: the users with an entry at a version, once each, in order of first appearance', () => {
    const keys = new SigningKeys([entry(2), entry(0), entry(2), entry(1, { publicKeyVersion: '5' }), entry(1)], backend);
    expect(keys.usersAt(m[0]!.version)).toEqual(['333', '111', '222']);
    expect(keys.usersAt('5')).toEqual(['222']);
    expect(keys.usersAt('6')).toEqual([]);
  });
});

describe('assertSigningKeys', () => {
  test('a list of entries with five strings each is returned as given', () => {
    const list = [entry(0), entry(1)];
    expect(assertSigningKeys(list, 'options.signingKeys')).toEqual(list);
    expect(assertSigningKeys([], 'options.signingKeys')).toEqual([]);
  });

  test('anything else: ERR_INVALID_ARGUMENT naming the entry and the field', () => {
    const at = (value: unknown, field: string) =>
      expect(() => assertSigningKeys(value, 'options.signingKeys')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_ARGUMENT', field }),
      );
    at(undefined, 'options.signingKeys');
    at({ 0: entry(0) }, 'options.signingKeys');
    at([entry(0), null], 'options.signingKeys[1]');
    // eslint-disable-next-line no-sparse-arrays
    at([entry(0), , entry(1)], 'options.signingKeys[1]');
    for (const name of ['userId', 'publicKeyVersion', 'publicKey', 'identityPublicKey', 'identityPublicKeySignature'] as const) {
      at([entry(0), { ...entry(1), [name]: undefined }], `options.signingKeys[1].${name}`);
      at([{ ...entry(1), [name]: 1 }], `options.signingKeys[0].${name}`);
    }
  });
});
