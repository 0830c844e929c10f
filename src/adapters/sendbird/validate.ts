/**
 * Validation of Sendbird's "Create a group channel" properties (`POST /v3/group_channels`, see
 * docs/sendbird.md §"Group channels"), before anything is sent. Every problem is reported at
 * once, each with the field path and the error code the Sendbird server would have returned
 * (`null` for checks Sendbird does not make, such as unknown properties).
 *
 * Lengths are counted in Unicode code points. `channel_url` follows the documentation strictly:
 * 4 to 100 letters, digits and underscores (the live API was seen accepting `-`, the docs do not).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { isChannelUrl } from './rules.js';

/** One reason a request would be refused. */
export interface SendbirdProblem {
  /** Path of the property at fault (`operator_ids[2]`). */
  path: string;
  message: string;
  /** The error code Sendbird would answer with, or null when Sendbird would not check this. */
  sendbirdCode: number | null;
}

/** Sendbird's error codes used here (Sendbird "Error codes" page). */
export const SendbirdCodes = /* @__PURE__ */ Object.freeze({
  NOT_STRING: 400100,
  NOT_NUMBER: 400101,
  NOT_LIST: 400102,
  NOT_JSON: 400103,
  NOT_BOOLEAN: 400104,
  MISSING: 400105,
  TOO_LONG: 400110,
  INVALID_VALUE: 400111,
  NOT_ALLOWED_CHARACTERS: 400151,
  TOO_MANY: 400203,
  INVALID_COMBINATION: 400920,
} as const);

/** Every problem of a request, in one error. */
export class SendbirdValidationError extends InvalidInputError {
  readonly problems: readonly SendbirdProblem[];
  constructor(problems: SendbirdProblem[]) {
    const head = problems
      .slice(0, 5)
      .map((p) => `${p.path}: ${p.message}${p.sendbirdCode === null ? '' : ` (Sendbird ${p.sendbirdCode})`}`);
    super(
      ErrorCodes.SENDBIRD_REQUEST_INVALID,
      `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${head.join('; ')}${problems.length > 5 ? '; …' : ''}`,
    );
    this.problems = problems;
  }

  override toJSON(): ReturnType<InvalidInputError['toJSON']> & { problems: readonly SendbirdProblem[] } {
    return { ...super.toJSON(), problems: this.problems };
  }
}

/** A cover image given as bytes (the platform `Blob`/`File` is accepted too). */
export interface CoverFileBytes {
  data: Uint8Array;
  filename: string;
  /** MIME type, e.g. `image/png`. */
  type?: string;
}

/** Invitation states a member can start in. */
export type InvitationStatus = 'joined' | 'invited_by_friend' | 'invited_by_non_friend';
/** Hidden states a member can start in. */
export type HiddenStatus = 'unhidden' | 'hidden_allow_auto_unhide' | 'hidden_prevent_auto_unhide';

/** The properties of `POST /v3/group_channels`, in Sendbird's own names. */
export interface SendbirdGroupChannelParams {
  /** Users to add (at most 100 per request). Give `user_ids` or `users`, not both. */
  user_ids?: string[];
  /** The same role as `user_ids`, as `{ user_id }` objects (older docs: plain ids, also accepted). */
  users?: ({ user_id: string } | string)[];
  name?: string;
  channel_url?: string;
  cover_url?: string;
  /** A cover image: then the request is multipart/form-data. */
  cover_file?: Blob | CoverFileBytes;
  custom_type?: string;
  data?: string;
  is_distinct?: boolean;
  is_public?: boolean;
  is_super?: boolean;
  is_ephemeral?: boolean;
  access_code?: string;
  inviter_id?: string;
  strict?: boolean;
  invitation_status?: Record<string, InvitationStatus>;
  hidden_status?: Record<string, HiddenStatus>;
  operator_ids?: string[];
  block_sdk_user_channel_join?: boolean;
}

const KNOWN = new Set([
  'user_ids',
  'users',
  'name',
  'channel_url',
  'cover_url',
  'cover_file',
  'custom_type',
  'data',
  'is_distinct',
  'is_public',
  'is_super',
  'is_ephemeral',
  'access_code',
  'inviter_id',
  'strict',
  'invitation_status',
  'hidden_status',
  'operator_ids',
  'block_sdk_user_channel_join',
]);
const BOOLEANS = ['is_distinct', 'is_public', 'is_super', 'is_ephemeral', 'strict', 'block_sdk_user_channel_join'] as const;
const STRINGS: [string, number][] = [
  ['name', 191],
  ['cover_url', 2048],
  ['custom_type', 128],
  ['access_code', 0],
  ['inviter_id', 0],
  ['data', 0],
];
const INVITATION = new Set(['joined', 'invited_by_friend', 'invited_by_non_friend']);
const HIDDEN = new Set(['unhidden', 'hidden_allow_auto_unhide', 'hidden_prevent_auto_unhide']);
/** Sendbird's per-request limit of users and operators, and a plain group's member limit. */
export const SENDBIRD_BATCH = 100;

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function isCoverFile(v: unknown): boolean {
  const BlobCtor = (globalThis as { Blob?: new (...a: never[]) => unknown }).Blob;
  if (BlobCtor && v instanceof BlobCtor) return true;
  const o = v as CoverFileBytes | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.data instanceof Uint8Array &&
    typeof o.filename === 'string' &&
    o.filename.length > 0 &&
    (o.type === undefined || typeof o.type === 'string')
  );
}

/**
 * The user ids a request names, in order, from `user_ids` or `users` (whichever is given).
 * Entries that are not ids are skipped here (they are reported by {@link validateGroupChannel}).
 */
export function requestUserIds(p: Record<string, unknown>): string[] {
  const list = Array.isArray(p.user_ids) ? p.user_ids : Array.isArray(p.users) ? p.users : [];
  return list
    .map((u: unknown) =>
      typeof u === 'string'
        ? u
        : typeof u === 'object' && u !== null && typeof (u as { user_id?: unknown }).user_id === 'string'
          ? (u as { user_id: string }).user_id
          : '',
    )
    .filter((u) => u !== '');
}

/**
 * Checks the properties of a group-channel create; returns every problem (empty when valid).
 * @param limits - `batch: false` skips the 100-users-per-request limits (for planning Supergroups)
 * @example
 * for (const p of validateGroupChannel({ user_ids: ['alice', 'alice'], name: 'Team' })) console.log(p.path, p.sendbirdCode, p.message);
 * // user_ids[1] 400111 user alice is listed twice
 */
export function validateGroupChannel(value: unknown, limits: { batch?: boolean } = {}): SendbirdProblem[] {
  const out: SendbirdProblem[] = [];
  const add = (path: string, message: string, sendbirdCode: number | null) => out.push({ path, message, sendbirdCode });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    add('(params)', 'expected an object of Sendbird properties', SendbirdCodes.NOT_JSON);
    return out;
  }
  const p = value as Record<string, unknown>;
  for (const k of Object.keys(p))
    if (!KNOWN.has(k) && p[k] !== undefined) add(k, 'not a property of a group channel create (a typo?)', null);

  // Users: exactly one of user_ids and users.
  if (p.user_ids !== undefined && p.users !== undefined)
    add('users', 'give user_ids or users, not both', SendbirdCodes.INVALID_COMBINATION);
  const field = p.user_ids !== undefined ? 'user_ids' : 'users';
  const list = p[field];
  if (list === undefined) add('user_ids', 'at least one user is required', SendbirdCodes.MISSING);
  else if (!Array.isArray(list)) add(field, 'expected a list', SendbirdCodes.NOT_LIST);
  else {
    if (list.length === 0) add(field, 'at least one user is required', SendbirdCodes.MISSING);
    const seen = new Set<string>();
    list.forEach((u: unknown, i) => {
      const id = field === 'users' && typeof u === 'object' && u !== null ? (u as { user_id?: unknown }).user_id : u;
      const at = field === 'users' && typeof u === 'object' && u !== null ? `users[${i}].user_id` : `${field}[${i}]`;
      if (typeof id !== 'string') add(at, 'expected a user id string', SendbirdCodes.NOT_STRING);
      else if (id.length === 0) add(at, 'a user id must not be empty', SendbirdCodes.INVALID_VALUE);
      else if (seen.has(id)) add(at, `user ${id} is listed twice`, SendbirdCodes.INVALID_VALUE);
      else seen.add(id);
    });
    if (limits.batch !== false && list.length > SENDBIRD_BATCH) {
      add(
        field,
        `${list.length} users: at most ${SENDBIRD_BATCH} per request (invite the rest, see planSendbirdSupergroup)`,
        SendbirdCodes.TOO_MANY,
      );
    }
    if (list.length > SENDBIRD_BATCH && p.is_super !== true)
      add(
        field,
        `${list.length} members need a Supergroup (is_super: true); a group channel holds ${SENDBIRD_BATCH}`,
        SendbirdCodes.TOO_MANY,
      );
  }
  const users = new Set(requestUserIds(p));

  for (const b of BOOLEANS) if (p[b] !== undefined && typeof p[b] !== 'boolean') add(b, 'expected a boolean', SendbirdCodes.NOT_BOOLEAN);
  for (const [name, max] of STRINGS) {
    const v = p[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') add(name, 'expected a string', SendbirdCodes.NOT_STRING);
    else if (max > 0 && codePoints(v) > max) add(name, `at most ${max} characters, got ${codePoints(v)}`, SendbirdCodes.TOO_LONG);
  }
  if (p.channel_url !== undefined) {
    const u = p.channel_url;
    const n = typeof u === 'string' ? codePoints(u) : 0;
    if (typeof u !== 'string') add('channel_url', 'expected a string', SendbirdCodes.NOT_STRING);
    else if (n < 4 || n > 100)
      add('channel_url', `4 to 100 characters, got ${n}`, n > 100 ? SendbirdCodes.TOO_LONG : SendbirdCodes.INVALID_VALUE);
    else if (!isChannelUrl(u)) add('channel_url', 'only letters, digits and underscores', SendbirdCodes.NOT_ALLOWED_CHARACTERS);
  }
  if (p.cover_file !== undefined && !isCoverFile(p.cover_file))
    add('cover_file', 'expected a Blob/File or { data: Uint8Array, filename, type? }', SendbirdCodes.INVALID_VALUE);
  if (p.cover_file !== undefined && p.cover_url !== undefined)
    add('cover_file', 'give cover_url or cover_file, not both', SendbirdCodes.INVALID_COMBINATION);
  if (p.is_super === true && p.is_distinct === true) add('is_distinct', 'a Supergroup cannot be distinct', SendbirdCodes.INVALID_VALUE);
  if (p.is_public === true && p.is_distinct === true)
    add('is_distinct', 'a public channel cannot be distinct', SendbirdCodes.INVALID_COMBINATION);
  if (p.access_code !== undefined && p.is_public !== true)
    add('access_code', 'an access code needs is_public: true', SendbirdCodes.INVALID_COMBINATION);
  if (typeof p.inviter_id === 'string' && !users.has(p.inviter_id))
    add('inviter_id', `${p.inviter_id} is not among the users (the inviter is not added automatically)`, SendbirdCodes.INVALID_VALUE);

  if (p.operator_ids !== undefined) {
    if (!Array.isArray(p.operator_ids)) add('operator_ids', 'expected a list', SendbirdCodes.NOT_LIST);
    else {
      if (p.operator_ids.length > SENDBIRD_BATCH) add('operator_ids', `at most ${SENDBIRD_BATCH} operators`, SendbirdCodes.TOO_MANY);
      const seen = new Set<string>();
      p.operator_ids.forEach((o: unknown, i) => {
        if (typeof o !== 'string') add(`operator_ids[${i}]`, 'expected a user id string', SendbirdCodes.NOT_STRING);
        else if (seen.has(o)) add(`operator_ids[${i}]`, `operator ${o} is listed twice`, SendbirdCodes.INVALID_VALUE);
        else if (!users.has(o)) add(`operator_ids[${i}]`, `${o} is not among the users`, SendbirdCodes.INVALID_VALUE);
        if (typeof o === 'string') seen.add(o);
      });
    }
  }
  for (const [name, allowed] of [
    ['invitation_status', INVITATION],
    ['hidden_status', HIDDEN],
  ] as const) {
    const v = p[name];
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      add(name, 'expected an object of user id → status', SendbirdCodes.NOT_JSON);
      continue;
    }
    for (const [user, status] of Object.entries(v)) {
      if (!users.has(user)) add(`${name}.${user}`, `${user} is not among the users`, SendbirdCodes.INVALID_VALUE);
      if (typeof status !== 'string' || !allowed.has(status))
        add(`${name}.${user}`, `expected one of ${[...allowed].join(', ')}`, SendbirdCodes.INVALID_VALUE);
    }
  }
  return out;
}
