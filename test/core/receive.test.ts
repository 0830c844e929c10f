/** openKeyChange: a member gets the key only when their copy opens and the signature verifies. */
import { beforeAll, expect, test } from 'vitest';
import { decodeBase64, encodeBase64NoPad, openKeyChange, prepareConversationKeyChange, type KeyChangeToOpen, type PreparedKeyChange } from '../../src/index.js';
import { flip } from '../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';

let m: Member[];
let p: PreparedKeyChange;
const change = (i: number): KeyChangeToOpen => {
  const a = p.actionSignatures[0]!;
  return {
    messageId: a.messageId,
    senderId: '111',
    conversationId: p.conversationId,
    conversationKeyVersion: p.conversationKeyVersion,
    encryptedKey: p.participantKeys[i]!.encryptedKey,
    signature: a.signature,
    signatureVersion: a.signatureVersion,
    publicKeyVersion: a.publicKeyVersion,
  };
};
beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  p = await prepareConversationKeyChange({ publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!), conversationId: 'channel_url_abc' });
});
const open = (c: KeyChangeToOpen, i: number, signingKeys = m.map((x) => x.signingKeyEntry)) => openKeyChange(c, { identityPrivateKey: m[i]!.identity.identityPrivateKey, signingKeys });

test('every member opens the key', async () => {
  for (let i = 0; i < 3; i++) expect(Buffer.from(await open(change(i), i)).equals(Buffer.from(p.conversationKey))).toBe(true);
});

test('refusals: other member’s copy, tampered signature, other channel, unknown or unbound signer, downgrade', async () => {
  await expect(open(change(1), 2)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED' });
  const sig = encodeBase64NoPad(flip(decodeBase64(change(1).signature), 3));
  await expect(open({ ...change(1), signature: sig }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(1), conversationId: 'other_channel' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(1), conversationKeyVersion: '1' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(1), senderId: '222' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(1), publicKeyVersion: '9' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNING_KEY_NOT_FOUND' });
  const unbound = m.map((x) => (x.id === '111' ? { ...x.signingKeyEntry, identityPublicKey: m[1]!.signingKeyEntry.identityPublicKey } : x.signingKeyEntry));
  await expect(open(change(1), 1, unbound)).rejects.toMatchObject({ code: 'ERR_KEY_BINDING_INVALID' });
  await expect(open({ ...change(1), signatureVersion: '1' }, 1)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE_VERSION' });
  await expect(open({ ...change(1), signatureVersion: '5' }, 1)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE_VERSION', field: 'change.participantKeys' });
  await expect(open({ ...change(1), messageId: 'a,b' }, 1)).rejects.toMatchObject({ code: 'ERR_COMMA_IN_FIELD' });
});
