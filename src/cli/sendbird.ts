/**
 * `chat-keykit sendbird-create`: the Sendbird group-channel create request (or, above 100 users, a
 * Supergroup plan), from flags named after Sendbird's properties. Prints the request as JSON with
 * the API token redacted (unless --show-token); every validation problem goes to stderr.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import {
  createSendbirdGroupChannelRequest,
  planSendbirdSupergroup,
  SendbirdValidationError,
  type SendbirdGroupChannelParams,
  type SendbirdRequest,
} from '../sendbird.js';
import { UsageError, type FlagSpec } from './args.js';
import type { Command } from './common.js';

/** MIME types of the usual cover images, by file extension (others go as octet-stream). */
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

const bool = (help: string): FlagSpec => ({ kind: 'boolean', help: `${help} (--flag or --flag=false)` });
const text = (help: string, arg = 'TEXT'): FlagSpec => ({ kind: 'string', help, arg });

function jsonFlag(value: string | undefined, name: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new UsageError(`--${name} must be JSON, e.g. '{"bob":"joined"}'`);
  }
}

async function describe(r: SendbirdRequest, showToken: boolean): Promise<unknown> {
  const headers = { ...r.headers, ...(showToken ? {} : { 'Api-Token': '<redacted: pass --show-token to print it>' }) };
  if (typeof r.body === 'string') return { ...r, headers, body: JSON.parse(r.body) };
  const parts: Record<string, string> = {};
  for (const [k, v] of r.body.entries()) parts[k] = typeof v === 'string' ? v : `<file ${(v as File).name}, ${(v as File).type || 'no type'}, ${(v as File).size} bytes>`;
  return { ...r, headers, body: { 'multipart/form-data': parts } };
}

/** The sendbird-create command. */
export const sendbirdCreateCommand: Command = {
  spec: {
    name: 'sendbird-create',
    summary: 'build a Sendbird POST /v3/group_channels request (with --is-super above 100 users: a Supergroup plan)',
    flags: {
      'application-id': { kind: 'string', required: true, help: 'Sendbird application id', arg: 'ID' },
      'api-token': text('API token (default: the SENDBIRD_API_TOKEN environment variable)', 'TOKEN'),
      'user-ids': { kind: 'list', help: 'users of the channel', arg: 'IDS' },
      name: text('channel name (at most 191 characters)'),
      'channel-url': text('channel URL (4-100 letters, digits, underscores)', 'URL'),
      'cover-url': text('cover image URL', 'URL'),
      'cover-file': text('cover image file (makes the request multipart)', 'FILE'),
      'custom-type': text('custom type (at most 128 characters)'),
      data: text('channel data'),
      'is-distinct': bool('reuse the channel with the same members'),
      'is-public': bool('users may join without invitation'),
      'is-super': bool('a Supergroup'),
      'is-ephemeral': bool('messages are not kept'),
      'access-code': text('access code of a public channel', 'CODE'),
      'inviter-id': text('the inviter (must be among the users)', 'ID'),
      strict: bool('fail when a user does not exist'),
      'invitation-status': text('JSON object user id → joined | invited_by_friend | invited_by_non_friend', 'JSON'),
      'hidden-status': text('JSON object user id → unhidden | hidden_allow_auto_unhide | hidden_prevent_auto_unhide', 'JSON'),
      'operator-ids': { kind: 'list', help: 'operators (must be among the users)', arg: 'IDS' },
      'block-sdk-user-channel-join': bool('users join only through the Platform API'),
      'show-token': { kind: 'boolean', help: 'print the API token in the request headers' },
    },
    details: 'Every problem Sendbird would refuse is listed on stderr with its Sendbird error code (exit 2).',
  },
  async run(args, io) {
    const s = args.strings;
    const apiToken = s['api-token'] ?? process.env.SENDBIRD_API_TOKEN;
    if (!apiToken) throw new UsageError('--api-token or SENDBIRD_API_TOKEN is required');
    const params: Record<string, unknown> = {
      user_ids: args.lists['user-ids'],
      name: s.name,
      channel_url: s['channel-url'],
      cover_url: s['cover-url'],
      custom_type: s['custom-type'],
      data: s.data,
      access_code: s['access-code'],
      inviter_id: s['inviter-id'],
      invitation_status: jsonFlag(s['invitation-status'], 'invitation-status'),
      hidden_status: jsonFlag(s['hidden-status'], 'hidden-status'),
      operator_ids: args.lists['operator-ids'],
    };
    for (const b of ['is-distinct', 'is-public', 'is-super', 'is-ephemeral', 'strict', 'block-sdk-user-channel-join']) {
      if (b in args.booleans) params[b.replace(/-/g, '_')] = args.booleans[b];
    }
    if (s['cover-file'] !== undefined) {
      const path = resolve(io.cwd, s['cover-file']);
      let data: Uint8Array;
      try {
        data = new Uint8Array(await readFile(path));
      } catch (e) {
        throw new UsageError(`cannot read --cover-file ${s['cover-file']}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const type = IMAGE_TYPES[extname(path).toLowerCase()];
      params.cover_file = { data, filename: basename(path), ...(type === undefined ? {} : { type }) };
    }
    for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
    const options = { applicationId: s['application-id'] as string, apiToken };
    const show = args.booleans['show-token'] === true;
    try {
      const ids = (params.user_ids as string[] | undefined) ?? [];
      // Only an explicit --is-super makes a Supergroup (a one-way conversion); without it, more
      // than 100 users is a problem the create request reports.
      if (ids.length > 100 && params.is_super === true) {
        const plan = planSendbirdSupergroup(params as SendbirdGroupChannelParams, options);
        io.stdout.write(`${JSON.stringify({ channel_url: plan.channelUrl, create: await describe(plan.create, show), invites: await Promise.all(plan.invites.map((r) => describe(r, show))) }, null, 2)}\n`);
        io.stderr.write(`Supergroup plan: 1 create and ${plan.invites.length} invite request${plan.invites.length === 1 ? '' : 's'}\n`);
      } else {
        io.stdout.write(`${JSON.stringify(await describe(createSendbirdGroupChannelRequest(params as SendbirdGroupChannelParams, options), show), null, 2)}\n`);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof SendbirdValidationError)) throw e;
      io.stderr.write(`Sendbird would refuse this request: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}\n`);
      for (const p of e.problems) io.stderr.write(`  - ${p.path}: ${p.message}${p.sendbirdCode === null ? '' : ` [Sendbird ${p.sendbirdCode}]`}\n`);
      return 2;
    }
  },
};
