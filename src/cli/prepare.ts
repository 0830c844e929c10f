/**
 * The X Chat commands that make a change: `group-create`, `rotate`, `add-members`. Each signs with
 * the key version under which the key listing serves the identity's own keys, checks the key
 * binding of every record it wraps to, and prints the request body.
 *
 * @module
 */
import {
  addConversationKeysRequest,
  addMembersRequest,
  createGroupRequest,
  KeykitError,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  verifyKeyBinding,
  wipe,
  type KeyListing,
  type PrepareOptions,
  type PublicKeyInput,
  type Sender,
  type SigningKeyEntry,
} from '../index.js';
import { canonicalConversationId, oneToOneUsers } from '../adapters/xchat/rules.js';
import type { BackendName } from '../backends.js';
import { UsageError, type Parsed } from './args.js';
import {
  backendFlag,
  backendOf,
  identityFlag,
  idList,
  keysFlag,
  listedVersion,
  listing,
  print,
  ttl,
  withFlagNames,
  type Command,
} from './common.js';
import { readIdentityFile } from './identity-file.js';
import { progressBar, type CliIO } from './io.js';

/** The prepare commands' note on key bindings and signing-key versions (docs/xchat-keys.md §"Trusted signing keys"). */
const DETAILS = [
  'Signs with the key version under which the listing serves your own keys (said on stderr when the',
  'identity file names another). Before wrapping, the key binding of every listing record used is checked',
  '(exit 1, naming the user and version, when one fails); a listing without signing keys cannot be',
  'checked, which is said on stderr.',
].join('\n');

/** The flags the library's parameters come from, for error messages. */
const FLAGS: Record<string, string> = {
  'params.publicKeys': '--public-keys',
  'params.conversationId': '--conversation-id',
  'params.memberIds': '--members',
  'params.adminIds': '--admins',
  'params.title': '--title',
  'params.avatarUrl': '--avatar-url',
  'params.ttlMsec': '--ttl-msec',
  'params.newMemberIds': '--new-members',
  'params.currentMemberIds': '--current-members',
  'params.currentAdminIds': '--current-admins',
  'params.currentPendingMemberIds': '--current-pending',
  'params.currentTitle': '--current-title',
  'params.currentAvatarUrl': '--current-avatar-url',
  'params.currentTtlMsec': '--current-ttl-msec',
  'params.sender': '--identity',
  'roster (currentMemberIds + newMemberIds)': '--current-members/--new-members',
};

/**
 * The records that wrapping will use: for each user of `roster`, the records at their highest key
 * version (the official SDK's rule).
 */
function recordsInUse(keys: KeyListing, roster: readonly string[]): PublicKeyInput[] {
  const wanted = new Set(roster);
  const top = new Map<string, bigint>();
  for (const k of keys.publicKeys) {
    if (!wanted.has(k.userId)) continue;
    const v = BigInt(k.keyVersion);
    if ((top.get(k.userId) ?? -1n) < v) top.set(k.userId, v);
  }
  return keys.publicKeys.filter((k) => top.get(k.userId) === BigInt(k.keyVersion));
}

async function bindingHolds(e: SigningKeyEntry, backend: BackendName | undefined): Promise<boolean> {
  try {
    return await verifyKeyBinding(e.identityPublicKey, e.publicKey, e.identityPublicKeySignature, { backend });
  } catch (err) {
    if (!(err instanceof KeykitError)) throw err;
    throw new UsageError(`key listing: the record of user ${e.userId} (key version ${e.publicKeyVersion}) is malformed (${err.code})`);
  }
}

/**
 * Before wrapping to a record, checks its key binding (the user's listed signing key signed this
 * identity key). Says on stderr which records could not be checked (no signing key listed) and
 * returns false, naming the record, when a binding fails.
 */
async function bindingsHold(io: CliIO, args: Parsed, keys: KeyListing, roster: readonly string[]): Promise<boolean> {
  const unchecked: string[] = [];
  for (const rec of recordsInUse(keys, roster)) {
    const entries = keys.signingKeys.filter(
      (e) => e.userId === rec.userId && e.publicKeyVersion === rec.keyVersion && e.identityPublicKey === rec.publicKey,
    );
    if (entries.length === 0 && !unchecked.includes(rec.userId)) unchecked.push(rec.userId);
    for (const e of entries) {
      if (await bindingHolds(e, backendOf(args))) continue;
      io.stderr.write(
        `refused: the key binding of user ${e.userId} (key version ${e.publicKeyVersion}) does not verify: the listed signing key did not sign that identity key, so nothing was wrapped to it. Fetch the user's keys again from the X API\n`,
      );
      return false;
    }
  }
  if (unchecked.length > 0) {
    io.stderr.write(
      `warning: the key listing has no signing key for ${idList(unchecked)}: key bindings not checked (pass the X API listing, with signing_public_key and identity_public_key_signature, to check them)\n`,
    );
  }
  return true;
}

/** What the prepare commands start from: the signer, the key listing, the options. */
async function start(args: Parsed, io: CliIO): Promise<{ sender: Sender; keys: KeyListing; options: PrepareOptions }> {
  const id = await readIdentityFile(io, args.strings.identity as string);
  const keys = await listing(io, args.strings['public-keys'] as string);
  const sender = { userId: id.userId, signingKeyVersion: listedVersion(io, id, keys), signingPrivateKey: id.identity.signingPrivateKey };
  const onProgress = progressBar(io, 'wrapping');
  return { sender, keys, options: { backend: backendOf(args), ...(onProgress ? { onProgress } : {}) } };
}

const groupCreate: Command = {
  spec: {
    name: 'group-create',
    summary: 'prepare an encrypted group create and print the body of POST /2/chat/conversations/group',
    flags: {
      identity: identityFlag,
      'public-keys': keysFlag,
      'conversation-id': { kind: 'string', required: true, help: 'the g… id from POST /2/chat/conversations/group/initialize', arg: 'ID' },
      members: { kind: 'list', required: true, help: 'member ids, yourself included, in order', arg: 'IDS' },
      admins: { kind: 'list', help: 'admin ids (default: yourself)', arg: 'IDS' },
      title: { kind: 'string', help: 'group title (signed; no commas)', arg: 'TEXT' },
      'avatar-url': { kind: 'string', help: 'group avatar URL (signed; no commas)', arg: 'URL' },
      'ttl-msec': { kind: 'string', help: 'message time-to-live in milliseconds', arg: 'MS' },
      description: { kind: 'string', help: 'group description (not signed)', arg: 'TEXT' },
      backend: backendFlag,
    },
    details: DETAILS,
  },
  async run(args, io) {
    const { sender, keys, options } = await start(args, io);
    if (!(await bindingsHold(io, args, keys, args.lists.members ?? []))) return 1;
    const prepared = await withFlagNames(FLAGS, () =>
      prepareGroupCreate(
        {
          publicKeys: keys.publicKeys,
          sender,
          conversationId: args.strings['conversation-id'] as string,
          memberIds: args.lists.members ?? [],
          adminIds: args.lists.admins,
          title: args.strings.title,
          avatarUrl: args.strings['avatar-url'],
          ttlMsec: ttl(args, 'ttl-msec'),
        },
        options,
      ),
    );
    print(io, createGroupRequest(prepared, args.strings.description === undefined ? {} : { description: args.strings.description }));
    wipe(prepared.conversationKey);
    return 0;
  },
};

const rotate: Command = {
  spec: {
    name: 'rotate',
    summary: 'rotate a conversation key (or start a one-to-one) and print the body of POST /2/chat/conversations/{id}/keys',
    flags: {
      identity: identityFlag,
      'public-keys': { ...keysFlag, help: `${keysFlag.help}; records of users who are not members are not wrapped to` },
      'conversation-id': {
        kind: 'string',
        help: 'the conversation: a g… group id, or a one-to-one (A:B, A-B, or the peer id); omit for a one-to-one of the --members',
        arg: 'ID',
      },
      members: {
        kind: 'list',
        help: 'who gets the new key: required for a group (its members now, yourself included); a one-to-one is its two users',
        arg: 'IDS',
      },
      backend: backendFlag,
    },
    details: DETAILS,
  },
  async run(args, io) {
    const conversationId = args.strings['conversation-id'];
    const members = args.lists.members;
    if (conversationId !== undefined && conversationId.startsWith('g') && members === undefined) {
      throw new UsageError(
        '--members is required to rotate a group key: the key goes to the members only (after a removal, leave the removed member out)',
      );
    }
    const { sender, keys, options } = await start(args, io);
    // Who will get the key: the members, or a one-to-one's two users (from the id, or the listing).
    const pair = conversationId === undefined ? undefined : oneToOneUsers(canonicalConversationId(conversationId, sender.userId));
    const roster = members ?? pair ?? [...new Set(keys.publicKeys.map((k) => k.userId))];
    if (!(await bindingsHold(io, args, keys, roster))) return 1;
    const prepared = await withFlagNames(FLAGS, () =>
      prepareConversationKeyChange({ publicKeys: keys.publicKeys, sender, conversationId, memberIds: members }, options),
    );
    io.stderr.write(
      `conversation ${prepared.conversationId}: new key version ${prepared.conversationKeyVersion} for ${idList(prepared.participantKeys.map((k) => k.userId))}\n`,
    );
    print(io, addConversationKeysRequest(prepared));
    wipe(prepared.conversationKey);
    return 0;
  },
};

const addMembers: Command = {
  spec: {
    name: 'add-members',
    summary: 'add members (rotating the key) and print the body of POST /2/chat/conversations/{id}/members',
    flags: {
      identity: identityFlag,
      'public-keys': { ...keysFlag, help: `${keysFlag.help}; current and new members` },
      'conversation-id': { kind: 'string', required: true, help: 'the g… group id', arg: 'ID' },
      'new-members': { kind: 'list', required: true, help: 'ids to add', arg: 'IDS' },
      'current-members': { kind: 'list', required: true, help: 'ids of the current members, yourself included', arg: 'IDS' },
      'current-admins': { kind: 'list', required: true, help: 'ids of the current admins', arg: 'IDS' },
      'current-pending': { kind: 'list', help: 'ids of members whose join is pending', arg: 'IDS' },
      'current-title': { kind: 'string', help: "the group's current title", arg: 'TEXT' },
      'current-avatar-url': { kind: 'string', help: "the group's current avatar URL", arg: 'URL' },
      'current-ttl-msec': { kind: 'string', help: "the group's current message TTL", arg: 'MS' },
      'screen-capture-blocking': {
        kind: 'string',
        help: "the group's current screen-capture-blocking state",
        values: ['true', 'false'],
        arg: 'BOOL',
      },
      backend: backendFlag,
    },
    details: DETAILS,
  },
  async run(args, io) {
    const { sender, keys, options } = await start(args, io);
    if (!(await bindingsHold(io, args, keys, [...(args.lists['current-members'] ?? []), ...(args.lists['new-members'] ?? [])]))) return 1;
    const sc = args.strings['screen-capture-blocking'];
    const prepared = await withFlagNames(FLAGS, () =>
      prepareGroupMembersChange(
        {
          publicKeys: keys.publicKeys,
          sender,
          conversationId: args.strings['conversation-id'] as string,
          newMemberIds: args.lists['new-members'] ?? [],
          currentMemberIds: args.lists['current-members'] ?? [],
          currentAdminIds: args.lists['current-admins'] ?? [],
          currentPendingMemberIds: args.lists['current-pending'],
          currentTitle: args.strings['current-title'],
          currentAvatarUrl: args.strings['current-avatar-url'],
          currentTtlMsec: ttl(args, 'current-ttl-msec'),
          currentScreenCaptureBlockingEnabled: sc === undefined ? undefined : sc === 'true',
        },
        options,
      ),
    );
    print(io, addMembersRequest(prepared));
    wipe(prepared.conversationKey);
    return 0;
  },
};

/** The commands that prepare changes, by name. */
export const PREPARE_COMMANDS: Record<string, Command> = { 'group-create': groupCreate, rotate, 'add-members': addMembers };
