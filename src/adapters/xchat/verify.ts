/**
 * Verifying X API request bodies the way the server and the receiving members do (PROTOCOL.md
 * §3.1, §6, §9, §10).
 *
 * A report lists every problem found, each with a stable `code`, the JSON `path` at fault and a
 * sentence a person can act on. Checks:
 * - the body's structure against the X API schema (restated in `schema.ts`);
 * - every action signature, in the SDK's order (key change first): signature version within 2..7
 *   (below is a downgrade), the sender's signing key picked by user id and key version from the
 *   caller's `signingKeys` (never from the body), that key's binding to its identity key, and the
 *   ECDSA signature over the payload rebuilt from the event detail; no `signature_payload` on a
 *   key change (it would carry the plaintext key);
 * - the Thrift event details decode and agree with the body: members (in order), admins, title,
 *   avatar, TTL, key version, the participant keys;
 * - one wrapped key per member, none extra;
 * - with `recipient`, that member's key unwraps and the key-change signature verifies over it
 *   (signature versions 6 and 7 sign the plaintext key, so only a member can check them).
 *
 * Admin ids and the TTL are not signed at version 7: the event detail is their only anchor, so a
 * body that disagrees with the detail is rejected.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, KeykitError } from '../../errors.js';

export type { SigningKeyEntry } from '../../core/trust.js';
import { assertObject, assertString, assertXUserId } from '../../guards.js';
import type { CryptoBackend } from '../../core/backend.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { eciesUnwrap, WRAPPED_KEY_LENGTH } from '../../core/ecies.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import { GROUP_ID } from '../../core/prepare.js';
import { parsePrivateKey } from '../../core/scalar.js';
import { SecretBytes, wipe } from '../../core/secret.js';
import { verifyPayload } from '../../core/signing.js';
import { decodeBase64, isCanonicalBase64 } from '../../wire/base64.js';
import { decodeEventDetail, type EventDetail, type GroupCreateDetail, type GroupMemberAddDetail, type KeyChangeDetail, type ParticipantKey } from '../../wire/events.js';
import { checkSignatureVersion, groupCreatePayload, groupMemberAddPayload, keyChangePayload } from '../../wire/payloads.js';
import { parseKeyRotation } from '../../wire/rotation.js';
import { AddConversationKeysSchema, AddMembersSchema, checkSchema, CreateGroupSchema, type Rule } from './schema.js';

/** Stable codes of verification problems. */
export const ProblemCodes = {
  SCHEMA: 'SCHEMA',
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  CONVERSATION_ID_INVALID: 'CONVERSATION_ID_INVALID',
  MEMBER_ID_INVALID: 'MEMBER_ID_INVALID',
  DUPLICATE_MEMBER: 'DUPLICATE_MEMBER',
  SENDER_NOT_MEMBER: 'SENDER_NOT_MEMBER',
  ADMIN_NOT_MEMBER: 'ADMIN_NOT_MEMBER',
  TTL_INVALID: 'TTL_INVALID',
  KEY_VERSION_INVALID: 'KEY_VERSION_INVALID',
  PARTICIPANT_KEY_MISSING: 'PARTICIPANT_KEY_MISSING',
  PARTICIPANT_KEY_EXTRA: 'PARTICIPANT_KEY_EXTRA',
  PARTICIPANT_KEY_DUPLICATE: 'PARTICIPANT_KEY_DUPLICATE',
  PARTICIPANT_KEY_MALFORMED: 'PARTICIPANT_KEY_MALFORMED',
  ACTION_SIGNATURE_MISSING: 'ACTION_SIGNATURE_MISSING',
  ACTION_SIGNATURE_UNEXPECTED: 'ACTION_SIGNATURE_UNEXPECTED',
  /** The actions are not in the SDK's order (key change first). */
  ACTION_SIGNATURE_ORDER: 'ACTION_SIGNATURE_ORDER',
  /** A key-change entry carries `signature_payload`, which (from version 6) holds the plaintext key. */
  SIGNATURE_PAYLOAD_EXPOSES_KEY: 'SIGNATURE_PAYLOAD_EXPOSES_KEY',
  MESSAGE_ID_INVALID: 'MESSAGE_ID_INVALID',
  DUPLICATE_MESSAGE_ID: 'DUPLICATE_MESSAGE_ID',
  DETAIL_UNDECODABLE: 'DETAIL_UNDECODABLE',
  DETAIL_INCOMPLETE: 'DETAIL_INCOMPLETE',
  SIGNATURE_VERSION_UNSUPPORTED: 'SIGNATURE_VERSION_UNSUPPORTED',
  SIGNING_KEY_NOT_FOUND: 'SIGNING_KEY_NOT_FOUND',
  KEY_BINDING_INVALID: 'KEY_BINDING_INVALID',
  SIGNATURE_MALFORMED: 'SIGNATURE_MALFORMED',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  PAYLOAD_UNBUILDABLE: 'PAYLOAD_UNBUILDABLE',
  MEMBERS_MISMATCH: 'MEMBERS_MISMATCH',
  ADMINS_MISMATCH: 'ADMINS_MISMATCH',
  TITLE_MISMATCH: 'TITLE_MISMATCH',
  AVATAR_MISMATCH: 'AVATAR_MISMATCH',
  TTL_MISMATCH: 'TTL_MISMATCH',
  KEY_VERSION_MISMATCH: 'KEY_VERSION_MISMATCH',
  PARTICIPANT_KEYS_MISMATCH: 'PARTICIPANT_KEYS_MISMATCH',
  /** A body that changes the key but does not say to which version (optional in the schema). */
  KEY_VERSION_MISSING: 'KEY_VERSION_MISSING',
  KEY_ROTATION_INVALID: 'KEY_ROTATION_INVALID',
  RECIPIENT_NOT_MEMBER: 'RECIPIENT_NOT_MEMBER',
  UNWRAP_FAILED: 'UNWRAP_FAILED',
} as const;

/** A verification problem code. */
export type ProblemCode = (typeof ProblemCodes)[keyof typeof ProblemCodes];

/** One thing wrong with a body. */
export interface VerificationProblem {
  code: ProblemCode;
  /** JSON path into the body (`action_signatures[1].message_event_signature.signature`). */
  path: string;
  message: string;
}

/** The verifier's verdict. */
export interface VerificationReport {
  /** True when no problem was found. */
  valid: boolean;
  problems: VerificationProblem[];
  /** What could not be checked and why (e.g. a v7 key-change signature without `recipient`). */
  notes: string[];
  /** The recipient's conversation key, only when `recipient` was given and the body is valid. */
  conversationKey?: SecretBytes;
}

/** The member whose view to take: they unwrap their key and check the key-change signature. */
export interface VerifyRecipient {
  userId: string;
  identityPrivateKey: Uint8Array;
}

/** Options of the verifiers. */
export interface VerifyOptions extends CryptoOptions {
  /** The authenticated user who sends the request (the signer). */
  senderId: string;
  /** Known signing keys (the SDK's `SigningKeyEntry[]`); only these are trusted. */
  signingKeys: SigningKeyEntry[];
  recipient?: VerifyRecipient;
}

/** Options of the verifiers of the `/keys` and `/members` bodies, whose conversation id is in the URL. */
export interface VerifyInConversationOptions extends VerifyOptions {
  conversationId: string;
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  backend: CryptoBackend;
  senderId: string;
  keys: SigningKeys;
  recipient: { userId: string; identityPrivateKey: SecretBytes } | undefined;
  problems: VerificationProblem[];
  notes: string[];
}

function add(ctx: Ctx, code: ProblemCode, path: string, message: string): void {
  ctx.problems.push({ code, path, message });
}

async function context(options: VerifyOptions): Promise<Ctx> {
  const o = assertObject(options, 'options');
  const senderId = assertXUserId(o.senderId, 'options.senderId');
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  let recipient: Ctx['recipient'];
  if (o.recipient !== undefined) {
    const r = assertObject(o.recipient, 'options.recipient');
    recipient = {
      userId: assertXUserId(r.userId, 'options.recipient.userId'),
      identityPrivateKey: parsePrivateKey(r.identityPrivateKey, 'options.recipient.identityPrivateKey'),
    };
  }
  const backend = await resolveBackend(options.backend);
  return { backend, senderId, keys: new SigningKeys(entries, backend), recipient, problems: [], notes: [] };
}

async function signingKeyFor(ctx: Ctx, version: string, path: string): Promise<Uint8Array | null> {
  const r = await ctx.keys.lookup(ctx.senderId, version);
  if (r.ok) return r.key;
  add(ctx, r.reason === 'not_found' ? ProblemCodes.SIGNING_KEY_NOT_FOUND : ProblemCodes.KEY_BINDING_INVALID, path, r.message);
  return null;
}

/** A parsed action signature, ready for its payload check. */
interface Action {
  path: string;
  messageId: string;
  detail: EventDetail;
  version: number;
  publicKeyVersion: string;
  signature: Uint8Array;
  /** Whether the entry carries `signature_payload` (a debugging aid the server only logs). */
  hasPayloadText: boolean;
}

/** Parses one `action_signatures[]` item; reports and returns null when it cannot be checked. */
function parseAction(ctx: Ctx, value: unknown, path: string): Action | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  const mes = (a.message_event_signature ?? {}) as Record<string, unknown>;
  if (typeof a.message_id !== 'string' || typeof a.encoded_message_event_detail !== 'string') return null;
  if (typeof mes.signature !== 'string' || typeof mes.public_key_version !== 'string' || typeof mes.signature_version !== 'string') return null;
  let ok = true;
  if (a.message_id.length === 0 || a.message_id.includes(',')) {
    add(ctx, ProblemCodes.MESSAGE_ID_INVALID, `${path}.message_id`, 'a message id must be non-empty and comma-free');
    ok = false;
  }
  let detail: EventDetail | undefined;
  try {
    detail = decodeEventDetail(decodeBase64(a.encoded_message_event_detail, 'encoded_message_event_detail'));
  } catch (e) {
    add(ctx, ProblemCodes.DETAIL_UNDECODABLE, `${path}.encoded_message_event_detail`, `the event detail is not a valid Thrift MessageEventDetail (${(e as KeykitError).code ?? 'error'})`);
    ok = false;
  }
  let version = 0;
  try {
    version = checkSignatureVersion(mes.signature_version);
  } catch (e) {
    add(ctx, ProblemCodes.SIGNATURE_VERSION_UNSUPPORTED, `${path}.message_event_signature.signature_version`, (e as Error).message.replace(/^[^:]*: /, ''));
    ok = false;
  }
  let signature: Uint8Array | undefined;
  try {
    signature = decodeBase64(mes.signature, 'signature');
    if (signature.length !== 64) throw new Error();
  } catch {
    add(ctx, ProblemCodes.SIGNATURE_MALFORMED, `${path}.message_event_signature.signature`, 'the signature is not base64 of a 64-byte r‖s');
    ok = false;
  }
  if (!ok || !detail || !signature) return null;
  return { path, messageId: a.message_id, detail, version, publicKeyVersion: mes.public_key_version, signature, hasPayloadText: a.signature_payload !== undefined };
}

/**
 * Verifies an action's signature over the payload `build` rebuilds. A null payload means the
 * ECDSA check itself cannot be made (a v6+ key change without a recipient); the signing key is
 * still selected by user id and version and its binding checked, since that needs no payload.
 */
async function checkSignature(ctx: Ctx, a: Action, build: () => string | null): Promise<boolean> {
  let payload: string | null;
  try {
    payload = build();
  } catch (e) {
    add(ctx, ProblemCodes.PAYLOAD_UNBUILDABLE, a.path, `the signed payload cannot be rebuilt from the detail (${e instanceof KeykitError ? e.code : 'error'})`);
    return false;
  }
  const key = await signingKeyFor(ctx, a.publicKeyVersion, `${a.path}.message_event_signature.public_key_version`);
  if (!key) return false;
  if (payload === null) return true;
  if (!(await verifyPayload(ctx.backend, key, payload, a.signature))) {
    add(ctx, ProblemCodes.SIGNATURE_INVALID, `${a.path}.message_event_signature.signature`, `the signature does not verify for sender ${ctx.senderId} over the ${eventLabel(a.detail)} (signature version ${a.version}): the body or its detail was changed, or someone else signed it`);
    return false;
  }
  return true;
}

function eventLabel(d: EventDetail): string {
  return d.type === 'keyChange' ? 'key change' : d.type === 'groupCreate' ? 'group create' : d.type === 'groupMemberAdd' ? 'member add' : 'event';
}

/** Splits `action_signatures` into the expected event types, reporting missing and extra ones. */
function sortActions(ctx: Ctx, body: Record<string, unknown>, expected: EventDetail['type'][]): Map<EventDetail['type'], Action> {
  const out = new Map<EventDetail['type'], Action>();
  const list = body.action_signatures;
  if (list === undefined) {
    add(ctx, ProblemCodes.ACTION_SIGNATURE_MISSING, 'action_signatures', `the request must carry signed ${expected.map((t) => labelOf(t)).join(' and ')} actions`);
    return out;
  }
  if (!Array.isArray(list)) return out;
  const ids = new Set<string>();
  let unreadable = 0;
  list.forEach((item, i) => {
    const a = parseAction(ctx, item, `action_signatures[${i}]`);
    if (!a) {
      unreadable++;
      return;
    }
    if (ids.has(a.messageId)) add(ctx, ProblemCodes.DUPLICATE_MESSAGE_ID, `${a.path}.message_id`, 'two actions share a message id');
    ids.add(a.messageId);
    if (!expected.includes(a.detail.type) || out.has(a.detail.type)) {
      add(ctx, ProblemCodes.ACTION_SIGNATURE_UNEXPECTED, a.path, `unexpected ${eventLabel(a.detail)} action: this request carries exactly one ${expected.map(labelOf).join(' and one ')}`);
      return;
    }
    const rank = expected.indexOf(a.detail.type);
    if ([...out.keys()].some((t) => expected.indexOf(t) > rank)) {
      add(ctx, ProblemCodes.ACTION_SIGNATURE_ORDER, a.path, `the ${eventLabel(a.detail)} action is out of order: the actions go ${expected.map(labelOf).join(', then ')}`);
    }
    if (a.detail.type === 'keyChange' && a.hasPayloadText) {
      add(ctx, ProblemCodes.SIGNATURE_PAYLOAD_EXPOSES_KEY, `${a.path}.signature_payload`, 'a key-change entry must not carry signature_payload: the signed string contains the plaintext conversation key');
    }
    out.set(a.detail.type, a);
  });
  // An action that could not be read was reported already; do not also call it missing.
  for (const t of expected) {
    if (!out.has(t) && unreadable === 0) {
      add(ctx, ProblemCodes.ACTION_SIGNATURE_MISSING, 'action_signatures', `no ${labelOf(t)} action signature`);
    }
  }
  return out;
}

function labelOf(t: EventDetail['type']): string {
  return t === 'keyChange' ? 'key change' : t === 'groupCreate' ? 'group create' : t === 'groupMemberAdd' ? 'member add' : t;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Checks a list of user ids: X form, no duplicates. */
function checkIds(ctx: Ctx, ids: readonly string[], path: string, label: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (!/^[0-9]{1,19}$/.test(id)) add(ctx, ProblemCodes.MEMBER_ID_INVALID, `${path}[${i}]`, `${label} id "${truncate(id)}" is not an X user id`);
    if (seen.has(id)) add(ctx, ProblemCodes.DUPLICATE_MEMBER, `${path}[${i}]`, `${label} ${truncate(id)} is listed twice`);
    seen.add(id);
  });
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Is `s` canonical standard base64 of a 113-byte wrapped key, padded or not? */
const isWrappedKeyText = (s: string): boolean => isCanonicalBase64(s, WRAPPED_KEY_LENGTH, 'optional');

/** The path of a participant key, built only for a problem (ten thousand keys, ten thousand strings). */
const keyPath = (i: number, field = ''): string => `conversation_participant_keys[${i}]${field}`;

/** One or more ASCII digits (a character loop: ten thousand short regex runs cost more). */
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Body participant keys, checked against the roster they must cover exactly. */
function checkParticipantKeys(ctx: Ctx, body: Record<string, unknown>, roster: readonly string[] | undefined, rosterLabel: string): ParticipantKey[] | undefined {
  const list = body.conversation_participant_keys;
  if (!Array.isArray(list)) return undefined;
  const out: ParticipantKey[] = [];
  const seen = new Set<string>();
  const members = roster && new Set(roster);
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const k = item as Record<string, unknown>;
    if (typeof k.user_id !== 'string' || typeof k.encrypted_conversation_key !== 'string' || typeof k.public_key_version !== 'string') {
      add(ctx, ProblemCodes.PARTICIPANT_KEY_MALFORMED, keyPath(i), 'user_id, encrypted_conversation_key and public_key_version are all required');
      return;
    }
    if (seen.has(k.user_id)) add(ctx, ProblemCodes.PARTICIPANT_KEY_DUPLICATE, keyPath(i, '.user_id'), `user ${truncate(k.user_id)} has two wrapped keys`);
    seen.add(k.user_id);
    if (members && !members.has(k.user_id)) add(ctx, ProblemCodes.PARTICIPANT_KEY_EXTRA, keyPath(i, '.user_id'), `user ${truncate(k.user_id)} is not in ${rosterLabel} but gets the conversation key`);
    if (!isDigits(k.public_key_version)) add(ctx, ProblemCodes.PARTICIPANT_KEY_MALFORMED, keyPath(i, '.public_key_version'), 'the key version must be decimal');
    if (!isWrappedKeyText(k.encrypted_conversation_key)) {
      add(ctx, ProblemCodes.PARTICIPANT_KEY_MALFORMED, keyPath(i, '.encrypted_conversation_key'), `not canonical base64 of a ${WRAPPED_KEY_LENGTH}-byte wrapped key`);
    }
    out.push({ userId: k.user_id, encryptedKey: k.encrypted_conversation_key, publicKeyVersion: k.public_key_version });
  });
  roster?.forEach((id) => {
    if (!seen.has(id)) add(ctx, ProblemCodes.PARTICIPANT_KEY_MISSING, 'conversation_participant_keys', `member ${truncate(id)} has no wrapped key`);
  });
  return out;
}

const sameEntry = (a: ParticipantKey, b: ParticipantKey | undefined): boolean =>
  b !== undefined && a.userId === b.userId && a.encryptedKey === b.encryptedKey && a.publicKeyVersion === b.publicKeyVersion;

/**
 * Do the body's wrapped keys equal the signed ones, in any order? Builders keep the order, so the
 * entries are compared by position first; a map is built only when that fails. (Duplicate user
 * ids in the body are reported by checkParticipantKeys.)
 */
function sameKeys(body: readonly ParticipantKey[], signed: readonly ParticipantKey[]): boolean {
  if (body.length !== signed.length) return false;
  if (body.every((k, i) => sameEntry(k, signed[i]))) return true;
  const byUser = new Map(signed.map((k) => [k.userId, k]));
  return byUser.size === signed.length && body.every((k) => sameEntry(k, byUser.get(k.userId)));
}

/** The key-change action: detail against body, then its signature (with the recipient's key from v6). */
async function checkKeyChange(
  ctx: Ctx,
  a: Action | undefined,
  body: Record<string, unknown>,
  bodyKeys: ParticipantKey[] | undefined,
  conversationId: string,
): Promise<SecretBytes | undefined> {
  if (!a) return undefined;
  const d = a.detail as KeyChangeDetail;
  const path = `${a.path}.encoded_message_event_detail`;
  if (d.conversationKeyVersion === undefined || d.participantKeys === undefined) {
    add(ctx, ProblemCodes.DETAIL_INCOMPLETE, path, 'the key-change detail lacks its key version or participant keys');
    return undefined;
  }
  if (typeof body.conversation_key_version === 'string' && d.conversationKeyVersion !== body.conversation_key_version) {
    add(ctx, ProblemCodes.KEY_VERSION_MISMATCH, 'conversation_key_version', 'the body names another key version than the signed key change');
  }
  if (bodyKeys && !sameKeys(bodyKeys, d.participantKeys)) {
    add(ctx, ProblemCodes.PARTICIPANT_KEYS_MISMATCH, 'conversation_participant_keys', 'the wrapped keys differ from those in the key-change detail');
  }

  let key: SecretBytes | undefined;
  if (ctx.recipient) {
    const mine = d.participantKeys.find((k) => k.userId === ctx.recipient?.userId);
    if (!mine) {
      add(ctx, ProblemCodes.RECIPIENT_NOT_MEMBER, 'conversation_participant_keys', `the key change has no wrapped key for recipient ${ctx.recipient.userId}`);
    } else {
      try {
        const plain = await eciesUnwrap(ctx.backend, decodeBase64(mine.encryptedKey), ctx.recipient.identityPrivateKey);
        if (plain && plain.length === 32) {
          key = new SecretBytes(32);
          key.set(plain);
        }
        wipe(plain);
      } catch {
        // reported below
      }
      if (!key) add(ctx, ProblemCodes.UNWRAP_FAILED, path, `the wrapped key of recipient ${ctx.recipient.userId} does not open with their identity key`);
    }
  }
  const ok = await checkSignature(ctx, a, () => {
    if (a.version >= 6 && !key) {
      if (!ctx.recipient) ctx.notes.push(`${a.path}: a version ${a.version} key-change signature covers the plaintext conversation key; pass a recipient to check it`);
      return null;
    }
    return keyChangePayload(a.version, {
      messageId: a.messageId,
      senderId: ctx.senderId,
      conversationId,
      conversationKeyVersion: d.conversationKeyVersion as string,
      conversationKey: key,
      participantKeys: d.participantKeys,
    });
  });
  if (!ok && key) {
    wipe(key);
    key = undefined;
  }
  return key;
}

function checkRotation(ctx: Ctx, body: Record<string, unknown>): void {
  if (typeof body.base64_encoded_key_rotation !== 'string') return;
  try {
    parseKeyRotation(body.base64_encoded_key_rotation);
  } catch (e) {
    add(ctx, ProblemCodes.KEY_ROTATION_INVALID, 'base64_encoded_key_rotation', `not a base64 Thrift GroupOpData (${(e as KeykitError).code ?? 'error'})`);
  }
}

function checkKeyVersion(ctx: Ctx, body: Record<string, unknown>): void {
  const v = body.conversation_key_version;
  if (typeof v === 'string' && !/^[0-9]{1,20}$/.test(v)) add(ctx, ProblemCodes.KEY_VERSION_INVALID, 'conversation_key_version', 'the conversation key version must be decimal');
}

/**
 * A member add rotates the key (PROTOCOL.md §9.3): the schema leaves the key version and the
 * wrapped keys optional, but without them nobody, the new members included, gets the new key.
 */
function requireNewKey(ctx: Ctx, body: Record<string, unknown>): void {
  if (body.conversation_key_version === undefined) {
    add(ctx, ProblemCodes.KEY_VERSION_MISSING, 'conversation_key_version', 'a member add rotates the key: send the new conversation key version');
  }
  if (body.conversation_participant_keys === undefined) {
    add(ctx, ProblemCodes.PARTICIPANT_KEY_MISSING, 'conversation_participant_keys', 'a member add rotates the key: send a wrapped key for every member of the new roster');
  }
}

function finish(ctx: Ctx, key: SecretBytes | undefined): VerificationReport {
  const valid = ctx.problems.length === 0;
  if (ctx.recipient) wipe(ctx.recipient.identityPrivateKey);
  if (!valid && key) wipe(key);
  return { valid, problems: ctx.problems, notes: ctx.notes, ...(valid && key ? { conversationKey: key } : {}) };
}

function schemaFirst(ctx: Ctx, body: unknown, rule: Rule): Record<string, unknown> | null {
  for (const p of checkSchema(body, rule)) add(ctx, p.code, p.path, p.message);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

/**
 * Verifies the body of `POST /2/chat/conversations/group` as the server and a receiving member
 * would.
 * @param body - the parsed JSON body
 * @param options - `senderId` (the creator), `signingKeys`, optionally `recipient`
 * @returns a report; `valid` is true only when no problem was found. Malformed bodies give
 * problems, not exceptions.
 * @throws {InvalidInputError} only for malformed `options`
 * @example
 * const report = await verifyCreateGroupRequest(body, { senderId: '111', signingKeys, recipient: { userId: '222', identityPrivateKey } });
 * if (!report.valid) console.error(report.problems);
 */
export async function verifyCreateGroupRequest(body: unknown, options: VerifyOptions): Promise<VerificationReport> {
  const ctx = await context(options);
  const b = schemaFirst(ctx, body, CreateGroupSchema);
  if (!b) return finish(ctx, undefined);
  const conversationId = typeof b.conversation_id === 'string' ? b.conversation_id : '';
  if (typeof b.conversation_id === 'string' && !GROUP_ID.test(conversationId)) {
    add(ctx, ProblemCodes.CONVERSATION_ID_INVALID, 'conversation_id', 'a group id is g followed by 1 to 19 digits');
  }
  checkKeyVersion(ctx, b);
  const members = strings(b.group_members) ?? [];
  checkIds(ctx, members, 'group_members', 'member');
  const memberSet = new Set(members);
  if (strings(b.group_members) && !memberSet.has(ctx.senderId)) add(ctx, ProblemCodes.SENDER_NOT_MEMBER, 'group_members', `the creator ${ctx.senderId} is not a member`);
  // The server defaults absent admins to the creator.
  const admins = b.group_admins === undefined ? [ctx.senderId] : strings(b.group_admins);
  if (admins && b.group_admins !== undefined) {
    checkIds(ctx, admins, 'group_admins', 'admin');
    admins.forEach((id, i) => {
      if (!memberSet.has(id)) add(ctx, ProblemCodes.ADMIN_NOT_MEMBER, `group_admins[${i}]`, `admin ${truncate(id)} is not a member`);
    });
  }
  if (typeof b.ttl_msec === 'string' && !/^(0|[1-9][0-9]{0,18})$/.test(b.ttl_msec)) {
    add(ctx, ProblemCodes.TTL_INVALID, 'ttl_msec', 'ttl_msec must be the decimal string of a non-negative 64-bit integer');
  }
  checkRotation(ctx, b);
  const bodyKeys = checkParticipantKeys(ctx, b, members, 'group_members');
  const actions = sortActions(ctx, b, ['keyChange', 'groupCreate']);

  const create = actions.get('groupCreate');
  if (create) {
    const d = create.detail as GroupCreateDetail;
    const path = `${create.path}.encoded_message_event_detail`;
    if (d.memberIds === undefined || d.conversationKeyVersion === undefined) {
      add(ctx, ProblemCodes.DETAIL_INCOMPLETE, path, 'the group-create detail lacks its members or key version');
    } else {
      if (strings(b.group_members) && !sameList(d.memberIds, members)) add(ctx, ProblemCodes.MEMBERS_MISMATCH, 'group_members', 'the members (or their order) differ from the signed group create');
      if (admins && !sameList(d.adminIds ?? [], admins)) {
        const why = b.group_admins === undefined
          ? 'group_admins is absent, so the server makes the creator the only admin, but the detail names other admins'
          : 'the admins differ from the group-create detail (admins are not signed; the detail is their only anchor)';
        add(ctx, ProblemCodes.ADMINS_MISMATCH, 'group_admins', why);
      }
      if (b.group_name !== undefined && b.group_name !== d.title) add(ctx, ProblemCodes.TITLE_MISMATCH, 'group_name', 'group_name differs from the signed title');
      if (b.group_name === undefined && d.title !== undefined) add(ctx, ProblemCodes.TITLE_MISMATCH, 'group_name', 'the signed title is missing from the body');
      if (b.group_avatar_url !== undefined && b.group_avatar_url !== d.avatarUrl) add(ctx, ProblemCodes.AVATAR_MISMATCH, 'group_avatar_url', 'group_avatar_url differs from the signed avatar URL');
      if (b.group_avatar_url === undefined && d.avatarUrl !== undefined) add(ctx, ProblemCodes.AVATAR_MISMATCH, 'group_avatar_url', 'the signed avatar URL is missing from the body');
      const ttl = d.ttlMsec === undefined ? undefined : d.ttlMsec.toString();
      if (b.ttl_msec !== ttl) {
        add(ctx, ProblemCodes.TTL_MISMATCH, 'ttl_msec', ttl === undefined ? 'the body sets a TTL that the group-create detail does not have' : 'ttl_msec differs from the group-create detail (the TTL is not signed; the detail is its only anchor)');
      }
      if (typeof b.conversation_key_version === 'string' && d.conversationKeyVersion !== b.conversation_key_version) {
        add(ctx, ProblemCodes.KEY_VERSION_MISMATCH, path, 'the group create is signed for another key version than the body names');
      }
      await checkSignature(ctx, create, () =>
        groupCreatePayload(create.version, {
          messageId: create.messageId,
          senderId: ctx.senderId,
          conversationKeyVersion: d.conversationKeyVersion as string,
          memberIds: d.memberIds as string[],
          isLegacyGroupUpgrade: d.isLegacyGroupUpgrade,
          title: d.title,
          avatarUrl: d.avatarUrl,
        }),
      );
    }
  }
  const key = await checkKeyChange(ctx, actions.get('keyChange'), b, bodyKeys, conversationId);
  if (ctx.recipient && !memberSet.has(ctx.recipient.userId)) {
    add(ctx, ProblemCodes.RECIPIENT_NOT_MEMBER, 'group_members', `recipient ${ctx.recipient.userId} is not a member`);
  }
  return finish(ctx, key);
}

function inConversation(options: VerifyInConversationOptions): string {
  const id = assertString(assertObject(options, 'options').conversationId, 'options.conversationId');
  if (id.length === 0 || id.includes(',')) {
    throw new InvalidInputError(ErrorCodes.INVALID_CONVERSATION_ID, 'must be the non-empty, comma-free conversation id that was signed', 'options.conversationId');
  }
  return id;
}

/**
 * Verifies the body of `POST /2/chat/conversations/{id}/keys` (a key change).
 * @param options - as {@link verifyCreateGroupRequest}, plus the signed `conversationId`
 * (`g…`, or `min:max` for a one-to-one)
 */
export async function verifyAddConversationKeysRequest(body: unknown, options: VerifyInConversationOptions): Promise<VerificationReport> {
  const conversationId = inConversation(options);
  const ctx = await context(options);
  const b = schemaFirst(ctx, body, AddConversationKeysSchema);
  if (!b) return finish(ctx, undefined);
  checkKeyVersion(ctx, b);
  checkRotation(ctx, b);
  const actions = sortActions(ctx, b, ['keyChange']);
  const kc = actions.get('keyChange');
  const roster = (kc?.detail as KeyChangeDetail | undefined)?.participantKeys?.map((k) => k.userId);
  const bodyKeys = checkParticipantKeys(ctx, b, roster, 'the signed key change');
  if (roster && !roster.includes(ctx.senderId)) add(ctx, ProblemCodes.SENDER_NOT_MEMBER, 'conversation_participant_keys', `the sender ${ctx.senderId} gets no wrapped key`);
  const key = await checkKeyChange(ctx, kc, b, bodyKeys, conversationId);
  return finish(ctx, key);
}

/**
 * Verifies the body of `POST /2/chat/conversations/{id}/members` (a member add with key rotation).
 * The wrapped keys must cover exactly the signed current members plus the new ones.
 * @param options - as {@link verifyCreateGroupRequest}, plus the group's `conversationId`
 */
export async function verifyAddMembersRequest(body: unknown, options: VerifyInConversationOptions): Promise<VerificationReport> {
  const conversationId = inConversation(options);
  const ctx = await context(options);
  const b = schemaFirst(ctx, body, AddMembersSchema);
  if (!b) return finish(ctx, undefined);
  if (!GROUP_ID.test(conversationId)) add(ctx, ProblemCodes.CONVERSATION_ID_INVALID, '(conversation id)', 'a group id is g followed by 1 to 19 digits');
  checkKeyVersion(ctx, b);
  requireNewKey(ctx, b);
  const userIds = strings(b.user_ids) ?? [];
  checkIds(ctx, userIds, 'user_ids', 'new member');
  const actions = sortActions(ctx, b, ['keyChange', 'groupMemberAdd']);
  const addAction = actions.get('groupMemberAdd');
  let roster: string[] | undefined;
  if (addAction) {
    const d = addAction.detail as GroupMemberAddDetail;
    const path = `${addAction.path}.encoded_message_event_detail`;
    if (d.memberIds === undefined || d.currentMemberIds === undefined || d.currentAdminIds === undefined || d.conversationKeyVersion === undefined) {
      add(ctx, ProblemCodes.DETAIL_INCOMPLETE, path, 'the member-add detail lacks its new members, current members, admins or key version');
    } else {
      roster = [...d.currentMemberIds, ...d.memberIds];
      if (strings(b.user_ids) && !sameList(d.memberIds, userIds)) add(ctx, ProblemCodes.MEMBERS_MISMATCH, 'user_ids', 'user_ids differ from the signed new members');
      if (!d.currentMemberIds.includes(ctx.senderId)) add(ctx, ProblemCodes.SENDER_NOT_MEMBER, path, `the sender ${ctx.senderId} is not a current member`);
      d.memberIds.forEach((id) => {
        if (d.currentMemberIds?.includes(id)) add(ctx, ProblemCodes.DUPLICATE_MEMBER, path, `new member ${truncate(id)} is already a current member`);
      });
      if (typeof b.conversation_key_version === 'string' && d.conversationKeyVersion !== b.conversation_key_version) {
        add(ctx, ProblemCodes.KEY_VERSION_MISMATCH, path, 'the member add is signed for another key version than the body names');
      }
      await checkSignature(ctx, addAction, () =>
        groupMemberAddPayload(addAction.version, {
          messageId: addAction.messageId,
          senderId: ctx.senderId,
          conversationId,
          memberIds: d.memberIds as string[],
          currentMemberIds: d.currentMemberIds as string[],
          currentAdminIds: d.currentAdminIds as string[],
          currentPendingMemberIds: d.currentPendingMemberIds ?? [],
          currentTitle: d.currentTitle,
          currentAvatarUrl: d.currentAvatarUrl,
          currentTtlMsec: d.currentTtlMsec,
          conversationKeyVersion: d.conversationKeyVersion as string,
          screenCaptureBlockingEnabled: d.screenCaptureBlockingEnabled,
          groupInviteEnable: d.groupInviteEnable,
        }),
      );
    }
  }
  const bodyKeys = checkParticipantKeys(ctx, b, roster, 'the new roster (current + new members)');
  const key = await checkKeyChange(ctx, actions.get('keyChange'), b, bodyKeys, conversationId);
  return finish(ctx, key);
}
