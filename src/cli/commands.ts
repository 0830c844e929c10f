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
  keyRecordFromRegistration,
  KeykitError,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  ProblemCodes,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  verifyKeyBinding,
  wipe,
  wipeIdentity,
  type BackendName,
  type KeyListing,
  type PrepareOptions,
  type PublicKeyInput,
  type Sender,
  type SigningKeyEntry,
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
/** The prepare commands' note on key bindings (PROTOCOL.md §3.1). */
const BINDINGS =
  'Before wrapping, the key binding of every listing record used is checked (exit 1, naming the user and\nversion, when one fails); a listing without signing keys cannot be checked, which is said on stderr.';
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

const idList = (ids: readonly string[]): string => (ids.length === 1 ? `user ${ids[0]}` : `users ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`);

/**
 * The records that wrapping will use: for each user of `roster` (every listed user when absent),
 * the records at their highest key version (PROTOCOL.md §4.1, the SDK's rule).
 */
function recordsInUse(keys: KeyListing, roster: readonly string[] | undefined): PublicKeyInput[] {
  const wanted = roster === undefined ? undefined : new Set(roster);
  const top = new Map<string, bigint>();
  for (const k of keys.publicKeys) {
    if (wanted?.has(k.userId) === false) continue;
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
 * PROTOCOL.md §3.1: before wrapping to a record, check its key binding (the user's listed signing
 * key signed this identity key). Says on stderr which records could not be checked (no signing
 * key listed) and returns false, naming the record, when a binding fails.
 */
async function bindingsHold(io: CliIO, args: Parsed, keys: KeyListing, roster: readonly string[] | undefined): Promise<boolean> {
  const unchecked: string[] = [];
  for (const rec of recordsInUse(keys, roster)) {
    const entries = keys.signingKeys.filter((e) => e.userId === rec.userId && e.publicKeyVersion === rec.keyVersion && e.identityPublicKey === rec.publicKey);
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
    details: BINDINGS,
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    if (!(await bindingsHold(io, args, keys, args.lists.members ?? []))) return 1;
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
    details: BINDINGS,
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    if (!(await bindingsHold(io, args, keys, undefined))) return 1;
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
    details: BINDINGS,
  },
  async run(args, io) {
    const { sender, keys, options } = await signerAndKeys(args, io);
    if (!(await bindingsHold(io, args, keys, [...(args.lists['current-members'] ?? []), ...(args.lists['new-members'] ?? [])]))) return 1;
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

/** The verifier of one body, as seen by `senderId` trusting `signingKeys`. */
export type VerifyAs = (senderId: string, signingKeys: SigningKeyEntry[]) => Promise<VerificationReport>;

/** A verified body: whose (given, or derived from the listing), and the report. */
interface Verified {
  kind: BodyKind;
  body: Record<string, unknown>;
  senderId: string;
  report: VerificationReport;
}

/** The key listing verify and unwrap trust: it must carry signing keys (bad input otherwise). */
async function trustedKeys(io: CliIO, path: string, command: string): Promise<KeyListing> {
  const keys = await listing(io, path);
  if (keys.signingKeys.length === 0) {
    throw new UsageError(
      `the key listing ${path} has no signing keys: ${command} needs the X API listing (GET /2/users/public_keys) with signing_public_key and identity_public_key_signature`,
    );
  }
  return keys;
}

function verifierFor(kind: BodyKind, body: Record<string, unknown>, args: Parsed, recipient: IdentityFile | undefined): VerifyAs {
  const conversationId = args.strings['conversation-id'];
  if (kind !== 'group-create' && conversationId === undefined) {
    throw new UsageError(`--conversation-id is required to verify a ${kind} body (the id is in the URL, not the body)`);
  }
  const r = recipient ? { recipient: { userId: recipient.userId, identityPrivateKey: recipient.identity.identityPrivateKey } } : {};
  return async (senderId, signingKeys) => {
    const base = { senderId, signingKeys, backend: backendOf(args), ...r };
    if (kind === 'group-create') return verifyCreateGroupRequest(body, base);
    const options = { ...base, conversationId: conversationId as string };
    return kind === 'keys' ? verifyAddConversationKeysRequest(body, options) : verifyAddMembersRequest(body, options);
  };
}

/** Problems that say a candidate did not sign the body (or could not have). */
const NOT_THE_SIGNER = new Set<string>([ProblemCodes.SIGNATURE_INVALID, ProblemCodes.SIGNING_KEY_NOT_FOUND, ProblemCodes.KEY_BINDING_INVALID, ProblemCodes.SENDER_NOT_MEMBER]);

/** The signing-key versions the body's action signatures name (only to pick candidates from the listing). */
function signedKeyVersions(body: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const a of Array.isArray(body.action_signatures) ? (body.action_signatures as unknown[]) : []) {
    const v = (a as { message_event_signature?: { public_key_version?: unknown } } | null)?.message_event_signature?.public_key_version;
    if (typeof v === 'string') out.add(v);
  }
  return out;
}

/**
 * Whether this view checks any of the body's signatures at all: a fresh, properly bound signing
 * key given to `userId` at `versions` must make a signature fail. It does not when every signature
 * is left unchecked (a key change without a member's identity) or none can be read.
 */
async function signaturesChecked(verifyAs: VerifyAs, userId: string, versions: readonly string[], backend: BackendName | undefined): Promise<boolean> {
  const stranger = await generateIdentity({ backend });
  try {
    const entries: SigningKeyEntry[] = [];
    for (const version of versions) entries.push(keyRecordFromRegistration(userId, await buildKeyRegistration(stranger, { backend, version }), version).signingKeyEntry);
    const report = await verifyAs(userId, entries);
    if (report.conversationKey) wipe(report.conversationKey);
    return report.problems.some((p) => p.code === ProblemCodes.SIGNATURE_INVALID);
  } finally {
    wipeIdentity(stranger);
  }
}

/**
 * Finds the sender when --sender is absent: every listed user with a signing key at a version the
 * body's signatures name is tried, with only the listing's keys trusted (never the keys or
 * payloads the body carries); the one whose key verifies is the sender. Null when none verifies;
 * a usage error when several do or nothing can be checked. Exported for tests.
 */
export async function deriveSender(io: CliIO, args: Parsed, verifyAs: VerifyAs, keys: KeyListing, body: Record<string, unknown>, member: boolean): Promise<{ senderId: string; report: VerificationReport } | null> {
  const named = signedKeyVersions(body);
  if (named.size === 0) throw new UsageError('no action signature of BODY names a signing-key version, so the sender cannot be told: pass --sender ID to see the full report');
  const versions = [...new Set(keys.signingKeys.filter((e) => named.has(e.publicKeyVersion)).map((e) => e.publicKeyVersion))];
  const candidates = [...new Set(keys.signingKeys.filter((e) => named.has(e.publicKeyVersion)).map((e) => e.userId))];
  if (candidates.length === 0) return null;
  if (!(await signaturesChecked(verifyAs, candidates[0] as string, versions, backendOf(args)))) {
    throw new UsageError(
      `none of BODY's signatures can be checked here${member ? '' : ' (a version 6/7 key-change signature covers the plaintext key: only a member can check it, with --identity FILE)'}, so the sender cannot be told: pass --sender ID`,
    );
  }
  const found: { senderId: string; report: VerificationReport }[] = [];
  for (const senderId of candidates) {
    const report = await verifyAs(senderId, keys.signingKeys);
    if (report.problems.some((p) => NOT_THE_SIGNER.has(p.code))) {
      if (report.conversationKey) wipe(report.conversationKey);
      continue;
    }
    found.push({ senderId, report });
  }
  if (found.length > 1) {
    for (const f of found) if (f.report.conversationKey) wipe(f.report.conversationKey);
    throw new UsageError(`the listed signing keys of ${idList(found.map((f) => f.senderId))} all verify BODY (one key listed for several users?): pass --sender ID`);
  }
  const one = found[0];
  if (one) io.stderr.write(`sender: ${one.senderId} (the only listed key that verifies)\n`);
  return one ?? null;
}

/** Reads BODY and the listing and verifies, with --sender or a derived sender; null when no listed key verifies. */
async function runVerifier(args: Parsed, io: CliIO, command: string, recipient: IdentityFile | undefined): Promise<Verified | null> {
  const body = await readJson(io, args.positionals[0] as string, 'BODY');
  const kind = bodyKind(body);
  const b = body as Record<string, unknown>;
  const keys = await trustedKeys(io, args.strings['public-keys'] as string, command);
  const verifyAs = verifierFor(kind, b, args, recipient);
  const given = args.strings.sender;
  if (given !== undefined) return { kind, body: b, senderId: given, report: await verifyAs(given, keys.signingKeys) };
  const derived = await deriveSender(io, args, verifyAs, keys, b, recipient !== undefined);
  if (!derived) {
    io.stderr.write(`no listed user's signing key verifies this body: pass --sender ID to see the full report\n`);
    return null;
  }
  return { kind, body: b, ...derived };
}

const verifyFlags: Record<string, FlagSpec> = {
  'public-keys': { ...keysFlag, help: 'the trusted key listing: the X API response of GET /2/users/public_keys, with signing_public_key and identity_public_key_signature (keyed by user id if its records do not name owners)' },
  sender: { kind: 'string', help: 'user id of the sender (the signer); default: the one listed user whose signing key verifies the body', arg: 'ID' },
  'conversation-id': { kind: 'string', help: 'for keys and members bodies: the conversation id that was signed (g…, or min:max for a one-to-one)', arg: 'ID' },
  backend: backendFlag,
};

const BODY = { name: 'BODY', help: 'the request body (JSON file, or - for standard input)', min: 1, max: 1 };

/** What the notes of a valid report say was left unchecked, without the library's advice. */
function unchecked(report: VerificationReport): string {
  return report.notes.map((n) => n.replace(/; pass a recipient to check it$/, '')).join('; ');
}

const verify: Command = {
  spec: {
    name: 'verify',
    summary: 'check a request body as the server and a receiving member would',
    flags: {
      ...verifyFlags,
      identity: { kind: 'string', help: 'a member identity file: also unwrap that member’s key and check the key-change signature', arg: 'FILE' },
      'server-view': {
        kind: 'boolean',
        help: 'check what the server can check; a key-change signature that only a member can check is left unchecked (exit 0 if nothing else is wrong)',
      },
    },
    positionals: BODY,
    details: [
      'Prints the report as JSON (with the verdict and the sender); explains each problem on stderr.',
      'Exit 0: VALID. Exit 1: INVALID, or UNVERIFIED: a version 6/7 key-change signature covers the plaintext',
      'key, so without --identity FILE of a member it is not checked (unless --server-view), or no listed key',
      'verifies the body. Without --sender, the sender is the one listed user whose signing key verifies.',
    ].join('\n'),
  },
  async run(args, io) {
    const serverView = args.booleans['server-view'] === true;
    if (serverView && args.strings.identity !== undefined) throw new UsageError('--server-view is the check without a member identity; with --identity everything is checked: drop one of them');
    const recipient = args.strings.identity ? await readIdentityFile(io, args.strings.identity) : undefined;
    const v = await runVerifier(args, io, 'verify', recipient);
    if (!v) return 1;
    const { kind, senderId, report } = v;
    if (report.conversationKey) wipe(report.conversationKey);
    const open = !report.valid ? 'invalid' : report.notes.length === 0 ? 'valid' : serverView ? 'valid (server view)' : 'unverified';
    print(io, { valid: report.valid, verdict: open, sender: senderId, problems: report.problems, notes: report.notes });
    const what = `${kind} body from ${senderId}`;
    if (open === 'valid') io.stderr.write(`VALID ${what}${recipient ? `, opened by member ${recipient.userId}` : ''}\n`);
    else if (open === 'valid (server view)') io.stderr.write(`VALID (server view): ${what}; not checked: ${unchecked(report)}\n`);
    else if (open === 'unverified') {
      io.stderr.write(`UNVERIFIED: ${what}: not checked: ${unchecked(report)}; only a member can check it: pass --identity FILE of a member (or --server-view to accept what the server can check)\n`);
    } else {
      io.stderr.write(`INVALID ${kind} body: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
      for (const n of report.notes) io.stderr.write(`  note: ${n}\n`);
    }
    return open === 'valid' || open === 'valid (server view)' ? 0 : 1;
  },
};

const unwrap: Command = {
  spec: {
    name: 'unwrap',
    summary: 'open your conversation key from a request body (verified), printed only with --show-key',
    flags: {
      identity: identityFlag,
      ...verifyFlags,
      'public-keys': { ...(verifyFlags['public-keys'] as FlagSpec), help: `${verifyFlags['public-keys']?.help}; needed because the key is released only after the body verifies against its signing keys` },
      'show-key': { kind: 'boolean', help: 'print the conversation key itself' },
      format: { kind: 'string', help: 'key format with --show-key (default base64)', values: ['hex', 'base64'], arg: 'FORMAT' },
    },
    positionals: BODY,
    details: [
      'The body is verified first (as verify --identity does), against the signing keys of --public-keys;',
      'the key is released only when it is valid. Without --sender, the sender is the one listed user whose',
      'signing key verifies the body.',
    ].join('\n'),
  },
  async run(args, io) {
    if (args.strings.format !== undefined && args.booleans['show-key'] !== true) throw new UsageError('--format applies to the key printed with --show-key: add --show-key or drop --format');
    const me = await readIdentityFile(io, args.strings.identity as string);
    const v = await runVerifier(args, io, 'unwrap', me);
    if (!v) return 1;
    const { report, body, senderId } = v;
    if (!report.valid || !report.conversationKey) {
      io.stderr.write(`not unwrapped: the body does not verify for member ${me.userId}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
      return 1;
    }
    const key = report.conversationKey;
    const out: Record<string, unknown> = { user_id: me.userId, sender: senderId, conversation_key_version: body.conversation_key_version, verified: true };
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
