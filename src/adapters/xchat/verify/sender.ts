/**
 * Who signed a body, when the caller does not know (the CLI's `verify` without `--sender`): every
 * user with a trusted signing key at a version the body's signatures name is tried, and the one
 * whose key verifies every signature that can be checked is the sender. Only the caller's signing
 * keys are used, after their binding verifies; never keys or payloads the body carries.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, KeykitError } from '../../../errors.js';
import { assertObject } from '../../../guards.js';
import { resolveBackend, type CryptoOptions } from '../../../core/context.js';
import { openWrappedKey } from '../../../core/ecies.js';
import { checkRecipient, entryOf } from '../../../core/recipient.js';
import { wipe, type SecretBytes } from '../../../core/secret.js';
import { verifyPayload } from '../../../core/signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../../core/trust.js';
import type { KeyChangeDetail } from '../../../wire/xchat/details.js';
import { X_USER_ID } from '../rules.js';
import { payloadOf, readActions, type Action, type ActionType } from './actions.js';
import { DEFAULT_LIMITS, type VerifyRecipient } from './context.js';
import { Problems } from './report.js';

/** The kind of a key-management body: which endpoint it is for. */
export type BodyKind = 'create' | 'keys' | 'members';

/** The actions each kind of body carries, in order. */
export const ACTIONS_OF: Record<BodyKind, readonly ActionType[]> = {
  create: ['keyChange', 'groupCreate'],
  keys: ['keyChange'],
  members: ['keyChange', 'groupMemberAdd'],
};

/**
 * The kind a body's fields say it is (`group_members`: create, `user_ids`: members, else keys), or null.
 * @example
 * bodyKind(JSON.parse(requestText)); // 'create' for a body with group_members
 */
export function bodyKind(body: unknown): BodyKind | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  if ('group_members' in body) return 'create';
  if ('user_ids' in body) return 'members';
  if ('conversation_participant_keys' in body) return 'keys';
  return null;
}

/** Options of {@link identifySender}. */
export interface IdentifySenderOptions extends CryptoOptions {
  /** Trusted signing keys: the candidates are their users. */
  signingKeys: SigningKeyEntry[];
  /** A member: lets version 6/7 key-change signatures be checked too. */
  recipient?: VerifyRecipient;
  /** For `keys` and `members` bodies: the signed conversation id (in the URL, not the body). */
  conversationId?: string;
  /** The body's kind; default: told from its fields. */
  kind?: BodyKind;
}

/** The outcome of {@link identifySender}. */
export type SenderIdentification =
  | { senderId: string; checked: number }
  | { senderId: null; reason: 'unreadable' | 'uncheckable' | 'none' | 'several'; candidates: string[] };

/**
 * Finds the sender of a key-management body among the users of `signingKeys`.
 * @returns the sender and how many signatures proved it, or why none was found: `unreadable` (no
 * readable action), `uncheckable` (no signature can be checked here, e.g. only a version 6/7 key
 * change without a recipient), `none` (no listed key verifies), `several` (more than one does)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for malformed options (`signingKeys`, a body
 * of no known kind without `kind`, a `keys`/`members` body without `conversationId`),
 * `ERR_INVALID_USER_ID`, `ERR_INVALID_KEY` or `ERR_INVALID_VERSION` for a malformed `recipient`,
 * `ERR_UNSUPPORTED_BACKEND`
 * @example
 * const who = await identifySender(body, { signingKeys, recipient });
 * if (who.senderId) await verifyCreateGroupRequest(body, { senderId: who.senderId, signingKeys, recipient });
 */
export async function identifySender(body: unknown, options: IdentifySenderOptions): Promise<SenderIdentification> {
  const o = assertObject(options, 'options');
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  const kind = o.kind === undefined ? bodyKind(body) : (o.kind as BodyKind);
  if (kind === null || !Object.hasOwn(ACTIONS_OF, kind))
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'not a group-create, keys or members request body (pass options.kind)',
      'options.kind',
    );
  const b = body as Record<string, unknown>;
  const conversationId = kind === 'create' ? (typeof b.conversation_id === 'string' ? b.conversation_id : '') : o.conversationId;
  if (typeof conversationId !== 'string')
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `is required for a ${kind} body (the id is in the URL, not the body)`,
      'options.conversationId',
    );
  const backend = await resolveBackend(options.backend);
  const keys = new SigningKeys(entries, backend);
  const actions = [...readActions({ limits: DEFAULT_LIMITS, problems: new Problems(), actions: [] }, b, ACTIONS_OF[kind]).values()];
  if (actions.length === 0) return { senderId: null, reason: 'unreadable', candidates: [] };
  const key = o.recipient === undefined ? undefined : await recipientKey(backend, actions, o.recipient);
  try {
    const candidates = [...new Set(actions.flatMap((a) => keys.usersAt(a.publicKeyVersion)))];
    const proven: { senderId: string; checked: number }[] = [];
    let checkable = false;
    for (const senderId of candidates) {
      const r = await proves(keys, backend, actions, senderId, conversationId, key);
      if (r.checked > 0) checkable = true;
      if (r.ok && r.checked > 0) proven.push({ senderId, checked: r.checked });
    }
    if (proven.length === 1) return proven[0] as { senderId: string; checked: number };
    if (proven.length > 1) return { senderId: null, reason: 'several', candidates: proven.map((p) => p.senderId) };
    return { senderId: null, reason: checkable || candidates.length === 0 ? 'none' : 'uncheckable', candidates };
  } finally {
    wipe(key);
  }
}

/** Does `senderId`'s trusted key verify every checkable action? */
async function proves(
  keys: SigningKeys,
  backend: Awaited<ReturnType<typeof resolveBackend>>,
  actions: Action[],
  senderId: string,
  conversationId: string,
  key: SecretBytes | undefined,
): Promise<{ ok: boolean; checked: number }> {
  let checked = 0;
  for (const a of actions) {
    let payload: string | null;
    try {
      payload = payloadOf(a, senderId, conversationId, key);
    } catch {
      return { ok: false, checked };
    }
    if (payload === null) continue;
    const found = await keys.lookup(senderId, a.publicKeyVersion);
    if (!found.ok || !(await verifyPayload(backend, found.key, payload, a.signature))) return { ok: false, checked: checked + 1 };
    checked++;
  }
  return { ok: true, checked };
}

/** The recipient's key from the key-change action, when they can open it. */
async function recipientKey(
  backend: Awaited<ReturnType<typeof resolveBackend>>,
  actions: Action[],
  value: unknown,
): Promise<SecretBytes | undefined> {
  const r = checkRecipient(value, X_USER_ID, 'options.recipient');
  try {
    const kc = actions.find((a) => a.detail.type === 'keyChange')?.detail as KeyChangeDetail | undefined;
    if (!kc?.participantKeys) return undefined;
    const { entry } = entryOf(kc.participantKeys, r, 'participantKeys');
    return await openWrappedKey(backend, entry.encryptedKey, r.identityPrivateKey, 'participantKeys');
  } catch (e) {
    if (e instanceof KeykitError) return undefined;
    throw e;
  } finally {
    wipe(r.identityPrivateKey);
  }
}
