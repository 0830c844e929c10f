/**
 * decryptEvents against the official SDK's decryptEvents on the same batch: events the SDK made
 * (key changes, a group create and member add, messages with entities and attachments, replies
 * with valid and forged previews, edits, reactions, deletes) and hand-built events of every other
 * kind and plaintext variant. Per input index both must return the same event — the SDK's with
 * its snake_case keys converted to camelCase — or both an error.
 *
 * The intended differences, each asserted below where it shows:
 * - errors are `{ code, message }` with our codes, not the SDK's message strings;
 * - every returned event is verified: the SDK under its default reject-unverified policy agrees on
 *   every event here, except where our policy is stricter (listed in test/adapters/xchat/events);
 * - `conversationKeys` has `byConversation` besides the SDK's flat `keys` and `latestVersion`, and
 *   each returned event has its input `index`; the result has a `state`.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { decryptEvents, encodeMessageEvent, exportPrivateKeys, type DecryptEventsResult } from '../helpers/kit.js';
import { deliverMessage } from '../helpers/deliver.js';
import { rows, type SdkBatch } from '../helpers/compare.js';
import { sealedMessage, signedEvent, textEntry } from '../helpers/events.js';
import { makeMembers, type Member } from '../helpers/members.js';
import { envelopes, xdkWithKeys, type SdkPrepared, type XdkChat } from '../helpers/xdk.js';

const GROUP = 'g1234567890123456789';
let m: Member[];
let sdk: XdkChat[];
let receiver: XdkChat;
let signingKeys: Member['signingKeyEntry'][];

async function sdkFor(x: Member): Promise<XdkChat> {
  const chat = await xdkWithKeys(exportPrivateKeys(x.identity), x.version);
  chat.setIdentity(x.id, x.version);
  return chat;
}

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  sdk = await Promise.all(m.map(sdkFor));
  receiver = await xdkWithKeys(exportPrivateKeys(m[1]!.identity), m[1]!.version);
  signingKeys = m.map((x) => x.signingKeyEntry);
});

/** Both receivers on one batch, as member 222. */
async function both(events: string[]): Promise<{ sdk: SdkBatch; ours: DecryptEventsResult }> {
  const s = receiver.decryptEvents(events, signingKeys) as SdkBatch;
  const ours = await decryptEvents(events, {
    recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, keyVersion: m[1]!.version },
    signingKeys,
  });
  return { sdk: s, ours };
}

/** A conversation's history, built event by event with sequence ids from 1. */
class History {
  readonly events: string[] = [];
  key = new Uint8Array(0);
  version = '';
  constructor(readonly conversationId: string) {}
  get next(): string {
    return String(this.events.length + 1);
  }
  actions(p: SdkPrepared | SdkPrepared['actionSignatures'], sender: string): string[] {
    const list = Array.isArray(p) ? p : p.actionSignatures;
    if (!Array.isArray(p)) [this.key, this.version] = [Uint8Array.from(p.conversationKey), p.conversationKeyVersion];
    const out = envelopes(list, sender, this.conversationId, encodeMessageEvent, this.events.length + 1);
    this.events.push(...out);
    return out;
  }
  send(
    who: number,
    call: 'encryptMessage' | 'encryptReply' | 'encryptEdit' | 'encryptAddReaction' | 'encryptRemoveReaction',
    params: Record<string, unknown>,
  ): string {
    const sent = sdk[who]![call]({
      conversationId: this.conversationId,
      conversationKey: Uint8Array.from(this.key),
      conversationKeyVersion: this.version,
      ...params,
    });
    const event = deliverMessage(sent, { sequenceId: this.next, senderId: m[who]!.id, conversationId: this.conversationId });
    this.events.push(event);
    return event;
  }
  push(event: string): string {
    this.events.push(event);
    return event;
  }
}

function expectSame(r: { sdk: SdkBatch; ours: DecryptEventsResult }, count: number): void {
  for (const row of rows(count, r.sdk, r.ours)) {
    if ('error' in row.sdk) expect(row.ours, `index ${row.index}: the SDK refused it (${row.sdk.error})`).toHaveProperty('error');
    else expect(row.ours, `index ${row.index}`).toEqual({ event: row.sdk.event });
  }
}

describe('SDK-made events', () => {
  let h: History;
  let r: { sdk: SdkBatch; ours: DecryptEventsResult };
  beforeAll(async () => {
    h = new History(GROUP);
    const members = m.map((x) => x.publicKeyInput);
    h.actions(
      sdk[0]!.prepareGroupCreate({
        publicKeys: members.slice(0, 2),
        conversationId: GROUP,
        memberIds: ['111', '222'],
        adminIds: ['111'],
        title: 'Team',
        ttlMsec: 60_000,
      }),
      '111',
    );
    const hello = h.send(0, 'encryptMessage', { text: 'hello' });
    h.send(1, 'encryptMessage', {
      text: '@bob #tag $X https://x.co a@b.c 1 Main St +1 555 0100',
      entities: [
        [0, 4, 'mention'],
        [5, 9, 'hashtag'],
        [10, 12, 'cashtag'],
        [13, 25, 'url'],
        [26, 31, 'email'],
        [32, 41, 'address'],
        [42, 53, 'phone_number'],
        [0, 1, 'Nope'],
      ],
    });
    const photos = h.send(0, 'encryptMessage', {
      text: 'photos',
      entities: [[0, 6, 'hashtag']],
      attachments: [
        { attachment_type: 'media', media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' },
        {
          attachment_type: 'media',
          media_hash_key: 'vid1',
          width: 1920,
          height: 1080,
          filesize_bytes: 999_999,
          filename: 'v.mp4',
          media_type: 3,
          duration_millis: 15_000,
        },
        { attachment_type: 'media', media_hash_key: 'odd', width: 1, height: 1, filesize_bytes: 1, filename: 'x', media_type: 2 },
      ],
    });
    h.send(0, 'encryptMessage', {
      text: 'https://example.com',
      attachments: [
        {
          attachment_type: 'url',
          url: 'https://example.com',
          display_title: 'Example',
          banner_image: { media_hash_key: 'ban1', filesize_bytes: 2400, filename: 'b.jpg', width: 1200, height: 630 },
          favicon_image: { media_hash_key: 'fav1', filesize_bytes: 120, filename: 'f.ico' },
        },
      ],
    });
    h.send(0, 'encryptMessage', {
      text: 'p',
      attachments: [{ attachment_type: 'post', rest_id: '1234', post_url: 'https://x.com/a/status/1234' }],
      shouldNotify: false,
      ttlMsec: 60_000,
    });
    h.send(1, 'encryptReply', { text: 'my reply', replyToEvent: hello });
    h.send(1, 'encryptReply', { text: 'nice photos', replyToEvent: photos });
    h.send(1, 'encryptReply', { text: 'forged', replyToEvent: hello, replyToText: 'something else' });
    const edit = h.send(0, 'encryptEdit', { updatedText: 'hello, world', entities: [[0, 5, 'hashtag']], targetEvent: hello });
    h.send(1, 'encryptReply', { text: 'on the edit', replyToEvent: hello, replyToEditEvent: edit });
    h.send(1, 'encryptAddReaction', { emoji: '👍', targetEvent: hello });
    h.send(1, 'encryptRemoveReaction', { emoji: '👍', targetEvent: hello });
    h.actions([sdk[0]!.prepareMessageDelete({ conversationId: GROUP, sequenceIds: ['3', '4'], deleteForAll: true })], '111');
    h.actions([sdk[1]!.prepareMessageDelete({ conversationId: GROUP, sequenceIds: ['6'], deleteForAll: false })], '222');
    // A member add rotates the key; the new member writes under the new version.
    h.actions(
      sdk[0]!.prepareGroupMembersChange({
        publicKeys: members,
        conversationId: GROUP,
        newMemberIds: ['333'],
        currentMemberIds: ['111', '222'],
        currentAdminIds: ['111'],
        currentPendingMemberIds: [],
        currentTitle: 'Team',
      }),
      '111',
    );
    h.send(2, 'encryptMessage', { text: 'hi all, I am new' });
    h.actions(sdk[1]!.prepareConversationKeyChange({ publicKeys: members, conversationId: GROUP }), '222');
    h.send(1, 'encryptMessage', { text: 'rotated' });
    r = await both(h.events);
  });

  test('every event: the same as the SDK returns, in our casing', () => {
    expect(Object.keys(r.sdk.errors)).toEqual([]);
    expect(Object.keys(r.ours.errors)).toEqual([]);
    expectSame(r, h.events.length);
    expect(r.ours.messages.map((x) => x.event.type)).toEqual([
      'keyChange',
      'groupChange',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'messageDeleted',
      'messageDeleted',
      'keyChange',
      'groupChange',
      'message',
      'keyChange',
      'message',
    ]);
  });

  test('what the casing conversion touched: content, changes, attachment kinds (and nothing else is snake_case in ours)', () => {
    const text = JSON.stringify(r.ours.messages);
    expect(text).not.toMatch(/"[a-z]+_[a-z_]+":/);
    expect(JSON.stringify(r.sdk.messages)).toMatch(/"content_type":/);
    const replies = r.ours.messages.map((x) => x.event).filter((e) => e.type === 'message' && e.replyPreviewValidation);
    expect(replies.map((e) => e.type === 'message' && e.replyPreviewValidation)).toEqual(['valid', 'valid', 'invalid', 'valid']);
  });

  test("the keys: the SDK's flat keys and latest version, and ours per conversation", () => {
    const sdkKeys = Object.fromEntries(Object.entries(r.sdk.conversationKeys.keys).map(([v, k]) => [v, Buffer.from(k).toString('hex')]));
    const ourKeys = Object.fromEntries(Object.entries(r.ours.conversationKeys.keys).map(([v, k]) => [v, Buffer.from(k).toString('hex')]));
    expect(ourKeys).toEqual(sdkKeys);
    expect(Object.keys(ourKeys)).toHaveLength(3);
    expect(r.ours.conversationKeys.latestVersion).toBe(r.sdk.conversationKeys.latestVersion);
    expect(r.ours.conversationKeys.byConversation[GROUP]).toMatchObject({ latestVersion: h.version, unverified: [] });
    expect(r.ours.state).toEqual({ version: 1, latestVersions: { [GROUP]: h.version } });
  });
});

describe('hand-built events of every other kind', () => {
  test('notices, signed changes and every plaintext variant', async () => {
    const h = new History(GROUP);
    h.actions(
      sdk[0]!.prepareGroupCreate({
        publicKeys: m.map((x) => x.publicKeyInput),
        conversationId: GROUP,
        memberIds: ['111', '222', '333'],
        adminIds: ['111'],
      }),
      '111',
    );
    const a = m[0]!;
    const gc = (groupChange: object) => ({ groupChangeEvent: { groupChange } });
    // Unsigned backend notices.
    h.push(await signedEvent(a, { messageTypingEvent: { conversationId: GROUP } }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, { messageFailureEvent: { failureType: 12, rateLimitTier: 3 } }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, { messageFailureEvent: { failureType: 99, rateLimitTier: 9 } }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, { messageFailureEvent: {} }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, { memberAccountDeleteEvent: { memberId: '333' } }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, { grokSearchResponseEvent: { searchResponseId: 'x' } }, null, { conversationId: GROUP }));
    h.push(await signedEvent(a, undefined, null, { conversationId: GROUP, createdAtMsec: '-5' }));
    h.push(await signedEvent(a, { messageTypingEvent: {} }, null, { conversationId: GROUP, createdAtMsec: 'soon' }));
    // Signed changes (payloads confirmed in receive-payloads.test.ts).
    const {
      conversationDeletePayload,
      groupChangePayload,
      markConversationReadPayload,
      markConversationUnreadPayload,
      metadataChangePayload,
    } = await import('../helpers/kit.js');
    const signed: [object, (x: never) => string][] = [
      [
        { conversationDeleteEvent: { clearConversationOptions: { clearAllMessages: true } } },
        (x) => conversationDeletePayload(7, x, { clearConversationOptions: { clearAllMessages: true } }),
      ],
      [
        { markConversationReadEvent: { seenUntilSequenceId: '3', seenAtMillis: 1_700_000_000_123n } },
        (x) => markConversationReadPayload(7, x, { seenUntilSequenceId: '3', seenAtMillis: 1_700_000_000_123n }),
      ],
      [
        { markConversationUnreadEvent: { seenUntilSequenceId: '3' } },
        (x) => markConversationUnreadPayload(7, x, { seenUntilSequenceId: '3' }),
      ],
      [
        gc({ groupTitleChange: { customTitle: 'New', conversationKeyVersion: h.version } }),
        (x) => groupChangePayload(7, x, { groupTitleChange: { customTitle: 'New', conversationKeyVersion: h.version } }),
      ],
      [
        gc({ groupAvatarUrlChange: { conversationKeyVersion: h.version } }),
        (x) => groupChangePayload(7, x, { groupAvatarUrlChange: { conversationKeyVersion: h.version } }),
      ],
      [gc({ groupAdminAddChange: { adminIds: ['222'] } }), (x) => groupChangePayload(7, x, { groupAdminAddChange: { adminIds: ['222'] } })],
      [
        gc({ groupAdminRemoveChange: { adminIds: ['222'] } }),
        (x) => groupChangePayload(7, x, { groupAdminRemoveChange: { adminIds: ['222'] } }),
      ],
      [
        gc({ groupMemberRemoveChange: { memberIds: ['333'] } }),
        (x) => groupChangePayload(7, x, { groupMemberRemoveChange: { memberIds: ['333'] } }),
      ],
      [
        gc({ groupInviteEnable: { inviteUrl: 'https://x.example/i', expiresAtMsec: 1_800_000_000_000n } }),
        (x) => groupChangePayload(7, x, { groupInviteEnable: { inviteUrl: 'https://x.example/i', expiresAtMsec: 1_800_000_000_000n } }),
      ],
      [
        gc({ groupInviteDisable: { disabledByMemberId: '111' } }),
        (x) => groupChangePayload(7, x, { groupInviteDisable: { disabledByMemberId: '111' } }),
      ],
      [
        gc({ groupJoinRequest: { requestingUserId: '444' } }),
        (x) => groupChangePayload(7, x, { groupJoinRequest: { requestingUserId: '444' } }),
      ],
      [
        gc({ groupJoinReject: { rejectedUserIds: ['444'] } }),
        (x) => groupChangePayload(7, x, { groupJoinReject: { rejectedUserIds: ['444'] } }),
      ],
      [
        { conversationMetadataChangeEvent: { conversationMetadataChange: { messageDurationChange: { ttlMsec: 3600n } } } },
        (x) => metadataChangePayload(7, x, { messageDurationChange: { ttlMsec: 3600n } }),
      ],
      ...(
        [
          'messageDurationRemove',
          'muteConversation',
          'unmuteConversation',
          'enableScreenCaptureDetection',
          'disableScreenCaptureDetection',
          'enableScreenCaptureBlocking',
          'disableScreenCaptureBlocking',
        ] as const
      ).map((k): [object, (x: never) => string] => [
        { conversationMetadataChangeEvent: { conversationMetadataChange: { [k]: {} } } },
        (x) => metadataChangePayload(7, x, { [k]: {} }),
      ]),
    ];
    for (const [detail, payload] of signed)
      h.push(await signedEvent(a, detail, payload as never, { conversationId: GROUP, sequenceId: h.next }));
    // Every plaintext variant, sealed under the group key.
    const seal = (holder: object) => sealedMessage(a, h.key, h.version, holder, { conversationId: GROUP, sequenceId: h.next });
    const media = (extra: object) => ({ media: { mediaHashKey: 'k', ...extra } });
    const holders: object[] = [
      textEntry(''),
      { contents: { message: {} } },
      {
        contents: {
          message: {
            messageText: 'fwd',
            forwardedMessage: { messageText: 'orig', entities: [{ startIndex: 0, endIndex: 2, content: { url: {} } }] },
            sentFrom: 2,
            ctas: [{ label: 'Go', url: 'https://x.co' }, {}],
          },
        },
      },
      { contents: { message: { messageText: 'x', forwardedMessage: {}, sentFrom: 99 } } },
      { contents: { message: { quickReply: { request: { options: { id: 'q', options: [{ id: '1', label: 'Yes' }, {}] } } } } } },
      { contents: { message: { quickReply: { response: { options: { requestId: 'q', selectedOptionId: '1' } } } } } },
      { contents: { message: { messageText: 'e', entities: [{ startIndex: 1 }, { content: { email: {} } }], attachments: [] } } },
      {
        contents: {
          message: {
            attachments: [
              media({ type: 9 }),
              media({ dimensions: { width: 5n } }),
              { post: {} },
              { unifiedCard: { url: 'u' } },
              { money: { fallbackText: 'pay', payload: Uint8Array.of(1, 2, 3) } },
              { money: {} },
              { jetfuel: { url: 'j' } },
            ],
          },
        },
      },
      {
        contents: {
          message: {
            attachments: [
              { url: { url: 'u', bannerImage: { filename: 'b' } } },
              { url: { faviconImage: { mediaHashKey: '' } } },
              media({ mediaHashKey: '' }),
            ],
          },
        },
      },
      { contents: { reactionAdd: {} } },
      { contents: { messageEdit: { updatedText: 'x', entities: [] } } },
      { contents: { markConversationRead: { seenUntilSequenceId: '1' } } },
      { contents: { markConversationUnread: {} } },
      { contents: { pinConversation: { conversationId: GROUP } } },
      { contents: { avCallStarted: { isAudioOnly: true } } },
      { contents: { acceptMessageRequest: {} } },
      {},
      {
        contents: {
          message: {
            messageText: 'preview without raw event',
            replyingToPreview: {
              senderId: -7n,
              messageText: 'q',
              replyingToMessageSequenceId: '2',
              senderDisplayName: 'Al',
              attachments: [media({})],
            },
          },
        },
      },
    ];
    for (const holder of holders) h.push(await seal(holder));
    const r = await both(h.events);
    expect(r.sdk.errors).toEqual({});
    expect(r.ours.errors).toEqual({});
    expectSame(r, h.events.length);
  });
});
