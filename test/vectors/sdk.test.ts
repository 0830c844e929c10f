/**
 * The official SDK (`@xdevplatform/chat-xdk` 0.4.3) accepts the committed vectors: it unwraps
 * every ECIES vector, verifies every signature and key binding, and verifies and decrypts the
 * events of every request vector. This is the check of the vectors that does not run through
 * chat-keykit's own code.
 */
import { describe, expect, test } from 'vitest';
import { decodeBase64, encodeBase64, encodeMessageEvent } from '../helpers/kit.js';
import { envelopes, xdkWithKeys } from '../helpers/xdk.js';
import { file, type Obj } from './committed.js';

describe('the official SDK accepts the vectors', () => {
  /** An SDK instance holding a user's identity scalar (and any valid signing scalar). */
  const sdkFor = (identityHex: string, signingHex = `${'00'.repeat(31)}02`) =>
    xdkWithKeys(Uint8Array.from(Buffer.from(identityHex + signingHex, 'hex')));

  test('it unwraps every ECIES vector', async () => {
    for (const v of file('ecies.json').vectors) {
      const chat = await sdkFor(v.recipient_private_hex);
      expect(Buffer.from(chat.decryptConversationKey(v.wrapped_b64)).toString('hex'), v.id).toBe(v.plaintext_hex);
    }
  });

  test('it verifies every signature vector and every registration binding', async () => {
    const sigs = file('signatures.json');
    const chat = await sdkFor(`${'00'.repeat(31)}01`);
    for (const v of sigs.vectors) {
      expect(chat.verify(sigs.signer_public_sec1_b64, decodeBase64(v.signature_b64), new TextEncoder().encode(v.payload)), v.id).toBe(true);
    }
    for (const v of file('keys.json').vectors) {
      const pk = v.registration.public_key;
      expect(chat.verifyKeyBinding(pk.public_key, pk.signing_public_key, pk.identity_public_key_signature), v.id).toBe(true);
      const mine = await sdkFor(v.identity_private_hex, v.signing_private_hex);
      expect(mine.getPublicKeys().identity, v.id).toBe(v.identity_public_sec1_b64);
      expect(mine.getPublicKeyFingerprint(), v.id).toBe(v.fingerprint);
    }
  });

  test('every recipient’s SDK verifies and decrypts the events of every request vector', async () => {
    const req = file('requests.json');
    const signingKeys = req.signing_keys;
    for (const v of req.vectors) {
      const actions = v.body.action_signatures.map((a: Obj) => ({
        messageId: a.message_id,
        encodedMessageEventDetail: a.encoded_message_event_detail,
        signature: a.message_event_signature.signature,
        signatureVersion: a.message_event_signature.signature_version,
        publicKeyVersion: a.message_event_signature.public_key_version,
      }));
      const events = envelopes(actions, v.verify.sender_id, v.verify.conversation_id, encodeMessageEvent);
      for (const r of v.verify.recipients) {
        const chat = await sdkFor(r.identity_private_hex);
        const out = chat.decryptEvents(events, signingKeys);
        expect(out.errors, `${v.id} as ${r.user_id}`).toEqual({});
        expect(out.messages.every((m) => m.event.verified === true)).toBe(true);
        const key = out.conversationKeys.keys[v.body.conversation_key_version];
        expect(encodeBase64(key!), `${v.id} as ${r.user_id}`).toBe(encodeBase64(Buffer.from(r.conversation_key_hex, 'hex')));
      }
    }
  });
});
