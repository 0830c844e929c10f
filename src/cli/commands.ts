/**
 * The X Chat subcommands: keygen, group-create, rotate, add-members, verify, unwrap.
 *
 * Every command prints JSON on stdout and diagnostics on stderr. Exit codes: 0 ok, 1 verification
 * failed, 2 bad usage or input. Private keys are only ever written to the identity file; the
 * conversation key is printed only by `unwrap --show-key`.
 *
 * @module
 */
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRegistration,
  createGroupRequest,
  encodeBase64,
  generateIdentity,
  keyListing,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  wipe,
  type BackendName,
  type KeyListing,
  type PrepareOptions,
  type Sender,
  type VerificationReport,
} from '../index.js';
import { UsageError, type CommandSpec, type FlagSpec, type Parsed } from './args.js';
import { readIdentityFile, writeIdentityFile, type IdentityFile } from './identity-file.js';
import { progressBar, readJson, type CliIO } from './io.js';

/** A command: its spec and what it does; returns the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: Parsed, io: CliIO): Promise<number>;
}

const backendFlag: FlagSpec = { kind: 'string', help: 'crypto backend (default: automatic)', values: ['node', 'webcrypto', 'noble'], arg: 'NAME' };
const identityFlag: FlagSpec = { kind: 'string', required: true, help: 'identity file written by keygen', arg: 'FILE' };
const keysFlag: FlagSpec = {
  kind: 'string',
  required: true,
  help: 'key listing: the X API response of GET /2/users/public_keys (keyed by user id if its records do not name owners), or a list of {userId, publicKey, keyVersion}',
  arg: 'FILE',
};
const svFlag: FlagSpec = { kind: 'string', help: "signing-key version the X API assigned (default: the identity file's)", arg: 'VERSION' };

function print(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function backendOf(args: Parsed): BackendName | undefined {
  return args.strings.backend as BackendName | undefined;
}

function senderOf(id: IdentityFile, args: Parsed): Sender {
  return { userId: id.userId, signingKeyVersion: args.strings['signing-key-version'] ?? id.signingKeyVersion, signingPrivateKey: id.identity.signingPrivateKey };
}

async function listing(io: CliIO, path: string): Promise<KeyListing> {
  return keyListing(await readJson(io, path, 'key listing'));
}

/** What the prepare commands start from: the signer's identity file and the key listing. */
async function signerAndKeys(args: Parsed, io: CliIO): Promise<{ sender: Sender; keys: KeyListing; options: PrepareOptions }> {
  const id = await readIdentityFile(io, args.strings.identity as string);
  const keys = await listing(io, args.strings['public-keys'] as string);
  return { sender: senderOf(id, args), keys, options: prepareOptions(io, args, 'wrapping') };
}

function prepareOptions(io: CliIO, args: Parsed, label: string): PrepareOptions {
  const onProgress = progressBar(io, label);
  return { backend: backendOf(args), ...(onProgress ? { onProgress } : {}) };
}

function ttl(args: Parsed, name: string): number | undefined {
  const v = args.strings[name];
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer number of milliseconds`);
  return Number(v);
}

const keygen: Command = {
  spec: {
    name: 'keygen',
    summary: 'create an identity; writes the private keys to a file (mode 0600) and prints the registration body',
    flags: {
      'user-id': { kind: 'string', required: true, help: 'your X user id', arg: 'ID' },
      out: { kind: 'string', help: 'identity file to write (default: identity-<user id>.json)', arg: 'FILE' },
      version: { kind: 'string', help: 'proposed key version (default: now in milliseconds)', arg: 'VERSION' },
      force: { kind: 'boolean', help: 'replace an existing identity file' },
      backend: backendFlag,
    },
    details: 'Prints the body of POST /2/users/{id}/public_keys. The private keys are never printed.',
  },
  async run(args, io) {
    const userId = args.strings['user-id'] as string;
    if (!/^[0-9]{1,19}$/.test(userId)) throw new UsageError('--user-id must be an X user id (digits)');
    const identity = await generateIdentity({ backend: backendOf(args) });
    const body = await buildKeyRegistration(identity, { backend: backendOf(args), ...(args.strings.version ? { version: args.strings.version } : {}) });
    const path = args.strings.out ?? `identity-${userId}.json`;
    const written = await writeIdentityFile(io, path, { userId, signingKeyVersion: body.version, identity }, args.booleans.force === true);
    wipe(identity.identityPrivateKey, identity.signingPrivateKey);
    io.stderr.write(`wrote the private keys of user ${userId} to ${written} (mode 0600); keep it secret\n`);
    print(io, body);
    return 0;
  },
};

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
      'signing-key-version': svFlag,
      backend: backendFlag,
    },
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    const prepared = await prepareGroupCreate(
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
      'public-keys': { ...keysFlag, help: `${keysFlag.help}; every participant, yourself included` },
      'conversation-id': { kind: 'string', help: 'the conversation (g… for a group; omit for a one-to-one between two users)', arg: 'ID' },
      'signing-key-version': svFlag,
      backend: backendFlag,
    },
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    const prepared = await prepareConversationKeyChange({ publicKeys: keys.publicKeys, sender, conversationId: args.strings['conversation-id'] }, options);
    io.stderr.write(`conversation ${prepared.conversationId}: new key version ${prepared.conversationKeyVersion} for ${prepared.participantKeys.length} participants\n`);
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
      'screen-capture-blocking': { kind: 'string', help: "the group's current screen-capture-blocking state", values: ['true', 'false'], arg: 'BOOL' },
      'signing-key-version': svFlag,
      backend: backendFlag,
    },
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    const sc = args.strings['screen-capture-blocking'];
    const prepared = await prepareGroupMembersChange(
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
    );
    print(io, addMembersRequest(prepared));
    wipe(prepared.conversationKey);
    return 0;
  },
};

type BodyKind = 'group-create' | 'keys' | 'members';

function bodyKind(body: unknown): BodyKind {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UsageError('BODY is not a JSON object');
  if ('group_members' in body) return 'group-create';
  if ('user_ids' in body) return 'members';
  if ('conversation_participant_keys' in body) return 'keys';
  throw new UsageError('BODY is not a group-create, keys or members request body');
}

async function runVerifier(args: Parsed, io: CliIO, recipient: IdentityFile | undefined): Promise<{ kind: BodyKind; report: VerificationReport; body: Record<string, unknown> }> {
  const body = await readJson(io, args.positionals[0] as string, 'BODY');
  const kind = bodyKind(body);
  const keys = await listing(io, args.strings['public-keys'] as string);
  const base = {
    senderId: args.strings.sender as string,
    signingKeys: keys.signingKeys,
    backend: backendOf(args),
    ...(recipient ? { recipient: { userId: recipient.userId, identityPrivateKey: recipient.identity.identityPrivateKey } } : {}),
  };
  if (kind === 'group-create') return { kind, report: await verifyCreateGroupRequest(body, base), body: body as Record<string, unknown> };
  const conversationId = args.strings['conversation-id'];
  if (conversationId === undefined) throw new UsageError(`--conversation-id is required to verify a ${kind} body (the id is in the URL, not the body)`);
  const report = kind === 'keys' ? await verifyAddConversationKeysRequest(body, { ...base, conversationId }) : await verifyAddMembersRequest(body, { ...base, conversationId });
  return { kind, report, body: body as Record<string, unknown> };
}

const verifyFlags: Record<string, FlagSpec> = {
  'public-keys': { ...keysFlag, help: "key listing holding the sender's signing keys" },
  sender: { kind: 'string', required: true, help: 'user id of the sender (the signer)', arg: 'ID' },
  'conversation-id': { kind: 'string', help: 'for keys and members bodies: the conversation id that was signed (g…, or min:max for a one-to-one)', arg: 'ID' },
  backend: backendFlag,
};

const verify: Command = {
  spec: {
    name: 'verify',
    summary: 'check a request body as the server and a receiving member would',
    flags: { ...verifyFlags, identity: { kind: 'string', help: 'a member identity file: also unwrap that member’s key and check the key-change signature', arg: 'FILE' } },
    positionals: { name: 'BODY', help: 'the request body (JSON file, or - for standard input)', min: 1, max: 1 },
    details: 'Prints the report as JSON; explains each problem on stderr. Exit code 1 when the body is invalid.',
  },
  async run(args, io) {
    const recipient = args.strings.identity ? await readIdentityFile(io, args.strings.identity) : undefined;
    const { kind, report } = await runVerifier(args, io, recipient);
    if (report.conversationKey) wipe(report.conversationKey);
    print(io, { valid: report.valid, problems: report.problems, notes: report.notes });
    if (report.valid) {
      io.stderr.write(`VALID ${kind} body from ${args.strings.sender}${recipient ? `, opened by member ${recipient.userId}` : ''}\n`);
    } else {
      io.stderr.write(`INVALID ${kind} body: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
    }
    for (const n of report.notes) io.stderr.write(`  note: ${n}\n`);
    return report.valid ? 0 : 1;
  },
};

const unwrap: Command = {
  spec: {
    name: 'unwrap',
    summary: 'open your conversation key from a request body (verified), printed only with --show-key',
    flags: {
      identity: identityFlag,
      ...verifyFlags,
      'show-key': { kind: 'boolean', help: 'print the conversation key itself' },
      format: { kind: 'string', help: 'key format with --show-key (default base64)', values: ['hex', 'base64'], arg: 'FORMAT' },
    },
    positionals: { name: 'BODY', help: 'the request body (JSON file, or - for standard input)', min: 1, max: 1 },
    details: 'The body is verified first (as verify --identity does); the key is released only when it is valid.',
  },
  async run(args, io) {
    const me = await readIdentityFile(io, args.strings.identity as string);
    const { report, body } = await runVerifier(args, io, me);
    if (!report.valid || !report.conversationKey) {
      io.stderr.write(`not unwrapped: the body does not verify for member ${me.userId}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
      return 1;
    }
    const key = report.conversationKey;
    const out: Record<string, unknown> = { user_id: me.userId, conversation_key_version: body.conversation_key_version, verified: true };
    if (args.booleans['show-key']) {
      out.conversation_key = args.strings.format === 'hex' ? Buffer.from(key).toString('hex') : encodeBase64(key);
      out.format = args.strings.format ?? 'base64';
    } else {
      io.stderr.write('the conversation key opened; pass --show-key to print it\n');
    }
    wipe(key);
    print(io, out);
    return 0;
  },
};

/** The X Chat commands, by name. */
export const COMMANDS: Record<string, Command> = {
  keygen,
  'group-create': groupCreate,
  rotate,
  'add-members': addMembers,
  verify,
  unwrap,
};
