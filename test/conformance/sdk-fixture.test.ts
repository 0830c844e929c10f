/**
 * The official SDK's published test fixture (tests/fixtures/sdk_vectors.json of chat-xdk),
 * checked through chat-keykit: keys, the binding signature, a deterministic signature, and the
 * key-change, message, reply and failure events in their MessageEvent envelopes.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decodeMessageEvent,
  decryptEvents,
  encodeBase64,
  encodeBase64NoPad,
  exportPrivateKeys,
  importPrivateKeys,
  keyChangePayload,
  messageCreatePayload,
  resolveBackend,
  unwrapConversationKey,
  verifyKeyBinding,
  type KeyChangeDetail,
} from '../helpers/kit.js';
import { MessageEvent, MessageEventDetail } from '../../src/wire/xchat/events.js';
import { decodeStruct, encodeStruct, field, struct, T, union } from '../../src/wire/thrift/index.js';
import { readReference } from './data.js';

interface Fixture {
  [k: string]: string;
}
const fx = readReference<Fixture>('xchat-sdk-vectors.json');
const backend = await resolveBackend('noble');
const utf8 = (s: string) => new TextEncoder().encode(s);

// The plaintext of a message (docs/xchat-messages.md §"1.1 MessageEntryHolder and MessageEntryContents"):
// MessageEntryHolder {1: MessageEntryContents union {1 message: MessageContents {1 message_text, …}}};
// other fields are kept, not modelled.
const MessageContents = struct('MessageContents', { message_text: field(1, T.string) });
const MessageEntryContents = union('MessageEntryContents', {
  message: field(
    1,
    T.struct(() => MessageContents),
  ),
});
const MessageEntryHolder = struct('MessageEntryHolder', {
  contents: field(
    1,
    T.struct(() => MessageEntryContents),
  ),
});

describe('keys and signatures', () => {
  test('scalars 1 and 2 give the published public keys; the 64-byte blob round-trips', async () => {
    const id = await importPrivateKeys(decodeBase64(fx.private_keys_concat_b64));
    expect(encodeBase64(id.identityPublicKey)).toBe(fx.identity_public_b64);
    expect(encodeBase64(id.signingPublicKey)).toBe(fx.signing_public_b64);
    expect(encodeBase64(id.identityPrivateKey)).toBe(fx.identity_private_b64);
    expect(encodeBase64(id.signingPrivateKey)).toBe(fx.signing_private_b64);
    expect(encodeBase64(exportPrivateKeys(id))).toBe(fx.private_keys_concat_b64);
  });

  test('the binding signature (over the 65-byte SEC1 identity key) verifies and is reproduced byte for byte', async () => {
    expect(await verifyKeyBinding(fx.identity_public_b64!, fx.signing_public_b64!, fx.identity_public_key_signature_b64!)).toBe(true);
    const sig = await backend.sign(decodeBase64(fx.signing_private_b64), decodeBase64(fx.identity_public_b64));
    expect(encodeBase64(sig)).toBe(fx.identity_public_key_signature_b64);
  });

  test('the message signature verifies and RFC 6979 reproduces it', async () => {
    const sig = decodeBase64(fx.signature_b64);
    expect(await backend.verify(decodeBase64(fx.signing_public_b64), utf8(fx.message_utf8!), sig)).toBe(true);
    expect(encodeBase64(await backend.sign(decodeBase64(fx.signing_private_b64), utf8(fx.message_utf8!)))).toBe(fx.signature_b64);
  });
});

describe('events', () => {
  const reencode = (b64: string) => {
    const bytes = decodeBase64(b64);
    expect(encodeBase64(encodeStruct(MessageEvent, decodeStruct(MessageEvent, bytes)))).toBe(encodeBase64(bytes));
    return decodeMessageEvent(bytes);
  };

  test('key change: decodes, re-encodes identically, unwraps, and its v7 signature verifies', async () => {
    const ev = reencode(fx.event_key_change_b64!);
    expect(ev).toMatchObject({
      senderId: fx.event_sender_id,
      conversationId: fx.event_conversation_id,
      signature: { publicKeyVersion: fx.event_signing_key_version, signatureVersion: '7' },
    });
    const d = ev.detail as KeyChangeDetail;
    expect(d.type).toBe('keyChange');
    expect(d.conversationKeyVersion).toBe(fx.event_conversation_key_version);
    const mine = d.participantKeys!.find((k) => k.publicKeyVersion === fx.event_recipient_key_version)!;
    const key = await unwrapConversationKey(mine.encryptedKey, decodeBase64(fx.identity_private_b64));
    expect(encodeBase64(key)).toBe(fx.conversation_key_b64);
    const payload = keyChangePayload(7, {
      messageId: ev.messageId!,
      senderId: ev.senderId!,
      conversationId: ev.conversationId!, // verbatim, as receivers do
      conversationKeyVersion: d.conversationKeyVersion!,
      conversationKey: key,
    });
    expect(await backend.verify(decodeBase64(fx.signing_public_b64), utf8(payload), decodeBase64(ev.signature!.signature!))).toBe(true);
    expect(
      await backend.verify(
        decodeBase64(fx.signing_public_b64),
        utf8(payload.replace(',1001,', ',1002,')),
        decodeBase64(ev.signature!.signature!),
      ),
    ).toBe(false);
  });

  async function openMessage(b64: string): Promise<{ text: string; verified: boolean }> {
    const ev = reencode(b64);
    const raw = decodeStruct(MessageEvent, decodeBase64(b64));
    const create = raw.detail!.messageCreateEvent! as { contents: Uint8Array; conversationKeyVersion: string };
    expect(create.conversationKeyVersion).toBe(fx.event_conversation_key_version);
    const payload = messageCreatePayload(Number(ev.signature!.signatureVersion), {
      messageId: ev.messageId!,
      senderId: ev.senderId!,
      conversationId: ev.conversationId!,
      conversationKeyVersion: create.conversationKeyVersion,
      contents: create.contents,
    });
    const verified = await backend.verify(decodeBase64(fx.signing_public_b64), utf8(payload), decodeBase64(ev.signature!.signature!));
    // contents = nonce(24) ‖ secretbox(tag ‖ ciphertext), keyed by the conversation key.
    const plain = xsalsa20poly1305(decodeBase64(fx.conversation_key_b64), create.contents.subarray(0, 24)).decrypt(
      create.contents.subarray(24),
    );
    const holder = decodeStruct(MessageEntryHolder, plain);
    return { text: holder.contents!.message!.message_text!, verified };
  }

  test('message: signature verifies over the v7 payload, contents decrypt to the published text', async () => {
    expect(await openMessage(fx.event_message_b64!)).toEqual({ text: fx.event_message_text, verified: true });
  });

  test('replies: both are validly signed messages; the forged one differs only in its unsigned-by-the-original preview', async () => {
    expect(await openMessage(fx.event_reply_valid_b64!)).toEqual({ text: fx.event_reply_text, verified: true });
    expect(await openMessage(fx.event_reply_forged_b64!)).toEqual({ text: fx.event_reply_text, verified: true });
    // The forged preview text is inside the forged reply's plaintext (preview validation is the SDK's job).
    const raw = decodeStruct(MessageEvent, decodeBase64(fx.event_reply_forged_b64));
    const create = raw.detail!.messageCreateEvent! as { contents: Uint8Array };
    const plain = xsalsa20poly1305(decodeBase64(fx.conversation_key_b64), create.contents.subarray(0, 24)).decrypt(
      create.contents.subarray(24),
    );
    expect(Buffer.from(plain).includes(Buffer.from(fx.event_reply_forged_preview_text!))).toBe(true);
  });

  test('failure event decodes to a MessageFailureEvent; garbage is refused with a typed error', () => {
    const ev = reencode(fx.event_failure_b64!);
    expect(ev.detail?.type).toBe('other');
    const raw = decodeStruct(
      MessageEventDetail,
      encodeStruct(MessageEventDetail, decodeStruct(MessageEvent, decodeBase64(fx.event_failure_b64)).detail as never),
    );
    expect(raw.messageFailureEvent).toEqual({ failureType: 12, rateLimitTier: 3 });
    expect(() => decodeMessageEvent(decodeBase64(fx.event_garbage_b64))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE64' }));
    expect(encodeBase64NoPad(decodeBase64(fx.plaintext_b64))).toBe(fx.plaintext_b64!.replace(/=+$/, ''));
  });
});

// What the fixture's events must give: docs/xchat-messages.md §"6. The SDK's published fixture (`xchat-sdk-vectors.json`, third-party data, not committed)".
describe('decryptEvents on the fixture', () => {
  const names = [
    'event_key_change_b64',
    'event_message_b64',
    'event_reply_valid_b64',
    'event_reply_forged_b64',
    'event_failure_b64',
    'event_garbage_b64',
  ];
  const signingKeys = [
    {
      userId: '1111',
      publicKeyVersion: '1',
      publicKey: fx.signing_public_b64!,
      identityPublicKey: fx.identity_public_b64!,
      identityPublicKeySignature: fx.identity_public_key_signature_b64!,
    },
  ];
  const run = (keyVersion: string) =>
    decryptEvents(
      names.map((n) => fx[n]!),
      { recipient: { userId: '1111', identityPrivateKey: decodeBase64(fx.identity_private_b64), keyVersion }, signingKeys },
    );

  test('every event gives what the SDK gives: the key, the message, a valid and a forged preview, the failure, and garbage refused', async () => {
    const r = await run(fx.event_recipient_key_version!);
    const events = r.messages.map((x) => x.event);
    expect(r.messages.map((x) => x.index)).toEqual(['0', '1', '2', '3', '4']);
    expect(events[0]).toMatchObject({
      type: 'keyChange',
      verified: true,
      keyVersion: '1001',
      conversationId: '1111:2222',
      sequenceId: '1',
      createdAtMsec: 1700000000000,
    });
    expect(encodeBase64(r.conversationKeys.keys['1001']!)).toBe(fx.conversation_key_b64);
    expect(r.conversationKeys.latestVersion).toBe('1001');
    expect(r.state).toEqual({ version: 1, latestVersions: { '1111:2222': '1001' } });
    expect(events[1]).toMatchObject({
      type: 'message',
      verified: true,
      keyVersion: '1001',
      content: { contentType: 'text', text: fx.event_message_text },
    });
    expect(events[1]).not.toHaveProperty('replyPreviewValidation');
    expect(events[2]).toMatchObject({
      type: 'message',
      verified: true,
      replyPreviewValidation: 'valid',
      content: {
        text: fx.event_reply_text,
        replyingToPreview: { messageText: fx.event_message_text, senderId: '1111', replyingToMessageSequenceId: '1' },
      },
    });
    expect(events[3]).toMatchObject({
      type: 'message',
      verified: true,
      replyPreviewValidation: 'invalid',
      content: { replyingToPreview: { messageText: fx.event_reply_forged_preview_text } },
    });
    expect(events[4]).toEqual({
      type: 'failure',
      sequenceId: '1',
      id: expect.any(String),
      senderId: '1111',
      conversationId: '1111:2222',
      createdAtMsec: 1700000000000,
      failure: 'rateLimitUpsell',
      rateLimitTier: 'premium',
    });
    expect(r.errors).toEqual({ '5': { code: 'ERR_INVALID_BASE64', message: expect.any(String) } });
  });

  test('as the holder of key version "2", the fixture\'s entry is not theirs: no key, nothing decrypts', async () => {
    const r = await run('2');
    expect(r.messages.map((x) => x.event.type)).toEqual(['failure']);
    expect(r.errors['0']).toMatchObject({ code: 'ERR_RECIPIENT_KEY_MISMATCH' });
    for (const i of ['1', '2', '3']) expect(r.errors[i]).toMatchObject({ code: 'ERR_NO_CONVERSATION_KEY' });
    expect(r.conversationKeys.latestVersion).toBeNull();
  });
});
