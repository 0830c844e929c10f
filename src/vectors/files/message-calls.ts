/**
 * The calls of messages.json and their readers: the function and its parameters in the SDK's
 * camelCase (without the conversation key, its version and the sender, which the vector gives
 * apart), attachments in the SDK's snake_case; and the signing-key list the message files share.
 *
 * @module
 */
import type { AttachmentDescriptor, EntityTuple, EntityType, MediaTypeNumber } from '../../index.js';
import { short } from '../common.js';
import { bool, list, num, object, oneOf, optional, ShapeError, str, type FieldReader, type Read } from '../read.js';

/** Parameters of a text message (and of a reply, with its target). */
export interface MessageParams {
  conversationId: string;
  text: string;
  entities?: EntityTuple[];
  attachments?: AttachmentDescriptor[];
  shouldNotify?: boolean;
  ttlMsec?: number;
}

/** A reaction's or an edit's target: the delivered event, or the conversation and sequence id. */
export interface TargetParams {
  targetEvent?: string;
  conversationId?: string;
  targetMessageSequenceId?: string;
}

/** A call of messages.json. */
export type Call =
  | { function: 'encryptMessage'; params: MessageParams }
  | { function: 'encryptReply'; params: MessageParams & { replyToEvent: string } }
  | { function: 'encryptEdit'; params: TargetParams & { updatedText: string; entities?: EntityTuple[] } }
  | { function: 'encryptAddReaction' | 'encryptRemoveReaction'; params: TargetParams & { emoji: string } }
  | { function: 'prepareMessageDelete'; params: { conversationId: string; sequenceIds: string[]; deleteForAll: boolean } };

const ENTITY_TYPES: readonly EntityType[] = ['url', 'mention', 'hashtag', 'cashtag', 'email', 'address', 'phone_number', 'phoneNumber'];

/** An entity `[start, end, type]`. */
const entity: Read<EntityTuple> = (v, path) => {
  if (!Array.isArray(v) || v.length !== 3)
    throw new ShapeError(path, `must be [start, end, type], is ${short(JSON.stringify(v) ?? 'absent')}`);
  return [num(v[0], `${path}[0]`), num(v[1], `${path}[1]`), oneOf(...ENTITY_TYPES)(v[2], `${path}[2]`)];
};

const mediaType: Read<MediaTypeNumber> = (v, path) => {
  const n = num(v, path);
  if (n === 1 || n === 2 || n === 3 || n === 4 || n === 5 || n === 6) return n;
  throw new ShapeError(path, `must be a media type from 1 to 6, is ${n}`);
};

/** A media, URL or post attachment descriptor. */
const attachment: Read<AttachmentDescriptor> = object((f): AttachmentDescriptor => {
  const type = f('attachment_type', oneOf('media', 'url', 'post'));
  switch (type) {
    case 'media':
      return {
        attachment_type: type,
        media_hash_key: f('media_hash_key', str),
        width: f('width', num),
        height: f('height', num),
        filesize_bytes: f('filesize_bytes', num),
        filename: f('filename', str),
        media_type: f('media_type', optional(mediaType)),
        duration_millis: f('duration_millis', optional(num)),
      };
    case 'url':
      return { attachment_type: type, url: f('url', str), display_title: f('display_title', optional(str)) };
    case 'post':
      return { attachment_type: type, rest_id: f('rest_id', optional(str)), post_url: f('post_url', optional(str)) };
  }
});

const messageParams = (g: FieldReader): MessageParams => ({
  conversationId: g('conversationId', str),
  text: g('text', str),
  entities: g('entities', optional(list(entity))),
  attachments: g('attachments', optional(list(attachment))),
  shouldNotify: g('shouldNotify', optional(bool)),
  ttlMsec: g('ttlMsec', optional(num)),
});

const targetParams = (g: FieldReader): TargetParams => ({
  targetEvent: g('targetEvent', optional(str)),
  conversationId: g('conversationId', optional(str)),
  targetMessageSequenceId: g('targetMessageSequenceId', optional(str)),
});

const FUNCTIONS = [
  'encryptMessage',
  'encryptReply',
  'encryptEdit',
  'encryptAddReaction',
  'encryptRemoveReaction',
  'prepareMessageDelete',
] as const;

/** Reads `function` and `params` of a vector being read. */
export function readCall(f: FieldReader): Call {
  const fn = f('function', oneOf(...FUNCTIONS));
  const params = <T extends object>(read: (g: FieldReader) => T) => f('params', object(read));
  switch (fn) {
    case 'encryptMessage':
      return { function: fn, params: params(messageParams) };
    case 'encryptReply':
      return { function: fn, params: params((g) => ({ ...messageParams(g), replyToEvent: g('replyToEvent', str) })) };
    case 'encryptEdit':
      return {
        function: fn,
        params: params((g) => ({
          ...targetParams(g),
          updatedText: g('updatedText', str),
          entities: g('entities', optional(list(entity))),
        })),
      };
    case 'encryptAddReaction':
    case 'encryptRemoveReaction':
      return { function: fn, params: params((g) => ({ ...targetParams(g), emoji: g('emoji', str) })) };
    case 'prepareMessageDelete':
      return {
        function: fn,
        params: params((g) => ({
          conversationId: g('conversationId', str),
          sequenceIds: g('sequenceIds', list(str)),
          deleteForAll: g('deleteForAll', bool),
        })),
      };
  }
}
