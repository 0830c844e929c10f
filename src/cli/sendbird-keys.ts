/**
 * `chat-keykit sendbird-open` and `sendbird-rotate`: a channel's key from the channel resource.
 * `sendbird-open` checks the envelope (its signature, the floor of the key history, your own copy)
 * and records it in the key-history file; the key itself is never printed. `sendbird-rotate`
 * prints the `PUT /v3/group_channels/{channel_url}` request that replaces the envelope with a new
 * key for the current members (after a removal, without the removed member).
 *
 * @module
 */
import { DecodeError, UnsupportedVersionError, VerificationError, wipe } from '../index.js';
import {
  openSendbirdChannelKey,
  prepareSendbirdChannelKey,
  recordSendbirdChannelKey,
  updateSendbirdChannelKeyRequest,
  type SendbirdKeyHistory,
} from '../sendbird.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, idList, print, withFlagNames, type Command } from './common.js';
import { readIdentityFile } from './identity-file.js';
import type { CliIO } from './io.js';
import {
  apiToken,
  apiTokenFileFlag,
  applicationIdFlag,
  describeRequest,
  readChannel,
  readState,
  sendbirdKeysFlag,
  sendbirdListing,
  signerOf,
  stateFlag,
  writeState,
} from './sendbird-io.js';

const CHANNEL = {
  name: 'CHANNEL',
  help: 'the channel resource: the response of GET /v3/group_channels/{channel_url}?show_member=true (a file, or - for standard input)',
  min: 1,
  max: 1,
};

/** A refusal: said on stderr, exit code 1. */
export function refused(io: CliIO, e: unknown): number {
  if (!(e instanceof VerificationError || e instanceof DecodeError || e instanceof UnsupportedVersionError)) throw e;
  io.stderr.write(`refused: ${e.message} [${e.code}]\n`);
  return 1;
}

const sendbirdOpenCommand: Command = {
  spec: {
    name: 'sendbird-open',
    summary: "check a Sendbird channel's key envelope, open your copy of the key and record the envelope in the key history",
    flags: {
      identity: { kind: 'string', required: true, help: 'your identity file (keygen --sendbird)', arg: 'FILE' },
      'public-keys': sendbirdKeysFlag,
      state: stateFlag,
      backend: backendFlag,
    },
    positionals: CHANNEL,
    details: [
      'Prints the key version, who distributed it and who holds it; never the key. Exit 1 when the envelope',
      'is refused, or when it holds no copy for you (after a removal: the rotation is still recorded).',
    ].join('\n'),
  },
  async run(args, io) {
    const id = await readIdentityFile(io, args.strings.identity as string);
    try {
      const listing = await sendbirdListing(io, args.strings['public-keys'] as string);
      const channel = await readChannel(io, args.positionals[0] as string);
      const statePath = args.strings.state;
      const before = await readState(io, statePath);
      let state: SendbirdKeyHistory;
      try {
        state = await recordSendbirdChannelKey(channel, {
          signingKeys: listing.signingKeys,
          ...(before ? { state: before } : {}),
          backend: backendOf(args),
        });
      } catch (e) {
        return refused(io, e);
      }
      if (statePath !== undefined) await writeState(io, statePath, state);
      let opened;
      try {
        opened = await openSendbirdChannelKey(channel, {
          userId: id.userId,
          identityPrivateKey: id.identity.identityPrivateKey,
          signingKeys: listing.signingKeys,
          minConversationKeyVersion: state.envelopes.at(-1)?.ckv,
          backend: backendOf(args),
        });
      } catch (e) {
        return refused(io, e);
      }
      wipe(opened.conversationKey);
      const members = Array.isArray(channel.members) ? channel.members.map((m) => m.user_id) : undefined;
      print(io, {
        channel_url: channel.channel_url,
        conversation_key_version: opened.conversationKeyVersion,
        sender: opened.senderId,
        recipients: opened.recipientIds,
        ...(opened.appData === undefined ? {} : { app_data: opened.appData }),
        key_versions: state.envelopes.map((e) => e.ckv),
      });
      if (members !== undefined) {
        const gone = opened.recipientIds.filter((u) => !members.includes(u));
        const keyless = members.filter((u) => !opened.recipientIds.includes(u));
        if (gone.length > 0)
          io.stderr.write(
            `warning: ${idList(gone)} hold${gone.length === 1 ? 's' : ''} the key but ${gone.length === 1 ? 'is' : 'are'} no longer a member: rotate (sendbird-rotate)\n`,
          );
        if (keyless.length > 0)
          io.stderr.write(
            `note: ${idList(keyless)} ${keyless.length === 1 ? 'is a member' : 'are members'} without the key: rotate to include ${keyless.length === 1 ? 'them' : 'them'}\n`,
          );
      }
      return 0;
    } finally {
      wipe(id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
  },
};

/** Does a channel's data hold chat-keykit's envelope document (`{"ckk":…}`)? */
function holdsEnvelope(data: string): boolean {
  try {
    const d = JSON.parse(data) as unknown;
    return typeof d === 'object' && d !== null && !Array.isArray(d) && 'ckk' in d;
  } catch {
    return false;
  }
}

const sendbirdRotateCommand: Command = {
  spec: {
    name: 'sendbird-rotate',
    summary: "a new key for a Sendbird channel's members: print PUT /v3/group_channels/{channel_url} with the new envelope",
    flags: {
      'application-id': applicationIdFlag,
      'api-token-file': apiTokenFileFlag,
      identity: { kind: 'string', required: true, help: 'your identity file (keygen --sendbird)', arg: 'FILE' },
      'public-keys': sendbirdKeysFlag,
      'user-ids': { kind: 'list', help: "who gets the key, you included (default: the channel resource's members)", arg: 'IDS' },
      backend: backendFlag,
    },
    positionals: CHANNEL,
    details:
      "The application's own data in the channel's data is kept. After a removal, rotate: the removed member keeps the keys they had, and no later one.",
  },
  async run(args, io) {
    const token = await apiToken(args, io);
    const id = await readIdentityFile(io, args.strings.identity as string);
    try {
      const listing = await sendbirdListing(io, args.strings['public-keys'] as string);
      const channel = await readChannel(io, args.positionals[0] as string);
      const members = args.lists['user-ids'] ?? (Array.isArray(channel.members) ? channel.members.map((m) => m.user_id) : undefined);
      if (members === undefined)
        throw new UsageError('the channel resource lists no members (fetch it with show_member=true), and --user-ids was not given');
      const prepared = await withFlagNames({ 'params.memberIds': '--user-ids', 'params.publicKeys': '--public-keys' }, () =>
        prepareSendbirdChannelKey(
          { channelUrl: channel.channel_url, publicKeys: listing.publicKeys, memberIds: members, sender: signerOf(id, listing, io) },
          { backend: backendOf(args) },
        ),
      );
      try {
        const data = typeof channel.data === 'string' && channel.data !== '' ? channel.data : undefined;
        const keep = data === undefined ? {} : holdsEnvelope(data) ? { currentData: data } : { appData: data };
        const request = updateSendbirdChannelKeyRequest(
          { channel_url: channel.channel_url, prepared, user_ids: members, ...keep },
          { applicationId: args.strings['application-id'] as string, apiToken: token },
        );
        io.stderr.write(`channel ${channel.channel_url}: new key version ${prepared.conversationKeyVersion} for ${idList(members)}\n`);
        print(io, describeRequest(request));
        return 0;
      } finally {
        wipe(prepared.conversationKey);
      }
    } finally {
      wipe(id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
  },
};

export { sendbirdOpenCommand, sendbirdRotateCommand };
