/**
 * The signed payloads of the other actions a conversation carries, as a receiver rebuilds them to
 * check their signatures (docs/xchat-messages.md §"5.1 Signature verification per detail"): deletes
 * of a conversation, read markers, every group change and every metadata change. Each layout was
 * confirmed against the official SDK's verifier (test/interop/receive-payloads.test.ts).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { joinPayload, type Component } from '../payload.js';
import type { Infer } from '../thrift/index.js';
import type {
  ConversationDeleteEvent,
  ConversationMetadataChange,
  GroupChange,
  MarkConversationReadEvent,
  MarkConversationUnreadEvent,
} from './events.js';
import { checkSignatureVersion, groupCreatePayload, groupMemberAddPayload, opt } from './payloads.js';

/**
 * The envelope fields every action payload starts with (`msg,snd,conv`), exactly as delivered:
 * receivers never rewrite the conversation id.
 */
export interface ActionHead {
  messageId: string;
  senderId: string;
  conversationId: string;
}

function actionHead(name: string, h: ActionHead): Component[] {
  return [
    ['eventName', name],
    ['messageId', h.messageId],
    ['senderId', h.senderId],
    ['conversationId', h.conversationId],
  ];
}

/** A detail field without which the SDK cannot build the payload either (it then reports the event as unverifiable). */
function needed<V>(value: V | undefined, field: string): V {
  if (value === undefined)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'absent: the signed payload cannot be built without it', field);
  return value;
}

/** An optional value that is simply left out when absent (not signed as `null`). */
function ifSet(c: Component[], field: string, v: string | number | bigint | boolean | undefined): void {
  if (v !== undefined) c.push([field, String(v)]);
}

/**
 * The ConversationDeleteEvent payload: `ConversationDeleteEvent,msg,snd,conv`, then
 * `clear_all_messages` and `sort_order_msec` of the clear options, each only when set. The
 * detail's own `conversation_id` is not signed.
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component with a comma
 * @example
 * conversationDeletePayload(7, { messageId: 'm1', senderId: '111', conversationId: 'g9' }, { clearConversationOptions: { clearAllMessages: true } });
 * // 'ConversationDeleteEvent,m1,111,g9,true'
 */
export function conversationDeletePayload(version: number, h: ActionHead, d: Infer<typeof ConversationDeleteEvent>): string {
  checkSignatureVersion(version);
  const c = actionHead('ConversationDeleteEvent', h);
  const o = d.clearConversationOptions;
  ifSet(c, 'clearConversationOptions.clearAllMessages', o?.clearAllMessages);
  ifSet(c, 'clearConversationOptions.sortOrderMsec', o?.sortOrderMsec);
  return joinPayload(c);
}

/**
 * The MarkConversationReadEvent payload: `…,conv,seen_until_sequence_id` (required), then
 * `seen_at_millis` when set.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` without a sequence id, `ERR_COMMA_IN_FIELD`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @example
 * markConversationReadPayload(7, { messageId: 'm1', senderId: '111', conversationId: 'g9' }, { seenUntilSequenceId: '42' });
 * // 'MarkConversationReadEvent,m1,111,g9,42'
 */
export function markConversationReadPayload(version: number, h: ActionHead, d: Infer<typeof MarkConversationReadEvent>): string {
  checkSignatureVersion(version);
  const c = actionHead('MarkConversationReadEvent', h);
  c.push(['seenUntilSequenceId', needed(d.seenUntilSequenceId, 'markConversationReadEvent.seenUntilSequenceId')]);
  ifSet(c, 'seenAtMillis', d.seenAtMillis);
  return joinPayload(c);
}

/**
 * The MarkConversationUnreadEvent payload: `…,conv`, then `seen_until_sequence_id` when set.
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @example
 * markConversationUnreadPayload(7, { messageId: 'm1', senderId: '111', conversationId: 'g9' }, {}); // 'MarkConversationUnreadEvent,m1,111,g9'
 */
export function markConversationUnreadPayload(version: number, h: ActionHead, d: Infer<typeof MarkConversationUnreadEvent>): string {
  checkSignatureVersion(version);
  const c = actionHead('MarkConversationUnreadEvent', h);
  ifSet(c, 'seenUntilSequenceId', d.seenUntilSequenceId);
  return joinPayload(c);
}

/**
 * The payload of a GroupChangeEvent, by its variant (event name `GroupChangeEvent.<Variant>`):
 *
 * | variant | after `msg,snd,conv` |
 * |---|---|
 * | GroupTitleChange | `ckv` (required), `custom_title` (`""` when absent) |
 * | GroupAvatarUrlChange | `ckv` (required), `custom_avatar_url` (`""` when absent) |
 * | GroupAdminAddChange, GroupAdminRemoveChange | `admin_ids…` (the list is required; empty is fine) |
 * | GroupMemberRemoveChange | `member_ids…` (required) |
 * | GroupInviteEnable | `invite_url` (required), `expires_at_msec`, `affiliate_id` (`null` when absent) |
 * | GroupInviteDisable | `disabled_by_member_id` (required) |
 * | GroupJoinRequest | `requesting_user_id` (required) |
 * | GroupJoinReject | `rejected_user_ids…` (required) |
 *
 * GroupCreate and GroupMemberAddChange use {@link groupCreatePayload} (no conversation id) and
 * {@link groupMemberAddPayload}, with their version-dependent layouts; their key version and id
 * lists are required. A GroupAdminSettingsChange, or a change without a variant, has no payload.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when the change has no payload or lacks a
 * required field, `ERR_COMMA_IN_FIELD` for a component with a comma
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @example
 * groupChangePayload(7, { messageId: 'm1', senderId: '111', conversationId: 'g9' }, { groupTitleChange: { customTitle: 'Hikes', conversationKeyVersion: '1700000000000' } });
 * // 'GroupChangeEvent.GroupTitleChange,m1,111,g9,1700000000000,Hikes'
 */
export function groupChangePayload(version: number, h: ActionHead, change: Infer<typeof GroupChange>): string {
  checkSignatureVersion(version);
  const name = (variant: string) => actionHead(`GroupChangeEvent.${variant}`, h);
  const base = { messageId: h.messageId, senderId: h.senderId };
  if (change.groupCreate) {
    const d = change.groupCreate;
    return groupCreatePayload(version, {
      ...base,
      conversationKeyVersion: needed(d.conversationKeyVersion, 'groupCreate.conversationKeyVersion'),
      memberIds: needed(d.memberIds, 'groupCreate.memberIds'),
      isLegacyGroupUpgrade: d.isLegacyGroupUpgrade,
      title: d.title,
      avatarUrl: d.avatarUrl,
    });
  }
  if (change.groupMemberAddChange) {
    const d = change.groupMemberAddChange;
    return groupMemberAddPayload(version, {
      ...base,
      conversationId: h.conversationId,
      memberIds: needed(d.memberIds, 'groupMemberAddChange.memberIds'),
      currentMemberIds: needed(d.currentMemberIds, 'groupMemberAddChange.currentMemberIds'),
      currentAdminIds: needed(d.currentAdminIds, 'groupMemberAddChange.currentAdminIds'),
      currentPendingMemberIds: d.currentPendingMemberIds ?? [],
      currentTitle: d.currentTitle,
      currentAvatarUrl: d.currentAvatarUrl,
      currentTtlMsec: d.currentTtlMsec,
      conversationKeyVersion: needed(d.conversationKeyVersion, 'groupMemberAddChange.conversationKeyVersion'),
      screenCaptureBlockingEnabled: d.screenCaptureBlockingEnabled,
      groupInviteEnable: d.groupInviteEnable,
    });
  }
  let c: Component[];
  if (change.groupTitleChange) {
    const d = change.groupTitleChange;
    c = [
      ...name('GroupTitleChange'),
      ['conversationKeyVersion', needed(d.conversationKeyVersion, 'groupTitleChange.conversationKeyVersion')],
      ['customTitle', d.customTitle ?? ''],
    ];
  } else if (change.groupAvatarUrlChange) {
    const d = change.groupAvatarUrlChange;
    c = [
      ...name('GroupAvatarUrlChange'),
      ['conversationKeyVersion', needed(d.conversationKeyVersion, 'groupAvatarUrlChange.conversationKeyVersion')],
      ['customAvatarUrl', d.customAvatarUrl ?? ''],
    ];
  } else if (change.groupAdminAddChange) {
    c = [...name('GroupAdminAddChange'), ['adminIds', needed(change.groupAdminAddChange.adminIds, 'groupAdminAddChange.adminIds')]];
  } else if (change.groupAdminRemoveChange) {
    c = [
      ...name('GroupAdminRemoveChange'),
      ['adminIds', needed(change.groupAdminRemoveChange.adminIds, 'groupAdminRemoveChange.adminIds')],
    ];
  } else if (change.groupMemberRemoveChange) {
    c = [
      ...name('GroupMemberRemoveChange'),
      ['memberIds', needed(change.groupMemberRemoveChange.memberIds, 'groupMemberRemoveChange.memberIds')],
    ];
  } else if (change.groupInviteEnable) {
    const d = change.groupInviteEnable;
    c = [
      ...name('GroupInviteEnable'),
      ['inviteUrl', needed(d.inviteUrl, 'groupInviteEnable.inviteUrl')],
      ['expiresAtMsec', opt(d.expiresAtMsec)],
      ['affiliateId', opt(d.affiliateId)],
    ];
  } else if (change.groupInviteDisable) {
    c = [
      ...name('GroupInviteDisable'),
      ['disabledByMemberId', needed(change.groupInviteDisable.disabledByMemberId, 'groupInviteDisable.disabledByMemberId')],
    ];
  } else if (change.groupJoinRequest) {
    c = [
      ...name('GroupJoinRequest'),
      ['requestingUserId', needed(change.groupJoinRequest.requestingUserId, 'groupJoinRequest.requestingUserId')],
    ];
  } else if (change.groupJoinReject) {
    c = [
      ...name('GroupJoinReject'),
      ['rejectedUserIds', needed(change.groupJoinReject.rejectedUserIds, 'groupJoinReject.rejectedUserIds')],
    ];
  } else {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'an admin-settings change, or a change without a known variant, has no signed payload',
      'groupChange',
    );
  }
  return joinPayload(c);
}

const METADATA_VARIANTS = {
  messageDurationRemove: 'MessageDurationRemove',
  enableScreenCaptureDetection: 'EnableScreenCaptureDetection',
  disableScreenCaptureDetection: 'DisableScreenCaptureDetection',
  enableScreenCaptureBlocking: 'EnableScreenCaptureBlocking',
  disableScreenCaptureBlocking: 'DisableScreenCaptureBlocking',
} as const;

/**
 * The payload of a ConversationMetadataChangeEvent, by its variant (event name
 * `ConversationMetadataChangeEvent.<Variant>`): MessageDurationChange adds `ttl_msec` (required);
 * MuteConversation and UnmuteConversation add their conversation ids (an absent list adds
 * nothing); MessageDurationRemove and the four screen-capture settings add nothing.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a change without a known variant or a
 * duration change without its TTL, `ERR_COMMA_IN_FIELD`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` outside 2..7
 * @example
 * metadataChangePayload(7, { messageId: 'm1', senderId: '111', conversationId: 'g9' }, { messageDurationChange: { ttlMsec: 86400000n } });
 * // 'ConversationMetadataChangeEvent.MessageDurationChange,m1,111,g9,86400000'
 */
export function metadataChangePayload(version: number, h: ActionHead, change: Infer<typeof ConversationMetadataChange>): string {
  checkSignatureVersion(version);
  const name = (variant: string) => actionHead(`ConversationMetadataChangeEvent.${variant}`, h);
  if (change.messageDurationChange) {
    return joinPayload([
      ...name('MessageDurationChange'),
      ['ttlMsec', String(needed(change.messageDurationChange.ttlMsec, 'messageDurationChange.ttlMsec'))],
    ]);
  }
  if (change.muteConversation)
    return joinPayload([...name('MuteConversation'), ['mutedConversationIds', change.muteConversation.mutedConversationIds ?? []]]);
  if (change.unmuteConversation)
    return joinPayload([...name('UnmuteConversation'), ['unmutedConversationIds', change.unmuteConversation.unmutedConversationIds ?? []]]);
  for (const [key, variant] of Object.entries(METADATA_VARIANTS)) {
    if (change[key as keyof typeof METADATA_VARIANTS]) return joinPayload(name(variant));
  }
  throw new InvalidInputError(
    ErrorCodes.INVALID_ARGUMENT,
    'a change without a known variant has no signed payload',
    'conversationMetadataChange',
  );
}
