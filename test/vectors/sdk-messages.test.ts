/**
 * The official SDK (`@xdevplatform/chat-xdk` 0.4.3) accepts the message-layer vectors: it
 * decrypts every metadata and media vector (`decrypt`, `decryptStream`), verifies and decrypts
 * every delivered event of messages.json (`decryptEvent`) to the content the call was given,
 * returns exactly the events of received.json's stream (`decryptEvents`), and refuses the inputs
 * of messages-negative.json but where chat-keykit is stricter. The expectations come from the
 * vectors' inputs and the SDK, and the randomness streams are recomputed here from their
 * definition; chat-keykit's code only rebuilds the two media streams too large to be given whole,
 * which their committed hashes pin.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { camelize } from '../helpers/events.js';
import { encryptMedia, seededRandom, withTestingHooks } from '../helpers/kit.js';
import { loadXdk, xdkWithKeys, type XdkChat } from '../helpers/xdk.js';
import { file, type Obj } from './committed.js';

interface SdkCrypto {
  decrypt(ciphertextB64: string, key: Uint8Array): string;
  decryptStream(encrypted: Uint8Array, key: Uint8Array): Uint8Array;
  encryptStream(plaintext: Uint8Array, key: Uint8Array): Uint8Array;
}

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const encodeHex = (keys: Record<string, Uint8Array>) =>
  Object.entries(keys).map(([version, key]) => ({ version, key_hex: Buffer.from(key).toString('hex') }));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The first bytes of a randomness stream, as vectors/README.md defines it: SHA-256(seed ‖ be32(0)) ‖ … */
const streamStart = (seed: string, n: number) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(seed, 'utf8'), Buffer.alloc(4)]))
    .digest()
    .subarray(0, n)
    .toString('hex');
/** The rule of media.json: byte i is i mod 251. */
const plaintextOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

let chat: XdkChat;
let sdk: SdkCrypto;
beforeAll(async () => {
  const { Chat } = await loadXdk();
  chat = new Chat();
  sdk = chat as unknown as SdkCrypto;
});

describe('the official SDK accepts the message-layer vectors', () => {
  test('it decrypts every metadata vector to its text', () => {
    const f = file('metadata.json');
    for (const v of f.vectors) {
      expect(sdk.decrypt(v.ciphertext_b64, bytes(f.conversation_key_hex)), v.id).toBe(v.text);
      expect(v.nonce_hex, v.id).toBe(streamStart(v.random_seed, 24));
    }
  });

  test('it decrypts every media vector to the plaintext of the rule, and its own encryption has the documented shape', async () => {
    const f = file('media.json');
    const key = bytes(f.conversation_key_hex);
    let whole = 0;
    for (const v of f.vectors) {
      const plain = plaintextOf(v.plaintext_length);
      expect(sha256(plain), v.id).toBe(v.plaintext_sha256_hex);
      expect(v.header_hex, v.id).toBe(streamStart(v.random_seed, 24));
      const own = sdk.encryptStream(Uint8Array.from(plain), Uint8Array.from(key));
      expect(own.length, v.id).toBe(v.ciphertext_length);
      expect(own.length, v.id).toBe(24 + v.frames.reduce((n: number, fr: { frame_length: number }) => n + fr.frame_length, 0));
      // A stream too large to be given whole is rebuilt with chat-keykit from its seed; its hash pins it to the file.
      const stream =
        v.ciphertext_hex === undefined
          ? await encryptMedia(plain, key, withTestingHooks({}, { random: seededRandom(v.random_seed) }))
          : bytes(v.ciphertext_hex);
      if (v.ciphertext_hex !== undefined) whole++;
      expect(sha256(stream), v.id).toBe(v.ciphertext_sha256_hex);
      expect(Buffer.from(sdk.decryptStream(Uint8Array.from(stream), Uint8Array.from(key))).equals(plain), v.id).toBe(true);
    }
    expect(whole).toBe(5);
  });

  test('it verifies and decrypts every delivered event of messages.json to what the call was given', () => {
    const f = file('messages.json');
    const keys = () => ({ [f.conversation_key_version]: bytes(f.conversation_key_hex) });
    const plain = f.vectors.find((v: { id: string }) => v.id === 'message-plain');
    const seqOf = (id: string) => f.vectors.find((v: { id: string }) => v.id === id).sequence_id;
    for (const v of f.vectors) {
      const got = chat.decryptEvent(v.delivered_b64, keys(), f.signing_keys) as Obj;
      expect(got, v.id).toMatchObject({
        verified: true,
        senderId: v.sender_user_id,
        conversationId: f.conversation_id,
        id: v.message_id,
        sequenceId: v.sequence_id,
      });
      // With injected message ids, the nonce is the first 24 bytes of the call's stream.
      if (v.function !== 'prepareMessageDelete') expect(v.nonce_hex, v.id).toBe(streamStart(v.random_seed, 24));
      const p = v.params;
      switch (v.function) {
        case 'encryptMessage':
        case 'encryptReply':
          expect(got.type, v.id).toBe('message');
          expect(got.content.content_type, v.id).toBe('text');
          expect(got.content.text, v.id).toBe(p.text);
          expect(got.shouldNotify, v.id).toBe(p.shouldNotify ?? true);
          expect(got.ttlMsec ?? null, v.id).toBe(p.ttlMsec ?? null);
          expect(
            (got.content.entities ?? []).map((e: Obj) => [e.startIndex, e.endIndex, Object.keys(e.content)[0]]),
            v.id,
          ).toEqual(p.entities ?? []);
          if (p.attachments)
            expect(
              got.attachments.map((a: { attachment_type: string }) => a.attachment_type),
              v.id,
            ).toEqual(p.attachments.map((a: { attachment_type: string }) => a.attachment_type));
          if (v.function === 'encryptReply') {
            expect(got.replyPreviewValidation, v.id).toBe('valid');
            expect(got.content.replying_to_preview, v.id).toMatchObject({
              senderId: plain.sender_user_id,
              messageText: plain.params.text,
              replyingToMessageSequenceId: plain.sequence_id,
            });
          }
          break;
        case 'encryptEdit':
          expect(got.content, v.id).toMatchObject({
            content_type: 'edit',
            target_message_id: seqOf('message-plain'),
            new_text: p.updatedText,
          });
          break;
        case 'encryptAddReaction':
        case 'encryptRemoveReaction':
          expect(got.content, v.id).toMatchObject({
            content_type: v.function === 'encryptAddReaction' ? 'reaction' : 'reactionRemoved',
            emoji: p.emoji,
            target_message_id: p.targetMessageSequenceId ?? seqOf('message-plain'),
          });
          break;
        case 'prepareMessageDelete':
          expect(got, v.id).toMatchObject({ type: 'messageDeleted', messageIds: p.sequenceIds, deleteForAll: p.deleteForAll });
          break;
        default:
          throw new Error(`untested function ${v.function}`);
      }
    }
  });
});

describe('the official SDK takes received.json’s stream', () => {
  test('as the recipient, it returns the same events and refuses the same ones, but for the replay, which only chat-keykit refuses', async () => {
    const f = file('received.json');
    const k = file('keys.json').vectors.find((v: Obj) => v.user_id === f.recipient_user_id);
    expect(k.identity_private_hex).toBe(f.recipient_identity_private_hex);
    const recipient = await xdkWithKeys(bytes(k.identity_private_hex + k.signing_private_hex));
    for (const v of f.vectors) {
      const out = recipient.decryptEvents(
        v.events.map((e: Obj) => e.event_b64),
        f.signing_keys,
      );
      // chat-keykit refuses a second copy of an event (ERR_DUPLICATE_EVENT); the SDK returns it again.
      const errors = new Map<string, string>(v.expect.errors.map((e: Obj) => [e.index, e.code]));
      const replays = [...errors].filter(([, code]) => code === 'ERR_DUPLICATE_EVENT').map(([i]) => i);
      expect(Object.keys(out.errors).sort(), v.id).toEqual([...errors.keys()].filter((i) => !replays.includes(i)).sort());
      const ours = new Map<string, Obj>(v.expect.messages.map((m: Obj) => [m.index, m.event]));
      const sdkIndexes = v.events.map((_: Obj, i: number) => String(i)).filter((i: string) => !(i in out.errors));
      expect(sdkIndexes, v.id).toEqual([...ours.keys(), ...replays].sort((a, b) => Number(a) - Number(b)));
      /** The returned event of an index: for a replay, that of its first copy. */
      const firstCopy = (i: string) => String(v.events.findIndex((e: Obj) => e.event_b64 === v.events[Number(i)].event_b64));
      out.messages.forEach((m, n) => {
        const index = sdkIndexes[n] as string;
        const expected = ours.get(replays.includes(index) ? firstCopy(index) : index);
        expect(expected, `${v.id} event ${index}`).toBeDefined();
        expect(camelize(m.event), `${v.id} event ${index} (${v.events[Number(index)].label})`).toEqual(expected);
      });
      expect(encodeHex(out.conversationKeys.keys), v.id).toEqual(v.expect.conversation_keys.keys);
      expect(out.conversationKeys.latestVersion, v.id).toBe(v.expect.conversation_keys.latestVersion);
    }
  });
});

describe('the official SDK refuses messages-negative.json’s inputs', () => {
  /**
   * Where chat-keykit is stricter than the SDK: a second copy of an event (the SDK returns it
   * again), a key change older than the stored state (the SDK keeps no state), and a media stream
   * cut back to its header (the SDK has no expected length: it decrypts to nothing).
   */
  const STRICTER = ['events-replayed-key-change', 'events-older-key-change', 'media-header-only'];

  test('it refuses every input but those where chat-keykit is stricter, at the same index', async () => {
    const r = file('received.json');
    const k = file('keys.json').vectors.find((v: Obj) => v.user_id === r.recipient_user_id);
    const recipient = await xdkWithKeys(bytes(k.identity_private_hex + k.signing_private_hex));
    const refusal = (run: () => unknown): string | null => {
      try {
        run();
        return null;
      } catch (e) {
        return String(e);
      }
    };
    const accepted: string[] = [];
    for (const v of file('messages-negative.json').vectors) {
      const i = v.input;
      if (v.function === 'decryptEvents') {
        const out = recipient.decryptEvents(i.events, r.signing_keys);
        const refused = Object.keys(out.errors);
        if (refused.length === 0) accepted.push(v.id);
        else expect(refused, v.id).toEqual(v.expect.errors.map((e: Obj) => e.index));
      } else {
        const run =
          v.function === 'decryptMedia'
            ? () => sdk.decryptStream(bytes(i.ciphertext_hex), bytes(i.key_hex))
            : () => sdk.decrypt(i.ciphertext_b64, bytes(i.key_hex));
        if (refusal(run) === null) accepted.push(v.id);
      }
    }
    expect(accepted).toEqual(STRICTER);
  });
});
