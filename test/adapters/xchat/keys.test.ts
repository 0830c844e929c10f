/**
 * Key records (src/adapters/xchat/keys.ts, docs/xchat-keys.md §"Keys"): what the X API serves after a
 * registration, and key listings in the shapes people have at hand (the API's response with owners,
 * a response per user keyed by user id, the SDK's camelCase records), all from real registrations.
 * The records keep the keys exactly as served (the binding signature verifies over them), versions
 * and user ids follow their rules at the boundaries, and a malformed or ambiguous record is refused
 * naming the record at fault.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { keyListing, keyRecordFromRegistration } from '../../../src/adapters/xchat/keys.js';
import { verifyKeyBinding, type KeyRegistrationBody } from '../../helpers/kit.js';
import { makeMembers, type Member } from '../../helpers/members.js';

let m: Member[];
beforeAll(async () => {
  m = await makeMembers(['111', '222']);
});

/** The X API's `PublicKey` record of a member, as `GET /2/users/public_keys` serves it. */
const apiRecord = (x: Member, extra: Record<string, unknown> = {}) => ({
  public_key: x.registration.public_key.public_key,
  public_key_version: x.version,
  signing_public_key: x.registration.public_key.signing_public_key,
  identity_public_key_signature: x.registration.public_key.identity_public_key_signature,
  ...extra,
});

const refuses = (f: () => unknown, code: string, field: string) =>
  expect(f).toThrow(expect.objectContaining({ name: 'InvalidInputError', code, field }));

describe('keyRecordFromRegistration', () => {
  test('the wrapping input and the signing entry, with the keys exactly as registered; the binding verifies', async () => {
    const [a] = m;
    const r = keyRecordFromRegistration('111', a!.registration);
    const pk = a!.registration.public_key;
    expect(r.publicKeyInput).toEqual({ userId: '111', publicKey: pk.public_key, keyVersion: a!.version });
    expect(r.signingKeyEntry).toEqual({
      userId: '111',
      publicKeyVersion: a!.version,
      publicKey: pk.signing_public_key,
      identityPublicKey: pk.public_key,
      identityPublicKeySignature: pk.identity_public_key_signature,
    });
    expect(
      await verifyKeyBinding(
        r.signingKeyEntry.identityPublicKey,
        r.signingKeyEntry.publicKey,
        r.signingKeyEntry.identityPublicKeySignature,
      ),
    ).toBe(true);
  });

  test('the version the server assigned replaces the proposed one; versions at their boundaries', () => {
    const body = m[0]!.registration;
    for (const v of ['0', '1', '18446744073709551615']) {
      const r = keyRecordFromRegistration('111', body, v);
      expect([r.publicKeyInput.keyVersion, r.signingKeyEntry.publicKeyVersion]).toEqual([v, v]);
    }
    for (const v of ['18446744073709551616', '01', '-1', ''])
      refuses(() => keyRecordFromRegistration('111', body, v), 'ERR_INVALID_VERSION', 'version');
    refuses(() => keyRecordFromRegistration('111', { ...body, version: '01' }), 'ERR_INVALID_VERSION', 'body.version');
  });

  test('the user id is an X user id (1 to 19 digits, no leading zero)', () => {
    const body = m[0]!.registration;
    expect(keyRecordFromRegistration('1234567890123456789', body).publicKeyInput.userId).toBe('1234567890123456789');
    for (const id of ['', '0111', '12345678901234567890', 'alice', 111])
      refuses(() => keyRecordFromRegistration(id as string, body), 'ERR_INVALID_USER_ID', 'userId');
  });

  test('a body without its keys is refused, naming what is missing', () => {
    const body = m[0]!.registration;
    refuses(() => keyRecordFromRegistration('111', null as unknown as KeyRegistrationBody), 'ERR_INVALID_ARGUMENT', 'body');
    refuses(
      () => keyRecordFromRegistration('111', { ...body, public_key: undefined } as unknown as KeyRegistrationBody),
      'ERR_INVALID_ARGUMENT',
      'body.public_key',
    );
    for (const f of ['public_key', 'signing_public_key', 'identity_public_key_signature'] as const) {
      refuses(
        () => keyRecordFromRegistration('111', { ...body, public_key: { ...body.public_key, [f]: undefined } }),
        'ERR_INVALID_ARGUMENT',
        `body.public_key.${f}`,
      );
    }
  });
});

describe('keyListing', () => {
  test('a record that names two different owners is refused, whichever fields they are in', () => {
    for (const names of [
      { userId: '111', user_id: '222' },
      { user_id: '111', id: '222' },
      { userId: '222', id: '111' },
    ]) {
      expect(() => keyListing({ data: [apiRecord(m[0]!, names)] })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_USER_ID', field: 'keys.data[0]' }),
      );
    }
    expect(keyListing({ data: [apiRecord(m[0]!, { userId: '111', user_id: '111' })] }).publicKeys).toEqual([m[0]!.publicKeyInput]);
  });

  test("the X API's response, records naming their owner (user_id, or id)", () => {
    const listing = keyListing({ data: [apiRecord(m[0]!, { user_id: '111' }), apiRecord(m[1]!, { id: '222' })] });
    expect(listing.publicKeys).toEqual([m[0]!.publicKeyInput, m[1]!.publicKeyInput]);
    expect(listing.signingKeys).toEqual([m[0]!.signingKeyEntry, m[1]!.signingKeyEntry]);
  });

  test('responses keyed by user id, as { data } or as a bare array', () => {
    const listing = keyListing({ '111': { data: [apiRecord(m[0]!)] }, '222': [apiRecord(m[1]!)] });
    expect(listing.publicKeys).toEqual([m[0]!.publicKeyInput, m[1]!.publicKeyInput]);
    expect(listing.signingKeys).toEqual([m[0]!.signingKeyEntry, m[1]!.signingKeyEntry]);
  });

  test("the SDK's shapes: PublicKeyInput (wrapping only) and SigningKeyEntry (both)", () => {
    expect(keyListing([m[0]!.publicKeyInput, m[1]!.publicKeyInput])).toEqual({
      publicKeys: [m[0]!.publicKeyInput, m[1]!.publicKeyInput],
      signingKeys: [],
    });
    expect(keyListing([m[0]!.signingKeyEntry])).toEqual({ publicKeys: [m[0]!.publicKeyInput], signingKeys: [m[0]!.signingKeyEntry] });
  });

  test('a record without a signing key gives a wrapping key only', () => {
    const { signing_public_key: _s, identity_public_key_signature: _i, ...identityOnly } = apiRecord(m[0]!, { user_id: '111' });
    expect(keyListing({ data: [identityOnly] })).toEqual({ publicKeys: [m[0]!.publicKeyInput], signingKeys: [] });
  });

  test('a record listed under another user than the one it names is refused', () => {
    refuses(() => keyListing({ '222': { data: [apiRecord(m[0]!, { user_id: '111' })] } }), 'ERR_INVALID_USER_ID', 'keys["222"].data[0]');
    refuses(() => keyListing({ '222': [m[0]!.publicKeyInput] }), 'ERR_INVALID_USER_ID', 'keys["222"][0]');
    // Naming the same user is fine.
    expect(keyListing({ '111': [apiRecord(m[0]!, { user_id: '111' })] }).publicKeys).toEqual([m[0]!.publicKeyInput]);
  });

  test('an API record without an owner is refused: the listing must be keyed by user id', () => {
    refuses(() => keyListing({ data: [apiRecord(m[0]!)] }), 'ERR_INVALID_ARGUMENT', 'keys.data[0]');
    // `id` names the owner only in a record that also has a public key.
    refuses(() => keyListing([{ id: '111', public_key_version: '1' }]), 'ERR_INVALID_ARGUMENT', 'keys[0]');
  });

  test('ids and versions follow their rules, named by record and field', () => {
    refuses(() => keyListing({ bob: [apiRecord(m[0]!)] }), 'ERR_INVALID_USER_ID', 'keys["bob"]');
    refuses(() => keyListing({ '0111': [apiRecord(m[0]!)] }), 'ERR_INVALID_USER_ID', 'keys["0111"]');
    refuses(() => keyListing({ data: [apiRecord(m[0]!, { user_id: '0111' })] }), 'ERR_INVALID_USER_ID', 'keys.data[0].user_id');
    refuses(
      () => keyListing({ '111': [apiRecord(m[0]!, { public_key_version: '18446744073709551616' })] }),
      'ERR_INVALID_VERSION',
      'keys["111"][0].public_key_version',
    );
    refuses(() => keyListing([{ ...m[0]!.publicKeyInput, keyVersion: '01' }]), 'ERR_INVALID_VERSION', 'keys[0].keyVersion');
    refuses(() => keyListing([{ ...m[0]!.signingKeyEntry, userId: '12345678901234567890' }]), 'ERR_INVALID_USER_ID', 'keys[0].userId');
    expect(keyListing({ '111': [apiRecord(m[0]!, { public_key_version: '18446744073709551615' })] }).publicKeys[0]!.keyVersion).toBe(
      '18446744073709551615',
    );
  });

  test('shapes: nothing listed, not an object or array, holes, non-string keys', () => {
    refuses(() => keyListing([]), 'ERR_INVALID_ARGUMENT', 'keys');
    refuses(() => keyListing({}), 'ERR_INVALID_ARGUMENT', 'keys');
    refuses(() => keyListing({ data: [] }), 'ERR_INVALID_ARGUMENT', 'keys');
    for (const v of [null, 'keys', 42]) refuses(() => keyListing(v), 'ERR_INVALID_ARGUMENT', 'keys');
    refuses(() => keyListing({ data: 'x' }), 'ERR_INVALID_ARGUMENT', 'keys.data');
    // eslint-disable-next-line no-sparse-arrays
    refuses(() => keyListing([m[0]!.publicKeyInput, , m[1]!.publicKeyInput]), 'ERR_INVALID_ARGUMENT', 'keys[1]');
    refuses(() => keyListing(['111']), 'ERR_INVALID_ARGUMENT', 'keys[0]');
    refuses(() => keyListing([{ ...m[0]!.publicKeyInput, publicKey: new Uint8Array(65) }]), 'ERR_INVALID_ARGUMENT', 'keys[0].publicKey');
    refuses(
      () => keyListing({ '111': [apiRecord(m[0]!, { signing_public_key: 5 })] }),
      'ERR_INVALID_ARGUMENT',
      'keys["111"][0].signing_public_key',
    );
  });
});
