/**
 * X Chat's Thrift structs (docs/xchat-keys.md §"Thrift structs"; the official SDK's
 * `thrift/event.thrift` and `thrift/trees.thrift`) as typed descriptions: the decoded value of
 * each has the TypeScript type its description spells. Field names are ours (camelCase); the ids
 * and types are the IDL's, and they are what goes on the wire.
 *
 * Two kinds of description:
 * - the full structs (`MessageEvent`, `MessageEventDetail`, `GroupOpData`, …), lossless: what
 *   decodes re-encodes to the same bytes, unknown fields included;
 * - views for receivers (`MessageEventDetailView`), which leave out what no check reads (the
 *   ratchet-tree change of a key change) so that it is skipped, not built.
 *
 * @module
 */
import { field, required, struct, T, union, type Infer } from '../thrift/index.js';
import { GroupOpData } from './trees.js';

const S = T.string;
const strings = T.list(T.string);

// --- trees.thrift: in trees.ts, re-exported so that one namespace holds every struct ---
export * from './trees.js';

// --- event.thrift ---
/** A wrapped conversation key; every writer sets all three fields, and a key without one is unusable. */
export const ConversationParticipantKey = /* @__PURE__ */ struct('ConversationParticipantKey', {
  userId: required(1, S),
  encryptedKey: required(2, S),
  publicKeyVersion: required(3, S),
});
const keyChangeFields = {
  conversationKeyVersion: field(1, S),
  participantKeys: field(2, T.list(T.struct(() => ConversationParticipantKey))),
  ratchetTreeChange: field(
    4,
    T.struct(() => GroupOpData),
  ),
  forKeyRotation: field(5, T.bool),
};
/** Id 3 is retired. */
export const ConversationKeyChangeEvent = /* @__PURE__ */ struct('ConversationKeyChangeEvent', keyChangeFields);
export const GroupInviteEnable = /* @__PURE__ */ struct('GroupInviteEnable', {
  expiresAtMsec: field(1, T.i64),
  inviteUrl: field(2, S),
  affiliateId: field(3, S),
});
export const GroupAdminSettings = /* @__PURE__ */ struct('GroupAdminSettings', {
  editGroupInfo: field(1, T.bool),
  editMessageTtl: field(2, T.bool),
  blockScreenCapture: field(3, T.bool),
  addMember: field(4, T.bool),
  sendMessage: field(5, T.bool),
  startCall: field(6, T.bool),
});
export const GroupCreate = /* @__PURE__ */ struct('GroupCreate', {
  memberIds: field(1, strings),
  adminIds: field(2, strings),
  title: field(3, S),
  avatarUrl: field(4, S),
  conversationKeyVersion: field(5, S),
  isLegacyGroupUpgrade: field(6, T.bool),
  ttlMsec: field(7, T.i64),
});
export const GroupMemberAddChange = /* @__PURE__ */ struct('GroupMemberAddChange', {
  memberIds: field(1, strings),
  currentMemberIds: field(2, strings),
  currentAdminIds: field(3, strings),
  currentTitle: field(4, S),
  currentAvatarUrl: field(5, S),
  conversationKeyVersion: field(6, S),
  currentTtlMsec: field(7, T.i64),
  currentPendingMemberIds: field(8, strings),
  screenCaptureBlockingEnabled: field(9, T.bool),
  groupInviteEnable: field(
    11,
    T.struct(() => GroupInviteEnable),
  ),
  adminSettings: field(
    12,
    T.struct(() => GroupAdminSettings),
  ),
});
export const GroupTitleChange = /* @__PURE__ */ struct('GroupTitleChange', {
  customTitle: field(1, S),
  conversationKeyVersion: field(2, S),
});
export const GroupAvatarUrlChange = /* @__PURE__ */ struct('GroupAvatarUrlChange', {
  customAvatarUrl: field(1, S),
  conversationKeyVersion: field(2, S),
});
export const GroupAdminAddChange = /* @__PURE__ */ struct('GroupAdminAddChange', { adminIds: field(1, strings) });
export const GroupAdminRemoveChange = /* @__PURE__ */ struct('GroupAdminRemoveChange', { adminIds: field(1, strings) });
export const GroupMemberRemoveChange = /* @__PURE__ */ struct('GroupMemberRemoveChange', { memberIds: field(1, strings) });
export const GroupInviteDisable = /* @__PURE__ */ struct('GroupInviteDisable', { disabledByMemberId: field(1, S) });
export const GroupJoinRequest = /* @__PURE__ */ struct('GroupJoinRequest', { requestingUserId: field(1, S) });
export const GroupJoinReject = /* @__PURE__ */ struct('GroupJoinReject', { rejectedUserIds: field(1, strings) });
export const GroupChange = /* @__PURE__ */ union('GroupChange', {
  groupCreate: field(
    1,
    T.struct(() => GroupCreate),
  ),
  groupTitleChange: field(
    2,
    T.struct(() => GroupTitleChange),
  ),
  groupAvatarUrlChange: field(
    3,
    T.struct(() => GroupAvatarUrlChange),
  ),
  groupAdminAddChange: field(
    4,
    T.struct(() => GroupAdminAddChange),
  ),
  groupMemberAddChange: field(
    5,
    T.struct(() => GroupMemberAddChange),
  ),
  groupAdminRemoveChange: field(
    6,
    T.struct(() => GroupAdminRemoveChange),
  ),
  groupMemberRemoveChange: field(
    7,
    T.struct(() => GroupMemberRemoveChange),
  ),
  groupInviteEnable: field(
    8,
    T.struct(() => GroupInviteEnable),
  ),
  groupInviteDisable: field(
    9,
    T.struct(() => GroupInviteDisable),
  ),
  groupJoinRequest: field(
    10,
    T.struct(() => GroupJoinRequest),
  ),
  groupJoinReject: field(
    11,
    T.struct(() => GroupJoinReject),
  ),
  groupAdminSettingsChange: field(
    12,
    T.struct(() => GroupAdminSettings),
  ),
});
export const GroupChangeEvent = /* @__PURE__ */ struct('GroupChangeEvent', {
  groupChange: field(
    1,
    T.struct(() => GroupChange),
  ),
  forKeyRotation: field(2, T.bool),
});
export const FrankingData = /* @__PURE__ */ struct('FrankingData', {
  frankingTag: field(1, T.binary),
  encryptedNonce: field(2, T.binary),
  encryptedMediaHashes: field(4, T.list(T.binary)),
});
export const MessageCreateEvent = /* @__PURE__ */ struct('MessageCreateEvent', {
  contents: field(100, T.binary),
  conversationKeyVersion: field(101, S),
  shouldNotify: field(102, T.bool),
  ttlMsec: field(103, T.i64),
  deliveredAtMsec: field(104, T.i64),
  isPendingPublicKey: field(105, T.bool),
  priority: field(106, T.i32),
  additionalActionList: field(107, T.list(T.i32)),
  frankingData: field(
    108,
    T.struct(() => FrankingData),
  ),
  isMessageRequest: field(109, T.bool),
});
export const MessageFailureEvent = /* @__PURE__ */ struct('MessageFailureEvent', {
  failureType: field(1, T.i32),
  rateLimitTier: field(2, T.i32),
});
export const MessageDeleteEvent = /* @__PURE__ */ struct('MessageDeleteEvent', {
  sequenceIds: field(1, strings),
  deleteMessageAction: field(2, T.i32),
});
export const MessageTypingEvent = /* @__PURE__ */ struct('MessageTypingEvent', { conversationId: field(1, S) });
export const ClearConversationOptions = /* @__PURE__ */ struct('ClearConversationOptions', {
  clearAllMessages: field(1, T.bool),
  sortOrderMsec: field(2, T.i64),
});
export const ConversationDeleteEvent = /* @__PURE__ */ struct('ConversationDeleteEvent', {
  conversationId: field(1, S),
  clearConversationOptions: field(
    2,
    T.struct(() => ClearConversationOptions),
  ),
});
export const MessageDurationChange = /* @__PURE__ */ struct('MessageDurationChange', {
  ttlMsec: field(1, T.i64),
  applyToAllMessages: field(2, T.bool),
});
export const MessageDurationRemove = /* @__PURE__ */ struct('MessageDurationRemove', { currentTtlMsec: field(1, T.i64) });
export const MuteConversation = /* @__PURE__ */ struct('MuteConversation', { mutedConversationIds: field(1, strings) });
export const UnmuteConversation = /* @__PURE__ */ struct('UnmuteConversation', { unmutedConversationIds: field(1, strings) });
/** The four screen-capture settings share one shape: a placeholder string nobody sets. */
export const ScreenCaptureSetting = /* @__PURE__ */ struct('ScreenCaptureSetting', { placeholder: field(1, S) });
export const ConversationMetadataChange = /* @__PURE__ */ union('ConversationMetadataChange', {
  messageDurationChange: field(
    1,
    T.struct(() => MessageDurationChange),
  ),
  messageDurationRemove: field(
    2,
    T.struct(() => MessageDurationRemove),
  ),
  muteConversation: field(
    3,
    T.struct(() => MuteConversation),
  ),
  unmuteConversation: field(
    4,
    T.struct(() => UnmuteConversation),
  ),
  enableScreenCaptureDetection: field(
    5,
    T.struct(() => ScreenCaptureSetting),
  ),
  disableScreenCaptureDetection: field(
    6,
    T.struct(() => ScreenCaptureSetting),
  ),
  enableScreenCaptureBlocking: field(
    7,
    T.struct(() => ScreenCaptureSetting),
  ),
  disableScreenCaptureBlocking: field(
    8,
    T.struct(() => ScreenCaptureSetting),
  ),
});
export const ConversationMetadataChangeEvent = /* @__PURE__ */ struct('ConversationMetadataChangeEvent', {
  conversationMetadataChange: field(
    1,
    T.struct(() => ConversationMetadataChange),
  ),
});
export const GrokSearchResponseEvent = /* @__PURE__ */ struct('GrokSearchResponseEvent', { searchResponseId: field(1, S) });
export const MarkConversationReadEvent = /* @__PURE__ */ struct('MarkConversationReadEvent', {
  seenUntilSequenceId: field(1, S),
  seenAtMillis: field(2, T.i64),
});
export const MarkConversationUnreadEvent = /* @__PURE__ */ struct('MarkConversationUnreadEvent', { seenUntilSequenceId: field(1, S) });
export const MemberAccountDeleteEvent = /* @__PURE__ */ struct('MemberAccountDeleteEvent', { memberId: field(1, S) });
const detailFields = {
  messageCreateEvent: field(
    1,
    T.struct(() => MessageCreateEvent),
  ),
  conversationKeyChangeEvent: field(
    3,
    T.struct(() => ConversationKeyChangeEvent),
  ),
  groupChangeEvent: field(
    4,
    T.struct(() => GroupChangeEvent),
  ),
  messageFailureEvent: field(
    5,
    T.struct(() => MessageFailureEvent),
  ),
  messageTypingEvent: field(
    6,
    T.struct(() => MessageTypingEvent),
  ),
  messageDeleteEvent: field(
    7,
    T.struct(() => MessageDeleteEvent),
  ),
  conversationDeleteEvent: field(
    8,
    T.struct(() => ConversationDeleteEvent),
  ),
  conversationMetadataChangeEvent: field(
    9,
    T.struct(() => ConversationMetadataChangeEvent),
  ),
  grokSearchResponseEvent: field(
    10,
    T.struct(() => GrokSearchResponseEvent),
  ),
  markConversationReadEvent: field(
    12,
    T.struct(() => MarkConversationReadEvent),
  ),
  markConversationUnreadEvent: field(
    13,
    T.struct(() => MarkConversationUnreadEvent),
  ),
  memberAccountDeleteEvent: field(
    14,
    T.struct(() => MemberAccountDeleteEvent),
  ),
};
/** The event union; ids 2 and 11 are retired, variants not known here stay in `$unknown`. */
export const MessageEventDetail = /* @__PURE__ */ union('MessageEventDetail', detailFields);
export const MessageSigningKeyInfo = /* @__PURE__ */ struct('MessageSigningKeyInfo', {
  memberId: field(1, S),
  publicKeyVersion: field(2, S),
  signingPublicKey: field(3, S),
});
export const MessageEventSignature = /* @__PURE__ */ struct('MessageEventSignature', {
  signature: field(1, S),
  publicKeyVersion: field(2, S),
  signatureVersion: field(3, S),
  signingPublicKey: field(4, S),
  messageSigningKeyInfoList: field(5, T.list(T.struct(() => MessageSigningKeyInfo))),
});
const eventFields = {
  sequenceId: field(1, S),
  messageId: field(2, S),
  senderId: field(3, S),
  conversationId: field(4, S),
  conversationToken: field(5, S),
  createdAtMsec: field(6, S),
  detail: field(
    7,
    T.struct(() => MessageEventDetail),
  ),
  relaySource: field(8, T.i32),
  messageEventSignature: field(
    9,
    T.struct(() => MessageEventSignature),
  ),
  previousSequenceId: field(10, S),
  isTrusted: field(11, T.bool),
};
export const MessageEvent = /* @__PURE__ */ struct('MessageEvent', eventFields);

// --- views for receivers: what no check reads is left out, so it is skipped rather than built ---
const { ratchetTreeChange: _ratchetTree, ...keyChangeViewFields } = keyChangeFields;
/** ConversationKeyChangeEvent without the ratchet-tree change. */
export const ConversationKeyChangeEventView = /* @__PURE__ */ struct('ConversationKeyChangeEvent', keyChangeViewFields);
/** MessageEventDetail whose key change is {@link ConversationKeyChangeEventView}. */
export const MessageEventDetailView = /* @__PURE__ */ union('MessageEventDetail', {
  ...detailFields,
  conversationKeyChangeEvent: field(
    3,
    T.struct(() => ConversationKeyChangeEventView),
  ),
});

/** MessageEvent whose detail is {@link MessageEventDetailView}. */
export const MessageEventView = /* @__PURE__ */ struct('MessageEvent', {
  ...eventFields,
  detail: field(
    7,
    T.struct(() => MessageEventDetailView),
  ),
});

/** A wrapped conversation key, as the SDK names it. */
export type ParticipantKey = Omit<Infer<typeof ConversationParticipantKey>, '$unknown'>;
