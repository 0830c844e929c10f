/**
 * X Chat's Thrift event structs (PROTOCOL.md §7.2–7.5; `thrift/event.thrift` and
 * `thrift/trees.thrift` of the XDK repository) and typed helpers for the three event details the
 * key-management calls carry: ConversationKeyChangeEvent, GroupChangeEvent.GroupCreate and
 * GroupChangeEvent.GroupMemberAddChange, plus the MessageEvent envelope receivers get.
 *
 * Names in the schema tables are the IDL's own; the helpers speak camelCase.
 *
 * @module
 */
import { DecodeError, ErrorCodes } from '../errors.js';
import { decodeStruct, encodeStruct, T, type StructDef, type StructValue } from './thrift.js';

const S = T.string;
const strings = T.list(T.string);

// --- trees.thrift (ratchet tree; used only by ConversationKeyChangeEvent.ratchet_tree_change) ---
export const Member: StructDef = { name: 'Member', fields: [{ id: 1, name: 'userId', type: T.i64 }, { id: 2, name: 'keyVersion', type: T.i64 }] };
export const PubKeyBytes: StructDef = { name: 'PubKeyBytes', fields: [{ id: 1, name: 'pubKeyBytes', type: T.binary }] };
export const MemberKeyInfo: StructDef = {
  name: 'MemberKeyInfo',
  fields: [
    { id: 1, name: 'identityPublicKey', type: T.binary },
    { id: 2, name: 'signingPublicKey', type: T.binary },
    { id: 3, name: 'identityKeySignature', type: T.binary },
  ],
};
export const TreeKeyData: StructDef = {
  name: 'TreeKeyData',
  fields: [{ id: 1, name: 'publicKey', type: T.struct(() => PubKeyBytes) }, { id: 2, name: 'subTreeHash', type: T.binary }],
};
export const TreeNode: StructDef = {
  name: 'TreeNode',
  fields: [
    { id: 1, name: 'member', type: T.struct(() => Member) },
    { id: 2, name: 'keyData', type: T.struct(() => TreeKeyData) },
    { id: 3, name: 'nodeSecretKeyEncryptions', type: T.map(T.binary, T.binary) },
  ],
};
export const MaybeTreeNode: StructDef = { name: 'MaybeTreeNode', fields: [{ id: 1, name: 'node', type: T.struct(() => TreeNode) }] };
const updateMap = T.map(T.i32, T.map(T.binary, T.binary));
const newPathPks = T.map(T.i32, T.binary);
const members = T.list(T.struct(() => Member));
export const GenGroupOpData: StructDef = {
  name: 'GenGroupOpData',
  fields: [
    { id: 1, name: 'updateMap', type: updateMap },
    { id: 2, name: 'newPathPks', type: newPathPks },
    { id: 3, name: 'initialMembers', type: members },
  ],
};
export const EditOpData: StructDef = {
  name: 'EditOpData',
  fields: [
    { id: 1, name: 'updateMap', type: updateMap },
    { id: 2, name: 'newPathPks', type: newPathPks },
    { id: 3, name: 'membersLeft', type: members },
    { id: 4, name: 'membersToAdd', type: members },
    { id: 5, name: 'membersUpdated', type: members },
    { id: 6, name: 'fullTreeList', type: T.list(T.struct(() => MaybeTreeNode)) },
  ],
};
export const TypeData: StructDef = {
  name: 'TypeData',
  union: true,
  fields: [{ id: 1, name: 'genGroup', type: T.struct(() => GenGroupOpData) }, { id: 6, name: 'edit', type: T.struct(() => EditOpData) }],
};
export const GroupOpData: StructDef = {
  name: 'GroupOpData',
  fields: [
    { id: 1, name: 'groupId', type: S },
    { id: 2, name: 'treeVersion', type: T.i64 },
    { id: 3, name: 'actionBy', type: T.struct(() => Member) },
    { id: 4, name: 'typeData', type: T.struct(() => TypeData) },
    { id: 6, name: 'memberKeyInfo', type: T.map(T.i64, T.struct(() => MemberKeyInfo)) },
  ],
};

// --- event.thrift ---
export const ConversationParticipantKey: StructDef = {
  name: 'ConversationParticipantKey',
  fields: [
    { id: 1, name: 'user_id', type: S },
    { id: 2, name: 'encrypted_conversation_key', type: S },
    { id: 3, name: 'public_key_version', type: S },
  ],
};
export const ConversationKeyChangeEvent: StructDef = {
  name: 'ConversationKeyChangeEvent',
  fields: [
    { id: 1, name: 'conversation_key_version', type: S },
    { id: 2, name: 'conversation_participant_keys', type: T.list(T.struct(() => ConversationParticipantKey)) },
    { id: 4, name: 'ratchet_tree_change', type: T.struct(() => GroupOpData) },
    { id: 5, name: 'for_key_rotation', type: T.bool },
  ],
};
export const GroupInviteEnable: StructDef = {
  name: 'GroupInviteEnable',
  fields: [{ id: 1, name: 'expires_at_msec', type: T.i64 }, { id: 2, name: 'invite_url', type: S }, { id: 3, name: 'affiliate_id', type: S }],
};
export const GroupAdminSettings: StructDef = {
  name: 'GroupAdminSettings',
  fields: ['edit_group_info', 'edit_message_ttl', 'block_screen_capture', 'add_member', 'send_message', 'start_call'].map((name, i) => ({
    id: i + 1,
    name,
    type: T.bool,
  })),
};
export const GroupCreate: StructDef = {
  name: 'GroupCreate',
  fields: [
    { id: 1, name: 'member_ids', type: strings },
    { id: 2, name: 'admin_ids', type: strings },
    { id: 3, name: 'title', type: S },
    { id: 4, name: 'avatar_url', type: S },
    { id: 5, name: 'conversation_key_version', type: S },
    { id: 6, name: 'is_legacy_group_upgrade', type: T.bool },
    { id: 7, name: 'ttl_msec', type: T.i64 },
  ],
};
export const GroupMemberAddChange: StructDef = {
  name: 'GroupMemberAddChange',
  fields: [
    { id: 1, name: 'member_ids', type: strings },
    { id: 2, name: 'current_member_ids', type: strings },
    { id: 3, name: 'current_admin_ids', type: strings },
    { id: 4, name: 'current_title', type: S },
    { id: 5, name: 'current_avatar_url', type: S },
    { id: 6, name: 'conversation_key_version', type: S },
    { id: 7, name: 'current_ttl_msec', type: T.i64 },
    { id: 8, name: 'current_pending_member_ids', type: strings },
    { id: 9, name: 'screen_capture_blocking_enabled', type: T.bool },
    { id: 11, name: 'group_invite_enable', type: T.struct(() => GroupInviteEnable) },
    { id: 12, name: 'admin_settings', type: T.struct(() => GroupAdminSettings) },
  ],
};
const titleChange: StructDef = { name: 'GroupTitleChange', fields: [{ id: 1, name: 'custom_title', type: S }, { id: 2, name: 'conversation_key_version', type: S }] };
const avatarChange: StructDef = {
  name: 'GroupAvatarUrlChange',
  fields: [{ id: 1, name: 'custom_avatar_url', type: S }, { id: 2, name: 'conversation_key_version', type: S }],
};
const idList = (name: string, field: string): StructDef => ({ name, fields: [{ id: 1, name: field, type: strings }] });
const oneString = (name: string, field: string): StructDef => ({ name, fields: [{ id: 1, name: field, type: S }] });
export const GroupChange: StructDef = {
  name: 'GroupChange',
  union: true,
  fields: [
    { id: 1, name: 'group_create', type: T.struct(() => GroupCreate) },
    { id: 2, name: 'group_title_change', type: T.struct(() => titleChange) },
    { id: 3, name: 'group_avatar_url_change', type: T.struct(() => avatarChange) },
    { id: 4, name: 'group_admin_add_change', type: T.struct(() => idList('GroupAdminAddChange', 'admin_ids')) },
    { id: 5, name: 'group_member_add_change', type: T.struct(() => GroupMemberAddChange) },
    { id: 6, name: 'group_admin_remove_change', type: T.struct(() => idList('GroupAdminRemoveChange', 'admin_ids')) },
    { id: 7, name: 'group_member_remove_change', type: T.struct(() => idList('GroupMemberRemoveChange', 'member_ids')) },
    { id: 8, name: 'group_invite_enable', type: T.struct(() => GroupInviteEnable) },
    { id: 9, name: 'group_invite_disable', type: T.struct(() => oneString('GroupInviteDisable', 'disabled_by_member_id')) },
    { id: 10, name: 'group_join_request', type: T.struct(() => oneString('GroupJoinRequest', 'requesting_user_id')) },
    { id: 11, name: 'group_join_reject', type: T.struct(() => idList('GroupJoinReject', 'rejected_user_ids')) },
    { id: 12, name: 'group_admin_settings_change', type: T.struct(() => GroupAdminSettings) },
  ],
};
export const GroupChangeEvent: StructDef = {
  name: 'GroupChangeEvent',
  fields: [{ id: 1, name: 'group_change', type: T.struct(() => GroupChange) }, { id: 2, name: 'for_key_rotation', type: T.bool }],
};
export const FrankingData: StructDef = {
  name: 'FrankingData',
  fields: [
    { id: 1, name: 'franking_tag', type: T.binary },
    { id: 2, name: 'encrypted_nonce', type: T.binary },
    { id: 4, name: 'encrypted_media_hashes', type: T.list(T.binary) },
  ],
};
export const MessageCreateEvent: StructDef = {
  name: 'MessageCreateEvent',
  fields: [
    { id: 100, name: 'contents', type: T.binary },
    { id: 101, name: 'conversation_key_version', type: S },
    { id: 102, name: 'should_notify', type: T.bool },
    { id: 103, name: 'ttl_msec', type: T.i64 },
    { id: 104, name: 'delivered_at_msec', type: T.i64 },
    { id: 105, name: 'is_pending_public_key', type: T.bool },
    { id: 106, name: 'priority', type: T.i32 },
    { id: 107, name: 'additional_action_list', type: T.list(T.i32) },
    { id: 108, name: 'franking_data', type: T.struct(() => FrankingData) },
    { id: 109, name: 'is_message_request', type: T.bool },
  ],
};
export const MessageFailureEvent: StructDef = {
  name: 'MessageFailureEvent',
  fields: [{ id: 1, name: 'failure_type', type: T.i32 }, { id: 2, name: 'rate_limit_tier', type: T.i32 }],
};
export const MessageDeleteEvent: StructDef = {
  name: 'MessageDeleteEvent',
  fields: [{ id: 1, name: 'sequence_ids', type: strings }, { id: 2, name: 'delete_message_action', type: T.i32 }],
};
/** MessageEventDetail: ids 2 and 11 are retired; variants we do not model stay in `$unknown`. */
export const MessageEventDetail: StructDef = {
  name: 'MessageEventDetail',
  union: true,
  fields: [
    { id: 1, name: 'message_create_event', type: T.struct(() => MessageCreateEvent) },
    { id: 3, name: 'conversation_key_change_event', type: T.struct(() => ConversationKeyChangeEvent) },
    { id: 4, name: 'group_change_event', type: T.struct(() => GroupChangeEvent) },
    { id: 5, name: 'message_failure_event', type: T.struct(() => MessageFailureEvent) },
    { id: 7, name: 'message_delete_event', type: T.struct(() => MessageDeleteEvent) },
  ],
};
export const MessageSigningKeyInfo: StructDef = {
  name: 'MessageSigningKeyInfo',
  fields: [{ id: 1, name: 'member_id', type: S }, { id: 2, name: 'public_key_version', type: S }, { id: 3, name: 'signing_public_key', type: S }],
};
export const MessageEventSignature: StructDef = {
  name: 'MessageEventSignature',
  fields: [
    { id: 1, name: 'signature', type: S },
    { id: 2, name: 'public_key_version', type: S },
    { id: 3, name: 'signature_version', type: S },
    { id: 4, name: 'signing_public_key', type: S },
    { id: 5, name: 'message_signing_key_info_list', type: T.list(T.struct(() => MessageSigningKeyInfo)) },
  ],
};
export const MessageEvent: StructDef = {
  name: 'MessageEvent',
  fields: [
    { id: 1, name: 'sequence_id', type: S },
    { id: 2, name: 'message_id', type: S },
    { id: 3, name: 'sender_id', type: S },
    { id: 4, name: 'conversation_id', type: S },
    { id: 5, name: 'conversation_token', type: S },
    { id: 6, name: 'created_at_msec', type: S },
    { id: 7, name: 'detail', type: T.struct(() => MessageEventDetail) },
    { id: 8, name: 'relay_source', type: T.i32 },
    { id: 9, name: 'message_event_signature', type: T.struct(() => MessageEventSignature) },
    { id: 10, name: 'previous_sequence_id', type: S },
    { id: 11, name: 'is_trusted', type: T.bool },
  ],
};

// ---------------------------------------------------------------------------------------------
// Typed helpers

/** One wrapped conversation key, as the SDK names it. */
export interface ParticipantKey {
  userId: string;
  /** Standard padded base64 of the 113-byte ECIES blob. */
  encryptedKey: string;
  /** Version of the recipient's identity key the conversation key was wrapped to. */
  publicKeyVersion: string;
}

/** The fields of a ConversationKeyChangeEvent detail. */
export interface KeyChangeDetail {
  type: 'keyChange';
  conversationKeyVersion?: string;
  participantKeys?: ParticipantKey[];
  /** Raw GroupOpData struct when the (undocumented) ratchet-tree field is present. */
  ratchetTreeChange?: StructValue;
  forKeyRotation?: boolean;
}

/** The fields of a GroupChangeEvent.GroupCreate detail. */
export interface GroupCreateDetail {
  type: 'groupCreate';
  memberIds?: string[];
  adminIds?: string[];
  title?: string;
  avatarUrl?: string;
  conversationKeyVersion?: string;
  isLegacyGroupUpgrade?: boolean;
  ttlMsec?: bigint;
  forKeyRotation?: boolean;
}

/** The fields of a GroupChangeEvent.GroupMemberAddChange detail. */
export interface GroupMemberAddDetail {
  type: 'groupMemberAdd';
  memberIds?: string[];
  currentMemberIds?: string[];
  currentAdminIds?: string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  conversationKeyVersion?: string;
  currentTtlMsec?: bigint;
  currentPendingMemberIds?: string[];
  screenCaptureBlockingEnabled?: boolean;
  groupInviteEnable?: { expiresAtMsec?: bigint; inviteUrl?: string; affiliateId?: string };
  forKeyRotation?: boolean;
}

/** Any other MessageEventDetail variant, kept as decoded. */
export interface OtherDetail {
  type: 'other';
  /** The decoded union value (one named field, or `$unknown`). */
  value: StructValue;
}

/** A decoded MessageEventDetail. */
export type EventDetail = KeyChangeDetail | GroupCreateDetail | GroupMemberAddDetail | OtherDetail;

/** Removes keys whose value is undefined, so that optional Thrift fields stay absent. */
function compact<V extends Record<string, unknown>>(v: V): V {
  for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
  return v;
}

/** Encodes a ConversationKeyChangeEvent wrapped in MessageEventDetail (variant 3). */
export function encodeKeyChangeDetail(d: Omit<KeyChangeDetail, 'type'> & { conversationKeyVersion: string; participantKeys: ParticipantKey[] }): Uint8Array {
  return encodeStruct(MessageEventDetail, {
    conversation_key_change_event: compact({
      conversation_key_version: d.conversationKeyVersion,
      conversation_participant_keys: d.participantKeys.map((p) => ({
        user_id: p.userId,
        encrypted_conversation_key: p.encryptedKey,
        public_key_version: p.publicKeyVersion,
      })),
      ratchet_tree_change: d.ratchetTreeChange,
      for_key_rotation: d.forKeyRotation ?? false,
    }),
  });
}

/** Encodes a GroupChangeEvent.GroupCreate wrapped in MessageEventDetail (variant 4 → 1). */
export function encodeGroupCreateDetail(d: Omit<GroupCreateDetail, 'type'> & { memberIds: string[]; adminIds: string[]; conversationKeyVersion: string }): Uint8Array {
  return encodeStruct(MessageEventDetail, {
    group_change_event: {
      group_change: {
        group_create: compact({
          member_ids: d.memberIds,
          admin_ids: d.adminIds,
          title: d.title,
          avatar_url: d.avatarUrl,
          conversation_key_version: d.conversationKeyVersion,
          is_legacy_group_upgrade: d.isLegacyGroupUpgrade,
          ttl_msec: d.ttlMsec,
        }),
      },
      for_key_rotation: d.forKeyRotation ?? false,
    },
  });
}

/** Encodes a GroupChangeEvent.GroupMemberAddChange wrapped in MessageEventDetail (variant 4 → 5). */
export function encodeGroupMemberAddDetail(
  d: Omit<GroupMemberAddDetail, 'type'> & {
    memberIds: string[];
    currentMemberIds: string[];
    currentAdminIds: string[];
    currentPendingMemberIds: string[];
    conversationKeyVersion: string;
  },
): Uint8Array {
  const inv = d.groupInviteEnable;
  return encodeStruct(MessageEventDetail, {
    group_change_event: {
      group_change: {
        group_member_add_change: compact({
          member_ids: d.memberIds,
          current_member_ids: d.currentMemberIds,
          current_admin_ids: d.currentAdminIds,
          current_title: d.currentTitle,
          current_avatar_url: d.currentAvatarUrl,
          conversation_key_version: d.conversationKeyVersion,
          current_ttl_msec: d.currentTtlMsec,
          current_pending_member_ids: d.currentPendingMemberIds,
          screen_capture_blocking_enabled: d.screenCaptureBlockingEnabled,
          group_invite_enable: inv && compact({ expires_at_msec: inv.expiresAtMsec, invite_url: inv.inviteUrl, affiliate_id: inv.affiliateId }),
        }),
      },
      for_key_rotation: d.forKeyRotation ?? false,
    },
  });
}

type Raw = Record<string, unknown>;

/**
 * Decodes a MessageEventDetail into a typed value.
 * @param field - the name of the input in error messages
 * @throws {DecodeError} `ERR_INVALID_THRIFT` for bytes that are not a canonical MessageEventDetail,
 * or a participant key that lacks one of its three fields
 */
export function decodeEventDetail(bytes: Uint8Array, field = 'detail'): EventDetail {
  return typedDetail(decodeStruct(MessageEventDetail, bytes, field), field);
}

/** A ConversationParticipantKey with all three fields (every writer sets them; a key without one cannot be used). */
function participantKey(k: Raw, i: number, field: string): ParticipantKey {
  for (const f of ['user_id', 'encrypted_conversation_key', 'public_key_version']) {
    if (k[f] === undefined) throw new DecodeError(ErrorCodes.INVALID_THRIFT, `conversation_participant_keys[${i}] lacks ${f}`, field);
  }
  return { userId: k.user_id as string, encryptedKey: k.encrypted_conversation_key as string, publicKeyVersion: k.public_key_version as string };
}

function typedDetail(detail: StructValue, field: string): EventDetail {
  const kc = detail.conversation_key_change_event as Raw | undefined;
  if (kc) {
    const keys = kc.conversation_participant_keys as Raw[] | undefined;
    return compact({
      type: 'keyChange',
      conversationKeyVersion: kc.conversation_key_version as string | undefined,
      participantKeys: keys?.map((k, i) => participantKey(k, i, field)),
      ratchetTreeChange: kc.ratchet_tree_change as StructValue | undefined,
      forKeyRotation: kc.for_key_rotation as boolean | undefined,
    }) as KeyChangeDetail;
  }
  const gce = detail.group_change_event as Raw | undefined;
  const change = gce?.group_change as Raw | undefined;
  const create = change?.group_create as Raw | undefined;
  if (gce && create) {
    return compact({
      type: 'groupCreate',
      memberIds: create.member_ids as string[] | undefined,
      adminIds: create.admin_ids as string[] | undefined,
      title: create.title as string | undefined,
      avatarUrl: create.avatar_url as string | undefined,
      conversationKeyVersion: create.conversation_key_version as string | undefined,
      isLegacyGroupUpgrade: create.is_legacy_group_upgrade as boolean | undefined,
      ttlMsec: create.ttl_msec as bigint | undefined,
      forKeyRotation: gce.for_key_rotation as boolean | undefined,
    }) as GroupCreateDetail;
  }
  const add = change?.group_member_add_change as Raw | undefined;
  if (gce && add) {
    const inv = add.group_invite_enable as Raw | undefined;
    return compact({
      type: 'groupMemberAdd',
      memberIds: add.member_ids as string[] | undefined,
      currentMemberIds: add.current_member_ids as string[] | undefined,
      currentAdminIds: add.current_admin_ids as string[] | undefined,
      currentTitle: add.current_title as string | undefined,
      currentAvatarUrl: add.current_avatar_url as string | undefined,
      conversationKeyVersion: add.conversation_key_version as string | undefined,
      currentTtlMsec: add.current_ttl_msec as bigint | undefined,
      currentPendingMemberIds: add.current_pending_member_ids as string[] | undefined,
      screenCaptureBlockingEnabled: add.screen_capture_blocking_enabled as boolean | undefined,
      groupInviteEnable: inv && compact({
        expiresAtMsec: inv.expires_at_msec as bigint | undefined,
        inviteUrl: inv.invite_url as string | undefined,
        affiliateId: inv.affiliate_id as string | undefined,
      }),
      forKeyRotation: gce.for_key_rotation as boolean | undefined,
    }) as GroupMemberAddDetail;
  }
  return { type: 'other', value: detail };
}

/** The MessageEvent envelope a receiver gets (`encoded_event`, `conversation_key_events[]`). */
export interface EnvelopeFields {
  sequenceId?: string;
  messageId?: string;
  senderId?: string;
  conversationId?: string;
  createdAtMsec?: string;
  /** Encoded MessageEventDetail bytes. */
  detail?: Uint8Array;
  signature?: { signature: string; publicKeyVersion: string; signatureVersion: string; signingPublicKey?: string };
}

/** Encodes a MessageEvent envelope (what the backend delivers), from an already-encoded detail. */
export function encodeMessageEvent(e: EnvelopeFields): Uint8Array {
  const sig = e.signature;
  return encodeStruct(MessageEvent, compact({
    sequence_id: e.sequenceId,
    message_id: e.messageId,
    sender_id: e.senderId,
    conversation_id: e.conversationId,
    created_at_msec: e.createdAtMsec,
    detail: e.detail && decodeStruct(MessageEventDetail, e.detail),
    message_event_signature: sig && compact({
      signature: sig.signature,
      public_key_version: sig.publicKeyVersion,
      signature_version: sig.signatureVersion,
      signing_public_key: sig.signingPublicKey,
    }),
  }));
}

/** A decoded MessageEvent envelope. */
export interface DecodedMessageEvent {
  sequenceId?: string;
  messageId?: string;
  senderId?: string;
  conversationId?: string;
  createdAtMsec?: string;
  detail?: EventDetail;
  signature?: { signature?: string; publicKeyVersion?: string; signatureVersion?: string; signingPublicKey?: string };
}

/**
 * Decodes a MessageEvent envelope and its detail.
 * @throws {DecodeError} `ERR_INVALID_THRIFT`
 */
export function decodeMessageEvent(bytes: Uint8Array, field = 'event'): DecodedMessageEvent {
  const ev = decodeStruct(MessageEvent, bytes, field);
  const sig = ev.message_event_signature as Raw | undefined;
  const detail = ev.detail as StructValue | undefined;
  return compact({
    sequenceId: ev.sequence_id as string | undefined,
    messageId: ev.message_id as string | undefined,
    senderId: ev.sender_id as string | undefined,
    conversationId: ev.conversation_id as string | undefined,
    createdAtMsec: ev.created_at_msec as string | undefined,
    detail: detail && typedDetail(detail, field),
    signature: sig && compact({
      signature: sig.signature as string | undefined,
      publicKeyVersion: sig.public_key_version as string | undefined,
      signatureVersion: sig.signature_version as string | undefined,
      signingPublicKey: sig.signing_public_key as string | undefined,
    }),
  });
}
