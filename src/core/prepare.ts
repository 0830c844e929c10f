/**
 * Preparing signed conversation changes (PROTOCOL.md §4, §6, §8): a fresh conversation key,
 * wrapped for every participant, with the action signatures that let the server and every member
 * check who made the change.
 *
 * The three functions take the official SDK's parameters, except that the signer is explicit
 * (`params.sender`), and return the SDK's `PreparedConversationChange` plus what the request
 * adapters need to fill a body byte-identically. Inputs the SDK silently accepts but that make no
 * sense are refused before anything is signed (see each function's `@throws`).
 *
 * Randomness is consumed in a fixed order so that injected randomness reproduces outputs exactly:
 * the conversation key (32 bytes), then the message id of each action in order (16 bytes each,
 * unless `messageId` is injected), then one ephemeral scalar per recipient in participant order
 * (32 bytes, redrawn in the ~2^-32 case that it is out of range).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import {
  assertArray,
  assertDistinct,
  assertObject,
  assertSignable,
  assertString,
  assertTtl,
  assertUserId,
  assertVersion,
  assertXUserId,
  typeName,
} from '../guards.js';
import { encodeBase64, encodeBase64NoPad } from '../wire/base64.js';
import { encodeGroupCreateDetail, encodeGroupMemberAddDetail, encodeKeyChangeDetail, type ParticipantKey } from '../wire/events.js';
import { parsePublicKey } from '../wire/keys.js';
import { CURRENT_SIGNATURE_VERSION, groupCreatePayload, groupMemberAddPayload, keyChangePayload } from '../wire/payloads.js';
import type { CryptoBackend } from './backend.js';
import { randomSource, resolveBackend, type CryptoOptions, type RandomSource } from './context.js';
import { CONVERSATION_KEY_LENGTH } from './ecies.js';
import { parsePrivateKey } from './scalar.js';
import { SecretBytes, wipe } from './secret.js';
import { signPayload } from './signing.js';
import { wrapForRecipients, type Recipient } from './wrap.js';

export type { ParticipantKey } from '../wire/events.js';

/** A public key record, as the official SDK takes it (one per user and key version). */
export interface PublicKeyInput {
  userId: string;
  /** Identity public key: SEC1 or SPKI, bytes or standard base64. */
  publicKey: string | Uint8Array;
  /** Decimal key version; the highest one per user is used. */
  keyVersion: string;
}

/** The signer of a change: who, with which registered signing-key version, and the key itself. */
export interface Sender {
  userId: string;
  /** The signing-key version the X API holds for this key (decimal). */
  signingKeyVersion: string;
  /** 32-byte signing private scalar. */
  signingPrivateKey: Uint8Array;
}

/** An action signature, exactly as the official SDK returns it. */
export interface ActionSignature {
  messageId: string;
  /** Padded base64 Thrift MessageEventDetail. */
  encodedMessageEventDetail: string;
  /** Unpadded base64 64-byte `r‖s`. */
  signature: string;
  signatureVersion: string;
  /** The signer's signing-key version. */
  publicKeyVersion: string;
  /** The signed string (debugging aid); absent for key changes, whose payload contains the key. */
  signaturePayload?: string;
}

/** The official SDK's result shape. */
export interface PreparedConversationChange {
  conversationId: string;
  /** The new conversation key (redacted when printed). Keep it to encrypt messages. */
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  participantKeys: ParticipantKey[];
  actionSignatures: ActionSignature[];
}

/** The signer, as the adapters need it. */
export interface PreparedSender {
  userId: string;
  signingKeyVersion: string;
  /** The signer's signing public key, SEC1, standard padded base64. */
  signingPublicKey: string;
}

/** Result of {@link prepareConversationKeyChange}. */
export interface PreparedKeyChange extends PreparedConversationChange {
  kind: 'keyChange';
  sender: PreparedSender;
}

/** Result of {@link prepareGroupCreate}. */
export interface PreparedGroupCreate extends PreparedConversationChange {
  kind: 'groupCreate';
  sender: PreparedSender;
  memberIds: string[];
  adminIds: string[];
  title?: string;
  avatarUrl?: string;
  ttlMsec?: number;
}

/** Result of {@link prepareGroupMembersChange}. */
export interface PreparedGroupMembersChange extends PreparedConversationChange {
  kind: 'groupMembersAdd';
  sender: PreparedSender;
  newMemberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentPendingMemberIds: string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  currentTtlMsec?: number;
  currentScreenCaptureBlockingEnabled?: boolean;
}

/** Any prepared change. */
export type PreparedChange = PreparedKeyChange | PreparedGroupCreate | PreparedGroupMembersChange;

/** Options of the prepare functions. */
export interface PrepareOptions extends CryptoOptions {
  /** Clock in milliseconds (the conversation-key version). Default `Date.now`. */
  now?: () => number;
  /** Message-id generator. Default: a random UUID v4 drawn from the random source. */
  messageId?: () => string;
  /** Called as wrapping progresses, at most about 100 times, last with `done === total`. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Parallel wrapping: `'auto'` (default) uses workers for large groups where the backend supports
   * them (worker_threads with node, Web Workers with webcrypto where the runtime has them), a
   * number forces that many, 0 disables them. Output is identical either way.
   */
  workers?: 'auto' | number;
}

/** Parameters of {@link prepareConversationKeyChange}. */
export interface ConversationKeyChangeParams {
  /** Identity keys of every participant, yourself included. */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  /**
   * The conversation. Omit for a one-to-one: it is derived from the two participants as `min:max`.
   * Any non-empty, comma-free id is accepted (the Sendbird adapter uses channel URLs); X's
   * one-to-one forms (`A-B`, `A:B`, a bare peer id) are canonicalised to `min:max` like the SDK does.
   */
  conversationId?: string | null;
}

/** Parameters of {@link prepareGroupCreate}. */
export interface GroupCreateParams {
  /** Identity keys of every member (records of other users are ignored). */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  /** The `g…` id minted by `POST /2/chat/conversations/group/initialize`. */
  conversationId: string;
  /** Members in the order they are signed and sent; must include the sender. */
  memberIds: string[];
  /** Admins (members). Default: the sender. */
  adminIds?: string[] | null;
  /** Plaintext title; empty or absent means none (signed as `null`). */
  title?: string | null;
  avatarUrl?: string | null;
  /** Message time-to-live in milliseconds (non-negative integer); absent means none. */
  ttlMsec?: number | null;
}

/** Parameters of {@link prepareGroupMembersChange}. */
export interface GroupMembersChangeParams {
  /** Identity keys of every member of the new roster (current and new). */
  publicKeys: PublicKeyInput[];
  sender: Sender;
  conversationId: string;
  newMemberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentPendingMemberIds?: string[] | null;
  currentTitle?: string | null;
  currentAvatarUrl?: string | null;
  currentTtlMsec?: number | null;
  currentScreenCaptureBlockingEnabled?: boolean | null;
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  backend: CryptoBackend;
  random: RandomSource;
  options: PrepareOptions;
}

async function context(options: PrepareOptions | undefined): Promise<Ctx> {
  const opts = options ?? {};
  if (typeof opts !== 'object') throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an options object, got ${typeName(opts)}`, 'options');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a function (done, total) => void', 'options.onProgress');
  }
  const backend = await resolveBackend(opts.backend);
  return { backend, random: randomSource(opts, backend), options: opts };
}

function keyVersionNow(ctx: Ctx): string {
  const now = ctx.options.now ?? Date.now;
  const t = now();
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must return a non-negative integer number of milliseconds', 'options.now');
  }
  return String(t);
}

function uuidV4(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function newMessageId(ctx: Ctx, index: number): string {
  const gen = ctx.options.messageId;
  if (gen === undefined) return uuidV4(ctx.random(16));
  if (typeof gen !== 'function') throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a function () => string', 'options.messageId');
  return assertSignable(gen(), `options.messageId() (action ${index})`);
}

function checkSender(value: unknown, xIds: boolean): Sender & { signingPrivateKey: SecretBytes } {
  if (value === undefined) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'is required: { userId, signingKeyVersion, signingPrivateKey } (chat-keykit has no session identity)', 'params.sender');
  }
  const s = assertObject(value, 'params.sender');
  const userId = xIds ? assertXUserId(s.userId, 'params.sender.userId') : assertUserId(s.userId, 'params.sender.userId');
  return {
    userId,
    signingKeyVersion: assertVersion(s.signingKeyVersion, 'params.sender.signingKeyVersion'),
    signingPrivateKey: parsePrivateKey(s.signingPrivateKey, 'params.sender.signingPrivateKey'),
  };
}

/**
 * Keeps one record per user, the highest numeric key version (the SDK's rule), in order of first
 * appearance. Every record is validated, including those of users that end up unused.
 */
function latestKeys(value: unknown): Map<string, Recipient> {
  const list = assertArray(value, 'params.publicKeys');
  const out = new Map<string, Recipient>();
  list.forEach((item, i) => {
    const f = `params.publicKeys[${i}]`;
    const rec = assertObject(item, f);
    const userId = assertUserId(rec.userId, `${f}.userId`);
    const keyVersion = assertVersion(rec.keyVersion, `${f}.keyVersion`);
    const publicKey = parsePublicKey(rec.publicKey, `${f}.publicKey`);
    const prev = out.get(userId);
    if (prev) {
      const a = BigInt(prev.keyVersion);
      const b = BigInt(keyVersion);
      if (a === b) {
        if (encodeBase64(prev.publicKey) !== encodeBase64(publicKey)) {
          throw new InvalidInputError(ErrorCodes.DUPLICATE_ID, `user ${userId} has two different keys with version ${keyVersion}`, f);
        }
        return;
      }
      if (b < a) return;
    }
    out.set(userId, { userId, keyVersion, publicKey });
  });
  return out;
}

function recipientsFor(keys: Map<string, Recipient>, userIds: readonly string[], field: string): Recipient[] {
  return userIds.map((id, i) => {
    const r = keys.get(id);
    if (!r) {
      throw new InvalidInputError(ErrorCodes.MISSING_PUBLIC_KEY, `member ${id} has no public key in params.publicKeys (the SDK would silently leave them out)`, `${field}[${i}]`);
    }
    return r;
  });
}

function idList(value: unknown, field: string, x = true): string[] {
  const list = assertArray(value, field);
  const ids = list.map((v, i) => (x ? assertXUserId(v, `${field}[${i}]`) : assertUserId(v, `${field}[${i}]`)));
  assertDistinct(ids, field);
  return ids;
}

function subset(ids: readonly string[], of: ReadonlySet<string>, field: string, what: string): void {
  ids.forEach((id, i) => {
    if (!of.has(id)) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `${id} is not ${what}`, `${field}[${i}]`);
  });
}

/** An optional signed string: absent or empty means none (like the SDK); otherwise comma-free. */
function optText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = assertString(value, field);
  if (s === '') return undefined;
  return assertSignable(s, field);
}

function optTtl(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  return assertTtl(value, field);
}

async function signAction(
  ctx: Ctx,
  sender: Sender & { signingPrivateKey: SecretBytes },
  messageId: string,
  detail: Uint8Array,
  payload: string,
  exposePayload: boolean,
): Promise<ActionSignature> {
  const sig = await signPayload(ctx.backend, sender.signingPrivateKey, payload);
  return {
    messageId,
    encodedMessageEventDetail: encodeBase64(detail),
    signature: encodeBase64NoPad(sig),
    signatureVersion: String(CURRENT_SIGNATURE_VERSION),
    publicKeyVersion: sender.signingKeyVersion,
    ...(exposePayload ? { signaturePayload: payload } : {}),
  };
}

/** Key, version and wraps: the part every change shares. */
/** A fresh conversation key: the first bytes drawn (the CSPRNG's copy is wiped). */
function drawConversationKey(ctx: Ctx): SecretBytes {
  const keyBytes = ctx.random(CONVERSATION_KEY_LENGTH);
  const conversationKey = new SecretBytes(CONVERSATION_KEY_LENGTH);
  conversationKey.set(keyBytes);
  if (!ctx.random.injected) wipe(keyBytes);
  return conversationKey;
}

/** The key's version, the actions' message ids and the wraps, in the documented random order. */
async function versionIdsAndWraps(ctx: Ctx, conversationKey: SecretBytes, recipients: Recipient[], actions: number) {
  const conversationKeyVersion = keyVersionNow(ctx);
  const messageIds = Array.from({ length: actions }, (_, i) => newMessageId(ctx, i));
  const participantKeys = await wrapForRecipients(ctx.backend, conversationKey, recipients, ctx.random, ctx.options);
  return { conversationKey, conversationKeyVersion, messageIds, participantKeys };
}

async function keyChangeAction(
  ctx: Ctx,
  sender: Sender & { signingPrivateKey: SecretBytes },
  messageId: string,
  conversationId: string,
  k: { conversationKey: SecretBytes; conversationKeyVersion: string; participantKeys: ParticipantKey[] },
): Promise<ActionSignature> {
  const detail = encodeKeyChangeDetail({ conversationKeyVersion: k.conversationKeyVersion, participantKeys: k.participantKeys });
  const payload = keyChangePayload(CURRENT_SIGNATURE_VERSION, {
    messageId,
    senderId: sender.userId,
    conversationId,
    conversationKeyVersion: k.conversationKeyVersion,
    conversationKey: k.conversationKey,
  });
  return signAction(ctx, sender, messageId, detail, payload, false);
}

/** The second action of a group change: its detail and signed payload, given the new key version and its message id. */
type SecondAction = (conversationKeyVersion: string, messageId: string) => { detail: Uint8Array; payload: string };

/**
 * The flow every change shares: a new key wrapped for the recipients, the key-change action, an
 * optional second (group) action, and the signer's public data. The sender's private-key copy is
 * wiped whatever happens, and the new conversation key when anything fails.
 */
async function prepareChange(
  options: PrepareOptions | undefined,
  sender: Sender & { signingPrivateKey: SecretBytes },
  recipients: Recipient[],
  conversationId: string,
  second?: SecondAction,
): Promise<PreparedConversationChange & { sender: PreparedSender }> {
  try {
    const ctx = await context(options);
    const conversationKey = drawConversationKey(ctx);
    try {
      const k = await versionIdsAndWraps(ctx, conversationKey, recipients, second ? 2 : 1);
      const [keyChangeId, secondId] = k.messageIds as [string, string | undefined];
      const actions = [await keyChangeAction(ctx, sender, keyChangeId, conversationId, k)];
      if (second && secondId !== undefined) {
        const { detail, payload } = second(k.conversationKeyVersion, secondId);
        actions.push(await signAction(ctx, sender, secondId, detail, payload, true));
      }
      return {
        conversationId,
        conversationKey: k.conversationKey,
        conversationKeyVersion: k.conversationKeyVersion,
        participantKeys: k.participantKeys,
        actionSignatures: actions,
        sender: await preparedSender(ctx, sender),
      };
    } catch (e) {
      wipe(conversationKey); // whatever failed: wrapping, signing
      throw e;
    }
  } finally {
    wipe(sender.signingPrivateKey);
  }
}

async function preparedSender(ctx: Ctx, sender: Sender & { signingPrivateKey: SecretBytes }): Promise<PreparedSender> {
  return {
    userId: sender.userId,
    signingKeyVersion: sender.signingKeyVersion,
    signingPublicKey: encodeBase64(await ctx.backend.getPublicKey(sender.signingPrivateKey)),
  };
}

const DIGITS = /^[0-9]+$/;

/** Numeric order of two decimal ids: by length, then lexically (the SDK's rule). */
function joinSortedPair(a: string, b: string): string {
  return a.length < b.length || (a.length === b.length && a <= b) ? `${a}:${b}` : `${b}:${a}`;
}

/** The SDK's signer-side canonical form of one-to-one ids (PROTOCOL.md §6.1); others unchanged. */
export function canonicalConversationId(id: string, senderId: string): string {
  const m = /^([^:-]*)[:-](.*)$/.exec(id);
  if (m) {
    const [, a = '', b = ''] = m;
    return DIGITS.test(a) && DIGITS.test(b) ? joinSortedPair(a, b) : id;
  }
  return DIGITS.test(id) && DIGITS.test(senderId) ? joinSortedPair(id, senderId) : id;
}

/**
 * Prepares a signed conversation-key change: starts a one-to-one, or rotates any conversation's
 * key. One action signature (ConversationKeyChangeEvent).
 * @throws {InvalidInputError} for a missing sender, a bad key or version, a comma in the
 * conversation id, a sender without a key record, or (for a one-to-one) not exactly two users
 * @example
 * const change = await prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g123' });
 * const body = addConversationKeysRequest(change);
 */
export async function prepareConversationKeyChange(params: ConversationKeyChangeParams, options?: PrepareOptions): Promise<PreparedKeyChange> {
  const p = assertObject(params, 'params');
  const sender = checkSender(p.sender, false);
  const keys = latestKeys(p.publicKeys);
  if (keys.size === 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must hold at least one key record', 'params.publicKeys');
  if (!keys.has(sender.userId)) {
    throw new InvalidInputError(ErrorCodes.MISSING_PUBLIC_KEY, `the sender ${sender.userId} has no key record: they could not read their own conversation`, 'params.publicKeys');
  }
  let conversationId: string;
  if (p.conversationId === undefined || p.conversationId === null) {
    const users = [...keys.keys()];
    if (users.length !== 2 || !users.every((u) => DIGITS.test(u))) {
      throw new InvalidInputError(ErrorCodes.INVALID_CONVERSATION_ID, `is required unless publicKeys hold exactly two numeric user ids (got ${users.length} users)`, 'params.conversationId');
    }
    conversationId = joinSortedPair(users[0] as string, users[1] as string);
  } else {
    const raw = assertSignable(p.conversationId, 'params.conversationId');
    conversationId = canonicalConversationId(raw, sender.userId);
  }
  return { kind: 'keyChange', ...(await prepareChange(options, sender, [...keys.values()], conversationId)) };
}

/** X's group conversation id: `g` and 1 to 19 digits. */
export const GROUP_ID = /^g[0-9]{1,19}$/;

function groupId(value: unknown, field: string): string {
  const id = assertString(value, field);
  if (!GROUP_ID.test(id)) {
    throw new InvalidInputError(ErrorCodes.INVALID_CONVERSATION_ID, "expected X's group id form: g followed by 1 to 19 digits (from POST /2/chat/conversations/group/initialize)", field);
  }
  return id;
}

/**
 * Prepares a signed group create: a new conversation key wrapped for every member, and two action
 * signatures in the SDK's order (ConversationKeyChangeEvent, then GroupChangeEvent.GroupCreate).
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID` (not `g` + digits), `ERR_MISSING_PUBLIC_KEY`
 * (a member without a key), `ERR_DUPLICATE_ID`, `ERR_INVALID_USER_ID`, `ERR_INVALID_VERSION`,
 * `ERR_INVALID_TTL` (NaN, negative, fractional), `ERR_COMMA_IN_FIELD`, `ERR_INVALID_ARGUMENT`
 * (sender not a member, admin not a member)
 * @example
 * const prepared = await prepareGroupCreate({ publicKeys, sender, conversationId: 'g1234567890123456789',
 *   memberIds: ['111', '222', '333'], title: 'Team' });
 */
export async function prepareGroupCreate(params: GroupCreateParams, options?: PrepareOptions): Promise<PreparedGroupCreate> {
  const p = assertObject(params, 'params');
  const sender = checkSender(p.sender, true);
  const conversationId = groupId(p.conversationId, 'params.conversationId');
  const memberIds = idList(p.memberIds, 'params.memberIds');
  if (memberIds.length === 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must name at least the sender', 'params.memberIds');
  const memberSet = new Set(memberIds);
  if (!memberSet.has(sender.userId)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${sender.userId}`, 'params.memberIds');
  }
  const adminIds = p.adminIds === undefined || p.adminIds === null ? [sender.userId] : idList(p.adminIds, 'params.adminIds');
  subset(adminIds, memberSet, 'params.adminIds', 'a member');
  const title = optText(p.title, 'params.title');
  const avatarUrl = optText(p.avatarUrl, 'params.avatarUrl');
  const ttlMsec = optTtl(p.ttlMsec, 'params.ttlMsec');
  const recipients = recipientsFor(latestKeys(p.publicKeys), memberIds, 'params.memberIds');

  const change = await prepareChange(options, sender, recipients, conversationId, (conversationKeyVersion, messageId) => ({
    detail: encodeGroupCreateDetail({ memberIds, adminIds, title, avatarUrl, conversationKeyVersion, ttlMsec: ttlMsec === undefined ? undefined : BigInt(ttlMsec) }),
    payload: groupCreatePayload(CURRENT_SIGNATURE_VERSION, { messageId, senderId: sender.userId, conversationKeyVersion, memberIds, title, avatarUrl }),
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
}

/**
 * Prepares a signed member add: a new conversation key wrapped for the whole new roster (current
 * and new members), and two action signatures (ConversationKeyChangeEvent, then
 * GroupChangeEvent.GroupMemberAddChange). The `current*` values must describe the group's present
 * state; absent ones are signed as `null`.
 * @throws {InvalidInputError} as {@link prepareGroupCreate}, and when a new member is already a
 * member, the sender is not a current member, or `newMemberIds` is empty
 * @example
 * const prepared = await prepareGroupMembersChange({ publicKeys, sender, conversationId: 'g123',
 *   newMemberIds: ['444'], currentMemberIds: ['111', '222'], currentAdminIds: ['111'] });
 */
export async function prepareGroupMembersChange(params: GroupMembersChangeParams, options?: PrepareOptions): Promise<PreparedGroupMembersChange> {
  const p = assertObject(params, 'params');
  const sender = checkSender(p.sender, true);
  const conversationId = groupId(p.conversationId, 'params.conversationId');
  const newMemberIds = idList(p.newMemberIds, 'params.newMemberIds');
  if (newMemberIds.length === 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'must name at least one new member', 'params.newMemberIds');
  const currentMemberIds = idList(p.currentMemberIds, 'params.currentMemberIds');
  const current = new Set(currentMemberIds);
  newMemberIds.forEach((id, i) => {
    if (current.has(id)) throw new InvalidInputError(ErrorCodes.DUPLICATE_ID, `${id} is already a current member`, `params.newMemberIds[${i}]`);
  });
  if (!current.has(sender.userId)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${sender.userId}`, 'params.currentMemberIds');
  }
  const currentAdminIds = idList(p.currentAdminIds, 'params.currentAdminIds');
  subset(currentAdminIds, current, 'params.currentAdminIds', 'a current member');
  const currentPendingMemberIds =
    p.currentPendingMemberIds === undefined || p.currentPendingMemberIds === null ? [] : idList(p.currentPendingMemberIds, 'params.currentPendingMemberIds');
  const currentTitle = optText(p.currentTitle, 'params.currentTitle');
  const currentAvatarUrl = optText(p.currentAvatarUrl, 'params.currentAvatarUrl');
  const currentTtlMsec = optTtl(p.currentTtlMsec, 'params.currentTtlMsec');
  const flag = p.currentScreenCaptureBlockingEnabled;
  if (flag !== undefined && flag !== null && typeof flag !== 'boolean') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a boolean, got ${typeName(flag)}`, 'params.currentScreenCaptureBlockingEnabled');
  }
  const screenCapture = flag ?? undefined;
  const roster = [...currentMemberIds, ...newMemberIds];
  const recipients = recipientsFor(latestKeys(p.publicKeys), roster, 'roster (currentMemberIds + newMemberIds)');

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
}
