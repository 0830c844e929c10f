/**
 * Verifying the body of `POST /2/chat/conversations/{id}/members` (docs/xchat-keys.md §"Member
 * add"): a member add, which rotates the key for the whole new roster.
 *
 * The member-add payload lists new members, current members and admins one after the other
 * without their lengths, so how the ids are split between the lists is not signed: moving an id
 * from "current" to "new" signs the same string. The invariants the protocol implies are always
 * enforced (admins are current members, new members are not, no duplicates, X user ids); the split
 * itself is only fixed by what the caller knows (`currentMemberIds`, `currentAdminIds`).
 *
 * @module
 */
import { assertArray } from '../../../guards.js';
import { assertDistinct } from '../../../rules.js';
import type { GroupMemberAddDetail } from '../../../wire/xchat/details.js';
import { assertXUserId, isGroupId } from '../rules.js';
import { checkSignature, readActions, type Action } from './actions.js';
import { checkBody, checkIds, checkKeyVersion, checkSignedTexts, checkSubset, sameList, sameSet, strings } from './checks.js';
import { add, conversationOf, verification, type Ctx, type VerifyInConversationOptions } from './context.js';
import { checkKeyChange, checkParticipantKeys } from './key-change.js';
import { ProblemCodes, type VerificationReport } from './report.js';
import { AddMembersSchema } from './schema.js';

/** Options of {@link verifyAddMembersRequest}. */
export interface VerifyMembersOptions extends VerifyInConversationOptions {
  /** The group's current members, as the caller knows them: the signed split is checked against them. */
  currentMemberIds?: string[];
  /** The group's current admins, as the caller knows them. */
  currentAdminIds?: string[];
}

function idsOption(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = assertArray(value, field).map((id, i) => assertXUserId(id, `${field}[${i}]`));
  assertDistinct(ids, field);
  return ids;
}

/** The member-add action: its detail's invariants, the caller's view of the group, the body, then the signature. Returns the new roster. */
async function checkAdd(
  ctx: Ctx,
  b: Record<string, unknown>,
  a: Action,
  userIds: string[] | undefined,
  known: { members?: string[]; admins?: string[] },
  conversationId: string,
): Promise<Set<string> | undefined> {
  const d = a.detail as GroupMemberAddDetail;
  const path = `${a.path}.encoded_message_event_detail`;
  if (
    d.memberIds === undefined ||
    d.currentMemberIds === undefined ||
    d.currentAdminIds === undefined ||
    d.conversationKeyVersion === undefined
  ) {
    add(ctx, ProblemCodes.DETAIL_INCOMPLETE, path, 'the member-add detail lacks its new members, current members, admins or key version');
    return undefined;
  }
  checkKeyVersion(ctx, d.conversationKeyVersion, path);
  if (d.memberIds.length === 0) add(ctx, ProblemCodes.NO_NEW_MEMBERS, path, 'the member add names no new member');
  const added = checkIds(ctx, d.memberIds, `${path}.memberIds`, 'new member');
  const current = checkIds(ctx, d.currentMemberIds, `${path}.currentMemberIds`, 'current member');
  checkIds(ctx, d.currentAdminIds, `${path}.currentAdminIds`, 'current admin');
  checkIds(ctx, d.currentPendingMemberIds ?? [], `${path}.currentPendingMemberIds`, 'pending member');
  if (!added || !current) return undefined; // beyond the limits (reported): nothing more to compare
  checkSubset(
    ctx,
    d.currentAdminIds,
    current,
    `${path}.currentAdminIds`,
    ProblemCodes.ADMIN_NOT_MEMBER,
    'is an admin but not a current member',
  );
  for (let i = 0; i < d.memberIds.length; i++) {
    const id = d.memberIds[i] as string;
    if (current.has(id))
      add(
        ctx,
        ProblemCodes.DUPLICATE_MEMBER,
        () => `${path}.memberIds[${i}]`,
        () => `new member ${id} is already a current member`,
      );
  }
  if (!current.has(ctx.senderId)) add(ctx, ProblemCodes.SENDER_NOT_MEMBER, path, `the sender ${ctx.senderId} is not a current member`);
  if (known.members && !sameSet(known.members, current)) {
    add(
      ctx,
      ProblemCodes.ROSTER_MISMATCH,
      `${path}.currentMemberIds`,
      'the signed current members differ from the group as you know it (options.currentMemberIds): the split between new and current members is not signed',
    );
  }
  if (known.admins && !sameSet(known.admins, new Set(d.currentAdminIds))) {
    add(
      ctx,
      ProblemCodes.ADMINS_MISMATCH,
      `${path}.currentAdminIds`,
      'the signed current admins differ from the group as you know it (options.currentAdminIds)',
    );
  }
  const inv = d.groupInviteEnable;
  checkSignedTexts(ctx, path, {
    'current title': d.currentTitle,
    'current avatar URL': d.currentAvatarUrl,
    'invite URL': inv?.inviteUrl,
    'affiliate id': inv?.affiliateId,
  });
  if (userIds && !sameList(d.memberIds, userIds))
    add(ctx, ProblemCodes.MEMBERS_MISMATCH, 'user_ids', 'user_ids differ from the signed new members');
  if (typeof b.conversation_key_version === 'string' && d.conversationKeyVersion !== b.conversation_key_version) {
    add(ctx, ProblemCodes.KEY_VERSION_MISMATCH, path, 'the member add is signed for another key version than the body names');
  }
  await checkSignature(ctx, a, conversationId, undefined);
  return new Set([...current, ...added]);
}

/**
 * Verifies the body of `POST /2/chat/conversations/{id}/members` (a member add with key rotation).
 * The wrapped keys must cover exactly the signed current members plus the new ones.
 * @param options - as {@link verifyCreateGroupRequest}, plus the group's `conversationId` and, to
 * fix the signed split, the group's `currentMemberIds` and `currentAdminIds`
 * @throws {InvalidInputError} only for malformed `options`: `ERR_INVALID_USER_ID` (`senderId`,
 * `recipient.userId`), `ERR_INVALID_KEY` (`recipient.identityPrivateKey`), `ERR_INVALID_VERSION`
 * (`recipient.keyVersion`), `ERR_INVALID_ARGUMENT` (`signingKeys`, `now`, `limits` and the other
 * shapes), `ERR_UNSUPPORTED_BACKEND`; and
 * `ERR_INVALID_CONVERSATION_ID` (`conversationId`), `ERR_INVALID_USER_ID` or `ERR_DUPLICATE_ID`
 * (`currentMemberIds`, `currentAdminIds`)
 * @example
 * const report = await verifyAddMembersRequest(body, { senderId: '111', signingKeys, conversationId: 'g123', currentMemberIds: ['111', '222'] });
 */
export async function verifyAddMembersRequest(body: unknown, options: VerifyMembersOptions): Promise<VerificationReport> {
  const conversationId = conversationOf(options);
  const known = {
    members: idsOption(options.currentMemberIds, 'options.currentMemberIds'),
    admins: idsOption(options.currentAdminIds, 'options.currentAdminIds'),
  };
  return verification(options, async (ctx) => {
    const b = checkBody(ctx, body, AddMembersSchema);
    if (!b) return undefined;
    if (!isGroupId(conversationId))
      add(ctx, ProblemCodes.CONVERSATION_ID_INVALID, '(conversation id)', 'a group id is g followed by 1 to 19 digits');
    // A member add rotates the key: the schema leaves version and wrapped keys optional, but without them nobody gets the new key.
    if (b.conversation_key_version === undefined)
      add(
        ctx,
        ProblemCodes.KEY_VERSION_MISSING,
        'conversation_key_version',
        'a member add rotates the key: send the new conversation key version',
      );
    else if (typeof b.conversation_key_version === 'string') checkKeyVersion(ctx, b.conversation_key_version, 'conversation_key_version');
    if (b.conversation_participant_keys === undefined) {
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MISSING,
        'conversation_participant_keys',
        'a member add rotates the key: send a wrapped key for every member of the new roster',
      );
    }
    const userIds = strings(b.user_ids);
    checkIds(ctx, userIds ?? [], 'user_ids', 'new member');
    const actions = readActions(ctx, b, ['keyChange', 'groupMemberAdd']);
    const a = actions.get('groupMemberAdd');
    const roster = a ? await checkAdd(ctx, b, a, userIds, known, conversationId) : undefined;
    const bodyKeys = checkParticipantKeys(ctx, b, roster, 'the new roster (current + new members)');
    return checkKeyChange(ctx, actions.get('keyChange'), b, bodyKeys, conversationId);
  });
}
