/**
 * Sending refuses what it should, with the right code and field, and never with anything but a
 * typed error: every rule of encryptMessage, encryptReply, the reactions, encryptEdit and
 * prepareMessageDelete, one case each, then every parameter replaced by junk of every type. No
 * error carries a key, a private key or the plaintext of a message.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rejecter, type Expect } from '../../../helpers/rejects.js';
import {
  encodeMessageEvent,
  encryptAddReaction,
  encryptEdit,
  encryptMessage,
  encryptRemoveReaction,
  encryptReply,
  KeykitError,
  prepareConversationKeyChange,
  prepareMessageDelete,
} from '../../../helpers/kit.js';
import { deliverMessage } from '../../../helpers/deliver.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';
import { envelopes } from '../../../helpers/xdk.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const OTHER_KEY = new Uint8Array(32).fill(9);
const CKV = '1700000000500';
const TEXT = 'a secret text that must never appear in an error';
let alice: Member;
let bob: Member;
const provoked: unknown[] = [];
let original: string;
let reaction: string;
let oldOriginal: string;
let editByBob: string;
let otherConversation: string;
let keyChange: string;
let unencrypted: string;

const rejects = rejecter(provoked);

const sender = () => senderOf(alice);
const base = () => ({ conversationId: '111:222', text: TEXT, conversationKey: KEY, conversationKeyVersion: CKV, sender: sender() });
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

beforeAll(async () => {
  [alice, bob] = (await makeMembers(['111', '222'])) as [Member, Member];
  const keys = { conversationKey: KEY, conversationKeyVersion: CKV };
  const at = (sequenceId: string, senderId = '222', conversationId = '111:222') => ({ sequenceId, senderId, conversationId });
  original = deliverMessage(await encryptMessage({ conversationId: '111:222', text: TEXT, ...keys, sender: senderOf(bob) }), at('10'));
  reaction = deliverMessage(await encryptAddReaction({ emoji: '👍', targetEvent: original, ...keys, sender: senderOf(bob) }), at('11'));
  oldOriginal = deliverMessage(
    await encryptMessage({
      conversationId: '111:222',
      text: TEXT,
      conversationKey: OTHER_KEY,
      conversationKeyVersion: '1700000000400',
      sender: senderOf(bob),
    }),
    at('9'),
  );
  editByBob = deliverMessage(
    await encryptEdit({ updatedText: 'x', conversationId: '111:222', targetMessageSequenceId: '99', ...keys, sender: senderOf(bob) }),
    at('12'),
  );
  otherConversation = deliverMessage(
    await encryptMessage({ conversationId: 'g1', text: TEXT, ...keys, sender: senderOf(bob) }),
    at('13', '222', 'g1'),
  );
  const change = await prepareConversationKeyChange({ publicKeys: [alice.publicKeyInput, bob.publicKeyInput], sender: senderOf(bob) });
  keyChange = envelopes(change.actionSignatures, '222', '111:222', encodeMessageEvent)[0]!;
  // A MessageCreateEvent without a key version (field 101), as an "unencrypted" message.
  unencrypted = Buffer.from(
    encodeMessageEvent({
      sequenceId: '14',
      messageId: 'm',
      senderId: '222',
      conversationId: '111:222',
      detail: Buffer.from('0c00010b0064000000000000', 'hex'),
    }),
  ).toString('base64');
});

describe('encryptMessage', () => {
  const cases: [string, (p: Record<string, unknown>) => unknown, Expect][] = [
    ['params not an object', () => 'x', { code: 'ERR_INVALID_ARGUMENT', field: 'params' }],
    ['no sender', (p) => ({ ...p, sender: undefined }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.sender' }],
    [
      'sender id not digits',
      (p) => ({ ...p, sender: { ...sender(), userId: 'abc' } }),
      { code: 'ERR_INVALID_USER_ID', field: 'params.sender.userId' },
    ],
    [
      'sender id with a comma',
      (p) => ({ ...p, sender: { ...sender(), userId: '1,2' } }),
      { code: 'ERR_COMMA_IN_FIELD', field: 'params.sender.userId' },
    ],
    [
      'signing-key version with a comma',
      (p) => ({ ...p, sender: { ...sender(), signingKeyVersion: '1,2' } }),
      { code: 'ERR_COMMA_IN_FIELD', field: 'params.sender.signingKeyVersion' },
    ],
    [
      'signing-key version with a leading zero',
      (p) => ({ ...p, sender: { ...sender(), signingKeyVersion: '01' } }),
      { code: 'ERR_INVALID_VERSION', field: 'params.sender.signingKeyVersion' },
    ],
    [
      'signing key of 31 bytes',
      (p) => ({ ...p, sender: { ...sender(), signingPrivateKey: new Uint8Array(31).fill(1) } }),
      { code: 'ERR_INVALID_KEY', field: 'params.sender.signingPrivateKey' },
    ],
    [
      'signing key zero',
      (p) => ({ ...p, sender: { ...sender(), signingPrivateKey: new Uint8Array(32) } }),
      { code: 'ERR_INVALID_KEY', field: 'params.sender.signingPrivateKey' },
    ],
    [
      'conversation key of 31 bytes',
      (p) => ({ ...p, conversationKey: KEY.subarray(1) }),
      { code: 'ERR_INVALID_KEY', field: 'params.conversationKey' },
    ],
    [
      'conversation key of 33 bytes',
      (p) => ({ ...p, conversationKey: new Uint8Array(33) }),
      { code: 'ERR_INVALID_KEY', field: 'params.conversationKey' },
    ],
    [
      'conversation key as base64',
      (p) => ({ ...p, conversationKey: Buffer.from(KEY).toString('base64') }),
      { code: 'ERR_INVALID_KEY', field: 'params.conversationKey' },
    ],
    ['no conversation key', (p) => ({ ...p, conversationKey: undefined }), { code: 'ERR_INVALID_KEY', field: 'params.conversationKey' }],
    [
      'key version not digits',
      (p) => ({ ...p, conversationKeyVersion: 'abc' }),
      { code: 'ERR_INVALID_VERSION', field: 'params.conversationKeyVersion' },
    ],
    [
      'key version with a leading zero',
      (p) => ({ ...p, conversationKeyVersion: '0123' }),
      { code: 'ERR_INVALID_VERSION', field: 'params.conversationKeyVersion' },
    ],
    [
      'key version beyond u64',
      (p) => ({ ...p, conversationKeyVersion: '18446744073709551616' }),
      { code: 'ERR_INVALID_VERSION', field: 'params.conversationKeyVersion' },
    ],
    [
      'key version as a number',
      (p) => ({ ...p, conversationKeyVersion: 1700000000500 }),
      { code: 'ERR_INVALID_VERSION', field: 'params.conversationKeyVersion' },
    ],
    [
      'key version with a comma',
      (p) => ({ ...p, conversationKeyVersion: '1,2' }),
      { code: 'ERR_COMMA_IN_FIELD', field: 'params.conversationKeyVersion' },
    ],
    [
      'conversation id with a comma',
      (p) => ({ ...p, conversationId: '111,222' }),
      { code: 'ERR_COMMA_IN_FIELD', field: 'params.conversationId' },
    ],
    [
      'empty conversation id',
      (p) => ({ ...p, conversationId: '' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      'conversation id of letters',
      (p) => ({ ...p, conversationId: 'abc-def' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      'a one-to-one with oneself',
      (p) => ({ ...p, conversationId: '111:111' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      "the sender's own id as peer",
      (p) => ({ ...p, conversationId: '111' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      'a leading zero',
      (p) => ({ ...p, conversationId: '0222-111' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      'a group id of 20 digits',
      (p) => ({ ...p, conversationId: 'g12345678901234567890' }),
      { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' },
    ],
    [
      'a one-to-one of others',
      (p) => ({ ...p, conversationId: '333:444' }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.conversationId' },
    ],
    ['conversation id a number', (p) => ({ ...p, conversationId: 222 }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.conversationId' }],
    ['text a number', (p) => ({ ...p, text: 5 }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.text' }],
    ['text with a lone surrogate', (p) => ({ ...p, text: 'a\uD800b' }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.text' }],
    ['entities not a list', (p) => ({ ...p, entities: 'url' }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities' }],
    ['an entity of 2 elements', (p) => ({ ...p, entities: [[0, 1]] }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0]' }],
    [
      'a sparse entity list',
      // eslint-disable-next-line no-sparse-arrays -- a hole is the point
      (p) => ({ ...p, entities: [[0, 1, 'url'], , [0, 1, 'url']] }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[1]' },
    ],
    [
      'a fractional offset',
      (p) => ({
        ...p,
        entities: [
          [0, 1, 'url'],
          [0, 1.5, 'url'],
        ],
      }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[1][1]' },
    ],
    [
      'an offset as a string',
      (p) => ({ ...p, entities: [['0', 1, 'url']] }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][0]' },
    ],
    ['a negative start', (p) => ({ ...p, entities: [[-1, 1, 'url']] }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][0]' }],
    ['end before start', (p) => ({ ...p, entities: [[3, 2, 'url']] }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][1]' }],
    [
      'end past the UTF-8 text',
      (p) => ({ ...p, text: 'héllo', entities: [[0, 7, 'url']] }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][1]' },
    ],
    [
      'end beyond i32',
      (p) => ({ ...p, entities: [[0, 2 ** 31, 'url']] }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][1]' },
    ],
    [
      'an unknown entity type',
      (p) => ({
        ...p,
        entities: [
          [0, 1, 'url'],
          [0, 1, 'url'],
          [0, 1, 'bogus'],
        ],
      }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[2][2]' },
    ],
    [
      'an entity type in the wrong case',
      (p) => ({ ...p, entities: [[0, 1, 'PhoneNumber']] }),
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.entities[0][2]' },
    ],
    ['shouldNotify a string', (p) => ({ ...p, shouldNotify: 'yes' }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.shouldNotify' }],
    ['a negative TTL', (p) => ({ ...p, ttlMsec: -1 }), { code: 'ERR_INVALID_TTL', field: 'params.ttlMsec' }],
    ['a fractional TTL', (p) => ({ ...p, ttlMsec: 1.5 }), { code: 'ERR_INVALID_TTL', field: 'params.ttlMsec' }],
    ['a NaN TTL', (p) => ({ ...p, ttlMsec: NaN }), { code: 'ERR_INVALID_TTL', field: 'params.ttlMsec' }],
    ['an unsafe TTL', (p) => ({ ...p, ttlMsec: 2 ** 53 }), { code: 'ERR_INVALID_TTL', field: 'params.ttlMsec' }],
    ['a TTL as a string', (p) => ({ ...p, ttlMsec: '100' }), { code: 'ERR_INVALID_TTL', field: 'params.ttlMsec' }],
  ];
  test.each(cases)('%s', async (_n, mutate, e) => {
    await rejects(() => encryptMessage(mutate(base()) as never), e);
  });

  const media = { attachment_type: 'media', media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' };
  const url = { attachment_type: 'url', url: 'https://example.com' };
  const attachmentCases: [string, unknown, string][] = [
    ['not a list', media, 'params.attachments'],
    ['eleven images', Array(11).fill(media), 'params.attachments'],
    ['a URL with an image', [media, url], 'params.attachments[1]'],
    [
      'two posts',
      [
        { attachment_type: 'post', rest_id: '1' },
        { attachment_type: 'post', rest_id: '2' },
      ],
      'params.attachments[0]',
    ],
    ['an audio file with an image', [media, { ...media, media_type: 4 }], 'params.attachments[1]'],
    ['an unknown type', [{ ...media, attachment_type: 'gif' }], 'params.attachments[0].attachment_type'],
    ['camelCase type key', [{ attachmentType: 'media' }], 'params.attachments[0].attachmentType'],
    ['camelCase hash key', [{ ...media, mediaHashKey: 'abc' }], 'params.attachments[0].mediaHashKey'],
    ['an unknown key', [{ ...media, caption: 'x' }], 'params.attachments[0].caption'],
    ['no hash key', [{ ...media, media_hash_key: undefined }], 'params.attachments[0].media_hash_key'],
    ['a hash key with a slash', [{ ...media, media_hash_key: 'a/b' }], 'params.attachments[0].media_hash_key'],
    ['no width', [{ ...media, width: undefined }], 'params.attachments[0].width'],
    ['a negative height', [{ ...media, height: -1 }], 'params.attachments[0].height'],
    ['a size as a string', [{ ...media, filesize_bytes: '12345' }], 'params.attachments[0].filesize_bytes'],
    ['a fractional size', [{ ...media, filesize_bytes: 1.5 }], 'params.attachments[0].filesize_bytes'],
    ['an empty filename', [{ ...media, filename: '' }], 'params.attachments[0].filename'],
    ['media type 9', [{ ...media, media_type: 9 }], 'params.attachments[0].media_type'],
    ['a negative duration', [{ ...media, media_type: 3, duration_millis: -5 }], 'params.attachments[0].duration_millis'],
    ['a URL without url', [{ attachment_type: 'url', display_title: 't' }], 'params.attachments[0].url'],
    [
      'a URL image without filename',
      [{ ...url, banner_image: { media_hash_key: 'b', filesize_bytes: 1 } }],
      'params.attachments[0].banner_image.filename',
    ],
    [
      'a URL image with camelCase',
      [{ ...url, favicon_image: { media_hash_key: 'b', filesize_bytes: 1, filename: 'f', mediaHashKey: 'x' } }],
      'params.attachments[0].favicon_image.mediaHashKey',
    ],
    ['a URL image not an object', [{ ...url, banner_image: 'b' }], 'params.attachments[0].banner_image'],
    ['an empty post', [{ attachment_type: 'post' }], 'params.attachments[0]'],
    ['a post id as a number', [{ attachment_type: 'post', rest_id: 1234 }], 'params.attachments[0].rest_id'],
    ['a display title with a lone surrogate', [{ ...url, display_title: '\uDC00' }], 'params.attachments[0].display_title'],
  ];
  test.each(attachmentCases)('attachments: %s', async (_n, attachments, field) => {
    await rejects(() => encryptMessage({ ...base(), attachments } as never), { code: 'ERR_INVALID_ARGUMENT', field });
  });

  test('options: not an object, an unknown backend', async () => {
    await rejects(() => encryptMessage(base(), 'fast' as never), { code: 'ERR_INVALID_ARGUMENT', field: 'options' });
    await rejects(() => encryptMessage(base(), { backend: 'bogus' as never }), { code: 'ERR_UNSUPPORTED_BACKEND', field: 'backend' });
  });
});

describe('encryptReply', () => {
  const reply = (extra: Record<string, unknown>) => encryptReply({ ...base(), ...extra } as never);
  test.each([
    ['no target at all', {}, { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToSequenceId' }],
    [
      'the edit without the original',
      { replyToSequenceId: '5', replyToEditEvent: 'AA==' },
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEditEvent' },
    ],
    [
      'key changes without the original',
      { replyToSequenceId: '5', replyToCkces: [] },
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToCkces' },
    ],
    ['an empty explicit sequence id', { replyToSequenceId: '' }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToSequenceId' }],
    [
      'a sender id of letters',
      { replyToSequenceId: '5', replyToSenderId: 'abc' },
      { code: 'ERR_INVALID_USER_ID', field: 'params.replyToSenderId' },
    ],
    [
      'a fractional sender id',
      { replyToSequenceId: '5', replyToSenderId: 1.5 },
      { code: 'ERR_INVALID_USER_ID', field: 'params.replyToSenderId' },
    ],
    [
      'an unsafe sender id number',
      { replyToSequenceId: '5', replyToSenderId: 2 ** 60 },
      { code: 'ERR_INVALID_USER_ID', field: 'params.replyToSenderId' },
    ],
    [
      'a sender id beyond i64',
      { replyToSequenceId: '5', replyToSenderId: '9223372036854775808' },
      { code: 'ERR_INVALID_USER_ID', field: 'params.replyToSenderId' },
    ],
    [
      'preview entities past their text',
      { replyToSequenceId: '5', replyToText: 'ab', replyToEntities: [[0, 3, 'url']] },
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEntities[0][1]' },
    ],
    [
      'a bad preview attachment',
      { replyToSequenceId: '5', replyToAttachments: [{ attachment_type: 'post' }] },
      { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToAttachments[0]' },
    ],
    ['the original not base64', { replyToEvent: '!!!not-an-event!!!' }, { code: 'ERR_INVALID_BASE64', field: 'params.replyToEvent' }],
    ['the original not Thrift', { replyToEvent: b64('ff00') }, { code: 'ERR_INVALID_THRIFT', field: 'params.replyToEvent' }],
    ['the original a number', { replyToEvent: 5 }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' }],
  ] as [string, Record<string, unknown>, Expect][])('%s', async (_n, extra, e) => {
    await rejects(() => reply(extra), e);
  });

  test('originals that cannot be quoted here', async () => {
    await rejects(() => reply({ replyToEvent: otherConversation }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' });
    await rejects(() => reply({ replyToEvent: keyChange }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' });
    await rejects(() => reply({ replyToEvent: unencrypted }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' });
    await rejects(() => reply({ replyToEvent: reaction }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' });
    // Not a text message, even with every preview field given (the SDK would embed it unchecked).
    await rejects(() => reply({ replyToEvent: keyChange, replyToText: 'x', replyToEntities: [], replyToAttachments: [] }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToEvent',
    });
  });

  test('keys of an older original: none, a wrong one, malformed ones, a key change without the recipient', async () => {
    await rejects(() => reply({ replyToEvent: oldOriginal }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.replyToEvent' });
    await rejects(() => reply({ replyToEvent: oldOriginal, conversationKeys: { '1700000000400': KEY } }), {
      code: 'ERR_DECRYPT_FAILED',
      field: 'params.replyToEvent',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, conversationKeys: { '01': OTHER_KEY } }), {
      code: 'ERR_INVALID_VERSION',
      field: 'params.conversationKeys["01"]',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, conversationKeys: { '1700000000400': OTHER_KEY.subarray(1) } }), {
      code: 'ERR_INVALID_KEY',
      field: 'params.conversationKeys["1700000000400"]',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, conversationKeys: [OTHER_KEY] }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.conversationKeys',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, replyToCkces: [original] }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToCkces[0]',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, replyToCkces: [otherConversation] }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToCkces[0]',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, replyToCkces: ['%%'] }), {
      code: 'ERR_INVALID_BASE64',
      field: 'params.replyToCkces[0]',
    });
    await rejects(() => reply({ replyToEvent: oldOriginal, replyToCkces: 'x' }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToCkces',
    });
    // The key change is of another version than the original's: no key.
    await rejects(
      () =>
        reply({
          replyToEvent: oldOriginal,
          replyToCkces: [keyChange],
          recipient: { userId: '111', identityPrivateKey: alice.identity.identityPrivateKey },
        }),
      {
        code: 'ERR_INVALID_ARGUMENT',
        field: 'params.replyToEvent',
      },
    );
    await rejects(() => reply({ replyToEvent: oldOriginal, recipient: { userId: '111', identityPrivateKey: new Uint8Array(5) } }), {
      code: 'ERR_INVALID_KEY',
      field: 'params.recipient.identityPrivateKey',
    });
  });

  test('explicit fields that contradict the original, and edits that are not its', async () => {
    await rejects(() => reply({ replyToEvent: original, replyToSequenceId: '11' }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToSequenceId',
    });
    await rejects(() => reply({ replyToEvent: original, replyToSenderId: '111' }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToSenderId',
    });
    await rejects(() => reply({ replyToEvent: original, replyToText: 'not the beginning' }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToText',
    });
    await rejects(() => reply({ replyToEvent: original, replyToEditEvent: editByBob }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToEditEvent',
    });
    await rejects(() => reply({ replyToEvent: original, replyToEditEvent: original }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToEditEvent',
    });
    await rejects(() => reply({ replyToEvent: original, replyToEditEvent: otherConversation }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToEditEvent',
    });
    const aliceEdit = deliverMessage(
      await encryptEdit({ updatedText: 'x', targetEvent: original, conversationKey: KEY, conversationKeyVersion: CKV, sender: sender() }),
      { sequenceId: '15', senderId: '111', conversationId: '111:222' },
    );
    await rejects(() => reply({ replyToEvent: original, replyToEditEvent: aliceEdit }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.replyToEditEvent',
    });
  });

  test('outgoing attachments keep the combination guard; preview attachments mirror the original and do not', async () => {
    const media = { attachment_type: 'media', media_hash_key: 'abc123', width: 1, height: 1, filesize_bytes: 1, filename: 'p' };
    await rejects(() => reply({ replyToSequenceId: '5', attachments: Array(11).fill(media) }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.attachments',
    });
    await expect(reply({ replyToSequenceId: '5', replyToAttachments: Array(11).fill(media) })).resolves.toHaveProperty('messageId');
  });
});

describe('reactions and edits', () => {
  const keys = () => ({ conversationKey: KEY, conversationKeyVersion: CKV, sender: sender() });
  test('targets and emoji', async () => {
    for (const f of [encryptAddReaction, encryptRemoveReaction]) {
      await rejects(() => f({ emoji: '👍', ...keys() } as never), { code: 'ERR_INVALID_ARGUMENT', field: 'params.conversationId' });
      await rejects(() => f({ emoji: '👍', conversationId: '111:222', ...keys() } as never), {
        code: 'ERR_INVALID_ARGUMENT',
        field: 'params.targetMessageSequenceId',
      });
      await rejects(() => f({ emoji: '', targetEvent: original, ...keys() }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.emoji' });
      await rejects(() => f({ emoji: '\uD83D', targetEvent: original, ...keys() }), {
        code: 'ERR_INVALID_ARGUMENT',
        field: 'params.emoji',
      });
      await rejects(() => f({ emoji: 5, targetEvent: original, ...keys() } as never), {
        code: 'ERR_INVALID_ARGUMENT',
        field: 'params.emoji',
      });
      await rejects(() => f({ emoji: '👍', targetEvent: '!!', ...keys() }), { code: 'ERR_INVALID_BASE64', field: 'params.targetEvent' });
      await rejects(() => f({ emoji: '👍', targetEvent: b64('0b0001'), ...keys() }), {
        code: 'ERR_INVALID_THRIFT',
        field: 'params.targetEvent',
      });
      await rejects(() => f({ emoji: '👍', targetEvent: original, targetMessageSequenceId: '', ...keys() }), {
        code: 'ERR_INVALID_ARGUMENT',
        field: 'params.targetMessageSequenceId',
      });
      const badConversation = Buffer.from(encodeMessageEvent({ sequenceId: '1', conversationId: '111-abc' })).toString('base64');
      await rejects(() => f({ emoji: '👍', targetEvent: badConversation, ...keys() }), {
        code: 'ERR_INVALID_CONVERSATION_ID',
        field: 'params.targetEvent (conversation id)',
      });
      await rejects(() => f({ emoji: '👍', conversationId: '1,2', targetMessageSequenceId: '1', ...keys() }), {
        code: 'ERR_COMMA_IN_FIELD',
        field: 'params.conversationId',
      });
      // An event without a sequence id (an envelope of only a conversation id).
      const bare = Buffer.from(encodeMessageEvent({ conversationId: '111:222' })).toString('base64');
      await rejects(() => f({ emoji: '👍', targetEvent: bare, ...keys() }), { code: 'ERR_INVALID_ARGUMENT', field: 'params.targetEvent' });
    }
  });
  test('edit text and entities', async () => {
    await rejects(() => encryptEdit({ updatedText: 5, targetEvent: original, ...keys() } as never), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.updatedText',
    });
    await rejects(() => encryptEdit({ updatedText: 'abc', entities: [[0, 4, 'url']], targetEvent: original, ...keys() }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.entities[0][1]',
    });
    await rejects(() => encryptEdit({ updatedText: 'abc', entities: [[0, 3, 'link' as never]], targetEvent: original, ...keys() }), {
      code: 'ERR_INVALID_ARGUMENT',
      field: 'params.entities[0][2]',
    });
  });
});

describe('prepareMessageDelete', () => {
  const del = (extra: Record<string, unknown>) =>
    prepareMessageDelete({ conversationId: '111:222', sequenceIds: ['5'], deleteForAll: true, sender: sender(), ...extra } as never);
  test.each([
    ['no sequence ids', { sequenceIds: [] }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.sequenceIds' }],
    ['sequence ids not a list', { sequenceIds: '5' }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.sequenceIds' }],
    ['an empty sequence id', { sequenceIds: ['5', ''] }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.sequenceIds[1]' }],
    ['a sequence id with a comma', { sequenceIds: ['5,6'] }, { code: 'ERR_COMMA_IN_FIELD', field: 'params.sequenceIds[0]' }],
    ['a duplicate', { sequenceIds: ['5', '6', '5'] }, { code: 'ERR_DUPLICATE_ID', field: 'params.sequenceIds[2]' }],
    ['no deleteForAll', { deleteForAll: undefined }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.deleteForAll' }],
    ['deleteForAll a string', { deleteForAll: 'true' }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.deleteForAll' }],
    ['an empty conversation id', { conversationId: '' }, { code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.conversationId' }],
    ['a conversation id with a comma', { conversationId: 'g1,2' }, { code: 'ERR_COMMA_IN_FIELD', field: 'params.conversationId' }],
    ['no sender', { sender: undefined }, { code: 'ERR_INVALID_ARGUMENT', field: 'params.sender' }],
  ] as [string, Record<string, unknown>, Expect][])('%s', async (_n, extra, e) => {
    await rejects(() => del(extra), e);
  });
});

describe('junk of every type in every parameter gives a typed error, never a TypeError', () => {
  const junk: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    10n,
    '',
    'x',
    '1,2',
    [],
    [[]],
    {},
    { length: 3 },
    new Uint8Array(3),
    true,
    Symbol('s'),
    () => 1,
    new Map(),
    new Date(0),
  ];
  const calls: [string, () => Record<string, unknown>, (p: never) => Promise<unknown>][] = [
    ['encryptMessage', () => ({ ...base(), entities: [[0, 1, 'url']], attachments: [] }), encryptMessage],
    [
      'encryptReply',
      () => ({ ...base(), replyToEvent: original, replyToEditEvent: null, replyToCkces: [], conversationKeys: {}, replyToText: 'a' }),
      encryptReply,
    ],
    [
      'encryptAddReaction',
      () => ({ emoji: '👍', targetEvent: original, conversationKey: KEY, conversationKeyVersion: CKV, sender: sender() }),
      encryptAddReaction,
    ],
    [
      'encryptEdit',
      () => ({
        updatedText: 'x',
        entities: [],
        conversationId: '111:222',
        targetMessageSequenceId: '5',
        conversationKey: KEY,
        conversationKeyVersion: CKV,
        sender: sender(),
      }),
      encryptEdit,
    ],
    [
      'prepareMessageDelete',
      () => ({ conversationId: '111:222', sequenceIds: ['5'], deleteForAll: true, sender: sender() }),
      prepareMessageDelete,
    ],
  ];
  test.each(calls)('%s', async (_n, valid, f) => {
    await expect(f(valid() as never)).resolves.toBeDefined();
    for (const key of Object.keys(valid())) {
      for (const v of junk) {
        try {
          await f({ ...valid(), [key]: v } as never);
        } catch (e) {
          provoked.push(e);
          expect(e, `${key} = ${typeof v === 'symbol' ? 'symbol' : String(v)}`).toBeInstanceOf(KeykitError);
        }
      }
    }
  });
});

afterAll(() => {
  const secrets: Uint8Array[] = [
    KEY,
    OTHER_KEY,
    alice.identity.signingPrivateKey,
    alice.identity.identityPrivateKey,
    bob.identity.signingPrivateKey,
  ];
  const needles = [
    ...secrets.flatMap((s) => {
      const b = Buffer.from(s);
      return [b.toString('hex'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), Array.from(b).join(',')];
    }),
    TEXT,
    Buffer.from(TEXT).toString('base64').slice(0, 20),
  ];
  expect(provoked.length).toBeGreaterThan(200);
  for (const p of provoked) {
    const t = [p instanceof Error ? `${p.message}\n${String(p)}` : '', JSON.stringify(p) ?? '', inspect(p, { depth: 8 })].join('\n');
    for (const n of needles) expect(t.includes(n), n.slice(0, 12)).toBe(false);
  }
});
