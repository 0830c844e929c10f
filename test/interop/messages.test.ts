/**
 * Sending, interop both ways with the official SDK: what we send, delivered as the X backend
 * delivers it, is verified and decrypted by the SDK's `decryptEvent`/`decryptEvents` with the
 * right content (replies with `replyPreviewValidation: 'valid'`, reactions and edits with the
 * right target, deletes as verified `messageDeleted` events); and the SDK's own messages work as
 * the originals and targets of our replies, reactions and edits.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  encodeMessageEvent,
  encryptAddReaction,
  encryptEdit,
  encryptMessage,
  encryptRemoveReaction,
  encryptReply,
  prepareConversationKeyChange,
  prepareMessageDelete,
  withTestingHooks,
} from '../helpers/kit.js';
import { deliverMessage } from '../helpers/deliver.js';
import { sdkFor } from '../helpers/messages.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { envelopes, sdkMembers, type SdkMember, type XdkChat } from '../helpers/xdk.js';

const KEY = new Uint8Array(randomBytes(32));
const CKV = '1700000000500';
const GROUP = 'g1234567890123456789';
let alice: Member;
let bob: Member;
let sdkBob: XdkChat;
let peer: SdkMember; // a member whose keys the SDK made (user 333)
let seq = 100;

beforeAll(async () => {
  [alice, bob] = (await makeMembers(['111', '222'])) as [Member, Member];
  sdkBob = await sdkFor(bob);
  [peer] = (await sdkMembers(['333'])) as [SdkMember];
});

const keyMap = (k = KEY, v = CKV) => ({ [v]: Uint8Array.from(k) });

/** The delivered key change, by bob, that made `key` the conversation key of version `version`. */
async function keyChangeEvent(key: Uint8Array, version: string, conversationId = '111:222'): Promise<string> {
  let first = true;
  const random = (n: number) => (first && n === 32 ? ((first = false), Uint8Array.from(key)) : new Uint8Array(randomBytes(n)));
  const group = conversationId.startsWith('g') ? { conversationId, memberIds: ['111', '222'] } : {};
  const change = await prepareConversationKeyChange(
    { publicKeys: [alice.publicKeyInput, bob.publicKeyInput], sender: senderOf(bob), ...group },
    withTestingHooks({}, { now: () => Number(version), random }),
  );
  return envelopes(change.actionSignatures, '222', conversationId, encodeMessageEvent, 50)[0]!;
}
const signing = () => [alice.signingKeyEntry, bob.signingKeyEntry, peer.signingKeyEntry];
const mine = { conversationKey: KEY, conversationKeyVersion: CKV };
const deliver = (
  sent: { messageId: string; encryptedContent: string; encodedEventSignature: string },
  senderId = '111',
  conversationId = '111:222',
) => deliverMessage(sent, { sequenceId: String(++seq), senderId, conversationId });
/** The SDK's view of a delivered event, as bob. */
const received = (event: string, keys = keyMap()) =>
  sdkBob.decryptEvent(event, keys, signing()) as Record<string, unknown> & { content: Record<string, unknown> };

describe('our messages, decrypted and verified by the SDK', () => {
  test('text with entities, attachments, flags; one-to-one in every form, and a group', async () => {
    for (const [conversationId, delivered] of [
      ['111:222', '111:222'],
      ['222-111', '111:222'],
      ['222', '111:222'],
      [GROUP, GROUP],
    ] as const) {
      const sent = await encryptMessage({
        conversationId,
        text: '@bob see https://x.co',
        entities: [
          [0, 4, 'mention'],
          [9, 21, 'url'],
        ],
        attachments: [
          { attachment_type: 'media', media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' },
        ],
        shouldNotify: false,
        ttlMsec: 60_000,
        ...mine,
        sender: senderOf(alice),
      });
      const got = received(deliver(sent, '111', delivered));
      expect(got).toMatchObject({
        type: 'message',
        senderId: '111',
        conversationId: delivered,
        verified: true,
        keyVersion: CKV,
        shouldNotify: false,
        ttlMsec: 60_000,
      });
      expect(got.content).toMatchObject({ content_type: 'text', text: '@bob see https://x.co' });
      expect(got.content.entities).toEqual([
        { startIndex: 0, endIndex: 4, content: { mention: {} } },
        { startIndex: 9, endIndex: 21, content: { url: {} } },
      ]);
      expect(got.mediaHashes).toEqual([{ source: 'media', mediaHashKey: 'abc123' }]);
    }
  });

  test('signed for the canonical id: delivered under another id form, the SDK refuses it', async () => {
    const sent = await encryptMessage({ conversationId: '222', text: 'x', ...mine, sender: senderOf(alice) });
    expect(() => received(deliver(sent, '111', '111-222'))).toThrow(/ECDSA mismatch/);
    expect(() => received(deliver(sent, '222', '111:222'))).toThrow(/Signature/);
  });

  test('decryptEvents takes a batch of ours after the key change of their key, every one verified, in order', async () => {
    const events = [await keyChangeEvent(KEY, CKV, GROUP)];
    for (let i = 0; i < 20; i++)
      events.push(
        deliver(
          await encryptMessage({ conversationId: GROUP, text: `m${i}`, ...mine, sender: senderOf(i % 2 ? alice : bob) }),
          i % 2 ? '111' : '222',
          GROUP,
        ),
      );
    const out = sdkBob.decryptEvents(events, signing());
    expect(out.errors).toEqual({});
    expect(out.messages.slice(1).map(({ event }) => [event.type, event.verified, (event.content as { text: string }).text])).toEqual(
      events.slice(1).map((_, i) => ['message', true, `m${i}`]),
    );
  });

  test('reactions and their removal name the target by sequence id', async () => {
    const target = deliver(await encryptMessage({ conversationId: '111:222', text: 'original', ...mine, sender: senderOf(bob) }), '222');
    const add = received(deliver(await encryptAddReaction({ emoji: '👍', targetEvent: target, ...mine, sender: senderOf(alice) })));
    expect(add).toMatchObject({
      type: 'message',
      verified: true,
      content: { content_type: 'reaction', emoji: '👍', target_message_id: String(seq - 1) },
    });
    const remove = received(
      deliver(
        await encryptRemoveReaction({
          emoji: '👍',
          conversationId: '222',
          targetMessageSequenceId: '77',
          ...mine,
          sender: senderOf(alice),
        }),
      ),
    );
    expect(remove).toMatchObject({ verified: true, content: { content_type: 'reactionRemoved', emoji: '👍', target_message_id: '77' } });
  });

  test('edits carry the new text and entities for the target', async () => {
    const target = deliver(await encryptMessage({ conversationId: '111:222', text: 'helo', ...mine, sender: senderOf(alice) }));
    const targetSeq = String(seq);
    const edit = received(
      deliver(
        await encryptEdit({
          updatedText: 'hello #x',
          entities: [[6, 8, 'hashtag']],
          targetEvent: target,
          ...mine,
          sender: senderOf(alice),
        }),
      ),
    );
    expect(edit).toMatchObject({
      verified: true,
      content: {
        content_type: 'edit',
        target_message_id: targetSeq,
        new_text: 'hello #x',
        entities: [{ startIndex: 6, endIndex: 8, content: { hashtag: {} } }],
      },
    });
  });
});

describe('our replies: the SDK finds the preview valid', () => {
  let original: string;
  let originalSeq: string;
  beforeAll(async () => {
    original = deliver(
      await encryptMessage({
        conversationId: '111:222',
        text: 'original text',
        entities: [[0, 8, 'hashtag']],
        ...mine,
        sender: senderOf(bob),
      }),
      '222',
    );
    originalSeq = String(seq);
  });

  test('a reply to our original, with the preview derived from it', async () => {
    const got = received(
      deliver(
        await encryptReply({ conversationId: '111:222', text: 'my reply', replyToEvent: original, ...mine, sender: senderOf(alice) }),
      ),
    );
    expect(got).toMatchObject({ type: 'message', verified: true, replyPreviewValidation: 'valid' });
    expect(got.content).toMatchObject({
      content_type: 'text',
      text: 'my reply',
      replying_to_preview: {
        senderId: '222',
        messageText: 'original text',
        replyingToMessageSequenceId: originalSeq,
        entities: [{ startIndex: 0, endIndex: 8, content: { hashtag: {} } }],
      },
    });
  });

  test('a reply quoting a prefix of the text stays valid; the explicit form carries no raw event', async () => {
    const prefix = received(
      deliver(
        await encryptReply({
          conversationId: '111:222',
          text: 'r',
          replyToEvent: original,
          replyToText: 'original',
          ...mine,
          sender: senderOf(alice),
        }),
      ),
    );
    expect(prefix.replyPreviewValidation).toBe('valid');
    const explicit = received(
      deliver(
        await encryptReply({
          conversationId: '111:222',
          text: 'r',
          replyToSequenceId: originalSeq,
          replyToText: 'quoted',
          replyToSenderId: 222,
          ...mine,
          sender: senderOf(alice),
        }),
      ),
    );
    expect(explicit.replyPreviewValidation).toBeUndefined();
    expect(explicit.content.replying_to_preview).toMatchObject({
      senderId: '222',
      messageText: 'quoted',
      replyingToMessageSequenceId: originalSeq,
    });
  });

  test('a reply to an edited message quotes the edit, and stays valid', async () => {
    const edit = deliver(
      await encryptEdit({ updatedText: 'original text, edited', targetEvent: original, ...mine, sender: senderOf(bob) }),
      '222',
    );
    const got = received(
      deliver(
        await encryptReply({
          conversationId: '111:222',
          text: 'r',
          replyToEvent: original,
          replyToEditEvent: edit,
          ...mine,
          sender: senderOf(alice),
        }),
      ),
    );
    expect(got).toMatchObject({
      replyPreviewValidation: 'valid',
      content: { replying_to_preview: { messageText: 'original text, edited' } },
    });
  });

  test('a reply to a message under an older key: the key change travels in the preview, and the receiver opens it', async () => {
    const oldKey = new Uint8Array(randomBytes(32));
    const keyChange = await keyChangeEvent(oldKey, '1700000000400');
    const old = deliver(
      await encryptMessage({
        conversationId: '111:222',
        text: 'from before',
        conversationKey: oldKey,
        conversationKeyVersion: '1700000000400',
        sender: senderOf(bob),
      }),
      '222',
    );
    const reply = await encryptReply({
      conversationId: '111:222',
      text: 'late',
      replyToEvent: old,
      replyToCkces: [keyChange],
      recipient: { userId: '111', identityPrivateKey: alice.identity.identityPrivateKey, keyVersion: alice.version },
      ...mine,
      sender: senderOf(alice),
    });
    // bob has only the current key: the old one comes from the embedded key change.
    expect(received(deliver(reply))).toMatchObject({
      verified: true,
      replyPreviewValidation: 'valid',
      content: { replying_to_preview: { messageText: 'from before' } },
    });
  });
});

describe("the SDK's messages as our originals and targets", () => {
  let sdkOriginal: string;
  let sdkSeq: string;
  beforeAll(() => {
    const sent = peer.chat.encryptMessage({
      conversationId: GROUP,
      text: 'sdk says hi',
      entities: [[0, 3, 'cashtag']],
      conversationKey: Uint8Array.from(KEY),
      conversationKeyVersion: CKV,
    });
    sdkOriginal = deliver(sent, '333', GROUP);
    sdkSeq = String(seq);
  });

  test('our reply to an SDK message is valid for the SDK', async () => {
    const got = received(
      deliver(
        await encryptReply({ conversationId: GROUP, text: 'yes', replyToEvent: sdkOriginal, ...mine, sender: senderOf(alice) }),
        '111',
        GROUP,
      ),
    );
    expect(got).toMatchObject({
      verified: true,
      replyPreviewValidation: 'valid',
      content: { replying_to_preview: { senderId: '333', messageText: 'sdk says hi', replyingToMessageSequenceId: sdkSeq } },
    });
  });

  test('our reaction and edit target the SDK message', async () => {
    const react = received(
      deliver(await encryptAddReaction({ emoji: '🎉', targetEvent: sdkOriginal, ...mine, sender: senderOf(alice) }), '111', GROUP),
    );
    expect(react).toMatchObject({
      verified: true,
      conversationId: GROUP,
      content: { content_type: 'reaction', target_message_id: sdkSeq },
    });
    const sdkEdit = deliver(
      peer.chat.encryptEdit({
        updatedText: 'sdk says hello',
        targetEvent: sdkOriginal,
        conversationKey: Uint8Array.from(KEY),
        conversationKeyVersion: CKV,
      }),
      '333',
      GROUP,
    );
    const reply = received(
      deliver(
        await encryptReply({
          conversationId: GROUP,
          text: 'ok',
          replyToEvent: sdkOriginal,
          replyToEditEvent: sdkEdit,
          ...mine,
          sender: senderOf(alice),
        }),
        '111',
        GROUP,
      ),
    );
    expect(reply).toMatchObject({ replyPreviewValidation: 'valid', content: { replying_to_preview: { messageText: 'sdk says hello' } } });
  });

  test("the SDK's reply to our message is one we could have made", async () => {
    const ours = deliver(await encryptMessage({ conversationId: GROUP, text: 'ours', ...mine, sender: senderOf(alice) }), '111', GROUP);
    const oursSeq = String(seq);
    const theirs = peer.chat.encryptReply({
      conversationId: GROUP,
      text: 'theirs',
      replyToEvent: ours,
      conversationKey: Uint8Array.from(KEY),
      conversationKeyVersion: CKV,
    });
    expect(received(deliver(theirs, '333', GROUP))).toMatchObject({
      verified: true,
      replyPreviewValidation: 'valid',
      content: { replying_to_preview: { senderId: '111', messageText: 'ours' } },
    });
    const reaction = peer.chat.encryptAddReaction({
      emoji: '👀',
      targetEvent: ours,
      conversationKey: Uint8Array.from(KEY),
      conversationKeyVersion: CKV,
    });
    expect(received(deliver(reaction, '333', GROUP))).toMatchObject({
      verified: true,
      content: { content_type: 'reaction', emoji: '👀', target_message_id: oursSeq },
    });
  });
});

describe('our deletes, verified by the SDK', () => {
  test.each([
    ['111:222', '111:222', true],
    ['222', '111:222', false],
    [GROUP, GROUP, true],
  ] as const)('%s delivered as %s, deleteForAll=%s', async (conversationId, delivered, deleteForAll) => {
    const action = await prepareMessageDelete({ conversationId, sequenceIds: ['5', '6'], deleteForAll, sender: senderOf(alice) });
    const [event] = envelopes([action], '111', delivered, encodeMessageEvent, ++seq);
    expect(sdkBob.decryptEvent(event!, {}, signing())).toMatchObject({
      type: 'messageDeleted',
      verified: true,
      messageIds: ['5', '6'],
      deleteForAll,
    });
    // Signed for its own sender and conversation only.
    expect(() => sdkBob.decryptEvent(envelopes([action], '222', delivered, encodeMessageEvent)[0]!, {}, signing())).toThrow(
      /MessageDelete signature/,
    );
    expect(() =>
      sdkBob.decryptEvent(envelopes([action], '111', delivered === GROUP ? 'g1' : '111-222', encodeMessageEvent)[0]!, {}, signing()),
    ).toThrow(/MessageDelete signature/);
  });

  test('the SDK rebuilds the same payload at signature versions 2 to 7', async () => {
    const action = await prepareMessageDelete({ conversationId: GROUP, sequenceIds: ['5'], deleteForAll: true, sender: senderOf(alice) });
    for (const signatureVersion of ['2', '3', '4', '5', '6', '7']) {
      const [event] = envelopes([{ ...action, signatureVersion }], '111', GROUP, encodeMessageEvent);
      expect(sdkBob.decryptEvent(event!, {}, signing())).toMatchObject({ type: 'messageDeleted', verified: true });
    }
  });
});
