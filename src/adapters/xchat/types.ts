/**
 * The shapes of X Chat's prepared changes: the official SDK's `PreparedConversationChange` and
 * `ActionSignature`, chat-keykit's additions, and the parameters of the three prepare functions.
 *
 * @module
 */
import type { PreparedSender, PublicKeyInput, Sender } from '../../core/keychange.js';
import type { SecretBytes } from '../../core/secret.js';
import type { WrappingReport } from '../../core/wrap.js';
import type { ParticipantKey } from '../../wire/xchat/events.js';

/** An action signature, exactly as the official SDK returns it. */
export interface ActionSignature {
  messageId: string;
  /** Padded base64 Thrift MessageEventDetail. */
  encodedMessageEventDetail: string;
  /** Unpadded base64 64-byte `r‖s`. */
  signature: string;
  signatureVersion: string;
  /** The signer's signing-key version. */
  publicKeyVersion: string;
  /** The signed string (debugging aid); absent for key changes, whose payload contains the key. */
  signaturePayload?: string;
}

/** The official SDK's result shape. */
export interface PreparedConversationChange {
  conversationId: string;
  /** The new conversation key (redacted when printed). Keep it to encrypt messages. */
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  participantKeys: ParticipantKey[];
  actionSignatures: ActionSignature[];
}

/** What chat-keykit adds to every prepared change: how the key was wrapped (not sent anywhere). */
export interface PreparedWrapping {
  /** Backend, where the keys were sealed (worker threads, Web Workers or the calling thread), and any fallback. */
  wrapping: WrappingReport;
}

/** Result of {@link prepareConversationKeyChange}. */
export interface PreparedKeyChange extends PreparedConversationChange, PreparedWrapping {
  kind: 'keyChange';
  sender: PreparedSender;
}

/** Result of {@link prepareGroupCreate}. */
export interface PreparedGroupCreate extends PreparedConversationChange, PreparedWrapping {
  kind: 'groupCreate';
  sender: PreparedSender;
  memberIds: string[];
  adminIds: string[];
  title?: string;
  avatarUrl?: string;
  ttlMsec?: number;
}

/** Result of {@link prepareGroupMembersChange}. */
export interface PreparedGroupMembersChange extends PreparedConversationChange, PreparedWrapping {
  kind: 'groupMembersAdd';
  sender: PreparedSender;
  newMemberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentPendingMemberIds: string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  currentTtlMsec?: number;
  currentScreenCaptureBlockingEnabled?: boolean;
}

/** Any prepared change. */
export type PreparedChange = PreparedKeyChange | PreparedGroupCreate | PreparedGroupMembersChange;

/** Parameters of {@link prepareConversationKeyChange}. */
export interface ConversationKeyChangeParams {
  /** Identity keys of the participants (records of other users are ignored). */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  /**
   * The conversation: a group id (`g…`), or a one-to-one in any of X's forms (`A:B`, `A-B`, the
   * peer's bare id), canonicalised to `min:max` as the SDK does. Omit for a one-to-one: it is
   * derived from the two participants.
   */
  conversationId?: string | null;
  /**
   * Who gets the new key. Required for a group: its members now, the sender included (after a
   * removal, without the removed member). For a one-to-one it is the two users of the id.
   */
  memberIds?: string[] | null;
}

/** Parameters of {@link prepareGroupCreate}. */
export interface GroupCreateParams {
  /** Identity keys of every member (records of other users are ignored). */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  /** The `g…` id minted by `POST /2/chat/conversations/group/initialize`. */
  conversationId: string;
  /** Members in the order they are signed and sent; must include the sender. */
  memberIds: string[];
  /** Admins (members). Default: the sender. */
  adminIds?: string[] | null;
  /** Plaintext title; empty or absent means none (signed as `null`). */
  title?: string | null;
  avatarUrl?: string | null;
  /** Message time-to-live in milliseconds (non-negative integer); absent means none. */
  ttlMsec?: number | null;
}

/** Parameters of {@link prepareGroupMembersChange}. */
export interface GroupMembersChangeParams {
  /** Identity keys of every member of the new roster (current and new). */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  conversationId: string;
  newMemberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentPendingMemberIds?: string[] | null;
  currentTitle?: string | null;
  currentAvatarUrl?: string | null;
  currentTtlMsec?: number | null;
  currentScreenCaptureBlockingEnabled?: boolean | null;
}
