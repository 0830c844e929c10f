/**
 * Hand-built X Chat events for the receiving tests: envelopes around any detail, signed by a
 * member over a payload the test chooses (usually one of our builders, sometimes altered),
 * messages sealed around any plaintext entry, and the conversion of the SDK's Event objects to
 * chat-keykit's casing (snake_case keys to camelCase, recursively).
 */
import { sealEntry } from '../../src/adapters/xchat/messages/entry.js';
import { decodeStruct, encodeStruct, type Infer } from '../../src/wire/thrift/index.js';
import { MessageEvent, MessageEventDetail } from '../../src/wire/xchat/events.js';
import type { MessageEntryHolderValue } from '../../src/wire/xchat/contents.js';
import { encodeBase64NoPad, messageCreatePayload, resolveBackend, type ActionHead } from './kit.js';
import type { Member } from './members.js';

export type DetailValue = Infer<typeof MessageEventDetail>;

/** Where and by whom an event is delivered. */
export interface At {
  sequenceId?: string;
  messageId?: string;
  conversationId?: string;
  createdAtMsec?: string;
  signatureVersion?: string;
  /** Signing-key version named in the signature (default: the member's). */
  publicKeyVersion?: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
let counter = 0;

/** A fresh message id. */
export const freshId = (): string => `m-${Date.now().toString(36)}-${++counter}`;

/** The head of an action's payload as a receiver rebuilds it. */
export function headOf(sender: Member, at: At): ActionHead {
  return { messageId: at.messageId as string, senderId: sender.id, conversationId: at.conversationId as string };
}

/** Signs `payload` with the member's signing key (unpadded base64 r‖s). */
export async function signText(sender: Member, payload: string): Promise<string> {
  const backend = await resolveBackend();
  return encodeBase64NoPad(await backend.sign(sender.identity.signingPrivateKey, utf8(payload)));
}

/** A delivered event (base64) with `detail`, signed by `sender` over `payload(head)`; `null` leaves it unsigned. */
export async function signedEvent(
  sender: Member,
  detail: DetailValue | undefined,
  payload: ((head: ActionHead) => string) | null,
  at: At = {},
): Promise<string> {
  const full = {
    sequenceId: '5',
    messageId: freshId(),
    conversationId: 'g123',
    createdAtMsec: '1700000000000',
    signatureVersion: '7',
    ...at,
  };
  const signature = payload && {
    signature: await signText(sender, payload(headOf(sender, full))),
    publicKeyVersion: full.publicKeyVersion ?? sender.version,
    signatureVersion: full.signatureVersion,
  };
  const bytes = encodeStruct(MessageEvent, {
    sequenceId: full.sequenceId,
    messageId: full.messageId,
    senderId: sender.id,
    conversationId: full.conversationId,
    createdAtMsec: full.createdAtMsec,
    detail,
    messageEventSignature: signature ?? undefined,
  });
  return Buffer.from(bytes).toString('base64');
}

/** A message event around any plaintext entry, sealed with `key` and signed by `sender`. */
export async function sealedMessage(
  sender: Member,
  key: Uint8Array,
  keyVersion: string,
  holder: MessageEntryHolderValue,
  at: At = {},
  extra: { shouldNotify?: boolean; ttlMsec?: bigint } = {},
): Promise<string> {
  const backend = await resolveBackend();
  const contents = sealEntry(key, holder, (n) => backend.randomBytes(n));
  const detail = {
    messageCreateEvent: { contents, conversationKeyVersion: keyVersion, shouldNotify: extra.shouldNotify ?? true, ttlMsec: extra.ttlMsec },
  };
  return signedEvent(sender, detail, (h) => messageCreatePayload(7, { ...h, conversationKeyVersion: keyVersion, contents }), at);
}

/** A text message entry. */
export const textEntry = (text: string): MessageEntryHolderValue => ({ contents: { message: { messageText: text } } });

/** `snake_case` → `camelCase` for one key (keys without an underscore are unchanged). */
export const camelKey = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The SDK's Event objects with every snake_case key in camelCase (values untouched). */
export function camelize<T>(value: T): T {
  if (Array.isArray(value)) return value.map(camelize) as T;
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camelize(v)])) as T;
}

/** The envelope the backend delivers for an action signature (a key change, a group change, a delete). */
export function actionEvent(
  a: { messageId: string; encodedMessageEventDetail: string; signature: string; signatureVersion: string; publicKeyVersion: string },
  senderId: string,
  conversationId: string,
  sequenceId = '1',
): string {
  const bytes = encodeStruct(MessageEvent, {
    sequenceId,
    messageId: a.messageId,
    senderId,
    conversationId,
    createdAtMsec: '1700000000000',
    detail: decodeStruct(MessageEventDetail, Buffer.from(a.encodedMessageEventDetail, 'base64')),
    messageEventSignature: { signature: a.signature, publicKeyVersion: a.publicKeyVersion, signatureVersion: a.signatureVersion },
  });
  return Buffer.from(bytes).toString('base64');
}

/** Decodes a delivered event (base64), to alter it. */
export const decodeEvent = (b64: string) => decodeStruct(MessageEvent, Buffer.from(b64, 'base64'));

/** Encodes a (possibly altered) event back to base64. */
export const encodeEvent = (e: Infer<typeof MessageEvent>): string => Buffer.from(encodeStruct(MessageEvent, e)).toString('base64');
