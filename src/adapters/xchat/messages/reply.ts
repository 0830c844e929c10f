/**
 * Replies (docs/xchat-messages.md §"1.5 ReplyingToPreview"): a text message whose contents carry a
 * `ReplyingToPreview` of the message replied to.
 *
 * With `replyToEvent` (the delivered original) the preview is derived as the SDK derives it: the
 * original's sender (an i64), its text, entities and attachments (text and entities from the edit
 * when `replyToEditEvent` is given), its sequence id and message id, and the events themselves,
 * re-serialised, so that receivers can check every claim against the signed original (field 8),
 * the edit (9) and the key changes of other key versions (10). Each `replyTo*` field given
 * explicitly replaces the derived value; the original is decrypted only when one of text,
 * entities and attachments is left to derive. Without `replyToEvent` the preview is built from
 * the explicit fields alone (`replyToSequenceId` required).
 *
 * Stricter than the SDK, which would send a preview that receivers must mark invalid (or that
 * leaks another conversation's message): the embedded events must belong to the reply's
 * conversation, the original and the edit must be encrypted messages of the same sender, the
 * edit must edit that original, key changes must be key changes, and an explicit sequence id,
 * sender or text must agree with the original (the text as a prefix of what is quoted).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray, assertObject, typeName } from '../../../guards.js';
import { resolveBackend, type CryptoOptions } from '../../../core/context.js';
import { checkRecipient } from '../../../core/recipient.js';
import { wipe } from '../../../core/secret.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { ReplyingToPreview } from '../../../wire/xchat/contents.js';
import { isXUserId, X_USER_ID } from '../rules.js';
import { checkAttachments } from './attachments.js';
import { messageContents } from './message.js';
import {
  assertSameConversation,
  checkConversationKeys,
  decryptRawEvent,
  encryptedContents,
  parseRawEvent,
  type KeySources,
  type RawEvent,
} from './raw-events.js';
import { checkConversationId, checkConversationKey, checkFlags, sendEntry, withSigner, type ConversationKey } from './send.js';
import { assertText, checkEntities } from './text.js';
import type { EncryptReplyParams, SendPayload } from './types.js';

type Preview = Infer<typeof ReplyingToPreview>;

const I64_MAX = (1n << 63n) - 1n;
const given = (v: unknown) => v !== undefined && v !== null;

function fail(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

function badUserId(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_USER_ID, reason, field);
}

/** A user id as the preview's i64: an X user id string, or a safe integer, within i64. */
function senderId(value: unknown, field: string): bigint {
  let id: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 1)
      badUserId(field, `expected a positive safe integer or a user id string, got ${String(value)}`);
    id = String(value);
  } else {
    id = X_USER_ID.assert(value, field);
  }
  const n = BigInt(id);
  if (n > I64_MAX) badUserId(field, 'a user id in a reply preview is a signed 64-bit integer: this one is larger');
  return n;
}

type Entities = Preview['entities'];
type Attachments = Preview['attachments'];

/** Has a decoded union a variant known here? (Unknown ones are dropped in decoding, leaving `{}`.) */
const known = (u: object): boolean => Object.keys(u).some((k) => k !== '$unknown');

/**
 * Quoted entities and attachments as the SDK copies them: an entity whose type is unknown here
 * keeps its offsets without a type, an attachment of an unknown kind is left out.
 */
function quotedEntities(list: Entities): Entities {
  return list?.map((e) => {
    if (e.content === undefined || known(e.content)) return e;
    const { content: _unknown, ...rest } = e;
    return rest;
  });
}
function quotedAttachments(list: Attachments): Attachments {
  return list?.filter(known);
}

/** Removes keys whose value is undefined, so that optional Thrift fields stay absent. */
function compact<V extends object>(v: V): V {
  for (const k of Object.keys(v) as (keyof V)[]) if (v[k] === undefined) delete v[k];
  return v;
}

/** The explicit `replyTo*` fields, checked (absent ones undefined). */
function overrides(p: Record<string, unknown>) {
  const text = given(p.replyToText) ? assertText(p.replyToText, 'params.replyToText') : undefined;
  return {
    sequenceId: given(p.replyToSequenceId) ? assertText(p.replyToSequenceId, 'params.replyToSequenceId', { allowEmpty: false }) : undefined,
    senderId: given(p.replyToSenderId) ? senderId(p.replyToSenderId, 'params.replyToSenderId') : undefined,
    text,
    entities: checkEntities(p.replyToEntities, text, 'params.replyToEntities'),
    attachments: checkAttachments(p.replyToAttachments, 'params.replyToAttachments', false),
  };
}

/** The delivered events of a reply: the original, its edit, key changes, all of this conversation. */
function events(p: Record<string, unknown>, conversationId: string) {
  const raw = parseRawEvent(p.replyToEvent, 'params.replyToEvent');
  assertSameConversation(raw, conversationId, 'params.replyToEvent');
  encryptedContents(raw, 'params.replyToEvent');
  if (!isXUserId(raw.senderId) || BigInt(raw.senderId) > I64_MAX) fail('params.replyToEvent', 'has no valid sender id (an X user id)');
  let edit: RawEvent | undefined;
  if (given(p.replyToEditEvent)) {
    edit = parseRawEvent(p.replyToEditEvent, 'params.replyToEditEvent');
    assertSameConversation(edit, conversationId, 'params.replyToEditEvent');
    encryptedContents(edit, 'params.replyToEditEvent');
    if (edit.senderId !== raw.senderId)
      fail('params.replyToEditEvent', 'is not by the sender of the original: only the author edits a message');
  }
  const keyChanges = (given(p.replyToCkces) ? assertArray(p.replyToCkces, 'params.replyToCkces') : []).map((b64, i) => {
    const field = `params.replyToCkces[${i}]`;
    const event = parseRawEvent(b64, field);
    if (!event.detail?.conversationKeyChangeEvent) fail(field, 'is not a key change (ConversationKeyChangeEvent)');
    assertSameConversation(event, conversationId, field);
    return { event, field };
  });
  return { raw, edit, keyChanges };
}

/** The preview of a reply that has its original's event. */
async function derivedPreview(
  p: Record<string, unknown>,
  conversationId: string,
  replyKey: ConversationKey,
  options: CryptoOptions | undefined,
): Promise<Preview> {
  const o = overrides(p);
  const { raw, edit, keyChanges } = events(p, conversationId);
  if (o.sequenceId !== undefined && o.sequenceId !== raw.sequenceId)
    fail('params.replyToSequenceId', "differs from the replied-to event's sequence id: receivers would mark the preview invalid");
  if (o.senderId !== undefined && String(o.senderId) !== raw.senderId)
    fail('params.replyToSenderId', "differs from the replied-to event's sender: receivers would mark the preview invalid");
  const sequenceId = o.sequenceId ?? raw.sequenceId;
  if (sequenceId === undefined) fail('params.replyToEvent', 'has no sequence id: pass params.replyToSequenceId');
  const needOriginal = o.text === undefined || o.entities === undefined || o.attachments === undefined;
  const needEdit = edit !== undefined && (o.text === undefined || o.entities === undefined);
  const recipient = given(p.recipient) ? checkRecipient(p.recipient, X_USER_ID, 'params.recipient') : undefined;
  try {
    const sources: KeySources = {
      backend: await resolveBackend(options?.backend),
      replyKey,
      keys: checkConversationKeys(p.conversationKeys, 'params.conversationKeys'),
      keyChanges,
      recipient,
    };
    const original = needOriginal ? (await decryptRawEvent(raw, sources, 'params.replyToEvent')).contents?.message : undefined;
    if (needOriginal && !original) fail('params.replyToEvent', 'is not a text message: only text messages can be replied to');
    const edited = needEdit && edit ? (await decryptRawEvent(edit, sources, 'params.replyToEditEvent')).contents?.messageEdit : undefined;
    if (needEdit && !edited) fail('params.replyToEditEvent', 'is not a message edit');
    if (edited && edited.messageSequenceId !== raw.sequenceId)
      fail('params.replyToEditEvent', 'edits another message than the one replied to');
    const quoted = edited ? edited.updatedText : original?.messageText;
    if (o.text !== undefined && (edited || (original && !edit)) && !(quoted ?? '').startsWith(o.text)) {
      fail('params.replyToText', 'is not the beginning of the quoted text: receivers would mark the preview invalid');
    }
    return compact({
      senderId: o.senderId ?? BigInt(raw.senderId as string),
      messageText: o.text ?? quoted,
      entities: o.entities ?? quotedEntities(edited ? edited.entities : original?.entities),
      attachments: o.attachments ?? quotedAttachments(original?.attachments),
      replyingToMessageSequenceId: sequenceId,
      replyingToMessageId: raw.messageId,
      rawEventMessageCreate: raw,
      rawEventEditMessage: edit,
      rawEventCkces: ((ks) => (ks.length > 0 ? ks : undefined))(
        keyChanges.map((k) => k.event).filter((e) => e.detail?.conversationKeyChangeEvent?.conversationKeyVersion !== replyKey.version),
      ),
    });
  } finally {
    wipe(recipient?.identityPrivateKey);
  }
}

/** The preview of a reply without its original's event: the explicit fields alone. */
function explicitPreview(p: Record<string, unknown>): Preview {
  for (const k of ['replyToEditEvent', 'replyToCkces', 'conversationKeys', 'recipient'] as const) {
    if (given(p[k])) fail(`params.${k}`, 'is used only with params.replyToEvent');
  }
  const o = overrides(p);
  if (o.sequenceId === undefined)
    fail('params.replyToSequenceId', 'is required without params.replyToEvent: pass the original event, or at least its sequence id');
  return compact({
    senderId: o.senderId,
    messageText: o.text,
    entities: o.entities,
    attachments: o.attachments,
    replyingToMessageSequenceId: o.sequenceId,
  });
}

/**
 * Encrypts and signs a reply, as the official SDK's `encryptReply` does: a text message (checked
 * as {@link encryptMessage} checks it) whose contents carry a preview of the message replied to.
 * Pass the delivered original as `replyToEvent`: the preview is then derived from it and
 * receivers can validate it (`replyPreviewValidation: 'valid'`).
 * @param params - the SDK's `EncryptReplyParams` with the key and `sender` required; to decrypt an
 * original under another key version, `conversationKeys` or `replyToCkces` with `recipient`
 * @returns the SDK's `SendPayload`
 * @throws {InvalidInputError} as {@link encryptMessage}; `ERR_INVALID_ARGUMENT` for an original that
 * is not a text message of this conversation, an edit of another message or sender, a key change
 * that is not one, explicit fields that disagree with the original, no key for the original's
 * version, no target at all; `ERR_INVALID_USER_ID` for `replyToSenderId`
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE` for events that do
 * not decode (or hold a union of kinds unknown here, which cannot be re-serialised)
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` when the original does not open with the key of its version
 * @example
 * const sent = await encryptReply({ conversationId: 'g123', text: 'agreed', replyToEvent: original.encoded_event,
 *   conversationKey, conversationKeyVersion, sender });
 */
export async function encryptReply(params: EncryptReplyParams, options?: CryptoOptions): Promise<SendPayload> {
  const p = assertObject(params, 'params');
  return withSigner(p.sender, async (signer) => {
    const conversationId = checkConversationId(p.conversationId, signer.userId, 'params.conversationId');
    const key = checkConversationKey(p);
    const flags = checkFlags(p);
    const contents = messageContents(p);
    if (given(p.replyToEvent) && typeof p.replyToEvent !== 'string')
      fail('params.replyToEvent', `expected a base64 string, got ${typeName(p.replyToEvent)}`);
    const preview = given(p.replyToEvent) ? await derivedPreview(p, conversationId, key, options) : explicitPreview(p);
    const holder = { contents: { message: { ...contents, replyingToPreview: preview } } };
    return sendEntry({ signer, conversationId, key, flags, holder }, options);
  });
}
