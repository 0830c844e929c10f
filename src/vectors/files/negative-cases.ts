/**
 * The inputs of messages-negative.json, built from the other message vectors: event streams with
 * one altered event (tampered contents, another key or key version, a signature by the wrong key
 * or by no member, a replayed or older key change), altered media streams (truncated, reordered,
 * extended, tampered) and bad metadata.
 *
 * @module
 */
import { encryptMetadata } from '../../index.js';
import { resolveBackend } from '../../backends.js';
import { withTestingHooks } from '../../testing.js';
import {
  decodeBase64,
  decodeStruct,
  encodeBase64,
  encodeBase64NoPad,
  encodeStruct,
  messageCreatePayload,
  XChatStructs,
  type Infer,
} from '../../wire.js';
import { sealEntry } from '../../adapters/xchat/messages/entry.js';
import { sealSecretbox } from '../../core/secretbox.js';
import { signPayload } from '../../core/signing.js';
import { NOW, stream } from '../common.js';
import { userOf, type VectorUser } from '../users.js';
import { encryptVector } from './media.js';
import { generate as generateMessages } from './messages.js';
import { groupStream } from './received-stream.js';

type Event = Infer<typeof XChatStructs.MessageEvent>;

const decode = (b64: string): Event => decodeStruct(XChatStructs.MessageEvent, decodeBase64(b64));
const encode = (e: Event): string => encodeBase64(encodeStruct(XChatStructs.MessageEvent, e));
const flipped = (b: Uint8Array, i: number) => {
  const c = Uint8Array.from(b);
  c[i] = (c[i] ?? 0) ^ 1;
  return c;
};

/** The streams, media and metadata the negative vectors alter. */
export async function sources(users: VectorUser[], key: Uint8Array) {
  const stream0 = await groupStream(users);
  const keyChange = stream0[0]?.event_b64;
  const plain = (await generateMessages(users)).vectors[0]?.delivered_b64;
  if (keyChange === undefined || plain === undefined) throw new Error('generator: no key change or message to alter');
  const backend = await resolveBackend('noble');

  /** A message event changed by `change`, then signed as `signer` (default: its sender) over its version-7 payload. */
  const resigned = async (change: (e: Event) => void, signer?: string): Promise<string> => {
    const e = decode(plain);
    change(e);
    const m = e.detail?.messageCreateEvent;
    const head = { messageId: e.messageId ?? '', senderId: e.senderId ?? '', conversationId: e.conversationId ?? '' };
    const payload = messageCreatePayload(7, {
      ...head,
      conversationKeyVersion: m?.conversationKeyVersion ?? '',
      contents: m?.contents ?? new Uint8Array(),
    });
    const u = userOf(users, signer ?? head.senderId);
    const signature = encodeBase64NoPad(await signPayload(backend, u.identity.signingPrivateKey, payload));
    e.messageEventSignature = { ...e.messageEventSignature, signature };
    return encode(e);
  };
  /** A message event changed by `change`, its signature kept. */
  const altered = (change: (e: Event) => void): string => {
    const e = decode(plain);
    change(e);
    return encode(e);
  };
  const contents = (e: Event) => e.detail?.messageCreateEvent ?? {};
  const flipContents = (e: Event) => {
    const m = contents(e);
    m.contents = flipped(m.contents ?? new Uint8Array(), 60);
  };
  const otherKey = stream('chat-keykit vectors: another key')(32);

  const events = {
    keyChange,
    plain,
    tamperedContents: altered(flipContents),
    tamperedResigned: await resigned(flipContents),
    otherKey: await resigned((e) => {
      const entry = { contents: { message: { messageText: 'sealed with another key' } } };
      contents(e).contents = sealEntry(otherKey, entry, stream('chat-keykit vectors: other key nonce'));
    }),
    otherVersion: altered((e) => (contents(e).conversationKeyVersion = String(NOW + 1))),
    otherConversation: altered((e) => (e.conversationId = 'g42')),
    signedBy333: await resigned(() => {}, '333'),
    byNonMember: await resigned((e) => (e.senderId = '444')),
    unknownSigningKeyVersion: altered((e) => (e.messageEventSignature = { ...e.messageEventSignature, publicKeyVersion: '1700000000001' })),
    unsigned: altered((e) => (e.messageEventSignature = undefined)),
    signatureVersion1: altered((e) => (e.messageEventSignature = { ...e.messageEventSignature, signatureVersion: '1' })),
  };

  const media = await encryptVector(2049, key, 'chat-keykit vectors: messages-negative media');
  const frame = (i: number) => media.subarray(24 + 1041 * i, Math.min(media.length, 24 + 1041 * (i + 1)));
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  const header = media.subarray(0, 24);
  const mediaCases = {
    whole: media,
    truncated: join(header, frame(0), frame(1)),
    reordered: join(header, frame(1), frame(0), frame(2)),
    extended: join(media, frame(2)),
    tampered: flipped(media, 24 + 1041 + 100),
    headerOnly: header,
    impossibleLength: join(header, frame(0).subarray(0, 10)),
  };

  const nonce = stream('chat-keykit vectors: messages-negative metadata');
  const title = await encryptMetadata('Team', key, withTestingHooks({ backend: 'noble' as const }, { random: nonce }));
  const metadata = {
    title,
    tampered: encodeBase64(flipped(decodeBase64(title), 30)),
    tooShort: encodeBase64(decodeBase64(title).subarray(0, 39)),
    urlSafe: title.replace(/\+/g, '-').replace(/\//g, '_'),
    notUtf8: encodeBase64(sealSecretbox(key, Uint8Array.from([0xff, 0xfe, 0x41]), stream('chat-keykit vectors: not utf-8'))),
  };
  return { events, media: mediaCases, metadata, otherKey, floor: String(NOW + 1000) };
}
