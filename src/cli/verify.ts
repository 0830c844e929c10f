/**
 * `chat-keykit verify` and `chat-keykit unwrap`: a request body checked as the server and a
 * receiving member would, against the trusted signing keys of a key listing. Exit 0 only when at
 * least one signature was checked and every check passed.
 *
 * @module
 */
import {
  bodyKind,
  identifySender,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  wipe,
  type BodyKind,
  type KeyListing,
  type VerificationReport,
} from '../index.js';
import { encodeBase64 } from '../wire.js';
import { UsageError, type FlagSpec, type Parsed } from './args.js';
import { backendFlag, backendOf, identityFlag, idList, keysFlag, listing, print, type Command } from './common.js';
import { readIdentityFile, type IdentityFile } from './identity-file.js';
import { readJson, type CliIO } from './io.js';

const KIND_NAMES: Record<BodyKind, string> = { create: 'group-create', keys: 'keys', members: 'members' };

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

/** A verified body: its kind, whose (given, or found), and the report. */
interface Verified {
  kind: BodyKind;
  body: Record<string, unknown>;
  senderId: string;
  report: VerificationReport;
}

/** Reads BODY and the listing, finds the sender (unless given) and verifies; null when no listed key verifies. */
async function runVerifier(args: Parsed, io: CliIO, command: string, recipient: IdentityFile | undefined): Promise<Verified | null> {
  const body = await readJson(io, args.positionals[0] as string, 'BODY');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UsageError('BODY is not a JSON object');
  const kind = (args.strings.kind as BodyKind | undefined) ?? bodyKind(body);
  if (kind === null) throw new UsageError('BODY is not a group-create, keys or members request body (pass --kind)');
  const conversationId = args.strings['conversation-id'];
  if (kind !== 'create' && conversationId === undefined)
    throw new UsageError(`--conversation-id is required to verify a ${KIND_NAMES[kind]} body (the id is in the URL, not the body)`);
  const keys = await trustedKeys(io, args.strings['public-keys'] as string, command);
  const member = recipient && { userId: recipient.userId, identityPrivateKey: recipient.identity.identityPrivateKey };
  const b = body as Record<string, unknown>;
  let senderId = args.strings.sender;
  if (senderId === undefined) {
    const found = await identifySender(b, {
      signingKeys: keys.signingKeys,
      kind,
      backend: backendOf(args),
      ...(member ? { recipient: member } : {}),
      ...(conversationId === undefined ? {} : { conversationId }),
    });
    if (found.senderId === null) {
      if (found.reason === 'uncheckable') {
        throw new UsageError(
          `none of BODY's signatures can be checked here${member ? '' : ' (a version 6/7 key-change signature covers the plaintext key: only a member can check it, with --identity FILE)'}, so the sender cannot be told: pass --sender ID`,
        );
      }
      if (found.reason === 'several')
        throw new UsageError(
          `the listed signing keys of ${idList(found.candidates)} all verify BODY (one key listed for several users?): pass --sender ID`,
        );
      io.stderr.write(`no listed user's signing key verifies this body: pass --sender ID to see the full report\n`);
      return null;
    }
    senderId = found.senderId;
    io.stderr.write(`sender: ${senderId} (the only listed key that verifies)\n`);
  }
  const options = {
    senderId,
    signingKeys: keys.signingKeys,
    backend: backendOf(args),
    serverView: args.booleans['server-view'] === true,
    ...(member ? { recipient: member } : {}),
  };
  const report =
    kind === 'create'
      ? await verifyCreateGroupRequest(b, options)
      : kind === 'keys'
        ? await verifyAddConversationKeysRequest(b, { ...options, conversationId: conversationId as string })
        : await verifyAddMembersRequest(b, { ...options, conversationId: conversationId as string });
  return { kind, body: b, senderId, report };
}

const verifyFlags: Record<string, FlagSpec> = {
  'public-keys': {
    ...keysFlag,
    help: 'the trusted key listing: the X API response of GET /2/users/public_keys, with signing_public_key and identity_public_key_signature (keyed by user id if its records do not name owners)',
  },
  sender: {
    kind: 'string',
    help: 'user id of the sender (the signer); default: the one listed user whose signing key verifies the body',
    arg: 'ID',
  },
  'conversation-id': {
    kind: 'string',
    help: 'for keys and members bodies: the conversation id that was signed (g…, or min:max for a one-to-one)',
    arg: 'ID',
  },
  kind: {
    kind: 'string',
    help: 'the body kind (default: told from its fields); a body of another kind is invalid',
    values: ['create', 'keys', 'members'],
    arg: 'KIND',
  },
  backend: backendFlag,
};

const BODY = { name: 'BODY', help: 'the request body (JSON file, or - for standard input)', min: 1, max: 1 };

/** Did the report check at least one signature, and did every check pass? */
const proven = (r: VerificationReport): boolean => r.valid && r.actions.some((a) => a.signature === 'verified');

const verify: Command = {
  spec: {
    name: 'verify',
    summary: 'check a request body as the server and a receiving member would',
    flags: {
      ...verifyFlags,
      identity: {
        kind: 'string',
        help: 'a member identity file: also unwrap that member’s key and check the key-change signature',
        arg: 'FILE',
      },
      'server-view': {
        kind: 'boolean',
        help: 'accept what the server can check; a key-change signature that only a member can check is left unchecked (exit 0 if nothing else is wrong and some signature was checked)',
      },
    },
    positionals: BODY,
    details: [
      'Prints the report as JSON (verdict, sender, problems, what was checked of each action); explains each',
      'problem on stderr. Exit 0 only when at least one signature was checked and nothing is wrong. A version',
      '6/7 key-change signature covers the plaintext key, so without --identity FILE of a member it is not',
      'checked: UNVERIFIED, exit 1 (unless --server-view). Without --sender, the sender is the one listed user',
      'whose signing key verifies the body. Bodies with a duplicate JSON key are refused.',
    ].join('\n'),
  },
  async run(args, io) {
    const serverView = args.booleans['server-view'] === true;
    if (serverView && args.strings.identity !== undefined)
      throw new UsageError('--server-view is the check without a member identity; with --identity everything is checked: drop one of them');
    const recipient = args.strings.identity ? await readIdentityFile(io, args.strings.identity) : undefined;
    const v = await runVerifier(args, io, 'verify', recipient);
    if (!v) return 1;
    const { kind, senderId, report } = v;
    wipe(report.conversationKey);
    const ok = proven(report);
    print(io, {
      valid: ok,
      verdict: report.verdict,
      sender: senderId,
      problems: report.problems,
      actions: report.actions,
      notes: report.notes,
    });
    const what = `${KIND_NAMES[kind]} body from ${senderId}`;
    const unchecked = report.notes.join('; ');
    if (ok && report.verdict === 'verified') io.stderr.write(`VALID ${what}${recipient ? `, opened by member ${recipient.userId}` : ''}\n`);
    else if (ok) io.stderr.write(`VALID (server view): ${what}; not checked: ${unchecked}\n`);
    else if (report.verdict === 'server-view') {
      const none = report.actions.every((a) => a.signature !== 'verified');
      io.stderr.write(
        `UNVERIFIED: ${what}: not checked: ${unchecked}${none ? ' (no signature could be checked)' : ''}; pass --identity FILE of a member${none ? '' : ' (or --server-view to accept what the server can check)'}\n`,
      );
    } else {
      io.stderr.write(`INVALID ${KIND_NAMES[kind]} body: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
      for (const n of report.notes) io.stderr.write(`  note: ${n}\n`);
    }
    return ok ? 0 : 1;
  },
};

const unwrap: Command = {
  spec: {
    name: 'unwrap',
    summary: 'open your conversation key from a request body (verified), printed only with --show-key',
    flags: {
      identity: identityFlag,
      ...verifyFlags,
      'public-keys': {
        ...(verifyFlags['public-keys'] as FlagSpec),
        help: `${verifyFlags['public-keys']?.help}; needed because the key is released only after the body verifies against its signing keys`,
      },
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
    if (args.strings.format !== undefined && args.booleans['show-key'] !== true)
      throw new UsageError('--format applies to the key printed with --show-key: add --show-key or drop --format');
    const me = await readIdentityFile(io, args.strings.identity as string);
    const v = await runVerifier(args, io, 'unwrap', me);
    if (!v) return 1;
    const { report, body, senderId } = v;
    const key = report.conversationKey;
    if (!proven(report) || !key) {
      wipe(key);
      io.stderr.write(`not unwrapped: the body does not verify for member ${me.userId}\n`);
      for (const p of report.problems) io.stderr.write(`  - ${p.path}: ${p.message} [${p.code}]\n`);
      return 1;
    }
    const out: Record<string, unknown> = {
      user_id: me.userId,
      sender: senderId,
      conversation_key_version: body.conversation_key_version,
      verified: true,
    };
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

/** The commands that check bodies, by name. */
export const VERIFY_COMMANDS: Record<string, Command> = { verify, unwrap };
