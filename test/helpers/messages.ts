/** Test helpers for sent messages: open a SendPayload, and an SDK instance holding one of our members' keys. */
import { openSecretbox } from '../../src/core/secretbox.js';
import { decodeStruct } from '../../src/wire/thrift/index.js';
import { MessageCreateEvent, MessageEventSignature } from '../../src/wire/xchat/events.js';
import { exportPrivateKeys } from './kit.js';
import type { Member } from './members.js';
import { xdkWithKeys, type XdkChat } from './xdk.js';

const b64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What a SendPayload holds: the decoded event, signature struct, and the decrypted plaintext. */
export function openSent(sent: { encryptedContent: string; encodedEventSignature: string }, key: Uint8Array) {
  const raw = b64(sent.encryptedContent);
  const event = decodeStruct(MessageCreateEvent, raw);
  const signature = decodeStruct(MessageEventSignature, b64(sent.encodedEventSignature));
  const plaintext = openSecretbox(key, event.contents!);
  if (!plaintext) throw new Error('the contents do not open with this key');
  return { raw, event, signature, plaintext };
}

/** The MessageCreateEvent's bytes with field 100 (contents) cut out: what must match the SDK's exactly. */
export function layoutWithoutContents(raw: Uint8Array): string {
  // 0b 0064 <len 4> <contents>: field 100 is the first field written.
  if (raw[0] !== 0x0b || raw[1] !== 0x00 || raw[2] !== 0x64) throw new Error('field 100 is not first');
  const len = new DataView(raw.buffer, raw.byteOffset).getInt32(3);
  return `0b0064<${len}>${hex(raw.subarray(7 + len))}`;
}

/** An SDK instance with our member's keys and session identity. */
export async function sdkFor(m: Member): Promise<XdkChat> {
  const chat = await xdkWithKeys(exportPrivateKeys(m.identity), m.version);
  chat.setIdentity(m.id, m.version);
  return chat;
}

/** The signed payload of a SendPayload (the SDK does not return it): rebuilt from its parts. */
export function signedPayload(
  sent: { messageId: string; encryptedContent: string; conversationKeyVersion: string },
  senderId: string,
  conversationId: string,
): string {
  const event = decodeStruct(MessageCreateEvent, b64(sent.encryptedContent));
  return [
    'MessageCreateEvent',
    sent.messageId,
    senderId,
    conversationId,
    sent.conversationKeyVersion,
    Buffer.from(event.contents!).toString('base64').replace(/=+$/, ''),
  ].join(',');
}
