/**
 * The fake Sendbird Platform API, over real HTTP on 127.0.0.1: channels built by chat-keykit's
 * request builders, the key envelope stored and opened, text and file messages, history paging in
 * both directions, edits, deletes, leaving, bans, Sendbird's error shape and codes, the request
 * log, webhook bodies, and the server's own hygiene (loopback only, port freed on close).
 */
import { createConnection, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSendbirdGroupChannelRequest,
  openSendbirdChannelKey,
  prepareSendbirdChannelKey,
  updateSendbirdChannelKeyRequest,
  type SendbirdChannelResource,
} from './kit.js';
import { FakeSendbirdCodes, startFakeSendbird, type FakeSendbird } from './fake-sendbird.js';
import { makeMembers, senderOf } from './members.js';

const APP = 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB';
const TOKEN = 'fake-sendbird-token-7d41a9';
const options = { applicationId: APP, apiToken: TOKEN };
const api = `https://api-${APP}.sendbird.com/v3`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let sb: FakeSendbird;
beforeAll(async () => {
  sb = await startFakeSendbird(options);
});
afterAll(async () => {
  await sb.close();
});

/** A JSON request to the Sendbird host (rewritten to the fake), with the token unless told otherwise. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'Api-Token': TOKEN },
): Promise<{ status: number; body: Json }> {
  const res = await sb.send({
    method,
    url: `${api}${path}`,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf8' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

let channelCount = 0;
async function newChannel(userIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const channel_url = `room_${++channelCount}_${Date.now()}`;
  const res = await sb.send(createSendbirdGroupChannelRequest({ user_ids: userIds, channel_url, ...extra }, options));
  expect(res.status).toBe(200);
  return channel_url;
}

const sendText = (url: string, user_id: string, message: string, extra: Record<string, unknown> = {}) =>
  call('POST', `/group_channels/${url}/messages`, { message_type: 'MESG', user_id, message, ...extra });

function expectError(r: { status: number; body: Json }, code: number, status = 400): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: true, code, message: expect.any(String) });
}

describe('group channels', () => {
  test('a channel built by createSendbirdGroupChannelRequest is stored as sent; GET shows members with show_member', async () => {
    const req = createSendbirdGroupChannelRequest(
      {
        user_ids: ['alice', 'bob', 'carol'],
        channel_url: 'team_room',
        name: 'Team',
        custom_type: 'team',
        data: '{"theme":"dark"}',
        operator_ids: ['alice'],
      },
      options,
    );
    const res = await sb.send(req);
    expect(res.status).toBe(200);
    const created: Json = await res.json();
    expect(created).toMatchObject({
      channel_url: 'team_room',
      name: 'Team',
      custom_type: 'team',
      data: '{"theme":"dark"}',
      is_distinct: false,
      is_public: false,
      is_super: false,
      member_count: 3,
      joined_member_count: 3,
    });
    expect(created.operators).toEqual([expect.objectContaining({ user_id: 'alice' })]);
    expect(Number.isInteger(created.created_at)).toBe(true);

    const plain = await call('GET', '/group_channels/team_room');
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('members');
    const shown = await call('GET', '/group_channels/team_room?show_member=true');
    expect(shown.body.members.map((m: Json) => [m.user_id, m.role, m.state])).toEqual([
      ['alice', 'operator', 'joined'],
      ['bob', '', 'joined'],
      ['carol', '', 'joined'],
    ]);
    expect(shown.body.members[0]).toEqual(expect.objectContaining({ nickname: '', profile_url: '' }));
    expect(sb.state.channels.get('team_room')?.members.size).toBe(3);
  });

  test('a channel_url is generated when absent; a taken one is 400202; an unknown one is 400201', async () => {
    const res = await sb.send(createSendbirdGroupChannelRequest({ user_ids: ['alice'] }, options));
    const body: Json = await res.json();
    expect(body.channel_url).toMatch(/^sendbird_group_channel_\d+_[0-9a-f]{40}$/);
    const again = await sb.send(createSendbirdGroupChannelRequest({ user_ids: ['alice'], channel_url: 'team_room' }, options));
    expectError({ status: again.status, body: await again.json() }, FakeSendbirdCodes.ALREADY_EXISTS);
    expectError(await call('GET', '/group_channels/no_such_room'), FakeSendbirdCodes.NOT_FOUND);
  });

  test('multipart create with cover_file: every field parsed, the cover served back at cover_url', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 9, 8, 7]);
    const req = createSendbirdGroupChannelRequest(
      {
        user_ids: ['alice', 'bob'],
        channel_url: 'cover_room',
        name: 'Covered',
        is_public: true,
        access_code: '1234',
        operator_ids: ['bob'],
        invitation_status: { bob: 'joined' },
        cover_file: { data: png, filename: 'cover.png', type: 'image/png' },
      },
      options,
    );
    expect(req.body).toBeInstanceOf(FormData);
    const created: Json = await (await sb.send(req)).json();
    expect(created).toMatchObject({ name: 'Covered', is_public: true, is_access_code_required: true, member_count: 2 });
    expect(created.operators.map((o: Json) => o.user_id)).toEqual(['bob']);
    expect(created.cover_url.startsWith(`${sb.origin}/files/`)).toBe(true);
    const cover = await sb.fetch(created.cover_url);
    expect(cover.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await cover.arrayBuffer())).toEqual(png);
  });

  test('the key envelope survives the round trip: every member opens it from GET, and a rotation by PUT replaces it', async () => {
    const ids = ['111', '222', '333'];
    const m = await makeMembers(ids);
    const url = 'e2ee_fake_room';
    const prepared = await prepareSendbirdChannelKey({
      channelUrl: url,
      publicKeys: m.map((x) => x.publicKeyInput),
      memberIds: ids,
      sender: senderOf(m[0]!),
    });
    expect(
      (await sb.send(createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: url, data: 'app' }, { ...options, e2ee: prepared })))
        .status,
    ).toBe(200);
    const signingKeys = m.map((x) => x.signingKeyEntry);
    const open = async (i: number) => {
      const channel = (await call('GET', `/group_channels/${url}?show_member=true`)).body as SendbirdChannelResource;
      return openSendbirdChannelKey(channel, { userId: ids[i]!, identityPrivateKey: m[i]!.identity.identityPrivateKey, signingKeys });
    };
    for (let i = 0; i < 3; i++)
      expect(Buffer.from((await open(i)).conversationKey).equals(Buffer.from(prepared.conversationKey))).toBe(true);

    const rotated = await prepareSendbirdChannelKey({
      channelUrl: url,
      publicKeys: m.map((x) => x.publicKeyInput),
      memberIds: ids,
      sender: senderOf(m[1]!),
    });
    const current = (await call('GET', `/group_channels/${url}`)).body.data as string;
    const put = await sb.send(
      updateSendbirdChannelKeyRequest({ channel_url: url, prepared: rotated, user_ids: ids, currentData: current }, options),
    );
    expect(put.status).toBe(200);
    const opened = await open(2);
    expect(Buffer.from(opened.conversationKey).equals(Buffer.from(rotated.conversationKey))).toBe(true);
    expect(opened).toMatchObject({ senderId: '222', appData: 'app' });
    // No request carried either plaintext key (base64 or raw).
    for (const key of [prepared.conversationKey, rotated.conversationKey]) {
      expect(sb.state.requestsContaining(Buffer.from(key).toString('base64').replace(/=+$/, ''))).toEqual([]);
      expect(sb.state.requestsContaining(Uint8Array.from(key))).toEqual([]);
    }
  });

  test('PUT updates name, data and custom_type and checks types', async () => {
    const url = await newChannel(['alice', 'bob']);
    const r = await call('PUT', `/group_channels/${url}`, { name: 'Renamed', data: 'd2', custom_type: 'x' });
    expect(r.body).toMatchObject({ name: 'Renamed', data: 'd2', custom_type: 'x' });
    expectError(await call('PUT', `/group_channels/${url}`, { data: { not: 'a string' } }), FakeSendbirdCodes.NOT_STRING);
    expectError(await call('PUT', `/group_channels/${url}`, { is_public: 'yes' }), FakeSendbirdCodes.NOT_BOOLEAN);
    expectError(await call('PUT', `/group_channels/${url}`, { name: 'n'.repeat(192) }), FakeSendbirdCodes.TOO_LONG);
  });

  test('invite adds members (and turns distinct off); leave and ban remove them; a banned user cannot be invited', async () => {
    const first = await call('POST', '/group_channels', { user_ids: ['dora', 'eve'], is_distinct: true });
    expect(first.body.is_distinct).toBe(true);
    const url = first.body.channel_url as string;
    // A distinct create for the same members returns the same channel.
    expect((await call('POST', '/group_channels', { user_ids: ['eve', 'dora'], is_distinct: true })).body.channel_url).toBe(url);
    const invited = await call('POST', `/group_channels/${url}/invite`, { user_ids: ['fred', 'gina'] });
    expect(invited.body).toMatchObject({ member_count: 4, is_distinct: false });
    expect(await call('PUT', `/group_channels/${url}/leave`, { user_ids: ['fred'] })).toEqual({ status: 200, body: {} });
    const banned = await call('POST', `/group_channels/${url}/ban`, {
      user_id: 'gina',
      agent_id: 'dora',
      seconds: 60,
      description: 'spam',
    });
    expect(banned.body).toMatchObject({ user: { user_id: 'gina' }, description: 'spam' });
    expect(banned.body.end_at - banned.body.start_at).toBe(60_000);
    const after = await call('GET', `/group_channels/${url}?show_member=true`);
    expect(after.body.members.map((m: Json) => m.user_id)).toEqual(['dora', 'eve']);
    expectError(await call('POST', `/group_channels/${url}/invite`, { user_ids: ['gina'] }), FakeSendbirdCodes.BANNED);
    expect((await call('DELETE', `/group_channels/${url}/ban/gina`)).status).toBe(200);
    expect((await call('POST', `/group_channels/${url}/invite`, { user_ids: ['gina'] })).body.member_count).toBe(3);
    expectError(
      await call('POST', `/group_channels/${url}/invite`, { user_ids: Array.from({ length: 101 }, (_, i) => `u${i}`) }),
      FakeSendbirdCodes.TOO_MANY,
    );
  });

  test('create validation: Sendbird codes for missing users, types, lengths, characters and combinations', async () => {
    const cases: [unknown, number][] = [
      [{}, FakeSendbirdCodes.MISSING],
      [{ user_ids: 'alice' }, FakeSendbirdCodes.NOT_LIST],
      [{ user_ids: ['alice', 7] }, FakeSendbirdCodes.NOT_STRING],
      [{ user_ids: ['a'], users: [{ user_id: 'a' }] }, FakeSendbirdCodes.INVALID_COMBINATION],
      [{ user_ids: ['a'], name: 5 }, FakeSendbirdCodes.NOT_STRING],
      [{ user_ids: ['a'], is_super: 'true' }, FakeSendbirdCodes.NOT_BOOLEAN],
      [{ user_ids: ['a'], channel_url: 'abc' }, FakeSendbirdCodes.INVALID_VALUE],
      [{ user_ids: ['a'], channel_url: 'c'.repeat(101) }, FakeSendbirdCodes.TOO_LONG],
      [{ user_ids: ['a'], channel_url: 'team/room' }, FakeSendbirdCodes.NOT_ALLOWED_CHARACTERS],
      [{ user_ids: ['a'], custom_type: 't'.repeat(129) }, FakeSendbirdCodes.TOO_LONG],
      [{ user_ids: ['a'], is_super: true, is_distinct: true }, FakeSendbirdCodes.INVALID_VALUE],
      [{ user_ids: ['a'], operator_ids: ['b'] }, FakeSendbirdCodes.INVALID_VALUE],
      [{ user_ids: ['a'], access_code: '1' }, FakeSendbirdCodes.INVALID_COMBINATION],
      [{ user_ids: ['a'], invitation_status: ['a'] }, FakeSendbirdCodes.NOT_JSON],
      [{ user_ids: Array.from({ length: 101 }, (_, i) => `u${i}`), is_super: true }, FakeSendbirdCodes.TOO_MANY],
    ];
    for (const [body, code] of cases) expectError(await call('POST', '/group_channels', body), code);
    const bad = await sb.send({
      method: 'POST',
      url: `${api}/group_channels`,
      headers: { 'Api-Token': TOKEN, 'Content-Type': 'application/json' },
      body: '{"user_ids": [',
    });
    expectError({ status: bad.status, body: await bad.json() }, FakeSendbirdCodes.INVALID_JSON_BODY);
  });
});

describe('messages', () => {
  let url: string;
  beforeAll(async () => {
    url = await newChannel(['alice', 'bob', 'carol']);
  });

  test('a text message: the message resource as Sendbird returns it, then GET, PUT (edit) and DELETE', async () => {
    const sent = await sendText(url, 'alice', 'ciphertext-1', {
      custom_type: 'ckk1',
      data: '{"v":1}',
      mention_type: 'users',
      mentioned_user_ids: ['bob'],
      is_silent: false,
      send_push: true,
      dedup_id: 'd-1',
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      type: 'MESG',
      message: 'ciphertext-1',
      data: '{"v":1}',
      custom_type: 'ckk1',
      channel_url: url,
      channel_type: 'group',
      user: { user_id: 'alice', nickname: '', profile_url: '' },
      mention_type: 'users',
      mentioned_users: [expect.objectContaining({ user_id: 'bob' })],
      is_removed: false,
      silent: false,
      updated_at: 0,
    });
    const id = sent.body.message_id as number;
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(Math.abs(sent.body.created_at - Date.now())).toBeLessThan(60_000);
    expect((await call('GET', `/group_channels/${url}/messages/${id}`)).body).toEqual(sent.body);
    expect(sb.messageResource(url, id)).toEqual(sent.body);
    expectError(await sendText(url, 'alice', 'again', { dedup_id: 'd-1' }), FakeSendbirdCodes.ALREADY_EXISTS);

    const edited = await call('PUT', `/group_channels/${url}/messages/${id}`, {
      message_type: 'MESG',
      message: 'ciphertext-2',
      data: '{"v":2}',
      custom_type: 'ckk2',
    });
    expect(edited.body).toMatchObject({
      message_id: id,
      message: 'ciphertext-2',
      data: '{"v":2}',
      custom_type: 'ckk2',
      created_at: sent.body.created_at,
    });
    expect(edited.body.updated_at).toBeGreaterThan(sent.body.created_at);
    expectError(await call('PUT', `/group_channels/${url}/messages/${id}`, { message: 'x' }), FakeSendbirdCodes.MISSING);
    expectError(await call('PUT', `/group_channels/${url}/messages/${id}`, { message_type: 'FILE' }), FakeSendbirdCodes.INVALID_VALUE);

    expect(await call('DELETE', `/group_channels/${url}/messages/${id}`)).toEqual({ status: 200, body: {} });
    expectError(await call('GET', `/group_channels/${url}/messages/${id}`), FakeSendbirdCodes.NOT_FOUND);
    expectError(await call('DELETE', `/group_channels/${url}/messages/${id}`), FakeSendbirdCodes.NOT_FOUND);
  });

  test('a file message: multipart upload stored and served back at file.url; JSON with a url kept as given', async () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) & 0xff);
    const form = new FormData();
    form.append('message_type', 'FILE');
    form.append('user_id', 'bob');
    form.append('data', '{"enc":"v1"}');
    form.append('custom_type', 'enc-file');
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'photo.jpg.enc');
    const res = await sb.send({
      method: 'POST',
      url: `${api}/group_channels/${url}/messages`,
      headers: { 'Api-Token': TOKEN },
      body: form,
    });
    expect(res.status).toBe(200);
    const msg: Json = await res.json();
    expect(msg).toMatchObject({
      type: 'FILE',
      data: '{"enc":"v1"}',
      custom_type: 'enc-file',
      user: { user_id: 'bob' },
      file: { name: 'photo.jpg.enc', type: 'application/octet-stream', size: 3000 },
      require_auth: false,
    });
    expect(msg).not.toHaveProperty('message');
    const served = await sb.fetch(msg.file.url);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    const stored = sb.state.messages.get(url)!.find((m) => m.message_id === msg.message_id)!;
    expect(sb.state.files.get(stored.file_id!)?.bytes).toEqual(bytes);

    const byUrl = await call('POST', `/group_channels/${url}/messages`, {
      message_type: 'FILE',
      user_id: 'carol',
      url: 'https://cdn.example/blob.bin',
      file_name: 'blob.bin',
      file_type: 'application/octet-stream',
      file_size: 12,
    });
    expect(byUrl.body.file).toEqual({
      url: 'https://cdn.example/blob.bin',
      name: 'blob.bin',
      type: 'application/octet-stream',
      size: 12,
      data: '',
    });
    expectError(
      await call('POST', `/group_channels/${url}/messages`, { message_type: 'FILE', user_id: 'carol' }),
      FakeSendbirdCodes.MISSING,
    );
    // A FILE message's data can be edited, its text cannot.
    expect(
      (await call('PUT', `/group_channels/${url}/messages/${msg.message_id}`, { message_type: 'FILE', data: '{"enc":"v2"}' })).body.data,
    ).toBe('{"enc":"v2"}');
    expectError(
      await call('PUT', `/group_channels/${url}/messages/${msg.message_id}`, { message_type: 'FILE', message: 'x' }),
      FakeSendbirdCodes.INVALID_VALUE,
    );
  });

  test('only joined members send: a member who left gets 900020, an unknown user 400201', async () => {
    const room = await newChannel(['alice', 'bob']);
    expect((await sendText(room, 'bob', 'hi')).status).toBe(200);
    await call('PUT', `/group_channels/${room}/leave`, { user_ids: ['bob'] });
    expectError(await sendText(room, 'bob', 'still here?'), FakeSendbirdCodes.NOT_A_MEMBER);
    expectError(await sendText(room, 'carol', 'not invited'), FakeSendbirdCodes.NOT_A_MEMBER);
    expectError(await sendText(room, 'nobody-ever', 'who?'), FakeSendbirdCodes.NOT_FOUND);
    expectError(await sendText('no_such_room', 'alice', 'x'), FakeSendbirdCodes.NOT_FOUND);
  });

  test('message validation: message_type, required fields and types', async () => {
    const post = (body: unknown) => call('POST', `/group_channels/${url}/messages`, body);
    expectError(await post({ user_id: 'alice', message: 'x' }), FakeSendbirdCodes.MISSING);
    expectError(await post({ message_type: 'TEXT', user_id: 'alice', message: 'x' }), FakeSendbirdCodes.INVALID_VALUE);
    expectError(await post({ message_type: 'MESG', message: 'x' }), FakeSendbirdCodes.MISSING);
    expectError(await post({ message_type: 'MESG', user_id: 'alice' }), FakeSendbirdCodes.MISSING);
    expectError(await post({ message_type: 'MESG', user_id: 7, message: 'x' }), FakeSendbirdCodes.NOT_STRING);
    expectError(await post({ message_type: 'MESG', user_id: 'alice', message: 'x', data: 1 }), FakeSendbirdCodes.NOT_STRING);
    expectError(await post({ message_type: 'MESG', user_id: 'alice', message: 'x', send_push: 'no' }), FakeSendbirdCodes.NOT_BOOLEAN);
    expectError(
      await post({ message_type: 'MESG', user_id: 'alice', message: 'x', mentioned_user_ids: 'bob' }),
      FakeSendbirdCodes.NOT_LIST,
    );
    expectError(
      await post({ message_type: 'MESG', user_id: 'alice', message: 'x', mention_type: 'everyone' }),
      FakeSendbirdCodes.INVALID_VALUE,
    );
    expectError(
      await post({ message_type: 'MESG', user_id: 'alice', message: 'x', custom_type: 'c'.repeat(129) }),
      FakeSendbirdCodes.TOO_LONG,
    );
    // An admin message needs no sender.
    expect((await post({ message_type: 'ADMM', message: 'notice' })).body).toMatchObject({ type: 'ADMM', message: 'notice' });
  });
});

describe('history paging', () => {
  let url: string;
  let ids: number[];
  beforeAll(async () => {
    url = await newChannel(['alice', 'bob']);
    ids = [];
    for (let i = 0; i < 250; i++) ids.push((await sendText(url, i % 2 === 0 ? 'alice' : 'bob', `m${i}`)).body.message_id);
  });
  const list = async (query: string) => {
    const r = await call('GET', `/group_channels/${url}/messages?${query}`);
    expect(r.status).toBe(200);
    return r.body.messages as Json[];
  };

  test('backwards from now with message_id anchors: 250 messages, every one once, in order', async () => {
    const seen: Json[] = [];
    let page = await list(`message_ts=${Date.now() + 60_000}&prev_limit=100&next_limit=0`);
    while (page.length > 0) {
      expect(page.length).toBeLessThanOrEqual(100);
      seen.unshift(...page);
      page = await list(`message_id=${page[0].message_id}&prev_limit=100&next_limit=0&include=false`);
    }
    expect(seen.map((m) => m.message_id)).toEqual(ids);
    expect(seen.map((m) => m.message)).toEqual(ids.map((_, i) => `m${i}`));
  });

  test('forwards from the start with message_ts anchors, and reverse pages newest first', async () => {
    const seen: Json[] = [];
    let page = await list('message_ts=0&prev_limit=0&next_limit=100');
    while (page.length > 0) {
      seen.push(...page);
      page = await list(`message_ts=${page[page.length - 1].created_at}&prev_limit=0&next_limit=100&include=false`);
    }
    expect(seen.map((m) => m.message_id)).toEqual(ids);
    const created = seen.map((m) => m.created_at as number);
    expect(created.every((t, i) => i === 0 || t > created[i - 1]!)).toBe(true);
    const reversed = await list(`message_ts=${Date.now() + 60_000}&prev_limit=30&next_limit=0&reverse=true`);
    expect(reversed.map((m) => m.message_id)).toEqual(ids.slice(-30).reverse());
  });

  test('both sides of an anchor, include, defaults and filters', async () => {
    const mid = ids[125]!;
    expect((await list(`message_id=${mid}&prev_limit=2&next_limit=2`)).map((m) => m.message_id)).toEqual(ids.slice(123, 128));
    expect((await list(`message_id=${mid}&prev_limit=2&next_limit=2&include=false`)).map((m) => m.message_id)).toEqual([
      ...ids.slice(123, 125),
      ...ids.slice(126, 128),
    ]);
    expect(await list(`message_id=${mid}`)).toHaveLength(31); // 15 + the anchor + 15
    expect((await list(`message_ts=0&next_limit=200&prev_limit=0&sender_id=bob`)).every((m) => m.user.user_id === 'bob')).toBe(true);
    expectError(await call('GET', `/group_channels/${url}/messages`), FakeSendbirdCodes.MISSING);
    expectError(await call('GET', `/group_channels/${url}/messages?message_ts=0&prev_limit=201`), FakeSendbirdCodes.INVALID_VALUE);
    expectError(await call('GET', `/group_channels/${url}/messages?message_ts=now`), FakeSendbirdCodes.NOT_NUMBER);
    expectError(await call('GET', `/group_channels/${url}/messages?message_ts=0&reverse=yes`), FakeSendbirdCodes.NOT_BOOLEAN);
    expectError(await call('GET', `/group_channels/${url}/messages?message_id=1`), FakeSendbirdCodes.NOT_FOUND);
  });
});

describe('tokens, the request log and webhooks', () => {
  test("a missing or wrong Api-Token gets 400401 in Sendbird's error shape, and nothing is stored", async () => {
    const before = sb.state.channels.size;
    expectError(await call('POST', '/group_channels', { user_ids: ['a'] }, { 'Api-Token': 'wrong' }), FakeSendbirdCodes.INVALID_API_TOKEN);
    expectError(await call('POST', '/group_channels', { user_ids: ['a'] }, {}), FakeSendbirdCodes.INVALID_API_TOKEN);
    expectError(
      await call('GET', '/group_channels/team_room', undefined, { 'Api-Token': TOKEN.toUpperCase() }),
      FakeSendbirdCodes.INVALID_API_TOKEN,
    );
    expect(sb.state.channels.size).toBe(before);
    const strict = await startFakeSendbird({ ...options, invalidTokenStatus: 401 });
    try {
      const r = await strict.send({ method: 'GET', url: `${api}/group_channels/x`, headers: { 'Api-Token': 'wrong' } });
      expect([r.status, ((await r.json()) as Json).code]).toEqual([401, 400401]);
    } finally {
      await strict.close();
    }
  });

  test('the log keeps method, path, raw body and headers, with the token redacted', async () => {
    const url = await newChannel(['alice', 'bob']);
    const n = sb.state.requests.length;
    await sendText(url, 'alice', 'secret-plaintext-marker');
    const entry = sb.state.requests[n]!;
    expect(entry).toMatchObject({ method: 'POST', path: `/v3/group_channels/${url}/messages`, status: 200 });
    expect(entry.headers['api-token']).toBe('[redacted]');
    expect(JSON.parse(Buffer.from(entry.body).toString('utf8'))).toMatchObject({ message: 'secret-plaintext-marker' });
    expect(sb.state.requestsContaining('secret-plaintext-marker')).toEqual([entry]);
    expect(sb.state.requestsContaining(TOKEN)).toEqual([]);
  });

  test("group_channel:message_send renders a stored message as Sendbird's webhook body, signed with the token", async () => {
    const url = await newChannel(['alice', 'bob'], { name: 'Hook room', data: 'envelope' });
    const id = (await sendText(url, 'alice', 'ct', { data: 'meta', custom_type: 'enc' })).body.message_id as number;
    const hook = sb.messageSendWebhook(url, id);
    expect(hook).toMatchObject({
      category: 'group_channel:message_send',
      sender: { user_id: 'alice' },
      type: 'MESG',
      custom_type: 'enc',
      payload: { message_id: id, message: 'ct', data: 'meta', custom_type: 'enc', created_at: expect.any(Number) },
      channel: { channel_url: url, name: 'Hook room', data: 'envelope', is_super: false },
      sdk: 'API',
      app_id: APP,
    });
    expect((hook.members as Json[]).map((m) => m.user_id)).toEqual(['alice', 'bob']);
    expect(sb.messageSendWebhook(url, id, { includeMembers: false })).not.toHaveProperty('members');
    const form = new FormData();
    form.append('message_type', 'FILE');
    form.append('user_id', 'bob');
    form.append('file', new Blob([Uint8Array.from([1, 2, 3])]), 'x.enc');
    const file = (await (
      await sb.send({ method: 'POST', url: `${api}/group_channels/${url}/messages`, headers: { 'Api-Token': TOKEN }, body: form })
    ).json()) as Json;
    expect(sb.messageSendWebhook(url, file.message_id)).toMatchObject({
      type: 'FILE',
      sender: { user_id: 'bob' },
      payload: { message_id: file.message_id, url: file.file.url, filename: 'x.enc', file_size: 3 },
    });
    const body = JSON.stringify(hook);
    expect(sb.signWebhook(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(sb.signWebhook(body)).not.toBe(sb.signWebhook(`${body} `));
  });

  test('group_channel:message_update: the message as edited, with its updated_at', async () => {
    const url = await newChannel(['alice', 'bob']);
    const id = (await sendText(url, 'alice', 'first', { data: 'v1' })).body.message_id as number;
    expect(sb.messageUpdateWebhook(url, id)).toMatchObject({
      category: 'group_channel:message_update',
      payload: { message_id: id, data: 'v1', updated_at: 0 },
    });
    const edited = await call('PUT', `/group_channels/${url}/messages/${id}`, { message_type: 'MESG', message: 'second', data: 'v2' });
    const hook = sb.messageUpdateWebhook(url, id);
    expect(hook).toMatchObject({
      category: 'group_channel:message_update',
      sender: { user_id: 'alice' },
      type: 'MESG',
      payload: { message_id: id, message: 'second', data: 'v2', updated_at: edited.body.updated_at },
    });
    expect((hook.payload as Json).updated_at).toBeGreaterThan((hook.payload as Json).created_at);
  });
});

describe('users and limits', () => {
  test('autoCreateUsers: false needs POST /v3/users; unknown users are skipped, or refused with strict', async () => {
    const own = await startFakeSendbird({ ...options, autoCreateUsers: false });
    try {
      const post = async (path: string, body: unknown) => {
        const r = await own.send({
          method: 'POST',
          url: `${api}${path}`,
          headers: { 'Api-Token': TOKEN, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: r.status, body: (await r.json()) as Json };
      };
      expect((await post('/users', { user_id: 'alice', nickname: 'Alice', profile_url: '' })).body).toEqual({
        user_id: 'alice',
        nickname: 'Alice',
        profile_url: '',
        metadata: {},
      });
      expectError(await post('/users', { user_id: 'alice', nickname: 'Again' }), FakeSendbirdCodes.ALREADY_EXISTS);
      expectError(await post('/users', { user_id: 'bob' }), FakeSendbirdCodes.MISSING);
      const loose = await post('/group_channels', { user_ids: ['alice', 'ghost'], channel_url: 'loose_room' });
      expect(loose.body.members.map((m: Json) => [m.user_id, m.nickname])).toEqual([['alice', 'Alice']]);
      expectError(await post('/group_channels', { user_ids: ['alice', 'ghost'], strict: true }), FakeSendbirdCodes.INVALID_VALUE);
      await post('/users', { user_id: 'bob', nickname: 'Bob' });
      expectError(await post('/group_channels/loose_room/invite', { user_ids: ['bob', 'ghost'] }), FakeSendbirdCodes.NOT_FOUND);
      expect([...own.state.channels.get('loose_room')!.members.keys()]).toEqual(['alice']);
      expect(own.state.users.has('ghost')).toBe(false);
    } finally {
      await own.close();
    }
  });

  test('an ephemeral channel answers sends but keeps no history', async () => {
    const url = await newChannel(['alice', 'bob'], { is_ephemeral: true });
    const sent = await sendText(url, 'alice', 'gone');
    expect(sent.status).toBe(200);
    expect((await call('GET', `/group_channels/${url}/messages?message_ts=0&next_limit=10`)).body).toEqual({ messages: [] });
    expectError(await call('GET', `/group_channels/${url}/messages/${sent.body.message_id}`), FakeSendbirdCodes.NOT_FOUND);
  });

  test('a body over maxBodyBytes is read to its end and refused with 400111', async () => {
    const own = await startFakeSendbird({ ...options, maxBodyBytes: 4096 });
    try {
      const form = new FormData();
      form.append('message_type', 'FILE');
      form.append('user_id', 'alice');
      form.append('file', new Blob([new Uint8Array(64 * 1024)]), 'big.bin');
      const r = await own.send({ method: 'POST', url: `${api}/group_channels/any/messages`, headers: { 'Api-Token': TOKEN }, body: form });
      expectError({ status: r.status, body: await r.json() }, FakeSendbirdCodes.INVALID_VALUE);
      expect(own.state.requests[0]?.body.length).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('the server itself', () => {
  test('listens on 127.0.0.1 only, and fetch refuses anything but the Sendbird host and the fake', async () => {
    const own = await startFakeSendbird(options);
    try {
      expect(own.origin).toBe(`http://127.0.0.1:${own.port}`);
      expect(own.url).toBe(`${own.origin}/v3`);
      const refused = (host: string) =>
        new Promise<boolean>((resolve) => {
          const s = createConnection({ host, port: own.port });
          s.once('connect', () => {
            s.destroy();
            resolve(false);
          });
          s.once('error', () => resolve(true));
        });
      // Other loopback addresses on the same port: nothing listens there.
      expect(await refused('127.0.0.2')).toBe(true);
      expect(await refused('::1')).toBe(true);
      await expect(own.fetch('https://api-OTHER.sendbird.com/v3/group_channels')).rejects.toThrow(/refusing/);
      await expect(own.fetch('https://example.com/')).rejects.toThrow(/refusing/);
      expect((await own.fetch(`${own.url}/group_channels/x`, { headers: { 'Api-Token': TOKEN } })).status).toBe(400);
    } finally {
      await own.close();
    }
  });

  test('close() frees the port and is safe to call twice', async () => {
    const own = await startFakeSendbird(options);
    const { port } = own;
    await own.close();
    await own.close();
    await expect(globalThis.fetch(`${own.origin}/v3/group_channels/x`)).rejects.toThrow();
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });
});
