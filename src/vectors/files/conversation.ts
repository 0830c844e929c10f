/**
 * The conversation of the message-layer vectors (messages.json, received.json, metadata.json,
 * media.json, messages-negative.json): the group of request-group-create (requests.json), whose
 * key change made its 32-byte conversation key, version `NOW`. Also: delivering what a member sent
 * as the MessageEvent the backend serves.
 *
 * @module
 */
import { decodeBase64, decodeStruct, encodeBase64, encodeMessageEvent, encodeStruct, XChatStructs } from '../../wire.js';
import { NOW } from '../common.js';
import type { VectorUser } from '../users.js';
import { preparedChanges } from './requests.js';

/** The conversation key version of the message vectors: that of request-group-create. */
export const CKV = String(NOW);

/** The conversation key of request-group-create (a copy). */
export async function conversationKeyOf(users: VectorUser[]): Promise<Uint8Array> {
  const { create } = await preparedChanges(users);
  return Uint8Array.from(create.conversationKey);
}

/** Where and by whom the backend delivers an event. */
export interface Delivery {
  sequence_id: string;
  sender_id: string;
  conversation_id: string;
}

/** What a send returns (a `SendPayload`). */
interface Sent {
  messageId: string;
  encryptedContent: string;
  encodedEventSignature: string;
}

const { MessageCreateEvent, MessageEventDetail, MessageEventSignature } = XChatStructs;

/** The delivered MessageEvent of a sent message: detail variant 1 around its MessageCreateEvent, its signature struct as sent. */
export function deliverSent(sent: Sent, at: Delivery): string {
  const detail = encodeStruct(MessageEventDetail, {
    messageCreateEvent: decodeStruct(MessageCreateEvent, decodeBase64(sent.encryptedContent)),
  });
  const sig = decodeStruct(MessageEventSignature, decodeBase64(sent.encodedEventSignature));
  return deliverDetail(sent.messageId, detail, at, {
    signature: sig.signature ?? '',
    publicKeyVersion: sig.publicKeyVersion ?? '',
    signatureVersion: sig.signatureVersion ?? '',
  });
}

/** The delivered MessageEvent of an encoded detail, with its signature (or none). */
export function deliverDetail(
  messageId: string,
  detail: Uint8Array | undefined,
  at: Delivery,
  signature?: { signature: string; publicKeyVersion: string; signatureVersion: string },
): string {
  return encodeBase64(
    encodeMessageEvent({
      sequenceId: at.sequence_id,
      messageId,
      senderId: at.sender_id,
      conversationId: at.conversation_id,
      createdAtMsec: String(NOW),
      detail,
      signature,
    }),
  );
}
