/**
 * The events `decryptEvents` returns (docs/xchat-receiving.md §"What comes back"), shaped as the
 * official SDK's `Event` objects with camelCase keys throughout: the common envelope fields, the
 * decrypted content of messages (entities, attachments in both forms, reply previews), group and
 * settings changes, failures.
 *
 * @module
 */
import type { ParticipantKey } from '../../../wire/xchat/events.js';

/** The common envelope fields of every event (`null` when the envelope lacks them). */
export interface EventBase {
  sequenceId: string | null;
  /** The event's message id. */
  id: string | null;
  senderId: string | null;
  conversationId: string | null;
  createdAtMsec: number | null;
}

/** A rich-text entity; `content` names its kind, `null` for an unknown kind. */
export interface Entity {
  startIndex: number | null;
  endIndex: number | null;
  content:
    | { hashtag: object }
    | { cashtag: object }
    | { mention: object }
    | { url: object }
    | { email: object }
    | { address: object }
    | { phoneNumber: object }
    | null;
}

/** Width and height of a media item. */
export interface Dimensions {
  width: number | null;
  height: number | null;
}

/** A media type by name, or its number when unknown. */
export type MediaTypeName = 'image' | 'gif' | 'video' | 'audio' | 'file' | 'svg';

/** An image of a URL card. */
export interface UrlImage {
  mediaHashKey: string | null;
  filesizeBytes: number | null;
  filename: string | null;
  dimensions: Dimensions | null;
}

/** An attachment inside `content`: one key naming the kind. */
export type ContentAttachment =
  | {
      media: {
        mediaHashKey: string | null;
        dimensions: Dimensions | null;
        type: MediaTypeName | number | null;
        durationMillis: number | null;
        filesizeBytes: number | null;
        filename: string | null;
        attachmentId: string | null;
        legacyMediaUrlHttps: string | null;
        legacyMediaPreviewUrl: string | null;
      };
    }
  | { post: { restId: string | null; postUrl: string | null; attachmentId: string | null } }
  | {
      url: {
        url: string | null;
        bannerImageMediaHashKey: UrlImage | null;
        faviconImageMediaHashKey: UrlImage | null;
        displayTitle: string | null;
        attachmentId: string | null;
      };
    }
  | { unifiedCard: { url: string | null; attachmentId: string | null } }
  | { money: { fallbackText: string | null; payload: string | null } };

/** A message's top-level attachment: flat, discriminated by `attachmentType`. */
export type AttachmentInfo =
  | ({ attachmentType: 'media'; mediaType: MediaTypeName | null } & Omit<Extract<ContentAttachment, { media: unknown }>['media'], 'type'>)
  | ({ attachmentType: 'url'; bannerImageMediaHashKey: string | null; faviconImageMediaHashKey: string | null } & Pick<
      Extract<ContentAttachment, { url: unknown }>['url'],
      'url' | 'displayTitle' | 'attachmentId'
    >)
  | ({ attachmentType: 'post' } & Extract<ContentAttachment, { post: unknown }>['post'])
  | ({ attachmentType: 'unifiedCard' } & Extract<ContentAttachment, { unifiedCard: unknown }>['unifiedCard'])
  | { attachmentType: 'money'; fallbackText: string | null };

/** A media hash key a message refers to, and where. */
export interface MediaHashReference {
  source: 'media' | 'url_banner' | 'url_favicon';
  mediaHashKey: string;
}

/** The quoted message of a reply, as the sender claims it (see `replyPreviewValidation`). */
export interface ReplyPreview {
  /** The quoted sender (an i64 in the Thrift, given as decimal text). */
  senderId: string | null;
  messageText: string | null;
  entities: Entity[] | null;
  attachments: ContentAttachment[] | null;
  senderDisplayName: string | null;
  replyingToMessageSequenceId: string | null;
  replyingToMessageId: string | null;
}

/** Where a message was composed. */
export type SentFrom =
  'conversationScreenComposer' | 'notificationReply' | 'shareSheet' | 'paymentsSupportComposer' | 'messageForwardSheet';

/** A quick-reply request or response. */
export type QuickReplyInfo =
  | {
      request: {
        options: {
          id: string | null;
          options: { id: string | null; label: string | null; metadata: string | null; description: string | null }[] | null;
        };
      };
    }
  | { response: { options: { requestId: string | null; metadata: string | null; selectedOptionId: string | null } } };

/** A text message (keys other than `contentType` and `text` only when the message has them). */
export interface TextContent {
  contentType: 'text';
  text: string;
  entities?: Entity[];
  attachments?: ContentAttachment[];
  replyingToPreview?: ReplyPreview;
  forwardedMessage?: { messageText: string | null; entities: Entity[] | null };
  sentFrom?: SentFrom | number;
  quickReply?: QuickReplyInfo;
  ctas?: { label: string | null; url: string | null }[];
}

/** The decrypted content of a message. */
export type MessageContent =
  | TextContent
  | { contentType: 'reaction' | 'reactionRemoved'; emoji: string; targetMessageId: string }
  | { contentType: 'edit'; targetMessageId: string; newText: string; entities?: Entity[] }
  | { contentType: 'markRead' | 'markUnread' }
  | { contentType: 'unknown'; typeId: null };

/** A group change (`change.changeType`). */
export type GroupChangeInfo =
  | { changeType: 'created'; memberIds: string[]; adminIds: string[]; title: string | null; avatarUrl: string | null }
  | { changeType: 'titleChanged'; newTitle: string }
  | { changeType: 'avatarChanged'; newAvatarUrl: string }
  | { changeType: 'adminsAdded' | 'adminsRemoved'; adminIds: string[] }
  | { changeType: 'membersAdded'; memberIds: string[]; currentMemberIds: string[]; currentAdminIds: string[] }
  | { changeType: 'membersRemoved'; memberIds: string[] }
  | { changeType: 'inviteEnabled'; inviteUrl: string; expiresAtMsec: number | null }
  | { changeType: 'inviteDisabled'; disabledBy: string | null }
  | { changeType: 'joinRequested'; userId: string }
  | { changeType: 'joinRejected'; userIds: string[] };

/** A conversation setting change (`change.setting`). */
export type SettingsChangeInfo =
  | { setting: 'messageDuration'; ttlMsec: number; applyToAll: boolean }
  | {
      setting:
        | 'messageDurationRemoved'
        | 'muted'
        | 'unmuted'
        | 'screenCaptureDetectionEnabled'
        | 'screenCaptureDetectionDisabled'
        | 'screenCaptureBlockingEnabled'
        | 'screenCaptureBlockingDisabled';
    };

/** Why a message was not delivered (the SDK's names). */
export type FailureType =
  | 'emptyDetail'
  | 'internalError'
  | 'contentsTooLarge'
  | 'tooManyMessages'
  | 'invalidSenderSignature'
  | 'nonLatestKeyVersion'
  | 'recipientNotTrusted'
  | 'recipientKeyChanged'
  | 'onlyEncryptedMessagesAllowed'
  | 'requesterNotAdmin'
  | 'flaggedAsSpam'
  | 'rateLimitUpsell'
  | 'signatureFailedToVerifyAgainstPublicKey'
  | 'genericError'
  | 'senderNotGroupMember'
  | 'invalidSignatureVersion'
  | 'invalidPinRequest'
  | 'tooManyPins'
  | 'unknown';

/** The account tier of a rate-limit failure. */
export type RateLimitTier = 'free' | 'verifiedPhone' | 'premium' | 'premiumPlus' | 'premiumBusiness' | 'unknown';

/** A decrypted, verified message (text, reaction, edit, …). */
export interface ReceivedMessage extends EventBase {
  type: 'message';
  content: MessageContent;
  keyVersion: string;
  verified: true;
  shouldNotify: boolean | null;
  ttlMsec: number | null;
  attachments?: AttachmentInfo[];
  mediaHashes?: MediaHashReference[];
  replyPreviewValidation?: 'valid' | 'invalid';
}

/** Any event `decryptEvents` returns. Events without `verified` (typing, failure, member deleted, unknown) are unsigned backend notices. */
export type ReceivedEvent =
  | ReceivedMessage
  | (EventBase & { type: 'keyChange'; keyVersion: string; verified: true; participantKeys: ParticipantKey[] })
  | (EventBase & { type: 'groupChange'; verified: true; change: GroupChangeInfo })
  | (EventBase & { type: 'failure'; failure: FailureType; rateLimitTier?: RateLimitTier })
  | (EventBase & { type: 'typing' })
  | (EventBase & { type: 'messageDeleted'; verified: true; messageIds: string[]; deleteForAll: boolean })
  | (EventBase & { type: 'conversationDeleted'; verified: true; clearAllMessages: boolean })
  | (EventBase & { type: 'settingsChange'; verified: true; change: SettingsChangeInfo })
  | (EventBase & { type: 'readReceipt'; verified: true; seenUntilId: string | null; seenAtMsec: number | null })
  | (EventBase & { type: 'markedUnread'; verified: true; seenUntilId: string | null })
  | (EventBase & { type: 'memberDeleted'; memberId: string })
  | (EventBase & { type: 'unknown'; eventTypeId: null });
