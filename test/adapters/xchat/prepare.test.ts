/**
 * prepareGroupCreate / prepareGroupMembersChange / prepareConversationKeyChange: shapes, key
 * selection, determinism, and the inputs we refuse (typed errors, before anything is signed).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decodeEventDetail,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  resolveBackend,
  unwrapConversationKey,
  type CryptoBackend,
  type GroupCreateParams,
  type KeyChangeDetail,
  type PrepareOptions,
  withTestingHooks,
} from '../../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

let m: Member[];
let base: GroupCreateParams;
beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  base = {
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g1234567890123456789',
    memberIds: ['111', '222', '333'],
  };
});

/** A backend that counts signatures and wraps, to prove refusals happen before any crypto. */
async function countingBackend(): Promise<{ backend: CryptoBackend; calls: { sign: number; ecdh: number } }> {
  const inner = await resolveBackend('noble');
  const calls = { sign: 0, ecdh: 0 };
  const backend: CryptoBackend = {
    ...inner,
    sign: async (k, msg) => (calls.sign++, inner.sign(k, msg)),
    ecdh: async (k, p) => (calls.ecdh++, inner.ecdh(k, p)),
  };
  return { backend, calls };
}

/** A copy of `a` with a hole at `at` (a sparse array). */
function sparse<T>(a: T[], at: number): T[] {
  const out = [...a];
  delete out[at];
  return out;
}

/** A 32-byte array whose buffer was transferred away. */
function detached(): Uint8Array {
  const b = new Uint8Array(32).fill(1);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

/** Deterministic randomness: a counter-based byte stream (testing only). */
function counterRandom(seed = 1): (n: number) => Uint8Array {
  let c = seed;
  return (n) => Uint8Array.from({ length: n }, () => (c = (c * 1103515245 + 12345) & 0x7fffffff) & 0xff);
}

describe('prepareGroupCreate', () => {
  test('result shape: SDK fields plus what the adapters need; key-change payload withheld', async () => {
    const p = await prepareGroupCreate({ ...base, title: 'Team', ttlMsec: 0 });
    expect(p.kind).toBe('groupCreate');
    expect(p.conversationKey).toHaveLength(32);
    expect(p.conversationKeyVersion).toMatch(/^[0-9]+$/);
    expect(p.participantKeys.map((k) => k.userId)).toEqual(['111', '222', '333']);
    expect(p.participantKeys.every((k) => k.encryptedKey.length === 152 && k.publicKeyVersion === '1700000000000')).toBe(true);
    expect(p.actionSignatures).toHaveLength(2);
    const [kc, gc] = p.actionSignatures;
    expect(kc).not.toHaveProperty('signaturePayload');
    expect(gc!.signaturePayload).toBe(
      `GroupChangeEvent.GroupCreate,${gc!.messageId},111,${p.conversationKeyVersion},111,222,333,null,Team,null`,
    );
    expect(kc!.messageId).not.toBe(gc!.messageId);
    for (const a of p.actionSignatures) {
      expect(a.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(a.signature).toMatch(/^[A-Za-z0-9+/]{86}$/);
      expect(a.signatureVersion).toBe('7');
      expect(a.publicKeyVersion).toBe('1700000000000');
    }
    expect(p).toMatchObject({
      memberIds: ['111', '222', '333'],
      adminIds: ['111'],
      title: 'Team',
      ttlMsec: 0,
      sender: { userId: '111', signingKeyVersion: '1700000000000' },
    });
    for (const x of m) {
      const k = p.participantKeys.find((e) => e.userId === x.id)!;
      expect(
        Buffer.from(await unwrapConversationKey(k.encryptedKey, x.identity.identityPrivateKey)).equals(Buffer.from(p.conversationKey)),
      ).toBe(true);
    }
  });

  test('never prints the conversation key', async () => {
    const p = await prepareGroupCreate(base);
    const hex = Buffer.from(p.conversationKey).toString('hex');
    const b64 = Buffer.from(p.conversationKey).toString('base64').replace(/=+$/, '');
    const { inspect } = await import('node:util');
    for (const text of [JSON.stringify(p), inspect(p, { depth: 10 }), String(p.conversationKey)]) {
      expect(text).not.toContain(hex);
      expect(text).not.toContain(b64);
      expect(text).not.toMatch(/"conversationKey":\{"0"/);
    }
  });

  test('deterministic with injected randomness, clock and message ids', async () => {
    const opts = (): PrepareOptions =>
      withTestingHooks(
        {},
        {
          now: () => 1795357034165,
          random: counterRandom(7),
          messageId: (() => {
            let i = 0;
            return () => `msg-${++i}`;
          })(),
        },
      );
    const a = await prepareGroupCreate({ ...base, title: 'T' }, opts());
    const b = await prepareGroupCreate({ ...base, title: 'T' }, opts());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Buffer.from(a.conversationKey).equals(Buffer.from(b.conversationKey))).toBe(true);
    expect(a.conversationKeyVersion).toBe('1795357034165');
    expect(a.actionSignatures.map((x) => x.messageId)).toEqual(['msg-1', 'msg-2']);
    // Without an injected message id, ids come from the random stream too.
    const c = await prepareGroupCreate(base, withTestingHooks({}, { now: () => 1, random: counterRandom(3) }));
    const d = await prepareGroupCreate(base, withTestingHooks({}, { now: () => 1, random: counterRandom(3) }));
    expect(c.actionSignatures.map((x) => x.messageId)).toEqual(d.actionSignatures.map((x) => x.messageId));
    const e = await prepareGroupCreate(base, withTestingHooks({}, { now: () => 1, random: counterRandom(4) }));
    expect(e.participantKeys[0]!.encryptedKey).not.toBe(c.participantKeys[0]!.encryptedKey);
  });

  test('the highest key version per user wins, compared as numbers', async () => {
    const [newer] = await makeMembers(['222'], '1000');
    const publicKeys = [
      ...base.publicKeys,
      { ...newer!.publicKeyInput, keyVersion: '999' },
      newer!.publicKeyInput,
      { ...m[1]!.publicKeyInput, keyVersion: '20' },
    ];
    // user 222: versions 1700000000000 (m[1]), 999, 1000, 20 → 1700000000000 is highest numerically.
    const p = await prepareGroupCreate({ ...base, publicKeys });
    expect(p.participantKeys.find((k) => k.userId === '222')!.publicKeyVersion).toBe('1700000000000');
    const q = await prepareGroupCreate({
      ...base,
      publicKeys: [base.publicKeys[0]!, base.publicKeys[2]!, { ...newer!.publicKeyInput, keyVersion: '999' }, newer!.publicKeyInput],
    });
    const k = q.participantKeys.find((e) => e.userId === '222')!;
    expect(k.publicKeyVersion).toBe('1000');
    await expect(unwrapConversationKey(k.encryptedKey, newer!.identity.identityPrivateKey)).resolves.toHaveLength(32);
  });

  test('records of users outside the group are not wrapped for', async () => {
    const [x] = await makeMembers(['999']);
    const p = await prepareGroupCreate({ ...base, publicKeys: [...base.publicKeys, x!.publicKeyInput] });
    expect(p.participantKeys.map((k) => k.userId)).toEqual(['111', '222', '333']);
    const d = decodeEventDetail(decodeBase64(p.actionSignatures[0]!.encodedMessageEventDetail)) as KeyChangeDetail;
    expect(d.participantKeys!.map((k) => k.userId)).toEqual(['111', '222', '333']);
  });

  test('progress is reported up to the total', async () => {
    const seen: [number, number][] = [];
    await prepareGroupCreate(base, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([3, 3]);
    expect(seen.every(([d, t]) => d <= t && t === 3)).toBe(true);
  });

  // Each of these is accepted (or silently mangled) by the official SDK; we refuse it, typed, before signing.
  const refusals: [string, (p: GroupCreateParams) => unknown, string, string][] = [
    [
      'member without a public key',
      (p) => ({ ...p, memberIds: ['111', '222', '333', '444'] }),
      'ERR_MISSING_PUBLIC_KEY',
      'params.memberIds[3]',
    ],
    ['duplicate member id', (p) => ({ ...p, memberIds: ['111', '222', '222'] }), 'ERR_DUPLICATE_ID', 'params.memberIds[2]'],
    ['duplicate admin id', (p) => ({ ...p, adminIds: ['111', '111'] }), 'ERR_DUPLICATE_ID', 'params.adminIds[1]'],
    [
      'empty key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 1 ? { ...k, keyVersion: '' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[1].keyVersion',
    ],
    [
      'non-decimal key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 2 ? { ...k, keyVersion: 'v1' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[2].keyVersion',
    ],
    [
      'fractional key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, keyVersion: '1.5' } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[0].keyVersion',
    ],
    [
      'numeric key version',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 0 ? { ...k, keyVersion: 17 } : k)) }),
      'ERR_INVALID_VERSION',
      'params.publicKeys[0].keyVersion',
    ],
    [
      'non-decimal signing-key version',
      (p) => ({ ...p, sender: { ...p.sender, signingKeyVersion: '-1' } }),
      'ERR_INVALID_VERSION',
      'params.sender.signingKeyVersion',
    ],
    ['NaN TTL', (p) => ({ ...p, ttlMsec: Number.NaN }), 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['negative TTL', (p) => ({ ...p, ttlMsec: -5 }), 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['fractional TTL', (p) => ({ ...p, ttlMsec: 1.5 }), 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['infinite TTL', (p) => ({ ...p, ttlMsec: Infinity }), 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['TTL as a string', (p) => ({ ...p, ttlMsec: '100' }), 'ERR_INVALID_TTL', 'params.ttlMsec'],
    ['comma in the title', (p) => ({ ...p, title: 'Team, the' }), 'ERR_COMMA_IN_FIELD', 'params.title'],
    ['comma in the avatar URL', (p) => ({ ...p, avatarUrl: 'https://x/a,b.png' }), 'ERR_COMMA_IN_FIELD', 'params.avatarUrl'],
    ['the title "null" (signs like no title)', (p) => ({ ...p, title: 'null' }), 'ERR_NULL_SENTINEL', 'params.title'],
    ['the avatar URL "null"', (p) => ({ ...p, avatarUrl: 'null' }), 'ERR_NULL_SENTINEL', 'params.avatarUrl'],
    [
      'a hole in the member list',
      (p) => ({ ...p, memberIds: sparse(['111', '222', '333'], 1) }),
      'ERR_INVALID_ARGUMENT',
      'params.memberIds[1]',
    ],
    [
      'a detached signing key',
      (p) => ({ ...p, sender: { ...p.sender, signingPrivateKey: detached() } }),
      'ERR_INVALID_KEY',
      'params.sender.signingPrivateKey',
    ],
    ['comma in a member id', (p) => ({ ...p, memberIds: ['111', '2,22'] }), 'ERR_INVALID_USER_ID', 'params.memberIds[1]'],
    ['conversation id without g', (p) => ({ ...p, conversationId: '1234' }), 'ERR_INVALID_CONVERSATION_ID', 'params.conversationId'],
    ['conversation id g alone', (p) => ({ ...p, conversationId: 'g' }), 'ERR_INVALID_CONVERSATION_ID', 'params.conversationId'],
    [
      'conversation id with 20 digits',
      (p) => ({ ...p, conversationId: 'g12345678901234567890' }),
      'ERR_INVALID_CONVERSATION_ID',
      'params.conversationId',
    ],
    ['conversation id with letters', (p) => ({ ...p, conversationId: 'gabc' }), 'ERR_INVALID_CONVERSATION_ID', 'params.conversationId'],
    ['one-to-one id for a group', (p) => ({ ...p, conversationId: '111-222' }), 'ERR_INVALID_CONVERSATION_ID', 'params.conversationId'],
    ['no sender', ({ sender: _s, ...p }) => p, 'ERR_INVALID_ARGUMENT', 'params.sender'],
    ['sender not a member', (p) => ({ ...p, memberIds: ['222', '333'] }), 'ERR_INVALID_ARGUMENT', 'params.memberIds'],
    ['admin not a member', (p) => ({ ...p, adminIds: ['111', '999'] }), 'ERR_INVALID_ARGUMENT', 'params.adminIds[1]'],
    ['non-numeric member id', (p) => ({ ...p, memberIds: ['111', 'bob'] }), 'ERR_INVALID_USER_ID', 'params.memberIds[1]'],
    [
      'zero signing key',
      (p) => ({ ...p, sender: { ...p.sender, signingPrivateKey: new Uint8Array(32) } }),
      'ERR_INVALID_KEY',
      'params.sender.signingPrivateKey',
    ],
    [
      'short signing key',
      (p) => ({ ...p, sender: { ...p.sender, signingPrivateKey: new Uint8Array(31).fill(1) } }),
      'ERR_INVALID_KEY',
      'params.sender.signingPrivateKey',
    ],
    [
      'public key off the curve',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 1 ? { ...k, publicKey: `B${'A'.repeat(86)}=` } : k)) }),
      'ERR_INVALID_KEY',
      'params.publicKeys[1].publicKey',
    ],
    [
      'public key not base64',
      (p) => ({ ...p, publicKeys: p.publicKeys.map((k, i) => (i === 1 ? { ...k, publicKey: 'not base64!' } : k)) }),
      'ERR_INVALID_BASE64',
      'params.publicKeys[1].publicKey',
    ],
    ['publicKeys not an array', (p) => ({ ...p, publicKeys: {} }), 'ERR_INVALID_ARGUMENT', 'params.publicKeys'],
    ['empty member list', (p) => ({ ...p, memberIds: [] }), 'ERR_INVALID_ARGUMENT', 'params.memberIds'],
  ];

  test.each(refusals)('refuses %s with %s before anything is signed', async (_name, change, code, field) => {
    const { backend, calls } = await countingBackend();
    const err = await prepareGroupCreate(change(base) as GroupCreateParams, { backend }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code, field });
    expect((err as Error).message).toContain(field);
    expect(calls).toEqual({ sign: 0, ecdh: 0 });
  });

  test('an empty title or avatar is absent (signed as null, as in the SDK)', async () => {
    const p = await prepareGroupCreate({ ...base, title: '', avatarUrl: '' });
    expect(p.actionSignatures[1]!.signaturePayload!.endsWith(',null,null,null')).toBe(true);
    expect(p).not.toHaveProperty('title');
  });

  test('a throwing or wrong-sized injected random source is reported, not propagated as a TypeError', async () => {
    await expect(prepareGroupCreate(base, withTestingHooks({}, { random: () => new Uint8Array(3) }))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'testing hooks: random',
    });
    await expect(prepareGroupCreate(base, withTestingHooks({}, { now: () => Number.NaN }))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'testing hooks: now',
    });
    await expect(prepareGroupCreate(base, withTestingHooks({}, { messageId: () => 'a,b' }))).rejects.toMatchObject({
      code: 'ERR_COMMA_IN_FIELD',
    });
    // The hooks travel under a symbol only chat-keykit/testing hands out: plain options cannot set them.
    const plain = await prepareGroupCreate(base, { random: () => new Uint8Array(3), messageId: () => 'x' } as PrepareOptions);
    expect(plain.actionSignatures[0]!.messageId).not.toBe('x');
    await expect(prepareGroupCreate(base, { backend: 'quantum' as never })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_BACKEND',
      field: 'backend',
    });
  });
});

describe('prepareGroupMembersChange', () => {
  test('wraps for current and new members in that order and signs the member add', async () => {
    const [newbie] = await makeMembers(['444']);
    const p = await prepareGroupMembersChange({
      publicKeys: [...base.publicKeys, newbie!.publicKeyInput],
      sender: senderOf(m[0]!),
      conversationId: 'g1',
      newMemberIds: ['444'],
      currentMemberIds: ['111', '222', '333'],
      currentAdminIds: ['111'],
      currentTitle: 'Team',
      currentTtlMsec: 86_400_000,
    });
    expect(p.kind).toBe('groupMembersAdd');
    expect(p.participantKeys.map((k) => k.userId)).toEqual(['111', '222', '333', '444']);
    expect(p.actionSignatures[1]!.signaturePayload).toBe(
      `GroupChangeEvent.GroupMemberAddChange,${p.actionSignatures[1]!.messageId},111,g1,444,111,222,333,111,Team,null,86400000,${p.conversationKeyVersion},null`,
    );
  });

  test('refuses nonsense: new member already present, sender not a member, no new members, missing key', async () => {
    const params = {
      publicKeys: base.publicKeys,
      sender: senderOf(m[0]!),
      conversationId: 'g1',
      newMemberIds: ['333'],
      currentMemberIds: ['111', '222'],
      currentAdminIds: ['111'],
    };
    await expect(prepareGroupMembersChange({ ...params, newMemberIds: ['222'] })).rejects.toMatchObject({
      code: 'ERR_DUPLICATE_ID',
      field: 'params.newMemberIds[0]',
    });
    await expect(prepareGroupMembersChange({ ...params, currentMemberIds: ['222'], currentAdminIds: [] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.currentMemberIds',
    });
    await expect(prepareGroupMembersChange({ ...params, newMemberIds: [] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.newMemberIds',
    });
    await expect(prepareGroupMembersChange({ ...params, newMemberIds: ['555'] })).rejects.toMatchObject({ code: 'ERR_MISSING_PUBLIC_KEY' });
    await expect(prepareGroupMembersChange({ ...params, currentTitle: 'a,b' })).rejects.toMatchObject({
      code: 'ERR_COMMA_IN_FIELD',
      field: 'params.currentTitle',
    });
    await expect(prepareGroupMembersChange({ ...params, currentTitle: 'null' })).rejects.toMatchObject({
      code: 'ERR_NULL_SENTINEL',
      field: 'params.currentTitle',
    });
    await expect(prepareGroupMembersChange({ ...params, currentAvatarUrl: 'null' })).rejects.toMatchObject({
      code: 'ERR_NULL_SENTINEL',
      field: 'params.currentAvatarUrl',
    });
    await expect(prepareGroupMembersChange({ ...params, currentAdminIds: ['333'] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.currentAdminIds[0]',
    });
    await expect(prepareGroupMembersChange({ ...params, currentTtlMsec: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_TTL' });
    await expect(prepareGroupMembersChange({ ...params, currentScreenCaptureBlockingEnabled: 'yes' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('prepareConversationKeyChange', () => {
  test('a one-to-one id is derived as min:max (numeric order), given forms are canonicalised like the SDK', async () => {
    const [a, b] = await makeMembers(['1000', '999']);
    const keys = [a!.publicKeyInput, b!.publicKeyInput];
    expect((await prepareConversationKeyChange({ publicKeys: keys, sender: senderOf(a!) })).conversationId).toBe('999:1000');
    expect(
      (await prepareConversationKeyChange({ publicKeys: keys, sender: senderOf(a!), conversationId: '1000-999' })).conversationId,
    ).toBe('999:1000');
    expect((await prepareConversationKeyChange({ publicKeys: keys, sender: senderOf(a!), conversationId: '999' })).conversationId).toBe(
      '999:1000',
    );
  });

  test('a group rotation wraps for memberIds only (after a removal, the removed member gets nothing)', async () => {
    const p = await prepareConversationKeyChange({
      publicKeys: base.publicKeys,
      sender: senderOf(m[0]!),
      conversationId: 'g1',
      memberIds: ['111', '333'],
    });
    expect(p.conversationId).toBe('g1');
    expect(p.actionSignatures).toHaveLength(1);
    expect(p.participantKeys.map((k) => k.userId)).toEqual(['111', '333']);
    const d = decodeEventDetail(decodeBase64(p.actionSignatures[0]!.encodedMessageEventDetail)) as KeyChangeDetail;
    expect(d.participantKeys!.map((k) => k.userId)).toEqual(['111', '333']);
    // Without the member list a group rotation is refused: the listing holds everyone who ever had a key.
    await expect(
      prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId: 'g1' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'params.memberIds' });
    await expect(
      prepareConversationKeyChange({
        publicKeys: base.publicKeys,
        sender: senderOf(m[0]!),
        conversationId: 'g1',
        memberIds: ['222', '333'],
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'params.memberIds' });
    await expect(
      prepareConversationKeyChange({
        publicKeys: base.publicKeys.slice(1),
        sender: senderOf(m[0]!),
        conversationId: 'g1',
        memberIds: ['111', '222'],
      }),
    ).rejects.toMatchObject({
      code: 'ERR_MISSING_PUBLIC_KEY',
    });
  });

  test('a one-to-one key goes to its two users only, whatever else the listing holds', async () => {
    const p = await prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId: '111:222' });
    expect(p.participantKeys.map((k) => k.userId).sort()).toEqual(['111', '222']);
    const q = await prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId: '333' });
    expect(q.conversationId).toBe('111:333');
    expect(q.participantKeys.map((k) => k.userId).sort()).toEqual(['111', '333']);
    await expect(
      prepareConversationKeyChange({
        publicKeys: base.publicKeys,
        sender: senderOf(m[0]!),
        conversationId: '111:222',
        memberIds: ['111', '222', '333'],
      }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.memberIds',
    });
    await expect(
      prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId: '222:333' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'params.conversationId' });
  });

  test('only X conversation ids: a group id or a one-to-one form', async () => {
    for (const [conversationId, code] of [
      ['sendbird_group_channel_1234', 'ERR_INVALID_CONVERSATION_ID'],
      ['a,b', 'ERR_COMMA_IN_FIELD'],
      ['', 'ERR_INVALID_ARGUMENT'],
    ] as const) {
      await expect(
        prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId, memberIds: ['111', '222'] }),
      ).rejects.toMatchObject({ code });
    }
    await expect(prepareConversationKeyChange({ publicKeys: base.publicKeys, sender: senderOf(m[0]!) })).rejects.toMatchObject({
      code: 'ERR_INVALID_CONVERSATION_ID',
    });
  });

  test('conversation-key versions strictly increase per clock, and never run past the allowed skew', async () => {
    const params = { publicKeys: base.publicKeys, sender: senderOf(m[0]!), conversationId: 'g1', memberIds: ['111', '222'] };
    // The default clock: two prepares in the same millisecond still get different versions.
    const [a, b] = await Promise.all([prepareConversationKeyChange(params), prepareConversationKeyChange(params)]);
    expect(BigInt(b.conversationKeyVersion)).not.toBe(BigInt(a.conversationKeyVersion));
    const clock = () => 1000;
    const versions = [];
    for (let i = 0; i < 3; i++)
      versions.push((await prepareConversationKeyChange(params, withTestingHooks({}, { now: clock }))).conversationKeyVersion);
    expect(versions).toEqual(['1000', '1001', '1002']);
    const tight = () => 5000;
    const tightly = withTestingHooks({ maxFutureSkewMs: 1 }, { now: tight });
    await prepareConversationKeyChange(params, tightly);
    await prepareConversationKeyChange(params, tightly);
    await expect(prepareConversationKeyChange(params, tightly)).rejects.toMatchObject({
      code: 'ERR_VERSION_IN_FUTURE',
      field: 'testing hooks: now',
    });
    // A fresh arrow around the real clock is still the real clock: versions keep increasing.
    const fresh = await Promise.all([0, 1, 2].map(() => prepareConversationKeyChange(params, { maxFutureSkewMs: 86_400_000 })));
    expect(new Set(fresh.map((f) => f.conversationKeyVersion)).size).toBe(3);
  });

  test('two different keys with the same version for one user are refused', async () => {
    const [x] = await makeMembers(['222']);
    await expect(
      prepareConversationKeyChange({
        publicKeys: [...base.publicKeys, x!.publicKeyInput],
        sender: senderOf(m[0]!),
        conversationId: 'g1',
        memberIds: ['111'],
      }),
    ).rejects.toMatchObject({
      code: 'ERR_DUPLICATE_ID',
    });
  });
});
