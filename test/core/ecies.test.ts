/**
 * Conversation-key wrapping: a known answer computed independently with OpenSSL (node:crypto),
 * round trips over every key form, and every way an envelope can be broken.
 */
import { createCipheriv, createECDH, createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  decodeBase64,
  encodeBase64,
  generateConversationKey,
  generateIdentity,
  sec1ToSpki,
  unwrapConversationKey,
  wrapConversationKey,
  withTestingHooks,
} from '../helpers/kit.js';
import { flip } from '../helpers/bytes.js';

/** ECIES of docs/xchat-keys.md §"ECIES", written against OpenSSL only. */
function opensslWrap(key: Uint8Array, recipientSec1: Uint8Array, ephemeralScalar: Uint8Array): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(ephemeralScalar));
  const E = ecdh.getPublicKey();
  const Z = ecdh.computeSecret(Buffer.from(recipientSec1));
  const km = createHash('sha256')
    .update(Z)
    .update(Buffer.from([0, 0, 0, 1]))
    .update(E)
    .digest();
  const c = createCipheriv('aes-128-gcm', km.subarray(0, 16), km.subarray(16, 32));
  const ct = Buffer.concat([c.update(key), c.final()]);
  return Buffer.concat([E, ct, c.getAuthTag()]);
}

describe('wrapConversationKey', () => {
  test('matches an OpenSSL implementation byte for byte for a given ephemeral key', async () => {
    const bob = await generateIdentity();
    const key = await generateConversationKey();
    const e = Buffer.alloc(32, 0x11);
    const wrapped = await wrapConversationKey(key, bob.identityPublicKey, withTestingHooks({}, { random: () => Uint8Array.from(e) }));
    expect(wrapped).toBe(opensslWrap(key, bob.identityPublicKey, e).toString('base64'));
    expect(wrapped).toHaveLength(152);
    expect(decodeBase64(wrapped)).toHaveLength(113);
  });

  test('round trip for every accepted key form; a fresh ephemeral key each time', async () => {
    const bob = await generateIdentity();
    const key = await generateConversationKey();
    const spki = sec1ToSpki(bob.identityPublicKey);
    const forms = [
      bob.identityPublicKey,
      spki,
      encodeBase64(bob.identityPublicKey),
      encodeBase64(spki),
      encodeBase64(spki).replace(/=+$/, ''),
    ];
    const outs = new Set<string>();
    for (const f of forms) {
      const w = await wrapConversationKey(key, f);
      outs.add(w.slice(0, 88));
      expect(Buffer.from(await unwrapConversationKey(w, bob.identityPrivateKey)).equals(Buffer.from(key))).toBe(true);
    }
    expect(outs.size).toBe(forms.length);
  });

  test('bad inputs are typed errors', async () => {
    const bob = await generateIdentity();
    await expect(wrapConversationKey(new Uint8Array(16), bob.identityPublicKey)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'key',
    });
    await expect(wrapConversationKey('key' as never, bob.identityPublicKey)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'key',
    });
    await expect(wrapConversationKey(new Uint8Array(32), bob.identityPublicKey.subarray(1))).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
      field: 'recipientIdentityPublicKey',
    });
    await expect(wrapConversationKey(new Uint8Array(32), 42 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });
});

describe('unwrapConversationKey', () => {
  test('every broken envelope is refused with a typed error', async () => {
    const bob = await generateIdentity();
    const eve = await generateIdentity();
    const key = await generateConversationKey();
    const w = await wrapConversationKey(key, bob.identityPublicKey);
    await expect(unwrapConversationKey(w, eve.identityPrivateKey)).rejects.toMatchObject({
      code: 'ERR_DECRYPT_FAILED',
      name: 'VerificationError',
    });
    for (const at of [70, 100, 112]) {
      const b = decodeBase64(w);
      flip(b, at, 1);
      await expect(unwrapConversationKey(encodeBase64(b), bob.identityPrivateKey)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED' });
    }
    const offCurve = decodeBase64(w);
    flip(offCurve, 10, 1);
    await expect(unwrapConversationKey(encodeBase64(offCurve), bob.identityPrivateKey)).rejects.toMatchObject({
      code: 'ERR_INVALID_ENVELOPE',
    });
    await expect(unwrapConversationKey(encodeBase64(decodeBase64(w).subarray(0, 112)), bob.identityPrivateKey)).rejects.toMatchObject({
      code: 'ERR_INVALID_ENVELOPE',
    });
    await expect(unwrapConversationKey('!!!', bob.identityPrivateKey)).rejects.toMatchObject({
      code: 'ERR_INVALID_BASE64',
      field: 'encryptedKey',
    });
    await expect(unwrapConversationKey(w, new Uint8Array(32))).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
      field: 'identityPrivateKey',
    });
    // Unpadded input is accepted.
    expect(await unwrapConversationKey(w.replace(/=+$/, ''), bob.identityPrivateKey)).toHaveLength(32);
  });
});
