/**
 * The Sendbird key envelope (src/adapters/sendbird/channel-key.ts, envelope.ts): prepared for a
 * channel's members, opened by every member, refused when any byte of it changes, when it is moved
 * to another channel, replayed, or when the opener is not a member.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  createSendbirdGroupChannelRequest,
  decodeBase64,
  encodeBase64NoPad,
  openSendbirdChannelKey,
  planSendbirdSupergroup,
  prepareConversationKeyChange,
  prepareSendbirdChannelKey,
  SendbirdValidationError,
  updateSendbirdChannelKeyRequest,
  type PreparedSendbirdChannelKey,
  type SendbirdChannelResource,
  type SendbirdGroupChannelParams,
} from '../../helpers/kit.js';
import { flip } from '../../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

const TOKEN = 'secret-api-token-4f1c2d9e8b7a';
const options = { applicationId: 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB', apiToken: TOKEN };

describe('end-to-end encryption', () => {
  let m: Member[];
  let prepared: PreparedSendbirdChannelKey;
  const url = 'e2ee_team_room';
  const ids = ['111', '222', '333'];
  const channel = (data: string, members = ids): SendbirdChannelResource => ({
    channel_url: url,
    name: 'Team',
    data,
    member_count: members.length,
    members: members.map((user_id) => ({ user_id, nickname: '', role: '', state: '' })),
    is_super: false,
  });
  const prepare = (sender = 0, memberIds = ids, channelUrl = url) =>
    prepareSendbirdChannelKey({ channelUrl, publicKeys: m.map((x) => x.publicKeyInput), memberIds, sender: senderOf(m[sender]!) });
  beforeAll(async () => {
    m = await makeMembers(ids);
    prepared = await prepare();
  });
  const signingKeys = () => m.map((x) => x.signingKeyEntry);
  const open = (ch: SendbirdChannelResource, i: number) =>
    openSendbirdChannelKey(ch, { userId: ids[i]!, identityPrivateKey: m[i]!.identity.identityPrivateKey, signingKeys: signingKeys() });
  const created = (appData?: string, p = prepared) => {
    const r = createSendbirdGroupChannelRequest(
      { user_ids: ids, channel_url: url, name: 'Team', ...(appData === undefined ? {} : { data: appData }) },
      { ...options, e2ee: p },
    );
    return JSON.parse(r.body as string).data as string;
  };

  test('every member opens the key from the channel Sendbird returns; the app data survives', async () => {
    const data = created('{"theme":"dark"}');
    const doc = JSON.parse(data);
    expect(Object.keys(doc)).toEqual(['ckk', 'app']);
    expect(Object.keys(doc.ckk)).toEqual(['v', 'ckv', 'sender', 'skv', 'kc', 'keys', 'sig']);
    expect(doc.ckk).toMatchObject({ v: 2, ckv: prepared.conversationKeyVersion, sender: '111', skv: '1700000000000' });
    expect(doc.ckk.keys).toHaveLength(3);
    expect(data).not.toContain(Buffer.from(prepared.conversationKey).toString('base64').replace(/=+$/, ''));
    for (let i = 0; i < 3; i++) {
      const r = await open(channel(data), i);
      expect(Buffer.from(r.conversationKey).equals(Buffer.from(prepared.conversationKey))).toBe(true);
      expect(r).toMatchObject({
        conversationKeyVersion: prepared.conversationKeyVersion,
        senderId: '111',
        appData: '{"theme":"dark"}',
        recipientIds: ids,
      });
    }
    expect((await open(channel(created()), 1)).appData).toBeUndefined();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the envelope's fields, changed freely
  const tamper = (f: (e: Record<string, any>) => void) => {
    const doc = JSON.parse(created());
    f(doc.ckk);
    return JSON.stringify(doc);
  };
  test('failures name the envelope field the caller sent', async () => {
    const sig = tamper((e) => (e.sig = encodeBase64NoPad(flip(decodeBase64(e.sig), 9))));
    await expect(open(channel(sig), 1)).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'channel.data.ckk.sig',
      name: 'VerificationError',
    });
    const malformed = tamper((e) => (e.keys[1] = ['222']));
    await expect(open(channel(malformed), 1)).rejects.toMatchObject({ code: 'ERR_INVALID_ENVELOPE', field: 'channel.data.ckk.keys[1]' });
  });

  test('changing any byte of the envelope fails for every member', async () => {
    const data = created();
    const start = data.indexOf('{"v"');
    const end = data.lastIndexOf('}');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let tried = 0;
    // Every character position inside the envelope, changed to another character of its kind.
    for (let at = start; at < end; at += 7) {
      const c = data[at]!;
      const other = /[0-9]/.test(c)
        ? String((Number(c) + 1) % 10)
        : alphabet.includes(c)
          ? alphabet[(alphabet.indexOf(c) + 1) % 64]!
          : c === ','
            ? ';'
            : 'x';
      const bad = data.slice(0, at) + other + data.slice(at + 1);
      for (let i = 0; i < 3; i++) {
        const err = await open(channel(bad), i).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `byte ${at} (${c} → ${other}) opened for member ${ids[i]}`).toBeInstanceOf(Error);
        expect((err as { code?: string }).code).toMatch(/^ERR_/);
      }
      tried++;
    }
    expect(tried).toBeGreaterThan(100);
  });

  test.each([
    [
      'a flipped signature byte',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (e: Record<string, any>) => (e.sig = encodeBase64NoPad(flip(decodeBase64(e.sig), 9))),
      'ERR_SIGNATURE_INVALID',
    ],
    [
      'swapped wrapped keys',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (e: Record<string, any>) => ([e.keys[0][1], e.keys[1][1]] = [e.keys[1][1], e.keys[0][1]]),
      'ERR_SIGNATURE_INVALID',
    ],
    ["another member's wrapped key dropped", (e: Record<string, any>) => e.keys.splice(2, 1), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["another member's key version relabelled", (e: Record<string, any>) => (e.keys[2][2] = '1700000000001'), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['another key version', (e: Record<string, any>) => (e.ckv = '1'), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['another sender', (e: Record<string, any>) => (e.sender = '222'), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['another key commitment', (e: Record<string, any>) => (e.kc = encodeBase64NoPad(new Uint8Array(32))), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an unknown envelope version', (e: Record<string, any>) => (e.v = 1), 'ERR_UNSUPPORTED_ENVELOPE_VERSION'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a malformed key entry', (e: Record<string, any>) => (e.keys[1] = ['222']), 'ERR_INVALID_ENVELOPE'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a far-future key version', (e: Record<string, any>) => (e.ckv = '9007199254740991'), 'ERR_VERSION_IN_FUTURE'], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('refuses %s', async (_n, change, code) => {
    await expect(open(channel(tamper(change)), 1)).rejects.toMatchObject({ code });
  });

  test('an X Chat key change for a group id cannot pose as the envelope of a channel', async () => {
    // Same users, same signer: the X key-change signature over "ConversationKeyChangeEvent,…" is
    // not an envelope signature, whatever the fields say.
    const x = await prepareConversationKeyChange({
      publicKeys: m.map((k) => k.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: 'g123456',
      memberIds: ids,
    });
    const forged = tamper((e) => {
      e.ckv = x.conversationKeyVersion;
      e.keys = x.participantKeys.map((k) => [k.userId, k.encryptedKey, k.publicKeyVersion]);
      e.sig = x.actionSignatures[0]!.signature;
    });
    for (let i = 0; i < 3; i++)
      await expect(open({ ...channel(forged), channel_url: 'g123456' }, i)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  });

  test('refuses the envelope moved to another channel, a removed member, and channels without one', async () => {
    const data = created();
    await expect(open({ ...channel(data), channel_url: 'other_room' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    for (const url of ['room,x', 'abc', 7]) {
      await expect(open({ ...channel(data), channel_url: url as string }, 1)).rejects.toMatchObject({
        code: 'ERR_INVALID_CONVERSATION_ID',
        field: 'channel.channel_url',
      });
    }
    await expect(open(channel(data, ['111', '333']), 1)).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER', field: 'options.userId' });
    await expect(open(channel(data, ['222', '333']), 1)).rejects.toMatchObject({
      code: 'ERR_NOT_A_MEMBER',
      field: 'channel.data.ckk.sender',
    });
    for (const d of ['', 'plain text', '{"theme":"dark"}', '[]'])
      await expect(open(channel(d), 1)).rejects.toMatchObject({ code: 'ERR_INVALID_ENVELOPE' });
    const [outsider] = await makeMembers(['444']);
    await expect(
      openSendbirdChannelKey(channel(data, [...ids, '444']), {
        userId: '444',
        identityPrivateKey: outsider!.identity.identityPrivateKey,
        signingKeys: signingKeys(),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_NOT_A_MEMBER',
    });
    await expect(
      openSendbirdChannelKey(channel(data), {
        userId: '222',
        keyVersion: '5',
        identityPrivateKey: m[1]!.identity.identityPrivateKey,
        signingKeys: signingKeys(),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_RECIPIENT_KEY_MISMATCH',
    });
  });

  test('without a member list (Supergroups, show_member=false) the key still opens; the recipients are reported', async () => {
    const data = created();
    const { members: _omitted, ...bare } = channel(data);
    for (const ch of [bare as SendbirdChannelResource, { ...bare, members: [] }]) {
      const r = await open(ch, 2);
      expect(Buffer.from(r.conversationKey).equals(Buffer.from(prepared.conversationKey))).toBe(true);
      expect(r.recipientIds).toEqual(ids);
    }
  });

  test('minConversationKeyVersion refuses a replayed older envelope and accepts the same or a newer one', async () => {
    const data = created();
    const ckv = BigInt(prepared.conversationKeyVersion);
    const openMin = (min: bigint) =>
      openSendbirdChannelKey(channel(data), {
        userId: '222',
        identityPrivateKey: m[1]!.identity.identityPrivateKey,
        signingKeys: signingKeys(),
        minConversationKeyVersion: String(min),
      });
    await expect(openMin(ckv + 1n)).rejects.toMatchObject({ code: 'ERR_STALE_KEY_VERSION', field: 'channel.data.ckk.ckv' });
    await expect(openMin(ckv)).resolves.toMatchObject({ conversationKeyVersion: prepared.conversationKeyVersion });
    await expect(openMin(ckv - 1n)).resolves.toMatchObject({ senderId: '111' });
    await expect(
      openSendbirdChannelKey(channel(data), {
        userId: '222',
        identityPrivateKey: m[1]!.identity.identityPrivateKey,
        signingKeys: signingKeys(),
        minConversationKeyVersion: 'latest',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_VERSION',
      field: 'options.minConversationKeyVersion',
    });
  });

  test('an end-to-end encrypted channel cannot be distinct (Sendbird would return another channel and drop the envelope)', () => {
    let err: unknown;
    try {
      createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: url, is_distinct: true }, { ...options, e2ee: prepared });
    } catch (e) {
      err = e;
    }
    expect((err as SendbirdValidationError).problems).toEqual([expect.objectContaining({ path: 'is_distinct', sendbirdCode: null })]);
    expect(() => createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: url, is_distinct: true }, options)).not.toThrow();
  });

  test('a Supergroup plan with end-to-end encryption: the envelope covers every planned user', async () => {
    const more = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    const big = [...ids, ...more];
    const extra = await makeMembers(more);
    const all = [...m, ...extra];
    const p = await prepareSendbirdChannelKey({
      channelUrl: 'big_e2ee',
      publicKeys: all.map((x) => x.publicKeyInput),
      memberIds: big,
      sender: senderOf(m[0]!),
    });
    const plan = planSendbirdSupergroup({ user_ids: big, channel_url: 'big_e2ee' }, { ...options, e2ee: p });
    const data = JSON.parse(plan.create.body as string).data as string;
    expect(JSON.parse(data).ckk.keys).toHaveLength(123);
    const last = all[122]!;
    const r = await openSendbirdChannelKey(
      { channel_url: 'big_e2ee', data },
      { userId: last.id, identityPrivateKey: last.identity.identityPrivateKey, signingKeys: [m[0]!.signingKeyEntry] },
    );
    expect(Buffer.from(r.conversationKey).equals(Buffer.from(p.conversationKey))).toBe(true);
  });

  test('the prepared key must be for this channel URL and exactly its users', async () => {
    const wrongUrl = await prepare(0, ids, 'other_room');
    const expectE2ee = (params: SendbirdGroupChannelParams, p: PreparedSendbirdChannelKey, path: string) => {
      expect(() => createSendbirdGroupChannelRequest(params, { ...options, e2ee: p })).toThrow(SendbirdValidationError);
      try {
        createSendbirdGroupChannelRequest(params, { ...options, e2ee: p });
      } catch (e) {
        expect((e as SendbirdValidationError).problems).toContainEqual(expect.objectContaining({ path, sendbirdCode: null }));
      }
    };
    expectE2ee({ user_ids: ids, channel_url: url }, wrongUrl, 'options.e2ee.channelUrl');
    expectE2ee({ user_ids: ids }, prepared, 'options.e2ee');
    expectE2ee({ user_ids: [...ids, '444'], channel_url: url }, prepared, 'options.e2ee.participantKeys');
    expectE2ee({ user_ids: ['111', '222'], channel_url: url }, prepared, 'options.e2ee.participantKeys');
    // An X Chat key change is not a channel key.
    const x = await prepareConversationKeyChange({
      publicKeys: m.map((k) => k.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: 'g1',
      memberIds: ids,
    });
    expectE2ee({ user_ids: ids, channel_url: url }, x as never, 'options.e2ee');
  });

  test('preparing refuses what could not be signed or would leave members out', async () => {
    const base = { channelUrl: url, publicKeys: m.map((x) => x.publicKeyInput), memberIds: ids, sender: senderOf(m[0]!) };
    await expect(prepareSendbirdChannelKey({ ...base, channelUrl: 'a,b_room' })).rejects.toMatchObject({
      code: 'ERR_INVALID_CONVERSATION_ID',
      field: 'params.channelUrl',
    });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['222', '333'] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.memberIds',
    });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: [...ids, '444'] })).rejects.toMatchObject({
      code: 'ERR_MISSING_PUBLIC_KEY',
    });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['111', '1,2'] })).rejects.toMatchObject({ code: 'ERR_COMMA_IN_FIELD' });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['111', '111'] })).rejects.toMatchObject({ code: 'ERR_DUPLICATE_ID' });
  });

  test('key rotation: PUT /v3/group_channels/{channel_url} replaces the envelope and keeps the app data', async () => {
    const rotated = await prepare(1);
    const r = updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, appData: 'app' }, options);
    expect(r).toMatchObject({ method: 'PUT', path: `/v3/group_channels/${url}` });
    const body = JSON.parse(r.body as string);
    expect(Object.keys(body)).toEqual(['data']);
    const opened = await open(channel(body.data), 2);
    expect(Buffer.from(opened.conversationKey).equals(Buffer.from(rotated.conversationKey))).toBe(true);
    expect(opened).toMatchObject({ senderId: '222', appData: 'app' });
    expect(() => updateSendbirdChannelKeyRequest({ channel_url: 'x_room', prepared: rotated, user_ids: ids }, options)).toThrow(
      SendbirdValidationError,
    );
  });

  test('key rotation after a removal: the removed member cannot open the new key', async () => {
    const rotated = await prepare(0, ['111', '222']);
    const data = JSON.parse(
      updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ['111', '222'] }, options).body as string,
    ).data as string;
    expect((await open(channel(data, ['111', '222']), 1)).conversationKeyVersion).toBe(rotated.conversationKeyVersion);
    await expect(open(channel(data, ids), 2)).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER' });
  });

  test("key rotation given the channel's current data keeps its app data and replaces (not nests) the old envelope", async () => {
    const current = created('{"theme":"dark"}');
    const rotated = await prepare();
    const data = JSON.parse(
      updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, currentData: current }, options).body as string,
    ).data as string;
    expect(JSON.parse(data)).toEqual({
      ckk: expect.objectContaining({ ckv: rotated.conversationKeyVersion, kc: rotated.envelope.kc }),
      app: '{"theme":"dark"}',
    });
    expect((await open(channel(data), 0)).appData).toBe('{"theme":"dark"}');
    // The current data of a channel without app data: nothing is kept.
    const bare = JSON.parse(
      updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, currentData: created() }, options)
        .body as string,
    ).data as string;
    expect(Object.keys(JSON.parse(bare))).toEqual(['ckk']);
  });

  test('application data that looks like channel data is kept as it is, and current data must be channel data', async () => {
    const rotated = await prepare();
    const update = (u: Record<string, unknown>) =>
      updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, ...u }, options);
    // The application's own data may be any text, even a document with a "ckk" member: it is kept whole.
    const lookalike = '{"ckk":{"mine":true},"app":"x"}';
    const data = JSON.parse(update({ appData: lookalike }).body as string).data as string;
    expect((await open(channel(data), 1)).appData).toBe(lookalike);
    // Current data that is not chat-keykit's document, both kinds at once, and a non-string.
    for (const [u, path] of [
      [{ currentData: '{"theme":"dark"}' }, 'update.currentData'],
      [{ currentData: '{"ckk":{},"app":1}' }, 'update.currentData'],
      [{ currentData: '{"ckk":{},"ckk":{}}' }, 'update.currentData'],
      [{ currentData: '{"ckk":{},"other":""}' }, 'update.currentData'],
      [{ currentData: 'plain' }, 'update.currentData'],
      [{ currentData: 7 }, 'update.currentData'],
      [{ currentData: created(), appData: 'a' }, 'update.currentData'],
      [{ appData: 7 }, 'update.appData'],
    ] as const) {
      let err: unknown;
      try {
        update(u);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(u)).toBeInstanceOf(SendbirdValidationError);
      expect((err as SendbirdValidationError).problems.map((p) => p.path)).toContain(path);
    }
  });
});
