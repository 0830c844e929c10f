/**
 * A message's attachments and entities as the SDK returns them (docs/xchat-messages.md §"4.3
 * `content` of a message — snake_case at this level [confirmed: fed-back]" and §"4.4 Top-level
 * `attachments` and `mediaHashes` of a message"): the union form inside `content` (one key naming
 * the kind, every field present, `null` when absent), the flat top-level form discriminated by
 * `attachmentType`, and the media hash keys they refer to.
 *
 * @module
 */
import type { Infer } from '../../../wire/thrift/index.js';
import { encodeBase64NoPad } from '../../../wire/base64.js';
import type { MediaDimensions, MessageAttachment, RichTextEntity, UrlAttachmentImage } from '../../../wire/xchat/contents.js';
import { safeNumber } from './ints.js';
import type { AttachmentInfo, ContentAttachment, Dimensions, Entity, MediaHashReference, MediaTypeName, UrlImage } from './shapes.js';

type Attachment = Infer<typeof MessageAttachment>;

const ENTITY_KINDS = ['hashtag', 'cashtag', 'mention', 'url', 'email', 'address', 'phoneNumber'] as const;
const MEDIA_TYPES: readonly MediaTypeName[] = ['image', 'gif', 'video', 'audio', 'file', 'svg'];

/** A string field: the value or `null`. */
const str = (v: string | undefined): string | null => v ?? null;

/** An entity: its indices and kind (`null` for an unknown kind or none). */
export function entityOf(e: Infer<typeof RichTextEntity>): Entity {
  const c = e.content;
  const kind = c && ENTITY_KINDS.find((k) => c[k] !== undefined);
  return { startIndex: e.startIndex ?? null, endIndex: e.endIndex ?? null, content: kind ? ({ [kind]: {} } as Entity['content']) : null };
}

function dimensionsOf(d: Infer<typeof MediaDimensions> | undefined, field: string): Dimensions | null {
  return d ? { width: safeNumber(d.width, `${field}.width`), height: safeNumber(d.height, `${field}.height`) } : null;
}

function imageOf(i: Infer<typeof UrlAttachmentImage> | undefined, field: string): UrlImage | null {
  if (!i) return null;
  return {
    mediaHashKey: str(i.mediaHashKey),
    filesizeBytes: safeNumber(i.filesizeBytes, `${field}.filesizeBytes`),
    filename: str(i.filename),
    dimensions: dimensionsOf(i.dimensions, `${field}.dimensions`),
  };
}

/**
 * An attachment in `content`'s form, or null for an unknown kind (dropped, as by the SDK). A
 * jetfuel attachment reads as a money attachment with the SDK's fallback text.
 * @throws {DecodeError} `ERR_UNSAFE_INTEGER` for a size, duration or dimension beyond ±2^53
 */
export function contentAttachmentOf(a: Attachment, field: string): ContentAttachment | null {
  if (a.media) {
    const m = a.media;
    const type = m.type === undefined ? null : (MEDIA_TYPES[m.type - 1] ?? m.type);
    return {
      media: {
        mediaHashKey: str(m.mediaHashKey),
        dimensions: dimensionsOf(m.dimensions, `${field}.dimensions`),
        type,
        durationMillis: safeNumber(m.durationMillis, `${field}.durationMillis`),
        filesizeBytes: safeNumber(m.filesizeBytes, `${field}.filesizeBytes`),
        filename: str(m.filename),
        attachmentId: str(m.attachmentId),
        legacyMediaUrlHttps: str(m.legacyMediaUrlHttps),
        legacyMediaPreviewUrl: str(m.legacyMediaPreviewUrl),
      },
    };
  }
  if (a.post) return { post: { restId: str(a.post.restId), postUrl: str(a.post.postUrl), attachmentId: str(a.post.attachmentId) } };
  if (a.url) {
    const u = a.url;
    return {
      url: {
        url: str(u.url),
        bannerImageMediaHashKey: imageOf(u.bannerImage, `${field}.bannerImage`),
        faviconImageMediaHashKey: imageOf(u.faviconImage, `${field}.faviconImage`),
        displayTitle: str(u.displayTitle),
        attachmentId: str(u.attachmentId),
      },
    };
  }
  if (a.unifiedCard) return { unifiedCard: { url: str(a.unifiedCard.url), attachmentId: str(a.unifiedCard.attachmentId) } };
  if (a.money)
    return {
      money: {
        fallbackText: str(a.money.fallbackText),
        payload: a.money.payload === undefined ? null : encodeBase64NoPad(a.money.payload),
      },
    };
  if (a.jetfuel) return { money: { fallbackText: 'Payment attachment', payload: null } };
  return null;
}

/** The attachments of a list in `content`'s form (unknown kinds dropped). */
export function contentAttachmentsOf(list: readonly Attachment[], field: string): ContentAttachment[] {
  const out: ContentAttachment[] = [];
  list.forEach((a, i) => {
    const c = contentAttachmentOf(a, `${field}[${i}]`);
    if (c) out.push(c);
  });
  return out;
}

/** The flat top-level form of a content attachment, or null (jetfuel has none). */
function infoOf(raw: Attachment, c: ContentAttachment): AttachmentInfo | null {
  if ('media' in c) {
    const { type, ...rest } = c.media;
    return { attachmentType: 'media', ...rest, mediaType: typeof type === 'string' ? type : null };
  }
  if ('url' in c) {
    const u = c.url;
    return {
      attachmentType: 'url',
      url: u.url,
      bannerImageMediaHashKey: u.bannerImageMediaHashKey?.mediaHashKey ?? null,
      faviconImageMediaHashKey: u.faviconImageMediaHashKey?.mediaHashKey ?? null,
      displayTitle: u.displayTitle,
      attachmentId: u.attachmentId,
    };
  }
  if ('post' in c) return { attachmentType: 'post', ...c.post };
  if ('unifiedCard' in c) return { attachmentType: 'unifiedCard', ...c.unifiedCard };
  if (raw.jetfuel) return null;
  return { attachmentType: 'money', fallbackText: c.money.fallbackText };
}

/** A message's top-level `attachments` and `mediaHashes` (each only when not empty). */
export function topLevelOf(
  list: readonly Attachment[],
  field: string,
): { attachments?: AttachmentInfo[]; mediaHashes?: MediaHashReference[] } {
  const attachments: AttachmentInfo[] = [];
  const mediaHashes: MediaHashReference[] = [];
  list.forEach((raw, i) => {
    const c = contentAttachmentOf(raw, `${field}[${i}]`);
    const info = c && infoOf(raw, c);
    if (info) attachments.push(info);
    if (raw.media?.mediaHashKey !== undefined) mediaHashes.push({ source: 'media', mediaHashKey: raw.media.mediaHashKey });
    const banner = raw.url?.bannerImage?.mediaHashKey;
    if (banner !== undefined) mediaHashes.push({ source: 'url_banner', mediaHashKey: banner });
    const favicon = raw.url?.faviconImage?.mediaHashKey;
    if (favicon !== undefined) mediaHashes.push({ source: 'url_favicon', mediaHashKey: favicon });
  });
  return { ...(attachments.length > 0 ? { attachments } : {}), ...(mediaHashes.length > 0 ? { mediaHashes } : {}) };
}
