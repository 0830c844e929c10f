/**
 * `chat-keykit sendbird-create`: the Sendbird group-channel create request (or, above 100 users, a
 * Supergroup plan), from flags named after Sendbird's properties; with `--identity` and
 * `--public-keys`, an end-to-end encrypted channel whose `data` carries the signed key envelope.
 * Prints the request as JSON with the API token redacted; every validation problem goes to stderr.
 * Also the table of every Sendbird command.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { wipe } from '../index.js';
import {
  createSendbirdGroupChannelRequest,
  planSendbirdSupergroup,
  prepareSendbirdChannelKey,
  SendbirdValidationError,
  type PreparedSendbirdChannelKey,
  type SendbirdGroupChannelParams,
} from '../sendbird.js';
import { UsageError, type FlagSpec } from './args.js';
import { backendFlag, backendOf, print, withFlagNames, type Command } from './common.js';
import { readIdentityFile } from './identity-file.js';
import {
  apiToken,
  apiTokenFileFlag,
  applicationIdFlag,
  describeRequest,
  sendbirdListing,
  sendbirdKeysFlag,
  signerOf,
} from './sendbird-io.js';
import { sendbirdOpenCommand, sendbirdRotateCommand } from './sendbird-keys.js';
import { sendbirdReadCommand, sendbirdSendCommand } from './sendbird-messages.js';

/** MIME types of the usual cover images, by file extension (others go as octet-stream). */
const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

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

/** The sendbird-create command. */
const sendbirdCreateCommand: Command = {
  spec: {
    name: 'sendbird-create',
    summary: 'build a Sendbird POST /v3/group_channels request (with --is-super above 100 users: a Supergroup plan)',
    flags: {
      'application-id': applicationIdFlag,
      'api-token-file': apiTokenFileFlag,
      identity: {
        kind: 'string',
        help: 'identity file (keygen --sendbird): end-to-end encryption, a key envelope signed by you in data',
        arg: 'FILE',
      },
      'public-keys': { ...sendbirdKeysFlag, required: false, help: `${sendbirdKeysFlag.help} (with --identity)` },
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
      backend: backendFlag,
    },
    details: [
      'Every problem Sendbird would refuse is listed on stderr with its Sendbird error code (exit 2).',
      'With --identity and --public-keys the channel is end-to-end encrypted: --channel-url is required and',
      'every user gets the key (you among them); the key itself is never printed.',
    ].join('\n'),
  },
  async run(args, io) {
    const s = args.strings;
    const token = await apiToken(args, io);
    if ((s.identity === undefined) !== (s['public-keys'] === undefined))
      throw new UsageError('--identity and --public-keys go together (end-to-end encryption)');
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
    let e2ee: PreparedSendbirdChannelKey | undefined;
    if (s.identity !== undefined) {
      const id = await readIdentityFile(io, s.identity);
      const listing = await sendbirdListing(io, s['public-keys'] as string);
      if (typeof params.channel_url !== 'string')
        throw new UsageError('--channel-url is required for an end-to-end encrypted channel: the key envelope is signed for it');
      const channelUrl = params.channel_url;
      e2ee = await withFlagNames(
        { 'params.memberIds': '--user-ids', 'params.channelUrl': '--channel-url', 'params.publicKeys': '--public-keys' },
        () =>
          prepareSendbirdChannelKey(
            {
              channelUrl,
              publicKeys: listing.publicKeys,
              memberIds: (params.user_ids as string[] | undefined) ?? [],
              sender: signerOf(id, listing, io),
            },
            { backend: backendOf(args) },
          ),
      );
      wipe(id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
    const options = { applicationId: s['application-id'] as string, apiToken: token, ...(e2ee === undefined ? {} : { e2ee }) };
    try {
      const ids = (params.user_ids as string[] | undefined) ?? [];
      // Only an explicit --is-super makes a Supergroup (a one-way conversion); without it, more
      // than 100 users is a problem the create request reports.
      if (ids.length > 100 && params.is_super === true) {
        const plan = planSendbirdSupergroup(params as SendbirdGroupChannelParams, options);
        print(io, { channel_url: plan.channelUrl, create: describeRequest(plan.create), invites: plan.invites.map(describeRequest) });
        io.stderr.write(`Supergroup plan: 1 create and ${plan.invites.length} invite request${plan.invites.length === 1 ? '' : 's'}\n`);
      } else {
        print(io, describeRequest(createSendbirdGroupChannelRequest(params as SendbirdGroupChannelParams, options)));
      }
      return 0;
    } catch (e) {
      if (!(e instanceof SendbirdValidationError)) throw e;
      io.stderr.write(`Sendbird would refuse this request: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}\n`);
      for (const p of e.problems)
        io.stderr.write(`  - ${p.path}: ${p.message}${p.sendbirdCode === null ? '' : ` [Sendbird ${p.sendbirdCode}]`}\n`);
      return 2;
    } finally {
      wipe(e2ee?.conversationKey);
    }
  },
};

/** Every Sendbird command, by name. */
export const SENDBIRD_COMMANDS: Record<string, Command> = {
  'sendbird-create': sendbirdCreateCommand,
  'sendbird-open': sendbirdOpenCommand,
  'sendbird-rotate': sendbirdRotateCommand,
  'sendbird-send': sendbirdSendCommand,
  'sendbird-read': sendbirdReadCommand,
};
