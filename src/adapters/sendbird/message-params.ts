/**
 * What sending a Sendbird message takes and returns (docs/sendbird.md §"Sending messages"): the
 * key and options, the parameters of a text, an edit and a file, the prepared results, the names
 * Sendbird sees for an encrypted file, and the checks of the Sendbird-side extras.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertArray, typeName } from '../../guards.js';
import { assertDistinct } from '../../rules.js';
import type { CryptoOptions } from '../../core/context.js';
import type { Sender } from '../../core/keychange.js';
import type { SendbirdKeyHistory } from './key-history.js';
import { SENDBIRD_USER_ID } from './rules.js';

/** What a message is sealed and signed with. */
export interface SendbirdMessageKey {
  /** The channel's current conversation key (from `openSendbirdChannelKey`). */
  conversationKey: Uint8Array;
  conversationKeyVersion: string;
  /** The sender: their user id, signing-key version and signing private key. */
  sender: Sender;
}

/** Options of the message prepare functions. */
export interface SendbirdMessageOptions extends CryptoOptions {
  /**
   * The sender's key history of the channel: a key older than its newest envelope is refused
   * (the channel was rotated since, and a removed member could read the message), and a key
   * whose envelope is recorded must be the one that envelope committed to.
   */
  state?: SendbirdKeyHistory;
}

/** What every message may carry besides its contents, in the Chat SDK's names (all visible to Sendbird). */
export interface SendbirdMessageExtras {
  /** Sendbird's `custom_type` (at most 128 characters; not encrypted). */
  customType?: string;
  /** Sendbird's `mention_type` (not encrypted). */
  mentionType?: 'users' | 'channel';
  /** Users to mention (Sendbird notifies them; not encrypted). */
  mentionedUserIds?: string[];
}

/** Parameters of {@link prepareSendbirdMessage}. */
export interface SendbirdMessageParams extends SendbirdMessageExtras {
  /** The channel (signed with the message). */
  channelUrl: string;
  /** The text: encrypted, never in `message`. */
  text: string;
  /** What Sendbird shows in `message` (push notifications, search, moderation). Default {@link DEFAULT_PLACEHOLDER}. */
  placeholder?: string;
}

/** Parameters of {@link prepareSendbirdMessageEdit}. */
export interface SendbirdMessageEditParams extends SendbirdMessageExtras {
  channelUrl: string;
  /** Sendbird's `message_id` of the text message to edit (the sender's own). */
  messageId: number | string;
  /** The new text. */
  text: string;
  placeholder?: string;
}

/** Parameters of {@link prepareSendbirdFileMessage}. */
export interface SendbirdFileMessageParams extends SendbirdMessageExtras {
  channelUrl: string;
  /** The file's bytes (encrypted here, at most the size Sendbird accepts for an upload once encrypted). */
  file: Uint8Array;
  /** The original file name (encrypted; 1 to 255 characters, no path separator). */
  fileName: string;
  /** The original MIME type (encrypted). Default `application/octet-stream`. */
  mimeType?: string;
  /** A caption (encrypted). */
  caption?: string;
  /** Pixel dimensions of an image or video (encrypted). */
  width?: number;
  height?: number;
  /** Length of an audio or video (encrypted). */
  durationMillis?: number;
}

/**
 * A prepared text message or edit: exactly the Chat SDK's `UserMessageCreateParams` (or
 * `UserMessageUpdateParams`) content, plain JSON.
 */
export interface PreparedSendbirdMessage extends SendbirdMessageExtras {
  /** The placeholder. */
  message: string;
  /** The signed, sealed document (`{"ckm":…}`). */
  data: string;
}

/**
 * A prepared file message: the encrypted blob and the Chat SDK's `FileMessageCreateParams`
 * content. Everything but `data` describes the encrypted blob only.
 */
export interface PreparedSendbirdFileMessage extends SendbirdMessageExtras {
  /** The encrypted file (upload this; wrap it in a `Blob` for the Chat SDK). */
  file: Uint8Array;
  /** A neutral name: {@link ENCRYPTED_FILE_NAME}. */
  fileName: string;
  /** The encrypted blob's size. */
  fileSize: number;
  /** `application/octet-stream`. */
  mimeType: string;
  data: string;
}

/** The default placeholder in `message`. */
export const DEFAULT_PLACEHOLDER = 'Encrypted message';

/** The file name Sendbird sees for every encrypted file. */
export const ENCRYPTED_FILE_NAME = 'encrypted.bin';

/** The MIME type Sendbird sees for every encrypted file. */
export const ENCRYPTED_FILE_TYPE = 'application/octet-stream';

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Checks the extras and returns them, only those given. */
export function checkExtras(p: Record<string, unknown>, field: string): SendbirdMessageExtras {
  const out: SendbirdMessageExtras = {};
  if (p.customType !== undefined) {
    if (typeof p.customType !== 'string' || codePoints(p.customType) > 128)
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a string of at most 128 characters', `${field}.customType`);
    out.customType = p.customType;
  }
  if (p.mentionType !== undefined) {
    if (p.mentionType !== 'users' && p.mentionType !== 'channel')
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected "users" or "channel"', `${field}.mentionType`);
    out.mentionType = p.mentionType;
  }
  if (p.mentionedUserIds !== undefined) {
    const ids = assertArray(p.mentionedUserIds, `${field}.mentionedUserIds`).map((u, i) =>
      SENDBIRD_USER_ID.assert(u, `${field}.mentionedUserIds[${i}]`),
    );
    assertDistinct(ids, `${field}.mentionedUserIds`);
    out.mentionedUserIds = ids;
  }
  return out;
}

export function placeholderOf(value: unknown, field: string): string {
  if (value === undefined) return DEFAULT_PLACEHOLDER;
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a non-empty string, got ${typeName(value)}`, field);
  return value;
}

export function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-negative integer', field);
  return value;
}
