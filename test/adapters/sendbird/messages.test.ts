/**
 * End-to-end encrypted Sendbird messages (src/adapters/sendbird/message-*.ts, file-open.ts):
 * prepared as the Chat SDK's params and as Platform API requests with nothing readable in them,
 * opened from the Platform API's resource, the Chat SDK's object and a webhook body; refused when
 * any field of the data, the channel, the sender, the kind, an edit's target or the key version
 * changes, when a message is replayed, or sent under a key the channel rotated away from; files
 * bound to their blob.
 */
import { inspect } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  createSendbirdFileDecryptor,
  decodeBase64,
  DEFAULT_PLACEHOLDER,
  encodeBase64NoPad,
  KeykitError,
  openSendbirdFile,
  openSendbirdMessage,
  openSendbirdMessages,
  prepareSendbirdFileMessage,
  prepareSendbirdMessage,
  prepareSendbirdMessageEdit,
  recordSendbirdChannelKey,
  sendbirdFileDecryptionStream,
  sendbirdFileMessageRequest,
  sendbirdMessageRequest,
  withTestingHooks,
  seededRandom,
  numberedMessageIds,
  type OpenedSendbirdMessage,
  type PreparedSendbirdChannelKey,
  type SendbirdChannelResource,
} from '../../helpers/kit.js';
import { flip } from '../../helpers/bytes.js';
import {
  channelOf,
  fileResource,
  keyOf,
  makeSendbirdMembers,
  prepareKey,
  sendbirdSender,
  textResource,
  type SendbirdMember,
} from '../../helpers/sendbird-members.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const URL_ = 'team_room';
const OTHER = 'other_room';
const options = { applicationId: 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB', apiToken: 'secret-api-token-77' };
const TEXT = 'the plaintext: meet at 7, bring the blue folder';

let m: SendbirdMember[];
let alice: SendbirdMember, bob: SendbirdMember, carol: SendbirdMember;
let k1: PreparedSendbirdChannelKey;
let channel1: SendbirdChannelResource;
const ids = ['alice', 'bob', 'carol'];
const signingKeys = () => m.map((x) => x.signingKeyEntry);
const keys1 = () => ({ [k1.conversationKeyVersion]: k1.conversationKey });
/** A time Sendbird would give a message sent now (after the key's version). */
const now = () => Date.now();

beforeAll(async () => {
  m = await makeSendbirdMembers(ids);
  [alice, bob, carol] = m as [SendbirdMember, SendbirdMember, SendbirdMember];
  k1 = await prepareKey(URL_, m, ids, alice);
  channel1 = channelOf(k1, ids);
});

const sendText = async (text = TEXT, by = alice, extra: Record<string, unknown> = {}) =>
  prepareSendbirdMessage({ channelUrl: URL_, text, ...extra }, keyOf(k1, by));
const asBob = (extra: Record<string, unknown> = {}) => ({
  signingKeys: signingKeys(),
  channel: channel1,
  userId: 'bob',
  identityPrivateKey: bob.identity.identityPrivateKey,
  ...extra,
});
/** The data document of a prepared message, parsed. */
const docOf = (data: string): Json => JSON.parse(data).ckm;
const withDoc = (data: string, f: (d: Json) => void): string => {
  const doc = JSON.parse(data);
  f(doc.ckm);
  return JSON.stringify(doc);
};

describe('sending', () => {
  test('a text message: the Chat SDK params with a placeholder in message and the signed, sealed document in data', async () => {
    const p = await sendText(TEXT, alice, { customType: 'chat', mentionType: 'users', mentionedUserIds: ['bob'] });
    expect(Object.keys(p)).toEqual(['message', 'data', 'customType', 'mentionType', 'mentionedUserIds']);
    expect(p).toMatchObject({ message: DEFAULT_PLACEHOLDER, customType: 'chat', mentionType: 'users', mentionedUserIds: ['bob'] });
    const doc = docOf(p.data);
    expect(Object.keys(JSON.parse(p.data))).toEqual(['ckm']);
    expect(Object.keys(doc)).toEqual(['v', 'kind', 'ch', 'sender', 'skv', 'ckv', 'mid', 'ct', 'sig']);
    expect(doc).toMatchObject({ v: 1, kind: 'text', ch: URL_, sender: 'alice', skv: '1700000000000', ckv: k1.conversationKeyVersion });
    expect(doc.mid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(decodeBase64(doc.ct).length).toBe(40 + 16 + Buffer.byteLength(TEXT)); // secretbox of the Thrift holder {1: {1: {1: text}}}
    expect(JSON.stringify(p)).not.toContain('blue folder');
    expect((await sendText('x', alice, { placeholder: 'New message' })).message).toBe('New message');
  });

  test('the Platform API request: POST …/messages as the sender, dedup_id the message id, no plaintext anywhere', async () => {
    const p = await sendText(TEXT, alice, { customType: 'chat', mentionedUserIds: ['bob'] });
    const r = sendbirdMessageRequest(p, { ...options, sendPush: false, isSilent: true, markAsRead: true });
    expect(r).toMatchObject({
      method: 'POST',
      url: `https://api-${options.applicationId}.sendbird.com/v3/group_channels/team_room/messages`,
      path: '/v3/group_channels/team_room/messages',
    });
    expect(r.headers).toEqual({ 'Api-Token': options.apiToken, 'Content-Type': 'application/json; charset=utf8' });
    expect(JSON.parse(r.body as string)).toEqual({
      message_type: 'MESG',
      user_id: 'alice',
      message: DEFAULT_PLACEHOLDER,
      data: p.data,
      custom_type: 'chat',
      mentioned_user_ids: ['bob'],
      send_push: false,
      is_silent: true,
      mark_as_read: true,
      dedup_id: docOf(p.data).mid,
    });
    expect(JSON.stringify(r)).not.toContain('blue folder');
    expect(() => sendbirdMessageRequest(p, { ...options, sendPush: 'no' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.sendPush' }),
    );
    expect(() => sendbirdMessageRequest({ ...p, data: '{}' }, options)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE', field: 'prepared.data' }),
    );
  });

  test('an edit: PUT …/messages/{message_id}, its own document naming the target; never a file message', async () => {
    const e = await prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: 123456, text: 'fixed' }, keyOf(k1, alice));
    const doc = docOf(e.data);
    expect(Object.keys(doc)).toEqual(['v', 'kind', 'ch', 'sender', 'skv', 'ckv', 'mid', 'target', 'ct', 'sig']);
    expect(doc).toMatchObject({ kind: 'edit', target: '123456' });
    const r = sendbirdMessageRequest(e, options);
    expect(r).toMatchObject({ method: 'PUT', path: '/v3/group_channels/team_room/messages/123456' });
    expect(JSON.parse(r.body as string)).toEqual({ message_type: 'MESG', message: DEFAULT_PLACEHOLDER, data: e.data });
    await expect(prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: '0123', text: 'x' }, keyOf(k1, alice))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.messageId',
    });
    const f = await prepareSendbirdFileMessage({ channelUrl: URL_, file: new Uint8Array(10), fileName: 'a.txt' }, keyOf(k1, alice));
    expect(() => sendbirdMessageRequest({ message: 'x', data: f.data }, options)).toThrow(
      expect.objectContaining({ field: 'prepared.data' }),
    );
  });

  test('a file: encrypted before upload; Sendbird sees a neutral name, the blob size and octet-stream, the rest is sealed', async () => {
    const photo = new Uint8Array(5000).map((_, i) => i % 251);
    const p = await prepareSendbirdFileMessage(
      {
        channelUrl: URL_,
        file: photo,
        fileName: 'IMG_2024_beach.jpg',
        mimeType: 'image/jpeg',
        caption: 'the beach',
        width: 640,
        height: 480,
      },
      keyOf(k1, alice),
    );
    expect(Object.keys(p)).toEqual(['file', 'fileName', 'fileSize', 'mimeType', 'data']);
    expect(p).toMatchObject({ fileName: 'encrypted.bin', fileSize: 24 + 5000 + 17 * 5, mimeType: 'application/octet-stream' });
    expect(p.file).toHaveLength(p.fileSize);
    expect(docOf(p.data)).toMatchObject({ kind: 'file' });
    expect(p.data).not.toMatch(/beach|jpeg|5000/);
    const r = sendbirdFileMessageRequest(p, options);
    expect(r).toMatchObject({ method: 'POST', path: '/v3/group_channels/team_room/messages' });
    expect(r.headers).toEqual({ 'Api-Token': options.apiToken });
    const form = r.body as FormData;
    const parts: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) parts[k] = v;
    expect(Object.keys(parts)).toEqual(['message_type', 'user_id', 'file_name', 'file_type', 'data', 'dedup_id', 'file']);
    expect(parts).toMatchObject({
      message_type: 'FILE',
      user_id: 'alice',
      file_name: 'encrypted.bin',
      file_type: 'application/octet-stream',
      data: p.data,
    });
    const blob = parts.file as File;
    expect([blob.name, blob.type, blob.size]).toEqual(['encrypted.bin', 'application/octet-stream', p.fileSize]);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(p.file);
    expect(() => sendbirdFileMessageRequest({ ...p, fileSize: 1 }, options)).toThrow(
      expect.objectContaining({ field: 'prepared.fileSize' }),
    );
  });

  test('deterministic with the testing hooks: message id, stream header and nonce come from the injected randomness in that order', async () => {
    const hooks = () => withTestingHooks({}, { random: seededRandom('sbmsg'), messageId: numberedMessageIds(7) });
    const file = new Uint8Array(100);
    const a = await prepareSendbirdFileMessage({ channelUrl: URL_, file, fileName: 'a.bin' }, keyOf(k1, alice), hooks());
    const b = await prepareSendbirdFileMessage({ channelUrl: URL_, file, fileName: 'a.bin' }, keyOf(k1, alice), hooks());
    expect(b).toEqual(a);
    expect(docOf(a.data).mid).toBe('00000000-0000-4000-8000-000000001b59');
    expect(a.file.subarray(0, 24)).toEqual(seededRandom('sbmsg')(24));
  });

  test('inputs are checked with typed errors naming the field', async () => {
    const key = keyOf(k1, alice);
    const cases: [Promise<unknown>, string, string][] = [
      [prepareSendbirdMessage({ channelUrl: 'a-b', text: 'x' }, key), 'ERR_INVALID_CONVERSATION_ID', 'params.channelUrl'],
      [prepareSendbirdMessage({ channelUrl: URL_, text: 'x\uD800' }, key), 'ERR_INVALID_ARGUMENT', 'params.text'],
      [prepareSendbirdMessage({ channelUrl: URL_, text: 7 as unknown as string }, key), 'ERR_INVALID_ARGUMENT', 'params.text'],
      [prepareSendbirdMessage({ channelUrl: URL_, text: 'x', placeholder: '' }, key), 'ERR_INVALID_ARGUMENT', 'params.placeholder'],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x', customType: 'c'.repeat(129) }, key),
        'ERR_INVALID_ARGUMENT',
        'params.customType',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x', mentionType: 'all' as 'users' }, key),
        'ERR_INVALID_ARGUMENT',
        'params.mentionType',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x', mentionedUserIds: ['bob', 'bob'] }, key),
        'ERR_DUPLICATE_ID',
        'params.mentionedUserIds[1]',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, { ...key, conversationKey: new Uint8Array(31) }),
        'ERR_INVALID_ARGUMENT',
        'key.conversationKey',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, { ...key, conversationKeyVersion: '01' }),
        'ERR_INVALID_VERSION',
        'key.conversationKeyVersion',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, { ...key, sender: { ...key.sender, userId: 'a,b' } }),
        'ERR_COMMA_IN_FIELD',
        'key.sender.userId',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, { ...key, sender: undefined as never }),
        'ERR_INVALID_ARGUMENT',
        'key.sender',
      ],
      [
        prepareSendbirdFileMessage({ channelUrl: URL_, file: new Uint8Array(1), fileName: '../x' }, key),
        'ERR_INVALID_ARGUMENT',
        'params.fileName',
      ],
      [
        prepareSendbirdFileMessage({ channelUrl: URL_, file: new Uint8Array(1), fileName: 'a\nb' }, key),
        'ERR_INVALID_ARGUMENT',
        'params.fileName',
      ],
      [
        prepareSendbirdFileMessage({ channelUrl: URL_, file: new Uint8Array(1), fileName: 'a', mimeType: 'image/jpeg; q=1' }, key),
        'ERR_INVALID_ARGUMENT',
        'params.mimeType',
      ],
      [
        prepareSendbirdFileMessage({ channelUrl: URL_, file: 'bytes' as unknown as Uint8Array, fileName: 'a' }, key),
        'ERR_INVALID_ARGUMENT',
        'params.file',
      ],
      [
        prepareSendbirdFileMessage({ channelUrl: URL_, file: new Uint8Array(1), fileName: 'a', width: -1 }, key),
        'ERR_INVALID_ARGUMENT',
        'params.width',
      ],
      [
        prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, key, withTestingHooks({}, { messageId: () => 'a b' })),
        'ERR_INVALID_ARGUMENT',
        'testing hooks: messageId',
      ],
    ];
    for (const [p, code, field] of cases) {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, field).toBeInstanceOf(KeykitError);
      expect(e, field).toMatchObject({ code, field });
    }
  });

  test('with the key history, a key the channel has rotated away from is refused, and so is a key its envelope did not commit to', async () => {
    const k2 = await prepareKey(URL_, m, ['alice', 'bob'], bob);
    let state = await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys() });
    state = await recordSendbirdChannelKey(channelOf(k2, ['alice', 'bob']), { signingKeys: signingKeys(), state });
    await expect(prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, keyOf(k1, alice), { state })).rejects.toMatchObject({
      code: 'ERR_STALE_KEY_VERSION',
      field: 'key.conversationKeyVersion',
    });
    await expect(
      prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, { ...keyOf(k2, alice), conversationKey: k1.conversationKey }, { state }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    await expect(prepareSendbirdMessage({ channelUrl: OTHER, text: 'x' }, keyOf(k2, alice), { state })).rejects.toMatchObject({
      field: 'options.state.channelUrl',
    });
    expect(docOf((await prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, keyOf(k2, alice), { state })).data).ckv).toBe(
      k2.conversationKeyVersion,
    );
  });
});

describe('opening', () => {
  test('a Platform API resource: the text, the sender, both ids, the key version and Sendbird times', async () => {
    const p = await sendText();
    const t = now();
    const r = textResource(p, { channelUrl: URL_, sender: 'alice', createdAt: t, messageId: 9001 });
    const expected = {
      kind: 'text',
      channelUrl: URL_,
      sendbirdMessageId: 9001,
      messageId: docOf(p.data).mid,
      senderId: 'alice',
      signingKeyVersion: '1700000000000',
      conversationKeyVersion: k1.conversationKeyVersion,
      createdAt: t,
      updatedAt: 0,
      text: TEXT,
    };
    expect(await openSendbirdMessage(r, asBob())).toEqual(expected);
    expect(await openSendbirdMessage(r, { signingKeys: signingKeys(), conversationKeys: keys1() })).toEqual(expected);
    expect(await openSendbirdMessage(r, { signingKeys: signingKeys(), conversationKeys: keys1(), channelUrl: URL_ })).toEqual(expected);
    await expect(
      openSendbirdMessage(r, { signingKeys: signingKeys(), conversationKeys: keys1(), channelUrl: OTHER }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID', field: 'message.channel_url' });
  });

  test("the Chat SDK's message object and a webhook body open the same way", async () => {
    const p = await sendText();
    const mid = docOf(p.data).mid;
    const sdk = {
      messageId: 77,
      channelUrl: URL_,
      messageType: 'user',
      sender: { userId: 'alice', nickname: '' },
      message: p.message,
      data: p.data,
      customType: '',
      createdAt: now(),
      updatedAt: 0,
    };
    expect(await openSendbirdMessage(sdk, asBob())).toMatchObject({ sendbirdMessageId: 77, messageId: mid, text: TEXT });
    await expect(openSendbirdMessage({ ...sdk, sender: { userId: 'carol' } }, asBob())).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'message.sender.userId',
    });
    await expect(openSendbirdMessage({ ...sdk, messageType: 'admin' }, asBob())).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'message.messageType',
    });
    const webhook = {
      category: 'group_channel:message_send',
      sender: { user_id: 'alice' },
      type: 'MESG',
      payload: { message_id: 78, custom_type: '', message: p.message, created_at: now(), data: p.data },
      channel: { channel_url: URL_, data: channel1.data },
      members: ids.map((user_id) => ({ user_id })),
      app_id: 'x',
    };
    // The webhook's own channel (with its envelope) is used: no channel option needed.
    expect(
      await openSendbirdMessage(webhook, {
        signingKeys: signingKeys(),
        userId: 'bob',
        identityPrivateKey: bob.identity.identityPrivateKey,
      }),
    ).toMatchObject({ sendbirdMessageId: 78, text: TEXT });
    await expect(openSendbirdMessage({ ...webhook, category: 'group_channel:create' }, asBob())).rejects.toMatchObject({
      field: 'message.category',
    });
    await expect(
      openSendbirdMessage(
        { ...webhook, members: [{ user_id: 'bob' }] },
        { signingKeys: signingKeys(), userId: 'bob', identityPrivateKey: bob.identity.identityPrivateKey },
      ),
    ).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER' });
  });

  test('an edit opens on the message it names, by its sender, dated by updated_at', async () => {
    const e = await prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: 4242, text: 'fixed text' }, keyOf(k1, alice));
    const r = { ...textResource(e, { channelUrl: URL_, sender: 'alice', createdAt: now() - 1000, messageId: 4242 }), updated_at: now() };
    expect(await openSendbirdMessage(r, asBob())).toMatchObject({ kind: 'edit', sendbirdMessageId: 4242, text: 'fixed text' });
    // On another message, or attributed to another sender: refused.
    await expect(openSendbirdMessage({ ...r, message_id: 4243 }, asBob())).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'message.message_id',
    });
    await expect(openSendbirdMessage({ ...r, user: { user_id: 'bob' } }, asBob())).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'message.user.user_id',
    });
    // An edit signed by bob of alice's message (bob signs it as himself; Sendbird says alice wrote the message).
    const byBob = await prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: 4242, text: 'hijacked' }, keyOf(k1, bob));
    await expect(openSendbirdMessage({ ...r, data: byBob.data }, asBob())).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      field: 'message.user.user_id',
    });
    // An edit's data in a FILE message, a text's data presented as a FILE.
    await expect(
      openSendbirdMessage({ ...r, type: 'FILE', file: { url: 'x', name: 'a', type: 'a/b', size: 1 } }, asBob()),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ENVELOPE', field: 'message.type' });
  });

  test('a file: its metadata from the sealed contents, the blob opened one-shot, incrementally and as a Web Stream', async () => {
    const photo = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const p = await prepareSendbirdFileMessage(
      { channelUrl: URL_, file: photo, fileName: 'beach.jpg', mimeType: 'image/jpeg', caption: 'sunset', width: 640, height: 480 },
      keyOf(k1, carol),
    );
    const r = fileResource(p, { channelUrl: URL_, sender: 'carol', createdAt: now(), url: 'https://files.example/abc/encrypted.bin' });
    const opened = await openSendbirdMessage(r, asBob());
    expect(opened).toMatchObject({ kind: 'file', senderId: 'carol', text: 'sunset' });
    expect(opened.file).toEqual({
      name: 'beach.jpg',
      size: 70_000,
      mimeType: 'image/jpeg',
      sha256: expect.any(String),
      width: 640,
      height: 480,
      url: 'https://files.example/abc/encrypted.bin',
      encryptedSize: p.fileSize,
    });
    expect(JSON.stringify(opened)).not.toContain(Buffer.from(k1.conversationKey).toString('base64').slice(0, 20));
    expect(await openSendbirdFile(p.file, opened)).toEqual(photo);
    const dec = await createSendbirdFileDecryptor(opened);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < p.file.length; i += 3000) parts.push(dec.push(p.file.subarray(i, i + 3000)));
    parts.push(dec.finish());
    expect(Buffer.concat(parts)).toEqual(Buffer.from(photo));
    const out = await new Response(
      new Blob([p.file as Uint8Array<ArrayBuffer>]).stream().pipeThrough(sendbirdFileDecryptionStream(opened)),
    ).arrayBuffer();
    expect(new Uint8Array(out)).toEqual(photo);
    // A stored copy of the opened message works with its key given again.
    const stored = JSON.parse(JSON.stringify(opened)) as OpenedSendbirdMessage;
    await expect(openSendbirdFile(p.file, stored)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'opened' });
    expect(await openSendbirdFile(p.file, stored, { conversationKeys: keys1() })).toEqual(photo);
    // Sendbird's file.data carries the data when the top-level data is empty.
    expect(await openSendbirdMessage({ ...r, data: '' }, asBob())).toMatchObject({ kind: 'file' });
    await expect(openSendbirdMessage({ ...r, data: (await sendText()).data }, asBob())).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'message.data',
    });
  });

  test('a blob swapped for another file of the channel, truncated, extended or flipped is refused', async () => {
    const a = await prepareSendbirdFileMessage(
      { channelUrl: URL_, file: new Uint8Array(3000).fill(1), fileName: 'a.bin' },
      keyOf(k1, alice),
    );
    const b = await prepareSendbirdFileMessage(
      { channelUrl: URL_, file: new Uint8Array(3000).fill(2), fileName: 'b.bin' },
      keyOf(k1, alice),
    );
    const opened = await openSendbirdMessage(fileResource(a, { channelUrl: URL_, sender: 'alice', createdAt: now() }), asBob());
    const refuse = async (blob: Uint8Array) => {
      await expect(openSendbirdFile(blob, opened)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED', field: 'encrypted' });
      const dec = await createSendbirdFileDecryptor(opened);
      expect(() => {
        dec.push(blob);
        dec.finish();
      }).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED' }));
    };
    await refuse(b.file); // same key, same length: only the hash tells them apart
    await refuse(a.file.subarray(0, a.file.length - 17));
    await refuse(a.file.subarray(0, 24));
    await refuse(Uint8Array.from([...a.file, 0]));
    await refuse(flip(Uint8Array.from(a.file), 100));
    const text = await openSendbirdMessage(
      textResource(await sendText(), { channelUrl: URL_, sender: 'alice', createdAt: now() }),
      asBob(),
    );
    await expect(openSendbirdFile(a.file, text)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'opened.kind' });
  });

  test('a batch: the GET messages response, keys opened once per version, one failure does not stop the others', async () => {
    const t = now();
    const good = await sendText('one');
    const second = await sendText('two', bob);
    const list = [
      textResource(good, { channelUrl: URL_, sender: 'alice', createdAt: t }),
      { type: 'ADMM', message_id: 1, channel_url: URL_, message: 'admin says hi', created_at: t },
      textResource(second, { channelUrl: URL_, sender: 'bob', createdAt: t + 1 }),
    ];
    const { results, state } = await openSendbirdMessages({ messages: list }, asBob());
    expect(results.map((r) => (r.ok ? r.message.text : r.error.code))).toEqual(['one', 'ERR_INVALID_ARGUMENT', 'two']);
    expect(results[1]).toMatchObject({ ok: false, index: 1, error: { field: 'messages.messages[1].type' } });
    expect(state).toEqual({ v: 1, channelUrl: URL_, envelopes: [JSON.parse(channel1.data as string).ckk] });
    expect((await openSendbirdMessages(list, { signingKeys: signingKeys(), conversationKeys: keys1() })).state).toBeUndefined();
    await expect(openSendbirdMessages('x' as never, asBob())).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'messages' });
  });
});

describe('tampering: every change is refused', () => {
  let p: Awaited<ReturnType<typeof sendText>>;
  let base: ReturnType<typeof textResource>;
  beforeAll(async () => {
    p = await sendText();
    base = textResource(p, { channelUrl: URL_, sender: 'alice', createdAt: now(), messageId: 31337 });
  });
  const refused = async (r: unknown, code: string, field?: string) => {
    const e = await openSendbirdMessage(r, asBob()).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KeykitError);
    expect(e).toMatchObject({ code, ...(field === undefined ? {} : { field }) });
    const text = `${(e as Error).message} ${inspect(e)} ${JSON.stringify(e)}`;
    expect(text).not.toContain('blue folder');
  };

  test('each field of the document', async () => {
    const edits: [string, (d: Json) => void, string, string][] = [
      ['v', (d) => (d.v = 2), 'ERR_UNSUPPORTED_ENVELOPE_VERSION', 'message.data.ckm.v'],
      ['kind', (d) => (d.kind = 'file'), 'ERR_INVALID_ENVELOPE', 'message.type'],
      ['kind edit', (d) => (d.kind = 'edit'), 'ERR_INVALID_ENVELOPE', 'message.data.ckm.target'],
      ['ch', (d) => (d.ch = OTHER), 'ERR_SIGNATURE_INVALID', 'message.channel_url'],
      ['sender', (d) => (d.sender = 'bob'), 'ERR_SIGNATURE_INVALID', 'message.user.user_id'],
      ['skv', (d) => (d.skv = '1700000000001'), 'ERR_SIGNING_KEY_NOT_FOUND', 'message.data.ckm.skv'],
      ['ckv', (d) => (d.ckv = String(BigInt(d.ckv) + 1n)), 'ERR_SIGNATURE_INVALID', 'message.data.ckm.sig'],
      [
        'mid',
        (d) => (d.mid = d.mid.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))),
        'ERR_SIGNATURE_INVALID',
        'message.data.ckm.sig',
      ],
      ['target', (d) => (d.target = '1'), 'ERR_INVALID_ENVELOPE', 'message.data.ckm.target'],
      ['ct', (d) => (d.ct = encodeBase64NoPad(flip(decodeBase64(d.ct), 50))), 'ERR_SIGNATURE_INVALID', 'message.data.ckm.sig'],
      ['sig', (d) => (d.sig = encodeBase64NoPad(flip(decodeBase64(d.sig), 5))), 'ERR_SIGNATURE_INVALID', 'message.data.ckm.sig'],
      ['extra', (d) => (d.x = 1), 'ERR_INVALID_ENVELOPE', 'message.data'],
      ['missing', (d) => delete d.mid, 'ERR_INVALID_ENVELOPE', 'message.data.ckm.mid'],
    ];
    for (const [, f, code, field] of edits) await refused({ ...base, data: withDoc(p.data, f) }, code, field);
    // Re-formatted, re-ordered, a duplicate key, an escape the writer would not write.
    await refused({ ...base, data: p.data.replace('{"ckm":{', '{ "ckm": {') }, 'ERR_INVALID_ENVELOPE', 'message.data');
    await refused({ ...base, data: p.data.replace('"v":1,"kind":"text"', '"kind":"text","v":1') }, 'ERR_INVALID_ENVELOPE', 'message.data');
    await refused(
      { ...base, data: p.data.replace('"sender":"alice"', '"sender":"bob","sender":"alice"') },
      'ERR_INVALID_ENVELOPE',
      'message.data',
    );
    await refused({ ...base, data: p.data.replace('"sender":"alice"', '"sender":"\\u0061lice"') }, 'ERR_INVALID_ENVELOPE', 'message.data');
    await refused({ ...base, data: '' }, 'ERR_INVALID_ENVELOPE', 'message.data');
    await refused({ ...base, data: 'x'.repeat(1024 * 1024 + 1) }, 'ERR_TOO_LARGE', 'message.data');
  });

  test("the resource's channel, sender and type; a message moved to another channel; the envelope of another channel", async () => {
    await refused({ ...base, channel_url: OTHER }, 'ERR_SIGNATURE_INVALID', 'message.channel_url');
    await refused({ ...base, user: { user_id: 'carol' } }, 'ERR_SIGNATURE_INVALID', 'message.user.user_id');
    await refused({ ...base, type: 'FILE', file: { url: 'x' } }, 'ERR_INVALID_ENVELOPE', 'message.type');
    // Moved to another channel with its document relabelled: the signature names team_room.
    const moved = { ...base, channel_url: OTHER, data: withDoc(p.data, (d) => (d.ch = OTHER)) };
    const otherKey = await prepareKey(OTHER, m, ids, alice);
    const e = await openSendbirdMessage(moved, {
      signingKeys: signingKeys(),
      channel: channelOf(otherKey, ids),
      userId: 'bob',
      identityPrivateKey: bob.identity.identityPrivateKey,
    }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'ERR_SIGNATURE_INVALID', field: 'message.data.ckm.sig' });
    // The envelope of another channel copied into this channel's data.
    await expect(
      openSendbirdMessage(base, { ...asBob(), channel: { ...channel1, data: channelOf(otherKey, ids).data } }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID', field: 'channel.data.ckk.sig' });
    // A channel option of another channel than the history.
    const state = await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys() });
    await expect(openSendbirdMessage(base, { ...asBob(), channel: channelOf(otherKey, ids), state })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'options.channel.channel_url',
    });
  });

  test('the key version: relabelled, a key the sender did not hold, a key the reader has no copy of, an unknown version', async () => {
    // dave never held k1: a message he signs under k1 (with a leaked key) is refused.
    const [dave] = await makeSendbirdMembers(['dave']);
    const byDave = await prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, keyOf(k1, dave!));
    const sk = [...signingKeys(), dave!.signingKeyEntry];
    await expect(
      openSendbirdMessage(textResource(byDave, { channelUrl: URL_, sender: 'dave', createdAt: now() }), { ...asBob(), signingKeys: sk }),
    ).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER', field: 'message.data.ckm.sender' });
    // Without the envelope of that version (conversation keys only), the same message opens: the check needs the history.
    expect(
      await openSendbirdMessage(textResource(byDave, { channelUrl: URL_, sender: 'dave', createdAt: now() }), {
        signingKeys: sk,
        conversationKeys: keys1(),
      }),
    ).toMatchObject({ senderId: 'dave' });
    // A version nobody gave a key or envelope for.
    await expect(
      openSendbirdMessage(base, { signingKeys: signingKeys(), conversationKeys: { '1': new Uint8Array(32) } }),
    ).rejects.toMatchObject({ code: 'ERR_NO_CONVERSATION_KEY', field: 'message.data.ckm.ckv' });
    await expect(openSendbirdMessage(base, { signingKeys: signingKeys(), channel: channel1 })).rejects.toMatchObject({
      code: 'ERR_NO_CONVERSATION_KEY',
      field: 'message.data.ckm.ckv',
    });
    // A wrong key given for a version whose envelope is known.
    await expect(
      openSendbirdMessage(base, {
        signingKeys: signingKeys(),
        channel: channel1,
        conversationKeys: { [k1.conversationKeyVersion]: new Uint8Array(32).fill(9) },
      }),
    ).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED', field: 'message.data.ckm.ckv' });
    // Without the envelope, a wrong key fails to open the secretbox.
    await expect(
      openSendbirdMessage(base, {
        signingKeys: signingKeys(),
        conversationKeys: { [k1.conversationKeyVersion]: new Uint8Array(32).fill(9) },
      }),
    ).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED', field: 'message.data.ckm.ct' });
  });

  test('replays: the same signed message on a second Sendbird message is refused the second time', async () => {
    const again = { ...base, message_id: 31338, created_at: base.created_at + 5 };
    const { results } = await openSendbirdMessages([base, base, again], asBob());
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ERR_DUPLICATE_EVENT']);
    expect(results[2]).toMatchObject({ sendbirdMessageId: 31338, error: { field: 'messages[2].data.ckm.mid' } });
  });
});

describe('key history and rotations', () => {
  test('after a rotation without carol: history read by bob across versions, by carol only up to the rotation; old-key messages after it are stale', async () => {
    let stateBob = await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys() });
    let stateCarol = stateBob;
    const t0 = now();
    const before = await sendText('before the rotation');
    const k2 = await prepareKey(URL_, m, ['alice', 'bob'], alice);
    const channel2 = channelOf(k2, ['alice', 'bob']);
    stateBob = await recordSendbirdChannelKey(channel2, { signingKeys: signingKeys(), state: stateBob });
    stateCarol = await recordSendbirdChannelKey(channel2, { signingKeys: signingKeys(), state: stateCarol });
    expect(JSON.parse(JSON.stringify(stateCarol))).toEqual(stateCarol);
    expect(stateCarol.envelopes.map((e) => e.ckv)).toEqual([k1.conversationKeyVersion, k2.conversationKeyVersion]);
    const after = await prepareSendbirdMessage({ channelUrl: URL_, text: 'after the rotation' }, keyOf(k2, bob));
    const t2 = Number(k2.conversationKeyVersion);
    const late = await sendText('old key, late');
    const later = await sendText('old key, too late');
    const history = [
      textResource(before, { channelUrl: URL_, sender: 'alice', createdAt: t0 }),
      textResource(after, { channelUrl: URL_, sender: 'bob', createdAt: t2 + 10 }),
      textResource(late, { channelUrl: URL_, sender: 'alice', createdAt: t2 + 60_000 }), // within the grace: a client that had not seen the rotation yet
      textResource(later, { channelUrl: URL_, sender: 'alice', createdAt: t2 + 600_000 }), // ten minutes after the rotation
    ];
    const read = (as: SendbirdMember, state: typeof stateBob) =>
      openSendbirdMessages(history, {
        signingKeys: signingKeys(),
        state,
        userId: as.id,
        identityPrivateKey: as.identity.identityPrivateKey,
      });
    const bobView = (await read(bob, stateBob)).results.map((r) => (r.ok ? r.message.text : r.error.code));
    expect(bobView).toEqual(['before the rotation', 'after the rotation', 'old key, late', 'ERR_STALE_KEY_VERSION']);
    const carolView = (await read(carol, stateCarol)).results.map((r) => (r.ok ? r.message.text : r.error.code));
    expect(carolView).toEqual(['before the rotation', 'ERR_NOT_A_MEMBER', 'old key, late', 'ERR_STALE_KEY_VERSION']);
    // The first message re-sent (replayed into the channel) after the rotation, read in a later batch.
    const replayed = textResource(before, { channelUrl: URL_, sender: 'alice', createdAt: t2 + 3_600_000 });
    await expect(
      openSendbirdMessage(replayed, {
        signingKeys: signingKeys(),
        state: stateBob,
        userId: 'bob',
        identityPrivateKey: bob.identity.identityPrivateKey,
      }),
    ).rejects.toMatchObject({ code: 'ERR_STALE_KEY_VERSION', field: 'message.created_at' });
    // With no grace at all, the late message is stale too; the field is Sendbird's created_at.
    const strict = await openSendbirdMessages(history, {
      signingKeys: signingKeys(),
      state: stateBob,
      userId: 'bob',
      identityPrivateKey: bob.identity.identityPrivateKey,
      rotationGraceMs: 0,
    });
    expect(strict.results[2]).toMatchObject({ ok: false, error: { code: 'ERR_STALE_KEY_VERSION', field: 'messages[2].created_at' } });
    // The channel's current envelope alone (no history) opens the new messages only; an old-key
    // message dated after the current key's version plus the grace is stale even without its key.
    const fresh = await openSendbirdMessages(history, {
      signingKeys: signingKeys(),
      channel: channel2,
      userId: 'bob',
      identityPrivateKey: bob.identity.identityPrivateKey,
    });
    expect(fresh.results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ERR_NO_CONVERSATION_KEY',
      'ok',
      'ERR_NO_CONVERSATION_KEY',
      'ERR_STALE_KEY_VERSION',
    ]);
  });

  test('recording: the floor refuses a replayed older envelope, the same envelope is recorded once, another with the same version is refused', async () => {
    const k2 = await prepareKey(URL_, m, ids, bob);
    let state = await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys() });
    expect(await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys(), state })).toEqual(state);
    state = await recordSendbirdChannelKey(channelOf(k2, ids), { signingKeys: signingKeys(), state });
    await expect(recordSendbirdChannelKey(channel1, { signingKeys: signingKeys(), state })).rejects.toMatchObject({
      code: 'ERR_STALE_KEY_VERSION',
      field: 'channel.data.ckk.ckv',
    });
    const twin = JSON.parse(channelOf(k2, ids).data as string);
    twin.ckk.keys.reverse();
    await expect(
      recordSendbirdChannelKey({ ...channel1, data: JSON.stringify(twin) }, { signingKeys: signingKeys(), state }),
    ).rejects.toMatchObject({ code: 'ERR_STALE_KEY_VERSION' });
    await expect(openSendbirdMessages([], { ...asBob(), state })).rejects.toMatchObject({ code: 'ERR_STALE_KEY_VERSION' });
    // The sender of an envelope must be a listed member; a tampered envelope is not recorded.
    await expect(
      recordSendbirdChannelKey({ ...channel1, members: [{ user_id: 'bob' }] }, { signingKeys: signingKeys() }),
    ).rejects.toMatchObject({ code: 'ERR_NOT_A_MEMBER' });
    const tampered = JSON.parse(channel1.data as string);
    tampered.ckk.kc = encodeBase64NoPad(flip(decodeBase64(tampered.ckk.kc), 1));
    await expect(
      recordSendbirdChannelKey({ ...channel1, data: JSON.stringify(tampered) }, { signingKeys: signingKeys() }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  });

  test('a history passed in is checked: format, channel, envelopes, order', async () => {
    const state = await recordSendbirdChannelKey(channel1, { signingKeys: signingKeys() });
    const env = state.envelopes[0]!;
    const bad: [unknown, string][] = [
      [{ ...state, v: 2 }, 'options.state.v'],
      [{ ...state, extra: 1 }, 'options.state'],
      [{ ...state, channelUrl: 'a b' }, 'options.state.channelUrl'],
      [{ ...state, envelopes: [{ ...env, kc: 'x' }] }, 'options.state.envelopes[0]'],
      [{ ...state, envelopes: [env, env] }, 'options.state.envelopes[1].ckv'],
      [{ ...state, envelopes: 'x' }, 'options.state.envelopes'],
    ];
    for (const [s, field] of bad)
      await expect(recordSendbirdChannelKey(channel1, { signingKeys: signingKeys(), state: s as never })).rejects.toMatchObject({ field });
    expect(JSON.stringify(state)).not.toMatch(
      new RegExp(Buffer.from(k1.conversationKey).toString('base64').slice(0, 16).replace(/[+/]/g, '.')),
    );
  });
});

describe('options', () => {
  test('garbage anywhere is a typed error, never a TypeError', async () => {
    const junk: unknown[] = [undefined, null, 0, 'x', [], {}, new Uint8Array(3), () => 1];
    const p = await sendText();
    const opened = await openSendbirdMessage(textResource(p, { channelUrl: URL_, sender: 'alice', createdAt: now() }), asBob());
    const calls: ((j: unknown) => unknown)[] = [
      (j) => prepareSendbirdMessage(j as never, keyOf(k1, alice)),
      (j) => prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, j as never),
      (j) => prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, keyOf(k1, alice), j as never),
      (j) => prepareSendbirdFileMessage(j as never, keyOf(k1, alice)),
      (j) => prepareSendbirdMessageEdit({ channelUrl: URL_, messageId: j as never, text: 'x' }, keyOf(k1, alice)),
      (j) => sendbirdMessageRequest(j as never, options),
      (j) => sendbirdMessageRequest(p, j as never),
      (j) => sendbirdFileMessageRequest(j as never, options),
      (j) => openSendbirdMessage(j, asBob()),
      (j) => openSendbirdMessage(textResource(p, { channelUrl: URL_, sender: 'alice', createdAt: now() }), j as never),
      (j) => openSendbirdMessages(j as never, asBob()),
      (j) =>
        openSendbirdMessages([j], asBob()).then((r) => {
          if (!r.results[0]!.ok) throw r.results[0]!.error;
        }),
      (j) => openSendbirdFile(j as never, opened),
      (j) => openSendbirdFile(new Uint8Array(0), j as never),
      (j) => createSendbirdFileDecryptor(j as never),
      (j) => recordSendbirdChannelKey(j as never, { signingKeys: signingKeys() }),
      (j) => recordSendbirdChannelKey(channel1, j as never),
    ];
    for (const [i, call] of calls.entries()) {
      for (const j of junk) {
        const e = await Promise.resolve()
          .then(() => call(j))
          .then(
            () => null,
            (x: unknown) => x,
          );
        if (e !== null) expect(e, `call ${i} with ${String(j)}`).toBeInstanceOf(KeykitError);
      }
    }
  });

  test('malformed options are typed errors naming the option', async () => {
    const r = textResource(await sendText(), { channelUrl: URL_, sender: 'alice', createdAt: now() });
    const cases: [Record<string, unknown>, string][] = [
      [{ signingKeys: 'x' }, 'options.signingKeys'],
      [{ signingKeys: [], conversationKeys: { '01': new Uint8Array(32) } }, 'options.conversationKeys["01"]'],
      [{ signingKeys: [], conversationKeys: { '1': new Uint8Array(31) } }, 'options.conversationKeys["1"]'],
      [{ signingKeys: [], rotationGraceMs: -1 }, 'options.rotationGraceMs'],
      [{ signingKeys: [], channelUrl: 'x' }, 'options.channelUrl'],
      [{ signingKeys: [], userId: 'bob' }, 'options.identityPrivateKey'],
      [{ signingKeys: [], channel: { channel_url: URL_ } }, 'channel.data'],
    ];
    for (const [o, field] of cases) await expect(openSendbirdMessage(r, o as never)).rejects.toMatchObject({ field });
    await expect(openSendbirdMessage(null, { signingKeys: [] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'message' });
  });
});

test('a sender is checked before anything is signed, and the signing key copy is not the caller’s', async () => {
  const key = keyOf(k1, alice);
  const before = Buffer.from(key.sender.signingPrivateKey);
  await prepareSendbirdMessage({ channelUrl: URL_, text: 'x' }, key);
  expect(Buffer.from(key.sender.signingPrivateKey).equals(before)).toBe(true);
  expect(Buffer.from(k1.conversationKey).some((b) => b !== 0)).toBe(true);
  expect(sendbirdSender(alice).userId).toBe('alice');
});
