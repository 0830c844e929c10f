/**
 * `chat-keykit sendbird-send` and `sendbird-read`: end-to-end encrypted messages on Sendbird.
 * `sendbird-send` opens the channel's current key from the channel resource and prints the
 * Platform API request of an encrypted text, edit or file message (the encrypted file is written
 * to a file, to upload); the text comes from a file or standard input, never from a flag.
 * `sendbird-read` opens a page of history (or one message, or a webhook body) and prints one JSON
 * line per message.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { wipe } from '../index.js';
import {
  openSendbirdChannelKey,
  openSendbirdMessages,
  prepareSendbirdFileMessage,
  prepareSendbirdMessage,
  prepareSendbirdMessageEdit,
  sendbirdFileMessageRequest,
  sendbirdMessageRequest,
  type OpenedSendbirdMessage,
  type SendbirdMessageKey,
  type SendbirdMessageResult,
} from '../sendbird.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, print, withFlagNames, type Command } from './common.js';
import { readIdentityFile } from './identity-file.js';
import { fileError, readJson, readText, writeFileSafely, type CliIO } from './io.js';
import { refused } from './sendbird-keys.js';
import {
  apiToken,
  apiTokenFileFlag,
  applicationIdFlag,
  describeRequest,
  readChannel,
  readState,
  sendbirdKeysFlag,
  sendbirdListing,
  signerOf,
  stateFlag,
  writeState,
} from './sendbird-io.js';

/** MIME types by file extension, for --file without --mime-type. */
const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.zip': 'application/zip',
};

const identityFlag = { kind: 'string', required: true, help: 'your identity file (keygen --sendbird)', arg: 'FILE' } as const;

const FLAGS: Record<string, string> = {
  'params.customType': '--custom-type',
  'params.mentionType': '--mention-type',
  'params.mentionedUserIds': '--mentioned-user-ids',
  'params.placeholder': '--placeholder',
  'params.fileName': '--file-name',
  'params.mimeType': '--mime-type',
  'params.messageId': '--edit',
  'params.text': '--text-file',
};

const sendbirdSendCommand: Command = {
  spec: {
    name: 'sendbird-send',
    summary: 'encrypt a text, an edit or a file for a Sendbird channel and print the Platform API request',
    flags: {
      'application-id': applicationIdFlag,
      'api-token-file': apiTokenFileFlag,
      identity: identityFlag,
      'public-keys': sendbirdKeysFlag,
      'text-file': {
        kind: 'string',
        help: 'the text to send: a file, or - for standard input (one trailing newline dropped); never a flag, which the process list would show',
        arg: 'FILE',
      },
      file: { kind: 'string', help: 'a file to send, encrypted (with --encrypted-out)', arg: 'FILE' },
      'encrypted-out': {
        kind: 'string',
        help: 'where to write the encrypted file, the part to upload (never over an existing file)',
        arg: 'FILE',
      },
      'file-name': { kind: 'string', help: "the file name the members see (default: --file's own; encrypted)", arg: 'NAME' },
      'mime-type': {
        kind: 'string',
        help: "the file's MIME type (default: from its extension, else application/octet-stream; encrypted)",
        arg: 'TYPE',
      },
      edit: { kind: 'string', help: 'edit your text message with this Sendbird message_id (with --text-file)', arg: 'MESSAGE_ID' },
      placeholder: { kind: 'string', help: 'what Sendbird shows in message (default: "Encrypted message")', arg: 'TEXT' },
      'custom-type': { kind: 'string', help: "Sendbird's custom_type (not encrypted)", arg: 'TEXT' },
      'mention-type': { kind: 'string', help: "Sendbird's mention_type (not encrypted)", values: ['users', 'channel'], arg: 'TYPE' },
      'mentioned-user-ids': { kind: 'list', help: 'users to mention (not encrypted)', arg: 'IDS' },
      state: { ...stateFlag, help: 'key-history file of the channel: a key older than its newest envelope is refused' },
      backend: backendFlag,
    },
    positionals: {
      name: 'CHANNEL',
      help: 'the channel resource (GET /v3/group_channels/{channel_url}): its envelope gives the current key (a file, or -)',
      min: 1,
      max: 1,
    },
    details:
      'One of --text-file and --file. Prints the request with the API token redacted; a file request lists the encrypted part, written to --encrypted-out.',
  },
  async run(args, io) {
    const s = args.strings;
    if ((s['text-file'] === undefined) === (s.file === undefined)) throw new UsageError('give one of --text-file and --file');
    if (s.file !== undefined && s['encrypted-out'] === undefined)
      throw new UsageError('--file needs --encrypted-out: the encrypted file is the part to upload');
    if (s.edit !== undefined && s.file !== undefined) throw new UsageError('--edit edits a text message: give --text-file');
    const token = await apiToken(args, io);
    const options = { applicationId: s['application-id'] as string, apiToken: token };
    const id = await readIdentityFile(io, s.identity as string);
    let key: SendbirdMessageKey | undefined;
    try {
      const listing = await sendbirdListing(io, s['public-keys'] as string);
      const channel = await readChannel(io, args.positionals[0] as string);
      const state = await readState(io, s.state);
      let opened;
      try {
        opened = await openSendbirdChannelKey(channel, {
          userId: id.userId,
          identityPrivateKey: id.identity.identityPrivateKey,
          signingKeys: listing.signingKeys,
          minConversationKeyVersion: state?.envelopes.at(-1)?.ckv,
          backend: backendOf(args),
        });
      } catch (e) {
        return refused(io, e);
      }
      key = {
        conversationKey: opened.conversationKey,
        conversationKeyVersion: opened.conversationKeyVersion,
        sender: signerOf(id, listing, io),
      };
      const prepareOptions = { backend: backendOf(args), ...(state ? { state } : {}) };
      const extras = {
        channelUrl: channel.channel_url,
        ...(s.placeholder === undefined ? {} : { placeholder: s.placeholder }),
        ...(s['custom-type'] === undefined ? {} : { customType: s['custom-type'] }),
        ...(s['mention-type'] === undefined ? {} : { mentionType: s['mention-type'] as 'users' | 'channel' }),
        ...(args.lists['mentioned-user-ids'] === undefined ? {} : { mentionedUserIds: args.lists['mentioned-user-ids'] }),
      };
      const k = key;
      if (s['text-file'] !== undefined) {
        const text = await readText(io, s['text-file'], 'text file');
        const prepared = await withFlagNames(FLAGS, () =>
          s.edit === undefined
            ? prepareSendbirdMessage({ ...extras, text }, k, prepareOptions)
            : prepareSendbirdMessageEdit({ ...extras, messageId: s.edit as string, text }, k, prepareOptions),
        );
        print(io, describeRequest(sendbirdMessageRequest(prepared, options)));
        return 0;
      }
      const path = s.file as string;
      let file: Uint8Array;
      try {
        file = new Uint8Array(await readFile(resolve(io.cwd, path)));
      } catch (e) {
        throw fileError(e, 'read', '--file', path);
      }
      const mimeType = s['mime-type'] ?? TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      const prepared = await withFlagNames(FLAGS, () =>
        prepareSendbirdFileMessage({ ...extras, file, fileName: s['file-name'] ?? basename(path), mimeType }, k, prepareOptions),
      );
      const request = sendbirdFileMessageRequest(prepared, options);
      const out = await writeBytes(io, s['encrypted-out'] as string, prepared.file);
      io.stderr.write(`wrote the encrypted file (${prepared.file.length} bytes) to ${out}: upload it as the file part\n`);
      print(io, describeRequest(request));
      return 0;
    } finally {
      wipe(key?.conversationKey, id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
  },
};

/** Writes bytes to a new file (never over an existing one). */
async function writeBytes(io: CliIO, path: string, bytes: Uint8Array): Promise<string> {
  return writeFileSafely(io, path, bytes, false, 0o644);
}

/** One JSON line of `sendbird-read`. */
function line(r: SendbirdMessageResult): Record<string, unknown> {
  if (!r.ok)
    return {
      index: r.index,
      ok: false,
      ...(r.sendbirdMessageId === undefined ? {} : { message_id: r.sendbirdMessageId }),
      code: r.error.code,
      ...(r.error.field === undefined ? {} : { field: r.error.field }),
      reason: r.error.reason,
    };
  const m: OpenedSendbirdMessage = r.message;
  const f = m.file;
  return {
    index: r.index,
    ok: true,
    message_id: m.sendbirdMessageId,
    id: m.messageId,
    kind: m.kind,
    sender: m.senderId,
    key_version: m.conversationKeyVersion,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    ...(m.text === undefined ? {} : { text: m.text }),
    ...(f === undefined
      ? {}
      : {
          file: {
            name: f.name,
            size: f.size,
            mime_type: f.mimeType,
            sha256: f.sha256,
            url: f.url,
            encrypted_size: f.encryptedSize,
            ...(f.width === undefined ? {} : { width: f.width, height: f.height }),
            ...(f.durationMillis === undefined ? {} : { duration_millis: f.durationMillis }),
          },
        }),
  };
}

const sendbirdReadCommand: Command = {
  spec: {
    name: 'sendbird-read',
    summary: 'open end-to-end encrypted Sendbird messages: one JSON line per message, opened or refused with its error',
    flags: {
      identity: identityFlag,
      'public-keys': sendbirdKeysFlag,
      channel: {
        kind: 'string',
        help: 'the channel resource (GET /v3/group_channels/{channel_url}): its current envelope is checked and used',
        arg: 'FILE',
      },
      state: stateFlag,
      'rotation-grace-ms': {
        kind: 'string',
        help: 'how long after a rotation a message under the older key is accepted (default 300000)',
        arg: 'MS',
      },
      backend: backendFlag,
    },
    positionals: {
      name: 'MESSAGES',
      help: 'the response of GET /v3/group_channels/{channel_url}/messages, a list of messages, one message or a webhook body (a file, or -)',
      min: 1,
      max: 1,
    },
    details:
      'Keys come from the envelopes of --channel and --state, opened with your identity. Exit 0 when every message opened, 1 when one was refused.',
  },
  async run(args, io) {
    const s = args.strings;
    if (s.channel === undefined && s.state === undefined)
      throw new UsageError('give --channel, --state or both: the keys come from their envelopes');
    const grace = s['rotation-grace-ms'];
    if (grace !== undefined && !/^[0-9]{1,15}$/.test(grace))
      throw new UsageError('--rotation-grace-ms must be a non-negative integer number of milliseconds');
    const id = await readIdentityFile(io, s.identity as string);
    try {
      const listing = await sendbirdListing(io, s['public-keys'] as string);
      const json = await readJson(io, args.positionals[0] as string, 'MESSAGES');
      const list = Array.isArray(json)
        ? json
        : typeof json === 'object' && json !== null && Array.isArray((json as { messages?: unknown }).messages)
          ? (json as { messages: unknown[] }).messages
          : [json];
      const channel = s.channel === undefined ? undefined : await readChannel(io, s.channel);
      const state = await readState(io, s.state);
      let opened;
      try {
        opened = await openSendbirdMessages(list, {
          signingKeys: listing.signingKeys,
          ...(channel ? { channel } : {}),
          ...(state ? { state } : {}),
          userId: id.userId,
          identityPrivateKey: id.identity.identityPrivateKey,
          ...(grace === undefined ? {} : { rotationGraceMs: Number(grace) }),
          backend: backendOf(args),
        });
      } catch (e) {
        return refused(io, e);
      }
      for (const r of opened.results) io.stdout.write(`${JSON.stringify(line(r))}\n`);
      if (s.state !== undefined && opened.state !== undefined) await writeState(io, s.state, opened.state);
      const bad = opened.results.filter((r) => !r.ok).length;
      if (bad > 0) io.stderr.write(`${bad} of ${opened.results.length} message${opened.results.length === 1 ? '' : 's'} refused\n`);
      return bad === 0 ? 0 : 1;
    } finally {
      wipe(id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
  },
};

export { sendbirdSendCommand, sendbirdReadCommand };
