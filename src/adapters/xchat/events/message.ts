/**
 * A verified message, decrypted (docs/xchat-receiving.md §"Which keys are used"): only with the key
 * of its own conversation at its own key version, never another; then its content, top-level
 * attachments and media hash keys, and the validation of a reply's preview.
 *
 * @module
 */
import { ErrorCodes, VerificationError } from '../../../errors.js';
import { openEntry } from '../messages/entry.js';
import { topLevelOf } from './attachments.js';
import { contentOf } from './content.js';
import type { Envelope } from './envelope.js';
import { safeNumber } from './ints.js';
import { validatePreview, type PreviewContext } from './preview.js';
import type { ReceivedMessage } from './shapes.js';

/**
 * Decrypts and maps a message whose signature verified.
 * @throws {VerificationError} `ERR_NO_CONVERSATION_KEY`, `ERR_CONFLICTING_KEYS`, `ERR_DECRYPT_FAILED`
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` (contents shorter than 40 bytes), `ERR_INVALID_THRIFT`,
 * `ERR_TOO_LARGE`, `ERR_UNSAFE_INTEGER`
 */
export async function openMessage(env: Envelope, ctx: PreviewContext): Promise<ReceivedMessage> {
  const m = env.detail?.messageCreateEvent ?? {};
  const conversationId = env.conversationId as string;
  const version = m.conversationKeyVersion as string;
  const found = ctx.store.resolve(conversationId, version);
  if ('missing' in found) {
    throw new VerificationError(
      ErrorCodes.NO_CONVERSATION_KEY,
      `no key of conversation ${conversationId} at the message's key version ${version.slice(0, 40)}`,
      env.index,
    );
  }
  if ('conflict' in found) {
    throw new VerificationError(
      ErrorCodes.CONFLICTING_KEYS,
      `conversation ${conversationId} has several keys at version ${version} and none can be told genuine: its messages are refused`,
      env.index,
    );
  }
  const holder = openEntry(found.key, m.contents as Uint8Array, env.index);
  const content = contentOf(holder, env.index);
  const event: ReceivedMessage = {
    type: 'message',
    ...env.base,
    content,
    keyVersion: version,
    verified: true,
    shouldNotify: m.shouldNotify ?? null,
    ttlMsec: safeNumber(m.ttlMsec, `${env.index}.ttlMsec`),
  };
  const text = holder.contents?.message;
  if (text?.attachments) Object.assign(event, topLevelOf(text.attachments, `${env.index}.attachments`));
  if (text?.replyingToPreview) {
    const validation = await validatePreview(text.replyingToPreview, conversationId, ctx, `${env.index}.replyingToPreview`);
    if (validation) event.replyPreviewValidation = validation;
  }
  return event;
}
