/**
 * The Sendbird adapter: every rule of docs/sendbird.md §"Group channels" with a valid and an
 * invalid case, requests for the documented uses, the multipart body parsed back, Supergroup plans,
 * and the end-to-end encryption envelope opened by every member and refused when tampered with.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  createSendbirdGroupChannelRequest,
  decodeBase64,
  inviteSendbirdUsersRequest,
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
  type SendbirdProblem,
} from '../helpers/kit.js';
import { flip } from '../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';

const TOKEN = 'secret-api-token-4f1c2d9e8b7a';
const options = { applicationId: 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB', apiToken: TOKEN };

function problems(params: unknown, opts: object = options): SendbirdProblem[] {
  try {
    createSendbirdGroupChannelRequest(params as SendbirdGroupChannelParams, opts as typeof options);
  } catch (e) {
    expect(e).toBeInstanceOf(SendbirdValidationError);
    expect(JSON.stringify(e) + String(e) + (e as Error).message).not.toContain(TOKEN);
    expect((e as SendbirdValidationError).code).toBe('ERR_SENDBIRD_REQUEST_INVALID');
    return [...(e as SendbirdValidationError).problems];
  }
  return [];
}

const ok = (params: SendbirdGroupChannelParams) => expect(problems(params)).toEqual([]);
const refused = (params: unknown, path: string, code: number | null) => expect(problems(params)).toContainEqual(expect.objectContaining({ path, sendbirdCode: code }));
const users = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('create: every rule, valid and invalid', () => {
  const base = { user_ids: ['alice', 'bob'] };
  test.each([
    ['no users', {}, 'user_ids', 400105],
    ['an empty user list', { user_ids: [] }, 'user_ids', 400105],
    ['user_ids and users together', { user_ids: ['a'], users: [{ user_id: 'a' }] }, 'users', 400920],
    ['user_ids not a list', { user_ids: 'alice' }, 'user_ids', 400102],
    ['a user id that is not a string', { user_ids: ['alice', 7] }, 'user_ids[1]', 400100],
    ['an empty user id', { user_ids: ['alice', ''] }, 'user_ids[1]', 400111],
    ['a duplicate user id', { user_ids: ['alice', 'bob', 'alice'] }, 'user_ids[2]', 400111],
    ['users without user_id', { users: [{ user_id: 'a' }, { id: 'b' }] }, 'users[1].user_id', 400100],
    ['more than 100 users in one request', { user_ids: users(101), is_super: true }, 'user_ids', 400203],
    ['more than 100 members without is_super', { user_ids: users(101) }, 'user_ids', 400203],
    ['a name of 192 characters', { ...base, name: 'n'.repeat(192) }, 'name', 400110],
    ['a name that is not a string', { ...base, name: 5 }, 'name', 400100],
    ['a channel_url of 3 characters', { ...base, channel_url: 'abc' }, 'channel_url', 400111],
    ['a channel_url of 101 characters', { ...base, channel_url: 'c'.repeat(101) }, 'channel_url', 400110],
    ['a channel_url with a hyphen', { ...base, channel_url: 'team-room' }, 'channel_url', 400151],
    ['a channel_url with a slash', { ...base, channel_url: 'team/room' }, 'channel_url', 400151],
    ['a channel_url of 60 emoji (60 code points, not allowed characters)', { ...base, channel_url: '😀'.repeat(60) }, 'channel_url', 400151],
    ['a cover_url of 2,049 characters', { ...base, cover_url: `https://x/${'c'.repeat(2039)}` }, 'cover_url', 400110],
    ['a custom_type of 129 characters', { ...base, custom_type: 't'.repeat(129) }, 'custom_type', 400110],
    ['data that is not a string', { ...base, data: { a: 1 } }, 'data', 400100],
    ['is_distinct not a boolean', { ...base, is_distinct: 'yes' }, 'is_distinct', 400104],
    ['is_public not a boolean', { ...base, is_public: 1 }, 'is_public', 400104],
    ['is_super not a boolean', { ...base, is_super: 'true' }, 'is_super', 400104],
    ['is_ephemeral not a boolean', { ...base, is_ephemeral: null }, 'is_ephemeral', 400104],
    ['strict not a boolean', { ...base, strict: 0 }, 'strict', 400104],
    ['block_sdk_user_channel_join not a boolean', { ...base, block_sdk_user_channel_join: 'no' }, 'block_sdk_user_channel_join', 400104],
    ['is_super with is_distinct', { ...base, is_super: true, is_distinct: true }, 'is_distinct', 400111],
    ['is_public with is_distinct', { ...base, is_public: true, is_distinct: true }, 'is_distinct', 400920],
    ['access_code without is_public', { ...base, access_code: '1234' }, 'access_code', 400920],
    ['operator_ids not among the users', { ...base, operator_ids: ['alice', 'carol'] }, 'operator_ids[1]', 400111],
    ['operator_ids not a list', { ...base, operator_ids: 'alice' }, 'operator_ids', 400102],
    ['more than 100 operators', { user_ids: users(100), operator_ids: users(101), is_super: true }, 'operator_ids', 400203],
    ['inviter_id not among the users', { ...base, inviter_id: 'carol' }, 'inviter_id', 400111],
    ['invitation_status for a non-user', { ...base, invitation_status: { carol: 'joined' } }, 'invitation_status.carol', 400111],
    ['invitation_status with an unknown state', { ...base, invitation_status: { bob: 'pending' } }, 'invitation_status.bob', 400111],
    ['invitation_status not an object', { ...base, invitation_status: ['bob'] }, 'invitation_status', 400103],
    ['hidden_status with an unknown state', { ...base, hidden_status: { bob: 'hidden' } }, 'hidden_status.bob', 400111],
    ['hidden_status for a non-user', { ...base, hidden_status: { carol: 'unhidden' } }, 'hidden_status.carol', 400111],
    ['hidden_status not an object', { ...base, hidden_status: 'bob' }, 'hidden_status', 400103],
    ['an operator listed twice', { ...base, operator_ids: ['alice', 'alice'] }, 'operator_ids[1]', 400111],
    ['cover_url with cover_file', { ...base, cover_url: 'https://x/c.png', cover_file: { data: new Uint8Array(3), filename: 'c.png' } }, 'cover_file', 400920],
    ['a cover_file that is not a file', { ...base, cover_file: 'c.png' }, 'cover_file', 400111],
    ['an unknown property (typo)', { ...base, is_publc: true }, 'is_publc', null],
  ])('refuses %s', (_n, params, path, code) => refused(params, path, code));

  test.each([
    ['user_ids', { user_ids: ['alice'] }],
    ['users as objects', { users: [{ user_id: 'alice' }, { user_id: 'bob' }] }],
    ['users as plain ids (older docs)', { users: ['alice', 'bob'] }],
    ['100 users without is_super', { user_ids: users(100) }],
    ['100 operators', { user_ids: users(100), operator_ids: users(100) }],
    ['a name of 191 characters (code points)', { ...base, name: '名'.repeat(191) }],
    ['channel_url of 4 and 100 characters', { ...base, channel_url: 'abcd' }],
    ['channel_url of 100 characters', { ...base, channel_url: 'A_1'.repeat(33) + 'x' }],
    ['cover_url of 2,048 characters', { ...base, cover_url: `https://x/${'c'.repeat(2038)}` }],
    ['custom_type of 128 characters', { ...base, custom_type: 't'.repeat(128) }],
    ['a public channel with an access code', { ...base, is_public: true, access_code: '1234' }],
    ['a distinct private channel', { ...base, is_distinct: true, custom_type: 'dm' }],
    ['a Supergroup', { ...base, is_super: true, is_ephemeral: true, strict: true, block_sdk_user_channel_join: true }],
    ['operators, inviter and statuses among the users', { ...base, operator_ids: ['alice'], inviter_id: 'alice', invitation_status: { bob: 'invited_by_friend' }, hidden_status: { alice: 'hidden_allow_auto_unhide' } }],
  ] as [string, SendbirdGroupChannelParams][])('accepts %s', (_n, params) => ok(params));

  test('users as plain ids or as objects go into the body as given', () => {
    for (const list of [['alice', 'bob'], [{ user_id: 'alice' }, { user_id: 'bob' }]]) {
      expect(JSON.parse(createSendbirdGroupChannelRequest({ users: list } as SendbirdGroupChannelParams, options).body as string)).toEqual({ users: list });
    }
  });

  test('every problem is reported at once, in one error', () => {
    const ps = problems({ user_ids: ['a', 'a'], name: 'n'.repeat(200), channel_url: 'x-', is_super: true, is_distinct: true, colour: 'red' });
    expect(ps.map((p) => [p.path, p.sendbirdCode])).toEqual([
      ['colour', null],
      ['user_ids[1]', 400111],
      ['name', 400110],
      ['channel_url', 400111],
      ['is_distinct', 400111],
    ]);
  });

  test('bad options are typed errors that never echo the token', () => {
    for (const [opts, field] of [
      [{ ...options, applicationId: 'evil.example.com/x' }, 'options.applicationId'],
      [{ ...options, apiToken: '' }, 'options.apiToken'],
      [{ ...options, apiToken: `${TOKEN}\r\nX-Evil: 1` }, 'options.apiToken'],
      [{ applicationId: options.applicationId }, 'options.apiToken'],
    ] as const) {
      let err: unknown;
      try {
        createSendbirdGroupChannelRequest({ user_ids: ['a'] }, opts as typeof options);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field });
      expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain(TOKEN);
    }
  });
});

describe('requests for the uses docs/sendbird.md documents', () => {
  test('a group channel: JSON body, Api-Token header, the application host', () => {
    const r = createSendbirdGroupChannelRequest({ user_ids: ['alice', 'bob'], name: 'Team', custom_type: 'team', data: 'hello', operator_ids: ['alice'] }, options);
    expect(r).toMatchObject({ method: 'POST', url: 'https://api-A1B2C3D4-E5F6-4789-ABCD-0123456789AB.sendbird.com/v3/group_channels', path: '/v3/group_channels' });
    expect(r.headers).toEqual({ 'Api-Token': TOKEN, 'Content-Type': 'application/json; charset=utf8' });
    expect(JSON.parse(r.body as string)).toEqual({ user_ids: ['alice', 'bob'], name: 'Team', custom_type: 'team', data: 'hello', operator_ids: ['alice'] });
  });

  test.each([
    ['distinct 1:1', { user_ids: ['alice', 'bob'], is_distinct: true }],
    ['public with access code', { users: [{ user_id: 'alice' }], is_public: true, access_code: '8080' }],
    ['Supergroup', { user_ids: ['alice', 'bob'], is_super: true, channel_url: 'launch_room' }],
    ['strict, ephemeral, hidden', { user_ids: ['alice', 'bob'], strict: true, is_ephemeral: true, hidden_status: { bob: 'hidden_prevent_auto_unhide' } }],
    ['invited members', { user_ids: ['alice', 'bob'], inviter_id: 'alice', invitation_status: { bob: 'invited_by_non_friend' }, block_sdk_user_channel_join: true }],
  ] as [string, SendbirdGroupChannelParams][])('%s: the body is exactly the properties', (_n, params) => {
    expect(JSON.parse(createSendbirdGroupChannelRequest(params, options).body as string)).toEqual(params);
  });

  test('a cover file makes a multipart body; parsed back, every field is there', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const r = createSendbirdGroupChannelRequest({ user_ids: ['alice', 'bob'], name: 'Team', is_public: true, invitation_status: { bob: 'joined' }, cover_file: { data: png, filename: 'cover.png', type: 'image/png' } }, options);
    expect(r.headers).toEqual({ 'Api-Token': TOKEN });
    expect(r.body).toBeInstanceOf(FormData);
    const form = await new Response(r.body as FormData).formData();
    expect(form.get('name')).toBe('Team');
    expect(form.get('is_public')).toBe('true');
    expect(JSON.parse(form.get('user_ids') as string)).toEqual(['alice', 'bob']);
    expect(JSON.parse(form.get('invitation_status') as string)).toEqual({ bob: 'joined' });
    const file = form.get('cover_file') as File;
    expect(file.name).toBe('cover.png');
    expect(file.type).toBe('image/png');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    const text = await new Response(r.body as FormData).text();
    expect(text).toMatch(/Content-Disposition: form-data; name="cover_file"; filename="cover.png"/);
    // A platform Blob works too.
    const withBlob = createSendbirdGroupChannelRequest({ user_ids: ['a'], cover_file: new Blob([png], { type: 'image/png' }) }, options);
    expect(((await new Response(withBlob.body as FormData).formData()).get('cover_file') as File).size).toBe(png.length);
  });
});

describe('Supergroups larger than 100', () => {
  test('250 users: a create with 100, invites of 100 and 50, in order; operators go first', () => {
    const ids = users(250);
    const plan = planSendbirdSupergroup({ user_ids: ids, operator_ids: ['u200', 'u5'], name: 'Big', is_super: true }, { ...options, generateChannelUrl: () => 'big_room' });
    expect(plan.channelUrl).toBe('big_room');
    const created = JSON.parse(plan.create.body as string);
    expect(created.user_ids).toHaveLength(100);
    expect(created.user_ids.slice(0, 2)).toEqual(['u5', 'u200']);
    expect(created).toMatchObject({ is_super: true, channel_url: 'big_room', operator_ids: ['u200', 'u5'] });
    expect(plan.invites.map((r) => [r.method, r.path, JSON.parse(r.body as string).user_ids.length])).toEqual([
      ['POST', '/v3/group_channels/big_room/invite', 100],
      ['POST', '/v3/group_channels/big_room/invite', 50],
    ]);
    const all = [...created.user_ids, ...plan.invites.flatMap((r) => JSON.parse(r.body as string).user_ids)];
    expect(new Set(all).size).toBe(250);
    expect(all.filter((u: string) => u !== 'u5' && u !== 'u200')).toEqual(ids.filter((u) => u !== 'u5' && u !== 'u200'));
  });

  test('a generated channel URL is valid and unpredictable; is_super defaults to true, false or a non-boolean is refused', () => {
    const a = planSendbirdSupergroup({ user_ids: users(120) }, options);
    const b = planSendbirdSupergroup({ user_ids: users(120) }, options);
    expect(a.channelUrl).toMatch(/^sb_[a-z0-9]{24}$/);
    expect(a.channelUrl).not.toBe(b.channelUrl);
    expect(JSON.parse(a.create.body as string).is_super).toBe(true);
    expect(() => planSendbirdSupergroup({ user_ids: users(120), is_super: false }, options)).toThrow(SendbirdValidationError);
    let err: unknown;
    try {
      planSendbirdSupergroup({ user_ids: users(120), is_super: 'yes' } as unknown as SendbirdGroupChannelParams, options);
    } catch (e) {
      err = e;
    }
    expect((err as SendbirdValidationError).problems).toContainEqual(expect.objectContaining({ path: 'is_super', sendbirdCode: 400104 }));
  });

  test('the inviter and users with a status go into the first batch too; more than 100 of them is refused', () => {
    const plan = planSendbirdSupergroup(
      { user_ids: users(150), inviter_id: 'u149', invitation_status: { u120: 'invited_by_friend' }, hidden_status: { u110: 'hidden_allow_auto_unhide' } },
      { ...options, generateChannelUrl: () => 'big_room' },
    );
    const first = JSON.parse(plan.create.body as string).user_ids as string[];
    expect(first.slice(0, 3).sort()).toEqual(['u110', 'u120', 'u149']);
    expect(first).toHaveLength(100);
    const many = Object.fromEntries(users(101).map((u) => [u, 'joined']));
    expect(() => planSendbirdSupergroup({ user_ids: users(150), invitation_status: many } as SendbirdGroupChannelParams, options)).toThrow(/must all be in the first 100/);
  });

  test('an invite carries up to 100 users; 101 is refused for the per-request limit only', () => {
    const r = inviteSendbirdUsersRequest('big_room', users(100), options);
    expect(r).toMatchObject({ method: 'POST', path: '/v3/group_channels/big_room/invite', url: `https://api-${options.applicationId}.sendbird.com/v3/group_channels/big_room/invite` });
    expect(JSON.parse(r.body as string)).toEqual({ user_ids: users(100) });
    let err: unknown;
    try {
      inviteSendbirdUsersRequest('big_room', users(101), options);
    } catch (e) {
      err = e;
    }
    expect((err as SendbirdValidationError).problems.map((p) => [p.path, p.sendbirdCode, /per request/.test(p.message)])).toEqual([['user_ids', 400203, true]]);
  });
});

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
  const open = (ch: SendbirdChannelResource, i: number) => openSendbirdChannelKey(ch, { userId: ids[i]!, identityPrivateKey: m[i]!.identity.identityPrivateKey, signingKeys: signingKeys() });
  const created = (appData?: string, p = prepared) => {
    const r = createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: url, name: 'Team', ...(appData === undefined ? {} : { data: appData }) }, { ...options, e2ee: p });
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
      expect(r).toMatchObject({ conversationKeyVersion: prepared.conversationKeyVersion, senderId: '111', appData: '{"theme":"dark"}', recipientIds: ids });
    }
    expect((await open(channel(created()), 1)).appData).toBeUndefined();
  });

  const tamper = (f: (e: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const doc = JSON.parse(created());
    f(doc.ckk);
    return JSON.stringify(doc);
  };
  test('failures name the envelope field the caller sent', async () => {
    const sig = tamper((e) => (e.sig = encodeBase64NoPad(flip(decodeBase64(e.sig), 9))));
    await expect(open(channel(sig), 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID', field: 'channel.data.ckk.sig', name: 'VerificationError' });
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
      const other = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : alphabet.includes(c) ? alphabet[(alphabet.indexOf(c) + 1) % 64]! : c === ',' ? ';' : 'x';
      const bad = data.slice(0, at) + other + data.slice(at + 1);
      for (let i = 0; i < 3; i++) {
        const err = await open(channel(bad), i).then(() => null, (e: unknown) => e);
        expect(err, `byte ${at} (${c} → ${other}) opened for member ${ids[i]}`).toBeInstanceOf(Error);
        expect((err as { code?: string }).code).toMatch(/^ERR_/);
      }
      tried++;
    }
    expect(tried).toBeGreaterThan(100);
  });

  test.each([
    ['a flipped signature byte', (e: Record<string, any>) => (e.sig = encodeBase64NoPad(flip(decodeBase64(e.sig), 9))), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['swapped wrapped keys', (e: Record<string, any>) => ([e.keys[0][1], e.keys[1][1]] = [e.keys[1][1], e.keys[0][1]]), 'ERR_SIGNATURE_INVALID'], // eslint-disable-line @typescript-eslint/no-explicit-any
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
    const x = await prepareConversationKeyChange({ publicKeys: m.map((k) => k.publicKeyInput), sender: senderOf(m[0]!), conversationId: 'g123456', memberIds: ids });
    const forged = tamper((e) => {
      e.ckv = x.conversationKeyVersion;
      e.keys = x.participantKeys.map((k) => [k.userId, k.encryptedKey, k.publicKeyVersion]);
      e.sig = x.actionSignatures[0]!.signature;
    });
    for (let i = 0; i < 3; i++) await expect(open({ ...channel(forged), channel_url: 'g123456' }, i)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  });

  test('refuses the envelope moved to another channel, a removed member, and channels without one', async () => {
    const data = created();
    await expect(open({ ...channel(data), channel_url: 'other_room' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    await expect(open(channel(data, ['111', '333']), 1)).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER', field: 'options.userId' });
    await expect(open(channel(data, ['222', '333']), 1)).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER', field: 'channel.data.ckk.sender' });
    for (const d of ['', 'plain text', '{"theme":"dark"}', '[]']) await expect(open(channel(d), 1)).rejects.toMatchObject({ code: 'ERR_INVALID_ENVELOPE' });
    const [outsider] = await makeMembers(['444']);
    await expect(openSendbirdChannelKey(channel(data, [...ids, '444']), { userId: '444', identityPrivateKey: outsider!.identity.identityPrivateKey, signingKeys: signingKeys() })).rejects.toMatchObject({
      code: 'ERR_NOT_A_MEMBER',
    });
    await expect(openSendbirdChannelKey(channel(data), { userId: '222', keyVersion: '5', identityPrivateKey: m[1]!.identity.identityPrivateKey, signingKeys: signingKeys() })).rejects.toMatchObject({
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
    const openMin = (min: bigint) => openSendbirdChannelKey(channel(data), { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, signingKeys: signingKeys(), minConversationKeyVersion: String(min) });
    await expect(openMin(ckv + 1n)).rejects.toMatchObject({ code: 'ERR_STALE_KEY_VERSION', field: 'channel.data.ckk.ckv' });
    await expect(openMin(ckv)).resolves.toMatchObject({ conversationKeyVersion: prepared.conversationKeyVersion });
    await expect(openMin(ckv - 1n)).resolves.toMatchObject({ senderId: '111' });
    await expect(openSendbirdChannelKey(channel(data), { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, signingKeys: signingKeys(), minConversationKeyVersion: 'latest' })).rejects.toMatchObject({
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
    const p = await prepareSendbirdChannelKey({ channelUrl: 'big_e2ee', publicKeys: all.map((x) => x.publicKeyInput), memberIds: big, sender: senderOf(m[0]!) });
    const plan = planSendbirdSupergroup({ user_ids: big, channel_url: 'big_e2ee' }, { ...options, e2ee: p });
    const data = JSON.parse(plan.create.body as string).data as string;
    expect(JSON.parse(data).ckk.keys).toHaveLength(123);
    const last = all[122]!;
    const r = await openSendbirdChannelKey({ channel_url: 'big_e2ee', data }, { userId: last.id, identityPrivateKey: last.identity.identityPrivateKey, signingKeys: [m[0]!.signingKeyEntry] });
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
    const x = await prepareConversationKeyChange({ publicKeys: m.map((k) => k.publicKeyInput), sender: senderOf(m[0]!), conversationId: 'g1', memberIds: ids });
    expectE2ee({ user_ids: ids, channel_url: url }, x as never, 'options.e2ee');
  });

  test('preparing refuses what could not be signed or would leave members out', async () => {
    const base = { channelUrl: url, publicKeys: m.map((x) => x.publicKeyInput), memberIds: ids, sender: senderOf(m[0]!) };
    await expect(prepareSendbirdChannelKey({ ...base, channelUrl: 'a,b_room' })).rejects.toMatchObject({ code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.channelUrl' });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['222', '333'] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'params.memberIds' });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: [...ids, '444'] })).rejects.toMatchObject({ code: 'ERR_MISSING_PUBLIC_KEY' });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['111', '1,2'] })).rejects.toMatchObject({ code: 'ERR_COMMA_IN_FIELD' });
    await expect(prepareSendbirdChannelKey({ ...base, memberIds: ['111', '111'] })).rejects.toMatchObject({ code: 'ERR_DUPLICATE_ID' });
  });

  test('key rotation: PUT /v3/group_channels/{channel_url} replaces the envelope and keeps the app data', async () => {
    const rotated = await prepare(1);
    const r = updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, data: 'app' }, options);
    expect(r).toMatchObject({ method: 'PUT', path: `/v3/group_channels/${url}` });
    const body = JSON.parse(r.body as string);
    expect(Object.keys(body)).toEqual(['data']);
    const opened = await open(channel(body.data), 2);
    expect(Buffer.from(opened.conversationKey).equals(Buffer.from(rotated.conversationKey))).toBe(true);
    expect(opened).toMatchObject({ senderId: '222', appData: 'app' });
    expect(() => updateSendbirdChannelKeyRequest({ channel_url: 'x_room', prepared: rotated, user_ids: ids }, options)).toThrow(SendbirdValidationError);
  });

  test('key rotation after a removal: the removed member cannot open the new key', async () => {
    const rotated = await prepare(0, ['111', '222']);
    const data = JSON.parse(updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ['111', '222'] }, options).body as string).data as string;
    expect((await open(channel(data, ['111', '222']), 1)).conversationKeyVersion).toBe(rotated.conversationKeyVersion);
    await expect(open(channel(data, ids), 2)).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER' });
  });

  test("key rotation given the channel's current data keeps its app data and replaces (not nests) the old envelope", async () => {
    const current = created('{"theme":"dark"}');
    const rotated = await prepare();
    const data = JSON.parse(updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, data: current }, options).body as string).data as string;
    expect(JSON.parse(data)).toEqual({ ckk: expect.objectContaining({ ckv: rotated.conversationKeyVersion, kc: rotated.envelope.kc }), app: '{"theme":"dark"}' });
    expect((await open(channel(data), 0)).appData).toBe('{"theme":"dark"}');
    // The current data of a channel without app data: nothing is kept.
    const bare = JSON.parse(updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, data: created() }, options).body as string).data as string;
    expect(Object.keys(JSON.parse(bare))).toEqual(['ckk']);
  });
});
