/**
 * The signed payload of every signed event type a receiver checks (docs/xchat-messages.md §"5.1
 * Signature verification per detail"), confirmed against the official SDK: each event is built by
 * hand, signed by a member over the payload our builder makes, and delivered; the SDK's
 * decryptEvent must report `verified: true`, and so must our decryptEvents. Changing any one
 * character of any component of the signed text must make both refuse it. Where the notes we
 * started from disagreed with the SDK, the SDK won, and the case says so.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { messageDeletePayload } from '../../src/wire/xchat/payloads.js';
import {
  conversationDeletePayload,
  decryptEvents,
  exportPrivateKeys,
  groupChangePayload,
  markConversationReadPayload,
  markConversationUnreadPayload,
  metadataChangePayload,
  type ActionHead,
} from '../helpers/kit.js';
import { signedEvent, type DetailValue } from '../helpers/events.js';
import { makeMembers, type Member } from '../helpers/members.js';
import { xdkWithKeys, type XdkChat } from '../helpers/xdk.js';

let m: Member[];
let sdk: XdkChat;
beforeAll(async () => {
  m = await makeMembers(['111', '222']);
  sdk = await xdkWithKeys(exportPrivateKeys(m[1]!.identity), m[1]!.version);
});

const gc = (groupChange: NonNullable<DetailValue['groupChangeEvent']>['groupChange']): DetailValue => ({
  groupChangeEvent: { groupChange },
});
const meta = (c: NonNullable<NonNullable<DetailValue['conversationMetadataChangeEvent']>['conversationMetadataChange']>): DetailValue => ({
  conversationMetadataChangeEvent: { conversationMetadataChange: c },
});

interface Case {
  name: string;
  detail: DetailValue;
  payload: (h: ActionHead) => string;
}

const CASES: Case[] = [
  {
    name: 'MessageDeleteEvent for everyone',
    detail: { messageDeleteEvent: { sequenceIds: ['5', '6'], deleteMessageAction: 2 } },
    payload: (h) => messageDeletePayload(7, { ...h, deleteForAll: true, sequenceIds: ['5', '6'] }),
  },
  {
    name: 'MessageDeleteEvent for the sender, no ids (an empty list signs nothing)',
    detail: { messageDeleteEvent: { sequenceIds: [], deleteMessageAction: 1 } },
    payload: (h) => messageDeletePayload(7, { ...h, deleteForAll: false, sequenceIds: [] }),
  },
  {
    name: 'ConversationDeleteEvent without options',
    detail: { conversationDeleteEvent: { conversationId: 'g123' } },
    payload: (h) => conversationDeletePayload(7, h, {}),
  },
  {
    name: 'ConversationDeleteEvent with both options',
    detail: { conversationDeleteEvent: { clearConversationOptions: { clearAllMessages: true, sortOrderMsec: 99n } } },
    payload: (h) => conversationDeletePayload(7, h, { clearConversationOptions: { clearAllMessages: true, sortOrderMsec: 99n } }),
  },
  {
    name: 'ConversationDeleteEvent with only the sort order (absent values are left out, not null)',
    detail: { conversationDeleteEvent: { clearConversationOptions: { sortOrderMsec: -1n } } },
    payload: (h) => conversationDeletePayload(7, h, { clearConversationOptions: { sortOrderMsec: -1n } }),
  },
  {
    name: 'MarkConversationReadEvent with the time',
    detail: { markConversationReadEvent: { seenUntilSequenceId: '77', seenAtMillis: 123n } },
    payload: (h) => markConversationReadPayload(7, h, { seenUntilSequenceId: '77', seenAtMillis: 123n }),
  },
  {
    name: 'MarkConversationReadEvent without the time',
    detail: { markConversationReadEvent: { seenUntilSequenceId: '77' } },
    payload: (h) => markConversationReadPayload(7, h, { seenUntilSequenceId: '77' }),
  },
  {
    name: 'MarkConversationUnreadEvent',
    detail: { markConversationUnreadEvent: { seenUntilSequenceId: '77' } },
    payload: (h) => markConversationUnreadPayload(7, h, { seenUntilSequenceId: '77' }),
  },
  {
    name: 'MarkConversationUnreadEvent without a sequence id (the SDK: nothing after conv)',
    detail: { markConversationUnreadEvent: {} },
    payload: (h) => markConversationUnreadPayload(7, h, {}),
  },
  {
    name: 'GroupTitleChange',
    detail: gc({ groupTitleChange: { customTitle: 'Hiking', conversationKeyVersion: '9' } }),
    payload: (h) => groupChangePayload(7, h, { groupTitleChange: { customTitle: 'Hiking', conversationKeyVersion: '9' } }),
  },
  {
    name: 'GroupTitleChange without a title (the SDK signs an empty component, not null)',
    detail: gc({ groupTitleChange: { conversationKeyVersion: '9' } }),
    payload: (h) => groupChangePayload(7, h, { groupTitleChange: { conversationKeyVersion: '9' } }),
  },
  {
    name: 'GroupAvatarUrlChange',
    detail: gc({ groupAvatarUrlChange: { customAvatarUrl: 'https://x.example/a.png', conversationKeyVersion: '9' } }),
    payload: (h) =>
      groupChangePayload(7, h, { groupAvatarUrlChange: { customAvatarUrl: 'https://x.example/a.png', conversationKeyVersion: '9' } }),
  },
  {
    name: 'GroupAvatarUrlChange without a URL (empty, not null)',
    detail: gc({ groupAvatarUrlChange: { conversationKeyVersion: '9' } }),
    payload: (h) => groupChangePayload(7, h, { groupAvatarUrlChange: { conversationKeyVersion: '9' } }),
  },
  {
    name: 'GroupAdminAddChange',
    detail: gc({ groupAdminAddChange: { adminIds: ['1', '2'] } }),
    payload: (h) => groupChangePayload(7, h, { groupAdminAddChange: { adminIds: ['1', '2'] } }),
  },
  {
    name: 'GroupAdminAddChange with an empty list',
    detail: gc({ groupAdminAddChange: { adminIds: [] } }),
    payload: (h) => groupChangePayload(7, h, { groupAdminAddChange: { adminIds: [] } }),
  },
  {
    name: 'GroupAdminRemoveChange',
    detail: gc({ groupAdminRemoveChange: { adminIds: ['1', '2'] } }),
    payload: (h) => groupChangePayload(7, h, { groupAdminRemoveChange: { adminIds: ['1', '2'] } }),
  },
  {
    name: 'GroupMemberRemoveChange',
    detail: gc({ groupMemberRemoveChange: { memberIds: ['3', '4'] } }),
    payload: (h) => groupChangePayload(7, h, { groupMemberRemoveChange: { memberIds: ['3', '4'] } }),
  },
  {
    name: 'GroupInviteEnable (url, expiry, affiliate: in that order)',
    detail: gc({ groupInviteEnable: { inviteUrl: 'https://x.example/i', expiresAtMsec: 5n, affiliateId: 'af' } }),
    payload: (h) =>
      groupChangePayload(7, h, { groupInviteEnable: { inviteUrl: 'https://x.example/i', expiresAtMsec: 5n, affiliateId: 'af' } }),
  },
  {
    name: 'GroupInviteEnable without expiry and affiliate (null)',
    detail: gc({ groupInviteEnable: { inviteUrl: 'u' } }),
    payload: (h) => groupChangePayload(7, h, { groupInviteEnable: { inviteUrl: 'u' } }),
  },
  {
    name: 'GroupInviteDisable',
    detail: gc({ groupInviteDisable: { disabledByMemberId: '7' } }),
    payload: (h) => groupChangePayload(7, h, { groupInviteDisable: { disabledByMemberId: '7' } }),
  },
  {
    name: 'GroupJoinRequest',
    detail: gc({ groupJoinRequest: { requestingUserId: '8' } }),
    payload: (h) => groupChangePayload(7, h, { groupJoinRequest: { requestingUserId: '8' } }),
  },
  {
    name: 'GroupJoinReject',
    detail: gc({ groupJoinReject: { rejectedUserIds: ['8', '9'] } }),
    payload: (h) => groupChangePayload(7, h, { groupJoinReject: { rejectedUserIds: ['8', '9'] } }),
  },
  {
    name: 'GroupCreate (no conversation id in the payload)',
    detail: gc({ groupCreate: { memberIds: ['111', '222'], adminIds: ['111'], title: 'T', conversationKeyVersion: '9' } }),
    payload: (h) =>
      groupChangePayload(7, h, { groupCreate: { memberIds: ['111', '222'], adminIds: ['111'], title: 'T', conversationKeyVersion: '9' } }),
  },
  {
    name: 'GroupMemberAddChange with an invite',
    detail: gc({
      groupMemberAddChange: {
        memberIds: ['3'],
        currentMemberIds: ['111', '222'],
        currentAdminIds: ['111'],
        conversationKeyVersion: '9',
        groupInviteEnable: { inviteUrl: 'u' },
      },
    }),
    payload: (h) =>
      groupChangePayload(7, h, {
        groupMemberAddChange: {
          memberIds: ['3'],
          currentMemberIds: ['111', '222'],
          currentAdminIds: ['111'],
          conversationKeyVersion: '9',
          groupInviteEnable: { inviteUrl: 'u' },
        },
      }),
  },
  {
    name: 'MessageDurationChange (only the TTL is signed)',
    detail: meta({ messageDurationChange: { ttlMsec: 86_400_000n, applyToAllMessages: true } }),
    payload: (h) => metadataChangePayload(7, h, { messageDurationChange: { ttlMsec: 86_400_000n, applyToAllMessages: true } }),
  },
  {
    name: 'MessageDurationRemove',
    detail: meta({ messageDurationRemove: { currentTtlMsec: 5n } }),
    payload: (h) => metadataChangePayload(7, h, { messageDurationRemove: { currentTtlMsec: 5n } }),
  },
  {
    name: 'MuteConversation',
    detail: meta({ muteConversation: { mutedConversationIds: ['g1', 'g2'] } }),
    payload: (h) => metadataChangePayload(7, h, { muteConversation: { mutedConversationIds: ['g1', 'g2'] } }),
  },
  {
    name: 'MuteConversation without ids (the SDK: an absent list signs nothing)',
    detail: meta({ muteConversation: {} }),
    payload: (h) => metadataChangePayload(7, h, { muteConversation: {} }),
  },
  {
    name: 'UnmuteConversation',
    detail: meta({ unmuteConversation: { unmutedConversationIds: ['g1'] } }),
    payload: (h) => metadataChangePayload(7, h, { unmuteConversation: { unmutedConversationIds: ['g1'] } }),
  },
  {
    name: 'EnableScreenCaptureDetection',
    detail: meta({ enableScreenCaptureDetection: {} }),
    payload: (h) => metadataChangePayload(7, h, { enableScreenCaptureDetection: {} }),
  },
  {
    name: 'DisableScreenCaptureDetection',
    detail: meta({ disableScreenCaptureDetection: {} }),
    payload: (h) => metadataChangePayload(7, h, { disableScreenCaptureDetection: {} }),
  },
  {
    name: 'EnableScreenCaptureBlocking (its placeholder is not signed)',
    detail: meta({ enableScreenCaptureBlocking: { placeholder: 'x' } }),
    payload: (h) => metadataChangePayload(7, h, { enableScreenCaptureBlocking: { placeholder: 'x' } }),
  },
  {
    name: 'DisableScreenCaptureBlocking',
    detail: meta({ disableScreenCaptureBlocking: {} }),
    payload: (h) => metadataChangePayload(7, h, { disableScreenCaptureBlocking: {} }),
  },
];

/** Every variant of the signed text with one character of one component changed. */
function oneCharChanges(payload: string): string[] {
  const parts = payload.split(',');
  return parts.map((p, i) => {
    const changed = p.length === 0 ? 'x' : p.slice(0, -1) + (p.endsWith('x') ? 'y' : 'x');
    return [...parts.slice(0, i), changed, ...parts.slice(i + 1)].join(',');
  });
}

function sdkVerdict(event: string): boolean | string {
  try {
    return sdk.decryptEvent(event, {}, [m[0]!.signingKeyEntry]).verified as boolean;
  } catch (e) {
    return (e as Error).message;
  }
}

async function ours(event: string) {
  const r = await decryptEvents([event], {
    recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
    signingKeys: [m[0]!.signingKeyEntry],
  });
  return r.messages[0]?.event ?? r.errors['0'];
}

describe('each signed detail: our payload verifies in the SDK and in our receiver; a one-character change fails in both', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const good = await signedEvent(m[0]!, c.detail, c.payload, { conversationId: 'g123' });
      expect(sdkVerdict(good)).toBe(true);
      expect(await ours(good)).toMatchObject({ verified: true });
      let payload = '';
      await signedEvent(m[0]!, c.detail, (h) => (payload = c.payload(h)), { conversationId: 'g123', messageId: 'm-fixed' });
      for (const altered of oneCharChanges(payload)) {
        const bad = await signedEvent(m[0]!, c.detail, () => altered, { conversationId: 'g123', messageId: 'm-fixed' });
        expect(sdkVerdict(bad), altered).toMatch(/ECDSA mismatch/);
        expect(await ours(bad), altered).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
      }
    });
  }
});

describe('details without a payload: the SDK cannot verify them, we refuse them as unverifiable', () => {
  const h = (d: string) => (x: ActionHead) => `${d},${x.messageId},${x.senderId},${x.conversationId}`;
  const UNBUILDABLE: [string, DetailValue, (x: ActionHead) => string][] = [
    [
      'GroupAdminSettingsChange',
      gc({ groupAdminSettingsChange: { editGroupInfo: true } }),
      (x) => `${h('GroupChangeEvent.GroupAdminSettingsChange')(x)},true`,
    ],
    ['a group change without a variant', { groupChangeEvent: {} }, h('GroupChangeEvent')],
    ['a settings change without a variant', { conversationMetadataChangeEvent: {} }, h('ConversationMetadataChangeEvent')],
    [
      'a delete without ids (the SDK requires the list)',
      { messageDeleteEvent: { deleteMessageAction: 1 } },
      (x) => `${h('MessageDeleteEvent')(x)},1`,
    ],
    [
      'a read receipt without a sequence id (the SDK requires it)',
      { markConversationReadEvent: { seenAtMillis: 5n } },
      (x) => `${h('MarkConversationReadEvent')(x)},5`,
    ],
    [
      'a title change without a key version (the SDK requires it)',
      gc({ groupTitleChange: { customTitle: 'T' } }),
      (x) => `${h('GroupChangeEvent.GroupTitleChange')(x)},,T`,
    ],
    ['an admin add without its list (required; empty is fine)', gc({ groupAdminAddChange: {} }), h('GroupChangeEvent.GroupAdminAddChange')],
    ['a member removal without its list', gc({ groupMemberRemoveChange: {} }), h('GroupChangeEvent.GroupMemberRemoveChange')],
    ['a join reject without its list', gc({ groupJoinReject: {} }), h('GroupChangeEvent.GroupJoinReject')],
    ['a join request without the user', gc({ groupJoinRequest: {} }), (x) => `${h('GroupChangeEvent.GroupJoinRequest')(x)},null`],
    [
      'an invite without its URL (the SDK requires it)',
      gc({ groupInviteEnable: {} }),
      (x) => `${h('GroupChangeEvent.GroupInviteEnable')(x)},null,null,null`,
    ],
    ['an invite disable without the member', gc({ groupInviteDisable: {} }), (x) => `${h('GroupChangeEvent.GroupInviteDisable')(x)},null`],
    [
      'a duration change without its TTL',
      meta({ messageDurationChange: {} }),
      (x) => `${h('ConversationMetadataChangeEvent.MessageDurationChange')(x)},null`,
    ],
    [
      'a group create without its key version',
      gc({ groupCreate: { memberIds: ['1'] } }),
      (x) => `GroupChangeEvent.GroupCreate,${x.messageId},${x.senderId},,1,null,null,null`,
    ],
    [
      'a group create without its member ids',
      gc({ groupCreate: { conversationKeyVersion: '9' } }),
      (x) => `GroupChangeEvent.GroupCreate,${x.messageId},${x.senderId},9,null,null,null`,
    ],
    [
      'a member add without its current members',
      gc({ groupMemberAddChange: { memberIds: [], currentAdminIds: [], conversationKeyVersion: '9' } }),
      (x) => `${h('GroupChangeEvent.GroupMemberAddChange')(x)},null,null,null,9,null`,
    ],
    [
      'a comma inside a signed component',
      gc({ groupTitleChange: { customTitle: 'a,b', conversationKeyVersion: '9' } }),
      (x) => `${h('GroupChangeEvent.GroupTitleChange')(x)},9,a,b`,
    ],
  ];
  for (const [name, detail, payload] of UNBUILDABLE) {
    test(name, async () => {
      const event = await signedEvent(m[0]!, detail, payload);
      expect(sdkVerdict(event)).toMatch(/could not be verified/);
      expect(await ours(event)).toMatchObject({ code: 'ERR_UNVERIFIED_EVENT' });
    });
  }
});

test('signature versions 2 to 7 use the same layouts for these details, in the SDK and in ours', async () => {
  const c = CASES.find((x) => x.name === 'GroupTitleChange')!;
  for (const v of ['2', '3', '4', '5', '6', '7']) {
    const event = await signedEvent(m[0]!, c.detail, c.payload, { signatureVersion: v });
    expect(sdkVerdict(event), v).toBe(true);
    expect(await ours(event), v).toMatchObject({ verified: true });
  }
});
