/**
 * The action signatures of a body: reading them (message id, decoded detail, signature version
 * and bytes), sorting them into the expected event types in the SDK's order, rebuilding each
 * signed payload from its detail, and checking signatures with the sender's trusted key.
 *
 * @module
 */
import { KeykitError } from '../../../errors.js';
import { isSignable } from '../../../rules.js';
import type { SecretBytes } from '../../../core/secret.js';
import { verifyPayload } from '../../../core/signing.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { deferredPatternFails } from './schema.js';
import { decodeEventDetail, type EventDetail } from '../../../wire/xchat/details.js';
import { checkSignatureVersion, groupCreatePayload, groupMemberAddPayload, keyChangePayload } from '../../../wire/xchat/payloads.js';
import { add, type Ctx } from './context.js';

/** What reading actions needs of a verification: its limits and where problems and records go. */
export type Reader = Pick<Ctx, 'limits' | 'problems' | 'actions'>;
import { ProblemCodes, type ActionCheck } from './report.js';

/** The event types a body's actions may have. */
export type ActionType = ActionCheck['type'];

/** A readable action signature, ready for its payload check. */
export interface Action {
  path: string;
  messageId: string;
  detail: EventDetail & { type: ActionType };
  version: number;
  publicKeyVersion: string;
  signature: Uint8Array;
  /** Whether the entry carries `signature_payload` (a debugging aid the server only logs). */
  hasPayloadText: boolean;
  /** The record of what was checked (in the report). */
  check: ActionCheck;
}

/** Actions read (and decoded) per body at most: a request carries one or two. */
export const MAX_ACTIONS_READ = 8;

const LABEL: Record<ActionType, string> = { keyChange: 'key change', groupCreate: 'group create', groupMemberAdd: 'member add' };

/** Reads one `action_signatures[]` item; reports and returns null when it cannot be checked, `other` for an event type no request carries. */
function readAction(ctx: Reader, value: unknown, path: string): Action | 'other' | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  const mes = (a.message_event_signature ?? {}) as Record<string, unknown>;
  if (typeof a.message_id !== 'string' || typeof a.encoded_message_event_detail !== 'string') return null;
  if (typeof mes.signature !== 'string' || typeof mes.public_key_version !== 'string' || typeof mes.signature_version !== 'string')
    return null;
  let ok = true;
  if (!isSignable(a.message_id)) {
    add(ctx, ProblemCodes.MESSAGE_ID_INVALID, `${path}.message_id`, 'a message id must be non-empty and comma-free');
    ok = false;
  }
  let detail: EventDetail | undefined;
  const detailPath = `${path}.encoded_message_event_detail`;
  if (a.encoded_message_event_detail.length > ctx.limits.maxEncodedLength) {
    add(
      ctx,
      ProblemCodes.TOO_LARGE,
      detailPath,
      `the event detail is ${a.encoded_message_event_detail.length} characters, above the limit of ${ctx.limits.maxEncodedLength}`,
    );
    ok = false;
  } else {
    try {
      detail = decodeEventDetail(decodeBase64(a.encoded_message_event_detail, 'encoded_message_event_detail'));
    } catch (e) {
      const code = e instanceof KeykitError ? e.code : 'error';
      add(
        ctx,
        code === 'ERR_TOO_LARGE' ? ProblemCodes.TOO_LARGE : ProblemCodes.DETAIL_UNDECODABLE,
        detailPath,
        `the event detail is not a valid Thrift MessageEventDetail (${code})`,
      );
      // The schema leaves long details' pattern to this decode (schema.ts): report it here.
      if (deferredPatternFails(a.encoded_message_event_detail)) add(ctx, ProblemCodes.SCHEMA, detailPath, 'must match ^[A-Za-z0-9+/=_-]+$');
      ok = false;
    }
  }
  let version = 0;
  try {
    version = checkSignatureVersion(mes.signature_version);
  } catch (e) {
    add(
      ctx,
      ProblemCodes.SIGNATURE_VERSION_UNSUPPORTED,
      `${path}.message_event_signature.signature_version`,
      e instanceof KeykitError ? e.reason : 'unsupported',
    );
    ok = false;
  }
  let signature: Uint8Array | undefined;
  try {
    signature = decodeBase64(mes.signature, 'signature');
  } catch {
    // reported below
  }
  if (signature?.length !== 64) {
    add(ctx, ProblemCodes.SIGNATURE_MALFORMED, `${path}.message_event_signature.signature`, 'the signature is not base64 of a 64-byte r‖s');
    ok = false;
  }
  if (!ok || !detail || !signature) return null;
  if (detail.type === 'other') return 'other';
  const check: ActionCheck = { path, type: detail.type, messageId: a.message_id, signatureVersion: version, signature: 'failed' };
  return {
    path,
    messageId: a.message_id,
    detail: detail as Action['detail'],
    version,
    publicKeyVersion: mes.public_key_version,
    signature,
    hasPayloadText: a.signature_payload !== undefined,
    check,
  };
}

/**
 * Reads `action_signatures` and sorts them into the expected event types (the SDK's order), reporting
 * missing, extra, duplicate and out-of-order ones. Every readable action gets a record in the report.
 */
export function readActions(ctx: Reader, body: Record<string, unknown>, expected: readonly ActionType[]): Map<ActionType, Action> {
  const out = new Map<ActionType, Action>();
  const list = body.action_signatures;
  const want = expected.map((t) => LABEL[t]).join(' and one ');
  if (list === undefined) {
    add(
      ctx,
      ProblemCodes.ACTION_SIGNATURE_MISSING,
      'action_signatures',
      `the request must carry signed ${expected.map((t) => LABEL[t]).join(' and ')} actions`,
    );
    return out;
  }
  if (!Array.isArray(list)) return out;
  if (list.length > MAX_ACTIONS_READ) {
    add(
      ctx,
      ProblemCodes.ACTION_SIGNATURE_UNEXPECTED,
      'action_signatures',
      `${list.length} actions: this request carries exactly one ${want}; only the first ${MAX_ACTIONS_READ} were read`,
    );
  }
  const ids = new Set<string>();
  let unreadable = 0;
  for (let i = 0; i < Math.min(list.length, MAX_ACTIONS_READ); i++) {
    const a = readAction(ctx, list[i], `action_signatures[${i}]`);
    if (!a) {
      unreadable++;
      continue;
    }
    if (a === 'other') {
      add(
        ctx,
        ProblemCodes.ACTION_SIGNATURE_UNEXPECTED,
        `action_signatures[${i}]`,
        `unexpected event type: this request carries exactly one ${want}`,
      );
      continue;
    }
    ctx.actions.push(a.check);
    if (ids.has(a.messageId)) add(ctx, ProblemCodes.DUPLICATE_MESSAGE_ID, `${a.path}.message_id`, 'two actions share a message id');
    ids.add(a.messageId);
    const type = a.detail.type;
    if (!expected.includes(type) || out.has(type)) {
      add(
        ctx,
        ProblemCodes.ACTION_SIGNATURE_UNEXPECTED,
        a.path,
        `unexpected ${LABEL[type]} action: this request carries exactly one ${want}`,
      );
      continue;
    }
    const rank = expected.indexOf(type);
    if ([...out.keys()].some((t) => expected.indexOf(t) > rank)) {
      add(
        ctx,
        ProblemCodes.ACTION_SIGNATURE_ORDER,
        a.path,
        `the ${LABEL[type]} action is out of order: the actions go ${expected.map((t) => LABEL[t]).join(', then ')}`,
      );
    }
    if (type === 'keyChange' && a.hasPayloadText) {
      add(
        ctx,
        ProblemCodes.SIGNATURE_PAYLOAD_EXPOSES_KEY,
        `${a.path}.signature_payload`,
        'a key-change entry must not carry signature_payload: the signed string contains the plaintext conversation key',
      );
    }
    out.set(type, a);
  }
  // An action that could not be read was reported already; do not also call it missing.
  for (const t of expected) {
    if (!out.has(t) && unreadable === 0)
      add(ctx, ProblemCodes.ACTION_SIGNATURE_MISSING, 'action_signatures', `no ${LABEL[t]} action signature`);
  }
  return out;
}

/**
 * The payload an action's signature covers, rebuilt from its detail for a given sender, or null
 * when it needs the plaintext key (a version 6/7 key change) and none is given.
 * @throws {KeykitError} when the detail lacks what the payload needs or a component has a comma
 */
export function payloadOf(a: Action, senderId: string, conversationId: string, key: SecretBytes | undefined): string | null {
  const d = a.detail;
  const base = { messageId: a.messageId, senderId };
  switch (d.type) {
    case 'keyChange':
      if (a.version >= 6 && !key) return null;
      return keyChangePayload(a.version, {
        ...base,
        conversationId,
        conversationKeyVersion: d.conversationKeyVersion ?? '',
        conversationKey: key,
        participantKeys: d.participantKeys ?? [],
      });
    case 'groupCreate':
      return groupCreatePayload(a.version, {
        ...base,
        conversationKeyVersion: d.conversationKeyVersion ?? '',
        memberIds: d.memberIds ?? [],
        isLegacyGroupUpgrade: d.isLegacyGroupUpgrade,
        title: d.title,
        avatarUrl: d.avatarUrl,
      });
    case 'groupMemberAdd':
      return groupMemberAddPayload(a.version, {
        ...base,
        conversationId,
        memberIds: d.memberIds ?? [],
        currentMemberIds: d.currentMemberIds ?? [],
        currentAdminIds: d.currentAdminIds ?? [],
        currentPendingMemberIds: d.currentPendingMemberIds ?? [],
        currentTitle: d.currentTitle,
        currentAvatarUrl: d.currentAvatarUrl,
        currentTtlMsec: d.currentTtlMsec,
        conversationKeyVersion: d.conversationKeyVersion ?? '',
        screenCaptureBlockingEnabled: d.screenCaptureBlockingEnabled,
        groupInviteEnable: d.groupInviteEnable,
      });
  }
}

/**
 * Checks an action's signature with the sender's trusted key (picked by user id and version, its
 * binding checked; never a key from the body) over the payload rebuilt from its detail. Without
 * the plaintext key a version 6/7 key change cannot be checked: the key is still looked up and its
 * binding checked, and the action is recorded as `needs-recipient`.
 */
export async function checkSignature(ctx: Ctx, a: Action, conversationId: string, key: SecretBytes | undefined): Promise<boolean> {
  let payload: string | null;
  try {
    payload = payloadOf(a, ctx.senderId, conversationId, key);
  } catch (e) {
    add(
      ctx,
      ProblemCodes.PAYLOAD_UNBUILDABLE,
      a.path,
      `the signed payload cannot be rebuilt from the detail (${e instanceof KeykitError ? e.code : 'error'})`,
    );
    return false;
  }
  const found = await ctx.keys.lookup(ctx.senderId, a.publicKeyVersion);
  if (!found.ok) {
    add(
      ctx,
      found.reason === 'not_found' ? ProblemCodes.SIGNING_KEY_NOT_FOUND : ProblemCodes.KEY_BINDING_INVALID,
      `${a.path}.message_event_signature.public_key_version`,
      found.message,
    );
    return false;
  }
  if (payload === null) {
    a.check.signature = 'needs-recipient';
    return true;
  }
  if (!(await verifyPayload(ctx.backend, found.key, payload, a.signature))) {
    add(
      ctx,
      ProblemCodes.SIGNATURE_INVALID,
      `${a.path}.message_event_signature.signature`,
      `the signature does not verify for sender ${ctx.senderId} over the ${LABEL[a.detail.type]} (signature version ${a.version}): the body or its detail was changed, or someone else signed it`,
    );
    return false;
  }
  a.check.signature = 'verified';
  return true;
}
