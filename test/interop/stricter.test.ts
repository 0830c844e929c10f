/**
 * Where chat-keykit is deliberately stricter than the official SDK: each row of the README's
 * "Stricter than the official SDK" table, shown against the real SDK (what it does) and against
 * chat-keykit (the typed error or negative report we give instead).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  encodeMessageEvent,
  prepareGroupCreate,
  verifyCreateGroupRequest,
  type GroupCreateDetail,
  type GroupCreateParams,
} from '../helpers/kit.js';
import { flip } from '../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { envelopes, sdkMembers, xdkWithKeys, type SdkMember } from '../helpers/xdk.js';
import { exportPrivateKeys } from '../helpers/members.js';

let sdk: SdkMember[];
let ours: Member[];
let base: GroupCreateParams;
beforeAll(async () => {
  sdk = await sdkMembers(['111', '222']);
  ours = await makeMembers(['111', '222']);
  base = { publicKeys: ours.map((m) => m.publicKeyInput), sender: senderOf(ours[0]!), conversationId: 'g1', memberIds: ['111', '222'] };
});

const sdkCreate = (params: Record<string, unknown>) =>
  sdk[0]!.chat.prepareGroupCreate({
    publicKeys: sdk.map((m) => m.publicKeyInput),
    conversationId: 'g1',
    memberIds: ['111', '222'],
    adminIds: [],
    ...params,
  });
const ourError = async (params: Partial<GroupCreateParams>) =>
  prepareGroupCreate({ ...base, ...params } as GroupCreateParams).then(
    () => null,
    (e: { code: string }) => e.code,
  );

describe('inputs the SDK signs and we refuse', () => {
  test('a member without a public key: the SDK wraps for fewer people', async () => {
    const p = sdkCreate({ memberIds: ['111', '222', '333'] });
    expect(p.participantKeys.map((k) => k.userId).sort()).toEqual(['111', '222']);
    expect(p.actionSignatures[1]!.signaturePayload).toContain(',111,222,333,');
    expect(await ourError({ memberIds: ['111', '222', '333'] })).toBe('ERR_MISSING_PUBLIC_KEY');
  });

  test('a key record of a non-member: the SDK wraps the conversation key for them too', async () => {
    const p = sdkCreate({ memberIds: ['222'], adminIds: ['999'] });
    expect(p.participantKeys.map((k) => k.userId).sort()).toEqual(['111', '222']);
    expect((decodeEventDetail(decodeBase64(p.actionSignatures[1]!.encodedMessageEventDetail)) as GroupCreateDetail).adminIds).toEqual([
      '999',
    ]);
    // We wrap only for members, and refuse a creator or an admin outside the group.
    expect(await ourError({ memberIds: ['222'] })).toBe('ERR_INVALID_ARGUMENT');
    expect(await ourError({ adminIds: ['999'] })).toBe('ERR_INVALID_ARGUMENT');
    const [x] = await makeMembers(['999']);
    const mine = await prepareGroupCreate({ ...base, publicKeys: [...base.publicKeys, x!.publicKeyInput] });
    expect(mine.participantKeys.map((k) => k.userId)).toEqual(['111', '222']);
  });

  test('duplicate member and admin ids', async () => {
    const p = sdkCreate({ memberIds: ['111', '222', '222'], adminIds: ['111', '111'] });
    expect(p.actionSignatures[1]!.signaturePayload).toContain(',111,222,222,');
    expect(await ourError({ memberIds: ['111', '222', '222'] })).toBe('ERR_DUPLICATE_ID');
    expect(await ourError({ adminIds: ['111', '111'] })).toBe('ERR_DUPLICATE_ID');
  });

  test('empty and non-decimal key versions are passed on to the wire', async () => {
    const p = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: [
        { ...sdk[0]!.publicKeyInput, keyVersion: '' },
        { ...sdk[1]!.publicKeyInput, keyVersion: 'abc' },
      ],
      conversationId: 'g1',
      memberIds: ['111', '222'],
      adminIds: [],
    });
    expect(p.participantKeys.map((k) => k.publicKeyVersion).sort()).toEqual(['', 'abc']);
    expect(await ourError({ publicKeys: [{ ...base.publicKeys[0]!, keyVersion: '' }, base.publicKeys[1]!] })).toBe('ERR_INVALID_VERSION');
    expect(await ourError({ publicKeys: [base.publicKeys[0]!, { ...base.publicKeys[1]!, keyVersion: 'abc' }] })).toBe(
      'ERR_INVALID_VERSION',
    );
  });

  test('a NaN TTL becomes a signed TTL of 0; a negative TTL is dropped', async () => {
    const nan = decodeEventDetail(
      decodeBase64(sdkCreate({ ttlMsec: Number.NaN }).actionSignatures[1]!.encodedMessageEventDetail),
    ) as GroupCreateDetail;
    expect(nan.ttlMsec).toBe(0n);
    const neg = decodeEventDetail(
      decodeBase64(sdkCreate({ ttlMsec: -5 }).actionSignatures[1]!.encodedMessageEventDetail),
    ) as GroupCreateDetail;
    expect(neg.ttlMsec).toBeUndefined();
    expect(await ourError({ ttlMsec: Number.NaN })).toBe('ERR_INVALID_TTL');
    expect(await ourError({ ttlMsec: -5 })).toBe('ERR_INVALID_TTL');
  });

  test('a group id that is not g + digits', async () => {
    expect(sdkCreate({ conversationId: 'hello' }).conversationId).toBe('hello');
    expect(await ourError({ conversationId: 'hello' })).toBe('ERR_INVALID_CONVERSATION_ID');
  });

  test('a comma in a signed field: both refuse, we name the field', async () => {
    expect(() => sdkCreate({ title: 'a,b' })).toThrow(/comma/);
    await expect(prepareGroupCreate({ ...base, title: 'a,b' })).rejects.toMatchObject({
      code: 'ERR_COMMA_IN_FIELD',
      field: 'params.title',
    });
  });

  test('an SPKI whose prefix is not P-256 id-ecPublicKey: the SDK reads the last 65 bytes', async () => {
    const spki = Buffer.from(sdk[1]!.publicKeyInput.publicKey, 'base64');
    flip(spki, 20, 1); // inside the curve OID
    const p = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: [sdk[0]!.publicKeyInput, { ...sdk[1]!.publicKeyInput, publicKey: spki.toString('base64') }],
      conversationId: 'g1',
      memberIds: ['111', '222'],
      adminIds: [],
    });
    expect(p.participantKeys).toHaveLength(2);
    const ourSpki = Buffer.from(base.publicKeys[1]!.publicKey as string, 'base64');
    flip(ourSpki, 20, 1);
    expect(await ourError({ publicKeys: [base.publicKeys[0]!, { ...base.publicKeys[1]!, publicKey: ourSpki.toString('base64') }] })).toBe(
      'ERR_INVALID_KEY',
    );
  });
});

describe('encodings', () => {
  test('a compressed (33-byte) public key: the SDK wraps to it, we refuse it (the X API serves SPKI of uncompressed points)', async () => {
    const { p256 } = await import('@noble/curves/nist.js');
    const compressed = Buffer.from(
      p256.Point.fromBytes(Buffer.from(sdk[1]!.chat.getPublicKeys().identity, 'base64')).toBytes(true),
    ).toString('base64');
    const p = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: [sdk[0]!.publicKeyInput, { ...sdk[1]!.publicKeyInput, publicKey: compressed }],
      conversationId: 'g1',
      memberIds: ['111', '222'],
      adminIds: [],
    });
    expect(p.participantKeys).toHaveLength(2);
    expect(await ourError({ publicKeys: [base.publicKeys[0]!, { ...base.publicKeys[1]!, publicKey: compressed }] })).toBe(
      'ERR_INVALID_KEY',
    );
  });

  test('non-canonical base64: both refuse it (no difference)', async () => {
    const p = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: sdk.map((m) => m.publicKeyInput),
      conversationId: 'g1',
      memberIds: ['111', '222'],
      adminIds: [],
    });
    const k = p.participantKeys.find((x) => x.userId === '222')!.encryptedKey;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const nonCanonical = `${k.slice(0, 150)}${alphabet[alphabet.indexOf(k[150]!) + 1]}=`;
    expect(() => sdk[1]!.chat.decryptConversationKey(nonCanonical)).toThrow(/Base64/);
    const { unwrapConversationKey, importPrivateKeys } = await import('../helpers/kit.js');
    const me = await importPrivateKeys(sdk[1]!.chat.exportKeys());
    await expect(unwrapConversationKey(nonCanonical, me.identityPrivateKey)).rejects.toMatchObject({ code: 'ERR_INVALID_BASE64' });
    expect(Buffer.from(await unwrapConversationKey(k, me.identityPrivateKey))).toHaveLength(32);
  });
});

describe('signature versions', () => {
  test('the SDK rejects v1, checks v2-v7 with their layouts, and reads 8, 99 and non-numbers as the current layout; we reject above 7', async () => {
    const p = await prepareGroupCreate({ ...base, title: 'T' });
    const reader = await xdkWithKeys(exportPrivateKeys(ours[1]!.identity));
    const signingKeys = ours.map((m) => m.signingKeyEntry);
    const sdkVerdict = (v: string) => {
      const r = reader.decryptEvents(
        envelopes(
          p.actionSignatures.map((a) => ({ ...a, signatureVersion: v })),
          '111',
          'g1',
          encodeMessageEvent,
        ),
        signingKeys,
      );
      return [0, 1].map((i) => !(String(i) in r.errors));
    };
    const ourVerdict = async (v: string) => {
      const body = createGroupRequest(p);
      for (const a of body.action_signatures) a.message_event_signature.signature_version = v;
      const r = await verifyCreateGroupRequest(body, {
        senderId: '111',
        signingKeys,
        recipient: { userId: '222', identityPrivateKey: ours[1]!.identity.identityPrivateKey },
      });
      return r.valid;
    };
    // v7 signatures; [key change, group create] accepted by the SDK per claimed version:
    expect(sdkVerdict('1')).toEqual([false, false]); // downgrade
    expect(sdkVerdict('3')).toEqual([false, false]); // older layouts
    expect(sdkVerdict('5')).toEqual([false, true]); // group-create layout unchanged since v4
    expect(sdkVerdict('6')).toEqual([true, true]);
    expect(sdkVerdict('7')).toEqual([true, true]);
    expect(sdkVerdict('8')).toEqual([true, true]);
    expect(sdkVerdict('99')).toEqual([true, true]);
    expect(sdkVerdict('abc')).toEqual([true, true]);
    for (const [v, ok] of [
      ['1', false],
      ['3', false],
      ['5', false],
      ['6', true],
      ['7', true],
      ['8', false],
      ['99', false],
      ['abc', false],
    ] as const) {
      expect(await ourVerdict(v)).toBe(ok);
    }
  });
});
