/**
 * A fake Sendbird Platform API (Chat v3) for tests: an in-memory HTTP server on 127.0.0.1 that
 * stores users, group channels, messages and uploaded files the way Sendbird does, answers in
 * Sendbird's snake_case resources and `{ error, code, message }` error shape, and logs every
 * request it receives (API token redacted) so that a test can prove no plaintext ever left.
 *
 * Only `node:http` and the platform (`fetch`, `Response`, `FormData`) are used.
 *
 * Sources (what each behaviour rests on; "guess" marks what no source here settles):
 * - docs/sendbird.md §"Group channels": create-channel properties, limits and error codes.
 * - Sendbird docs, "List messages" (Platform API v3): `message_ts` or `message_id` required,
 *   `prev_limit`/`next_limit` 0–200 (default 15), `include` (default true), `reverse`.
 * - Sendbird docs, "Message overview": MESG / FILE / ADMM; text and file senders must be channel
 *   members; files up to 25 MB.
 * - Sendbird docs, "Error codes", and Sendbird's SDK error enums (.NET `ErrorCode`, Flutter
 *   `ErrorCode`): 4001xx parameter errors, 400201 not found, 400202 exists, 400203 too many,
 *   400401 invalid API token, 400403 invalid JSON body, 400404 invalid URL, 400750 banned,
 *   400920 invalid combination; 900020 "user not member" (an SDK/socket code; that the Platform
 *   API answers a non-member's send with it is a guess, as is HTTP 400 for every error, which
 *   the error page states as "all errors return a 400 or 500 HTTP response").
 * - sendbird-platform-sdk-typescript models (`SendMessageData`, `SendBirdMessageResponse`,
 *   `UpdateMessageByIdData`, `GcLeaveChannelData`, `GcBanUserData`, `SendBirdMember`): request
 *   and response property names.
 * - Sendbird docs "Webhooks › Group channel" (`group_channel:message_send` sample payload; the
 *   `…:message_update` body is that one with its category and `updated_at`, a guess) and
 *   "Webhooks › Overview" (`x-sendbird-signature` = HMAC-SHA256 of the body keyed by the token).
 *
 * Simplifications, on purpose: users named anywhere are created on the fly (Sendbird creates
 * them with `POST /v3/users`; pass `autoCreateUsers: false` to require that); invited users join
 * at once unless `invitation_status` says otherwise; message `created_at` values are strictly
 * increasing across the server (Sendbird's can tie, which would make `message_ts` paging
 * ambiguous in tests); ephemeral channels answer sends but keep no messages; no push, read
 * receipts, threads, reactions, metadata, freezing or muting.
 *
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Sendbird error codes this fake answers with. */
export const FakeSendbirdCodes = {
  NOT_STRING: 400100,
  NOT_NUMBER: 400101,
  NOT_LIST: 400102,
  NOT_JSON: 400103,
  NOT_BOOLEAN: 400104,
  MISSING: 400105,
  TOO_LONG: 400110,
  INVALID_VALUE: 400111,
  NOT_ALLOWED_CHARACTERS: 400151,
  NOT_FOUND: 400201,
  ALREADY_EXISTS: 400202,
  TOO_MANY: 400203,
  INVALID_API_TOKEN: 400401,
  INVALID_JSON_BODY: 400403,
  INVALID_URL: 400404,
  BANNED: 400750,
  INVALID_COMBINATION: 400920,
  NOT_A_MEMBER: 900020,
} as const;

const C = FakeSendbirdCodes;
/** Sendbird's per-request limit of users, and a plain group channel's member limit. */
const BATCH = 100;
/** Sendbird's documented upload limit for one file. */
const MAX_FILE_BYTES = 25 * 1024 * 1024;

/** Options of {@link startFakeSendbird}. */
export interface FakeSendbirdOptions {
  /** The application id: requests to `https://api-{applicationId}.sendbird.com` are routed here. */
  applicationId: string;
  /** The only `Api-Token` accepted. */
  apiToken: string;
  /** Create unknown users when a request names them (default true). False: only `POST /v3/users` creates users. */
  autoCreateUsers?: boolean;
  /** The clock, in Unix milliseconds (default `Date.now`). */
  now?: () => number;
  /** HTTP status of a 400401 (default 400, as Sendbird's error page says; 401 to test a client's handling). */
  invalidTokenStatus?: 400 | 401;
  /** Largest request body accepted, in bytes (default 26 MiB: one 25 MB file and its fields). */
  maxBodyBytes?: number;
}

/** A stored user. */
export interface FakeUser {
  user_id: string;
  nickname: string;
  profile_url: string;
  metadata: Record<string, string>;
}

/** A stored channel membership. */
export interface FakeMember {
  user_id: string;
  state: 'joined' | 'invited';
  /** Unix milliseconds. */
  joined_at: number;
}

/** A stored ban. */
export interface FakeBan {
  user_id: string;
  description: string;
  /** Unix milliseconds. */
  start_at: number;
  end_at: number;
}

/** A stored group channel. */
export interface FakeChannel {
  channel_url: string;
  name: string;
  cover_url: string;
  custom_type: string;
  data: string;
  is_distinct: boolean;
  is_public: boolean;
  is_super: boolean;
  is_ephemeral: boolean;
  access_code: string | null;
  /** Unix seconds (Sendbird's channel timestamps are in seconds, its message timestamps in milliseconds). */
  created_at: number;
  members: Map<string, FakeMember>;
  operators: Set<string>;
  banned: Map<string, FakeBan>;
}

/** A stored uploaded file, served back at `url` without a token (Sendbird's `require_auth: false`). */
export interface FakeFile {
  id: string;
  url: string;
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** A stored message. */
export interface FakeMessage {
  message_id: number;
  type: 'MESG' | 'FILE' | 'ADMM';
  channel_url: string;
  /** The sender; null for admin messages. */
  user_id: string | null;
  message: string;
  data: string;
  custom_type: string;
  mention_type: 'users' | 'channel';
  mentioned_user_ids: string[];
  is_silent: boolean;
  send_push: boolean;
  dedup_id: string | null;
  /** Unix milliseconds. */
  created_at: number;
  /** Unix milliseconds; 0 until the message is updated. */
  updated_at: number;
  file: { url: string; name: string; type: string; size: number } | null;
  /** The stored upload behind `file.url`, when the file was uploaded (not given as a URL). */
  file_id: string | null;
  thumbnails: string[];
  require_auth: boolean;
}

/** One logged request. */
export interface FakeRequestLog {
  method: string;
  /** Path and query, as received. */
  path: string;
  /** Lower-cased names; `api-token` (and `authorization`) redacted. */
  headers: Record<string, string>;
  /** The raw body bytes. */
  body: Uint8Array;
  /** The status answered (0 while the request is being handled). */
  status: number;
}

/** Everything the fake stores, live, for assertions (do not mutate from tests). */
export interface FakeSendbirdState {
  users: Map<string, FakeUser>;
  channels: Map<string, FakeChannel>;
  /** Per channel URL, in Sendbird's order (created_at, then message_id). */
  messages: Map<string, FakeMessage[]>;
  /** Uploaded files by id (message files and channel covers). */
  files: Map<string, FakeFile>;
  requests: FakeRequestLog[];
  /** Logged requests whose path, header values or raw body contain `needle` (bytes, or UTF-8 text). */
  requestsContaining(needle: string | Uint8Array): FakeRequestLog[];
}

/** A request as chat-keykit's builders produce it (`SendbirdRequest`), or any fetch-style request. */
export interface FakeSendbirdRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | FormData | Uint8Array | null;
}

/** Options of {@link FakeSendbird.messageSendWebhook}. */
export interface WebhookOptions {
  /** Include `members` (Sendbird's "Include member information" setting; never for Supergroups). Default true. */
  includeMembers?: boolean;
}

/** A running fake. */
export interface FakeSendbird {
  /** The API root, the counterpart of `https://api-{app_id}.sendbird.com/v3`. */
  url: string;
  /** `http://127.0.0.1:{port}`. */
  origin: string;
  port: number;
  /** `https://api-{app_id}.sendbird.com`, the origin that {@link FakeSendbird.fetch} rewrites. */
  sendbirdOrigin: string;
  state: FakeSendbirdState;
  /**
   * `fetch` that sends `https://api-{app_id}.sendbird.com/...` here; URLs on the fake's own
   * origin (file URLs) pass unchanged; any other URL is refused, so tests stay offline.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Sends a `{ method, url, headers, body }` request (as built by chat-keykit) through {@link FakeSendbird.fetch}. */
  send(request: FakeSendbirdRequest): Promise<Response>;
  /** The message resource Sendbird would return for a stored message. */
  messageResource(channelUrl: string, messageId: number): Record<string, unknown>;
  /** The channel resource Sendbird would return (`show_member` as `members`). */
  channelResource(channelUrl: string, options?: { members?: boolean }): Record<string, unknown>;
  /** The `group_channel:message_send` webhook body for a stored message. */
  messageSendWebhook(channelUrl: string, messageId: number, options?: WebhookOptions): Record<string, unknown>;
  /**
   * The `group_channel:message_update` webhook body for a stored message: the message_send body
   * with that category and the message's `updated_at` in the payload (a guess: Sendbird documents
   * no sample of it).
   */
  messageUpdateWebhook(channelUrl: string, messageId: number, options?: WebhookOptions): Record<string, unknown>;
  /** `x-sendbird-signature` of a webhook body: hex HMAC-SHA256 of the exact body text, keyed by the API token. */
  signWebhook(body: string): string;
  /** Stops listening and drops open connections; the port is free when this resolves. Safe to call twice. */
  close(): Promise<void>;
}

class SendbirdError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function fail(code: number, message: string, status = 400): never {
  throw new SendbirdError(code, message, status);
}

interface FilePart {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Request parameters from JSON (typed values) or from a query string / multipart form (strings). */
class Params {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly textual: boolean,
    readonly files: Map<string, FilePart> = new Map(),
  ) {}

  has(k: string): boolean {
    return this.raw[k] !== undefined && this.raw[k] !== null;
  }

  str(k: string, o: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) {
      if (o.required) fail(C.MISSING, `"${k}" is required.`);
      return undefined;
    }
    if (typeof v !== 'string') fail(C.NOT_STRING, `Invalid value: "${k}" must be a string.`);
    if (o.max !== undefined && [...v].length > o.max) fail(C.TOO_LONG, `"${k}" is too long (max ${o.max}).`);
    return v;
  }

  bool(k: string): boolean | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (this.textual && (v === 'true' || v === 'false')) return v === 'true';
    fail(C.NOT_BOOLEAN, `Invalid value: "${k}" must be a boolean.`);
  }

  int(k: string): number | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : this.textual && typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) fail(C.NOT_NUMBER, `Invalid value: "${k}" must be a number.`);
    return n;
  }

  list(k: string): unknown[] | undefined {
    let v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (this.textual && typeof v === 'string') {
      // Multipart and query strings carry lists as JSON text or comma-separated values.
      try {
        v = v.trim().startsWith('[') ? JSON.parse(v) : v.split(',').filter((s) => s !== '');
      } catch {
        fail(C.NOT_LIST, `Invalid value: "${k}" must be a list.`);
      }
    }
    if (!Array.isArray(v)) fail(C.NOT_LIST, `Invalid value: "${k}" must be a list.`);
    return v;
  }

  strings(k: string): string[] | undefined {
    const l = this.list(k);
    if (l === undefined) return undefined;
    for (const x of l) if (typeof x !== 'string') fail(C.NOT_STRING, `Invalid value: "${k}" must be a list of strings.`);
    return l as string[];
  }

  obj(k: string): Record<string, unknown> | undefined {
    let v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (this.textual && typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        fail(C.NOT_JSON, `Invalid value: "${k}" must be a JSON object.`);
      }
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(C.NOT_JSON, `Invalid value: "${k}" must be a JSON object.`);
    return v as Record<string, unknown>;
  }

  /** `user_ids` (strings) or `users` (`{ user_id }` objects or ids), whichever is given. */
  userIds(required: boolean): string[] {
    if (this.has('user_ids') && this.has('users')) fail(C.INVALID_COMBINATION, 'Give "user_ids" or "users", not both.');
    const field = this.has('users') ? 'users' : 'user_ids';
    const l = this.list(field);
    if (l === undefined || l.length === 0) {
      if (required) fail(C.MISSING, `"${field}" is required.`);
      return [];
    }
    const ids = l.map((u) => (typeof u === 'object' && u !== null ? (u as { user_id?: unknown }).user_id : u));
    for (const id of ids) {
      if (typeof id !== 'string') fail(C.NOT_STRING, `Invalid value: "${field}" must hold user ids.`);
      if (id.length === 0) fail(C.INVALID_VALUE, `Invalid value: "${field}" holds an empty user id.`);
    }
    return [...new Set(ids as string[])];
  }
}

const CHANNEL_URL = /^[A-Za-z0-9_-]+$/;
const MESSAGE_TYPES = new Set(['MESG', 'FILE', 'ADMM']);

/** Byte search (no allocation per request). */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return needle.length === 0 || Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle) !== -1;
}

/**
 * Starts a fake Sendbird Platform API on 127.0.0.1 at a free port.
 * @example
 * const sb = await startFakeSendbird({ applicationId: APP, apiToken: TOKEN });
 * const res = await sb.send(createSendbirdGroupChannelRequest({ user_ids: ['a', 'b'] }, { applicationId: APP, apiToken: TOKEN }));
 * await sb.close();
 */
export async function startFakeSendbird(options: FakeSendbirdOptions): Promise<FakeSendbird> {
  const { applicationId, apiToken } = options;
  if (typeof applicationId !== 'string' || !/^[A-Za-z0-9-]+$/.test(applicationId))
    throw new TypeError('applicationId: letters, digits and hyphens');
  if (typeof apiToken !== 'string' || apiToken.length === 0) throw new TypeError('apiToken: a non-empty string');
  const now = options.now ?? Date.now;
  const autoCreate = options.autoCreateUsers ?? true;
  const tokenStatus = options.invalidTokenStatus ?? 400;
  const maxBody = options.maxBodyBytes ?? 26 * 1024 * 1024;

  const requests: FakeRequestLog[] = [];
  const state: FakeSendbirdState = {
    users: new Map(),
    channels: new Map(),
    messages: new Map(),
    files: new Map(),
    requests,
    requestsContaining(needle) {
      const n = typeof needle === 'string' ? new TextEncoder().encode(needle) : needle;
      const text = typeof needle === 'string' ? needle : Buffer.from(needle).toString('latin1');
      return requests.filter((r) => r.path.includes(text) || Object.values(r.headers).some((h) => h.includes(text)) || contains(r.body, n));
    },
  };
  let origin = '';
  let lastMessageTs = 0;
  let nextMessageId = 100_001;

  const messageTime = (): number => (lastMessageTs = Math.max(now(), lastMessageTs + 1));
  const randomId = (bytes: number): string => randomBytes(bytes).toString('hex');

  // ---- users ---------------------------------------------------------------------------

  function user(id: string, create = autoCreate): FakeUser {
    let u = state.users.get(id);
    if (!u) {
      if (!create) fail(C.NOT_FOUND, `"User" not found: ${id}.`);
      u = { user_id: id, nickname: '', profile_url: '', metadata: {} };
      state.users.set(id, u);
    }
    return u;
  }

  const userObject = (id: string): Record<string, unknown> => {
    const u = state.users.get(id) ?? { user_id: id, nickname: '', profile_url: '', metadata: {} };
    return { user_id: u.user_id, nickname: u.nickname, profile_url: u.profile_url, metadata: u.metadata };
  };

  // ---- channels ------------------------------------------------------------------------

  function channel(url: string): FakeChannel {
    const ch = state.channels.get(url);
    if (!ch) fail(C.NOT_FOUND, `"Channel" not found: ${url}.`);
    return ch;
  }

  const memberObject = (ch: FakeChannel, m: FakeMember): Record<string, unknown> => ({
    ...userObject(m.user_id),
    is_active: true,
    is_online: false,
    last_seen_at: 0,
    state: m.state,
    role: ch.operators.has(m.user_id) ? 'operator' : '',
    is_muted: false,
  });

  function channelResource(url: string, o: { members?: boolean } = {}): Record<string, unknown> {
    const ch = channel(url);
    const list = [...ch.members.values()];
    const msgs = state.messages.get(url) ?? [];
    const last = msgs[msgs.length - 1];
    return {
      name: ch.name,
      channel_url: ch.channel_url,
      cover_url: ch.cover_url,
      custom_type: ch.custom_type,
      data: ch.data,
      is_distinct: ch.is_distinct,
      is_public: ch.is_public,
      is_super: ch.is_super,
      is_ephemeral: ch.is_ephemeral,
      is_access_code_required: ch.access_code !== null,
      is_discoverable: ch.is_public,
      is_broadcast: false,
      freeze: false,
      member_count: list.length,
      joined_member_count: list.filter((m) => m.state === 'joined').length,
      max_length_message: -1,
      created_at: ch.created_at,
      unread_message_count: 0,
      unread_mention_count: 0,
      last_message: last ? messageObject(last) : null,
      operators: [...ch.operators].map(userObject),
      ...(o.members ? { members: list.map((m) => memberObject(ch, m)) } : {}),
    };
  }

  function storeFile(part: FilePart, name?: string, type?: string): FakeFile {
    if (part.bytes.length > MAX_FILE_BYTES) fail(C.INVALID_VALUE, 'Maximum filesize for uploading is 25Mb.');
    const id = randomId(16);
    const fileName = name ?? (part.name || 'file');
    const f: FakeFile = {
      id,
      name: fileName,
      type: type ?? (part.type || 'application/octet-stream'),
      bytes: part.bytes,
      url: `${origin}/files/${id}/${encodeURIComponent(fileName)}`,
    };
    state.files.set(id, f);
    return f;
  }

  /** Adds users to a channel, after the checks Sendbird makes for invites and creates. */
  function addMembers(ch: FakeChannel, ids: string[], statuses: Record<string, unknown> | undefined): void {
    // Every check before any change: a refused request leaves the channel as it was.
    for (const id of ids) if (ch.banned.has(id)) fail(C.BANNED, `User ${id} is banned from the channel.`);
    if (!autoCreate) for (const id of ids) user(id, false);
    const after = new Set([...ch.members.keys(), ...ids]).size;
    if (!ch.is_super && after > BATCH) fail(C.TOO_MANY, `A group channel holds up to ${BATCH} members (use a Supergroup).`);
    for (const id of ids) {
      user(id);
      if (ch.members.has(id)) continue;
      const status = statuses?.[id] ?? 'joined';
      ch.members.set(id, { user_id: id, state: status === 'joined' ? 'joined' : 'invited', joined_at: now() });
    }
  }

  function checkedStatuses(p: Params, k: string, allowed: string[], users: Set<string>): Record<string, unknown> | undefined {
    const v = p.obj(k);
    if (v === undefined) return undefined;
    for (const [u, s] of Object.entries(v)) {
      if (!users.has(u)) fail(C.INVALID_VALUE, `"${k}": ${u} is not among the users.`);
      if (typeof s !== 'string' || !allowed.includes(s)) fail(C.INVALID_VALUE, `"${k}": invalid status for ${u}.`);
    }
    return v;
  }

  function createChannel(p: Params): [number, unknown] {
    const ids = p.userIds(true);
    if (ids.length > BATCH) fail(C.TOO_MANY, `At most ${BATCH} users per request.`);
    const name = p.str('name', { max: 191 });
    const url = p.str('channel_url');
    const coverUrl = p.str('cover_url', { max: 2048 });
    const customType = p.str('custom_type', { max: 128 });
    const data = p.str('data');
    const accessCode = p.str('access_code');
    const inviter = p.str('inviter_id');
    const [isDistinct, isPublic, isSuper, isEphemeral, strict] = ['is_distinct', 'is_public', 'is_super', 'is_ephemeral', 'strict'].map(
      (k) => p.bool(k) ?? false,
    ) as [boolean, boolean, boolean, boolean, boolean];
    p.bool('block_sdk_user_channel_join');
    const operators = p.strings('operator_ids') ?? [];
    const cover = p.files.get('cover_file');
    if (url !== undefined) {
      const n = [...url].length;
      if (n > 100) fail(C.TOO_LONG, '"channel_url" is too long (max 100).');
      if (n < 4) fail(C.INVALID_VALUE, '"channel_url" must have at least 4 characters.');
      if (!CHANNEL_URL.test(url)) fail(C.NOT_ALLOWED_CHARACTERS, '"channel_url" has characters that are not allowed.');
      if (state.channels.has(url)) fail(C.ALREADY_EXISTS, `"Channel" already exists: ${url}.`);
    }
    if (isSuper && isDistinct) fail(C.INVALID_VALUE, 'A Supergroup cannot be distinct.');
    if (cover && coverUrl !== undefined) fail(C.INVALID_COMBINATION, 'Give "cover_url" or "cover_file", not both.');
    if (accessCode !== undefined && !isPublic) fail(C.INVALID_COMBINATION, '"access_code" needs "is_public": true.');
    const users = new Set(ids);
    if (inviter !== undefined && !users.has(inviter)) fail(C.INVALID_VALUE, '"inviter_id" must be among the users.');
    if (operators.length > BATCH) fail(C.TOO_MANY, `At most ${BATCH} operators.`);
    for (const o of operators) if (!users.has(o)) fail(C.INVALID_VALUE, `"operator_ids": ${o} is not among the users.`);
    const invitation = checkedStatuses(p, 'invitation_status', ['joined', 'invited_by_friend', 'invited_by_non_friend'], users);
    checkedStatuses(p, 'hidden_status', ['unhidden', 'hidden_allow_auto_unhide', 'hidden_prevent_auto_unhide'], users);
    if (!isSuper && ids.length > BATCH) fail(C.TOO_MANY, `A group channel holds up to ${BATCH} members.`);
    let known = ids;
    if (!autoCreate) {
      const missing = ids.filter((u) => !state.users.has(u));
      if (strict && missing.length > 0) fail(C.INVALID_VALUE, `Users not found: ${missing.join(', ')}.`);
      known = ids.filter((u) => state.users.has(u));
    }
    if (isDistinct) {
      // Sendbird returns the existing distinct channel of the same members and custom type.
      const key = [...known].sort().join('\n');
      for (const ch of state.channels.values()) {
        if (ch.is_distinct && ch.custom_type === (customType ?? '') && [...ch.members.keys()].sort().join('\n') === key) {
          return [200, channelResource(ch.channel_url, { members: true })];
        }
      }
    }
    const channelUrl = url ?? `sendbird_group_channel_${Math.floor(now() / 1000) % 1e9}_${randomId(20)}`;
    const ch: FakeChannel = {
      channel_url: channelUrl,
      name: name ?? 'group channel',
      cover_url: coverUrl ?? (cover ? storeFile(cover).url : ''),
      custom_type: customType ?? '',
      data: data ?? '',
      is_distinct: isDistinct,
      is_public: isPublic,
      is_super: isSuper,
      is_ephemeral: isEphemeral,
      access_code: accessCode ?? null,
      created_at: Math.floor(now() / 1000),
      members: new Map(),
      operators: new Set(),
      banned: new Map(),
    };
    addMembers(ch, known, invitation);
    for (const o of operators) if (ch.members.has(o)) ch.operators.add(o);
    state.channels.set(channelUrl, ch);
    state.messages.set(channelUrl, []);
    return [200, channelResource(channelUrl, { members: true })];
  }

  function updateChannel(url: string, p: Params): unknown {
    const ch = channel(url);
    const name = p.str('name', { max: 191 });
    const coverUrl = p.str('cover_url', { max: 2048 });
    const customType = p.str('custom_type', { max: 128 });
    const data = p.str('data');
    const accessCode = p.str('access_code');
    const isDistinct = p.bool('is_distinct');
    const isPublic = p.bool('is_public');
    const operators = p.strings('operator_ids');
    const cover = p.files.get('cover_file');
    if (cover && coverUrl !== undefined) fail(C.INVALID_COMBINATION, 'Give "cover_url" or "cover_file", not both.');
    if (isDistinct === true && ch.is_super) fail(C.INVALID_VALUE, 'A Supergroup cannot be distinct.');
    if (operators) for (const o of operators) if (!ch.members.has(o)) fail(C.INVALID_VALUE, `"operator_ids": ${o} is not a member.`);
    const storedCover = cover ? storeFile(cover).url : undefined;
    if (name !== undefined) ch.name = name;
    if (coverUrl !== undefined) ch.cover_url = coverUrl;
    if (storedCover !== undefined) ch.cover_url = storedCover;
    if (customType !== undefined) ch.custom_type = customType;
    if (data !== undefined) ch.data = data;
    if (isDistinct !== undefined) ch.is_distinct = isDistinct;
    if (isPublic !== undefined) ch.is_public = isPublic;
    if (accessCode !== undefined) ch.access_code = accessCode === '' ? null : accessCode;
    if (operators) for (const o of operators) ch.operators.add(o);
    return channelResource(url, { members: true });
  }

  function invite(url: string, p: Params): unknown {
    const ch = channel(url);
    const ids = p.userIds(true);
    if (ids.length > BATCH) fail(C.TOO_MANY, `At most ${BATCH} users per request.`);
    const invitation = checkedStatuses(p, 'invitation_status', ['joined', 'invited_by_friend', 'invited_by_non_friend'], new Set(ids));
    checkedStatuses(p, 'hidden_status', ['unhidden', 'hidden_allow_auto_unhide', 'hidden_prevent_auto_unhide'], new Set(ids));
    const fresh = ids.filter((u) => !ch.members.has(u));
    addMembers(ch, ids, invitation);
    // Sendbird: inviting a new member turns the distinct property off.
    if (fresh.length > 0) ch.is_distinct = false;
    return channelResource(url, { members: true });
  }

  function removeMembers(ch: FakeChannel, ids: Iterable<string>): void {
    let removed = false;
    for (const id of ids) {
      removed = ch.members.delete(id) || removed;
      ch.operators.delete(id);
    }
    // Sendbird: a member leaving turns the distinct property off.
    if (removed) ch.is_distinct = false;
  }

  function leave(url: string, p: Params): unknown {
    const ch = channel(url);
    if (p.bool('should_leave_all') === true) removeMembers(ch, [...ch.members.keys()]);
    else removeMembers(ch, p.strings('user_ids') ?? fail(C.MISSING, '"user_ids" is required.'));
    return {};
  }

  function ban(url: string, p: Params): unknown {
    const ch = channel(url);
    const list = p.has('banned_list')
      ? (p.list('banned_list') ?? [])
      : [{ user_id: p.str('user_id', { required: true }), seconds: p.int('seconds'), description: p.str('description', { max: 250 }) }];
    const bans = list.map((item) => {
      const e = new Params((typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>, false);
      const id = e.str('user_id', { required: true }) as string;
      if (!autoCreate) user(id, false);
      const seconds = e.int('seconds') ?? -1;
      const start = now();
      return {
        user_id: id,
        description: e.str('description', { max: 250 }) ?? '',
        start_at: start,
        end_at: seconds < 0 ? start + 10 * 365 * 86_400_000 : start + seconds * 1000,
      } satisfies FakeBan;
    });
    const out: unknown[] = [];
    for (const b of bans) {
      const id = b.user_id;
      user(id);
      ch.banned.set(id, b);
      removeMembers(ch, [id]);
      out.push({ user: userObject(id), start_at: b.start_at, end_at: b.end_at, description: b.description });
    }
    return p.has('banned_list') ? { banned_list: out } : out[0];
  }

  // ---- messages ------------------------------------------------------------------------

  function messageObject(m: FakeMessage): Record<string, unknown> {
    const common = {
      type: m.type,
      message_id: m.message_id,
      channel_url: m.channel_url,
      channel_type: 'group',
      custom_type: m.custom_type,
      data: m.data,
      created_at: m.created_at,
      updated_at: m.updated_at,
      mention_type: m.mention_type,
      mentioned_users: m.mentioned_user_ids.filter((u) => state.users.has(u)).map(userObject),
      is_removed: false,
      is_op_msg: m.user_id !== null && (state.channels.get(m.channel_url)?.operators.has(m.user_id) ?? false),
      silent: m.is_silent,
      message_retention_hour: -1,
      message_survival_seconds: -1,
      sorted_metaarray: [],
      req_id: '',
    };
    if (m.type === 'ADMM') return { ...common, message: m.message };
    const sender = {
      ...userObject(m.user_id as string),
      require_auth_for_profile_image: false,
      is_active: true,
      role: common.is_op_msg ? 'operator' : '',
    };
    if (m.type === 'MESG') return { ...common, message: m.message, translations: {}, user: sender };
    return {
      ...common,
      user: sender,
      file: { ...(m.file as NonNullable<FakeMessage['file']>), data: m.data },
      thumbnails: m.thumbnails,
      require_auth: m.require_auth,
    };
  }

  function storedMessage(url: string, id: number): FakeMessage {
    channel(url);
    const m = (state.messages.get(url) ?? []).find((x) => x.message_id === id);
    if (!m) fail(C.NOT_FOUND, `"Message" not found: ${id}.`);
    return m;
  }

  function sendMessage(url: string, p: Params): unknown {
    const ch = channel(url);
    const type = p.str('message_type', { required: true }) as string;
    if (!MESSAGE_TYPES.has(type)) fail(C.INVALID_VALUE, '"message_type" must be MESG, FILE or ADMM.');
    const senderId = type === 'ADMM' ? undefined : (p.str('user_id', { required: true }) as string);
    const text = type === 'FILE' ? '' : (p.str('message', { required: true }) as string);
    const customType = p.str('custom_type', { max: 128 }) ?? '';
    const data = p.str('data') ?? p.str('custom_field') ?? '';
    const sendPush = p.bool('send_push') ?? true;
    const isSilent = p.bool('is_silent') ?? false;
    p.bool('mark_as_read');
    const mentionType = p.str('mention_type') ?? 'users';
    if (mentionType !== 'users' && mentionType !== 'channel') fail(C.INVALID_VALUE, '"mention_type" must be users or channel.');
    const mentioned = p.strings('mentioned_user_ids') ?? [];
    const dedupId = p.str('dedup_id') ?? null;
    const createdAt = p.int('created_at');
    if (createdAt !== undefined && createdAt <= 0) fail(C.INVALID_VALUE, '"created_at" must be positive.');
    if (senderId !== undefined) {
      user(senderId, false);
      if (ch.members.get(senderId)?.state !== 'joined') fail(C.NOT_A_MEMBER, 'User must be a member.');
    }
    const list = state.messages.get(url) ?? [];
    if (dedupId !== null && list.some((m) => m.dedup_id === dedupId))
      fail(C.ALREADY_EXISTS, `A message with "dedup_id" ${dedupId} already exists.`);
    let file: FakeMessage['file'] = null;
    let fileId: string | null = null;
    let thumbnails: string[] = [];
    if (type === 'FILE') {
      const part = p.files.get('file');
      const givenUrl = p.str('url', { max: 2048 });
      const name = p.str('file_name');
      const ftype = p.str('file_type');
      const size = p.int('file_size');
      thumbnails = p.strings('thumbnails') ?? [];
      if (part && givenUrl !== undefined) fail(C.INVALID_COMBINATION, 'Give "file" or "url", not both.');
      if (part) {
        const f = storeFile(part, name, ftype);
        file = { url: f.url, name: f.name, type: f.type, size: f.bytes.length };
        fileId = f.id;
      } else if (givenUrl !== undefined) {
        file = { url: givenUrl, name: name ?? '', type: ftype ?? '', size: size ?? 0 };
      } else fail(C.MISSING, '"file" or "url" is required for a FILE message.');
    }
    // Mentions of unknown users are kept as ids and left out of mentioned_users (a guess).
    if (autoCreate) for (const u of mentioned) user(u);
    const m: FakeMessage = {
      message_id: nextMessageId++,
      type: type as FakeMessage['type'],
      channel_url: url,
      user_id: senderId ?? null,
      message: text,
      data,
      custom_type: customType,
      mention_type: mentionType,
      mentioned_user_ids: mentionType === 'users' ? mentioned : [],
      is_silent: isSilent,
      send_push: sendPush,
      dedup_id: dedupId,
      created_at: createdAt ?? messageTime(),
      updated_at: 0,
      file,
      file_id: fileId,
      thumbnails,
      require_auth: p.bool('require_auth') ?? false,
    };
    // An ephemeral channel keeps no history: the message is answered, not stored.
    if (ch.is_ephemeral) return messageObject(m);
    const at = list.findIndex((x) => x.created_at > m.created_at);
    if (at === -1) list.push(m);
    else list.splice(at, 0, m);
    state.messages.set(url, list);
    return messageObject(m);
  }

  function listMessages(url: string, q: Params): unknown {
    channel(url);
    const ts = q.int('message_ts');
    const anchorId = q.int('message_id');
    if (ts === undefined && anchorId === undefined) fail(C.MISSING, '"message_ts" or "message_id" is required.');
    const limit = (k: string): number => {
      const n = q.int(k) ?? 15;
      if (n < 0 || n > 200) fail(C.INVALID_VALUE, `"${k}" must be between 0 and 200.`);
      return n;
    };
    const prevLimit = limit('prev_limit');
    const nextLimit = limit('next_limit');
    const include = q.bool('include') ?? true;
    const reverse = q.bool('reverse') ?? false;
    const type = q.str('message_type');
    if (type !== undefined && !MESSAGE_TYPES.has(type)) fail(C.INVALID_VALUE, '"message_type" must be MESG, FILE or ADMM.');
    const senders = q.strings('sender_ids') ?? (q.has('sender_id') ? [q.str('sender_id') as string] : undefined);
    const customTypes = q.strings('custom_types');
    const all = state.messages.get(url) ?? [];
    // Sendbird's order: created_at, then message_id; an anchor message splits it in two.
    let side: (m: FakeMessage) => number;
    if (anchorId !== undefined && ts === undefined) {
      const anchor = all.find((m) => m.message_id === anchorId) ?? fail(C.NOT_FOUND, `"Message" not found: ${anchorId}.`);
      side = (m) =>
        m.message_id === anchor.message_id
          ? 0
          : m.created_at < anchor.created_at || (m.created_at === anchor.created_at && m.message_id < anchor.message_id)
            ? -1
            : 1;
    } else {
      const t = ts as number;
      side = (m) => Math.sign(m.created_at - t);
    }
    const kept = all.filter(
      (m) =>
        (type === undefined || m.type === type) &&
        (senders === undefined || (m.user_id !== null && senders.includes(m.user_id))) &&
        (customTypes === undefined || customTypes.includes('*') || customTypes.includes(m.custom_type)),
    );
    const prev = kept.filter((m) => side(m) < 0);
    const exact = include ? kept.filter((m) => side(m) === 0) : [];
    const next = kept.filter((m) => side(m) > 0);
    const page = [...prev.slice(Math.max(0, prev.length - prevLimit)), ...exact, ...next.slice(0, nextLimit)];
    if (reverse) page.reverse();
    return { messages: page.map(messageObject) };
  }

  function updateMessage(url: string, id: number, p: Params): unknown {
    const m = storedMessage(url, id);
    const type = p.str('message_type', { required: true }) as string;
    if (!MESSAGE_TYPES.has(type)) fail(C.INVALID_VALUE, '"message_type" must be MESG, FILE or ADMM.');
    if (type !== m.type) fail(C.INVALID_VALUE, `"message_type" ${type} does not match the message (${m.type}).`);
    const text = p.str('message');
    if (text !== undefined && m.type === 'FILE') fail(C.INVALID_VALUE, 'A FILE message has no "message" to update.');
    const customType = p.str('custom_type', { max: 128 });
    const data = p.str('data');
    const mentionType = p.str('mention_type');
    if (mentionType !== undefined && mentionType !== 'users' && mentionType !== 'channel')
      fail(C.INVALID_VALUE, '"mention_type" must be users or channel.');
    const mentioned = p.strings('mentioned_user_ids');
    if (text !== undefined) m.message = text;
    if (customType !== undefined) m.custom_type = customType;
    if (data !== undefined) m.data = data;
    if (mentionType !== undefined) m.mention_type = mentionType;
    if (mentioned !== undefined) m.mentioned_user_ids = mentioned;
    m.updated_at = Math.max(now(), m.created_at + 1);
    return messageObject(m);
  }

  function deleteMessage(url: string, id: number): unknown {
    const m = storedMessage(url, id);
    const list = state.messages.get(url) ?? [];
    list.splice(list.indexOf(m), 1);
    return {};
  }

  function messageSendWebhook(url: string, id: number, o: WebhookOptions = {}): Record<string, unknown> {
    const ch = channel(url);
    const m = storedMessage(url, id);
    const sender = m.user_id === null ? null : userObject(m.user_id);
    // The MESG payload follows Sendbird's documented sample; the FILE payload fields are a guess.
    const payload =
      m.type === 'FILE'
        ? {
            message_id: m.message_id,
            custom_type: m.custom_type,
            created_at: m.created_at,
            data: m.data,
            url: m.file?.url ?? '',
            filename: m.file?.name ?? '',
            file_type: m.file?.type ?? '',
            file_size: m.file?.size ?? 0,
            thumbnails: m.thumbnails,
            require_auth: m.require_auth,
          }
        : {
            message_id: m.message_id,
            custom_type: m.custom_type,
            message: m.message,
            translations: {},
            created_at: m.created_at,
            data: m.data,
          };
    return {
      category: 'group_channel:message_send',
      sender,
      silent: m.is_silent,
      sender_ip_addr: '127.0.0.1',
      custom_type: m.custom_type,
      mention_type: m.mention_type,
      mentioned_users: m.mentioned_user_ids.map(userObject),
      ...((o.includeMembers ?? true) && !ch.is_super
        ? {
            members: [...ch.members.values()].map((x) => ({
              ...memberObject(ch, x),
              is_hidden: 0,
              unread_message_count: 0,
              total_unread_message_count: 0,
              channel_unread_message_count: 0,
              channel_mention_count: 0,
              push_enabled: false,
              push_trigger_option: 'default',
              do_not_disturb: false,
            })),
          }
        : {}),
      type: m.type,
      payload,
      channel: {
        name: ch.name,
        channel_url: ch.channel_url,
        custom_type: ch.custom_type,
        is_distinct: ch.is_distinct,
        is_public: ch.is_public,
        is_super: ch.is_super,
        is_ephemeral: ch.is_ephemeral,
        is_discoverable: ch.is_public,
        data: ch.data,
      },
      sdk: 'API',
      app_id: applicationId,
    };
  }

  // ---- HTTP ----------------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end (and dropped) so that the client gets the answer
    // instead of a reset connection.
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
    }
    if (size > maxBody) fail(C.INVALID_VALUE, `The request body is larger than ${maxBody} bytes.`);
    return Buffer.concat(chunks);
  }

  async function bodyParams(req: IncomingMessage, body: Buffer): Promise<Params> {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      let form: FormData;
      try {
        form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] as string } }).formData();
      } catch {
        fail(C.INVALID_JSON_BODY, 'Invalid multipart body.');
      }
      const raw: Record<string, unknown> = {};
      const files = new Map<string, FilePart>();
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') raw[k] = v;
        else files.set(k, { name: (v as { name?: string }).name ?? '', type: v.type, bytes: new Uint8Array(await v.arrayBuffer()) });
      }
      return new Params(raw, true, files);
    }
    if (body.length === 0) return new Params({}, false);
    let v: unknown;
    try {
      v = JSON.parse(body.toString('utf8'));
    } catch {
      fail(C.INVALID_JSON_BODY, 'Invalid JSON request body.');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(C.INVALID_JSON_BODY, 'The JSON request body must be an object.');
    return new Params(v as Record<string, unknown>, false);
  }

  const messageIdOf = (s: string): number =>
    /^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : fail(C.NOT_FOUND, `"Message" not found: ${s}.`);

  async function route(req: IncomingMessage, body: Buffer, url: URL): Promise<[number, unknown] | [number, FakeFile]> {
    const method = req.method ?? 'GET';
    let parts: string[];
    try {
      parts = url.pathname
        .split('/')
        .filter((s) => s !== '')
        .map(decodeURIComponent);
    } catch {
      fail(C.INVALID_URL, 'Invalid request URL.');
    }
    if (parts[0] === 'files' && method === 'GET' && parts.length >= 2) {
      const f = state.files.get(parts[1] as string);
      if (!f) fail(C.NOT_FOUND, '"File" not found.', 404);
      return [200, f];
    }
    if (parts[0] !== 'v3') fail(C.INVALID_URL, 'Invalid request URL.');
    if (req.headers['api-token'] !== apiToken) fail(C.INVALID_API_TOKEN, 'Invalid value: "Api-Token".', tokenStatus);
    const q = new Params(Object.fromEntries(url.searchParams), true);
    const p = method === 'POST' || method === 'PUT' ? await bodyParams(req, body) : new Params({}, false);
    const [, a, b, c, d] = parts;
    const n = parts.length;
    if (a === 'users') {
      if (n === 2 && method === 'POST') {
        const id = p.str('user_id', { required: true }) as string;
        if (state.users.has(id)) fail(C.ALREADY_EXISTS, `"User" already exists: ${id}.`);
        const u: FakeUser = {
          user_id: id,
          nickname: p.str('nickname', { required: true, max: 80 }) as string,
          profile_url: p.str('profile_url', { max: 2048 }) ?? '',
          metadata: {},
        };
        state.users.set(id, u);
        return [200, userObject(id)];
      }
      if (n === 3 && method === 'GET') return [200, userObject(user(b as string, false).user_id)];
    }
    if (a === 'group_channels') {
      if (n === 2 && method === 'POST') return createChannel(p);
      const ch = b as string;
      if (n === 3 && method === 'GET') return [200, channelResource(ch, { members: q.bool('show_member') ?? false })];
      if (n === 3 && method === 'PUT') return [200, updateChannel(ch, p)];
      if (n === 3 && method === 'DELETE') {
        channel(ch);
        state.channels.delete(ch);
        state.messages.delete(ch);
        return [200, {}];
      }
      if (n === 4 && c === 'invite' && method === 'POST') return [200, invite(ch, p)];
      if (n === 4 && c === 'leave' && method === 'PUT') return [200, leave(ch, p)];
      if (n === 4 && c === 'ban' && method === 'POST') return [200, ban(ch, p)];
      if (n === 5 && c === 'ban' && method === 'DELETE') {
        if (!channel(ch).banned.delete(d as string)) fail(C.NOT_FOUND, `"Ban" not found: ${d}.`);
        return [200, {}];
      }
      if (c === 'messages') {
        if (n === 4 && method === 'POST') return [200, sendMessage(ch, p)];
        if (n === 4 && method === 'GET') return [200, listMessages(ch, q)];
        const id = messageIdOf(d as string);
        if (n === 5 && method === 'GET') return [200, messageObject(storedMessage(ch, id))];
        if (n === 5 && method === 'PUT') return [200, updateMessage(ch, id, p)];
        if (n === 5 && method === 'DELETE') return [200, deleteMessage(ch, id)];
      }
    }
    fail(C.INVALID_URL, `Invalid request URL: ${method} ${url.pathname}.`);
  }

  function redacted(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      out[k] = k === 'api-token' || k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
    }
    return out;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: FakeRequestLog = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: redacted(req),
      body: new Uint8Array(0),
      status: 0,
    };
    requests.push(entry);
    let status: number;
    let payload: Buffer;
    let contentType = 'application/json; charset=utf-8';
    try {
      const body = await readBody(req);
      entry.body = new Uint8Array(body);
      const [s, result] = await route(req, body, new URL(req.url ?? '/', 'http://127.0.0.1'));
      status = s;
      if (result && typeof result === 'object' && 'bytes' in result && 'id' in result) {
        const f = result as FakeFile;
        payload = Buffer.from(f.bytes);
        contentType = f.type;
      } else payload = Buffer.from(JSON.stringify(result));
    } catch (err) {
      const e = err instanceof SendbirdError ? err : new SendbirdError(500901, 'Internal error.', 500);
      if (!(err instanceof SendbirdError)) console.error('fake Sendbird:', err);
      status = e.status;
      payload = Buffer.from(JSON.stringify({ error: true, code: e.code, message: e.message }));
    }
    entry.status = status;
    res.writeHead(status, { 'content-type': contentType, 'content-length': payload.length });
    res.end(payload);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('fake Sendbird:', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const sendbirdOrigin = `https://api-${applicationId}.sendbird.com`;
  let closed: Promise<void> | undefined;

  const fakeFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const given = new URL(input instanceof Request ? input.url : String(input));
    let target: string;
    if (given.protocol === 'https:' && given.host.toLowerCase() === `api-${applicationId}.sendbird.com`.toLowerCase())
      target = `${origin}${given.pathname}${given.search}`;
    else if (given.origin === origin) target = given.href;
    else return Promise.reject(new TypeError(`fake Sendbird: refusing to fetch ${given.origin} (only ${sendbirdOrigin} and ${origin})`));
    return globalThis.fetch(input instanceof Request ? new Request(target, input) : target, init);
  };

  return {
    url: `${origin}/v3`,
    origin,
    port,
    sendbirdOrigin,
    state,
    fetch: fakeFetch,
    send: (r) =>
      fakeFetch(r.url, {
        method: r.method,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.body === undefined || r.body === null ? {} : { body: r.body as NonNullable<RequestInit['body']> }),
      }),
    messageResource: (url, id) => messageObject(storedMessage(url, id)),
    channelResource: (url, o) => channelResource(url, o),
    messageSendWebhook,
    messageUpdateWebhook(url, id, o) {
      const body = messageSendWebhook(url, id, o);
      return {
        ...body,
        category: 'group_channel:message_update',
        payload: { ...(body.payload as Record<string, unknown>), updated_at: storedMessage(url, id).updated_at },
      };
    },
    signWebhook: (body) => createHmac('sha256', apiToken).update(body, 'utf8').digest('hex'),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
