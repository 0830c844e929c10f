/**
 * Reactions and edits (docs/xchat-messages.md §"2.6 Inputs per call"): ordinary MessageCreateEvents
 * whose encrypted entry names the target message by its sequence id (`MessageEntryContents.2`
 * reaction added, `.3` removed, `.4` edit). The target comes from `targetEvent` — the delivered
 * MessageEvent, parsed only, never decrypted or verified — or from the explicit
 * `conversationId` and `targetMessageSequenceId`, each of which wins on its own.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertObject } from '../../../guards.js';
import type { CryptoOptions } from '../../../core/context.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { decodeStruct } from '../../../wire/thrift/index.js';
import type { MessageEntryHolderValue } from '../../../wire/xchat/contents.js';
import { MessageEventView } from '../../../wire/xchat/events.js';
import { checkConversationId, checkConversationKey, sendEntry, withSigner } from './send.js';
import { assertText, checkEntities } from './text.js';
import type { EncryptEditParams, EncryptReactionParams, SendPayload } from './types.js';

/** The conversation and the target's sequence id. */
interface Target {
  conversationId: unknown;
  sequenceId: string;
}

/** Parses a delivered event's envelope (standard base64, padded or not). */
export function parseEvent(value: unknown, field: string) {
  return decodeStruct(MessageEventView, decodeBase64(value, field), { field, keepUnknown: false });
}

const given = (v: unknown) => v !== undefined && v !== null;

/**
 * Resolves a target: explicit fields first, each on its own, then the event's fields 4 and 1.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when neither gives one of them
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT` for a `targetEvent` that does not parse
 */
function target(p: Record<string, unknown>): Target {
  const needEvent = !given(p.conversationId) || !given(p.targetMessageSequenceId);
  const event = needEvent && given(p.targetEvent) ? parseEvent(p.targetEvent, 'params.targetEvent') : undefined;
  const conversationId = given(p.conversationId) ? p.conversationId : event?.conversationId;
  if (conversationId === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'is not set: pass targetEvent or conversationId',
      given(p.targetEvent) ? 'params.targetEvent' : 'params.conversationId',
    );
  }
  const explicit = given(p.targetMessageSequenceId);
  const sequenceId = explicit ? p.targetMessageSequenceId : event?.sequenceId;
  if (sequenceId === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      given(p.targetEvent)
        ? 'the target event has no sequence id: pass targetMessageSequenceId'
        : 'is not set: pass targetEvent or targetMessageSequenceId',
      given(p.targetEvent) ? 'params.targetEvent' : 'params.targetMessageSequenceId',
    );
  }
  return {
    conversationId,
    sequenceId: assertText(sequenceId, explicit ? 'params.targetMessageSequenceId' : 'params.targetEvent (sequence id)', {
      allowEmpty: false,
    }),
  };
}

/** Checks the common parts and sends the entry `build` makes for the target's sequence id. */
function sendToTarget(
  params: unknown,
  options: CryptoOptions | undefined,
  build: (p: Record<string, unknown>, sequenceId: string) => MessageEntryHolderValue,
): Promise<SendPayload> {
  const p = assertObject(params, 'params');
  return withSigner(p.sender, async (signer) => {
    const t = target(p);
    const conversationField = given(p.conversationId) ? 'params.conversationId' : 'params.targetEvent (conversation id)';
    const conversationId = checkConversationId(t.conversationId, signer.userId, conversationField);
    const key = checkConversationKey(p);
    const holder = build(p, t.sequenceId);
    return sendEntry({ signer, conversationId, key, flags: { shouldNotify: true }, holder }, options);
  });
}

function reaction(kind: 'reactionAdd' | 'reactionRemove') {
  return (p: Record<string, unknown>, messageSequenceId: string): MessageEntryHolderValue => ({
    contents: { [kind]: { messageSequenceId, emoji: assertText(p.emoji, 'params.emoji', { allowEmpty: false }) } },
  });
}

/**
 * Encrypts and signs a reaction to a message, as the official SDK's `encryptAddReaction` does.
 * @param params - `emoji`, the target (`targetEvent`, or `conversationId` and
 * `targetMessageSequenceId`), the conversation key and version, and `sender`
 * @returns the SDK's `SendPayload`; send it like a message
 * @throws {InvalidInputError} as {@link encryptMessage}, and `ERR_INVALID_ARGUMENT` for an empty
 * emoji or a target that is not set
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT` for a `targetEvent` that does not parse
 * @example
 * const sent = await encryptAddReaction({ emoji: '👍', targetEvent: event.encoded_event, conversationKey, conversationKeyVersion, sender });
 */
export function encryptAddReaction(params: EncryptReactionParams, options?: CryptoOptions): Promise<SendPayload> {
  return sendToTarget(params, options, reaction('reactionAdd'));
}

/**
 * Encrypts and signs the removal of a reaction, as the official SDK's `encryptRemoveReaction` does.
 * @param params - as {@link encryptAddReaction}'s
 * @returns the SDK's `SendPayload`; send it like a message
 * @throws {InvalidInputError} as {@link encryptMessage} (`ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_KEY`,
 * `ERR_INVALID_VERSION`, `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD`), and `ERR_INVALID_ARGUMENT` for
 * an empty emoji or a target that is not set
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT` for a `targetEvent` that does not parse
 * @example
 * const sent = await encryptRemoveReaction({ emoji: '👍', conversationId: 'g123', targetMessageSequenceId: '2070…', conversationKey, conversationKeyVersion, sender });
 */
export function encryptRemoveReaction(params: EncryptReactionParams, options?: CryptoOptions): Promise<SendPayload> {
  return sendToTarget(params, options, reaction('reactionRemove'));
}

/**
 * Encrypts and signs an edit of a message, as the official SDK's `encryptEdit` does: the new text
 * and, when given, its entities (omitting them clears the original's).
 * @param params - `updatedText`, `entities`, the target (`targetEvent`, or `conversationId` and
 * `targetMessageSequenceId`), the conversation key and version, and `sender`
 * @returns the SDK's `SendPayload`; send it like a message
 * @throws {InvalidInputError} as {@link encryptMessage} (`ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_KEY`,
 * `ERR_INVALID_VERSION`, `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD`), and `ERR_INVALID_ARGUMENT` for
 * the text, its entities, or a target that is not set
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT` for a `targetEvent` that does not parse
 * @example
 * const sent = await encryptEdit({ updatedText: 'hello', targetEvent, conversationKey, conversationKeyVersion, sender });
 */
export function encryptEdit(params: EncryptEditParams, options?: CryptoOptions): Promise<SendPayload> {
  return sendToTarget(params, options, (p, messageSequenceId) => {
    const updatedText = assertText(p.updatedText, 'params.updatedText');
    const entities = checkEntities(p.entities, updatedText, 'params.entities');
    return { contents: { messageEdit: { messageSequenceId, updatedText, ...(entities ? { entities } : {}) } } };
  });
}
