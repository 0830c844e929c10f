/**
 * messages.json: the send side of the message layer, one vector per sendable kind (a message
 * with entities and attachments, a reply, an edit, a reaction and its removal, deletes for all
 * and for self), each with the call's inputs, its whole result, the signed payload, the sealed
 * entry, the request body and the MessageEvent the backend delivers. The conversation is the group
 * of request-group-create, with its key (conversation.ts).
 *
 * @module
 */
import {
  deleteMessagesRequest,
  encryptAddReaction,
  encryptEdit,
  encryptMessage,
  encryptRemoveReaction,
  encryptReply,
  prepareMessageDelete,
  sendMessageRequest,
  type ActionSignature,
  type SendPayload,
  type SigningKeyEntry,
} from '../../index.js';
import { resolveBackend } from '../../backends.js';
import { withTestingHooks } from '../../testing.js';
import { decodeBase64, decodeStruct, messageCreatePayload, parsePublicKey, XChatStructs } from '../../wire.js';
import { openSecretbox } from '../../core/secretbox.js';
import { verifyPayload } from '../../core/signing.js';
import { fromHex, GROUP, header, KEY_VERSION, stream, toHex, toJsonValue, type Header, type Json } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, json, object, optional, str, type Read } from '../read.js';
import { userOf, type VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';
import { CKV, conversationKeyOf, deliverDetail, deliverSent } from './conversation.js';
import { readCall, type Call } from './message-calls.js';
import { readSigningKeys } from '../users.js';

/** The file's own top-level fields: the conversation, its key, and the members' signing keys. */
export interface MessagesTop {
  conversation_id: string;
  conversation_key_hex: string;
  conversation_key_version: string;
  signing_keys: SigningKeyEntry[];
}

/** One call and everything it gives. */
export type MessageVector = { id: string } & Call & {
    sender_user_id: string;
    sender_signing_private_hex: string;
    random_seed: string;
    message_id: string;
    sequence_id: string;
    result: Json;
    signed_payload: string;
    nonce_hex?: string;
    entry_hex?: string;
    request_body: Json;
    delivered_b64: string;
  };

export type MessagesFile = Header & MessagesTop & { vectors: MessageVector[] };

type Inputs = Pick<MessageVector, 'id' | 'sender_user_id' | 'random_seed' | 'message_id' | 'sequence_id'> & Call;

/** The calls, in order; `replyToEvent` and `targetEvent` name a vector whose delivered event they take. */
function calls(delivered: (id: string) => string): Inputs[] {
  const at = (n: number, id: string, sender_user_id: string) => ({
    id,
    sender_user_id,
    random_seed: `chat-keykit vectors: ${id}`,
    message_id: `00000000-0000-4000-8000-${(5000 + n).toString(16).padStart(12, '0')}`,
    sequence_id: String(2070276095283454100n + BigInt(n)),
  });
  const media = { attachment_type: 'media', media_hash_key: 'a1b2c3d4', width: 640, height: 480, filesize_bytes: 5000 } as const;
  return [
    { ...at(1, 'message-plain', '111'), function: 'encryptMessage', params: { conversationId: GROUP, text: 'Hello, team!' } },
    {
      ...at(2, 'message-rich', '333'),
      function: 'encryptMessage',
      params: {
        conversationId: GROUP,
        text: '@bob see https://x.com #trip',
        entities: [
          [0, 4, 'mention'],
          [9, 22, 'url'],
          [23, 28, 'hashtag'],
        ],
        attachments: [
          { ...media, filename: 'photo.jpg', media_type: 1 },
          { ...media, media_hash_key: 'e5f6a7b8', filesize_bytes: 1025, filename: 'clip.mp4', media_type: 3, duration_millis: 1500 },
        ],
        shouldNotify: false,
        ttlMsec: 86400000,
      },
    },
    {
      ...at(3, 'message-url', '222'),
      function: 'encryptMessage',
      params: {
        conversationId: GROUP,
        text: 'https://example.com/article',
        attachments: [{ attachment_type: 'url', url: 'https://example.com/article', display_title: 'An article' }],
      },
    },
    {
      ...at(4, 'reply', '222'),
      function: 'encryptReply',
      params: { conversationId: GROUP, text: 'Hi 111 👋', replyToEvent: delivered('message-plain') },
    },
    {
      ...at(5, 'edit', '111'),
      function: 'encryptEdit',
      params: { targetEvent: delivered('message-plain'), updatedText: 'Hello, #team!', entities: [[7, 12, 'hashtag']] },
    },
    { ...at(6, 'reaction-add', '333'), function: 'encryptAddReaction', params: { targetEvent: delivered('message-plain'), emoji: '👍' } },
    {
      ...at(7, 'reaction-remove', '333'),
      function: 'encryptRemoveReaction',
      params: { conversationId: GROUP, targetMessageSequenceId: String(2070276095283454101n), emoji: '👍' },
    },
    {
      ...at(8, 'delete-for-all', '111'),
      function: 'prepareMessageDelete',
      params: { conversationId: GROUP, sequenceIds: [String(2070276095283454101n)], deleteForAll: true },
    },
    {
      ...at(9, 'delete-for-self', '222'),
      function: 'prepareMessageDelete',
      params: { conversationId: GROUP, sequenceIds: [String(2070276095283454103n), String(2070276095283454104n)], deleteForAll: false },
    },
  ];
}

/** Runs a vector's call, deterministically. */
function run(v: Inputs, key: Uint8Array, signingPrivateKey: Uint8Array): Promise<SendPayload | ActionSignature> {
  const options = withTestingHooks({ backend: 'noble' as const }, { random: stream(v.random_seed), messageId: () => v.message_id });
  const sender = { userId: v.sender_user_id, signingKeyVersion: KEY_VERSION, signingPrivateKey };
  const keys = { conversationKey: key, conversationKeyVersion: CKV, sender };
  switch (v.function) {
    case 'encryptMessage':
      return encryptMessage({ ...v.params, ...keys }, options);
    case 'encryptReply':
      return encryptReply({ ...v.params, ...keys }, options);
    case 'encryptEdit':
      return encryptEdit({ ...v.params, ...keys }, options);
    case 'encryptAddReaction':
      return encryptAddReaction({ ...v.params, ...keys }, options);
    case 'encryptRemoveReaction':
      return encryptRemoveReaction({ ...v.params, ...keys }, options);
    case 'prepareMessageDelete':
      return prepareMessageDelete({ ...v.params, sender }, options);
  }
}

/** Everything a call gives, derived from its result. */
function outputs(v: Inputs, r: SendPayload | ActionSignature, key: Uint8Array) {
  const delivery = { sequence_id: v.sequence_id, sender_id: v.sender_user_id, conversation_id: GROUP };
  if ('encodedMessageEventDetail' in r) {
    return {
      result: toJsonValue(r),
      signed_payload: r.signaturePayload ?? '',
      request_body: toJsonValue(deleteMessagesRequest(r)),
      delivered_b64: deliverDetail(r.messageId, decodeBase64(r.encodedMessageEventDetail), delivery, r),
    };
  }
  const contents = decodeStruct(XChatStructs.MessageCreateEvent, decodeBase64(r.encryptedContent)).contents ?? new Uint8Array();
  const entry = openSecretbox(key, contents);
  return {
    result: toJsonValue(r),
    signed_payload: messageCreatePayload(7, {
      messageId: r.messageId,
      senderId: v.sender_user_id,
      conversationId: GROUP,
      conversationKeyVersion: r.conversationKeyVersion,
      contents,
    }),
    nonce_hex: toHex(contents.subarray(0, 24)),
    entry_hex: entry ? toHex(entry) : '(does not open)',
    request_body: toJsonValue(sendMessageRequest(r)),
    delivered_b64: deliverSent(r, delivery),
  };
}

export async function generate(users: VectorUser[]): Promise<MessagesFile> {
  const key = await conversationKeyOf(users);
  const done = new Map<string, MessageVector>();
  const delivered = (id: string) => done.get(id)?.delivered_b64 ?? '';
  // One call at a time: a reply, an edit or a reaction takes the delivered event of an earlier vector.
  for (let i = 0; i < calls(delivered).length; i++) {
    const v = calls(delivered)[i] as Inputs;
    const signing = userOf(users, v.sender_user_id).identity.signingPrivateKey;
    const r = await run(v, key, signing);
    done.set(v.id, { ...v, sender_signing_private_hex: toHex(signing), ...outputs(v, r, key) });
  }
  const vectors = [...done.values()];
  return {
    ...header(
      'The send side of the message layer: each call’s inputs and its whole result (SendPayload or ActionSignature), the signed payload, the sealed entry, the request body and the delivered MessageEvent.',
    ),
    conversation_id: GROUP,
    conversation_key_hex: toHex(key),
    conversation_key_version: CKV,
    signing_keys: users.map((u) => u.signingKeyEntry),
    vectors,
  };
}

const RECOMPUTED = ['result', 'signed_payload', 'nonce_hex', 'entry_hex', 'request_body', 'delivered_b64'] as const;

/** Runs each call again and compares every output; verifies the file's signature over the file's payload. */
export async function check(c: Checker, file: FileBody<MessagesTop, MessageVector>): Promise<void> {
  const key = fromHex(file.conversation_key_hex);
  const backend = await resolveBackend('noble');
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const got = outputs(v, await run(v, key, fromHex(v.sender_signing_private_hex)), key);
      const g: Partial<Record<(typeof RECOMPUTED)[number], Json>> = got;
      for (const field of RECOMPUTED) c.eq(v.id, field, g[field], v[field]);
      const entry = file.signing_keys.find((k) => k.userId === v.sender_user_id);
      const signature = v.result !== null && typeof v.result === 'object' && 'signature' in v.result ? v.result.signature : undefined;
      if (!entry || typeof signature !== 'string') return c.fail(v.id, 'result.signature', 'no signing key or no signature to verify');
      const ok = await verifyPayload(backend, parsePublicKey(entry.publicKey, 'signing_keys'), v.signed_payload, decodeBase64(signature));
      c.eq(v.id, 'signature verifies over signed_payload', ok, true);
    });
  }
}

export const readVector: Read<MessageVector> = object((f): MessageVector => {
  const base = {
    id: f('id', str),
    sender_user_id: f('sender_user_id', str),
    sender_signing_private_hex: f('sender_signing_private_hex', hex),
    random_seed: f('random_seed', str),
    message_id: f('message_id', str),
    sequence_id: f('sequence_id', str),
    result: f('result', json),
    signed_payload: f('signed_payload', str),
    nonce_hex: f('nonce_hex', optional(hex)),
    entry_hex: f('entry_hex', optional(hex)),
    request_body: f('request_body', json),
    delivered_b64: f('delivered_b64', str),
  };
  return { ...base, ...readCall(f) };
});

export const messagesFile: VectorFile<MessagesTop, MessageVector> = {
  name: 'messages.json',
  recomputed: { top: [], vector: [...RECOMPUTED] },
  readTop: object((f) => ({
    conversation_id: f('conversation_id', str),
    conversation_key_hex: f('conversation_key_hex', hex),
    conversation_key_version: f('conversation_key_version', str),
    signing_keys: f('signing_keys', readSigningKeys),
  })),
  readVector,
  generate,
  check,
};
