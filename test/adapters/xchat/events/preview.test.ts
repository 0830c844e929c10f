/**
 * Reply-preview validation, rule by rule (docs/xchat-messages.md §"4.5 `replyPreviewValidation`"):
 * for each of the SDK's eleven rules a preview that meets it and one that breaks it, each verdict
 * compared with the official SDK's on the same batch (one intended difference: at most 8 embedded
 * key changes are tried per quoted event). The reply itself is always returned (verified); only
 * `replyPreviewValidation` changes.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decryptEvents,
  encodeBase64NoPad,
  exportPrivateKeys,
  prepareConversationKeyChange,
  type PreparedKeyChange,
  type SigningKeyEntry,
} from '../../../helpers/kit.js';
import { flip } from '../../../helpers/bytes.js';
import { actionEvent, decodeEvent, sealedMessage } from '../../../helpers/events.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';
import { xdkWithKeys, type XdkChat } from '../../../helpers/xdk.js';

type Raw = ReturnType<typeof decodeEvent>;

let m: Member[];
let signingKeys: SigningKeyEntry[];
let kc: PreparedKeyChange;
let older: PreparedKeyChange;
let kcEvent: string;
let original: Raw;
let edit: Raw;
let sdk: XdkChat;
const G = 'g8';
const E1 = { startIndex: 0, endIndex: 6, content: { hashtag: {} } };
const E2 = { startIndex: 7, endIndex: 14, content: { url: {} } };
const A1 = { media: { mediaHashKey: 'h1', dimensions: { width: 10n, height: 20n }, type: 1, filesizeBytes: 99n, filename: 'a.jpg' } };

const rotate = (conversationId: string, memberIds = ['111', '222', '333']) =>
  prepareConversationKeyChange({ publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!), conversationId, memberIds });
const raw = async (who: number, holder: object, p: PreparedKeyChange = kc, conversationId = G, sequenceId = '10') =>
  decodeEvent(await sealedMessage(m[who]!, p.conversationKey, p.conversationKeyVersion, holder, { conversationId, sequenceId }));

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  signingKeys = m.map((x) => x.signingKeyEntry);
  kc = await rotate(G);
  older = await rotate(G);
  kcEvent = actionEvent(kc.actionSignatures[0]!, '111', G);
  original = await raw(0, { contents: { message: { messageText: 'héllo wörld', entities: [E1, E2], attachments: [A1] } } });
  edit = await raw(0, { contents: { messageEdit: { messageSequenceId: '10', updatedText: 'hello edited', entities: [E2] } } }, kc, G, '11');
  sdk = await xdkWithKeys(exportPrivateKeys(m[1]!.identity), m[1]!.version);
});

/** A claim about the original, with the fields a full preview has. */
const claim = (over: Record<string, unknown> = {}) => ({
  senderId: 111n,
  messageText: 'héllo',
  entities: [E1],
  attachments: [A1],
  replyingToMessageSequenceId: original.sequenceId,
  replyingToMessageId: original.messageId,
  rawEventMessageCreate: original,
  ...over,
});

/**
 * The validation of each reply (by 333) with these previews, decrypted as 222 by us and by the SDK;
 * both must agree except at the indices listed in `sdkSays`, where the SDK's verdict is given.
 */
async function validate(previews: Record<string, unknown>[], sdkSays: Record<number, string> = {}): Promise<(string | undefined)[]> {
  const replies = await Promise.all(
    previews.map((p, i) =>
      sealedMessage(
        m[2]!,
        kc.conversationKey,
        kc.conversationKeyVersion,
        { contents: { message: { messageText: `reply ${i}`, replyingToPreview: p } } },
        { conversationId: G },
      ),
    ),
  );
  const r = await decryptEvents([kcEvent, ...replies], {
    recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
    signingKeys,
  });
  expect(r.errors).toEqual({});
  const ours = r.messages
    .slice(1)
    .map((x) => (x.event.type === 'message' && x.event.verified ? x.event.replyPreviewValidation : 'not returned'));
  const theirs = (sdk.decryptEvents([kcEvent, ...replies], signingKeys) as { messages: { event: Record<string, unknown> }[] }).messages
    .slice(1)
    .map((x) => x.event.replyPreviewValidation);
  expect(theirs).toEqual(ours.map((v, i) => sdkSays[i] ?? v));
  return ours;
}

test('a full and faithful preview is valid; without the embedded original there is no verdict', async () => {
  expect(await validate([claim(), claim({ rawEventMessageCreate: undefined }), {}])).toEqual(['valid', undefined, undefined]);
});

describe('the eleven rules', () => {
  test('1. the quoted event is of the same conversation', async () => {
    const elsewhere = await raw(0, { contents: { message: { messageText: 'héllo wörld' } } }, await rotate('g9'), 'g9');
    expect(
      await validate([
        claim({
          rawEventMessageCreate: elsewhere,
          entities: undefined,
          attachments: undefined,
          replyingToMessageSequenceId: undefined,
          replyingToMessageId: undefined,
        }),
        claim({ rawEventMessageCreate: { ...original, conversationId: undefined } }),
      ]),
    ).toEqual(['invalid', 'invalid']);
  });

  test('2. the quoted event is a message', async () => {
    expect(await validate([claim({ rawEventMessageCreate: decodeEvent(kcEvent) })])).toEqual(['invalid']);
  });

  test("3. signed by its sender with the caller's keys", async () => {
    const flipped = structuredClone(original);
    flipped.messageEventSignature!.signature = encodeBase64NoPad(flip(decodeBase64(flipped.messageEventSignature!.signature!), 5));
    const unsigned = { ...structuredClone(original), messageEventSignature: undefined };
    const [stranger] = await makeMembers(['111'], '1');
    const foreign = decodeEvent(
      await sealedMessage(
        stranger!,
        kc.conversationKey,
        kc.conversationKeyVersion,
        { contents: { message: { messageText: 'héllo wörld', entities: [E1], attachments: [A1] } } },
        { conversationId: G, sequenceId: '10', publicKeyVersion: '1' },
      ),
    );
    expect(
      await validate([
        claim({ rawEventMessageCreate: flipped }),
        claim({ rawEventMessageCreate: unsigned }),
        claim({ rawEventMessageCreate: foreign, replyingToMessageId: foreign.messageId }),
      ]),
    ).toEqual(['invalid', 'invalid', 'invalid']);
  });

  test("4. decrypted with a key of its version: the batch's, or an embedded key change opened by the recipient; and a text message", async () => {
    const before = await raw(0, { contents: { message: { messageText: 'héllo wörld', entities: [E1], attachments: [A1] } } }, older);
    const own = { rawEventMessageCreate: before, replyingToMessageId: before.messageId };
    const olderKc = decodeEvent(actionEvent(older.actionSignatures[0]!, '111', G));
    const notMine = decodeEvent(actionEvent((await rotate(G, ['111', '333'])).actionSignatures[0]!, '111', G));
    notMine.detail!.conversationKeyChangeEvent!.conversationKeyVersion = older.conversationKeyVersion;
    const decoys = Array.from({ length: 8 }, () => notMine);
    const reaction = await raw(0, { contents: { reactionAdd: { messageSequenceId: '1', emoji: 'x' } } });
    expect(
      // The SDK tries every embedded key change: past our 8 decoys it finds the right one.
      await validate(
        [
          claim(own),
          claim({ ...own, rawEventCkces: [olderKc] }),
          claim({ ...own, rawEventCkces: [notMine, olderKc] }),
          claim({ ...own, rawEventCkces: [...decoys, olderKc] }),
          { rawEventMessageCreate: reaction },
        ],
        { 3: 'valid' },
      ),
    ).toEqual(['invalid', 'valid', 'valid', 'invalid', 'invalid']);
  });

  test('5–7. sender, sequence id and message id, when claimed, match the quoted event', async () => {
    expect(
      await validate([
        claim({ senderId: 222n }),
        claim({ senderId: undefined }),
        claim({ replyingToMessageSequenceId: '9' }),
        claim({ replyingToMessageSequenceId: undefined }),
        claim({ replyingToMessageId: 'other' }),
        claim({ replyingToMessageId: undefined }),
      ]),
    ).toEqual(['invalid', 'valid', 'invalid', 'valid', 'invalid', 'valid']);
  });

  test('8. an embedded edit: same conversation and sender, signed, an edit; text and entities then checked against it', async () => {
    const withEdit = (over: Record<string, unknown>) =>
      claim({ rawEventEditMessage: edit, messageText: 'hello ed', entities: [E2], ...over });
    const byOther = await raw(2, { contents: { messageEdit: { updatedText: 'hello edited' } } }, kc, G, '11');
    const notAnEdit = await raw(0, { contents: { message: { messageText: 'hello edited' } } }, kc, G, '11');
    const badSig = structuredClone(edit);
    badSig.messageEventSignature!.signature = encodeBase64NoPad(new Uint8Array(64).fill(2));
    const moved = { ...structuredClone(edit), conversationId: 'g9' };
    expect(
      await validate([
        withEdit({}),
        withEdit({ messageText: 'héllo' }),
        withEdit({ entities: [E1] }),
        withEdit({ rawEventEditMessage: byOther }),
        withEdit({ rawEventEditMessage: notAnEdit }),
        withEdit({ rawEventEditMessage: badSig }),
        withEdit({ rawEventEditMessage: moved }),
      ]),
    ).toEqual(['valid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
  });

  test('9. the claimed text is a prefix of the quoted one', async () => {
    expect(
      await validate([
        claim({ messageText: '' }),
        claim({ messageText: 'héllo wörld' }),
        claim({ messageText: 'héllo wörld!' }),
        claim({ messageText: 'hello' }),
      ]),
    ).toEqual(['valid', 'valid', 'invalid', 'invalid']);
  });

  test('10–11. claimed entities and attachments are among the quoted ones', async () => {
    expect(
      await validate([
        claim({ entities: [] }),
        claim({ entities: [E2, E1, E1] }),
        claim({ entities: [{ ...E1, endIndex: 5 }] }),
        claim({ attachments: [] }),
        claim({ attachments: [{ media: { ...A1.media, filesizeBytes: 98n } }] }),
        claim({ attachments: [{ post: {} }] }),
      ]),
    ).toEqual(['valid', 'valid', 'invalid', 'valid', 'invalid', 'invalid']);
  });
});
