/**
 * The plaintext of X Chat messages (docs/xchat-messages.md §"1. Plaintext structures (inside the
 * secretbox)"; the official SDK's `thrift/product.thrift`) as typed Thrift descriptions. A message's
 * secretbox holds one {@link MessageEntryHolder}; its union says what the message is (a text
 * message, a reaction, an edit, a read marker, …). Every field is optional in the IDL and here.
 *
 * Field names are ours (camelCase); ids and types are the IDL's. Retired ids (MessageContents 5,
 * AVCallEnded 4, AVCallStarted 2, JetfuelAttachment 1) are not described: if present they are
 * skipped like any unknown field.
 *
 * @module
 */
import { field, struct, T, union, type Infer } from '../thrift/index.js';
import { MessageEvent } from './events.js';

const S = T.string;

// --- rich text ---
/** The entity kinds' structs are all empty: one description serves them all. */
export const EmptyStruct = /* @__PURE__ */ struct('Empty', {});
const mark = T.struct(() => EmptyStruct);
export const RichTextContent = /* @__PURE__ */ union('RichTextContent', {
  hashtag: field(1, mark),
  cashtag: field(2, mark),
  mention: field(3, mark),
  url: field(4, mark),
  email: field(5, mark),
  address: field(6, mark),
  phoneNumber: field(7, mark),
});
export const RichTextEntity = /* @__PURE__ */ struct('RichTextEntity', {
  startIndex: field(1, T.i32),
  endIndex: field(2, T.i32),
  content: field(
    3,
    T.struct(() => RichTextContent),
  ),
});
const entities = T.list(T.struct(() => RichTextEntity));

// --- attachments ---
export const MediaDimensions = /* @__PURE__ */ struct('MediaDimensions', { width: field(1, T.i64), height: field(2, T.i64) });
export const MediaAttachment = /* @__PURE__ */ struct('MediaAttachment', {
  mediaHashKey: field(1, S),
  dimensions: field(
    2,
    T.struct(() => MediaDimensions),
  ),
  /** MediaType: IMAGE 1, GIF 2, VIDEO 3, AUDIO 4, FILE 5, SVG 6. */
  type: field(3, T.i32),
  durationMillis: field(4, T.i64),
  filesizeBytes: field(5, T.i64),
  filename: field(6, S),
  attachmentId: field(7, S),
  legacyMediaUrlHttps: field(8, S),
  legacyMediaPreviewUrl: field(9, S),
  grokTag: field(10, S),
});
export const PostAttachment = /* @__PURE__ */ struct('PostAttachment', {
  restId: field(1, S),
  postUrl: field(2, S),
  attachmentId: field(3, S),
});
/** An image of a URL card (an encrypted upload when the message is encrypted). */
export const UrlAttachmentImage = /* @__PURE__ */ struct('UrlAttachmentImage', {
  mediaHashKey: field(1, S),
  filesizeBytes: field(2, T.i64),
  filename: field(3, S),
  dimensions: field(
    4,
    T.struct(() => MediaDimensions),
  ),
});
export const UrlAttachment = /* @__PURE__ */ struct('UrlAttachment', {
  url: field(1, S),
  /** Named `banner_image_media_hash_key` in the IDL, but an image struct. */
  bannerImage: field(
    2,
    T.struct(() => UrlAttachmentImage),
  ),
  /** Named `favicon_image_media_hash_key` in the IDL, but an image struct. */
  faviconImage: field(
    3,
    T.struct(() => UrlAttachmentImage),
  ),
  displayTitle: field(4, S),
  attachmentId: field(5, S),
});
export const UnifiedCardAttachment = /* @__PURE__ */ struct('UnifiedCardAttachment', { url: field(1, S), attachmentId: field(2, S) });
export const MoneyAttachment = /* @__PURE__ */ struct('MoneyAttachment', { fallbackText: field(1, S), payload: field(2, T.binary) });
export const JetfuelAttachment = /* @__PURE__ */ struct('JetfuelAttachment', {
  height: field(2, T.i32),
  url: field(3, S),
  attachmentId: field(4, S),
});
export const MessageAttachment = /* @__PURE__ */ union('MessageAttachment', {
  media: field(
    1,
    T.struct(() => MediaAttachment),
  ),
  post: field(
    2,
    T.struct(() => PostAttachment),
  ),
  url: field(
    3,
    T.struct(() => UrlAttachment),
  ),
  unifiedCard: field(
    4,
    T.struct(() => UnifiedCardAttachment),
  ),
  money: field(
    5,
    T.struct(() => MoneyAttachment),
  ),
  jetfuel: field(
    6,
    T.struct(() => JetfuelAttachment),
  ),
});
const attachments = T.list(T.struct(() => MessageAttachment));

// --- calls (also in reply previews) ---
export const AVCallEnded = /* @__PURE__ */ struct('AVCallEnded', {
  sentAtMillis: field(1, T.i64),
  durationSeconds: field(2, T.i64),
  isAudioOnly: field(3, T.bool),
  broadcastId: field(5, S),
});
export const AVCallMissed = /* @__PURE__ */ struct('AVCallMissed', { sentAtMillis: field(1, T.i64), isAudioOnly: field(2, T.bool) });
export const AVCallStarted = /* @__PURE__ */ struct('AVCallStarted', { isAudioOnly: field(1, T.bool), broadcastId: field(3, S) });
export const ReplyAVCallCard = /* @__PURE__ */ union('ReplyAVCallCard', {
  ended: field(
    1,
    T.struct(() => AVCallEnded),
  ),
  missed: field(
    2,
    T.struct(() => AVCallMissed),
  ),
  started: field(
    3,
    T.struct(() => AVCallStarted),
  ),
});

// --- message contents ---
export const ReplyingToPreview = /* @__PURE__ */ struct('ReplyingToPreview', {
  /** An i64, unlike every other user id. */
  senderId: field(1, T.i64),
  messageText: field(2, S),
  entities: field(3, entities),
  attachments: field(4, attachments),
  senderDisplayName: field(5, S),
  replyingToMessageSequenceId: field(6, S),
  replyingToMessageId: field(7, S),
  rawEventMessageCreate: field(
    8,
    T.struct(() => MessageEvent),
  ),
  rawEventEditMessage: field(
    9,
    T.struct(() => MessageEvent),
  ),
  rawEventCkces: field(10, T.list(T.struct(() => MessageEvent))),
  avCallCard: field(
    11,
    T.struct(() => ReplyAVCallCard),
  ),
  replyingToAttachmentId: field(12, S),
});
export const ForwardedMessage = /* @__PURE__ */ struct('ForwardedMessage', { messageText: field(1, S), entities: field(2, entities) });
export const QuickReplyOption = /* @__PURE__ */ struct('QuickReplyOption', {
  id: field(1, S),
  label: field(2, S),
  metadata: field(3, S),
  description: field(4, S),
});
export const QuickReplyOptionsRequest = /* @__PURE__ */ struct('QuickReplyOptionsRequest', {
  id: field(1, S),
  options: field(2, T.list(T.struct(() => QuickReplyOption))),
});
export const QuickReplyOptionsResponse = /* @__PURE__ */ struct('QuickReplyOptionsResponse', {
  requestId: field(1, S),
  metadata: field(2, S),
  selectedOptionId: field(3, S),
});
export const QuickReplyRequest = /* @__PURE__ */ union('QuickReplyRequest', {
  options: field(
    1,
    T.struct(() => QuickReplyOptionsRequest),
  ),
});
export const QuickReplyResponse = /* @__PURE__ */ union('QuickReplyResponse', {
  options: field(
    1,
    T.struct(() => QuickReplyOptionsResponse),
  ),
});
export const QuickReply = /* @__PURE__ */ union('QuickReply', {
  request: field(
    1,
    T.struct(() => QuickReplyRequest),
  ),
  response: field(
    2,
    T.struct(() => QuickReplyResponse),
  ),
});
export const CallToAction = /* @__PURE__ */ struct('CallToAction', { label: field(1, S), url: field(2, S) });
export const MessageContents = /* @__PURE__ */ struct('MessageContents', {
  messageText: field(1, S),
  entities: field(2, entities),
  attachments: field(3, attachments),
  replyingToPreview: field(
    4,
    T.struct(() => ReplyingToPreview),
  ),
  forwardedMessage: field(
    6,
    T.struct(() => ForwardedMessage),
  ),
  /** SentFromSurface: 1 conversation screen composer, 2 notification reply, 3 share sheet, 4 payments support composer, 5 message forward sheet. */
  sentFrom: field(7, T.i32),
  quickReply: field(
    8,
    T.struct(() => QuickReply),
  ),
  ctas: field(9, T.list(T.struct(() => CallToAction))),
  additionalFields: field(10, T.map(S, S)),
});

// --- the other entries ---
/** A reaction added or removed: the target's sequence id and the emoji. */
export const MessageReaction = /* @__PURE__ */ struct('MessageReaction', {
  messageSequenceId: field(1, S),
  emoji: field(2, S),
  messageAttachmentId: field(3, S),
});
export const MessageEdit = /* @__PURE__ */ struct('MessageEdit', {
  messageSequenceId: field(1, S),
  updatedText: field(2, S),
  entities: field(3, entities),
});
export const MarkConversationRead = /* @__PURE__ */ struct('MarkConversationRead', {
  seenUntilSequenceId: field(1, S),
  seenAtMillis: field(2, T.i64),
});
export const MarkConversationUnread = /* @__PURE__ */ struct('MarkConversationUnread', { seenUntilSequenceId: field(1, S) });
export const ConversationRef = /* @__PURE__ */ struct('ConversationRef', { conversationId: field(1, S) });
export const ScreenCaptureDetected = /* @__PURE__ */ struct('ScreenCaptureDetected', { type: field(1, T.i32) });
export const DraftMessage = /* @__PURE__ */ struct('DraftMessage', { conversationId: field(1, S), draftText: field(2, S) });
export const NicknameMessage = /* @__PURE__ */ struct('NicknameMessage', { userId: field(1, T.i64), nicknameText: field(2, S) });
export const SetVerifiedStatus = /* @__PURE__ */ struct('SetVerifiedStatus', { userId: field(1, T.i64), verifiedStatus: field(2, T.bool) });

export const MessageEntryContents = /* @__PURE__ */ union('MessageEntryContents', {
  message: field(
    1,
    T.struct(() => MessageContents),
  ),
  reactionAdd: field(
    2,
    T.struct(() => MessageReaction),
  ),
  reactionRemove: field(
    3,
    T.struct(() => MessageReaction),
  ),
  messageEdit: field(
    4,
    T.struct(() => MessageEdit),
  ),
  markConversationRead: field(
    5,
    T.struct(() => MarkConversationRead),
  ),
  markConversationUnread: field(
    6,
    T.struct(() => MarkConversationUnread),
  ),
  pinConversation: field(
    7,
    T.struct(() => ConversationRef),
  ),
  unpinConversation: field(
    8,
    T.struct(() => ConversationRef),
  ),
  screenCaptureDetected: field(
    9,
    T.struct(() => ScreenCaptureDetected),
  ),
  avCallEnded: field(
    10,
    T.struct(() => AVCallEnded),
  ),
  avCallMissed: field(
    11,
    T.struct(() => AVCallMissed),
  ),
  draftMessage: field(
    12,
    T.struct(() => DraftMessage),
  ),
  acceptMessageRequest: field(13, mark),
  nicknameMessage: field(
    14,
    T.struct(() => NicknameMessage),
  ),
  setVerifiedStatus: field(
    15,
    T.struct(() => SetVerifiedStatus),
  ),
  avCallStarted: field(
    16,
    T.struct(() => AVCallStarted),
  ),
});
/** What a message's secretbox holds. */
export const MessageEntryHolder = /* @__PURE__ */ struct('MessageEntryHolder', {
  contents: field(
    1,
    T.struct(() => MessageEntryContents),
  ),
});

/** A decoded (or to-be-encoded) message entry. */
export type MessageEntryHolderValue = Infer<typeof MessageEntryHolder>;
