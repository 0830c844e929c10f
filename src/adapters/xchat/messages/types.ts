/**
 * The shapes of X Chat's sending calls: the official SDK's parameters (`EncryptMessageParams`,
 * `EncryptReplyParams`, `EncryptReactionParams`, `EncryptEditParams`, `MessageDeleteParams`) with
 * the key and the signer explicit and required, and its `SendPayload` result.
 *
 * @module
 */
import type { Sender } from '../../../core/keychange.js';
import type { RecipientKey } from '../../../core/recipient.js';

/** An entity type: the SDK's names (`phone_number` and `phoneNumber` are the same). */
export type EntityType = 'url' | 'mention' | 'hashtag' | 'cashtag' | 'email' | 'address' | 'phone_number' | 'phoneNumber';

/**
 * A rich-text entity, `[start, end, type]`: offsets into the text, end exclusive (UTF-8 bytes in
 * the SDK's documentation; UTF-16 units in some first-party clients, which are never larger).
 */
export type EntityTuple = [start: number, end: number, type: EntityType];

/** `MediaType`: 1 image, 2 GIF, 3 video, 4 audio, 5 file, 6 SVG. */
export type MediaTypeNumber = 1 | 2 | 3 | 4 | 5 | 6;

/** A media attachment (an upload to the conversation's media store), in the SDK's snake_case. */
export interface MediaAttachmentDescriptor {
  attachment_type: 'media';
  /** From `POST /2/chat/media/upload/initialize`. */
  media_hash_key: string;
  width: number;
  height: number;
  /** The size of the media (the SDK's example puts the plaintext length here). */
  filesize_bytes: number;
  filename: string;
  /** Default 1 (image). */
  media_type?: MediaTypeNumber;
  duration_millis?: number;
}

/** An image of a URL card: an encrypted upload. */
export interface UrlAttachmentImageDescriptor {
  media_hash_key: string;
  filesize_bytes: number;
  filename: string;
  width?: number;
  height?: number;
}

/** A URL card. */
export interface UrlAttachmentDescriptor {
  attachment_type: 'url';
  url: string;
  display_title?: string;
  banner_image?: UrlAttachmentImageDescriptor;
  favicon_image?: UrlAttachmentImageDescriptor;
}

/** A post (a tweet). At least one of the two fields. */
export interface PostAttachmentDescriptor {
  attachment_type: 'post';
  rest_id?: string;
  post_url?: string;
}

/** An attachment, exactly as the SDK's `AttachmentDescriptor` (snake_case keys). */
export type AttachmentDescriptor = MediaAttachmentDescriptor | UrlAttachmentDescriptor | PostAttachmentDescriptor;

/** The conversation key a message is encrypted with, and who signs it. */
export interface SendKeys {
  /** The 32-byte conversation key of `conversationKeyVersion`. */
  conversationKey: Uint8Array;
  /** Its version (canonical decimal), as the key change announced it. */
  conversationKeyVersion: string;
  sender: Sender;
}

/** Parameters of {@link encryptMessage}. */
export interface EncryptMessageParams extends SendKeys {
  /** A group id (`g…`), or a one-to-one in any of X's forms (`A:B`, `A-B`, the peer's bare id). */
  conversationId: string;
  text: string;
  entities?: EntityTuple[] | null;
  /** At most 10; more than one only if all are image, GIF or video media. */
  attachments?: AttachmentDescriptor[] | null;
  /** Default true. */
  shouldNotify?: boolean | null;
  /** Time to live in milliseconds (non-negative integer). */
  ttlMsec?: number | null;
}

/** Parameters of {@link encryptReply}. */
export interface EncryptReplyParams extends EncryptMessageParams {
  /** Base64 of the delivered MessageEvent replied to: the preview is derived from it and embedded. */
  replyToEvent?: string | null;
  /** Base64 of the delivered edit of that message, if it was edited: the preview quotes the edit. */
  replyToEditEvent?: string | null;
  /** Base64 key-change events, for an original encrypted under another key version than the reply. */
  replyToCkces?: string[] | null;
  /** The original's sequence id; taken from `replyToEvent` when omitted. */
  replyToSequenceId?: string | null;
  /** The original's sender (an i64 in the preview); taken from `replyToEvent` when omitted. */
  replyToSenderId?: string | number | null;
  /** The quoted text; derived from the original when omitted. */
  replyToText?: string | null;
  replyToEntities?: EntityTuple[] | null;
  replyToAttachments?: AttachmentDescriptor[] | null;
  /**
   * Conversation keys by version, to decrypt an original sent under another version than the
   * reply's (the reply's own key is used when the versions match).
   */
  conversationKeys?: Readonly<Record<string, Uint8Array>> | ReadonlyMap<string, Uint8Array> | null;
  /** Who is replying, with their identity key: needed only to open `replyToCkces`. */
  recipient?: RecipientKey | null;
}

/** The target of a reaction or an edit: `targetEvent`, or the explicit fields (each wins on its own). */
export interface TargetParams {
  /** Base64 of the delivered MessageEvent: its conversation id and sequence id (parsed, not decrypted). */
  targetEvent?: string | null;
  conversationId?: string | null;
  targetMessageSequenceId?: string | null;
}

/** Parameters of {@link encryptAddReaction} and {@link encryptRemoveReaction}. */
export interface EncryptReactionParams extends TargetParams, SendKeys {
  emoji: string;
}

/** Parameters of {@link encryptEdit}. */
export interface EncryptEditParams extends TargetParams, SendKeys {
  updatedText: string;
  /** Entities of the new text; omitting them clears the original's. */
  entities?: EntityTuple[] | null;
}

/** What every sending call returns: the SDK's `SendPayload`, field for field. */
export interface SendPayload {
  /** A fresh random UUID v4 (lowercase); send it as `message_id`, and reuse the payload on retries. */
  messageId: string;
  /** Padded base64 Thrift MessageCreateEvent. */
  encryptedContent: string;
  /** Unpadded base64 `r‖s` over the signed payload. */
  signature: string;
  /** Padded base64 Thrift MessageEventSignature. */
  encodedEventSignature: string;
  signatureInfo: { publicKeyVersion: string; signatureVersion: string };
  conversationKeyVersion: string;
  shouldNotify: boolean;
}

/** Parameters of {@link prepareMessageDelete}. */
export interface MessageDeleteParams {
  conversationId: string;
  /** The sequence ids of the messages to delete (at least one, distinct). */
  sequenceIds: string[];
  /** For everyone (only one's own messages), or only from the sender's view. */
  deleteForAll: boolean;
  sender: Sender;
}
