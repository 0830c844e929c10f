/**
 * openKeyChange: a member gets the key only from their own entry of the list the signature was
 * checked with, and only when that entry opens and the signature verifies.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decodeBase64,
  encodeBase64NoPad,
  keyChangePayload,
  openKeyChange,
  prepareConversationKeyChange,
  resolveBackend,
  wrapConversationKey,
  type KeyChangeToOpen,
  type PreparedKeyChange,
} from '../../helpers/kit.js';
import { flip } from '../../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

let m: Member[];
let p: PreparedKeyChange;
const change = (): KeyChangeToOpen => {
  const a = p.actionSignatures[0]!;
  return {
    messageId: a.messageId,
    senderId: '111',
    conversationId: p.conversationId,
    conversationKeyVersion: p.conversationKeyVersion,
    participantKeys: p.participantKeys,
    signature: a.signature,
    signatureVersion: a.signatureVersion,
    publicKeyVersion: a.publicKeyVersion,
  };
};
beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  p = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g42',
    memberIds: ['111', '222', '333'],
  });
});
const open = (c: KeyChangeToOpen, i: number, extra: { signingKeys?: Member['signingKeyEntry'][]; keyVersion?: string } = {}) =>
  openKeyChange(c, {
    recipient: {
      userId: m[i]!.id,
      identityPrivateKey: m[i]!.identity.identityPrivateKey,
      ...(extra.keyVersion ? { keyVersion: extra.keyVersion } : {}),
    },
    signingKeys: extra.signingKeys ?? m.map((x) => x.signingKeyEntry),
  });

test('every member opens the key from their own entry', async () => {
  for (let i = 0; i < 3; i++) expect(Buffer.from(await open(change(), i)).equals(Buffer.from(p.conversationKey))).toBe(true);
  await expect(open(change(), 1, { keyVersion: '1700000000000' })).resolves.toHaveLength(32);
});

test('refusals: tampered signature, other conversation, version, sender, unknown or unbound signer, downgrade', async () => {
  const sig = encodeBase64NoPad(flip(decodeBase64(change().signature), 3));
  await expect(open({ ...change(), signature: sig }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(), conversationId: 'g43' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(), conversationKeyVersion: '1' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(), senderId: '222' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  await expect(open({ ...change(), publicKeyVersion: '9' }, 1)).rejects.toMatchObject({ code: 'ERR_SIGNING_KEY_NOT_FOUND' });
  const unbound = m.map((x) =>
    x.id === '111' ? { ...x.signingKeyEntry, identityPublicKey: m[1]!.signingKeyEntry.identityPublicKey } : x.signingKeyEntry,
  );
  await expect(open(change(), 1, { signingKeys: unbound })).rejects.toMatchObject({ code: 'ERR_KEY_BINDING_INVALID' });
  await expect(open({ ...change(), signatureVersion: '1' }, 1)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE_VERSION' });
  await expect(open({ ...change(), messageId: 'a,b' }, 1)).rejects.toMatchObject({ code: 'ERR_COMMA_IN_FIELD' });
  await expect(open({ ...change(), conversationKeyVersion: String(Date.now() + 3 * 86_400_000) }, 1)).rejects.toMatchObject({
    code: 'ERR_VERSION_IN_FUTURE',
  });
});

test('a recipient without an entry, or whose entry is wrapped to another key version, gets nothing', async () => {
  const [outsider] = await makeMembers(['444']);
  await expect(
    openKeyChange(change(), {
      recipient: { userId: '444', identityPrivateKey: outsider!.identity.identityPrivateKey },
      signingKeys: m.map((x) => x.signingKeyEntry),
    }),
  ).rejects.toMatchObject({
    code: 'ERR_NOT_A_MEMBER',
  });
  await expect(open(change(), 1, { keyVersion: '1700000000001' })).rejects.toMatchObject({
    code: 'ERR_RECIPIENT_KEY_MISMATCH',
    field: 'change.participantKeys[1].publicKeyVersion',
  });
  // Another member's copy under one's own id does not open.
  const swapped = change();
  swapped.participantKeys = swapped.participantKeys.map((k, i) =>
    i === 1 ? { ...k, encryptedKey: p.participantKeys[2]!.encryptedKey } : k,
  );
  await expect(open(swapped, 1)).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED', field: 'change.participantKeys[1].encryptedKey' });
});

describe('signature versions 2 to 5 sign the participant list', () => {
  async function v5(): Promise<KeyChangeToOpen> {
    const backend = await resolveBackend();
    const c = change();
    const payload = keyChangePayload(5, {
      messageId: c.messageId,
      senderId: '111',
      conversationId: c.conversationId,
      conversationKeyVersion: c.conversationKeyVersion,
      participantKeys: c.participantKeys,
    });
    const signature = encodeBase64NoPad(await backend.sign(m[0]!.identity.signingPrivateKey, new TextEncoder().encode(payload)));
    return { ...c, signature, signatureVersion: '5' };
  }

  test('a genuine legacy key change opens for every member', async () => {
    const c = await v5();
    for (let i = 0; i < 3; i++) expect(Buffer.from(await open(c, i)).equals(Buffer.from(p.conversationKey))).toBe(true);
  });

  test("the sender's signature and list cannot be paired with another wrap of another key", async () => {
    // An attacker holding one genuine legacy change re-wraps a key of their own for member 222.
    const c = await v5();
    const own = await wrapConversationKey(new Uint8Array(32).fill(7), m[1]!.identity.identityPublicKey);
    const forged = { ...c, participantKeys: c.participantKeys.map((k) => (k.userId === '222' ? { ...k, encryptedKey: own } : k)) };
    await expect(open(forged, 1)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    // Nor can the entry be dropped, reordered or relabelled.
    await expect(open({ ...c, participantKeys: [...c.participantKeys].reverse() }, 1)).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
    });
    await expect(open({ ...c, participantKeys: c.participantKeys.map((k) => ({ ...k, publicKeyVersion: '1' })) }, 1)).rejects.toMatchObject(
      { code: 'ERR_SIGNATURE_INVALID' },
    );
  });
});
