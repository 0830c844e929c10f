/**
 * What the secretbox of a Sendbird message holds (docs/sendbird.md §"The encrypted contents"): X
 * Chat's Thrift `MessageEntryHolder`, so that one conversation key and one message layer serve
 * both. A text is a `MessageContents` with its text; a file a `MessageContents` with one media
 * attachment (original name, size, media type, the SHA-256 of the encrypted blob as its hash key)
 * and the MIME type; an edit a `MessageEdit` naming the edited message.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError } from '../../errors.js';
import { typeName } from '../../guards.js';
import { isCanonicalBase64 } from '../../wire/base64.js';
import type { MessageEntryHolderValue } from '../../wire/xchat/contents.js';
import type { SendbirdMessageKind } from './message-data.js';

/** The additional field of a file's `MessageContents` that carries its MIME type. */
export const MIME_TYPE_FIELD = 'mime_type';

/** A file's description inside the encrypted contents. */
export interface SendbirdFileInfo {
  /** The original file name. */
  name: string;
  /** The original size in bytes. */
  size: number;
  /** The original MIME type. */
  mimeType: string;
  /** Unpadded base64 of the SHA-256 of the encrypted blob: which blob the message names. */
  sha256: string;
  width?: number;
  height?: number;
  durationMillis?: number;
}

/** What a message's contents say, by kind. */
export interface SendbirdContents {
  /** The text, a file's caption, or an edit's new text. */
  text?: string;
  file?: SendbirdFileInfo;
}

const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * Asserts a text to encrypt: a string without lone surrogates (they have no UTF-8 encoding).
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 */
export function assertText(value: unknown, field: string): string {
  if (typeof value !== 'string')
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a string, got ${typeName(value)}`, field);
  if (isWellFormed && !isWellFormed.call(value))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'contains a lone UTF-16 surrogate, which has no UTF-8 encoding', field);
  return value;
}

/** Is `name` a file name as chat-keykit carries it: 1 to 255 characters, no path separator, no control character, not `.` or `..`? */
export function isFileName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[/\\\u0000-\u001f\u007f]/.test(name)
  );
}

/** Is `type` a MIME type `type/subtype` (RFC 6838 characters, no parameters, at most 127 characters)? */
export function isMimeType(type: unknown): type is string {
  return (
    typeof type === 'string' && type.length <= 127 && /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/.test(type)
  );
}

/** X Chat's MediaType for a MIME type: IMAGE 1, GIF 2, VIDEO 3, AUDIO 4, FILE 5, SVG 6. */
export function mediaTypeOf(mimeType: string): number {
  const t = mimeType.toLowerCase();
  if (t === 'image/gif') return 2;
  if (t === 'image/svg+xml') return 6;
  if (t.startsWith('image/')) return 1;
  if (t.startsWith('video/')) return 3;
  if (t.startsWith('audio/')) return 4;
  return 5;
}

/** The holder of a text message. */
export function textEntry(text: string): MessageEntryHolderValue {
  return { contents: { message: { messageText: text } } };
}

/** The holder of an edit: the edited message's Sendbird id and the new text. */
export function editEntry(target: string, text: string): MessageEntryHolderValue {
  return { contents: { messageEdit: { messageSequenceId: target, updatedText: text } } };
}

/** The holder of a file message: one media attachment, the MIME type, an optional caption. */
export function fileEntry(file: SendbirdFileInfo, caption: string | undefined): MessageEntryHolderValue {
  const dimensions =
    file.width !== undefined || file.height !== undefined
      ? { dimensions: { width: BigInt(file.width ?? 0), height: BigInt(file.height ?? 0) } }
      : {};
  return {
    contents: {
      message: {
        ...(caption === undefined ? {} : { messageText: caption }),
        attachments: [
          {
            media: {
              mediaHashKey: file.sha256,
              ...dimensions,
              type: mediaTypeOf(file.mimeType),
              ...(file.durationMillis === undefined ? {} : { durationMillis: BigInt(file.durationMillis) }),
              filesizeBytes: BigInt(file.size),
              filename: file.name,
            },
          },
        ],
        additionalFields: [[MIME_TYPE_FIELD, file.mimeType]],
      },
    },
  };
}

const safe = (v: bigint | undefined): number | undefined =>
  v !== undefined && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;

/**
 * Reads the decrypted holder of a message of `kind` (and, for an edit, its target): what the
 * contents must be for that kind, and nothing the kind does not allow.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` naming `field` when the contents are not those of the kind
 */
export function readEntry(
  kind: SendbirdMessageKind,
  holder: MessageEntryHolderValue,
  target: string | undefined,
  field: string,
): SendbirdContents {
  const bad = (reason: string): never => {
    throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, reason, `${field} (decrypted)`);
  };
  const c = holder.contents;
  if (kind === 'edit') {
    const edit = c?.messageEdit;
    if (edit === undefined) return bad('the contents of an edit must be a MessageEdit');
    if (edit.messageSequenceId !== target) return bad('the edit names another message inside than the target it is signed for');
    if (typeof edit.updatedText !== 'string') return bad('an edit must carry its new text');
    return { text: edit.updatedText };
  }
  const m = c?.message;
  if (m === undefined) return bad(`the contents of a ${kind} message must be a MessageContents`);
  const attachments = m.attachments ?? [];
  if (kind === 'text') {
    if (typeof m.messageText !== 'string') return bad('a text message must carry its text');
    if (attachments.length > 0) return bad('a text message carries no attachment');
    return { text: m.messageText };
  }
  const media = attachments.length === 1 ? attachments[0]?.media : undefined;
  if (media === undefined) return bad('a file message carries exactly one media attachment');
  const size = safe(media.filesizeBytes);
  if (size === undefined) return bad("the file's size must be a non-negative safe integer");
  if (typeof media.mediaHashKey !== 'string' || !isCanonicalBase64(media.mediaHashKey, 32, 'forbidden'))
    return bad("the file's hash key must be unpadded base64 of a SHA-256");
  if (!isFileName(media.filename)) return bad('the file name must be 1 to 255 characters without a path separator or control character');
  const mimes = (m.additionalFields ?? []).filter(([k]) => k === MIME_TYPE_FIELD);
  const mime = mimes.length === 1 ? mimes[0]?.[1] : undefined;
  if (!isMimeType(mime)) return bad(`a file message carries one "${MIME_TYPE_FIELD}", a MIME type`);
  const file: SendbirdFileInfo = { name: media.filename, size, mimeType: mime, sha256: media.mediaHashKey };
  const width = safe(media.dimensions?.width);
  const height = safe(media.dimensions?.height);
  const duration = safe(media.durationMillis);
  if (media.dimensions !== undefined && width !== undefined && height !== undefined) Object.assign(file, { width, height });
  if (duration !== undefined) file.durationMillis = duration;
  return { ...(typeof m.messageText === 'string' ? { text: m.messageText } : {}), file };
}
