/**
 * A Sendbird message in the three shapes it arrives in (docs/sendbird.md §"Reading messages"):
 * the Platform API's resource (snake_case: `message_id`, `channel_url`, `user.user_id`, `type`
 * `MESG`/`FILE`, `data`, `file`), the Chat SDK's `UserMessage`/`FileMessage` (camelCase:
 * `messageId`, `channelUrl`, `sender.userId`, `messageType` `user`/`file`), and a webhook body
 * (`group_channel:message_send` or `…:message_update`: `sender.user_id`, `type`, `payload`,
 * `channel`). Each is read into one view, with the error fields named in the input's own terms.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { typeName } from '../../guards.js';
import { assertChannelUrl, SENDBIRD_USER_ID } from './rules.js';

/** A message as the opener reads it, whatever shape it came in. */
export interface MessageView {
  channelUrl: string;
  /** Sendbird's `message_id`. */
  messageId: number;
  senderId: string;
  type: 'MESG' | 'FILE';
  data: unknown;
  /** Sendbird's `created_at` and `updated_at` (0 before an edit), in milliseconds. */
  createdAt: number;
  updatedAt: number;
  /** Sendbird's file properties of a FILE message (describing the encrypted blob). */
  file?: { url: string; name: string; type: string; size: number };
  /** The channel a webhook body carries (`channel_url`, `data`). */
  channel?: Record<string, unknown>;
  /** The input's own names of the fields, for errors. */
  fields: { channelUrl: string; messageId: string; senderId: string; type: string; data: string; createdAt: string; updatedAt: string };
}

const WEBHOOK_CATEGORIES = ['group_channel:message_send', 'group_channel:message_update'];

function bad(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function int(v: unknown, field: string, what: string): number {
  const n = typeof v === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    bad(field, `expected ${what} (a non-negative safe integer), got ${typeName(v)}`);
  return n;
}

function fileOf(
  f: Record<string, unknown> | undefined,
  names: { url: string; name: string; type: string; size: string },
  field: string,
): MessageView['file'] {
  if (f === undefined) return undefined;
  const url = f[names.url];
  const name = f[names.name];
  const type = f[names.type];
  return {
    url: typeof url === 'string' ? url : bad(`${field}.${names.url}`, `expected the file's URL, got ${typeName(url)}`),
    name: typeof name === 'string' ? name : '',
    type: typeof type === 'string' ? type : '',
    size: f[names.size] === undefined ? 0 : int(f[names.size], `${field}.${names.size}`, 'a size'),
  };
}

/** The data of a FILE resource: top-level `data`, or `file.data`; both given must agree. */
function dataOf(top: unknown, inFile: unknown, field: string): { data: unknown; field: string } {
  if (typeof top === 'string' && top !== '' && typeof inFile === 'string' && inFile !== '' && top !== inFile)
    bad(field, 'the message has two different data strings (data and file.data)');
  if (typeof top === 'string' && top !== '') return { data: top, field };
  if (typeof inFile === 'string' && inFile !== '') return { data: inFile, field: field.replace(/data$/, 'file.data') };
  return { data: top, field };
}

/**
 * Reads a message in any of its shapes.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a value that is none of them, an admin
 * message, or a missing or malformed property; `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_USER_ID`
 */
export function readMessage(value: unknown, field: string): MessageView {
  const m =
    obj(value) ??
    bad(
      field,
      `expected a Sendbird message (the Platform API's resource, the Chat SDK's message or a webhook body), got ${typeName(value)}`,
    );
  if (typeof m.category === 'string' || m.payload !== undefined) {
    if (!WEBHOOK_CATEGORIES.includes(m.category as string))
      bad(`${field}.category`, `expected a webhook of ${WEBHOOK_CATEGORIES.join(' or ')}`);
    const p = obj(m.payload) ?? bad(`${field}.payload`, 'expected the webhook payload object');
    const channel = obj(m.channel) ?? bad(`${field}.channel`, 'expected the webhook channel object');
    const type = m.type === 'MESG' || m.type === 'FILE' ? m.type : bad(`${field}.type`, 'expected a MESG or FILE message');
    const f = `${field}.payload`;
    return {
      channelUrl: assertChannelUrl(channel.channel_url, `${field}.channel.channel_url`),
      messageId: int(p.message_id, `${f}.message_id`, 'a message id'),
      senderId: SENDBIRD_USER_ID.assert(obj(m.sender)?.user_id, `${field}.sender.user_id`),
      type,
      data: p.data,
      createdAt: int(p.created_at, `${f}.created_at`, 'a time'),
      updatedAt: p.updated_at === undefined ? 0 : int(p.updated_at, `${f}.updated_at`, 'a time'),
      ...(type === 'FILE' ? { file: fileOf(p, { url: 'url', name: 'filename', type: 'file_type', size: 'file_size' }, f) } : {}),
      channel,
      fields: {
        channelUrl: `${field}.channel.channel_url`,
        messageId: `${f}.message_id`,
        senderId: `${field}.sender.user_id`,
        type: `${field}.type`,
        data: `${f}.data`,
        createdAt: `${f}.created_at`,
        updatedAt: `${f}.updated_at`,
      },
    };
  }
  if (m.messageId !== undefined) {
    const type =
      m.messageType === 'user'
        ? 'MESG'
        : m.messageType === 'file'
          ? 'FILE'
          : bad(`${field}.messageType`, 'expected a user or file message (admin messages carry no encrypted contents)');
    return {
      channelUrl: assertChannelUrl(m.channelUrl, `${field}.channelUrl`),
      messageId: int(m.messageId, `${field}.messageId`, 'a message id'),
      senderId: SENDBIRD_USER_ID.assert(obj(m.sender)?.userId, `${field}.sender.userId`),
      type,
      data: m.data,
      createdAt: int(m.createdAt, `${field}.createdAt`, 'a time'),
      updatedAt: m.updatedAt === undefined ? 0 : int(m.updatedAt, `${field}.updatedAt`, 'a time'),
      ...(type === 'FILE' ? { file: fileOf(m, { url: 'url', name: 'name', type: 'type', size: 'size' }, field) } : {}),
      fields: {
        channelUrl: `${field}.channelUrl`,
        messageId: `${field}.messageId`,
        senderId: `${field}.sender.userId`,
        type: `${field}.messageType`,
        data: `${field}.data`,
        createdAt: `${field}.createdAt`,
        updatedAt: `${field}.updatedAt`,
      },
    };
  }
  const type =
    m.type === 'MESG' || m.type === 'FILE'
      ? m.type
      : bad(`${field}.type`, 'expected a MESG or FILE message (admin messages carry no encrypted contents)');
  const file = type === 'FILE' ? (obj(m.file) ?? bad(`${field}.file`, 'a FILE message has a file object')) : undefined;
  const { data, field: dataField } =
    type === 'FILE' ? dataOf(m.data, file?.data, `${field}.data`) : { data: m.data, field: `${field}.data` };
  return {
    channelUrl: assertChannelUrl(m.channel_url, `${field}.channel_url`),
    messageId: int(m.message_id, `${field}.message_id`, 'a message id'),
    senderId: SENDBIRD_USER_ID.assert(obj(m.user)?.user_id, `${field}.user.user_id`),
    type,
    data,
    createdAt: int(m.created_at, `${field}.created_at`, 'a time'),
    updatedAt: m.updated_at === undefined ? 0 : int(m.updated_at, `${field}.updated_at`, 'a time'),
    ...(file === undefined ? {} : { file: fileOf(file, { url: 'url', name: 'name', type: 'type', size: 'size' }, `${field}.file`) }),
    fields: {
      channelUrl: `${field}.channel_url`,
      messageId: `${field}.message_id`,
      senderId: `${field}.user.user_id`,
      type: `${field}.type`,
      data: dataField,
      createdAt: `${field}.created_at`,
      updatedAt: `${field}.updated_at`,
    },
  };
}
