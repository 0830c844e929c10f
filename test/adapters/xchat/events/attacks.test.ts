/**
 * decryptEvents under attack: forged, flipped and misattributed signatures, events re-delivered
 * under another conversation or sequence id, keys of one conversation used for another, key
 * changes not addressed to the recipient, unsigned and downgraded events, wrong key versions, keys
 * carried inside events. Every refused event is an error of its index with a typed code; nothing
 * unverified is ever returned.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decryptEvents,
  encodeBase64NoPad,
  prepareConversationKeyChange,
  type DecryptEventsResult,
  type PreparedKeyChange,
  type SigningKeyEntry,
} from '../../../helpers/kit.js';
import { flip } from '../../../helpers/bytes.js';
import { actionEvent, decodeEvent, encodeEvent, sealedMessage, signedEvent, textEntry } from '../../../helpers/events.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';

let m: Member[];
let signingKeys: SigningKeyEntry[];
let kc: PreparedKeyChange;
let kcEvent: string;
const G = 'g1';

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  signingKeys = m.map((x) => x.signingKeyEntry);
  kc = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: G,
    memberIds: ['111', '222', '333'],
  });
  kcEvent = actionEvent(kc.actionSignatures[0]!, '111', G);
});

const recv = (events: string[], extra: Record<string, unknown> = {}): Promise<DecryptEventsResult> =>
  decryptEvents(events, { recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey }, signingKeys, ...extra });
const hello = (who = 0, at: Record<string, string> = {}) =>
  sealedMessage(m[who]!, kc.conversationKey, kc.conversationKeyVersion, textEntry('hello'), { conversationId: G, ...at });
const codeOf = (r: DecryptEventsResult, i: number) => r.errors[String(i)]?.code;

describe('signatures', () => {
  test('a genuine message is returned; a flipped bit or a random signature is ERR_SIGNATURE_INVALID', async () => {
    const good = await hello();
    const flipped = decodeEvent(good);
    flipped.messageEventSignature!.signature = encodeBase64NoPad(flip(decodeBase64(flipped.messageEventSignature!.signature!), 10));
    const random = decodeEvent(good);
    random.messageEventSignature!.signature = encodeBase64NoPad(new Uint8Array(64).fill(7));
    const r = await recv([kcEvent, good, encodeEvent(flipped), encodeEvent(random)]);
    expect(r.messages.map((x) => x.index)).toEqual(['0', '1']);
    expect([codeOf(r, 2), codeOf(r, 3)]).toEqual(['ERR_SIGNATURE_INVALID', 'ERR_SIGNATURE_INVALID']);
  });

  test('a changed ciphertext, key version, message id or sender breaks the signature', async () => {
    const good = decodeEvent(await hello());
    const contents = structuredClone(good);
    flip(contents.detail!.messageCreateEvent!.contents!, 50);
    const version = structuredClone(good);
    version.detail!.messageCreateEvent!.conversationKeyVersion = '1';
    const id = { ...structuredClone(good), messageId: 'other' };
    const sender = {
      ...structuredClone(good),
      senderId: '333',
      messageEventSignature: { ...good.messageEventSignature!, publicKeyVersion: m[2]!.version },
    };
    const r = await recv([kcEvent, ...[contents, version, id, sender].map(encodeEvent)]);
    expect([1, 2, 3, 4].map((i) => codeOf(r, i))).toEqual([
      'ERR_SIGNATURE_INVALID',
      'ERR_SIGNATURE_INVALID',
      'ERR_SIGNATURE_INVALID',
      'ERR_SIGNATURE_INVALID',
    ]);
  });

  test("a valid signature by another member, presented as someone else's, does not verify", async () => {
    // 333 signs a message that claims 111 as its sender (payload and envelope say 111).
    const e = decodeEvent(await hello(2));
    e.senderId = '111';
    e.messageEventSignature!.publicKeyVersion = m[0]!.version;
    const r = await recv([kcEvent, encodeEvent(e)]);
    expect(codeOf(r, 1)).toBe('ERR_SIGNATURE_INVALID');
  });

  test('a message re-delivered under another conversation id fails; under another sequence id it is a replay', async () => {
    const good = await hello();
    const moved = { ...decodeEvent(good), conversationId: 'g2' };
    const hyphen = { ...decodeEvent(good), conversationId: '111-222' };
    const reseq = { ...decodeEvent(good), sequenceId: '999' };
    const r = await recv([kcEvent, good, encodeEvent(moved), encodeEvent(hyphen), encodeEvent(reseq)]);
    expect(r.messages.map((x) => x.index)).toEqual(['0', '1']);
    expect(codeOf(r, 2)).toBe('ERR_SIGNATURE_INVALID');
    expect(codeOf(r, 3)).toBe('ERR_SIGNATURE_INVALID');
    expect(codeOf(r, 4)).toBe('ERR_DUPLICATE_EVENT');
  });

  test('duplicates: the first authentic copy wins, a forged copy before it does not displace it', async () => {
    const good = await hello();
    const forged = decodeEvent(good);
    forged.messageEventSignature!.signature = encodeBase64NoPad(new Uint8Array(64).fill(1));
    const r = await recv([encodeEvent(forged), kcEvent, good, good, kcEvent]);
    expect(r.messages.map((x) => x.index)).toEqual(['1', '2']);
    expect([codeOf(r, 0), codeOf(r, 3), codeOf(r, 4)]).toEqual(['ERR_SIGNATURE_INVALID', 'ERR_DUPLICATE_EVENT', 'ERR_DUPLICATE_EVENT']);
  });

  test('unsigned, downgraded, future-layout and unnumbered signatures are refused', async () => {
    const good = decodeEvent(await hello());
    const unsigned = { ...structuredClone(good), messageEventSignature: undefined };
    const v1 = structuredClone(good);
    v1.messageEventSignature!.signatureVersion = '1';
    const v8 = structuredClone(good);
    v8.messageEventSignature!.signatureVersion = '8';
    const none = structuredClone(good);
    delete none.messageEventSignature!.signatureVersion;
    const noSig = structuredClone(good);
    delete noSig.messageEventSignature!.signature;
    const r = await recv([kcEvent, ...[unsigned, v1, v8, none, noSig].map(encodeEvent)]);
    expect([1, 2, 3, 4, 5].map((i) => codeOf(r, i))).toEqual([
      'ERR_UNVERIFIED_EVENT',
      'ERR_UNSUPPORTED_SIGNATURE_VERSION',
      'ERR_UNSUPPORTED_SIGNATURE_VERSION',
      'ERR_UNSUPPORTED_SIGNATURE_VERSION',
      'ERR_UNVERIFIED_EVENT',
    ]);
    expect(r.messages).toHaveLength(1);
  });

  test("only the caller's signing keys count: keys inside the event are ignored, unknown or unbound keys refuse it", async () => {
    const good = decodeEvent(await hello());
    const [mallory] = await makeMembers(['111'], '1700000000000');
    // Mallory's key, carried in the event and named by its version, is not among the caller's keys.
    const planted = await sealedMessage(mallory!, kc.conversationKey, kc.conversationKeyVersion, textEntry('trust me'), {
      conversationId: G,
      publicKeyVersion: '42',
    });
    const withKey = decodeEvent(planted);
    withKey.messageEventSignature!.signingPublicKey = mallory!.signingKeyEntry.publicKey;
    withKey.messageEventSignature!.messageSigningKeyInfoList = [
      { memberId: '111', publicKeyVersion: '42', signingPublicKey: mallory!.signingKeyEntry.publicKey },
    ];
    const unbound = signingKeys.map((k) => (k.userId === '111' ? { ...k, identityPublicKey: m[2]!.signingKeyEntry.identityPublicKey } : k));
    const r = await recv([kcEvent, encodeEvent(withKey), encodeEvent(good)]);
    expect(codeOf(r, 1)).toBe('ERR_SIGNING_KEY_NOT_FOUND');
    expect(r.messages.map((x) => x.index)).toEqual(['0', '2']);
    const r2 = await recv([kcEvent, encodeEvent(good)], { signingKeys: unbound });
    expect(codeOf(r2, 0)).toBe('ERR_KEY_BINDING_INVALID');
    expect(codeOf(r2, 1)).toBe('ERR_KEY_BINDING_INVALID');
  });
});

test('every signed kind of event is returned only when signed: unsigned or forged copies are refused', async () => {
  const details = [
    { groupChangeEvent: { groupChange: { groupJoinRequest: { requestingUserId: '444' } } } },
    { messageDeleteEvent: { sequenceIds: ['1'], deleteMessageAction: 2 } },
    { conversationDeleteEvent: {} },
    { conversationMetadataChangeEvent: { conversationMetadataChange: { muteConversation: {} } } },
    { markConversationReadEvent: { seenUntilSequenceId: '1' } },
    { markConversationUnreadEvent: {} },
  ];
  const events: string[] = [];
  for (const d of details) {
    events.push(await signedEvent(m[0]!, d, null, { conversationId: G }));
    events.push(await signedEvent(m[0]!, d, () => 'not the payload', { conversationId: G }));
  }
  const r = await recv(events);
  expect(r.messages).toEqual([]);
  expect(Object.values(r.errors).map((e) => e.code)).toEqual(details.flatMap(() => ['ERR_UNVERIFIED_EVENT', 'ERR_SIGNATURE_INVALID']));
});

describe('keys', () => {
  test('a message is decrypted with the key of its own conversation and version, never another', async () => {
    // Validly signed by 111 in g2, at the same version string, under g1's key.
    const elsewhere = await sealedMessage(m[0]!, kc.conversationKey, kc.conversationKeyVersion, textEntry('cross'), {
      conversationId: 'g2',
    });
    const unknownVersion = await sealedMessage(m[0]!, kc.conversationKey, '1700000000001', textEntry('v?'), { conversationId: G });
    const otherKey = await sealedMessage(m[0]!, new Uint8Array(32).fill(9), kc.conversationKeyVersion, textEntry('k?'), {
      conversationId: G,
    });
    const r = await recv([kcEvent, elsewhere, unknownVersion, otherKey]);
    expect([1, 2, 3].map((i) => codeOf(r, i))).toEqual(['ERR_NO_CONVERSATION_KEY', 'ERR_NO_CONVERSATION_KEY', 'ERR_DECRYPT_FAILED']);
  });

  test('a message before its key change in the batch decrypts (keys are collected first)', async () => {
    const r = await recv([await hello(), kcEvent]);
    expect(r.errors).toEqual({});
    expect(r.messages[0]!.event).toMatchObject({ type: 'message', content: { text: 'hello' } });
  });

  test('a key change not addressed to the recipient, or to another of their key versions, gives no key', async () => {
    const others = await prepareConversationKeyChange({
      publicKeys: m.map((x) => x.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: 'g3',
      memberIds: ['111', '333'],
    });
    const r = await recv([actionEvent(others.actionSignatures[0]!, '111', 'g3'), kcEvent], {
      recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, keyVersion: '1' },
    });
    expect(codeOf(r, 0)).toBe('ERR_NOT_A_MEMBER');
    expect(codeOf(r, 1)).toBe('ERR_RECIPIENT_KEY_MISMATCH');
    expect(r.conversationKeys.keys).toEqual({});
    // Another member's wrapped copy under the recipient's id does not open.
    const swapped = decodeEvent(kcEvent);
    const keys = swapped.detail!.conversationKeyChangeEvent!.participantKeys!;
    keys[1] = { ...keys[1]!, encryptedKey: keys[2]!.encryptedKey };
    expect(codeOf(await recv([encodeEvent(swapped)]), 0)).toBe('ERR_DECRYPT_FAILED');
  });

  test('an event carrying a message id with a comma cannot be signed or verified', async () => {
    const contents = new Uint8Array(48);
    const detail = { messageCreateEvent: { contents, conversationKeyVersion: kc.conversationKeyVersion } };
    // Signed over the text the comma makes ambiguous (built by hand: our builder refuses it).
    const text = (h: { messageId: string; senderId: string; conversationId: string }) =>
      ['MessageCreateEvent', h.messageId, h.senderId, h.conversationId, kc.conversationKeyVersion, encodeBase64NoPad(contents)].join(',');
    const r = await recv([kcEvent, await signedEvent(m[0]!, detail, text, { conversationId: G, messageId: 'a,b' })]);
    expect(codeOf(r, 1)).toBe('ERR_UNVERIFIED_EVENT');
    // A key change likewise: its key is not kept.
    const comma = { ...decodeEvent(kcEvent), messageId: 'a,b' };
    const r2 = await recv([encodeEvent(comma), await hello()]);
    expect([codeOf(r2, 0), codeOf(r2, 1)]).toEqual(['ERR_UNVERIFIED_EVENT', 'ERR_NO_CONVERSATION_KEY']);
  });
});
