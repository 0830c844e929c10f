/**
 * Request bodies and paths of the X API's message endpoints (docs/xchat-sending.md §"Request
 * bodies and paths"; the OpenAPI schemas `SendChatMessageRequest` and `DeleteChatMessagesRequest`).
 *
 * Like the key-management builders, these return bodies, built from what was signed: a send body
 * from a `SendPayload` (ours or the SDK's), checked to hold a MessageCreateEvent and its
 * signature; a delete body from the delete's action signature, whose signed detail gives the
 * sequence ids and the action. Paths come from {@link conversationPath}, which writes a
 * one-to-one as `A-B` (the paths' pattern has no colon form).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray, assertObject, assertString, typeName } from '../../../guards.js';
import { assertDistinct, assertSignable, assertVersion } from '../../../rules.js';
import { SECRETBOX_OVERHEAD } from '../../../core/secretbox.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { decodeStruct } from '../../../wire/thrift/index.js';
import { decodeEventDetail } from '../../../wire/xchat/details.js';
import { MessageCreateEvent, MessageEventSignature } from '../../../wire/xchat/events.js';
import { checkSignatureVersion } from '../../../wire/xchat/payloads.js';
import { actionSignatureBody, type ActionSignatureBody } from '../requests.js';
import { isGroupId, isXUserId } from '../rules.js';
import type { ActionSignature } from '../types.js';
import { MEDIA_HASH_KEY } from './attachments.js';
import type { SendPayload } from './types.js';

/** Body of `POST /2/chat/conversations/{id}/messages` (`SendChatMessageRequest`). */
export interface SendMessageBody {
  message_id: string;
  encoded_message_create_event: string;
  encoded_message_event_signature: string;
  conversation_token?: string;
}

/** Options of {@link sendMessageRequest}. */
export interface SendMessageRequestOptions {
  /** `conversation_token`, when the conversation listing gave one. */
  conversationToken?: string;
}

/** Body of `POST /2/chat/conversations/{id}/messages/delete` (`DeleteChatMessagesRequest`). */
export interface DeleteMessagesBody {
  sequence_ids: string[];
  delete_message_action: 'delete_for_all' | 'delete_for_self';
  action_signatures: ActionSignatureBody[];
  media_hash_keys?: string[];
}

/** Options of {@link deleteMessagesRequest}. */
export interface DeleteMessagesRequestOptions {
  /** When given, must equal the signed sequence ids (a check; the body always takes the signed ones). */
  sequenceIds?: string[];
  /** When given, must equal the signed action. */
  deleteForAll?: boolean;
  /** Hash keys of the deleted messages' media, to delete the uploads too (only when deleting for everyone). */
  mediaHashKeys?: string[];
  /** Send `signature_payload` (server failure logs only). Default true. */
  includeSignaturePayload?: boolean;
}

/** The endpoints under `/2/chat/conversations/{id}/` that this module's paths name. */
export type ConversationEndpoint = 'messages' | 'messages/delete' | 'events' | 'read' | 'typing';

const ENDPOINTS: readonly ConversationEndpoint[] = ['messages', 'messages/delete', 'events', 'read', 'typing'];

/**
 * The `{id}` of a conversation path: a group id as is, a one-to-one (`A:B` or `A-B`) as `min-max`,
 * a peer's bare user id as is (the server pairs it with the caller). These are exactly the forms
 * of the paths' pattern `^([0-9]{1,19}|[0-9]{1,19}-[0-9]{1,19}|g[0-9]{1,19})$`.
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`
 */
export function pathConversationId(value: unknown, field = 'conversationId'): string {
  const id = assertString(value, field);
  if (isGroupId(id) || isXUserId(id)) return id;
  const m = /^([0-9]+)[:-]([0-9]+)$/.exec(id);
  const [a, b] = m ? [m[1] as string, m[2] as string] : ['', ''];
  if (!isXUserId(a) || !isXUserId(b) || a === b) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      "expected a group id (g and 1 to 19 digits), a one-to-one id (A:B or A-B of two different X user ids) or the peer's user id",
      field,
    );
  }
  return a.length < b.length || (a.length === b.length && a < b) ? `${a}-${b}` : `${b}-${a}`;
}

/**
 * The path of a conversation endpoint, with the id in the form the path takes.
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_ARGUMENT` (unknown endpoint)
 * @example
 * conversationPath('222:111', 'messages'); // '/2/chat/conversations/111-222/messages'
 */
export function conversationPath(conversationId: string, endpoint: ConversationEndpoint): string {
  if (!ENDPOINTS.includes(endpoint))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected one of ${ENDPOINTS.join(', ')}`, 'endpoint');
  return `/2/chat/conversations/${pathConversationId(conversationId)}/${endpoint}`;
}

function inconsistent(reason: string, field: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

/**
 * Builds the body of `POST /2/chat/conversations/{id}/messages` from a sent message, reaction, edit
 * or reply (chat-keykit's `SendPayload` or the SDK's). The signature is always sent: the schema
 * makes it optional, but receivers reject unsigned messages.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when `sent` is not a signed MessageCreateEvent
 * or its parts disagree
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`
 * @example
 * const sent = await encryptMessage(params);
 * await post(conversationPath(params.conversationId, 'messages'), sendMessageRequest(sent));
 */
export function sendMessageRequest(sent: SendPayload, options: SendMessageRequestOptions = {}): SendMessageBody {
  const s = assertObject(sent, 'sent');
  const opts = assertObject(options, 'options');
  const messageId = assertSignable(s.messageId, 'sent.messageId');
  const event = decodeStruct(MessageCreateEvent, decodeBase64(s.encryptedContent, 'sent.encryptedContent'), {
    field: 'sent.encryptedContent',
  });
  if (event.contents === undefined || event.contents.length < SECRETBOX_OVERHEAD)
    inconsistent('is not an encrypted MessageCreateEvent (no contents of at least 40 bytes)', 'sent.encryptedContent');
  const ckv = assertVersion(event.conversationKeyVersion, 'sent.encryptedContent (conversation key version)');
  if (s.conversationKeyVersion !== undefined && s.conversationKeyVersion !== ckv)
    inconsistent('differs from the key version inside encryptedContent', 'sent.conversationKeyVersion');
  const sig = decodeStruct(MessageEventSignature, decodeBase64(s.encodedEventSignature, 'sent.encodedEventSignature'), {
    field: 'sent.encodedEventSignature',
  });
  if (decodeBase64(sig.signature, 'sent.encodedEventSignature (signature)').length !== 64)
    inconsistent('does not carry a 64-byte signature', 'sent.encodedEventSignature');
  assertVersion(sig.publicKeyVersion, 'sent.encodedEventSignature (public key version)');
  checkSignatureVersion(
    assertString(sig.signatureVersion, 'sent.encodedEventSignature (signature version)'),
    'sent.encodedEventSignature (signature version)',
  );
  if (s.signature !== undefined && s.signature !== sig.signature)
    inconsistent('differs from the signature inside encodedEventSignature', 'sent.signature');
  const token = opts.conversationToken;
  if (token !== undefined && typeof token !== 'string')
    inconsistent(`expected a string, got ${typeName(token)}`, 'options.conversationToken');
  return {
    message_id: messageId,
    encoded_message_create_event: s.encryptedContent as string,
    encoded_message_event_signature: s.encodedEventSignature as string,
    ...(token === undefined ? {} : { conversation_token: token }),
  };
}

/**
 * Builds the body of `POST /2/chat/conversations/{id}/messages/delete` from the action signature of
 * {@link prepareMessageDelete} (or the SDK's). `sequence_ids` and `delete_message_action` come
 * from the signed detail; `options.sequenceIds` and `options.deleteForAll`, when given, are checked
 * against it.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when the action is not a message delete, the
 * options disagree with it, or media hash keys come with a delete for the sender only;
 * `ERR_DUPLICATE_ID`; `ERR_INVALID_VERSION`
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`
 * @example
 * const body = deleteMessagesRequest(await prepareMessageDelete(params), { mediaHashKeys: ['abc123'] });
 */
export function deleteMessagesRequest(action: ActionSignature, options: DeleteMessagesRequestOptions = {}): DeleteMessagesBody {
  const a = assertObject(action, 'action');
  const opts = assertObject(options, 'options');
  const detail = decodeEventDetail(
    decodeBase64(a.encodedMessageEventDetail, 'action.encodedMessageEventDetail'),
    'action.encodedMessageEventDetail',
  );
  const del = detail.type === 'other' ? detail.value.messageDeleteEvent : undefined;
  if (!del) inconsistent('is not a MessageDeleteEvent detail', 'action.encodedMessageEventDetail');
  const ids = del.sequenceIds ?? [];
  if (ids.length === 0) inconsistent('names no message', 'action.encodedMessageEventDetail');
  const forAll = del.deleteMessageAction === 2;
  if (!forAll && del.deleteMessageAction !== 1)
    inconsistent(`has the unknown delete action ${String(del.deleteMessageAction)}`, 'action.encodedMessageEventDetail');
  if (opts.sequenceIds !== undefined) {
    const given = assertArray(opts.sequenceIds, 'options.sequenceIds');
    if (given.length !== ids.length || given.some((v, i) => v !== ids[i]))
      inconsistent('differ from the signed sequence ids', 'options.sequenceIds');
  }
  if (opts.deleteForAll !== undefined && opts.deleteForAll !== forAll)
    inconsistent(`the action signed deletes ${forAll ? 'for everyone' : 'for the sender only'}`, 'options.deleteForAll');
  let media: string[] | undefined;
  if (opts.mediaHashKeys !== undefined) {
    if (!forAll) inconsistent('only a delete for everyone removes media', 'options.mediaHashKeys');
    media = assertArray(opts.mediaHashKeys, 'options.mediaHashKeys').map((k, i) => {
      if (typeof k !== 'string' || !MEDIA_HASH_KEY.test(k))
        inconsistent('expected a media hash key (1 to 50 letters and digits)', `options.mediaHashKeys[${i}]`);
      return k;
    });
    assertDistinct(media, 'options.mediaHashKeys');
  }
  assertSignable(a.messageId, 'action.messageId');
  assertString(a.signature, 'action.signature');
  assertVersion(a.publicKeyVersion, 'action.publicKeyVersion');
  checkSignatureVersion(assertString(a.signatureVersion, 'action.signatureVersion'), 'action.signatureVersion');
  const includeSignaturePayload = opts.includeSignaturePayload;
  return {
    sequence_ids: [...ids],
    delete_message_action: forAll ? 'delete_for_all' : 'delete_for_self',
    action_signatures: [actionSignatureBody(action, undefined, { includeSignaturePayload: includeSignaturePayload !== false })],
    ...(media ? { media_hash_keys: media } : {}),
  };
}
