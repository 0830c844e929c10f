/**
 * Verifying the body of `POST /2/chat/conversations/group` (docs/xchat-keys.md §"Group create").
 *
 * Signature version 7 signs, for a group create, the member ids in order, the title, the avatar
 * URL and the key version, and, in the key change, the conversation id and the plaintext key. It
 * does not sign the admin ids, the TTL or the wrapped keys: the event detail is their only anchor,
 * so a body that disagrees with the detail is refused. The two actions are tied to each other only
 * by the sender and the key version.
 *
 * @module
 */
import { isI64Text } from '../../../rules.js';
import type { GroupCreateDetail } from '../../../wire/xchat/details.js';
import { isGroupId } from '../rules.js';
import { checkSignature, readActions, type Action } from './actions.js';
import { checkBody, checkIds, checkKeyVersion, checkRotation, checkSignedTexts, checkSubset, sameList, strings } from './checks.js';
import { add, verification, type Ctx, type VerifyOptions } from './context.js';
import { checkKeyChange, checkParticipantKeys } from './key-change.js';
import { ProblemCodes, type VerificationReport } from './report.js';
import { CreateGroupSchema } from './schema.js';

/** The group-create action: its detail against the body, then its signature. */
async function checkCreate(
  ctx: Ctx,
  b: Record<string, unknown>,
  create: Action,
  members: string[] | undefined,
  admins: string[] | undefined,
): Promise<void> {
  const d = create.detail as GroupCreateDetail;
  const path = `${create.path}.encoded_message_event_detail`;
  if (d.memberIds === undefined || d.conversationKeyVersion === undefined) {
    add(ctx, ProblemCodes.DETAIL_INCOMPLETE, path, 'the group-create detail lacks its members or key version');
    return;
  }
  checkKeyVersion(ctx, d.conversationKeyVersion, path);
  checkSignedTexts(ctx, path, { title: d.title, 'avatar URL': d.avatarUrl });
  if (members && !sameList(d.memberIds, members))
    add(ctx, ProblemCodes.MEMBERS_MISMATCH, 'group_members', 'the members (or their order) differ from the signed group create');
  if (admins && !sameList(d.adminIds ?? [], admins)) {
    const why =
      b.group_admins === undefined
        ? 'group_admins is absent, so the server makes the creator the only admin, but the detail names other admins'
        : 'the admins differ from the group-create detail (admins are not signed; the detail is their only anchor)';
    add(ctx, ProblemCodes.ADMINS_MISMATCH, 'group_admins', why);
  }
  if (b.group_name !== undefined && b.group_name !== d.title)
    add(ctx, ProblemCodes.TITLE_MISMATCH, 'group_name', 'group_name differs from the signed title');
  if (b.group_name === undefined && d.title !== undefined)
    add(ctx, ProblemCodes.TITLE_MISMATCH, 'group_name', 'the signed title is missing from the body');
  if (b.group_avatar_url !== undefined && b.group_avatar_url !== d.avatarUrl)
    add(ctx, ProblemCodes.AVATAR_MISMATCH, 'group_avatar_url', 'group_avatar_url differs from the signed avatar URL');
  if (b.group_avatar_url === undefined && d.avatarUrl !== undefined)
    add(ctx, ProblemCodes.AVATAR_MISMATCH, 'group_avatar_url', 'the signed avatar URL is missing from the body');
  const ttl = d.ttlMsec === undefined ? undefined : d.ttlMsec.toString();
  if (b.ttl_msec !== ttl) {
    add(
      ctx,
      ProblemCodes.TTL_MISMATCH,
      'ttl_msec',
      ttl === undefined
        ? 'the body sets a TTL that the group-create detail does not have'
        : 'ttl_msec differs from the group-create detail (the TTL is not signed; the detail is its only anchor)',
    );
  }
  if (typeof b.conversation_key_version === 'string' && d.conversationKeyVersion !== b.conversation_key_version) {
    add(ctx, ProblemCodes.KEY_VERSION_MISMATCH, path, 'the group create is signed for another key version than the body names');
  }
  await checkSignature(ctx, create, '', undefined);
}

/**
 * Verifies the body of `POST /2/chat/conversations/group` as the server and a receiving member
 * would.
 * @param body - the parsed JSON body
 * @param options - `senderId` (the creator), `signingKeys`, optionally `recipient` (a member, whose
 * key is opened and with which the key-change signature is checked) and `serverView`
 * @returns a report: `valid` only when no problem was found and every signature was checked
 * (`verdict` says how much was verified). Malformed bodies give problems, not exceptions.
 * @throws {InvalidInputError} only for malformed `options`: `ERR_INVALID_USER_ID` (`senderId`,
 * `recipient.userId`), `ERR_INVALID_KEY` (`recipient.identityPrivateKey`), `ERR_INVALID_VERSION`
 * (`recipient.keyVersion`), `ERR_INVALID_ARGUMENT` (`signingKeys`, `now`, `limits` and the other
 * shapes), `ERR_UNSUPPORTED_BACKEND`
 * @example
 * const report = await verifyCreateGroupRequest(body, { senderId: '111', signingKeys, recipient: { userId: '222', identityPrivateKey } });
 * if (!report.valid) console.error(report.verdict, report.problems);
 */
export async function verifyCreateGroupRequest(body: unknown, options: VerifyOptions): Promise<VerificationReport> {
  return verification(options, async (ctx) => {
    const b = checkBody(ctx, body, CreateGroupSchema);
    if (!b) return undefined;
    const conversationId = typeof b.conversation_id === 'string' ? b.conversation_id : '';
    if (typeof b.conversation_id === 'string' && !isGroupId(conversationId))
      add(ctx, ProblemCodes.CONVERSATION_ID_INVALID, 'conversation_id', 'a group id is g followed by 1 to 19 digits');
    if (typeof b.conversation_key_version === 'string') checkKeyVersion(ctx, b.conversation_key_version, 'conversation_key_version');
    const members = strings(b.group_members);
    // Undefined when not a list of strings, or beyond the limits (reported): the checks that need it are skipped.
    const memberSet = members && checkIds(ctx, members, 'group_members', 'member');
    if (memberSet && !memberSet.has(ctx.senderId))
      add(ctx, ProblemCodes.SENDER_NOT_MEMBER, 'group_members', `the creator ${ctx.senderId} is not a member`);
    // The server defaults absent admins to the creator.
    const admins = b.group_admins === undefined ? [ctx.senderId] : strings(b.group_admins);
    if (admins && b.group_admins !== undefined) {
      checkIds(ctx, admins, 'group_admins', 'admin');
      if (memberSet) checkSubset(ctx, admins, memberSet, 'group_admins', ProblemCodes.ADMIN_NOT_MEMBER, 'is an admin but not a member');
    }
    if (typeof b.ttl_msec === 'string' && !isI64Text(b.ttl_msec)) {
      add(ctx, ProblemCodes.TTL_INVALID, 'ttl_msec', 'ttl_msec must be the decimal string of a non-negative 64-bit integer');
    }
    checkRotation(ctx, b);
    const bodyKeys = checkParticipantKeys(ctx, b, memberSet, 'group_members');
    const actions = readActions(ctx, b, ['keyChange', 'groupCreate']);
    const create = actions.get('groupCreate');
    if (create) await checkCreate(ctx, b, create, members, admins);
    const key = await checkKeyChange(ctx, actions.get('keyChange'), b, bodyKeys, conversationId);
    if (ctx.recipient && memberSet && !memberSet.has(ctx.recipient.userId)) {
      add(ctx, ProblemCodes.RECIPIENT_NOT_MEMBER, 'group_members', `recipient ${ctx.recipient.userId} is not a member`);
    }
    return key;
  });
}
