/**
 * Deleting messages (docs/xchat-messages.md §"2.8 prepareMessageDelete"): one action signature over
 * a `MessageDeleteEvent` detail (MessageEventDetail variant 7: the sequence ids, and the action, 2
 * for everyone or 1 for the sender only), sent in the body of
 * `POST /2/chat/conversations/{id}/messages/delete` (see {@link deleteMessagesRequest}).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray, assertObject, typeName } from '../../../guards.js';
import { assertDistinct, assertSignable } from '../../../rules.js';
import { randomSource, resolveBackend, type CryptoOptions } from '../../../core/context.js';
import { newMessageId } from '../../../core/keychange.js';
import { signPayload } from '../../../core/signing.js';
import { encodeBase64, encodeBase64NoPad } from '../../../wire/base64.js';
import { encodeMessageDeleteDetail } from '../../../wire/xchat/details.js';
import { CURRENT_SIGNATURE_VERSION, messageDeletePayload } from '../../../wire/xchat/payloads.js';
import type { ActionSignature } from '../types.js';
import { checkConversationId, withSigner } from './send.js';
import type { MessageDeleteParams } from './types.js';

/** The sequence ids to delete: at least one, each non-empty and comma-free (they are signed), distinct. */
function sequenceIds(value: unknown, field: string): string[] {
  const ids = assertArray(value, field).map((v, i) => assertSignable(v, `${field}[${i}]`));
  if (ids.length === 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must name at least one message to delete', field);
  assertDistinct(ids, field);
  return ids;
}

/**
 * Signs the deletion of messages, as the official SDK's `prepareMessageDelete` does: one action
 * signature (with its signed payload) for the delete request's `action_signatures`.
 * @param params - `conversationId`, `sequenceIds`, `deleteForAll` and `sender`
 * @param options - backend; testing hooks (`random`, `messageId`)
 * @returns the SDK's `ActionSignature`, `signaturePayload` included
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` (no sequence ids, an empty one, `deleteForAll`
 * not a boolean), `ERR_DUPLICATE_ID`, `ERR_COMMA_IN_FIELD`, `ERR_INVALID_CONVERSATION_ID`,
 * `ERR_INVALID_USER_ID`, `ERR_INVALID_VERSION`, `ERR_INVALID_KEY`
 * @example
 * const action = await prepareMessageDelete({ conversationId: '111:222', sequenceIds: ['5', '6'], deleteForAll: true, sender });
 * const body = deleteMessagesRequest(action);
 */
export async function prepareMessageDelete(params: MessageDeleteParams, options?: CryptoOptions): Promise<ActionSignature> {
  const p = assertObject(params, 'params');
  return withSigner(p.sender, async (signer) => {
    const conversationId = checkConversationId(p.conversationId, signer.userId, 'params.conversationId');
    const ids = sequenceIds(p.sequenceIds, 'params.sequenceIds');
    if (typeof p.deleteForAll !== 'boolean') {
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        `expected a boolean (true: for everyone, false: for the sender only), got ${typeName(p.deleteForAll)}`,
        'params.deleteForAll',
      );
    }
    const deleteForAll = p.deleteForAll;
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an options object, got ${typeName(options)}`, 'options');
    }
    const backend = await resolveBackend(options?.backend);
    const messageId = newMessageId(randomSource(options, backend), options ?? {}, 'delete');
    const payload = messageDeletePayload(CURRENT_SIGNATURE_VERSION, {
      messageId,
      senderId: signer.userId,
      conversationId,
      deleteForAll,
      sequenceIds: ids,
    });
    const signature = await signPayload(backend, signer.signingPrivateKey, payload);
    return {
      messageId,
      encodedMessageEventDetail: encodeBase64(encodeMessageDeleteDetail({ sequenceIds: ids, deleteForAll })),
      signature: encodeBase64NoPad(signature),
      signatureVersion: String(CURRENT_SIGNATURE_VERSION),
      publicKeyVersion: signer.signingKeyVersion,
      signaturePayload: payload,
    };
  });
}
