/**
 * Attachments of outgoing messages: the SDK's snake_case `AttachmentDescriptor`s checked and turned
 * into `MessageAttachment` Thrift values (docs/xchat-messages.md §"1.4 MessageAttachment (union) and
 * its structs"), written exactly as the SDK writes them: a media attachment always with its
 * dimensions and its type (1, image, when omitted); a URL image with dimensions only when a side
 * is given, and then only that side; a post with whichever of its two fields are given.
 *
 * Stricter than the SDK, which ignores keys it does not know and writes any integer: a key that
 * is not the descriptor's (a camelCase `mediaHashKey`, a typo) is refused, sizes and dimensions
 * are non-negative safe integers, the media type is one of the six known, media hash keys have
 * the form the download path takes (1 to 50 letters and digits), strings are well formed, and a
 * post names at least its id or its URL.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray, assertObject, typeName } from '../../../guards.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { MessageAttachment, UrlAttachmentImage } from '../../../wire/xchat/contents.js';
import { assertText } from './text.js';

type Attachment = Infer<typeof MessageAttachment>;
type Image = Infer<typeof UrlAttachmentImage>;

/** At most this many attachments per message (the SDK's limit). */
export const MAX_ATTACHMENTS = 10;

/** The form of a media hash key (the download path's pattern). */
export const MEDIA_HASH_KEY = /^[a-zA-Z0-9]{1,50}$/;

const KEYS = {
  media: ['attachment_type', 'media_hash_key', 'width', 'height', 'filesize_bytes', 'filename', 'media_type', 'duration_millis'],
  url: ['attachment_type', 'url', 'display_title', 'banner_image', 'favicon_image'],
  post: ['attachment_type', 'rest_id', 'post_url'],
  image: ['media_hash_key', 'filesize_bytes', 'filename', 'width', 'height'],
} as const;

function fail(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Refuses any key the descriptor does not have, naming the snake_case key a camelCase one meant. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], field: string, what: string): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const meant = snake(k);
    fail(
      `${field}.${k.slice(0, 40)}`,
      allowed.includes(meant)
        ? `descriptor keys are snake_case: write ${meant}`
        : `not a key of a ${what} (expected ${allowed.join(', ')})`,
    );
  }
}

const present = (v: unknown) => v !== undefined && v !== null;

function count(value: unknown, field: string): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(field, `expected a non-negative integer, got ${typeof value === 'number' ? String(value) : typeName(value)}`);
  }
  return BigInt(value);
}

function hashKey(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `expected a media hash key string, got ${typeName(value)}`);
  if (!MEDIA_HASH_KEY.test(value))
    fail(field, 'expected a media hash key: 1 to 50 letters and digits (as POST /2/chat/media/upload/initialize returns it)');
  return value;
}

const required = (o: Record<string, unknown>, k: string, field: string) => {
  if (!present(o[k])) fail(`${field}.${k}`, 'is required');
  return o[k];
};

function media(o: Record<string, unknown>, f: string): Attachment {
  onlyKeys(o, KEYS.media, f, 'media descriptor');
  const type = o.media_type;
  if (present(type) && !(typeof type === 'number' && Number.isInteger(type) && type >= 1 && type <= 6)) {
    fail(
      `${f}.media_type`,
      `expected a media type 1 (image), 2 (GIF), 3 (video), 4 (audio), 5 (file) or 6 (SVG), got ${typeof type === 'number' ? String(type) : typeName(type)}`,
    );
  }
  return {
    media: {
      mediaHashKey: hashKey(required(o, 'media_hash_key', f), `${f}.media_hash_key`),
      dimensions: { width: count(required(o, 'width', f), `${f}.width`), height: count(required(o, 'height', f), `${f}.height`) },
      type: present(type) ? (type as number) : 1,
      ...(present(o.duration_millis) ? { durationMillis: count(o.duration_millis, `${f}.duration_millis`) } : {}),
      filesizeBytes: count(required(o, 'filesize_bytes', f), `${f}.filesize_bytes`),
      filename: assertText(required(o, 'filename', f), `${f}.filename`, { allowEmpty: false }),
    },
  };
}

function image(value: unknown, f: string): Image {
  const o = assertObject(value, f);
  onlyKeys(o, KEYS.image, f, 'URL card image');
  const w = present(o.width) ? count(o.width, `${f}.width`) : undefined;
  const h = present(o.height) ? count(o.height, `${f}.height`) : undefined;
  return {
    mediaHashKey: hashKey(required(o, 'media_hash_key', f), `${f}.media_hash_key`),
    filesizeBytes: count(required(o, 'filesize_bytes', f), `${f}.filesize_bytes`),
    filename: assertText(required(o, 'filename', f), `${f}.filename`, { allowEmpty: false }),
    ...(w === undefined && h === undefined
      ? {}
      : { dimensions: { ...(w === undefined ? {} : { width: w }), ...(h === undefined ? {} : { height: h }) } }),
  };
}

function url(o: Record<string, unknown>, f: string): Attachment {
  onlyKeys(o, KEYS.url, f, 'URL descriptor');
  return {
    url: {
      url: assertText(required(o, 'url', f), `${f}.url`, { allowEmpty: false }),
      ...(present(o.banner_image) ? { bannerImage: image(o.banner_image, `${f}.banner_image`) } : {}),
      ...(present(o.favicon_image) ? { faviconImage: image(o.favicon_image, `${f}.favicon_image`) } : {}),
      ...(present(o.display_title) ? { displayTitle: assertText(o.display_title, `${f}.display_title`) } : {}),
    },
  };
}

function post(o: Record<string, unknown>, f: string): Attachment {
  onlyKeys(o, KEYS.post, f, 'post descriptor');
  if (!present(o.rest_id) && !present(o.post_url)) fail(f, 'a post needs rest_id or post_url (an empty post attachment points nowhere)');
  return {
    post: {
      ...(present(o.rest_id) ? { restId: assertText(o.rest_id, `${f}.rest_id`, { allowEmpty: false }) } : {}),
      ...(present(o.post_url) ? { postUrl: assertText(o.post_url, `${f}.post_url`, { allowEmpty: false }) } : {}),
    },
  };
}

/** Checks and converts one descriptor. */
function attachment(item: unknown, f: string): Attachment {
  const o = assertObject(item, f);
  const type = o.attachment_type;
  if (type === 'media') return media(o, f);
  if (type === 'url') return url(o, f);
  if (type === 'post') return post(o, f);
  if (type === undefined && 'attachmentType' in o) fail(`${f}.attachmentType`, 'descriptor keys are snake_case: write attachment_type');
  return fail(
    `${f}.attachment_type`,
    `expected media, url or post, got ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeName(type)}`,
  );
}

/**
 * Checks and converts attachment descriptors, in order.
 * @param guard - apply the SDK's combination rule (outgoing attachments; not a reply preview's,
 * which mirror a message already sent): at most 10, and several only if all are image, GIF or
 * video media
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` naming the descriptor or its key
 */
export function checkAttachments(value: unknown, field: string, guard: boolean): Attachment[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = assertArray(value, field);
  if (guard && list.length > MAX_ATTACHMENTS) fail(field, `at most ${MAX_ATTACHMENTS} attachments per message, got ${list.length}`);
  const out = list.map((item, i) => attachment(item, `${field}[${i}]`));
  if (guard && out.length > 1) {
    out.forEach((a, i) => {
      const t = a.media?.type;
      if (t !== 1 && t !== 2 && t !== 3)
        fail(`${field}[${i}]`, 'several attachments must all be image, GIF or video media; any other attachment must be the only one');
    });
  }
  return out;
}
