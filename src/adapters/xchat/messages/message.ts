/**
 * Sending a text message (docs/xchat-messages.md §"2.6 Inputs per call"): `MessageEntryContents.1`
 * with the text, and the entities and attachments when given (an empty list is written as an
 * empty list, as the SDK writes it).
 *
 * @module
 */
import { assertObject } from '../../../guards.js';
import type { CryptoOptions } from '../../../core/context.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { MessageContents } from '../../../wire/xchat/contents.js';
import { checkAttachments } from './attachments.js';
import { checkConversationId, checkConversationKey, checkFlags, sendEntry, withSigner } from './send.js';
import { assertText, checkEntities } from './text.js';
import type { EncryptMessageParams, SendPayload } from './types.js';

/** The contents of a text message (shared with replies): text, entities, attachments, checked. */
export function messageContents(p: Record<string, unknown>): Infer<typeof MessageContents> {
  const text = assertText(p.text, 'params.text');
  const entities = checkEntities(p.entities, text, 'params.entities');
  const attachments = checkAttachments(p.attachments, 'params.attachments', true);
  return { messageText: text, ...(entities ? { entities } : {}), ...(attachments ? { attachments } : {}) };
}

/**
 * Encrypts and signs a text message, as the official SDK's `encryptMessage` does, with the key and
 * the signer given explicitly. Send the result with {@link sendMessageRequest}.
 *
 * Stricter than the SDK: the conversation id must be one of X's forms, the key version canonical
 * decimal, `ttlMsec` a non-negative integer, every entity of a known type within the text, every
 * attachment descriptor complete with snake_case keys only, the text well formed.
 * @param params - the SDK's `EncryptMessageParams`, with `conversationKey`, `conversationKeyVersion`
 * and `sender` required
 * @param options - backend; testing hooks (`random`, `messageId`) for reproducible output
 * @returns the SDK's `SendPayload`
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_KEY`, `ERR_INVALID_VERSION`,
 * `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD`, `ERR_INVALID_TTL`, `ERR_INVALID_ARGUMENT` (text,
 * entities, attachments, flags), each naming the field (`params.entities[2][1]`)
 * @example
 * const sent = await encryptMessage({ conversationId: '111:222', text: 'hi', conversationKey, conversationKeyVersion, sender });
 * await fetch(`https://api.x.com${conversationPath('111:222', 'messages')}`, { method: 'POST', body: JSON.stringify(sendMessageRequest(sent)) });
 */
export async function encryptMessage(params: EncryptMessageParams, options?: CryptoOptions): Promise<SendPayload> {
  const p = assertObject(params, 'params');
  return withSigner(p.sender, async (signer) => {
    const conversationId = checkConversationId(p.conversationId, signer.userId, 'params.conversationId');
    const key = checkConversationKey(p);
    const flags = checkFlags(p);
    const holder = { contents: { message: messageContents(p) } };
    return sendEntry({ signer, conversationId, key, flags, holder }, options);
  });
}
