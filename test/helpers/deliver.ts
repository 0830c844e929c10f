/**
 * The X backend's side of a send, as tests need it: a message sent as a `SendPayload` (ours or the
 * official SDK's) is delivered to the members as a MessageEvent envelope carrying the backend's
 * fields (sequence id, sender, conversation id, creation time), the MessageCreateEvent as detail
 * variant 1, and the sender's MessageEventSignature. Returns the event as base64, as
 * `GET /2/chat/conversations/{id}/events` serves it.
 */
import { decodeStruct, encodeStruct } from '../../src/wire/thrift/index.js';
import { MessageCreateEvent, MessageEvent, MessageEventSignature } from '../../src/wire/xchat/events.js';

/** What a send returns (both ours and the SDK's `SendPayload`). */
export interface Sent {
  messageId: string;
  encryptedContent: string;
  encodedEventSignature: string;
}

/** Where and when the backend delivers it. */
export interface Delivery {
  sequenceId: string;
  senderId: string;
  /** As the backend stores it: `g…` for groups, `min:max` for one-to-one. */
  conversationId: string;
  createdAtMsec?: string;
}

const b64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));

/** The delivered MessageEvent of a sent message, base64. */
export function deliverMessage(sent: Sent, at: Delivery): string {
  const event = encodeStruct(MessageEvent, {
    sequenceId: at.sequenceId,
    messageId: sent.messageId,
    senderId: at.senderId,
    conversationId: at.conversationId,
    createdAtMsec: at.createdAtMsec ?? '1700000000000',
    detail: { messageCreateEvent: decodeStruct(MessageCreateEvent, b64(sent.encryptedContent)) },
    messageEventSignature: decodeStruct(MessageEventSignature, b64(sent.encodedEventSignature)),
  });
  return Buffer.from(event).toString('base64');
}
