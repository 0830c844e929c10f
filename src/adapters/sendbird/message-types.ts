/**
 * What opening Sendbird messages takes and returns (docs/sendbird.md §"Reading messages"): the
 * options, an opened message or file, the results of a page.
 *
 * @module
 */
import type { KeykitError } from '../../errors.js';
import type { CryptoOptions } from '../../core/context.js';
import type { SigningKeyEntry } from '../../core/trust.js';
import type { SendbirdChannelResource } from './channel-key.js';
import type { SendbirdKeyHistory } from './key-history.js';
import type { SendbirdFileInfo } from './message-contents.js';
import type { SendbirdMessageKind } from './message-data.js';

/** How long after a rotation a message under the key before it is still accepted, by default: five minutes. */
export const DEFAULT_ROTATION_GRACE_MS = 300_000;

/** Options of {@link openSendbirdMessage} and {@link openSendbirdMessages}. */
export interface OpenSendbirdMessageOptions extends CryptoOptions {
  /** The channel the messages must belong to (default: the channel of the history, the channel resource, or the first message). */
  channelUrl?: string;
  /** Trusted signing keys (the SDK's `SigningKeyEntry[]`): a sender's is picked by id and version. */
  signingKeys: SigningKeyEntry[];
  /** Conversation keys the caller holds, by version (`{ [version]: key }`, as the X Chat side returns them). */
  conversationKeys?: Readonly<Record<string, Uint8Array>>;
  /** The reader's key history of the channel (`recordSendbirdChannelKey`): earlier envelopes and when each key was replaced. */
  state?: SendbirdKeyHistory;
  /**
   * The channel resource as Sendbird returns it: its current envelope is checked and recorded
   * (as `recordSendbirdChannelKey` does) for this call, and returned in the batch's `state`.
   */
  channel?: SendbirdChannelResource;
  /** The reader, to open envelopes (the current one and the history's) for keys not in `conversationKeys`. */
  userId?: string;
  identityPrivateKey?: Uint8Array;
  /** The version of the reader's identity key. */
  keyVersion?: string;
  /**
   * How long after a newer key's version a message under an older key is still accepted, in
   * milliseconds (Sendbird's `created_at`, or `updated_at` for an edit, against the newer key's
   * version, which is its creation time). Default {@link DEFAULT_ROTATION_GRACE_MS}.
   */
  rotationGraceMs?: number;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
}

/** A file message's file, as its signed, encrypted contents describe it. */
export interface OpenedSendbirdFile extends SendbirdFileInfo {
  /** Where Sendbird serves the encrypted blob (its `url`, unauthenticated: the hash decides). */
  url: string;
  /** The size the encrypted blob must have. */
  encryptedSize: number;
}

/** An opened message: its plaintext and who sent it, all checked. */
export interface OpenedSendbirdMessage {
  kind: SendbirdMessageKind;
  channelUrl: string;
  /** Sendbird's `message_id`. */
  sendbirdMessageId: number;
  /** chat-keykit's message id (signed). */
  messageId: string;
  senderId: string;
  signingKeyVersion: string;
  conversationKeyVersion: string;
  /** Sendbird's times, in milliseconds (not signed). */
  createdAt: number;
  updatedAt: number;
  /** The text, a file's caption, or an edit's new text. */
  text?: string;
  file?: OpenedSendbirdFile;
}

/** One message of a batch: opened, or refused with the error that says why. */
export type SendbirdMessageResult =
  | { ok: true; index: number; message: OpenedSendbirdMessage }
  | { ok: false; index: number; sendbirdMessageId?: number; error: KeykitError };

/** What {@link openSendbirdMessages} returns. */
export interface OpenedSendbirdMessages {
  /** One result per message, in order. */
  results: SendbirdMessageResult[];
  /** The key history with the channel's current envelope recorded, when a `state` or a `channel` was given. */
  state?: SendbirdKeyHistory;
}
