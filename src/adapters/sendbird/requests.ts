/**
 * Sendbird Platform API requests for group channels (docs/sendbird.md §"Group channels"): create
 * (`POST /v3/group_channels`, JSON or multipart with a cover file), invite
 * (`POST /v3/group_channels/{channel_url}/invite`) and update (`PUT /v3/group_channels/{channel_url}`),
 * ready for `fetch`, with optional end-to-end encryption (envelope.ts).
 *
 * Multipart bodies (with `cover_file`) carry one part per property: strings as they are, booleans
 * as `true`/`false`, lists and objects as JSON text, the file as a file part with its filename.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, KeykitError } from '../../errors.js';
import { assertObject } from '../../guards.js';
import { e2eeProblems, type PreparedSendbirdChannelKey } from './channel-key.js';
import { appDataOfChannelData, channelData } from './envelope.js';
import {
  requestUserIds,
  SENDBIRD_BATCH,
  SendbirdCodes,
  SendbirdValidationError,
  validateGroupChannel,
  type CoverFileBytes,
  type SendbirdGroupChannelParams,
  type SendbirdProblem,
} from './validate.js';

/** Where and as whom requests go. */
export interface SendbirdOptions {
  /** Your Sendbird application id (the `api-{id}.sendbird.com` host). */
  applicationId: string;
  /** A master or secondary API token (sent as `Api-Token`; never printed in errors). */
  apiToken: string;
  /**
   * End-to-end encryption: a channel key prepared with `prepareSendbirdChannelKey` for exactly the
   * channel's users and its URL. Its signed envelope goes into `data`.
   */
  e2ee?: PreparedSendbirdChannelKey;
}

/** A request ready for `fetch(url, { method, headers, body })`. */
export interface SendbirdRequest {
  method: 'POST' | 'PUT';
  url: string;
  path: string;
  headers: Record<string, string>;
  /** JSON text, or a `FormData` (multipart; fetch sets the boundary). */
  body: string | FormData;
}

const APP_ID = /^[A-Za-z0-9-]{1,64}$/;

export function credentials(options: unknown): { host: string; headers: Record<string, string> } {
  const o = assertObject(options, 'options');
  if (typeof o.applicationId !== 'string' || !APP_ID.test(o.applicationId)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'expected a Sendbird application id (letters, digits and hyphens)',
      'options.applicationId',
    );
  }
  if (typeof o.apiToken !== 'string' || o.apiToken.length === 0 || /[\r\n\0]/.test(o.apiToken)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-empty API token on one line', 'options.apiToken');
  }
  return { host: `https://api-${o.applicationId}.sendbird.com`, headers: { 'Api-Token': o.apiToken } };
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf8' };

export function jsonRequest(method: 'POST' | 'PUT', path: string, body: unknown, options: SendbirdOptions): SendbirdRequest {
  const { host, headers } = credentials(options);
  return { method, url: `${host}${path}`, path, headers: { ...headers, ...JSON_TYPE }, body: JSON.stringify(body) };
}

function formBody(params: Record<string, unknown>): FormData {
  const FormDataCtor = (globalThis as { FormData?: typeof FormData }).FormData;
  const BlobCtor = (globalThis as { Blob?: typeof Blob }).Blob;
  if (!FormDataCtor || !BlobCtor)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'cover_file needs the platform FormData and Blob', 'cover_file');
  const form = new FormDataCtor();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (k === 'cover_file') {
      if (v instanceof BlobCtor) form.append(k, v, (v as { name?: string }).name ?? 'cover');
      else {
        const f = v as CoverFileBytes;
        form.append(k, new BlobCtor([f.data as Uint8Array<ArrayBuffer>], f.type === undefined ? {} : { type: f.type }), f.filename);
      }
    } else {
      form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return form;
}

/** Validates, adds the E2EE envelope, and returns the properties to send. */
function prepareParams(
  params: unknown,
  options: SendbirdOptions,
  limits: { batch?: boolean } = {},
  earlier: SendbirdProblem[] = [],
): Record<string, unknown> {
  const problems: SendbirdProblem[] = [...earlier, ...validateGroupChannel(params, limits)];
  const p = { ...(params as Record<string, unknown>) };
  if (options?.e2ee !== undefined) {
    problems.push(
      ...e2eeProblems(options.e2ee, typeof p.channel_url === 'string' ? p.channel_url : undefined, requestUserIds(p), 'options.e2ee'),
    );
    if (p.is_distinct === true) {
      // A distinct create for an existing member set returns that channel, with its own URL and
      // data: the envelope signed for this channel_url would silently go nowhere.
      problems.push({
        path: 'is_distinct',
        message: 'an end-to-end encrypted channel cannot be distinct (Sendbird would return an existing channel and drop the key envelope)',
        sendbirdCode: null,
      });
    }
  }
  if (problems.length > 0) throw new SendbirdValidationError(problems);
  if (options?.e2ee !== undefined) p.data = channelData(options.e2ee.envelope, p.data as string | undefined);
  return p;
}

/**
 * Builds `POST /v3/group_channels` (create a group channel or Supergroup) after checking every
 * property; with `options.e2ee` the channel's `data` carries the key envelope.
 * @throws {SendbirdValidationError} `ERR_SENDBIRD_REQUEST_INVALID`, listing every problem with
 * the Sendbird error code it would cause
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for bad `options` (application id, API token)
 * @example
 * const req = createSendbirdGroupChannelRequest({ user_ids: ['alice', 'bob'], name: 'Team' }, { applicationId, apiToken });
 * await fetch(req.url, req);
 */
export function createSendbirdGroupChannelRequest(params: SendbirdGroupChannelParams, options: SendbirdOptions): SendbirdRequest {
  credentials(options);
  const p = prepareParams(params, options);
  if (p.cover_file !== undefined) {
    const { host, headers } = credentials(options);
    return { method: 'POST', url: `${host}/v3/group_channels`, path: '/v3/group_channels', headers, body: formBody(p) };
  }
  return jsonRequest('POST', '/v3/group_channels', p, options);
}

export function channelPath(channelUrl: string): string {
  return `/v3/group_channels/${encodeURIComponent(channelUrl)}`;
}

/**
 * Builds `POST /v3/group_channels/{channel_url}/invite` for up to 100 users.
 * @throws {SendbirdValidationError} `ERR_SENDBIRD_REQUEST_INVALID` for a bad channel URL or user
 * list (more than 100, duplicates)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for bad `options` (application id, API token)
 * @example
 * const req = inviteSendbirdUsersRequest('team_room', ['carol', 'dave'], { applicationId, apiToken });
 * await fetch(req.url, req);
 */
export function inviteSendbirdUsersRequest(channelUrl: string, userIds: string[], options: SendbirdOptions): SendbirdRequest {
  // Checked as the users of a Supergroup: only the per-request limit applies to an invite. The
  // channel URL, optional in a create, is required here: it is the path.
  const problems = validateGroupChannel({ channel_url: channelUrl, user_ids: userIds, is_super: true });
  if (channelUrl === undefined)
    problems.unshift({ path: 'channel_url', message: 'is required: the channel to invite to', sendbirdCode: SendbirdCodes.MISSING });
  if (problems.length > 0) throw new SendbirdValidationError(problems);
  return jsonRequest('POST', `${channelPath(channelUrl)}/invite`, { user_ids: userIds }, options);
}

/** Options of {@link planSendbirdSupergroup}. */
export interface SupergroupPlanOptions extends SendbirdOptions {
  /** Channel-URL generator when params have none (default: `sb_` + 24 random letters and digits). */
  generateChannelUrl?: () => string;
}

/** A Supergroup create with its invites. */
export interface SupergroupPlan {
  channelUrl: string;
  create: SendbirdRequest;
  invites: SendbirdRequest[];
}

function randomChannelUrl(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = 'sb_';
  while (out.length < 27) {
    const bytes = new Uint8Array(32);
    globalThis.crypto.getRandomValues(bytes);
    // Bytes from 252 up are dropped (252 = 7·36), so every character is equally likely.
    for (const b of bytes) if (b < 252 && out.length < 27) out += alphabet[b % 36];
  }
  return out;
}

/**
 * Plans a Supergroup larger than Sendbird's 100 users per request: the create request with the
 * first 100 users and the invite requests for the rest, in batches of 100, in order. Users named
 * by `operator_ids`, `inviter_id`, `invitation_status` or `hidden_status` go into the first batch
 * (Sendbird requires them among the created users); the others keep their order. A channel URL
 * is generated when none is given. With `e2ee`, the envelope covers every planned user.
 *
 * `is_super` defaults to true here (this function plans Supergroups); `false` or a non-boolean
 * is a problem like any other.
 * @throws {SendbirdValidationError} `ERR_SENDBIRD_REQUEST_INVALID` as
 * {@link createSendbirdGroupChannelRequest}, and when `is_super` is false or the users that must be
 * created first are more than 100
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for params that are not an object, or bad
 * `options` (application id, API token)
 * @example
 * const plan = planSendbirdSupergroup({ user_ids: allUserIds, name: 'Town hall' }, { applicationId, apiToken });
 * await fetch(plan.create.url, plan.create);
 * for (const invite of plan.invites) await fetch(invite.url, invite);
 */
export function planSendbirdSupergroup(params: SendbirdGroupChannelParams, options: SupergroupPlanOptions): SupergroupPlan {
  credentials(options);
  const given = assertObject(params, 'params') as SendbirdGroupChannelParams;
  const problems: SendbirdProblem[] = [];
  if (given.is_super === false)
    problems.push({ path: 'is_super', message: 'a planned Supergroup needs is_super: true', sendbirdCode: SendbirdCodes.INVALID_VALUE });
  let channelUrl = given.channel_url;
  if (channelUrl === undefined) {
    channelUrl = (options.generateChannelUrl ?? randomChannelUrl)();
  }
  const checked = prepareParams(
    { ...given, is_super: given.is_super ?? true, channel_url: channelUrl },
    options,
    { batch: false },
    problems,
  );
  const ids = requestUserIds(checked);
  const first = new Set<string>([
    ...(given.operator_ids ?? []),
    ...(given.inviter_id === undefined ? [] : [given.inviter_id]),
    ...Object.keys(given.invitation_status ?? {}),
    ...Object.keys(given.hidden_status ?? {}),
  ]);
  if (first.size > SENDBIRD_BATCH) {
    throw new SendbirdValidationError([
      {
        path: 'operator_ids',
        message: `${first.size} operators, inviter and users with a status must all be in the first ${SENDBIRD_BATCH}`,
        sendbirdCode: SendbirdCodes.TOO_MANY,
      },
    ]);
  }
  const ordered = [...ids.filter((u) => first.has(u)), ...ids.filter((u) => !first.has(u))];
  const batches: string[][] = [];
  for (let i = 0; i < ordered.length; i += SENDBIRD_BATCH) batches.push(ordered.slice(i, i + SENDBIRD_BATCH));
  const [head = [], ...rest] = batches;
  const byId = new Map((given.users ?? []).map((u) => [typeof u === 'string' ? u : u.user_id, u] as const));
  const createParams: Record<string, unknown> = {
    ...checked,
    ...(given.users !== undefined ? { users: head.map((u) => byId.get(u) ?? u) } : { user_ids: head }),
  };
  const { host, headers } = credentials(options);
  const create: SendbirdRequest =
    createParams.cover_file !== undefined
      ? { method: 'POST', url: `${host}/v3/group_channels`, path: '/v3/group_channels', headers, body: formBody(createParams) }
      : jsonRequest('POST', '/v3/group_channels', createParams, options);
  return { channelUrl, create, invites: rest.map((batch) => inviteSendbirdUsersRequest(channelUrl as string, batch, options)) };
}

/** Parameters of {@link updateSendbirdChannelKeyRequest}. */
export interface SendbirdKeyUpdate {
  channel_url: string;
  /** The new channel key, prepared for the channel's current members and its URL. */
  prepared: PreparedSendbirdChannelKey;
  /** The current members, to check that every one of them (and nobody else) gets the new key. */
  user_ids: string[];
  /**
   * The channel's current `data` as Sendbird returns it, holding chat-keykit's envelope: its
   * application part (`app`) is kept and the old envelope replaced. Not with `appData`.
   */
  currentData?: string;
  /**
   * The application's data itself, to keep next to the new envelope (for a channel whose `data`
   * holds no envelope yet, pass that `data` here). Not with `currentData`. With neither, the
   * channel keeps no application data.
   */
  appData?: string;
}

/**
 * Builds `PUT /v3/group_channels/{channel_url}` with `{ data }`: a new key envelope (key rotation,
 * for example after members joined or left), keeping the application's data.
 * @throws {SendbirdValidationError} `ERR_SENDBIRD_REQUEST_INVALID` when the change is not for this
 * channel or not for exactly these users, or `currentData` holds no envelope
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for an update that is not an object, or bad
 * `options` (application id, API token)
 * @example
 * const prepared = await prepareSendbirdChannelKey({ channelUrl: channel.channel_url, publicKeys, memberIds, sender });
 * const req = updateSendbirdChannelKeyRequest({ channel_url: channel.channel_url, prepared, user_ids: memberIds, currentData: channel.data }, { applicationId, apiToken });
 * await fetch(req.url, req);
 */
export function updateSendbirdChannelKeyRequest(update: SendbirdKeyUpdate, options: SendbirdOptions): SendbirdRequest {
  credentials(options);
  const u = assertObject(update, 'update') as unknown as SendbirdKeyUpdate;
  const problems: SendbirdProblem[] = [];
  let appData: string | undefined;
  if (u.currentData !== undefined && u.appData !== undefined) {
    problems.push({ path: 'currentData', message: 'give the current channel data or the application data, not both', sendbirdCode: null });
  } else if (u.currentData !== undefined) {
    if (typeof u.currentData !== 'string') problems.push({ path: 'currentData', message: 'expected a string', sendbirdCode: null });
    else {
      try {
        appData = appDataOfChannelData(u.currentData, 'currentData');
      } catch (e) {
        if (!KeykitError.is(e)) throw e;
        problems.push({ path: 'currentData', message: e.reason, sendbirdCode: null });
      }
    }
  } else appData = u.appData;
  problems.push(
    ...validateGroupChannel(
      {
        channel_url: u.channel_url,
        user_ids: u.user_ids,
        ...(appData === undefined ? {} : { data: appData }),
        is_super: Array.isArray(u.user_ids) && u.user_ids.length > SENDBIRD_BATCH,
      },
      { batch: false },
    ).map((p) => (p.path === 'data' ? { ...p, path: u.appData !== undefined ? 'appData' : 'currentData' } : p)),
  );
  problems.push(
    ...e2eeProblems(
      u.prepared,
      typeof u.channel_url === 'string' ? u.channel_url : undefined,
      Array.isArray(u.user_ids) ? u.user_ids.filter((x) => typeof x === 'string') : [],
      'update.prepared',
    ),
  );
  if (problems.length > 0)
    throw new SendbirdValidationError(problems.map((p) => ({ ...p, path: p.path.startsWith('update.') ? p.path : `update.${p.path}` })));
  return jsonRequest('PUT', channelPath(u.channel_url), { data: channelData(u.prepared.envelope, appData) }, options);
}
