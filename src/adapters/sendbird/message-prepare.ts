/**
 * Encrypting and signing Sendbird messages (docs/sendbird.md §"Sending messages"): a text, a file
 * or an edit becomes the content of a Sendbird message in the Chat SDK's camelCase, ready for
 * `channel.sendUserMessage`, `channel.sendFileMessage` or `channel.updateUserMessage`. Sendbird
 * sees a placeholder in `message` and, in `data`, only the signed and sealed document
 * (`message-data.ts`); a file is encrypted before upload and everything Sendbird sees about it
 * describes the encrypted blob.
 *
 * Randomness is drawn in this order, so that injected randomness reproduces outputs exactly: the
 * message id (16 bytes, unless the testing hook gives it), the file's stream header (24), the
 * secretbox nonce (24).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, VerificationError } from '../../errors.js';
import { assertBytes, assertObject } from '../../guards.js';
import { assertI64Text, assertVersion, compareVersions } from '../../rules.js';
import { randomSource, resolveBackend, type CryptoOptions } from '../../core/context.js';
import { checkSender, newMessageId } from '../../core/keychange.js';
import { encryptMedia } from '../../core/media/index.js';
import { constantTimeEqual, wipe } from '../../core/secret.js';
import { signPayload } from '../../core/signing.js';
import { decodeBase64, encodeBase64NoPad } from '../../wire/base64.js';
import type { MessageEntryHolderValue } from '../../wire/xchat/contents.js';
import { sealEntry } from '../xchat/messages/entry.js';
import { commitment } from './channel-key.js';
import { checkKeyHistory, floorOf } from './key-history.js';
import { assertText, editEntry, fileEntry, isFileName, isMimeType, textEntry, type SendbirdFileInfo } from './message-contents.js';
import {
  isMessageId,
  MAX_MESSAGE_DATA_LENGTH,
  MESSAGE_VERSION,
  messageData,
  messagePayload,
  type SendbirdMessageKind,
} from './message-data.js';
import { assertChannelUrl, SENDBIRD_USER_ID } from './rules.js';

import {
  checkExtras,
  ENCRYPTED_FILE_NAME,
  ENCRYPTED_FILE_TYPE,
  optionalCount,
  placeholderOf,
  type PreparedSendbirdFileMessage,
  type PreparedSendbirdMessage,
  type SendbirdFileMessageParams,
  type SendbirdMessageEditParams,
  type SendbirdMessageKey,
  type SendbirdMessageOptions,
  type SendbirdMessageParams,
} from './message-params.js';

/** The sealed, signed `data` of one message. */
async function seal(
  kind: SendbirdMessageKind,
  channelUrl: string,
  target: string | undefined,
  key: SendbirdMessageKey,
  options: SendbirdMessageOptions | undefined,
  contents: (random: (n: number) => Uint8Array, conversationKey: Uint8Array, opts: CryptoOptions) => Promise<MessageEntryHolderValue>,
): Promise<string> {
  const k = assertObject(key, 'key');
  const conversationKey = assertBytes(k.conversationKey, 'key.conversationKey', 32);
  const ckv = assertVersion(k.conversationKeyVersion, 'key.conversationKeyVersion');
  const o = options === undefined ? {} : assertObject(options, 'options');
  const sender = checkSender(k.sender, SENDBIRD_USER_ID, 'key.sender');
  try {
    const backend = await resolveBackend(o.backend as CryptoOptions['backend']);
    if (o.state !== undefined) {
      const state = checkKeyHistory(o.state, 'options.state');
      if (state.channelUrl !== channelUrl)
        throw new InvalidInputError(
          ErrorCodes.INVALID_ARGUMENT,
          `the history is of channel ${state.channelUrl}, not ${channelUrl}`,
          'options.state.channelUrl',
        );
      const floor = floorOf(state);
      if (floor !== undefined && compareVersions(ckv, floor) < 0) {
        throw new VerificationError(
          ErrorCodes.STALE_KEY_VERSION,
          `key version ${ckv} is older than the channel's current key (${floor}): open the current key and send with it`,
          'key.conversationKeyVersion',
        );
      }
      const envelope = state.envelopes.find((e) => e.ckv === ckv);
      if (envelope && !constantTimeEqual(decodeBase64(await commitment(backend, conversationKey)), decodeBase64(envelope.kc))) {
        throw new InvalidInputError(
          ErrorCodes.INVALID_KEY,
          `not the key that the envelope of version ${ckv} committed to`,
          'key.conversationKey',
        );
      }
    }
    const opts: CryptoOptions = { ...o, backend };
    const random = randomSource(opts, backend);
    const mid = newMessageId(random, opts, kind);
    if (!isMessageId(mid))
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        'a message id is 1 to 64 letters, digits, "-" and "_"',
        'testing hooks: messageId',
      );
    const holder = await contents(random, conversationKey, opts);
    const ct = encodeBase64NoPad(sealEntry(conversationKey, holder, random));
    const unsigned = {
      v: MESSAGE_VERSION,
      kind,
      ch: channelUrl,
      sender: sender.userId,
      skv: sender.signingKeyVersion,
      ckv,
      mid,
      ...(target === undefined ? {} : { target }),
      ct,
    } as const;
    const sig = encodeBase64NoPad(await signPayload(backend, sender.signingPrivateKey, messagePayload(unsigned)));
    const data = messageData({ ...unsigned, sig });
    if (data.length > MAX_MESSAGE_DATA_LENGTH)
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        `the message data would be ${data.length} characters, above the limit of ${MAX_MESSAGE_DATA_LENGTH}`,
        'params.text',
      );
    return data;
  } finally {
    wipe(sender.signingPrivateKey);
  }
}

/**
 * Encrypts and signs a text message for a Sendbird channel. The result is the content of a user
 * message in the Chat SDK's terms (`message`: the placeholder; `data`: the sealed, signed
 * document; the extras as given), ready for `channel.sendUserMessage`, or for
 * `sendbirdMessageRequest` (the Platform API).
 * @param params - the channel, the text, the placeholder and the visible extras
 * @param key - the conversation key, its version and the sender
 * @param options - backend; `state` to refuse a key the channel has rotated away from
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_ARGUMENT`,
 * `ERR_INVALID_VERSION`, `ERR_INVALID_KEY`, `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD` (and `ERR_INVALID_ARGUMENT`
 * for a message whose data would exceed the 1 MiB limit)
 * @throws {VerificationError} `ERR_STALE_KEY_VERSION` (with `state`: the channel has a newer key)
 * @example
 * const { conversationKey, conversationKeyVersion } = await openSendbirdChannelKey(channel, { userId: 'alice', identityPrivateKey, signingKeys });
 * const params = await prepareSendbirdMessage({ channelUrl: channel.channel_url, text: 'hi' }, { conversationKey, conversationKeyVersion, sender });
 * await groupChannel.sendUserMessage(params); // or fetch(sendbirdMessageRequest(params, { applicationId, apiToken }))
 */
export async function prepareSendbirdMessage(
  params: SendbirdMessageParams,
  key: SendbirdMessageKey,
  options?: SendbirdMessageOptions,
): Promise<PreparedSendbirdMessage> {
  const p = assertObject(params, 'params');
  const channelUrl = assertChannelUrl(p.channelUrl, 'params.channelUrl');
  const text = assertText(p.text, 'params.text');
  const message = placeholderOf(p.placeholder, 'params.placeholder');
  const extras = checkExtras(p, 'params');
  const data = await seal('text', channelUrl, undefined, key, options, async () => textEntry(text));
  return { message, data, ...extras };
}

/**
 * Encrypts and signs an edit of one's own text message: a new signed document naming the
 * message it replaces (its Sendbird `message_id`, signed), for `channel.updateUserMessage` or
 * `sendbirdMessageRequest` (`PUT …/messages/{message_id}`). Readers refuse it on any other message,
 * and from anyone but the message's sender.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_CONVERSATION_ID` as
 * {@link prepareSendbirdMessage}, and for a `messageId` that is not a canonical decimal (or a safe integer)
 * @throws {VerificationError} `ERR_STALE_KEY_VERSION`
 * @example
 * const params = await prepareSendbirdMessageEdit({ channelUrl, messageId: sent.message_id, text: 'hi, fixed' }, key);
 * await groupChannel.updateUserMessage(sent.messageId, params);
 */
export async function prepareSendbirdMessageEdit(
  params: SendbirdMessageEditParams,
  key: SendbirdMessageKey,
  options?: SendbirdMessageOptions,
): Promise<PreparedSendbirdMessage> {
  const p = assertObject(params, 'params');
  const channelUrl = assertChannelUrl(p.channelUrl, 'params.channelUrl');
  const target = assertI64Text(
    typeof p.messageId === 'number' && Number.isSafeInteger(p.messageId) ? String(p.messageId) : p.messageId,
    'params.messageId',
  );
  const text = assertText(p.text, 'params.text');
  const message = placeholderOf(p.placeholder, 'params.placeholder');
  const extras = checkExtras(p, 'params');
  const data = await seal('edit', channelUrl, target, key, options, async () => editEntry(target, text));
  return { message, data, ...extras };
}

/**
 * Encrypts a file (secretstream, as X Chat media) and signs a file message naming it: the
 * original name, size and MIME type travel encrypted with the SHA-256 of the encrypted blob, so
 * that the message is bound to that one blob. Sendbird sees a blob named
 * {@link ENCRYPTED_FILE_NAME}, its size and `application/octet-stream`.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_CONVERSATION_ID` as
 * {@link prepareSendbirdMessage}, and for a file that is not bytes, a file name with a path
 * separator or control character, a malformed MIME type
 * @throws {VerificationError} `ERR_STALE_KEY_VERSION`
 * @example
 * const prepared = await prepareSendbirdFileMessage({ channelUrl, file: photo, fileName: 'beach.jpg', mimeType: 'image/jpeg' }, key);
 * await groupChannel.sendFileMessage({ ...prepared, file: new Blob([prepared.file]) }); // or sendbirdFileMessageRequest(prepared, options)
 */
export async function prepareSendbirdFileMessage(
  params: SendbirdFileMessageParams,
  key: SendbirdMessageKey,
  options?: SendbirdMessageOptions,
): Promise<PreparedSendbirdFileMessage> {
  const p = assertObject(params, 'params');
  const channelUrl = assertChannelUrl(p.channelUrl, 'params.channelUrl');
  const file = assertBytes(p.file, 'params.file');
  if (!isFileName(p.fileName))
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'expected a file name of 1 to 255 characters without a path separator or control character',
      'params.fileName',
    );
  const name = p.fileName;
  const mimeType = p.mimeType === undefined ? ENCRYPTED_FILE_TYPE : p.mimeType;
  if (!isMimeType(mimeType))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a MIME type type/subtype without parameters', 'params.mimeType');
  const caption = p.caption === undefined ? undefined : assertText(p.caption, 'params.caption');
  const width = optionalCount(p.width, 'params.width');
  const height = optionalCount(p.height, 'params.height');
  const durationMillis = optionalCount(p.durationMillis, 'params.durationMillis');
  const extras = checkExtras(p, 'params');
  let blob: Uint8Array | undefined;
  const data = await seal('file', channelUrl, undefined, key, options, async (_random, conversationKey, opts) => {
    blob = await encryptMedia(file, conversationKey, opts);
    const backend = await resolveBackend(opts.backend);
    const info: SendbirdFileInfo = {
      name,
      size: file.length,
      mimeType,
      sha256: encodeBase64NoPad(await backend.sha256(blob)),
      ...(width === undefined ? {} : { width }),
      ...(height === undefined ? {} : { height }),
      ...(durationMillis === undefined ? {} : { durationMillis }),
    };
    return fileEntry(info, caption);
  });
  const encrypted = blob as Uint8Array;
  return { file: encrypted, fileName: ENCRYPTED_FILE_NAME, fileSize: encrypted.length, mimeType: ENCRYPTED_FILE_TYPE, data, ...extras };
}
