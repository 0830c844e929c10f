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
import type { ParticipantKey } from './events.js';

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
export function opt(v: string | number | bigint | boolean | undefined): string {
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
    throw new UnsupportedVersionError(
      ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION,
      `signature version ${v} is below the minimum ${MIN_SIGNATURE_VERSION} (downgrade)`,
      field,
    );
  }
  if (v > MAX_SIGNATURE_VERSION) {
    throw new UnsupportedVersionError(
      ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION,
      `signature version ${v} is above the highest supported version ${MAX_SIGNATURE_VERSION}`,
      field,
    );
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
    if (!p.conversationKey)
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'needed for signature versions 6 and 7', 'conversationKey');
    return joinPayload([...head, ['conversationKey', encodeBase64NoPad(p.conversationKey)]]);
  }
  if (!p.participantKeys)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'needed for signature versions 2 to 5', 'participantKeys');
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
    c.push(
      ['groupInviteEnable.inviteUrl', opt(g.inviteUrl)],
      ['groupInviteEnable.affiliateId', opt(g.affiliateId)],
      ['groupInviteEnable.expiresAtMsec', opt(g.expiresAtMsec)],
    );
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
