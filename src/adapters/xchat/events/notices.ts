/**
 * Events other than messages and key changes, mapped as the SDK returns them
 * (docs/xchat-messages.md §"4.2 Per type [confirmed: fed-back, each with hand-built or SDK-made
 * events]") with camelCase keys in `change`: group and settings changes, deletes, read markers
 * (signed: `verified: true`, since only verified ones are returned), and the unsigned backend
 * notices (typing, failures, member account deletions, unknown events).
 *
 * @module
 */
import type { Infer } from '../../../wire/thrift/index.js';
import type { ConversationMetadataChange, GroupChange } from '../../../wire/xchat/events.js';
import type { Envelope, Kind } from './envelope.js';
import { safeNumber } from './ints.js';
import type { FailureType, GroupChangeInfo, RateLimitTier, ReceivedEvent, SettingsChangeInfo } from './shapes.js';

const FAILURES: readonly FailureType[] = [
  'emptyDetail',
  'internalError',
  'contentsTooLarge',
  'tooManyMessages',
  'invalidSenderSignature',
  'nonLatestKeyVersion',
  'recipientNotTrusted',
  'recipientKeyChanged',
  'onlyEncryptedMessagesAllowed',
  'requesterNotAdmin',
  'flaggedAsSpam',
  'rateLimitUpsell',
  'signatureFailedToVerifyAgainstPublicKey',
  'genericError',
  'senderNotGroupMember',
  'invalidSignatureVersion',
  'invalidPinRequest',
  'tooManyPins',
];
const TIERS: readonly RateLimitTier[] = ['free', 'verifiedPhone', 'premium', 'premiumPlus', 'premiumBusiness'];

/** The `change` of a group-change event. */
function groupChangeOf(g: Infer<typeof GroupChange>, field: string): GroupChangeInfo {
  if (g.groupCreate) {
    const c = g.groupCreate;
    return {
      changeType: 'created',
      memberIds: c.memberIds ?? [],
      adminIds: c.adminIds ?? [],
      title: c.title ?? null,
      avatarUrl: c.avatarUrl ?? null,
    };
  }
  if (g.groupTitleChange) return { changeType: 'titleChanged', newTitle: g.groupTitleChange.customTitle ?? '' };
  if (g.groupAvatarUrlChange) return { changeType: 'avatarChanged', newAvatarUrl: g.groupAvatarUrlChange.customAvatarUrl ?? '' };
  if (g.groupAdminAddChange) return { changeType: 'adminsAdded', adminIds: g.groupAdminAddChange.adminIds ?? [] };
  if (g.groupAdminRemoveChange) return { changeType: 'adminsRemoved', adminIds: g.groupAdminRemoveChange.adminIds ?? [] };
  if (g.groupMemberAddChange) {
    const a = g.groupMemberAddChange;
    return {
      changeType: 'membersAdded',
      memberIds: a.memberIds ?? [],
      currentMemberIds: a.currentMemberIds ?? [],
      currentAdminIds: a.currentAdminIds ?? [],
    };
  }
  if (g.groupMemberRemoveChange) return { changeType: 'membersRemoved', memberIds: g.groupMemberRemoveChange.memberIds ?? [] };
  if (g.groupInviteEnable) {
    const i = g.groupInviteEnable;
    return {
      changeType: 'inviteEnabled',
      inviteUrl: i.inviteUrl ?? '',
      expiresAtMsec: safeNumber(i.expiresAtMsec, `${field}.expiresAtMsec`),
    };
  }
  if (g.groupInviteDisable) return { changeType: 'inviteDisabled', disabledBy: g.groupInviteDisable.disabledByMemberId ?? null };
  if (g.groupJoinRequest) return { changeType: 'joinRequested', userId: g.groupJoinRequest.requestingUserId ?? '' };
  // Only a join reject is left: anything else has no payload and is never verified.
  return { changeType: 'joinRejected', userIds: g.groupJoinReject?.rejectedUserIds ?? [] };
}

/** The `change` of a settings-change event. */
function settingsChangeOf(m: Infer<typeof ConversationMetadataChange>, field: string): SettingsChangeInfo {
  if (m.messageDurationChange) {
    const d = m.messageDurationChange;
    return {
      setting: 'messageDuration',
      ttlMsec: safeNumber(d.ttlMsec, `${field}.ttlMsec`) ?? 0,
      applyToAll: d.applyToAllMessages ?? false,
    };
  }
  if (m.messageDurationRemove) return { setting: 'messageDurationRemoved' };
  if (m.muteConversation) return { setting: 'muted' };
  if (m.unmuteConversation) return { setting: 'unmuted' };
  if (m.enableScreenCaptureDetection) return { setting: 'screenCaptureDetectionEnabled' };
  if (m.disableScreenCaptureDetection) return { setting: 'screenCaptureDetectionDisabled' };
  if (m.enableScreenCaptureBlocking) return { setting: 'screenCaptureBlockingEnabled' };
  return { setting: 'screenCaptureBlockingDisabled' };
}

/**
 * The event of a verified signed notice or of an unsigned one (every kind but messages and key
 * changes).
 * @throws {DecodeError} `ERR_UNSAFE_INTEGER` for a time or TTL beyond ±2^53
 */
export function noticeOf(env: Envelope, kind: Exclude<Kind, 'message' | 'keyChange'>): ReceivedEvent {
  const d = env.detail ?? {};
  const base = env.base;
  const field = env.index;
  switch (kind) {
    case 'groupChange':
      return { type: kind, ...base, verified: true, change: groupChangeOf(d.groupChangeEvent?.groupChange ?? {}, field) };
    case 'settingsChange':
      return {
        type: kind,
        ...base,
        verified: true,
        change: settingsChangeOf(d.conversationMetadataChangeEvent?.conversationMetadataChange ?? {}, field),
      };
    case 'messageDeleted': {
      const m = d.messageDeleteEvent ?? {};
      return { type: kind, ...base, verified: true, messageIds: m.sequenceIds ?? [], deleteForAll: m.deleteMessageAction === 2 };
    }
    case 'conversationDeleted':
      return {
        type: kind,
        ...base,
        verified: true,
        clearAllMessages: d.conversationDeleteEvent?.clearConversationOptions?.clearAllMessages ?? false,
      };
    case 'readReceipt': {
      const r = d.markConversationReadEvent ?? {};
      return {
        type: kind,
        ...base,
        verified: true,
        seenUntilId: r.seenUntilSequenceId ?? null,
        seenAtMsec: safeNumber(r.seenAtMillis, `${field}.seenAtMillis`),
      };
    }
    case 'markedUnread':
      return { type: kind, ...base, verified: true, seenUntilId: d.markConversationUnreadEvent?.seenUntilSequenceId ?? null };
    case 'failure': {
      const f = d.messageFailureEvent ?? {};
      const failure = (f.failureType !== undefined && FAILURES[f.failureType - 1]) || 'unknown';
      const tier = f.rateLimitTier === undefined ? undefined : (TIERS[f.rateLimitTier - 1] ?? 'unknown');
      return { type: kind, ...base, failure, ...(tier ? { rateLimitTier: tier } : {}) };
    }
    case 'typing':
      return { type: kind, ...base };
    case 'memberDeleted':
      return { type: kind, ...base, memberId: d.memberAccountDeleteEvent?.memberId ?? '' };
    case 'unknown':
      return { type: kind, ...base, eventTypeId: null };
  }
}
