/**
 * Verifying the body of `POST /2/chat/conversations/{id}/keys` (docs/xchat-keys.md §"Key
 * rotation"): a one-to-one start or any conversation's key rotation.
 *
 * The key change signs the conversation id and the plaintext key at version 7, not who gets the
 * key: the roster comes from what the caller knows. A one-to-one's key goes to its two users only;
 * for a group, pass the members as they are now (`memberIds`, after a removal without the removed
 * member) and every other wrapped key is reported.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray } from '../../../guards.js';
import { assertDistinct } from '../../../rules.js';
import type { KeyChangeDetail } from '../../../wire/xchat/details.js';
import { assertXUserId, isGroupId, oneToOneUsers } from '../rules.js';
import { readActions } from './actions.js';
import { checkBody, checkKeyVersion, checkRotation } from './checks.js';
import { add, conversationOf, verification, type VerifyInConversationOptions } from './context.js';
import { checkKeyChange, checkParticipantKeys } from './key-change.js';
import { ProblemCodes, type VerificationReport } from './report.js';
import { AddConversationKeysSchema } from './schema.js';

/** Options of {@link verifyAddConversationKeysRequest}. */
export interface VerifyKeysOptions extends VerifyInConversationOptions {
  /**
   * The members who must get the new key, as the caller knows them (a group's members now, the
   * sender included). Without it a group's roster is whatever the key change names.
   */
  memberIds?: string[];
}

function expectedRoster(options: VerifyKeysOptions, conversationId: string): Set<string> | undefined {
  const pair = oneToOneUsers(conversationId);
  const given = options.memberIds;
  if (given === undefined) return pair ? new Set(pair) : undefined;
  const ids = assertArray(given, 'options.memberIds').map((id, i) => assertXUserId(id, `options.memberIds[${i}]`));
  assertDistinct(ids, 'options.memberIds');
  if (pair && (ids.length !== 2 || !ids.every((id) => pair.includes(id)))) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `a one-to-one key goes to its two users ${pair.join(' and ')}`,
      'options.memberIds',
    );
  }
  return new Set(ids);
}

/**
 * Verifies the body of `POST /2/chat/conversations/{id}/keys` (a key change).
 * @param options - as {@link verifyCreateGroupRequest}, plus the signed `conversationId` (`g…`, or
 * `min:max` for a one-to-one) and, for a group, the expected `memberIds`
 * @throws {InvalidInputError} only for malformed `options`: `ERR_INVALID_USER_ID` (`senderId`,
 * `recipient.userId`), `ERR_INVALID_KEY` (`recipient.identityPrivateKey`), `ERR_INVALID_VERSION`
 * (`recipient.keyVersion`), `ERR_INVALID_ARGUMENT` (`signingKeys`, `now`, `limits` and the other
 * shapes), `ERR_UNSUPPORTED_BACKEND`; and
 * `ERR_INVALID_CONVERSATION_ID` (`conversationId`), `ERR_INVALID_USER_ID` or `ERR_DUPLICATE_ID`
 * (`memberIds`)
 * @example
 * const report = await verifyAddConversationKeysRequest(body, { senderId: '111', signingKeys, conversationId: 'g123', memberIds: ['111', '222'] });
 */
export async function verifyAddConversationKeysRequest(body: unknown, options: VerifyKeysOptions): Promise<VerificationReport> {
  const conversationId = conversationOf(options);
  const expected = expectedRoster(options, conversationId);
  return verification(options, async (ctx) => {
    const b = checkBody(ctx, body, AddConversationKeysSchema);
    if (!b) return undefined;
    if (!isGroupId(conversationId) && !oneToOneUsers(conversationId)) {
      add(
        ctx,
        ProblemCodes.CONVERSATION_ID_INVALID,
        '(conversation id)',
        'the signed conversation id is a group id (g followed by digits) or a one-to-one id (min:max)',
      );
    }
    if (typeof b.conversation_key_version === 'string') checkKeyVersion(ctx, b.conversation_key_version, 'conversation_key_version');
    checkRotation(ctx, b);
    const actions = readActions(ctx, b, ['keyChange']);
    const kc = actions.get('keyChange');
    const signed = (kc?.detail as KeyChangeDetail | undefined)?.participantKeys;
    const roster = expected ?? (signed && new Set(signed.map((k) => k.userId)));
    const bodyKeys = checkParticipantKeys(
      ctx,
      b,
      roster,
      expected ? 'the members (options.memberIds, or the two users of a one-to-one)' : 'the signed key change',
    );
    if (roster && !roster.has(ctx.senderId))
      add(ctx, ProblemCodes.SENDER_NOT_MEMBER, 'conversation_participant_keys', `the sender ${ctx.senderId} is not a member`);
    return checkKeyChange(ctx, kc, b, bodyKeys, conversationId);
  });
}
