/**
 * The malformed-input corpus: every public function that takes outside data, fed wrong lengths,
 * off-curve points, the point at infinity, foreign SPKIs, non-canonical base64, empty and huge
 * strings, bad versions, duplicate ids, commas, bad TTLs, downgraded and future signature
 * versions, zero and out-of-range signatures and bindings by the wrong key. Each case must give
 * our typed error (with a code and the field) or a negative verification report (with a problem
 * code); high-S signatures stay valid. Finally every error and report the corpus provoked is
 * searched for the bytes of every secret in play.
 */
import { inspect } from 'node:util';
import { p256 } from '@noble/curves/nist.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rejecter } from '../helpers/rejects.js';
import {
  buildKeyRegistration,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  decodeMessageEvent,
  encodeBase64,
  encodeBase64NoPad,
  findDuplicateKey,
  importPrivateKeys,
  parseJsonStrict,
  keyListing,
  openKeyChange,
  parseKeyRotation,
  parsePublicKey,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareSendbirdChannelKey,
  sec1ToSpki,
  unwrapConversationKey,
  createSendbirdGroupChannelRequest,
  openSendbirdChannelKey,
  parseChannelData,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  verifyKeyBinding,
  wrapConversationKey,
  type CreateGroupBody,
  type GroupCreateParams,
  type PreparedGroupCreate,
  type SigningKeyEntry,
  type VerificationReport,
} from '../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';

const N = p256.Point.Fn.ORDER;
const P = p256.Point.Fp.ORDER;
const be32 = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));

let m: Member[];
let params: GroupCreateParams;
let prepared: PreparedGroupCreate;
let body: CreateGroupBody;
let signingKeys: SigningKeyEntry[];
/** Every error and report the corpus provoked, for the secret search at the end. */
const provoked: unknown[] = [];

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  params = {
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g1',
    memberIds: ['111', '222', '333'],
    title: 'T',
  };
  prepared = await prepareGroupCreate(params);
  body = createGroupRequest(prepared);
  signingKeys = m.map((x) => x.signingKeyEntry);
});

const rejects = rejecter(provoked);

const valid = () => m[1]!.identity.identityPublicKey;
const spki = () => sec1ToSpki(valid());
const withByte = (b: Uint8Array, i: number, v: number) => {
  const c = Uint8Array.from(b);
  c[i] = v;
  return c;
};

describe('public keys (parsePublicKey, wrapConversationKey, prepare*)', () => {
  const cases: [string, () => unknown, string][] = [
    ['64 bytes', () => valid().subarray(1), 'ERR_INVALID_KEY'],
    ['66 bytes', () => Uint8Array.from([...valid(), 0]), 'ERR_INVALID_KEY'],
    ['empty', () => new Uint8Array(0), 'ERR_INVALID_KEY'],
    ['empty string', () => '', 'ERR_INVALID_KEY'],
    ['the point at infinity (SEC1 0x00)', () => Uint8Array.of(0), 'ERR_INVALID_KEY'],
    ['65 bytes starting 0x00', () => withByte(valid(), 0, 0), 'ERR_INVALID_KEY'],
    ['compressed point (33 bytes)', () => p256.getPublicKey(p256.utils.randomSecretKey(), true), 'ERR_INVALID_KEY'],
    ['hybrid prefix 0x06', () => withByte(valid(), 0, 6), 'ERR_INVALID_KEY'],
    ['off the curve', () => withByte(valid(), 64, valid()[64]! ^ 1), 'ERR_INVALID_KEY'],
    ['all-zero coordinates', () => Uint8Array.from([4, ...new Uint8Array(64)]), 'ERR_INVALID_KEY'],
    ['x = p', () => Uint8Array.from([4, ...be32(P), ...valid().subarray(33)]), 'ERR_INVALID_KEY'],
    [
      'SPKI of another curve (secp256k1 OID)',
      () => Uint8Array.from([...spki().subarray(0, 15), 0x2b, 0x81, 0x04, 0x00, 0x0a, ...spki().subarray(20)]),
      'ERR_INVALID_KEY',
    ],
    ['SPKI with another algorithm OID', () => withByte(spki(), 12, 0x02 ^ 0x01), 'ERR_INVALID_KEY'],
    ['SPKI with a wrong outer tag', () => withByte(spki(), 0, 0x31), 'ERR_INVALID_KEY'],
    ['SPKI with unused bits in the BIT STRING', () => withByte(spki(), 25, 1), 'ERR_INVALID_KEY'],
    ['non-canonical base64 (trailing bits)', () => `${encodeBase64(valid()).slice(0, -2)}R=`, 'ERR_INVALID_BASE64'],
    ['URL-safe characters', () => `${encodeBase64(valid()).slice(0, 10)}-_${encodeBase64(valid()).slice(12)}`, 'ERR_INVALID_BASE64'],
    ['whitespace', () => ` ${encodeBase64(valid())}`, 'ERR_INVALID_BASE64'],
    ['a huge string (1 MiB)', () => 'A'.repeat(1 << 20), 'ERR_INVALID_KEY'],
    ['a number', () => 42, 'ERR_INVALID_KEY'],
  ];
  test.each(cases)('%s', async (_n, input, code) => {
    await rejects(() => parsePublicKey(input(), 'publicKey'), { code, field: 'publicKey' });
    await rejects(() => wrapConversationKey(new Uint8Array(32).fill(1), input() as Uint8Array), {
      code,
      field: 'recipientIdentityPublicKey',
    });
    await rejects(
      () =>
        prepareGroupCreate({
          ...params,
          publicKeys: params.publicKeys.map((k, i) => (i === 1 ? { ...k, publicKey: input() as Uint8Array } : k)),
        }),
      {
        code,
        field: 'params.publicKeys[1].publicKey',
      },
    );
  });
});

describe('private keys and blobs', () => {
  test.each([
    ['zero scalar', new Uint8Array(64)],
    ['scalar = n', Uint8Array.from([...be32(N), ...be32(1n)])],
    ['scalar = n + 1', Uint8Array.from([...be32(1n), ...be32(N + 1n)])],
    ['all 0xff', new Uint8Array(64).fill(0xff)],
    ['63 bytes', new Uint8Array(63).fill(1)],
    ['empty', new Uint8Array(0)],
  ])('importPrivateKeys: %s', async (_n, blob) => {
    await rejects(() => importPrivateKeys(blob), { code: 'ERR_INVALID_KEY', field: /^blob/ });
  });

  test('unwrap with an invalid private key', async () => {
    for (const k of [new Uint8Array(32), be32(N), new Uint8Array(31).fill(1)]) {
      await rejects(() => unwrapConversationKey(prepared.participantKeys[0]!.encryptedKey, k), {
        code: 'ERR_INVALID_KEY',
        field: 'identityPrivateKey',
      });
    }
  });
});

describe('wrapped keys (unwrapConversationKey)', () => {
  const wrapped = () => decodeBase64(prepared.participantKeys[1]!.encryptedKey);
  test.each([
    ['empty string', () => '', 'ERR_INVALID_ENVELOPE'],
    ['112 bytes', () => encodeBase64(wrapped().subarray(0, 112)), 'ERR_INVALID_ENVELOPE'],
    ['114 bytes', () => encodeBase64(Uint8Array.from([...wrapped(), 0])), 'ERR_INVALID_ENVELOPE'],
    ['ephemeral key off the curve', () => encodeBase64(withByte(wrapped(), 64, wrapped()[64]! ^ 1)), 'ERR_INVALID_ENVELOPE'],
    [
      'ephemeral key zeroed (no point)',
      () => encodeBase64(Uint8Array.from([...new Uint8Array(65), ...wrapped().subarray(65)])),
      'ERR_INVALID_ENVELOPE',
    ],
    ['tag flipped', () => encodeBase64(withByte(wrapped(), 112, wrapped()[112]! ^ 1)), 'ERR_DECRYPT_FAILED'],
    ['ciphertext flipped', () => encodeBase64(withByte(wrapped(), 70, wrapped()[70]! ^ 1)), 'ERR_DECRYPT_FAILED'],
    ['non-canonical base64', () => `${prepared.participantKeys[1]!.encryptedKey.slice(0, -2)}B=`, 'ERR_INVALID_BASE64'],
    ['a huge string', () => 'A'.repeat(1 << 20), 'ERR_INVALID_ENVELOPE'],
  ])('%s', async (_n, input, code) => {
    await rejects(() => unwrapConversationKey(input(), m[1]!.identity.identityPrivateKey), { code, field: 'encryptedKey' });
  });

  test('someone else’s copy', async () => {
    await rejects(() => unwrapConversationKey(prepared.participantKeys[0]!.encryptedKey, m[1]!.identity.identityPrivateKey), {
      code: 'ERR_DECRYPT_FAILED',
      field: 'encryptedKey',
    });
  });
});

describe('prepare inputs', () => {
  const bad: [string, Partial<GroupCreateParams> | ((p: GroupCreateParams) => GroupCreateParams), string, string][] = [
    ['duplicate user ids', { memberIds: ['111', '222', '111'] }, 'ERR_DUPLICATE_ID', 'params.memberIds[2]'],
    ['comma in the title', { title: 'a,b' }, 'ERR_COMMA_IN_FIELD', 'params.title'],
    ['NaN TTL', { ttlMsec: Number.NaN }, 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['negative TTL', { ttlMsec: -1 }, 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['TTL beyond 2^53', { ttlMsec: 2 ** 60 }, 'ERR_INVALID_TTL', 'params.ttlMsec'],
    [
      'negative key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, keyVersion: '-1' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[0].keyVersion',
    ],
    [
      'non-numeric key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, keyVersion: 'latest' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[0].keyVersion',
    ],
    [
      'key version beyond 2^64',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, keyVersion: '18446744073709551616' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[0].keyVersion',
    ],
    [
      'empty user id',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, userId: '' } : k)) }),
      'ERR_INVALID_USER_ID',
      'params.publicKeys[0].userId',
    ],
    ['huge member id', { memberIds: ['111', '2'.repeat(100_000)] }, 'ERR_INVALID_USER_ID', 'params.memberIds[1]'],
    ['member id with a leading zero', { memberIds: ['111', '0222'] }, 'ERR_INVALID_USER_ID', 'params.memberIds[1]'],
    ['huge title with a comma at the end', { title: `${'t'.repeat(1 << 20)},` }, 'ERR_COMMA_IN_FIELD', 'params.title'],
  ];
  test.each(bad)('%s', async (_n, change, code, field) => {
    const p = typeof change === 'function' ? change(params) : { ...params, ...change };
    await rejects(() => prepareGroupCreate(p), { code, field });
  });

  test('key change: empty and comma conversation ids', async () => {
    await rejects(() => prepareConversationKeyChange({ publicKeys: params.publicKeys, sender: params.sender, conversationId: '' }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.conversationId',
    });
    await rejects(() => prepareConversationKeyChange({ publicKeys: params.publicKeys, sender: params.sender, conversationId: 'a,b' }), {
      code: 'ERR_COMMA_IN_FIELD',
      field: 'params.conversationId',
    });
  });
});

describe('signatures and bindings in request bodies (verifyCreateGroupRequest)', () => {
  async function report(change: (b: CreateGroupBody) => void, opts: { keys?: SigningKeyEntry[] } = {}): Promise<VerificationReport> {
    const b = structuredClone(body);
    change(b);
    const r = await verifyCreateGroupRequest(b, {
      senderId: '111',
      signingKeys: opts.keys ?? signingKeys,
      recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
    });
    provoked.push(r);
    return r;
  }
  const sig = (b: CreateGroupBody, i: number): CreateGroupBody['action_signatures'][number]['message_event_signature'] =>
    b.action_signatures[i]!.message_event_signature;
  const setSig = (b: CreateGroupBody, i: number, r: bigint, s: bigint): string =>
    (sig(b, i).signature = encodeBase64NoPad(Uint8Array.from([...be32(r), ...be32(s)])));
  const rs = (b: CreateGroupBody, i: number): readonly [bigint, bigint] => {
    const raw = decodeBase64(sig(b, i).signature);
    return [
      BigInt(`0x${Buffer.from(raw.subarray(0, 32)).toString('hex')}`),
      BigInt(`0x${Buffer.from(raw.subarray(32)).toString('hex')}`),
    ] as const;
  };

  const sigCases: [string, (b: CreateGroupBody) => unknown, string, string][] = [
    [
      'zero signature',
      (b: CreateGroupBody) => setSig(b, 1, 0n, 0n),
      'SIGNATURE_INVALID',
      'action_signatures[1].message_event_signature.signature',
    ],
    [
      'r = n',
      (b: CreateGroupBody) => setSig(b, 1, N, rs(b, 1)[1]),
      'SIGNATURE_INVALID',
      'action_signatures[1].message_event_signature.signature',
    ],
    [
      's = n',
      (b: CreateGroupBody) => setSig(b, 1, rs(b, 1)[0], N),
      'SIGNATURE_INVALID',
      'action_signatures[1].message_event_signature.signature',
    ],
    [
      's = 0',
      (b: CreateGroupBody) => setSig(b, 0, rs(b, 0)[0], 0n),
      'SIGNATURE_INVALID',
      'action_signatures[0].message_event_signature.signature',
    ],
    [
      '63-byte signature',
      (b: CreateGroupBody) => (sig(b, 1).signature = encodeBase64NoPad(new Uint8Array(63).fill(1))),
      'SIGNATURE_MALFORMED',
      'action_signatures[1].message_event_signature.signature',
    ],
    [
      'empty signature',
      (b: CreateGroupBody) => (sig(b, 1).signature = ''),
      'SCHEMA',
      'action_signatures[1].message_event_signature.signature',
    ],
    [
      'signature version 1 (downgrade)',
      (b: CreateGroupBody) => (sig(b, 1).signature_version = '1'),
      'SIGNATURE_VERSION_UNSUPPORTED',
      'action_signatures[1].message_event_signature.signature_version',
    ],
    [
      'signature version 0',
      (b: CreateGroupBody) => (sig(b, 0).signature_version = '0'),
      'SIGNATURE_VERSION_UNSUPPORTED',
      'action_signatures[0].message_event_signature.signature_version',
    ],
    [
      'signature version 8 (future)',
      (b: CreateGroupBody) => (sig(b, 1).signature_version = '8'),
      'SIGNATURE_VERSION_UNSUPPORTED',
      'action_signatures[1].message_event_signature.signature_version',
    ],
    [
      'non-numeric signature version',
      (b: CreateGroupBody) => (sig(b, 1).signature_version = 'v7'),
      'SCHEMA',
      'action_signatures[1].message_event_signature.signature_version',
    ],
    [
      'non-numeric key version',
      (b: CreateGroupBody) => (sig(b, 1).public_key_version = '-1'),
      'SCHEMA',
      'action_signatures[1].message_event_signature.public_key_version',
    ],
    [
      'comma in a message id',
      (b: CreateGroupBody) => (b.action_signatures[1]!.message_id = 'a,b'),
      'MESSAGE_ID_INVALID',
      'action_signatures[1].message_id',
    ],
    [
      'non-decimal conversation key version',
      (b: CreateGroupBody) => (b.conversation_key_version = '0x10'),
      'KEY_VERSION_INVALID',
      'conversation_key_version',
    ],
    ['huge group name', (b: CreateGroupBody) => (b.group_name = 'x'.repeat(1 << 20)), 'TITLE_MISMATCH', 'group_name'],
    ['duplicate member in the body', (b: CreateGroupBody) => b.group_members.push('222'), 'DUPLICATE_MEMBER', 'group_members[3]'],
    ['negative TTL in the body', (b: CreateGroupBody) => (b.ttl_msec = '-1'), 'TTL_INVALID', 'ttl_msec'],
    ['NaN TTL in the body', (b: CreateGroupBody) => (b.ttl_msec = 'NaN'), 'TTL_INVALID', 'ttl_msec'],
    ['TTL above 2^63-1 in the body', (b: CreateGroupBody) => (b.ttl_msec = '9223372036854775808'), 'TTL_INVALID', 'ttl_msec'],
    ['TTL with a leading zero in the body', (b: CreateGroupBody) => (b.ttl_msec = '01000'), 'TTL_INVALID', 'ttl_msec'],
  ];
  test.each(sigCases)('%s', async (_n, change, code, path) => {
    const r = await report((b) => void change(b));
    expect(r.valid).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ code, path }));
    expect(r.conversationKey).toBeUndefined();
  });

  test('high-S signatures stay valid (the official SDK makes them)', async () => {
    const r = await report((b) => {
      for (const i of [0, 1]) {
        const [rr, ss] = rs(b, i);
        setSig(b, i, rr, N - ss); // the other of the two valid s values
      }
    });
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
  });

  test('an identity binding signed by another key', async () => {
    const other = m[2]!.signingKeyEntry;
    const keys = signingKeys.map((k) => (k.userId === '111' ? { ...k, identityPublicKeySignature: other.identityPublicKeySignature } : k));
    const r = await report(() => {}, { keys });
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'KEY_BINDING_INVALID', path: 'action_signatures[1].message_event_signature.public_key_version' }),
    );
    const e = m[0]!.signingKeyEntry;
    provoked.push(await verifyKeyBinding(e.identityPublicKey, e.publicKey, other.identityPublicKeySignature));
    expect(await verifyKeyBinding(e.identityPublicKey, e.publicKey, other.identityPublicKeySignature)).toBe(false);
  });
});

describe('other decoders', () => {
  test('Thrift details and envelopes: empty, truncated, trailing bytes, wrong base64', async () => {
    const detail = decodeBase64(body.action_signatures[1]!.encoded_message_event_detail);
    for (const bytes of [new Uint8Array(0), detail.subarray(0, detail.length - 1), Uint8Array.from([...detail, 0])]) {
      await rejects(() => decodeEventDetail(bytes), { code: 'ERR_INVALID_THRIFT', field: 'detail' });
    }
    for (const junk of ['DAAE', null, [12, 0, 4], detail.buffer]) {
      await rejects(() => decodeEventDetail(junk as never), { code: 'ERR_INVALID_THRIFT', field: 'detail' });
      await rejects(() => decodeMessageEvent(junk as never), { code: 'ERR_INVALID_THRIFT', field: 'event' });
    }
    // An envelope holding the detail: truncated, with trailing bytes, with the detail's STOP lost.
    const envelope = Uint8Array.from([0x0c, 0x00, 0x07, ...detail, 0x00]);
    for (const bytes of [
      envelope.subarray(0, envelope.length - 1),
      Uint8Array.from([...envelope, 0x00]),
      Uint8Array.from([0x0c, 0x00, 0x07, ...detail.subarray(0, detail.length - 1)]),
    ]) {
      await rejects(() => decodeMessageEvent(bytes), { code: 'ERR_INVALID_THRIFT', field: 'event' });
    }
    expect(decodeMessageEvent(envelope).detail?.type).toBe('groupCreate');
  });

  test('key rotation payloads', async () => {
    for (const b64 of ['', 'AAAA', '!!!!', 'AB==', 'DAAB']) {
      await rejects(() => parseKeyRotation(b64), {
        code: /^(AB==|!!!!)$/.test(b64) ? 'ERR_INVALID_BASE64' : 'ERR_INVALID_THRIFT',
        field: 'keyRotation',
      });
    }
  });

  test('key listings', async () => {
    await rejects(() => keyListing({ data: [{ public_key: 'x', public_key_version: '1' }] }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'keys.data[0]',
    });
    await rejects(() => keyListing({ '111': { data: [{ public_key: 'x', public_key_version: 'one' }] } }), { code: 'ERR_INVALID_VERSION' });
    await rejects(() => keyListing({ bob: [] }), { code: 'ERR_INVALID_USER_ID' });
    await rejects(() => keyListing([]), { code: 'ERR_INVALID_ARGUMENT', field: 'keys' });
    await rejects(() => keyListing('keys'), { code: 'ERR_INVALID_ARGUMENT', field: 'keys' });
  });

  test('openKeyChange: every field malformed in turn', async () => {
    const a = prepared.actionSignatures[0]!;
    const good = {
      messageId: a.messageId,
      senderId: '111',
      conversationId: 'g1',
      conversationKeyVersion: prepared.conversationKeyVersion,
      participantKeys: prepared.participantKeys,
      signature: a.signature,
      signatureVersion: '7',
      publicKeyVersion: a.publicKeyVersion,
    };
    const opts = { recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey }, signingKeys };
    await expect(openKeyChange(good, opts)).resolves.toHaveLength(32);
    const withKey = (encryptedKey: string) => prepared.participantKeys.map((k, i) => (i === 1 ? { ...k, encryptedKey } : k));
    const cases: [Record<string, unknown>, string, string][] = [
      [{ signature: '' }, 'ERR_SIGNATURE_INVALID', 'change.signature'],
      [{ signature: encodeBase64NoPad(new Uint8Array(64)) }, 'ERR_SIGNATURE_INVALID', 'change.signature'],
      [{ signatureVersion: '1' }, 'ERR_UNSUPPORTED_SIGNATURE_VERSION', 'change.signatureVersion'],
      [{ signatureVersion: '8' }, 'ERR_UNSUPPORTED_SIGNATURE_VERSION', 'change.signatureVersion'],
      [{ conversationKeyVersion: '' }, 'ERR_INVALID_VERSION', 'change.conversationKeyVersion'],
      [{ conversationKeyVersion: '18446744073709551616' }, 'ERR_INVALID_VERSION', 'change.conversationKeyVersion'],
      [{ conversationKeyVersion: '9007199254740991' }, 'ERR_VERSION_IN_FUTURE', 'change.conversationKeyVersion'],
      [{ publicKeyVersion: '1.0' }, 'ERR_INVALID_VERSION', 'change.publicKeyVersion'],
      [{ participantKeys: withKey('AAAA') }, 'ERR_INVALID_ENVELOPE', 'change.participantKeys[1].encryptedKey'],
      [
        { participantKeys: withKey(prepared.participantKeys[2]!.encryptedKey) },
        'ERR_DECRYPT_FAILED',
        'change.participantKeys[1].encryptedKey',
      ],
      [{ participantKeys: prepared.participantKeys.filter((k) => k.userId !== '222') }, 'ERR_NOT_A_MEMBER', 'change.participantKeys'],
      [
        { participantKeys: [...prepared.participantKeys, prepared.participantKeys[1]] },
        'ERR_INVALID_ENVELOPE',
        'change.participantKeys[3]',
      ],
      [{ conversationId: 'g,1' }, 'ERR_COMMA_IN_FIELD', 'change.conversationId'],
      [{ senderId: 'alice' }, 'ERR_INVALID_USER_ID', 'change.senderId'],
      [{ participantKeys: 'x' }, 'ERR_INVALID_ARGUMENT', 'change.participantKeys'],
      [{ participantKeys: [null] }, 'ERR_INVALID_ARGUMENT', 'change.participantKeys[0]'],
      [
        { participantKeys: Object.assign(new Array(2), { 1: prepared.participantKeys[1] }) },
        'ERR_INVALID_ARGUMENT',
        'change.participantKeys[0]',
      ],
      [
        { participantKeys: [{ userId: 5, encryptedKey: 'k', publicKeyVersion: '1' }] },
        'ERR_INVALID_ARGUMENT',
        'change.participantKeys[0].userId',
      ],
      [
        { participantKeys: [{ userId: '1,2', encryptedKey: 'k', publicKeyVersion: '1' }] },
        'ERR_COMMA_IN_FIELD',
        'change.participantKeys[0].userId',
      ],
      [
        { participantKeys: [{ userId: '2', encryptedKey: 'k', publicKeyVersion: '01' }] },
        'ERR_INVALID_VERSION',
        'change.participantKeys[0].publicKeyVersion',
      ],
    ];
    for (const [change, code, field] of cases) await rejects(() => openKeyChange({ ...good, ...change } as never, opts), { code, field });
    await rejects(() => openKeyChange(good, { ...opts, recipient: { ...opts.recipient, keyVersion: '2' } }), {
      code: 'ERR_RECIPIENT_KEY_MISMATCH',
      field: 'change.participantKeys[1].publicKeyVersion',
    });
    await rejects(() => openKeyChange(good, { ...opts, recipient: { ...opts.recipient, identityPrivateKey: new Uint8Array(31) } }), {
      code: 'ERR_INVALID_KEY',
      field: 'options.recipient.identityPrivateKey',
    });
    await rejects(() => openKeyChange(good, { signingKeys } as never), { code: 'ERR_INVALID_ARGUMENT', field: 'options.recipient' });
  });

  test('Sendbird channel data and resources', async () => {
    const prep = await prepareSendbirdChannelKey({
      channelUrl: 'corpus_room',
      publicKeys: m.map((x) => x.publicKeyInput),
      memberIds: ['111', '222', '333'],
      sender: senderOf(m[0]!),
    });
    const data = JSON.parse(
      createSendbirdGroupChannelRequest(
        { user_ids: ['111', '222', '333'], channel_url: 'corpus_room' },
        { applicationId: 'app', apiToken: 't', e2ee: prep },
      ).body as string,
    ).data as string;
    const doc = JSON.parse(data);
    const withCkk = (change: Record<string, unknown>) => JSON.stringify({ ckk: { ...doc.ckk, ...change } });
    const cases: [unknown, string, string][] = [
      ['', 'ERR_INVALID_ENVELOPE', 'channel.data'],
      ['x'.repeat(1 << 20), 'ERR_INVALID_ENVELOPE', 'channel.data'],
      ['x'.repeat(9 << 20), 'ERR_TOO_LARGE', 'channel.data'],
      [42, 'ERR_INVALID_ENVELOPE', 'channel.data'],
      [withCkk({ v: 1 }), 'ERR_UNSUPPORTED_ENVELOPE_VERSION', 'channel.data.ckk.v'],
      [withCkk({ v: 3 }), 'ERR_UNSUPPORTED_ENVELOPE_VERSION', 'channel.data.ckk.v'],
      [withCkk({ ckv: '-5' }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.ckv'],
      [withCkk({ ckv: '18446744073709551616' }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.ckv'],
      [withCkk({ skv: 'one' }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.skv'],
      [withCkk({ sender: 'a,b' }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.sender'],
      [withCkk({ kc: encodeBase64NoPad(new Uint8Array(31)) }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.kc'],
      [withCkk({ sig: encodeBase64NoPad(new Uint8Array(63)) }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.sig'],
      [withCkk({ keys: [['111', doc.ckk.keys[0][1].replace(/=$/, ''), '1']] }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.keys[0][1]'],
      [withCkk({ keys: [doc.ckk.keys[0], doc.ckk.keys[0]] }), 'ERR_INVALID_ENVELOPE', 'channel.data.ckk.keys[1][0]'],
      [
        withCkk({ keys: Array.from({ length: 20_001 }, (_, i) => [String(i), doc.ckk.keys[0][1], '1']) }),
        'ERR_TOO_LARGE',
        'channel.data.ckk.keys',
      ],
      [` ${data}`, 'ERR_INVALID_ENVELOPE', 'channel.data'],
    ];
    const open = { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, signingKeys };
    for (const [d, code, field] of cases) {
      await rejects(() => parseChannelData(d), { code, field });
      await rejects(() => openSendbirdChannelKey({ channel_url: 'corpus_room', data: d as string }, open), { code, field });
    }
    await rejects(() => openSendbirdChannelKey(null as never, open), { code: 'ERR_INVALID_ARGUMENT', field: 'channel' });
    await rejects(() => openSendbirdChannelKey({ channel_url: 'corpus_room', data }, { ...open, userId: '' }), {
      code: 'ERR_INVALID_USER_ID',
      field: 'options.userId',
    });
    await rejects(() => openSendbirdChannelKey({ channel_url: 'corpus_room', data }, { ...open, minConversationKeyVersion: '01' }), {
      code: 'ERR_INVALID_VERSION',
      field: 'options.minConversationKeyVersion',
    });
    await rejects(() => openSendbirdChannelKey({ channel_url: 'corpus_room', data }, { ...open, keyVersion: 'x' }), {
      code: 'ERR_INVALID_VERSION',
      field: 'options.keyVersion',
    });
    await rejects(() => openSendbirdChannelKey({ channel_url: 'corpus_room', data }, { ...open, now: () => 1 }), {
      code: 'ERR_VERSION_IN_FUTURE',
      field: 'channel.data.ckk.ckv',
    });
  });

  test('strict JSON: text that is not JSON or has a duplicate key (after unescaping)', async () => {
    for (const text of ['', '{', '{"a":1,}', 'nul'])
      await rejects(() => parseJsonStrict(text, 'body'), { code: 'ERR_INVALID_ENVELOPE', field: 'body' });
    for (const text of ['{"a":1,"a":2}', '{"a":1,"\\u0061":2}', '{"x":[{"k":1},{"k":2,"k":3}]}', '[{"a":{"b":1,"b":1}}]']) {
      await rejects(() => parseJsonStrict(text, 'body'), { code: 'ERR_INVALID_ENVELOPE', field: 'body' });
    }
    expect(parseJsonStrict('{"a":{"b":1},"b":{"a":2},"c":[{"a":1},{"a":1}]}')).toEqual({
      a: { b: 1 },
      b: { a: 2 },
      c: [{ a: 1 }, { a: 1 }],
    });
    expect(findDuplicateKey('{"a":[{"x":1,"y":{"z":1,"z":2}}]}')).toBe('a[0].y.z');
  });

  test('the member-add and key-change verifiers report junk bodies instead of throwing', async () => {
    const opts = { conversationId: 'g1', senderId: '111', signingKeys };
    for (const junk of [null, 42, 'body', [], {}, { user_ids: 'x' }, { conversation_participant_keys: [null], action_signatures: [{}] }]) {
      for (const f of [verifyAddMembersRequest, verifyAddConversationKeysRequest]) {
        const r = await f(junk, opts);
        provoked.push(r);
        expect(r.valid).toBe(false);
        expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) expect(p.code && typeof p.path === 'string').toBeTruthy();
      }
    }
  });
});

afterAll(async () => {
  // The secret search: no error or report the corpus provoked may contain any private key or
  // conversation key in play, in any encoding.
  const secrets: Uint8Array[] = [
    prepared.conversationKey,
    ...m.flatMap((x) => [x.identity.identityPrivateKey, x.identity.signingPrivateKey]),
  ];
  const needles = secrets.flatMap((s) => {
    const b = Buffer.from(s);
    return [
      b.toString('hex'),
      b.toString('hex').toUpperCase(),
      b.toString('base64').replace(/=+$/, ''),
      b.toString('base64url'),
      Array.from(b).join(','),
    ];
  });
  const texts = provoked.map((p) =>
    [
      p instanceof Error ? `${p.message}\n${p.stack ?? ''}\n${String(p)}` : '',
      JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? '',
      inspect(p, { depth: 8 }),
    ].join('\n'),
  );
  expect(provoked.length).toBeGreaterThan(80);
  for (const t of texts) for (const n of needles) expect(t.includes(n)).toBe(false);
  // Registration bodies and identities printed by mistake do not leak either.
  const reg = JSON.stringify(await buildKeyRegistration(m[0]!.identity)) + JSON.stringify(m[0]!.identity) + inspect(m[0]!.identity);
  for (const n of needles) expect(reg.includes(n)).toBe(false);
});
