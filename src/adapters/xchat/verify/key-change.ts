/**
 * The wrapped keys of a body and its key-change action: the body's list against the roster it
 * must cover exactly and against the signed key-change detail, then, with a recipient, their own
 * entry opened and the key-change signature checked over the plaintext key.
 *
 * @module
 */
import { KeykitError } from '../../../errors.js';
import { isVersion } from '../../../rules.js';
import { openWrappedKey } from '../../../core/ecies.js';
import { entryOf } from '../../../core/recipient.js';
import { wipe, type SecretBytes } from '../../../core/secret.js';
import { isCanonicalBase64 } from '../../../wire/base64.js';
import { WRAPPED_KEY_LENGTH } from '../../../core/ecies.js';
import type { KeyChangeDetail } from '../../../wire/xchat/details.js';
import type { ParticipantKey } from '../../../wire/xchat/events.js';
import { isXUserId } from '../rules.js';
import { checkSignature, type Action } from './actions.js';
import { add, type Ctx } from './context.js';
import { checkKeyVersion, truncate, withinLimit } from './checks.js';
import { ProblemCodes } from './report.js';

/** The path of a participant key, built only for a problem (ten thousand keys, ten thousand strings). */
const keyPath = (i: number, field = ''): string => `conversation_participant_keys[${i}]${field}`;

/**
 * Checks the body's `conversation_participant_keys`: each entry well formed, one per user, and,
 * when the roster is known, exactly one per member of it.
 * @returns the entries (undefined when the list is absent, not a list, or beyond the limits)
 */
export function checkParticipantKeys(
  ctx: Ctx,
  body: Record<string, unknown>,
  roster: ReadonlySet<string> | undefined,
  rosterLabel: string,
): ParticipantKey[] | undefined {
  const list = body.conversation_participant_keys;
  if (!Array.isArray(list) || !withinLimit(ctx, list, 'conversation_participant_keys', 'wrapped keys')) return undefined;
  const out: ParticipantKey[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item !== 'object' || item === null) {
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MALFORMED,
        () => keyPath(i),
        i in list ? 'each wrapped key is an object' : 'a hole in the list (a sparse array)',
      );
      continue;
    }
    const k = item as Record<string, unknown>;
    if (typeof k.user_id !== 'string' || typeof k.encrypted_conversation_key !== 'string' || typeof k.public_key_version !== 'string') {
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MALFORMED,
        () => keyPath(i),
        'user_id, encrypted_conversation_key and public_key_version are all required',
      );
      continue;
    }
    const user = k.user_id;
    if (!isXUserId(user))
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MALFORMED,
        () => keyPath(i, '.user_id'),
        () => `"${truncate(user)}" is not an X user id`,
      );
    if (seen.has(user))
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_DUPLICATE,
        () => keyPath(i, '.user_id'),
        () => `user ${truncate(user)} has two wrapped keys`,
      );
    seen.add(user);
    if (roster && !roster.has(user))
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_EXTRA,
        () => keyPath(i, '.user_id'),
        () => `user ${truncate(user)} is not in ${rosterLabel} but gets the conversation key`,
      );
    if (!isVersion(k.public_key_version))
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MALFORMED,
        () => keyPath(i, '.public_key_version'),
        'the key version must be a canonical decimal up to 2^64-1',
      );
    if (!isCanonicalBase64(k.encrypted_conversation_key, WRAPPED_KEY_LENGTH, 'optional')) {
      add(
        ctx,
        ProblemCodes.PARTICIPANT_KEY_MALFORMED,
        () => keyPath(i, '.encrypted_conversation_key'),
        `not canonical base64 of a ${WRAPPED_KEY_LENGTH}-byte wrapped key`,
      );
    }
    out.push({ userId: k.user_id, encryptedKey: k.encrypted_conversation_key, publicKeyVersion: k.public_key_version });
  }
  if (roster)
    for (const id of roster)
      if (!seen.has(id))
        add(ctx, ProblemCodes.PARTICIPANT_KEY_MISSING, 'conversation_participant_keys', () => `member ${truncate(id)} has no wrapped key`);
  return out;
}

const sameEntry = (a: ParticipantKey, b: ParticipantKey | undefined): boolean =>
  b !== undefined && a.userId === b.userId && a.encryptedKey === b.encryptedKey && a.publicKeyVersion === b.publicKeyVersion;

/**
 * Do the body's wrapped keys equal the signed ones, in any order? Builders keep the order, so the
 * entries are compared by position first; a map is built only when that fails.
 */
function sameKeys(body: readonly ParticipantKey[], signed: readonly ParticipantKey[]): boolean {
  if (body.length !== signed.length) return false;
  let inOrder = true;
  for (let i = 0; i < body.length && inOrder; i++) inOrder = sameEntry(body[i] as ParticipantKey, signed[i]);
  if (inOrder) return true;
  const byUser = new Map(signed.map((k) => [k.userId, k]));
  return byUser.size === signed.length && body.every((k) => sameEntry(k, byUser.get(k.userId)));
}

/** The recipient's key from the signed entries, or undefined (reported) when it cannot be opened. */
async function openRecipientKey(ctx: Ctx, keys: readonly ParticipantKey[], path: string): Promise<SecretBytes | undefined> {
  const r = ctx.recipient;
  if (!r) return undefined;
  try {
    const { entry } = entryOf(keys, r, 'conversation_participant_keys');
    return await openWrappedKey(ctx.backend, entry.encryptedKey, r.identityPrivateKey, path);
  } catch (e) {
    const code = e instanceof KeykitError ? e.code : undefined;
    if (code === 'ERR_NOT_A_MEMBER')
      add(
        ctx,
        ProblemCodes.RECIPIENT_NOT_MEMBER,
        'conversation_participant_keys',
        `the key change has no wrapped key for recipient ${r.userId}`,
      );
    else if (code === 'ERR_RECIPIENT_KEY_MISMATCH')
      add(ctx, ProblemCodes.RECIPIENT_KEY_MISMATCH, 'conversation_participant_keys', (e as KeykitError).reason);
    else add(ctx, ProblemCodes.UNWRAP_FAILED, path, `the wrapped key of recipient ${r.userId} does not open with their identity key`);
    return undefined;
  }
}

/**
 * The key-change action: its detail against the body, its version, then its signature (with the
 * recipient's key from signature version 6). Returns the recipient's key when everything holds.
 */
export async function checkKeyChange(
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
  if (!withinLimit(ctx, d.participantKeys, path, 'wrapped keys in the key-change detail')) return undefined;
  checkKeyVersion(ctx, d.conversationKeyVersion, path);
  if (typeof body.conversation_key_version === 'string' && d.conversationKeyVersion !== body.conversation_key_version) {
    add(
      ctx,
      ProblemCodes.KEY_VERSION_MISMATCH,
      'conversation_key_version',
      'the body names another key version than the signed key change',
    );
  }
  if (bodyKeys && !sameKeys(bodyKeys, d.participantKeys)) {
    add(
      ctx,
      ProblemCodes.PARTICIPANT_KEYS_MISMATCH,
      'conversation_participant_keys',
      'the wrapped keys differ from those in the key-change detail',
    );
  }
  let key = await openRecipientKey(ctx, d.participantKeys, path);
  if (!(await checkSignature(ctx, a, conversationId, key)) && key) {
    wipe(key);
    key = undefined;
  }
  return key;
}
