/**
 * Media attachments (docs/xchat-sending.md §"Media"): the upload bodies, the
 * download path, and the attachment descriptor of an upload.
 *
 * The flow: encrypt the file with `encryptMedia(file, conversationKey)` (the key of the version
 * the message will be sent under); `POST /2/chat/media/upload/initialize` with
 * {@link mediaUploadInitializeRequest} (the response's `media_hash_key` names the upload); append
 * the ciphertext in segments ({@link mediaUploadAppendRequests}); finalize
 * ({@link mediaUploadFinalizeRequest}); then send a message whose attachment is
 * {@link mediaAttachment} of the upload.
 *
 * Choices where the X API leaves room:
 * - segments of 3 MiB by default ({@link MEDIA_SEGMENT_SIZE}, what X's own example client uploads;
 *   4 MiB of base64 per JSON body), at most 1,000 of them (`segment_index` 0 to 999);
 * - the conversation id in the bodies is written as X's example client writes it: a group id, or
 *   a one-to-one as `min:max` (the download path takes `min-max`);
 * - `filesize_bytes` of the attachment is the **plaintext** length, as X's example client sets it;
 *   receivers can pass it to `decryptMedia` as `expectedLength`.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertObject, assertString, isDetached, typeName } from '../../../guards.js';
import { assertSignable, assertTtl } from '../../../rules.js';
import { plaintextLengthOf } from '../../../core/media/format.js';
import { encodeBase64 } from '../../../wire/base64.js';
import { oneToOneId } from '../rules.js';
import { MEDIA_HASH_KEY } from './attachments.js';
import { pathConversationId } from './requests.js';
import { assertText } from './text.js';
import type { MediaAttachmentDescriptor, MediaTypeNumber } from './types.js';

/** The default segment size of an upload: 3 MiB. */
export const MEDIA_SEGMENT_SIZE = 3 * 1024 * 1024;
/** At most this many segments per upload (`segment_index` 0 to 999). */
export const MAX_MEDIA_SEGMENTS = 1000;

/** Body of `POST /2/chat/media/upload/initialize`. */
export interface MediaUploadInitializeBody {
  conversation_id: string;
  total_bytes: number;
}

/** Body of `POST /2/chat/media/upload/{session_id}/append` (JSON form). */
export interface MediaUploadAppendBody {
  conversation_id: string;
  media_hash_key: string;
  segment_index: number;
  /** The segment, standard base64. */
  media: string;
}

/** Body of `POST /2/chat/media/upload/{session_id}/finalize`. */
export interface MediaUploadFinalizeBody {
  conversation_id: string;
  media_hash_key: string;
  /** Decimal digits. */
  num_parts: string;
  message_id?: string;
  /** Decimal digits. */
  ttl_msec?: string;
}

/** An upload: its conversation and the `media_hash_key` that initialize returned. */
export interface MediaUpload {
  conversationId: string;
  mediaHashKey: string;
}

function fail(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

/** The conversation id of the upload bodies: a group id, or a one-to-one as `min:max`. */
function bodyConversationId(value: unknown, field: string): string {
  const id = pathConversationId(value, field);
  if (id.startsWith('g')) return id; // a group id (checked)
  const dash = id.indexOf('-');
  if (dash < 0) fail(field, "expected a group id or a one-to-one id (A:B or A-B): the upload bodies do not take the peer's bare id");
  return oneToOneId(id.slice(0, dash), id.slice(dash + 1));
}

function hashKey(value: unknown, field: string): string {
  if (typeof value !== 'string' || !MEDIA_HASH_KEY.test(value))
    fail(field, `expected a media hash key (1 to 50 letters and digits), got ${typeName(value)}`);
  return value;
}

function size(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(field, `expected a non-negative integer, got ${typeof value === 'number' ? String(value) : typeName(value)}`);
  return value;
}

function upload(value: unknown): MediaUpload {
  const u = assertObject(value, 'upload');
  return {
    conversationId: bodyConversationId(u.conversationId, 'upload.conversationId'),
    mediaHashKey: hashKey(u.mediaHashKey, 'upload.mediaHashKey'),
  };
}

function bytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || isDetached(value)) fail(field, `expected a Uint8Array, got ${typeName(value)}`);
  return value;
}

/**
 * Builds the body of `POST /2/chat/media/upload/initialize`.
 * @param params - the conversation, and `totalBytes`: the length of the **encrypted** media
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_ARGUMENT`
 * @example
 * const encrypted = await encryptMedia(file, conversationKey);
 * const body = mediaUploadInitializeRequest({ conversationId: 'g123', totalBytes: encrypted.length });
 */
export function mediaUploadInitializeRequest(params: { conversationId: string; totalBytes: number }): MediaUploadInitializeBody {
  const p = assertObject(params, 'params');
  return {
    conversation_id: bodyConversationId(p.conversationId, 'params.conversationId'),
    total_bytes: size(p.totalBytes, 'params.totalBytes'),
  };
}

/**
 * Builds the body of one append (JSON form): segment `segmentIndex` of the encrypted media, for
 * media produced piece by piece (a `createMediaEncryptor`'s output, say).
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` (index outside 0 to 999, an empty segment, a bad hash key)
 * @example
 * const body = mediaUploadAppendRequest({ conversationId: 'g123', mediaHashKey }, 0, firstSegment);
 */
export function mediaUploadAppendRequest(target: MediaUpload, segmentIndex: number, segment: Uint8Array): MediaUploadAppendBody {
  const u = upload(target);
  if (!Number.isInteger(segmentIndex) || segmentIndex < 0 || segmentIndex >= MAX_MEDIA_SEGMENTS)
    fail('segmentIndex', `expected an integer from 0 to ${MAX_MEDIA_SEGMENTS - 1}`);
  const b = bytes(segment, 'segment');
  if (b.length === 0) fail('segment', 'must not be empty');
  return { conversation_id: u.conversationId, media_hash_key: u.mediaHashKey, segment_index: segmentIndex, media: encodeBase64(b) };
}

/**
 * The append bodies of a whole encrypted file, one segment at a time (each body is built when it is
 * asked for, so the base64 of the whole file is never held at once).
 * @param options - `segmentSize` in bytes (default {@link MEDIA_SEGMENT_SIZE})
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when the file needs more than 1,000 segments
 * or is empty
 * @example
 * for (const body of mediaUploadAppendRequests({ conversationId, mediaHashKey }, encrypted)) await post(mediaUploadPath('append', sessionId), body);
 */
export function* mediaUploadAppendRequests(
  target: MediaUpload,
  encrypted: Uint8Array,
  options: { segmentSize?: number } = {},
): Generator<MediaUploadAppendBody, number> {
  upload(target);
  const b = bytes(encrypted, 'encrypted');
  const segmentSize = options.segmentSize ?? MEDIA_SEGMENT_SIZE;
  if (!Number.isSafeInteger(segmentSize) || segmentSize < 1) fail('options.segmentSize', 'expected a positive integer');
  if (b.length === 0) fail('encrypted', 'is empty: an encrypted file has at least its 24-byte header');
  const parts = Math.ceil(b.length / segmentSize);
  if (parts > MAX_MEDIA_SEGMENTS)
    fail('encrypted', `needs ${parts} segments of ${segmentSize} bytes, more than ${MAX_MEDIA_SEGMENTS}: use larger segments`);
  for (let i = 0; i < parts; i++) yield mediaUploadAppendRequest(target, i, b.subarray(i * segmentSize, (i + 1) * segmentSize));
  return parts;
}

/**
 * Builds the body of `POST /2/chat/media/upload/{session_id}/finalize`.
 * @param params - the upload, `numParts` (the segments appended), and optionally the `messageId` of
 * the message that carries it and a `ttlMsec`
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_TTL`, `ERR_COMMA_IN_FIELD`
 * @example
 * const body = mediaUploadFinalizeRequest({ conversationId: 'g123', mediaHashKey, numParts: bodies.length });
 */
export function mediaUploadFinalizeRequest(
  params: MediaUpload & { numParts: number; messageId?: string; ttlMsec?: number },
): MediaUploadFinalizeBody {
  const p = assertObject(params, 'params');
  const u = upload(p);
  const n = p.numParts;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_MEDIA_SEGMENTS)
    fail('params.numParts', `expected an integer from 1 to ${MAX_MEDIA_SEGMENTS}`);
  return {
    conversation_id: u.conversationId,
    media_hash_key: u.mediaHashKey,
    num_parts: String(n),
    ...(p.messageId === undefined ? {} : { message_id: assertSignable(p.messageId, 'params.messageId') }),
    ...(p.ttlMsec === undefined ? {} : { ttl_msec: String(assertTtl(p.ttlMsec, 'params.ttlMsec')) }),
  };
}

/**
 * The paths of the upload steps: `initialize`, then `append` and `finalize` of the session that
 * initialize returned (`session_id`, 1 to 19 digits).
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 * @example
 * mediaUploadPath('finalize', '1234'); // '/2/chat/media/upload/1234/finalize'
 */
export function mediaUploadPath(step: 'initialize' | 'append' | 'finalize', sessionId?: string): string {
  if (step === 'initialize') return '/2/chat/media/upload/initialize';
  if (step !== 'append' && step !== 'finalize') fail('step', 'expected initialize, append or finalize');
  const id = assertString(sessionId, 'sessionId');
  if (!/^[0-9]{1,19}$/.test(id)) fail('sessionId', 'expected the session id from initialize (1 to 19 digits)');
  return `/2/chat/media/upload/${id}/${step}`;
}

/**
 * The download path of an upload (`GET`, answered with the encrypted bytes).
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_ARGUMENT`
 * @example
 * mediaDownloadPath('222:111', 'abc123'); // '/2/chat/media/111-222/abc123'
 */
export function mediaDownloadPath(conversationId: string, mediaHashKey: string): string {
  return `/2/chat/media/${pathConversationId(conversationId)}/${hashKey(mediaHashKey, 'mediaHashKey')}`;
}

/** What {@link mediaAttachment} needs besides the upload. */
export interface MediaAttachmentInput {
  /** The upload's hash key, or initialize's response `data` (`{ media_hash_key, … }`). */
  upload: string | { media_hash_key: string };
  /** The encrypted file (`encryptMedia`'s output) or its length: `filesize_bytes` is the plaintext length it implies. */
  encrypted: Uint8Array | number;
  filename: string;
  width: number;
  height: number;
  /** Default 1 (image). */
  mediaType?: MediaTypeNumber;
  durationMillis?: number;
}

/**
 * The attachment descriptor of an uploaded file, for `encryptMessage`'s `attachments`.
 * `filesize_bytes` is the plaintext length (derived from the encrypted length), as X's example
 * client sets it.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for an encrypted length no media stream can have
 * @example
 * const attachment = mediaAttachment({ upload: init.data, encrypted, filename: 'p.jpg', width: 640, height: 480 });
 * await encryptMessage({ ...params, text: '', attachments: [attachment] });
 */
export function mediaAttachment(input: MediaAttachmentInput): MediaAttachmentDescriptor {
  const i = assertObject(input, 'input');
  const u = i.upload;
  const key = hashKey(typeof u === 'object' && u !== null ? (u as Record<string, unknown>).media_hash_key : u, 'input.upload');
  const encryptedLength =
    typeof i.encrypted === 'number' ? size(i.encrypted, 'input.encrypted') : bytes(i.encrypted, 'input.encrypted').length;
  const descriptor: MediaAttachmentDescriptor = {
    attachment_type: 'media',
    media_hash_key: key,
    width: size(i.width, 'input.width'),
    height: size(i.height, 'input.height'),
    filesize_bytes: plaintextLengthOf(encryptedLength),
    filename: assertText(i.filename, 'input.filename', { allowEmpty: false }),
  };
  const type = i.mediaType;
  if (type !== undefined) {
    if (typeof type !== 'number' || !Number.isInteger(type) || type < 1 || type > 6)
      fail('input.mediaType', 'expected 1 (image), 2 (GIF), 3 (video), 4 (audio), 5 (file) or 6 (SVG)');
    descriptor.media_type = type as MediaTypeNumber;
  }
  if (i.durationMillis !== undefined) descriptor.duration_millis = size(i.durationMillis, 'input.durationMillis');
  return descriptor;
}
