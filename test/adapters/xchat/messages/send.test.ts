/**
 * The SendPayload on its own terms: its fields and encodings, the MessageCreateEvent fields (102
 * always, 103 only when a TTL is given), the signature over the payload with the canonical
 * conversation id (§2.5's table, bare peer id included), reproducible output under testing hooks,
 * the randomness order, and the caller's keys left as they were.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  encryptAddReaction,
  encryptEdit,
  encryptMessage,
  encryptRemoveReaction,
  encryptReply,
  messageCreatePayload,
  numberedMessageIds,
  prepareMessageDelete,
  resolveBackend,
  seededRandom,
  withTestingHooks,
  type SendPayload,
} from '../../../helpers/kit.js';
import { hex, openSent, signedPayload } from '../../../helpers/messages.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';
import { decodeStruct } from '../../../../src/wire/thrift/index.js';
import { MessageEntryHolder } from '../../../../src/wire/xchat/contents.js';
import { canonicalConversationId } from '../../../../src/adapters/xchat/rules.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const CKV = '1700000000500';
let alice: Member;

beforeAll(async () => {
  [alice] = (await makeMembers(['111'])) as [Member];
});

const params = (extra: Record<string, unknown> = {}) => ({
  conversationId: '111:222',
  text: 'hi',
  conversationKey: KEY,
  conversationKeyVersion: CKV,
  sender: senderOf(alice),
  ...extra,
});

async function verifies(sent: SendPayload, conversationId: string): Promise<boolean> {
  const backend = await resolveBackend();
  const payload = new TextEncoder().encode(signedPayload(sent, '111', conversationId));
  return backend.verify(alice.identity.signingPublicKey, payload, Uint8Array.from(Buffer.from(sent.signature, 'base64')));
}

describe('the SendPayload', () => {
  test('fields, encodings and the MessageCreateEvent', async () => {
    const sent = await encryptMessage(params());
    expect(Object.keys(sent).sort()).toEqual([
      'conversationKeyVersion',
      'encodedEventSignature',
      'encryptedContent',
      'messageId',
      'shouldNotify',
      'signature',
      'signatureInfo',
    ]);
    expect(sent.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent.signature).toMatch(/^[A-Za-z0-9+/]{86}$/);
    expect(sent.encryptedContent).toMatch(/=$|[A-Za-z0-9+/]$/);
    expect(sent).toMatchObject({
      signatureInfo: { publicKeyVersion: alice.version, signatureVersion: '7' },
      conversationKeyVersion: CKV,
      shouldNotify: true,
    });
    const { event, signature, plaintext } = openSent(sent, KEY);
    expect(hex(plaintext)).toBe('0c00010c00010b0001000000026869000000'); // docs/xchat-messages.md §1.7, "hi"
    expect(event).toEqual({ contents: event.contents, conversationKeyVersion: CKV, shouldNotify: true });
    expect(event.contents!.length).toBe(18 + 40);
    expect(signature).toEqual({ signature: sent.signature, publicKeyVersion: alice.version, signatureVersion: '7' });
    expect(await verifies(sent, '111:222')).toBe(true);
  });

  test('should_notify is always written; ttl_msec only when given (0 included)', async () => {
    expect(openSent(await encryptMessage(params({ shouldNotify: false })), KEY).event.shouldNotify).toBe(false);
    expect(openSent(await encryptMessage(params({ shouldNotify: null })), KEY).event.shouldNotify).toBe(true);
    expect(openSent(await encryptMessage(params({ ttlMsec: 0 })), KEY).event.ttlMsec).toBe(0n);
    expect(openSent(await encryptMessage(params({ ttlMsec: Number.MAX_SAFE_INTEGER })), KEY).event.ttlMsec).toBe(
      BigInt(Number.MAX_SAFE_INTEGER),
    );
    expect('ttlMsec' in openSent(await encryptMessage(params({ ttlMsec: null })), KEY).event).toBe(false);
    const reaction = await encryptAddReaction({
      emoji: 'x',
      conversationId: 'g1',
      targetMessageSequenceId: '1',
      conversationKey: KEY,
      conversationKeyVersion: CKV,
      sender: senderOf(alice),
    });
    expect(openSent(reaction, KEY).event).toMatchObject({ shouldNotify: true });
  });

  test.each([
    ['111:222', '111:222'],
    ['222:111', '111:222'],
    ['222-111', '111:222'],
    ['111-222', '111:222'],
    ['222', '111:222'],
    ['99', '99:111'],
    ['1111', '111:1111'],
    ['g123', 'g123'],
  ])('the conversation id %s is signed as %s', async (given, signed) => {
    expect(canonicalConversationId(given, '111')).toBe(signed);
    const sent = await encryptMessage(params({ conversationId: given }));
    expect(await verifies(sent, signed)).toBe(true);
    expect(await verifies(sent, given)).toBe(given === signed);
  });

  test('every call signs the same kind of payload', async () => {
    const keys = { conversationKey: KEY, conversationKeyVersion: CKV, sender: senderOf(alice) };
    const target = { conversationId: '222', targetMessageSequenceId: '5' };
    for (const sent of [
      await encryptReply({ ...params(), replyToSequenceId: '5' }),
      await encryptAddReaction({ emoji: '👍', ...target, ...keys }),
      await encryptRemoveReaction({ emoji: '👍', ...target, ...keys }),
      await encryptEdit({ updatedText: 'x', ...target, ...keys }),
    ]) {
      expect(await verifies(sent, '111:222')).toBe(true);
    }
  });

  test('the payload is messageCreatePayload of the parts', async () => {
    const sent = await encryptMessage(params());
    const { event } = openSent(sent, KEY);
    expect(signedPayload(sent, '111', '111:222')).toBe(
      messageCreatePayload(7, {
        messageId: sent.messageId,
        senderId: '111',
        conversationId: '111:222',
        conversationKeyVersion: CKV,
        contents: event.contents!,
      }),
    );
  });
});

describe('testing hooks and randomness', () => {
  test('the same hooks give the same bytes; the message id is drawn before the nonce', async () => {
    const hooks = () => withTestingHooks({}, { random: seededRandom('send') });
    const a = await encryptMessage(params(), hooks());
    const b = await encryptMessage(params(), hooks());
    expect(b).toEqual(a);
    const stream = seededRandom('send');
    const id = Buffer.from(stream(16)).toString('hex');
    expect(a.messageId.replace(/-/g, '').slice(0, 12)).toBe(id.slice(0, 12));
    expect(hex(openSent(a, KEY).event.contents!.subarray(0, 24))).toBe(hex(stream(24)));
  });

  test('the messageId hook replaces the UUID; an unsafe one is refused', async () => {
    const sent = await encryptMessage(params(), withTestingHooks({}, { messageId: numberedMessageIds(7) }));
    expect(sent.messageId).toBe('00000000-0000-4000-8000-000000001b59');
    await expect(encryptMessage(params(), withTestingHooks({}, { messageId: () => 'a,b' }))).rejects.toMatchObject({
      code: 'ERR_COMMA_IN_FIELD',
    });
    const del = await prepareMessageDelete(
      { conversationId: 'g1', sequenceIds: ['1'], deleteForAll: false, sender: senderOf(alice) },
      withTestingHooks({}, { messageId: () => 'm-1' }),
    );
    expect(del).toMatchObject({ messageId: 'm-1', signaturePayload: 'MessageDeleteEvent,m-1,111,g1,1,1' });
  });

  test("fresh message ids and nonces otherwise; the caller's keys are left as they were", async () => {
    const key = Uint8Array.from(KEY);
    const sender = senderOf(alice);
    const signing = Uint8Array.from(sender.signingPrivateKey);
    const a = await encryptMessage({ ...params(), conversationKey: key, sender });
    const b = await encryptMessage({ ...params(), conversationKey: key, sender });
    expect(a.messageId).not.toBe(b.messageId);
    expect(openSent(a, KEY).event.contents!.subarray(0, 24)).not.toEqual(openSent(b, KEY).event.contents!.subarray(0, 24));
    expect(hex(key)).toBe(hex(KEY));
    expect(hex(sender.signingPrivateKey)).toBe(hex(signing));
  });
});

describe('contents', () => {
  const entry = async (extra: Record<string, unknown>) =>
    decodeStruct(MessageEntryHolder, openSent(await encryptMessage(params(extra)), KEY).plaintext).contents!.message!;

  test('entities up to the UTF-8 length of the text, phone_number and phoneNumber alike', async () => {
    const text = 'héllo 👍 日本'; // 1 + 2 + 3 + 1 + 4 + 1 + 3 + 3 = 18 bytes
    const m = await entry({
      text,
      entities: [
        [0, 18, 'phone_number'],
        [18, 18, 'phoneNumber'],
        [0, 0, 'url'],
      ],
    });
    expect(m.entities).toEqual([
      { startIndex: 0, endIndex: 18, content: { phoneNumber: {} } },
      { startIndex: 18, endIndex: 18, content: { phoneNumber: {} } },
      { startIndex: 0, endIndex: 0, content: { url: {} } },
    ]);
    await expect(encryptMessage(params({ text, entities: [[0, 19, 'url']] }))).rejects.toMatchObject({ field: 'params.entities[0][1]' });
  });

  test('absent, null and empty lists: absent stays absent, empty is written empty', async () => {
    expect(await entry({ entities: null, attachments: undefined })).toEqual({ messageText: 'hi' });
    expect(await entry({ entities: [], attachments: [] })).toEqual({ messageText: 'hi', entities: [], attachments: [] });
  });

  test('null optional descriptor keys are absent; a media type defaults to image', async () => {
    const m = await entry({
      attachments: [
        {
          attachment_type: 'media',
          media_hash_key: 'a',
          width: 1,
          height: 2,
          filesize_bytes: 3,
          filename: 'f',
          media_type: null,
          duration_millis: null,
        },
      ],
    });
    expect(m.attachments).toEqual([
      { media: { mediaHashKey: 'a', dimensions: { width: 1n, height: 2n }, type: 1, filesizeBytes: 3n, filename: 'f' } },
    ]);
  });
});
