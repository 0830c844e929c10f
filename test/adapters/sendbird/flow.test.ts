/**
 * End-to-end encrypted Sendbird channels over real HTTP, against the fake Platform API
 * (test/helpers/fake-sendbird.ts on 127.0.0.1): an E2EE channel created, text and file messages
 * from two members, an edit, a removal and a rotation, then the history read page by page as a
 * remaining member (every version) and as the removed one (nothing after the rotation); a server
 * that tampers with what it stores is caught; and the request log holds no plaintext and no key.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSendbirdGroupChannelRequest,
  openSendbirdChannelKey,
  openSendbirdFile,
  openSendbirdMessage,
  openSendbirdMessages,
  prepareSendbirdChannelKey,
  prepareSendbirdFileMessage,
  prepareSendbirdMessage,
  prepareSendbirdMessageEdit,
  recordSendbirdChannelKey,
  sendbirdFileDecryptionStream,
  sendbirdFileMessageRequest,
  sendbirdMessageRequest,
  updateSendbirdChannelKeyRequest,
  withTestingHooks,
  type OpenedSendbirdMessage,
  type SendbirdChannelResource,
  type SendbirdKeyHistory,
  type SendbirdMessageKey,
  type SendbirdMessageResult,
} from '../../helpers/kit.js';
import { startFakeSendbird, type FakeSendbird } from '../../helpers/fake-sendbird.js';
import { makeSendbirdMembers, sendbirdSender, type SendbirdMember } from '../../helpers/sendbird-members.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const APP = 'F1E2D3C4-B5A6-4789-ABCD-0123456789AB';
const TOKEN = 'fake-token-for-the-e2ee-flow-5c1d';
const options = { applicationId: APP, apiToken: TOKEN };
const URL_ = 'e2ee_flow_room';

/** Sendbird's clock and the key-version clock: real time plus an offset the test moves forward. */
let offset = 0;
const clock = () => Date.now() + offset;
const hooks = () => withTestingHooks({}, { now: clock });

let sb: FakeSendbird;
let alice: SendbirdMember, bob: SendbirdMember, carol: SendbirdMember;
const signingKeys = () => [alice, bob, carol].map((x) => x.signingKeyEntry);
const publicKeys = () => [alice, bob, carol].map((x) => x.publicKeyInput);

/** Everything readable that must never reach Sendbird. */
const TEXTS = [
  'alice: the launch moves to Thursday',
  'bob: noted, I will tell the printers',
  'bob: noted, I will tell the printers by noon',
  'alice (after carol left): the budget is 40k',
  'bob: the signed contract, attached',
];
const PHOTO = new Uint8Array(150_000).map((_, i) => (i * 31 + (i >> 8)) % 256);
const CONTRACT = new TextEncoder().encode('%PDF-1.7 contract between the parties, page 1 of 12 '.repeat(300));
const FILE_NAMES = ['carol-beach-party.jpg', 'contract-final-v3.pdf'];
const MIME = ['image/jpeg', 'application/pdf'];
/** The keys in play (conversation keys, identity and signing private keys), for the leak search. */
const secrets: Uint8Array[] = [];

async function call(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await sb.send({
    method,
    url: `https://api-${APP}.sendbird.com/v3${path}`,
    headers: { 'Api-Token': TOKEN, ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf8' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}
const channelResource = (): Promise<SendbirdChannelResource> => call('GET', `/group_channels/${URL_}?show_member=true`);

/** The whole history, paged forwards three messages at a time, as GET …/messages returns it. */
async function history(): Promise<Json[]> {
  const out: Json[] = [];
  let ts = 0;
  for (;;) {
    const page = await call('GET', `/group_channels/${URL_}/messages?message_ts=${ts}&prev_limit=0&next_limit=3&include=false`);
    if (page.messages.length === 0) return out;
    out.push(...page.messages);
    ts = page.messages.at(-1).created_at;
  }
}

/** A member's view of the channel's current key: the envelope recorded, then opened above the floor. */
async function openCurrent(
  member: SendbirdMember,
  state: SendbirdKeyHistory | undefined,
): Promise<{ key: SendbirdMessageKey; state: SendbirdKeyHistory }> {
  const channel = await channelResource();
  const next = await recordSendbirdChannelKey(channel, { signingKeys: signingKeys(), ...(state ? { state } : {}) });
  const opened = await openSendbirdChannelKey(channel, {
    userId: member.id,
    identityPrivateKey: member.identity.identityPrivateKey,
    signingKeys: signingKeys(),
    minConversationKeyVersion: next.envelopes.at(-1)!.ckv,
  });
  secrets.push(opened.conversationKey);
  return {
    key: { conversationKey: opened.conversationKey, conversationKeyVersion: opened.conversationKeyVersion, sender: sendbirdSender(member) },
    state: next,
  };
}

const states: Record<string, SendbirdKeyHistory> = {};
const sent: { text: Record<string, number>; files: number[] } = { text: {}, files: [] };

beforeAll(async () => {
  sb = await startFakeSendbird({ ...options, now: clock });
  [alice, bob, carol] = (await makeSendbirdMembers(['alice', 'bob', 'carol'])) as [SendbirdMember, SendbirdMember, SendbirdMember];
  for (const x of [alice, bob, carol]) secrets.push(x.identity.identityPrivateKey, x.identity.signingPrivateKey);

  // 1. Alice creates the end-to-end encrypted channel: the signed key envelope goes into data.
  const k1 = await prepareSendbirdChannelKey(
    { channelUrl: URL_, publicKeys: publicKeys(), memberIds: ['alice', 'bob', 'carol'], sender: sendbirdSender(alice) },
    hooks(),
  );
  const created = await sb.send(
    createSendbirdGroupChannelRequest(
      { user_ids: ['alice', 'bob', 'carol'], channel_url: URL_, name: 'Launch', data: '{"theme":"dark"}' },
      { ...options, e2ee: k1 },
    ),
  );
  expect(created.status).toBe(200);

  // 2. Every member records the envelope and opens the key; alice and bob talk, carol and bob send files, bob edits.
  const a1 = await openCurrent(alice, undefined);
  const b1 = await openCurrent(bob, undefined);
  const c1 = await openCurrent(carol, undefined);
  states.carol = c1.state;
  const post = async (req: ReturnType<typeof sendbirdMessageRequest>) => (await (await sb.send(req)).json()) as Json;
  sent.text[TEXTS[0]!] = (
    await post(
      sendbirdMessageRequest(await prepareSendbirdMessage({ channelUrl: URL_, text: TEXTS[0]! }, a1.key, { state: a1.state }), options),
    )
  ).message_id;
  const bobs = await post(
    sendbirdMessageRequest(
      await prepareSendbirdMessage({ channelUrl: URL_, text: TEXTS[1]!, mentionType: 'users', mentionedUserIds: ['alice'] }, b1.key),
      options,
    ),
  );
  sent.files.push(
    (
      await post(
        sendbirdFileMessageRequest(
          await prepareSendbirdFileMessage(
            {
              channelUrl: URL_,
              file: PHOTO,
              fileName: FILE_NAMES[0]!,
              mimeType: MIME[0]!,
              caption: 'from the party',
              width: 400,
              height: 375,
            },
            c1.key,
          ),
          options,
        ),
      )
    ).message_id,
  );
  const edited = await post(
    sendbirdMessageRequest(
      await prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: bobs.message_id, text: TEXTS[2]! }, b1.key),
      options,
    ),
  );
  expect(edited).toMatchObject({ message_id: bobs.message_id, updated_at: expect.any(Number) });
  sent.text[TEXTS[2]!] = bobs.message_id;

  // 3. Carol leaves; alice rotates the key for the remaining members, keeping the app's data.
  await call('PUT', `/group_channels/${URL_}/leave`, { user_ids: ['carol'] });
  offset += 1000;
  const before = await channelResource();
  const remaining = before.members!.map((x) => x.user_id);
  expect(remaining).toEqual(['alice', 'bob']);
  const k2 = await prepareSendbirdChannelKey(
    { channelUrl: URL_, publicKeys: publicKeys(), memberIds: remaining, sender: sendbirdSender(alice) },
    hooks(),
  );
  await sb.send(
    updateSendbirdChannelKeyRequest({ channel_url: URL_, prepared: k2, user_ids: remaining, currentData: before.data as string }, options),
  );
  offset += 1000;

  // 4. After the rotation: alice and bob use the new key; carol records the rotation that left her out.
  const a2 = await openCurrent(alice, a1.state);
  const b2 = await openCurrent(bob, b1.state);
  states.bob = b2.state;
  states.carol = await recordSendbirdChannelKey(await channelResource(), { signingKeys: signingKeys(), state: states.carol });
  await expect(
    openSendbirdChannelKey(await channelResource(), {
      userId: 'carol',
      identityPrivateKey: carol.identity.identityPrivateKey,
      signingKeys: signingKeys(),
    }),
  ).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER' });
  // An old key is refused to a sender who keeps the history: the channel moved on.
  await expect(prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, a1.key, { state: a2.state })).rejects.toMatchObject({
    code: 'ERR_STALE_KEY_VERSION',
  });
  sent.text[TEXTS[3]!] = (
    await post(
      sendbirdMessageRequest(await prepareSendbirdMessage({ channelUrl: URL_, text: TEXTS[3]! }, a2.key, { state: a2.state }), options),
    )
  ).message_id;
  sent.files.push(
    (
      await post(
        sendbirdFileMessageRequest(
          await prepareSendbirdFileMessage(
            { channelUrl: URL_, file: CONTRACT, fileName: FILE_NAMES[1]!, mimeType: MIME[1]!, caption: TEXTS[4]! },
            b2.key,
          ),
          options,
        ),
      )
    ).message_id,
  );
});

afterAll(async () => {
  await sb?.close();
});

const view = (results: SendbirdMessageResult[]) =>
  results.map((r) =>
    r.ok ? [r.message.senderId, r.message.kind, r.message.text ?? null, r.message.file?.name ?? null] : [r.sendbirdMessageId, r.error.code],
  );

describe('the E2EE flow over HTTP', () => {
  test('a remaining member reads the whole history across both key versions, files included', async () => {
    const messages = await history();
    expect(messages).toHaveLength(5);
    const { results, state } = await openSendbirdMessages(messages, {
      signingKeys: signingKeys(),
      channel: await channelResource(),
      state: states.bob,
      userId: 'bob',
      identityPrivateKey: bob.identity.identityPrivateKey,
    });
    expect(state).toEqual(states.bob);
    expect(view(results)).toEqual([
      ['alice', 'text', TEXTS[0], null],
      ['bob', 'edit', TEXTS[2], null],
      ['carol', 'file', 'from the party', FILE_NAMES[0]],
      ['alice', 'text', TEXTS[3], null],
      ['bob', 'file', TEXTS[4], FILE_NAMES[1]],
    ]);
    const opened = results.map((r) => (r as { message: OpenedSendbirdMessage }).message);
    expect(new Set(opened.map((o) => o.conversationKeyVersion)).size).toBe(2);
    expect(opened[2]!.file).toMatchObject({ size: PHOTO.length, mimeType: 'image/jpeg', width: 400, height: 375 });
    // The files, downloaded from Sendbird's file URLs: one-shot and streamed.
    const photo = await openSendbirdFile(new Uint8Array(await (await sb.fetch(opened[2]!.file!.url)).arrayBuffer()), opened[2]!);
    expect(Buffer.from(photo).equals(Buffer.from(PHOTO))).toBe(true);
    const res = await sb.fetch(opened[4]!.file!.url);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const contract = new Uint8Array(await new Response(res.body!.pipeThrough(sendbirdFileDecryptionStream(opened[4]!))).arrayBuffer());
    expect(Buffer.from(contract).equals(Buffer.from(CONTRACT))).toBe(true);
  });

  test('webhook bodies open too: a send, and the update of the edited message dated by its updated_at', async () => {
    const asBob = { signingKeys: signingKeys(), state: states.bob, userId: 'bob', identityPrivateKey: bob.identity.identityPrivateKey };
    const [first, edited] = sb.state.messages.get(URL_)!;
    expect(await openSendbirdMessage(sb.messageSendWebhook(URL_, first!.message_id), asBob)).toMatchObject({
      kind: 'text',
      text: TEXTS[0],
    });
    const update = sb.messageUpdateWebhook(URL_, edited!.message_id);
    expect(await openSendbirdMessage(update, asBob)).toMatchObject({ kind: 'edit', text: TEXTS[2], updatedAt: edited!.updated_at });
    // The webhook's own channel (its current envelope) serves as the channel: it does not hold the
    // key of the edit (sealed before the rotation); carol's history does, and she wrote before she left.
    const asCarol = { signingKeys: signingKeys(), userId: 'carol', identityPrivateKey: carol.identity.identityPrivateKey };
    await expect(openSendbirdMessage(update, asCarol)).rejects.toMatchObject({
      code: 'ERR_NO_CONVERSATION_KEY',
      field: 'message.payload.data.ckm.ckv',
    });
    expect(await openSendbirdMessage(update, { ...asCarol, state: states.carol })).toMatchObject({ kind: 'edit', text: TEXTS[2] });
    // A forged channel in a webhook is refused before any message is looked at.
    const forged = {
      ...update,
      channel: {
        ...(update.channel as object),
        data: (update.channel as { data: string }).data.replace(/"kc":"(.)/, (_m, c: string) => `"kc":"${c === 'A' ? 'B' : 'A'}`),
      },
    };
    await expect(openSendbirdMessage(forged, { ...asBob, state: undefined })).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'channel.data.ckk.sig',
    });
    // With the history, the forged twin of a recorded envelope is refused as such.
    await expect(openSendbirdMessage(forged, asBob)).rejects.toMatchObject({
      code: 'ERR_STALE_KEY_VERSION',
      field: 'channel.data.ckk.ckv',
    });
  });

  test('the removed member reads everything up to the rotation and nothing after it', async () => {
    const { results } = await openSendbirdMessages(await history(), {
      signingKeys: signingKeys(),
      state: states.carol,
      userId: 'carol',
      identityPrivateKey: carol.identity.identityPrivateKey,
    });
    expect(view(results)).toEqual([
      ['alice', 'text', TEXTS[0], null],
      ['bob', 'edit', TEXTS[2], null],
      ['carol', 'file', 'from the party', FILE_NAMES[0]],
      [sent.text[TEXTS[3]!], 'ERR_NOT_A_MEMBER'],
      [sent.files[1], 'ERR_NOT_A_MEMBER'],
    ]);
    // Without having recorded the rotation, she cannot even tell which key the new messages use.
    const old = await openSendbirdMessages(await history(), {
      signingKeys: signingKeys(),
      state: { ...states.carol!, envelopes: states.carol!.envelopes.slice(0, 1) },
      userId: 'carol',
      identityPrivateKey: carol.identity.identityPrivateKey,
    });
    expect(view(old.results).slice(3)).toEqual([
      [sent.text[TEXTS[3]!], 'ERR_NO_CONVERSATION_KEY'],
      [sent.files[1], 'ERR_NO_CONVERSATION_KEY'],
    ]);
  });

  test('Sendbird sends nothing readable: no plaintext, file name, MIME type or key in any request body, header or path', async () => {
    expect(sb.state.requests.length).toBeGreaterThan(20);
    const needles: (string | Uint8Array)[] = [
      ...TEXTS,
      ...FILE_NAMES,
      ...MIME,
      'from the party',
      'launch moves',
      PHOTO.subarray(5000, 5032),
      CONTRACT.subarray(100, 140),
    ];
    for (const k of secrets) needles.push(k, Buffer.from(k).toString('hex'), Buffer.from(k).toString('base64').replace(/=+$/, ''));
    for (const n of needles)
      expect(
        sb.state.requestsContaining(n).map((r) => `${r.method} ${r.path}`),
        typeof n === 'string' ? n : 'bytes',
      ).toEqual([]);
    // What Sendbird stores: placeholders, encrypted blobs under a neutral name.
    const stored = sb.state.messages.get(URL_)!;
    expect(stored.map((x) => [x.type, x.message, x.file?.name ?? null, x.file?.type ?? null])).toEqual([
      ['MESG', 'Encrypted message', null, null],
      ['MESG', 'Encrypted message', null, null],
      ['FILE', '', 'encrypted.bin', 'application/octet-stream'],
      ['MESG', 'Encrypted message', null, null],
      ['FILE', '', 'encrypted.bin', 'application/octet-stream'],
    ]);
    // dedup_id is the message id the sender signed; an edit keeps the message's, and names it as its target.
    const docs = stored.map((x) => JSON.parse(x.data).ckm);
    expect(
      stored.map((x, i) =>
        docs[i].kind === 'edit' ? [docs[i].target === String(x.message_id), x.dedup_id !== docs[i].mid] : x.dedup_id === docs[i].mid,
      ),
    ).toEqual([true, [true, true], true, true, true]);
    // The app's own channel data survived the rotation next to the new envelope.
    expect(JSON.parse((await channelResource()).data as string).app).toBe('{"theme":"dark"}');
  });
});

describe('a server that tampers with what it stores', () => {
  const asBob = async () => ({
    signingKeys: signingKeys(),
    channel: await channelResource(),
    state: states.bob,
    userId: 'bob',
    identityPrivateKey: bob.identity.identityPrivateKey,
  });
  /** Reads the history after `mutate` changed the stored messages, then restores them. */
  async function readTampered(mutate: (stored: Json[]) => void): Promise<SendbirdMessageResult[]> {
    const stored = sb.state.messages.get(URL_)!;
    const saved = stored.map((x) => ({ ...x }));
    mutate(stored);
    try {
      return (await openSendbirdMessages(await history(), await asBob())).results;
    } finally {
      stored.splice(0, stored.length, ...saved);
    }
  }
  const codes = (results: SendbirdMessageResult[]) => results.map((r) => (r.ok ? 'ok' : r.error.code));

  test('a message attributed to another user, its data changed, moved to another channel, or a dedup_id dropped and replayed', async () => {
    expect(codes(await readTampered((s) => (s[0].user_id = 'bob')))).toEqual(['ERR_SIGNATURE_INVALID', 'ok', 'ok', 'ok', 'ok']);
    expect(
      codes(
        await readTampered(
          (s) => (s[3].data = s[3].data.replace(/"ct":"./, (m: string) => (m.endsWith('A') ? m.slice(0, -1) + 'B' : m.slice(0, -1) + 'A'))),
        ),
      ),
    ).toEqual(['ok', 'ok', 'ok', 'ERR_SIGNATURE_INVALID', 'ok']);
    // A message of another channel slipped into this one (its own channel_url kept, or rewritten).
    const otherKey = await prepareSendbirdChannelKey({
      channelUrl: 'other_room',
      publicKeys: publicKeys(),
      memberIds: ['alice', 'bob'],
      sender: sendbirdSender(alice),
    });
    const foreign = await prepareSendbirdMessage(
      { channelUrl: 'other_room', text: 'elsewhere' },
      { conversationKey: otherKey.conversationKey, conversationKeyVersion: otherKey.conversationKeyVersion, sender: sendbirdSender(alice) },
    );
    const moved = await readTampered((s) => s.push({ ...s[0], message_id: 999_001, created_at: s[4].created_at + 1, data: foreign.data }));
    expect(codes(moved).at(-1)).toBe('ERR_SIGNATURE_INVALID');
    expect(moved.at(-1)).toMatchObject({ error: { field: 'messages[5].channel_url' } });
    // Replayed: the same signed message stored again, later.
    const replayed = await readTampered((s) => s.push({ ...s[0], message_id: 999_002, created_at: s[4].created_at + 2, dedup_id: null }));
    expect(codes(replayed).at(-1)).toBe('ERR_DUPLICATE_EVENT');
  });

  test('re-sent with the older key after the rotation: stale, even in a batch of its own', async () => {
    offset += 10 * 60_000; // ten minutes on: beyond the grace
    const late = await readTampered((s) => {
      const resend = { ...s[0], message_id: 999_003, created_at: clock(), dedup_id: null };
      s.splice(0, s.length, resend);
    });
    expect(late).toEqual([
      expect.objectContaining({
        ok: false,
        error: expect.objectContaining({ code: 'ERR_STALE_KEY_VERSION', field: 'messages[0].created_at' }),
      }),
    ]);
  });

  test('a file URL pointing at another file of the channel, or a truncated blob, is refused when the file is opened', async () => {
    const { results } = await openSendbirdMessages(await history(), await asBob());
    const photoMessage = (results[2] as { message: OpenedSendbirdMessage }).message;
    const contractMessage = (results[4] as { message: OpenedSendbirdMessage }).message;
    const other = new Uint8Array(await (await sb.fetch(contractMessage.file!.url)).arrayBuffer());
    await expect(openSendbirdFile(other, photoMessage)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED' });
    const own = new Uint8Array(await (await sb.fetch(photoMessage.file!.url)).arrayBuffer());
    await expect(openSendbirdFile(own.subarray(0, own.length - 1041), photoMessage)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED' });
  });
});
