/**
 * Platform API requests for prepared messages (docs/sendbird.md §"Sending messages"): a text
 * (`POST /v3/group_channels/{channel_url}/messages`, `MESG`), an edit
 * (`PUT /v3/group_channels/{channel_url}/messages/{message_id}`), a file (the same POST, multipart,
 * `FILE`). The channel, the sender (`user_id`) and the message id (`dedup_id`) come from the
 * prepared `data` itself.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertBytes, assertObject, typeName } from '../../guards.js';
import {
  checkExtras,
  ENCRYPTED_FILE_NAME,
  ENCRYPTED_FILE_TYPE,
  type PreparedSendbirdFileMessage,
  type PreparedSendbirdMessage,
  type SendbirdMessageExtras,
} from './message-params.js';
import { parseMessageData, type SendbirdMessageDocument } from './message-data.js';
import { channelPath, credentials, jsonRequest, type SendbirdOptions, type SendbirdRequest } from './requests.js';

/** Options of the message requests: where and as whom, and Sendbird's delivery switches. */
export interface SendbirdMessageRequestOptions extends Omit<SendbirdOptions, 'e2ee'> {
  /** Sendbird's `send_push` (default Sendbird's: true). */
  sendPush?: boolean;
  /** Sendbird's `is_silent`: no unread count, no push. */
  isSilent?: boolean;
  /** Sendbird's `mark_as_read`. */
  markAsRead?: boolean;
}

function flags(options: SendbirdMessageRequestOptions): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [k, name] of [
    ['sendPush', 'send_push'],
    ['isSilent', 'is_silent'],
    ['markAsRead', 'mark_as_read'],
  ] as const) {
    const v = options[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean')
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a boolean, got ${typeName(v)}`, `options.${k}`);
    out[name] = v;
  }
  return out;
}

function extrasBody(e: SendbirdMessageExtras): Record<string, unknown> {
  return {
    ...(e.customType === undefined ? {} : { custom_type: e.customType }),
    ...(e.mentionType === undefined ? {} : { mention_type: e.mentionType }),
    ...(e.mentionedUserIds === undefined ? {} : { mentioned_user_ids: e.mentionedUserIds }),
  };
}

function preparedDoc(p: Record<string, unknown>): SendbirdMessageDocument {
  return parseMessageData(p.data, 'prepared.data');
}

/**
 * The Platform API request of a prepared text message or edit, sent as the message's sender:
 * `POST /v3/group_channels/{channel_url}/messages` (`message_type: "MESG"`, `user_id`, the
 * placeholder in `message`, the document in `data`, `dedup_id` the message id, and the extras),
 * or for an edit `PUT /v3/group_channels/{channel_url}/messages/{message_id}`.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a value that is not a prepared text message
 * or edit, bad extras, bad options (application id, API token, switches)
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for a `data` that is not a message document
 * @example
 * const req = sendbirdMessageRequest(await prepareSendbirdMessage({ channelUrl, text }, key), { applicationId, apiToken });
 * await fetch(req.url, req);
 */
export function sendbirdMessageRequest(prepared: PreparedSendbirdMessage, options: SendbirdMessageRequestOptions): SendbirdRequest {
  credentials(options);
  const p = assertObject(prepared, 'prepared');
  const doc = preparedDoc(p);
  if (doc.kind === 'file')
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'a file message goes with sendbirdFileMessageRequest', 'prepared.data');
  if (typeof p.message !== 'string' || p.message.length === 0)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected the placeholder, a non-empty string', 'prepared.message');
  const extras = extrasBody(checkExtras(p, 'prepared'));
  const path = `${channelPath(doc.ch)}/messages`;
  if (doc.kind === 'edit') {
    return jsonRequest(
      'PUT',
      `${path}/${doc.target as string}`,
      { message_type: 'MESG', message: p.message, data: p.data, ...extras },
      options,
    );
  }
  return jsonRequest(
    'POST',
    path,
    { message_type: 'MESG', user_id: doc.sender, message: p.message, data: p.data, ...extras, ...flags(options), dedup_id: doc.mid },
    options,
  );
}

/**
 * The Platform API request of a prepared file message: `POST /v3/group_channels/{channel_url}/messages`
 * as `multipart/form-data` with `message_type: "FILE"`, `user_id`, the encrypted blob as `file`
 * (named {@link ENCRYPTED_FILE_NAME}, `application/octet-stream`), `file_name`, `file_type`, the
 * document in `data`, `dedup_id` and the extras. Nothing in it describes the original file.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a value that is not a prepared file
 * message, bad options, or a runtime without `FormData` and `Blob`
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for a `data` that is not a message document
 * @example
 * const req = sendbirdFileMessageRequest(await prepareSendbirdFileMessage({ channelUrl, file, fileName, mimeType }, key), { applicationId, apiToken });
 * await fetch(req.url, req);
 */
export function sendbirdFileMessageRequest(prepared: PreparedSendbirdFileMessage, options: SendbirdMessageRequestOptions): SendbirdRequest {
  const { host, headers } = credentials(options);
  const p = assertObject(prepared, 'prepared');
  const doc = preparedDoc(p);
  if (doc.kind !== 'file')
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'a text message or edit goes with sendbirdMessageRequest', 'prepared.data');
  const blob = assertBytes(p.file, 'prepared.file');
  if (p.fileSize !== blob.length)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected the size of the encrypted file', 'prepared.fileSize');
  const extras = extrasBody(checkExtras(p, 'prepared'));
  const FormDataCtor = (globalThis as { FormData?: typeof FormData }).FormData;
  const BlobCtor = (globalThis as { Blob?: typeof Blob }).Blob;
  if (!FormDataCtor || !BlobCtor)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'a file message needs the platform FormData and Blob', 'prepared.file');
  const form = new FormDataCtor();
  const fields: Record<string, unknown> = {
    message_type: 'FILE',
    user_id: doc.sender,
    file_name: ENCRYPTED_FILE_NAME,
    file_type: ENCRYPTED_FILE_TYPE,
    data: p.data,
    ...extras,
    ...flags(options),
    dedup_id: doc.mid,
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  form.append('file', new BlobCtor([blob as Uint8Array<ArrayBuffer>], { type: ENCRYPTED_FILE_TYPE }), ENCRYPTED_FILE_NAME);
  const path = `${channelPath(doc.ch)}/messages`;
  return { method: 'POST', url: `${host}${path}`, path, headers, body: form };
}
