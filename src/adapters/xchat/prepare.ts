/**
 * Preparing signed X Chat conversation changes (docs/xchat-keys.md §"Key changes"): a fresh
 * conversation key wrapped for every member, with the action signatures that let the server and
 * every member check who made the change.
 *
 * The three functions take the official SDK's parameters, except that the signer is explicit
 * (`params.sender`), and return the SDK's `PreparedConversationChange` plus what the request
 * adapters need to fill a body byte-identically. Inputs the SDK silently accepts but that make no
 * sense are refused before anything is signed (see each function's `@throws`).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertObject, typeName } from '../../guards.js';
import {
  latestKeys,
  recipientsFor,
  runKeyChange,
  type NewKey,
  type PrepareOptions,
  type PreparedSender,
  type Signer,
} from '../../core/keychange.js';
import type { Recipient } from '../../core/wrap.js';
import { encodeBase64, encodeBase64NoPad } from '../../wire/base64.js';
import { encodeGroupCreateDetail, encodeGroupMemberAddDetail, encodeKeyChangeDetail } from '../../wire/xchat/details.js';
import { CURRENT_SIGNATURE_VERSION, groupCreatePayload, groupMemberAddPayload, keyChangePayload } from '../../wire/xchat/payloads.js';
import { assertGroupId, X_USER_ID } from './rules.js';

import type {
  ActionSignature,
  ConversationKeyChangeParams,
  GroupCreateParams,
  GroupMembersChangeParams,
  PreparedConversationChange,
  PreparedGroupCreate,
  PreparedGroupMembersChange,
  PreparedKeyChange,
  PreparedWrapping,
} from './types.js';

import { idList, keyChangeRoster, optText, optTtl, subset, withSender } from './prepare-params.js';

export type { ParticipantKey } from '../../wire/xchat/events.js';
export type { PublicKeyInput, Sender, PreparedSender, PrepareOptions } from '../../core/keychange.js';
export type * from './types.js';

async function action(
  k: NewKey,
  sender: Signer,
  index: number,
  detail: Uint8Array,
  payload: string,
  exposePayload: boolean,
): Promise<ActionSignature> {
  const sig = await k.sign(payload);
  return {
    messageId: k.messageIds[index] as string,
    encodedMessageEventDetail: encodeBase64(detail),
    signature: encodeBase64NoPad(sig),
    signatureVersion: String(CURRENT_SIGNATURE_VERSION),
    publicKeyVersion: sender.signingKeyVersion,
    ...(exposePayload ? { signaturePayload: payload } : {}),
  };
}

/** The key-change action (first of every change); its payload holds the plaintext key, so it is never exposed. */
function keyChangeAction(k: NewKey, sender: Signer, conversationId: string): Promise<ActionSignature> {
  const detail = encodeKeyChangeDetail({ conversationKeyVersion: k.conversationKeyVersion, participantKeys: k.participantKeys });
  const payload = keyChangePayload(CURRENT_SIGNATURE_VERSION, {
    messageId: k.messageIds[0] as string,
    senderId: sender.userId,
    conversationId,
    conversationKeyVersion: k.conversationKeyVersion,
    conversationKey: k.conversationKey,
  });
  return action(k, sender, 0, detail, payload, false);
}

/** The second action of a group change: its detail and signed payload, given the new key version and its message id. */
type SecondAction = (conversationKeyVersion: string, messageId: string) => { detail: Uint8Array; payload: string };

/** A change: the key-change action and, for group changes, the second one. */
function prepareChange(
  options: PrepareOptions | undefined,
  sender: Signer,
  recipients: Recipient[],
  conversationId: string,
  second?: SecondAction,
): Promise<PreparedConversationChange & PreparedWrapping & { sender: PreparedSender }> {
  return runKeyChange(options, sender, recipients, second ? 2 : 1, async (k) => {
    const actions = [await keyChangeAction(k, sender, conversationId)];
    if (second) {
      const { detail, payload } = second(k.conversationKeyVersion, k.messageIds[1] as string);
      actions.push(await action(k, sender, 1, detail, payload, true));
    }
    return {
      conversationId,
      conversationKey: k.conversationKey,
      conversationKeyVersion: k.conversationKeyVersion,
      participantKeys: k.participantKeys,
      actionSignatures: actions,
      sender: await k.sender(),
      wrapping: k.wrapping,
    };
  });
}

/**
 * Prepares a signed conversation-key change: starts a one-to-one, or rotates any conversation's
 * key. One action signature (ConversationKeyChangeEvent). The key is wrapped for the members only:
 * the two users of a one-to-one, or `memberIds` of a group.
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID` (not a group or one-to-one id, or none
 * for more than two users), `ERR_INVALID_ARGUMENT` (no `memberIds` for a group, a sender who is not
 * a member, members other than a one-to-one's two users), `ERR_MISSING_PUBLIC_KEY`,
 * `ERR_INVALID_USER_ID`, `ERR_INVALID_VERSION`, `ERR_DUPLICATE_ID`, `ERR_COMMA_IN_FIELD`
 * @example
 * const change = await prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g123', memberIds: ['111', '222'] });
 * const body = addConversationKeysRequest(change);
 */
export async function prepareConversationKeyChange(
  params: ConversationKeyChangeParams,
  options?: PrepareOptions,
): Promise<PreparedKeyChange> {
  const p = assertObject(params, 'params');
  return withSender(p.sender, async (sender) => {
    const keys = latestKeys(p.publicKeys, X_USER_ID);
    const { conversationId, members } = keyChangeRoster(p, sender.userId, keys);
    const recipients = recipientsFor(keys, members, 'params.memberIds');
    return { kind: 'keyChange', ...(await prepareChange(options, sender, recipients, conversationId)) };
  });
}

/**
 * Prepares a signed group create: a new conversation key wrapped for every member, and two action
 * signatures in the SDK's order (ConversationKeyChangeEvent, then GroupChangeEvent.GroupCreate).
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID` (not `g` + digits), `ERR_MISSING_PUBLIC_KEY`
 * (a member without a key), `ERR_DUPLICATE_ID`, `ERR_INVALID_USER_ID`, `ERR_INVALID_VERSION`,
 * `ERR_INVALID_TTL` (NaN, negative, fractional), `ERR_COMMA_IN_FIELD`, `ERR_NULL_SENTINEL` (a title
 * or avatar URL that is the text `null`), `ERR_INVALID_ARGUMENT` (sender not a member, admin not a member)
 * @example
 * const prepared = await prepareGroupCreate({ publicKeys, sender, conversationId: 'g1234567890123456789',
 *   memberIds: ['111', '222', '333'], title: 'Team' });
 */
export async function prepareGroupCreate(params: GroupCreateParams, options?: PrepareOptions): Promise<PreparedGroupCreate> {
  const p = assertObject(params, 'params');
  return withSender(p.sender, async (sender): Promise<PreparedGroupCreate> => {
    const conversationId = assertGroupId(p.conversationId, 'params.conversationId');
    const memberIds = idList(p.memberIds, 'params.memberIds');
    const memberSet = new Set(memberIds);
    if (!memberSet.has(sender.userId))
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${sender.userId}`, 'params.memberIds');
    const adminIds = p.adminIds === undefined || p.adminIds === null ? [sender.userId] : idList(p.adminIds, 'params.adminIds');
    subset(adminIds, memberSet, 'params.adminIds', 'a member');
    const title = optText(p.title, 'params.title');
    const avatarUrl = optText(p.avatarUrl, 'params.avatarUrl');
    const ttlMsec = optTtl(p.ttlMsec, 'params.ttlMsec');
    const recipients = recipientsFor(latestKeys(p.publicKeys, X_USER_ID), memberIds, 'params.memberIds');
    const change = await prepareChange(options, sender, recipients, conversationId, (conversationKeyVersion, messageId) => ({
      detail: encodeGroupCreateDetail({
        memberIds,
        adminIds,
        title,
        avatarUrl,
        conversationKeyVersion,
        ttlMsec: ttlMsec === undefined ? undefined : BigInt(ttlMsec),
      }),
      payload: groupCreatePayload(CURRENT_SIGNATURE_VERSION, {
        messageId,
        senderId: sender.userId,
        conversationKeyVersion,
        memberIds,
        title,
        avatarUrl,
      }),
    }));
    return {
      kind: 'groupCreate',
      ...change,
      memberIds,
      adminIds,
      ...(title === undefined ? {} : { title }),
      ...(avatarUrl === undefined ? {} : { avatarUrl }),
      ...(ttlMsec === undefined ? {} : { ttlMsec }),
    };
  });
}

/**
 * Prepares a signed member add: a new conversation key wrapped for the whole new roster (current
 * and new members), and two action signatures (ConversationKeyChangeEvent, then
 * GroupChangeEvent.GroupMemberAddChange). The `current*` values must describe the group's present
 * state; absent ones are signed as `null`.
 * @throws {InvalidInputError} as {@link prepareGroupCreate}: `ERR_INVALID_CONVERSATION_ID`,
 * `ERR_MISSING_PUBLIC_KEY`, `ERR_DUPLICATE_ID`, `ERR_INVALID_USER_ID`, `ERR_INVALID_VERSION`,
 * `ERR_INVALID_TTL`, `ERR_COMMA_IN_FIELD`, `ERR_NULL_SENTINEL`; and `ERR_INVALID_ARGUMENT` when a new
 * member is already a member, the sender is not a current member, or `newMemberIds` is empty
 * @example
 * const prepared = await prepareGroupMembersChange({ publicKeys, sender, conversationId: 'g123',
 *   newMemberIds: ['444'], currentMemberIds: ['111', '222'], currentAdminIds: ['111'] });
 */
export async function prepareGroupMembersChange(
  params: GroupMembersChangeParams,
  options?: PrepareOptions,
): Promise<PreparedGroupMembersChange> {
  const p = assertObject(params, 'params');
  return withSender(p.sender, async (sender): Promise<PreparedGroupMembersChange> => {
    const conversationId = assertGroupId(p.conversationId, 'params.conversationId');
    const newMemberIds = idList(p.newMemberIds, 'params.newMemberIds');
    if (newMemberIds.length === 0)
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must name at least one new member', 'params.newMemberIds');
    const currentMemberIds = idList(p.currentMemberIds, 'params.currentMemberIds');
    const current = new Set(currentMemberIds);
    newMemberIds.forEach((id, i) => {
      if (current.has(id))
        throw new InvalidInputError(ErrorCodes.DUPLICATE_ID, `${id} is already a current member`, `params.newMemberIds[${i}]`);
    });
    if (!current.has(sender.userId))
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${sender.userId}`, 'params.currentMemberIds');
    const currentAdminIds = idList(p.currentAdminIds, 'params.currentAdminIds');
    subset(currentAdminIds, current, 'params.currentAdminIds', 'a current member');
    const currentPendingMemberIds =
      p.currentPendingMemberIds === undefined || p.currentPendingMemberIds === null
        ? []
        : idList(p.currentPendingMemberIds, 'params.currentPendingMemberIds');
    const currentTitle = optText(p.currentTitle, 'params.currentTitle');
    const currentAvatarUrl = optText(p.currentAvatarUrl, 'params.currentAvatarUrl');
    const currentTtlMsec = optTtl(p.currentTtlMsec, 'params.currentTtlMsec');
    const flag = p.currentScreenCaptureBlockingEnabled;
    if (flag !== undefined && flag !== null && typeof flag !== 'boolean') {
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        `expected a boolean, got ${typeName(flag)}`,
        'params.currentScreenCaptureBlockingEnabled',
      );
    }
    const screenCapture = flag ?? undefined;
    const roster = [...currentMemberIds, ...newMemberIds];
    const recipients = recipientsFor(latestKeys(p.publicKeys, X_USER_ID), roster, 'roster (currentMemberIds + newMemberIds)');
    const state = { currentMemberIds, currentAdminIds, currentPendingMemberIds, currentTitle, currentAvatarUrl };
    const change = await prepareChange(options, sender, recipients, conversationId, (conversationKeyVersion, messageId) => ({
      detail: encodeGroupMemberAddDetail({
        ...state,
        memberIds: newMemberIds,
        conversationKeyVersion,
        currentTtlMsec: currentTtlMsec === undefined ? undefined : BigInt(currentTtlMsec),
        screenCaptureBlockingEnabled: screenCapture,
      }),
      payload: groupMemberAddPayload(CURRENT_SIGNATURE_VERSION, {
        ...state,
        messageId,
        senderId: sender.userId,
        conversationId,
        memberIds: newMemberIds,
        currentTtlMsec,
        conversationKeyVersion,
        screenCaptureBlockingEnabled: screenCapture,
      }),
    }));
    return {
      kind: 'groupMembersAdd',
      ...change,
      newMemberIds,
      currentMemberIds,
      currentAdminIds,
      currentPendingMemberIds,
      ...(currentTitle === undefined ? {} : { currentTitle }),
      ...(currentAvatarUrl === undefined ? {} : { currentAvatarUrl }),
      ...(currentTtlMsec === undefined ? {} : { currentTtlMsec }),
      ...(screenCapture === undefined ? {} : { currentScreenCaptureBlockingEnabled: screenCapture }),
    };
  });
}
