/**
 * One delivered event, decoded once: the MessageEvent envelope (docs/xchat-keys.md §"Thrift
 * structs") with its detail, read through the receivers' view (the ratchet tree and unknown fields
 * are checked and skipped, never built), and the common fields every returned event carries
 * (docs/xchat-messages.md §"4.1 Common envelope keys (every Event)").
 *
 * @module
 */
import { DecodeError, ErrorCodes } from '../../../errors.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { decodeStruct, type Infer } from '../../../wire/thrift/index.js';
import { MessageEventView, type MessageEventDetailView, type MessageEventSignature } from '../../../wire/xchat/events.js';
import { createdAtOf } from './ints.js';
import type { EventBase } from './shapes.js';

/** The decoded detail union. */
export type Detail = Infer<typeof MessageEventDetailView>;

/** A decoded event and where it came from. */
export interface Envelope {
  index: string;
  b64: string;
  base: EventBase;
  messageId: string | undefined;
  senderId: string | undefined;
  conversationId: string | undefined;
  detail: Detail | undefined;
  signature: Infer<typeof MessageEventSignature> | undefined;
}

/** The kinds of detail, by the SDK's event `type`. */
export type Kind =
  | 'message'
  | 'keyChange'
  | 'groupChange'
  | 'failure'
  | 'typing'
  | 'messageDeleted'
  | 'conversationDeleted'
  | 'settingsChange'
  | 'readReceipt'
  | 'markedUnread'
  | 'memberDeleted'
  | 'unknown';

/** The kind of a detail: its variant, or `unknown` for Grok responses, unknown variants and no detail. */
export function kindOf(d: Detail | undefined): Kind {
  if (!d) return 'unknown';
  if (d.messageCreateEvent) return 'message';
  if (d.conversationKeyChangeEvent) return 'keyChange';
  if (d.groupChangeEvent) return 'groupChange';
  if (d.messageFailureEvent) return 'failure';
  if (d.messageTypingEvent) return 'typing';
  if (d.messageDeleteEvent) return 'messageDeleted';
  if (d.conversationDeleteEvent) return 'conversationDeleted';
  if (d.conversationMetadataChangeEvent) return 'settingsChange';
  if (d.markConversationReadEvent) return 'readReceipt';
  if (d.markConversationUnreadEvent) return 'markedUnread';
  if (d.memberAccountDeleteEvent) return 'memberDeleted';
  return 'unknown';
}

/**
 * Decodes one event's base64 text.
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE`,
 * `ERR_UNSAFE_INTEGER` (a creation time beyond ±2^53)
 */
export function readEnvelope(index: string, b64: string): Envelope {
  const bytes = decodeBase64(b64, index);
  if (bytes.length === 0) throw new DecodeError(ErrorCodes.INVALID_THRIFT, 'an empty event', index);
  const ev = decodeStruct(MessageEventView, bytes, { field: index, keepUnknown: false });
  const base: EventBase = {
    sequenceId: ev.sequenceId ?? null,
    id: ev.messageId ?? null,
    senderId: ev.senderId ?? null,
    conversationId: ev.conversationId ?? null,
    createdAtMsec: createdAtOf(ev.createdAtMsec),
  };
  return {
    index,
    b64,
    base,
    messageId: ev.messageId,
    senderId: ev.senderId,
    conversationId: ev.conversationId,
    detail: ev.detail,
    signature: ev.messageEventSignature,
  };
}
