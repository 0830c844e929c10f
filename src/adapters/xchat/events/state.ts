/**
 * The receiver state of `decryptEvents` (docs/xchat-receiving.md §"State across batches"): per
 * conversation, the highest key version a verified key change carried. It is plain JSON the caller
 * stores and passes back; read back, it is checked like any outside input, since a corrupted or
 * hostile state must neither crash the receiver nor pin a conversation to a far-future version.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { typeName } from '../../../guards.js';
import { compareVersions, isNotInFuture, isVersion } from '../../../rules.js';
import { setOwn } from './report.js';
import type { ReceiverState } from './types.js';

/** The state layout this code writes. */
export const STATE_VERSION = 1;

/** Most conversations a state may name. */
export const MAX_STATE_CONVERSATIONS = 1_000_000;

/** Longest conversation id accepted in a state or in the caller's keys. */
export const MAX_CONVERSATION_ID_LENGTH = 1024;

function bad(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_STATE, reason, field);
}

/**
 * Reads a state a previous call returned: `{ version: 1, latestVersions: { [conversationId]: version } }`.
 * @returns the floor per conversation id
 * @throws {InvalidInputError} `ERR_INVALID_STATE` for anything else (another layout, a non-canonical
 * version, an empty or over-long conversation id, extra fields), `ERR_VERSION_IN_FUTURE` for a
 * version further ahead of the clock than the allowed skew
 */
export function readState(value: unknown, now: number, skew: number, field = 'options.state'): Map<string, string> {
  const floors = new Map<string, string>();
  if (value === undefined) return floors;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(field, `expected a state object, got ${typeName(value)}`);
  const s = value as Record<string, unknown>;
  for (const k of Object.keys(s))
    if (k !== 'version' && k !== 'latestVersions') bad(`${field}.${k.slice(0, 40)}`, 'not a field of the state');
  if (s.version !== STATE_VERSION)
    bad(
      `${field}.version`,
      `expected ${STATE_VERSION} (the only layout written so far), got ${typeof s.version === 'number' ? s.version : typeName(s.version)}`,
    );
  const latest = s.latestVersions;
  if (typeof latest !== 'object' || latest === null || Array.isArray(latest))
    bad(`${field}.latestVersions`, `expected an object, got ${typeName(latest)}`);
  const ids = Object.keys(latest);
  if (ids.length > MAX_STATE_CONVERSATIONS)
    bad(`${field}.latestVersions`, `${ids.length} conversations, above the limit of ${MAX_STATE_CONVERSATIONS}`);
  for (const id of ids) {
    const f = `${field}.latestVersions[${JSON.stringify(id.slice(0, 40))}]`;
    if (id.length === 0 || id.length > MAX_CONVERSATION_ID_LENGTH)
      bad(f, `a conversation id has 1 to ${MAX_CONVERSATION_ID_LENGTH} characters`);
    const v = (latest as Record<string, unknown>)[id];
    if (!isVersion(v)) bad(f, 'expected a canonical decimal key version');
    if (!isNotInFuture(v, now, skew)) {
      throw new InvalidInputError(
        ErrorCodes.VERSION_IN_FUTURE,
        `the version ${v} is more than ${skew} ms ahead of the clock (${now}); a state cannot hold it`,
        f,
      );
    }
    floors.set(id, v);
  }
  return floors;
}

/** Raises a conversation's floor to `version` when higher; never lowers it. */
export function raiseFloor(floors: Map<string, string>, conversationId: string, version: string): void {
  const cur = floors.get(conversationId);
  if (cur === undefined || compareVersions(version, cur) > 0) floors.set(conversationId, version);
}

/** The state to return: every floor, old and new, in conversation-id order. */
export function writeState(floors: Map<string, string>): ReceiverState {
  const latestVersions: Record<string, string> = {};
  for (const id of [...floors.keys()].sort()) setOwn(latestVersions, id, floors.get(id) as string);
  return { version: STATE_VERSION, latestVersions };
}
