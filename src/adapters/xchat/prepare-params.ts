/**
 * The checks of the X Chat prepare functions' parameters (docs/xchat-keys.md §"Key changes"): id
 * lists, optional signed texts and TTLs, the sender, and who gets a key change's key (the two
 * users of a one-to-one, or a group's members). Each refuses with a typed error naming the
 * parameter, before anything is drawn or signed.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertArray, assertString } from '../../guards.js';
import { assertDistinct, assertOptionalSignedText, assertSignable, assertTtl } from '../../rules.js';
import { checkSender, type Signer } from '../../core/keychange.js';
import { wipe } from '../../core/secret.js';
import type { Recipient } from '../../core/wrap.js';
import { assertXUserId, canonicalConversationId, isGroupId, oneToOneId, oneToOneUsers, X_USER_ID } from './rules.js';

export function idList(value: unknown, field: string): string[] {
  const ids = assertArray(value, field).map((v, i) => assertXUserId(v, `${field}[${i}]`));
  assertDistinct(ids, field);
  return ids;
}

export function subset(ids: readonly string[], of: ReadonlySet<string>, field: string, what: string): void {
  ids.forEach((id, i) => {
    if (!of.has(id)) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `${id} is not ${what}`, `${field}[${i}]`);
  });
}

/** An optional signed text: absent or empty means none (like the SDK); otherwise comma-free and not `null`. */
export function optText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = assertString(value, field);
  return s === '' ? undefined : assertOptionalSignedText(s, field);
}

/** Runs `f` with the checked sender; the sender's private-key copy is wiped afterwards. */
export async function withSender<R>(value: unknown, f: (sender: Signer) => Promise<R>): Promise<R> {
  const sender = checkSender(value, X_USER_ID);
  try {
    return await f(sender);
  } finally {
    wipe(sender.signingPrivateKey);
  }
}

export function optTtl(value: unknown, field: string): number | undefined {
  return value === undefined || value === null ? undefined : assertTtl(value, field);
}

/** Who gets a key change's key: the two users of a one-to-one, or a group's members. */
export function keyChangeRoster(
  p: Record<string, unknown>,
  senderId: string,
  keys: ReadonlyMap<string, Recipient>,
): { conversationId: string; members: string[] } {
  const members = p.memberIds === undefined || p.memberIds === null ? undefined : idList(p.memberIds, 'params.memberIds');
  let conversationId: string;
  if (p.conversationId === undefined || p.conversationId === null) {
    const users = members ?? [...keys.keys()];
    if (users.length !== 2) {
      throw new InvalidInputError(
        ErrorCodes.INVALID_CONVERSATION_ID,
        `is required unless the participants are exactly two users (got ${users.length})`,
        'params.conversationId',
      );
    }
    conversationId = oneToOneId(users[0] as string, users[1] as string);
  } else {
    conversationId = canonicalConversationId(assertSignable(p.conversationId, 'params.conversationId'), senderId);
  }
  const pair = oneToOneUsers(conversationId);
  if (pair) {
    if (members && (members.length !== 2 || !members.every((m) => pair.includes(m)))) {
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        `a one-to-one key goes to its two users ${pair.join(' and ')} only`,
        'params.memberIds',
      );
    }
    if (!pair.includes(senderId))
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        `the sender ${senderId} is not one of the two users of ${conversationId}`,
        'params.conversationId',
      );
    return { conversationId, members: pair };
  }
  if (!isGroupId(conversationId)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      'expected a group id (g followed by 1 to 19 digits) or a one-to-one id (A:B, A-B or the peer id)',
      'params.conversationId',
    );
  }
  if (!members) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      "is required for a group: the key goes to the group's members only (after a removal, without the removed member)",
      'params.memberIds',
    );
  }
  if (!members.includes(senderId))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${senderId}`, 'params.memberIds');
  return { conversationId, members };
}
