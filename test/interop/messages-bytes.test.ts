/**
 * Sending, byte for byte against the official SDK: for the same inputs (same sender keys, same
 * conversation key), our plaintext MessageEntryHolder is exactly the SDK's (decrypted from both
 * outputs), the MessageCreateEvent has the same fields in the same layout, the signature struct
 * is the same but for the signature, and the signed payload is the same string but for the
 * message id and the ciphertext. The same for deletes: identical detail, identical payload but
 * for the message id.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  encodeMessageEvent,
  prepareConversationKeyChange,
  withTestingHooks,
  encryptAddReaction,
  resolveBackend,
  encryptEdit,
  encryptMessage,
  encryptRemoveReaction,
  encryptReply,
  prepareMessageDelete,
  type AttachmentDescriptor,
  type EntityTuple,
  type SendPayload,
} from '../helpers/kit.js';
import { deliverMessage } from '../helpers/deliver.js';
import { decodeStruct, encodeStruct } from '../../src/wire/thrift/index.js';
import { MessageCreateEvent, MessageEvent } from '../../src/wire/xchat/events.js';
import { sealSecretbox } from '../../src/core/secretbox.js';
import { MessageEntryHolder } from '../../src/wire/xchat/contents.js';
import { hex, layoutWithoutContents, openSent, sdkFor, signedPayload } from '../helpers/messages.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { envelopes, type SdkSent, type XdkChat } from '../helpers/xdk.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const CKV = '1700000000500';
const OLD_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const OLD_CKV = '1700000000400';
let alice: Member;
let bob: Member;
let sdkAlice: XdkChat;

beforeAll(async () => {
  [alice, bob] = (await makeMembers(['111', '222'])) as [Member, Member];
  sdkAlice = await sdkFor(alice);
});

const keys = () => ({ conversationKey: Uint8Array.from(KEY), conversationKeyVersion: CKV });
const ours = () => ({ ...keys(), sender: senderOf(alice) });

/** Does the signature of a send verify over the payload with this conversation id (alice signing)? */
async function signedFor(sent: SendPayload | SdkSent, conversationId: string): Promise<boolean> {
  const backend = await resolveBackend();
  const payload = new TextEncoder().encode(signedPayload(sent, '111', conversationId));
  return backend.verify(alice.identity.signingPublicKey, payload, Uint8Array.from(Buffer.from(sent.signature, 'base64')));
}

/**
 * Our output and the SDK's for the same inputs must agree everywhere but in the random parts, and
 * both must be signed for `conversationId`.
 */
async function same(mine: SendPayload, theirs: SdkSent, conversationId: string, key = KEY): Promise<void> {
  expect(await signedFor(mine, conversationId), 'ours signed for the conversation').toBe(true);
  expect(await signedFor(theirs, conversationId), "the SDK's signed for the conversation").toBe(true);
  const a = openSent(mine, key);
  const b = openSent(theirs, key);
  expect(hex(a.plaintext)).toBe(hex(b.plaintext));
  expect(layoutWithoutContents(a.raw)).toBe(layoutWithoutContents(b.raw));
  expect(a.event.contents!.length).toBe(b.event.contents!.length);
  expect({ ...a.signature, signature: 'x' }).toEqual({ ...b.signature, signature: 'x' });
  expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
  expect({ ...mine, messageId: 'x', encryptedContent: 'x', signature: 'x', encodedEventSignature: 'x' }).toEqual({
    ...theirs,
    messageId: 'x',
    encryptedContent: 'x',
    signature: 'x',
    encodedEventSignature: 'x',
  });
  expect(mine.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const strip = (p: string) =>
    p
      .split(',')
      .map((c, i) => (i === 1 || i === 5 ? '*' : c))
      .join(',');
  expect(strip(signedPayload(mine, '111', conversationId))).toBe(strip(signedPayload(theirs, '111', conversationId)));
}

const entities: EntityTuple[] = [
  [0, 4, 'mention'],
  [9, 21, 'url'],
  [0, 1, 'hashtag'],
  [1, 2, 'cashtag'],
  [2, 3, 'email'],
  [3, 4, 'address'],
  [4, 5, 'phone_number'],
  [5, 6, 'phoneNumber'],
];
const attachments: Record<string, AttachmentDescriptor[]> = {
  media: [{ attachment_type: 'media', media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' }],
  video: [
    {
      attachment_type: 'media',
      media_hash_key: 'v1',
      width: 1920,
      height: 1080,
      filesize_bytes: 99,
      filename: 'v.mp4',
      media_type: 3,
      duration_millis: 15000,
    },
  ],
  'ten images': Array.from({ length: 10 }, (_, i) => ({
    attachment_type: 'media' as const,
    media_hash_key: `h${i}`,
    width: i,
    height: 2 * i,
    filesize_bytes: 3 * i,
    filename: `f${i}.gif`,
    media_type: (i % 3) + 1,
  })) as AttachmentDescriptor[],
  url: [
    {
      attachment_type: 'url',
      url: 'https://example.com',
      display_title: 'Example',
      banner_image: { media_hash_key: 'ban1', filesize_bytes: 2400, filename: 'b.jpg', width: 1200, height: 630 },
      favicon_image: { media_hash_key: 'fav1', filesize_bytes: 120, filename: 'f.ico' },
    },
  ],
  'url, one side': [
    { attachment_type: 'url', url: 'https://x.co', banner_image: { media_hash_key: 'b', filesize_bytes: 1, filename: 'b', height: 5 } },
  ],
  post: [{ attachment_type: 'post', rest_id: '1234', post_url: 'https://x.com/a/status/1234' }],
  'post, id only': [{ attachment_type: 'post', rest_id: '1234' }],
  none: [],
};

describe('encryptMessage: the same plaintext, event layout and payload as the SDK', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['"hi"', { text: 'hi' }],
    ['empty text', { text: '' }],
    ['unicode and commas', { text: 'héllo, wörld 👍🏽 — 日本' }],
    ['every entity type', { text: '@bob see https://x.co', entities }],
    ['an empty entity list', { text: 'x', entities: [] }],
    ['should_notify false', { text: 'quiet', shouldNotify: false }],
    ['a TTL', { text: 'vanishing', ttlMsec: 86_400_000 }],
    ['a TTL of 0', { text: 'vanishing', ttlMsec: 0 }],
    ...Object.entries(attachments).map(([name, list]): [string, Record<string, unknown>] => [
      `attachments: ${name}`,
      { text: 'a', attachments: list },
    ]),
  ];
  for (const conversationId of ['111:222', '222-111', '222', 'g1234567890123456789']) {
    test.each(cases)(`%s (conversation ${conversationId})`, async (_, extra) => {
      const mine = await encryptMessage({ conversationId, ...ours(), ...extra } as never);
      const theirs = sdkAlice.encryptMessage({ conversationId, ...keys(), ...extra });
      await same(mine, theirs, conversationId.startsWith('g') ? conversationId : '111:222');
    });
  }
});

describe('reactions and edits: the same entries as the SDK, from an event or explicit fields', () => {
  let target: string;
  beforeAll(async () => {
    const sent = await encryptMessage({ conversationId: '111:222', text: 'original', ...keys(), sender: senderOf(bob) });
    target = deliverMessage(sent, { sequenceId: '101', senderId: '222', conversationId: '111:222' });
  });
  const forms = () => [
    { targetEvent: target },
    { conversationId: '111:222', targetMessageSequenceId: '101' },
    { targetEvent: target, targetMessageSequenceId: '77' },
    { targetEvent: target, conversationId: '222' },
  ];
  const elsewhere = () => ({ targetEvent: target, conversationId: 'g1234567890123456789' });
  test('add and remove a reaction', async () => {
    for (const form of forms()) {
      for (const emoji of ['👍', '❤️', 'a,b']) {
        await same(
          await encryptAddReaction({ emoji, ...form, ...ours() } as never),
          sdkAlice.encryptAddReaction({ emoji, ...form, ...keys() }),
          '111:222',
        );
        await same(
          await encryptRemoveReaction({ emoji, ...form, ...ours() } as never),
          sdkAlice.encryptRemoveReaction({ emoji, ...form, ...keys() }),
          '111:222',
        );
      }
    }
  });
  test("an explicit conversation id wins over the target event's", async () => {
    await same(
      await encryptAddReaction({ emoji: '👍', ...elsewhere(), ...ours() } as never),
      sdkAlice.encryptAddReaction({ emoji: '👍', ...elsewhere(), ...keys() }),
      'g1234567890123456789',
    );
    await same(
      await encryptEdit({ updatedText: 'x', ...elsewhere(), ...ours() } as never),
      sdkAlice.encryptEdit({ updatedText: 'x', ...elsewhere(), ...keys() }),
      'g1234567890123456789',
    );
  });
  test('edit, with and without entities', async () => {
    for (const form of forms()) {
      for (const extra of [{}, { entities: [[0, 5, 'hashtag']] }, { entities: [] }]) {
        await same(
          await encryptEdit({ updatedText: 'hello', ...extra, ...form, ...ours() } as never),
          sdkAlice.encryptEdit({ updatedText: 'hello', ...extra, ...form, ...keys() }),
          '111:222',
        );
      }
    }
  });
});

describe('replies: the same preview as the SDK, embedded events re-serialised alike', () => {
  let original: string;
  let withAttachments: string;
  let oldOriginal: string;
  let edit: string;
  let keyChange: string;
  let noisy: string;
  beforeAll(async () => {
    const conv = '111:222';
    original = deliverMessage(
      await encryptMessage({ conversationId: conv, text: 'original', entities: [[0, 8, 'hashtag']], ...keys(), sender: senderOf(bob) }),
      { sequenceId: '106', senderId: '222', conversationId: conv },
    );
    withAttachments = deliverMessage(
      await encryptMessage({ conversationId: conv, text: 'pic', attachments: attachments['ten images'], ...keys(), sender: senderOf(bob) }),
      {
        sequenceId: '107',
        senderId: '222',
        conversationId: conv,
      },
    );
    oldOriginal = deliverMessage(
      await encryptMessage({
        conversationId: conv,
        text: 'old',
        conversationKey: OLD_KEY,
        conversationKeyVersion: OLD_CKV,
        sender: senderOf(bob),
      }),
      { sequenceId: '90', senderId: '222', conversationId: conv },
    );
    edit = deliverMessage(
      await encryptEdit({
        updatedText: 'original, edited',
        entities: [[0, 4, 'url']],
        targetEvent: original,
        ...keys(),
        sender: senderOf(bob),
      }),
      {
        sequenceId: '108',
        senderId: '222',
        conversationId: conv,
      },
    );
    // The key change that made the old key (OLD_KEY at OLD_CKV), by bob, delivered.
    let first = true;
    const random = (n: number) => {
      if (first && n === 32) {
        first = false;
        return Uint8Array.from(OLD_KEY);
      }
      return new Uint8Array(randomBytes(n));
    };
    const change = await prepareConversationKeyChange(
      { publicKeys: [alice.publicKeyInput, bob.publicKeyInput], sender: senderOf(bob) },
      withTestingHooks({}, { now: () => Number(OLD_CKV), random }),
    );
    expect(change.conversationKeyVersion).toBe(OLD_CKV);
    expect(hex(change.conversationKey)).toBe(hex(OLD_KEY));
    keyChange = envelopes(change.actionSignatures, '222', conv, encodeMessageEvent, 80)[0]!;
    // An original with unknown fields in the envelope (12, 20), the MessageCreateEvent (110) and the
    // signature (6), which both must drop when embedding.
    const ev = decodeStruct(MessageEvent, Uint8Array.from(Buffer.from(original, 'base64')));
    const str = (id: number, text: string) => ({ id, type: 11, raw: Uint8Array.from([0, 0, 0, text.length, ...Buffer.from(text)]) });
    ev.$unknown = [str(12, 'x'), { id: 20, type: 10, raw: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 7) }];
    ev.detail!.messageCreateEvent!.$unknown = [str(110, 'y')];
    ev.messageEventSignature!.$unknown = [str(6, 'z')];
    noisy = Buffer.from(encodeStruct(MessageEvent, ev)).toString('base64');
    expect(noisy.length).toBeGreaterThan(original.length + 20);
  });

  test('from the delivered original: sender as i64, text, entities, sequence and message id, the raw event', async () => {
    for (const replyToEvent of [original, withAttachments, noisy]) {
      const params = { conversationId: '111:222', text: 'my reply', replyToEvent };
      await same(await encryptReply({ ...params, ...ours() }), sdkAlice.encryptReply({ ...params, ...keys() }), '111:222');
    }
  });

  test('an original with an entity type and an attachment kind unknown here: copied as the SDK copies them', async () => {
    const sent = await encryptMessage({ conversationId: '111:222', text: 'orig', ...keys(), sender: senderOf(bob) });
    const unknownVariant = (id: number) => ({ $unknown: [{ id, type: 12, raw: Uint8Array.of(0) }] });
    const holder = {
      contents: {
        message: {
          messageText: 'orig',
          entities: [
            { startIndex: 0, endIndex: 1, content: unknownVariant(8) },
            { startIndex: 0, endIndex: 2, content: { url: {} }, $unknown: [{ id: 9, type: 8, raw: Uint8Array.of(0, 0, 0, 1) }] },
          ],
          attachments: [unknownVariant(9), { post: { restId: '1', $unknown: [{ id: 7, type: 2, raw: Uint8Array.of(1) }] } }],
        },
      },
    };
    const ev = decodeStruct(MessageCreateEvent, Uint8Array.from(Buffer.from(sent.encryptedContent, 'base64')));
    ev.contents = sealSecretbox(KEY, encodeStruct(MessageEntryHolder, holder as never));
    const odd = deliverMessage(
      { ...sent, encryptedContent: Buffer.from(encodeStruct(MessageCreateEvent, ev)).toString('base64') },
      { sequenceId: '109', senderId: '222', conversationId: '111:222' },
    );
    const params = { conversationId: '111:222', text: 'r', replyToEvent: odd };
    const mine = await encryptReply({ ...params, ...ours() });
    await same(mine, sdkAlice.encryptReply({ ...params, ...keys() }), '111:222');
    const preview = decodeStruct(MessageEntryHolder, openSent(mine, KEY).plaintext).contents!.message!.replyingToPreview!;
    expect(preview.entities).toEqual([
      { startIndex: 0, endIndex: 1 },
      { startIndex: 0, endIndex: 2, content: { url: {} } },
    ]);
    expect(preview.attachments).toEqual([{ post: { restId: '1' } }]);
  });

  test('with the edit: text and entities from the edit, the edit embedded', async () => {
    const params = { conversationId: '111:222', text: 'my reply', replyToEvent: original, replyToEditEvent: edit };
    await same(await encryptReply({ ...params, ...ours() }), sdkAlice.encryptReply({ ...params, ...keys() }), '111:222');
  });

  test('an original under another key version: its key change embedded, the key from it (SDK) or given (ours)', async () => {
    const params = { conversationId: '111:222', text: 'late reply', replyToEvent: oldOriginal, replyToCkces: [keyChange] };
    const theirs = sdkAlice.encryptReply({ ...params, ...keys() });
    const recipient = { userId: '111', identityPrivateKey: alice.identity.identityPrivateKey };
    await same(await encryptReply({ ...params, ...ours(), recipient }), theirs, '111:222');
    await same(await encryptReply({ ...params, ...ours(), conversationKeys: { [OLD_CKV]: OLD_KEY } }), theirs, '111:222');
    await same(await encryptReply({ ...params, ...ours(), conversationKeys: new Map([[OLD_CKV, OLD_KEY]]) }), theirs, '111:222');
    // A key change of the reply's own version is not embedded (nothing to add), by either.
    const own = { ...params, conversationKeyVersion: OLD_CKV, conversationKey: Uint8Array.from(OLD_KEY) };
    const mine = await encryptReply({ ...own, sender: senderOf(alice), recipient });
    await same(mine, sdkAlice.encryptReply(own), '111:222', OLD_KEY);
    const preview = (k: Uint8Array, sent: SendPayload) =>
      decodeStruct(MessageEntryHolder, openSent(sent, k).plaintext).contents!.message!.replyingToPreview!;
    expect(preview(OLD_KEY, mine).rawEventCkces).toBeUndefined();
    expect(preview(KEY, await encryptReply({ ...params, ...ours(), recipient })).rawEventCkces).toHaveLength(1);
  });

  test('explicit overrides, alone and over a derived preview', async () => {
    const cases: Record<string, unknown>[] = [
      { replyToSequenceId: '5' },
      {
        replyToSequenceId: '5',
        replyToSenderId: '222',
        replyToText: 'quoted',
        replyToEntities: [[0, 1, 'url']],
        replyToAttachments: attachments.post,
      },
      { replyToSequenceId: '5', replyToSenderId: 222, replyToAttachments: attachments['ten images'] },
      { replyToEvent: original, replyToText: 'orig' },
      { replyToEvent: original, replyToEntities: [] },
      { replyToEvent: original, replyToText: 'orig', replyToEntities: [[0, 2, 'email']], replyToAttachments: [] },
      { replyToEvent: original, replyToSequenceId: '106', replyToSenderId: '222' },
    ];
    for (const extra of cases) {
      const params = { conversationId: '111:222', text: 'my reply', ...extra };
      await same(await encryptReply({ ...params, ...ours() } as never), sdkAlice.encryptReply({ ...params, ...keys() }), '111:222');
    }
  });
});

describe('prepareMessageDelete: the same detail and payload as the SDK', () => {
  test.each([
    ['111:222', ['5', '6'], true],
    ['222-111', ['5'], false],
    ['g1234567890123456789', ['9', '8', '7'], true],
  ] as const)('%s %j deleteForAll=%s', async (conversationId, sequenceIds, deleteForAll) => {
    const mine = await prepareMessageDelete({ conversationId, sequenceIds: [...sequenceIds], deleteForAll, sender: senderOf(alice) });
    const theirs = sdkAlice.prepareMessageDelete({ conversationId, sequenceIds: [...sequenceIds], deleteForAll });
    expect(mine.encodedMessageEventDetail).toBe(theirs.encodedMessageEventDetail);
    expect(mine.signaturePayload!.replace(mine.messageId, '*')).toBe(theirs.signaturePayload!.replace(theirs.messageId, '*'));
    expect({ ...mine, messageId: '', signature: '', signaturePayload: '' }).toEqual({
      ...theirs,
      messageId: '',
      signature: '',
      signaturePayload: '',
    });
  });
});
