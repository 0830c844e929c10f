/**
 * Request bodies of the X API v2 chat endpoints (docs/xchat-keys.md §"Request bodies"; the X API's OpenAPI
 * schemas `CreateChatConversationRequest`, `AddConversationKeysRequest` and
 * `AddChatGroupMembersRequest`).
 *
 * Every signed value in a body is taken from the signed event detail itself (decoded back from
 * `encodedMessageEventDetail`), so a body can never say something other than what was signed:
 * members in signed order, the title byte for byte, `ttl_msec` as the decimal string of the signed
 * i64. This also means the adapters accept the official SDK's `PreparedConversationChange` as well
 * as chat-keykit's own prepared changes.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertArray, assertObject, assertString, typeName } from '../../guards.js';
import { openSecretbox, SECRETBOX_OVERHEAD } from '../../core/secretbox.js';
import { wipe } from '../../core/secret.js';
import { decodeBase64 } from '../../wire/base64.js';
import { decodeEventDetail, type EventDetail } from '../../wire/xchat/details.js';
import type { ParticipantKey } from '../../wire/xchat/events.js';
import { parseKeyRotation } from '../../wire/xchat/rotation.js';
import type { ActionSignature } from './prepare.js';
import type {
  ActionSignatureBody,
  AddConversationKeysBody,
  AddMembersBody,
  AddMembersRequestOptions,
  CreateGroupBody,
  CreateGroupRequestOptions,
  MessageEventSignatureBody,
  ParticipantKeyBody,
  PreparedChangeInput,
  RequestOptions,
} from './request-types.js';

export type * from './request-types.js';

function assertPrepared(value: unknown): PreparedChangeInput {
  const p = assertObject(value, 'prepared');
  assertString(p.conversationKeyVersion, 'prepared.conversationKeyVersion');
  assertArray(p.participantKeys, 'prepared.participantKeys');
  assertArray(p.actionSignatures, 'prepared.actionSignatures');
  return value as PreparedChangeInput;
}

function detailOf(a: ActionSignature, field: string): EventDetail {
  return decodeEventDetail(decodeBase64(a.encodedMessageEventDetail, `${field}.encodedMessageEventDetail`));
}

/** The body form of an action signature (`signing_public_key` and `signature_payload` as the options say). */
export function actionSignatureBody(a: ActionSignature, signingPublicKey: string | undefined, opts: RequestOptions): ActionSignatureBody {
  const sig: MessageEventSignatureBody = {
    signature: a.signature,
    public_key_version: a.publicKeyVersion,
    signature_version: a.signatureVersion,
  };
  if (signingPublicKey !== undefined && opts.includeSigningPublicKey !== false) sig.signing_public_key = signingPublicKey;
  const out: ActionSignatureBody = {
    message_id: a.messageId,
    encoded_message_event_detail: a.encodedMessageEventDetail,
    message_event_signature: sig,
  };
  if (a.signaturePayload !== undefined && opts.includeSignaturePayload !== false) out.signature_payload = a.signaturePayload;
  return out;
}

/** A key-change action for the body: never with `signature_payload`, which holds the plaintext key from version 6. */
function keyChangeAction(a: ActionSignature, signingPublicKey: string | undefined, opts: RequestOptions): ActionSignatureBody {
  const { signaturePayload: _secret, ...rest } = a;
  return actionSignatureBody(rest, signingPublicKey, opts);
}

function participantKeys(keys: ParticipantKey[]): ParticipantKeyBody[] {
  return keys.map((k) => ({ user_id: k.userId, encrypted_conversation_key: k.encryptedKey, public_key_version: k.publicKeyVersion }));
}

function inconsistent(what: string, field: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `the prepared change is inconsistent: ${what}`, field);
}

/** Checks the key-change action against the prepared key list and version. */
function checkKeyChange(p: PreparedChangeInput, d: EventDetail): void {
  if (d.type !== 'keyChange')
    inconsistent(`actionSignatures[0] is a ${d.type} event, expected a key change`, 'prepared.actionSignatures[0]');
  if (d.conversationKeyVersion !== p.conversationKeyVersion)
    inconsistent('the key change is signed for another key version', 'prepared.conversationKeyVersion');
  const signed = new Map((d.participantKeys ?? []).map((k) => [k.userId, k]));
  const same =
    signed.size === p.participantKeys.length &&
    p.participantKeys.every((q) => {
      const k = signed.get(q.userId);
      return k !== undefined && q.encryptedKey === k.encryptedKey && q.publicKeyVersion === k.publicKeyVersion;
    });
  if (!same) inconsistent('participantKeys differ from the signed key-change detail', 'prepared.participantKeys');
}

/**
 * The two actions of a group change (key change, then `type`), checked against the prepared
 * change: the key change matches its keys and version, the second has the expected type and the
 * same version. Returns both actions and the second's decoded detail.
 */
function pairedActions<K extends 'groupCreate' | 'groupMemberAdd'>(
  p: PreparedChangeInput,
  type: K,
  label: string,
): [ActionSignature, ActionSignature, Extract<EventDetail, { type: K }>] {
  const [kc, second] = p.actionSignatures;
  if (p.actionSignatures.length !== 2 || !kc || !second)
    inconsistent(`a ${label} has 2 action signatures, got ${p.actionSignatures.length}`, 'prepared.actionSignatures');
  checkKeyChange(p, detailOf(kc, 'prepared.actionSignatures[0]'));
  const d = detailOf(second, 'prepared.actionSignatures[1]');
  if (d.type !== type) inconsistent(`actionSignatures[1] is a ${d.type} event, expected a ${label}`, 'prepared.actionSignatures[1]');
  if (d.conversationKeyVersion !== p.conversationKeyVersion)
    inconsistent(`the ${label} is signed for another key version`, 'prepared.actionSignatures[1]');
  return [kc, second, d as Extract<EventDetail, { type: K }>];
}

function rotationOption(opts: RequestOptions): { base64_encoded_key_rotation?: string } {
  if (opts.keyRotation === undefined) return {};
  parseKeyRotation(assertString(opts.keyRotation, 'options.keyRotation'));
  return { base64_encoded_key_rotation: opts.keyRotation };
}

function signingKeyOf(p: PreparedChangeInput): string | undefined {
  return p.sender?.signingPublicKey;
}

/**
 * Builds the body of `POST /2/chat/conversations/group` from a prepared group create.
 * @param prepared - the result of `prepareGroupCreate` (chat-keykit's or the official SDK's)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when `prepared` is not a group create or is internally
 * inconsistent (its signed details say something else than its other fields)
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE` for a signed
 * detail (`encodedMessageEventDetail`) or `options.keyRotation` that does not decode
 * @example
 * const body = createGroupRequest(await prepareGroupCreate(params));
 * await fetch('https://api.x.com/2/chat/conversations/group', { method: 'POST', body: JSON.stringify(body) });
 */
export function createGroupRequest(prepared: PreparedChangeInput, options: CreateGroupRequestOptions = {}): CreateGroupBody {
  const p = assertPrepared(prepared);
  const opts = assertObject(options, 'options') as CreateGroupRequestOptions;
  const [kc, gc, d] = pairedActions(p, 'groupCreate', 'group create');
  const conversationId = assertString(p.conversationId, 'prepared.conversationId');
  if (opts.description !== undefined && typeof opts.description !== 'string') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a string, got ${typeName(opts.description)}`, 'options.description');
  }
  const signingKey = signingKeyOf(p);
  const body: CreateGroupBody = {
    conversation_id: conversationId,
    conversation_key_version: p.conversationKeyVersion,
    conversation_participant_keys: participantKeys(p.participantKeys),
    group_members: d.memberIds ?? [],
    group_admins: d.adminIds ?? [],
    ...(d.title === undefined ? {} : { group_name: d.title }),
    ...(d.avatarUrl === undefined ? {} : { group_avatar_url: d.avatarUrl }),
    ...(opts.description === undefined ? {} : { group_description: opts.description }),
    ...(d.ttlMsec === undefined ? {} : { ttl_msec: d.ttlMsec.toString() }),
    action_signatures: [keyChangeAction(kc, signingKey, opts), actionSignatureBody(gc, signingKey, opts)],
    ...rotationOption(opts),
  };
  return body;
}

/**
 * Builds the body of `POST /2/chat/conversations/{id}/keys` (start a one-to-one, or rotate any
 * conversation's key) from a prepared key change.
 * @param prepared - the result of `prepareConversationKeyChange` (chat-keykit's or the official SDK's)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when `prepared` is not a key change or is internally
 * inconsistent (its signed details say something else than its other fields)
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE` for a signed
 * detail (`encodedMessageEventDetail`) or `options.keyRotation` that does not decode
 * @example
 * const change = await prepareConversationKeyChange(params);
 * const body = addConversationKeysRequest(change);
 * await fetch(`https://api.x.com/2/chat/conversations/${change.conversationId}/keys`, { method: 'POST', body: JSON.stringify(body) });
 */
export function addConversationKeysRequest(prepared: PreparedChangeInput, options: RequestOptions = {}): AddConversationKeysBody {
  const p = assertPrepared(prepared);
  const opts = assertObject(options, 'options') as RequestOptions;
  const [kc] = p.actionSignatures;
  if (p.actionSignatures.length !== 1 || !kc)
    inconsistent(`a key change has 1 action signature, got ${p.actionSignatures.length}`, 'prepared.actionSignatures');
  checkKeyChange(p, detailOf(kc, 'prepared.actionSignatures[0]'));
  return {
    conversation_key_version: p.conversationKeyVersion,
    conversation_participant_keys: participantKeys(p.participantKeys),
    action_signatures: [keyChangeAction(kc, signingKeyOf(p), opts)],
    ...rotationOption(opts),
  };
}

/**
 * Builds the body of `POST /2/chat/conversations/{id}/members` from a prepared member add.
 * `user_ids` are the signed new member ids; the participant keys cover the whole new roster. The
 * group's title and avatar URL, re-encrypted with the new key, go in as options.
 * @param prepared - the result of `prepareGroupMembersChange` (chat-keykit's or the official SDK's)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when `prepared` is not a member add or is internally
 * inconsistent (its signed details say something else than its other fields), for an
 * `options.keyRotation` (the members endpoint has no such field), or for encrypted metadata that is
 * too short or does not open with the new key
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE` for a signed
 * detail (`encodedMessageEventDetail`) that does not decode; `ERR_INVALID_BASE64` for encrypted
 * metadata that is not base64
 * @example
 * const prepared = await prepareGroupMembersChange(params);
 * const body = addMembersRequest(prepared, { encryptedTitle: await encryptMetadata('Team', prepared.conversationKey) });
 * await fetch(`https://api.x.com/2/chat/conversations/${prepared.conversationId}/members`, { method: 'POST', body: JSON.stringify(body) });
 */
export function addMembersRequest(prepared: PreparedChangeInput, options: AddMembersRequestOptions = {}): AddMembersBody {
  const p = assertPrepared(prepared);
  const opts = assertObject(options, 'options') as AddMembersRequestOptions & RequestOptions;
  if (opts.keyRotation !== undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'the members endpoint has no base64_encoded_key_rotation field',
      'options.keyRotation',
    );
  }
  const [kc, add, d] = pairedActions(p, 'groupMemberAdd', 'member add');
  const signingKey = signingKeyOf(p);
  return {
    user_ids: d.memberIds ?? [],
    conversation_key_version: p.conversationKeyVersion,
    conversation_participant_keys: participantKeys(p.participantKeys),
    action_signatures: [keyChangeAction(kc, signingKey, opts), actionSignatureBody(add, signingKey, opts)],
    ...encryptedMetadata(opts.encryptedTitle, p.conversationKey, 'encrypted_title', 'options.encryptedTitle'),
    ...encryptedMetadata(opts.encryptedAvatarUrl, p.conversationKey, 'encrypted_avatar_url', 'options.encryptedAvatarUrl'),
  };
}

/**
 * An encrypted metadata field: standard base64 of a secretbox blob (at least 40 bytes) that, when
 * the prepared change carries its new key, opens with that key (a title left under the old key
 * would be unreadable to the new members).
 */
function encryptedMetadata(value: unknown, key: Uint8Array | undefined, name: string, field: string): Record<string, string> {
  if (value === undefined) return {};
  const blob = decodeBase64(assertString(value, field), field);
  if (blob.length < SECRETBOX_OVERHEAD)
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `expected encryptMetadata output (at least ${SECRETBOX_OVERHEAD} bytes), got ${blob.length} bytes`,
      field,
    );
  if (key instanceof Uint8Array && key.length === 32) {
    const plain = openSecretbox(key, blob);
    if (plain === null)
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        'does not open with the new conversation key: encrypt it with prepared.conversationKey',
        field,
      );
    wipe(plain);
  }
  return { [name]: value as string };
}
