/**
 * The comma-joined strings that X Chat action signatures cover (docs/xchat-keys.md §"Signed
 * payloads"), for every signature version the verifier accepts (2 to 7; 7 is what everyone signs
 * today).
 *
 * `EventName,message_id,sender_id,(conversation_id),extras…`: no escaping, lists flattened (an
 * empty list contributes nothing), absent optional values rendered as `null`, booleans as
 * `true`/`false`, integers in plain decimal. A component that contains a comma is refused, since
 * the same string would then decode as two different component lists.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, UnsupportedVersionError } from '../../errors.js';
import { encodeBase64NoPad } from '../base64.js';
import { NULL_SENTINEL } from '../../rules.js';
import { joinPayload, type Component } from '../payload.js';
import type { ConversationDeleteEvent, ConversationMetadataChange, GroupChange, MarkConversationReadEvent, MarkConversationUnreadEvent, ParticipantKey } from './events.js';
import type { Infer } from '../thrift/index.js';

/** The signature version chat-keykit signs with (the official SDK's current version). */
export const CURRENT_SIGNATURE_VERSION = 7;
/** Versions below this are rejected as downgrades (v1 omits the event type and key version). */
export const MIN_SIGNATURE_VERSION = 2;
/** Versions above this are rejected: their payload layouts are not published yet. */
export const MAX_SIGNATURE_VERSION = 7;

/** Event names that start the payloads. */
export const EventNames = {
  keyChange: 'ConversationKeyChangeEvent',
  groupCreate: 'GroupChangeEvent.GroupCreate',
  groupMemberAdd: 'GroupChangeEvent.GroupMemberAddChange',
} as const;

/** An optional value: absent ones are signed as the literal `null`. */
function opt(v: string | number | bigint | boolean | undefined): string {
  return v === undefined ? NULL_SENTINEL : String(v);
}

/**
 * Checks a signature version string: digits only, within the accepted range.
 * @returns the version as a number
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` below 2 (downgrade) or above 7
 */
export function checkSignatureVersion(version: string | number, field = 'signatureVersion'): number {
  const v = typeof version === 'number' ? version : /^[0-9]{1,9}$/.test(version) ? Number(version) : NaN;
  if (!Number.isInteger(v)) {
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION, 'signature version must be a decimal number', field);
  }
  if (v < MIN_SIGNATURE_VERSION) {
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION, `signature version ${v} is below the minimum ${MIN_SIGNATURE_VERSION} (downgrade)`, field);
  }
  if (v > MAX_SIGNATURE_VERSION) {
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION, `signature version ${v} is above the highest supported version ${MAX_SIGNATURE_VERSION}`, field);
  }
  return v;
}

/** Inputs of a ConversationKeyChangeEvent payload. */
export interface KeyChangePayloadInput {
  messageId: string;
  senderId: string;
  conversationId: string;
  conversationKeyVersion: string;
  /** The plaintext key; needed from version 6. */
  conversationKey?: Uint8Array;
  /** The participant entries in event order; needed up to version 5. */
  participantKeys?: readonly ParticipantKey[];
}

/**
 * The ConversationKeyChangeEvent payload. From version 6 it embeds the plaintext conversation key
 * (unpadded base64), so it is a secret: never log it or send it.
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a version outside 2 to 7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component that contains a comma,
 * `ERR_INVALID_ARGUMENT` without the conversation key (versions 6 and 7) or the participant keys
 * (versions 2 to 5)
 */
export function keyChangePayload(version: number, p: KeyChangePayloadInput): string {
  checkSignatureVersion(version);
  const head: Component[] = [
    ['eventName', EventNames.keyChange],
    ['messageId', p.messageId],
    ['senderId', p.senderId],
    ['conversationId', p.conversationId],
    ['conversationKeyVersion', p.conversationKeyVersion],
  ];
  if (version >= 6) {
    if (!p.conversationKey) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'needed for signature versions 6 and 7', 'conversationKey');
    return joinPayload([...head, ['conversationKey', encodeBase64NoPad(p.conversationKey)]]);
  }
  if (!p.participantKeys) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'needed for signature versions 2 to 5', 'participantKeys');
  const entries = p.participantKeys.flatMap((k, i): Component[] => [
    [`participantKeys[${i}].userId`, k.userId],
    [`participantKeys[${i}].encryptedKey`, k.encryptedKey],
    [`participantKeys[${i}].publicKeyVersion`, k.publicKeyVersion],
  ]);
  return joinPayload([...head, ...entries]);
}

/** Inputs of a GroupChangeEvent.GroupCreate payload. */
export interface GroupCreatePayloadInput {
  messageId: string;
  senderId: string;
  conversationKeyVersion: string;
  memberIds: readonly string[];
  isLegacyGroupUpgrade?: boolean;
  title?: string;
  avatarUrl?: string;
}

/**
 * The GroupChangeEvent.GroupCreate payload. It has no conversation id, and admin ids and TTL are
 * not signed at any version: the event detail is their only anchor.
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a version outside 2 to 7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component that contains a comma
 */
export function groupCreatePayload(version: number, p: GroupCreatePayloadInput): string {
  checkSignatureVersion(version);
  const c: Component[] = [
    ['eventName', EventNames.groupCreate],
    ['messageId', p.messageId],
    ['senderId', p.senderId],
    ['conversationKeyVersion', p.conversationKeyVersion],
    ['memberIds', p.memberIds],
  ];
  if (version >= 4) {
    c.push(['isLegacyGroupUpgrade', opt(p.isLegacyGroupUpgrade)], ['title', opt(p.title)], ['avatarUrl', opt(p.avatarUrl)]);
  }
  return joinPayload(c);
}

/** Inputs of a GroupChangeEvent.GroupMemberAddChange payload. */
export interface GroupMemberAddPayloadInput {
  messageId: string;
  senderId: string;
  conversationId: string;
  memberIds: readonly string[];
  currentMemberIds: readonly string[];
  currentAdminIds: readonly string[];
  currentPendingMemberIds: readonly string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  currentTtlMsec?: number | bigint;
  conversationKeyVersion: string;
  screenCaptureBlockingEnabled?: boolean;
  groupInviteEnable?: { inviteUrl?: string; affiliateId?: string; expiresAtMsec?: number | bigint };
}

/**
 * The GroupChangeEvent.GroupMemberAddChange payload (layouts of versions 2 to 7).
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a version outside 2 to 7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component that contains a comma
 */
export function groupMemberAddPayload(version: number, p: GroupMemberAddPayloadInput): string {
  checkSignatureVersion(version);
  const c: Component[] = [
    ['eventName', EventNames.groupMemberAdd],
    ['messageId', p.messageId],
    ['senderId', p.senderId],
    ['conversationId', p.conversationId],
    ['memberIds', p.memberIds],
    ['currentMemberIds', p.currentMemberIds],
    ['currentAdminIds', p.currentAdminIds],
  ];
  if (version >= 3 && version <= 6) c.push(['currentPendingMemberIds', p.currentPendingMemberIds]);
  c.push(
    ['currentTitle', opt(p.currentTitle)],
    ['currentAvatarUrl', opt(p.currentAvatarUrl)],
    ['currentTtlMsec', opt(p.currentTtlMsec)],
    ['conversationKeyVersion', p.conversationKeyVersion],
  );
  if (version >= 5) c.push(['screenCaptureBlockingEnabled', opt(p.screenCaptureBlockingEnabled)]);
  if (version === 7 && p.groupInviteEnable) {
    const g = p.groupInviteEnable;
    c.push(['groupInviteEnable.inviteUrl', opt(g.inviteUrl)], ['groupInviteEnable.affiliateId', opt(g.affiliateId)], ['groupInviteEnable.expiresAtMsec', opt(g.expiresAtMsec)]);
  }
  return joinPayload(c);
}

/** Inputs of a MessageCreateEvent payload. */
export interface MessageCreatePayloadInput {
  messageId: string;
  senderId: string;
  /** The canonical conversation id (`min:max` for a one-to-one). */
  conversationId: string;
  conversationKeyVersion: string;
  /** Field 100 of the event: the secretbox blob. */
  contents: Uint8Array;
}

/**
 * The MessageCreateEvent payload (versions 2 to 7): `…,ckv,b64nopad(contents)`.
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a version outside 2 to 7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component that contains a comma
 */
export function messageCreatePayload(version: number, p: MessageCreatePayloadInput): string {
  checkSignatureVersion(version);
  return joinPayload([
    ['eventName', 'MessageCreateEvent'],
    ['messageId', p.messageId],
    ['senderId', p.senderId],
    ['conversationId', p.conversationId],
    ['conversationKeyVersion', p.conversationKeyVersion],
    ['contents', encodeBase64NoPad(p.contents)],
  ]);
}

/** Inputs of a MessageDeleteEvent payload. */
export interface MessageDeletePayloadInput {
  messageId: string;
  senderId: string;
  /** The canonical conversation id (`min:max` for a one-to-one). */
  conversationId: string;
  /** `delete_message_action`: 2 deletes for everyone, 1 for the sender only. */
  deleteForAll: boolean;
  /** The sequence ids of the deleted messages, in detail order. */
  sequenceIds: readonly string[];
}

/**
 * The MessageDeleteEvent payload: `MessageDeleteEvent,msg,snd,conv,action,seq…` with the action as
 * the detail's integer (2 for everyone, 1 for the sender only) and the sequence ids flattened.
 * Version 7 is what the SDK signs; its verifier rebuilds the same layout at versions 2 to 6.
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a version outside 2 to 7
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` for a component that contains a comma
 */
export function messageDeletePayload(version: number, p: MessageDeletePayloadInput): string {
  checkSignatureVersion(version);
  return joinPayload([
    ['eventName', 'MessageDeleteEvent'],
    ['messageId', p.messageId],
    ['senderId', p.senderId],
    ['conversationId', p.conversationId],
    ['deleteMessageAction', p.deleteForAll ? '2' : '1'],
    ['sequenceIds', p.sequenceIds],
  ]);
}

// --- the other signed actions, as a receiver rebuilds them (docs/xchat-messages.md §"5.1 Signature verification per detail") ---

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
  if (value === undefined) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'absent: the signed payload cannot be built without it', field);
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
    c = [...name('GroupTitleChange'), ['conversationKeyVersion', needed(d.conversationKeyVersion, 'groupTitleChange.conversationKeyVersion')], ['customTitle', d.customTitle ?? '']];
  } else if (change.groupAvatarUrlChange) {
    const d = change.groupAvatarUrlChange;
    c = [...name('GroupAvatarUrlChange'), ['conversationKeyVersion', needed(d.conversationKeyVersion, 'groupAvatarUrlChange.conversationKeyVersion')], ['customAvatarUrl', d.customAvatarUrl ?? '']];
  } else if (change.groupAdminAddChange) {
    c = [...name('GroupAdminAddChange'), ['adminIds', needed(change.groupAdminAddChange.adminIds, 'groupAdminAddChange.adminIds')]];
  } else if (change.groupAdminRemoveChange) {
    c = [...name('GroupAdminRemoveChange'), ['adminIds', needed(change.groupAdminRemoveChange.adminIds, 'groupAdminRemoveChange.adminIds')]];
  } else if (change.groupMemberRemoveChange) {
    c = [...name('GroupMemberRemoveChange'), ['memberIds', needed(change.groupMemberRemoveChange.memberIds, 'groupMemberRemoveChange.memberIds')]];
  } else if (change.groupInviteEnable) {
    const d = change.groupInviteEnable;
    c = [...name('GroupInviteEnable'), ['inviteUrl', needed(d.inviteUrl, 'groupInviteEnable.inviteUrl')], ['expiresAtMsec', opt(d.expiresAtMsec)], ['affiliateId', opt(d.affiliateId)]];
  } else if (change.groupInviteDisable) {
    c = [...name('GroupInviteDisable'), ['disabledByMemberId', needed(change.groupInviteDisable.disabledByMemberId, 'groupInviteDisable.disabledByMemberId')]];
  } else if (change.groupJoinRequest) {
    c = [...name('GroupJoinRequest'), ['requestingUserId', needed(change.groupJoinRequest.requestingUserId, 'groupJoinRequest.requestingUserId')]];
  } else if (change.groupJoinReject) {
    c = [...name('GroupJoinReject'), ['rejectedUserIds', needed(change.groupJoinReject.rejectedUserIds, 'groupJoinReject.rejectedUserIds')]];
  } else {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'an admin-settings change, or a change without a known variant, has no signed payload', 'groupChange');
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
    return joinPayload([...name('MessageDurationChange'), ['ttlMsec', String(needed(change.messageDurationChange.ttlMsec, 'messageDurationChange.ttlMsec'))]]);
  }
  if (change.muteConversation) return joinPayload([...name('MuteConversation'), ['mutedConversationIds', change.muteConversation.mutedConversationIds ?? []]]);
  if (change.unmuteConversation) return joinPayload([...name('UnmuteConversation'), ['unmutedConversationIds', change.unmuteConversation.unmutedConversationIds ?? []]]);
  for (const [key, variant] of Object.entries(METADATA_VARIANTS)) {
    if (change[key as keyof typeof METADATA_VARIANTS]) return joinPayload(name(variant));
  }
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'a change without a known variant has no signed payload', 'conversationMetadataChange');
}
