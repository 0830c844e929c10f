/**
 * `chat-keykit encrypt-message` and `decrypt-events`: an X Chat message (or a reply) encrypted and
 * signed, printed as the request `POST /2/chat/conversations/{id}/messages` with its body; and a
 * batch of delivered events verified and decrypted as their recipient, one JSON line per authentic
 * event. Texts and keys come from files or standard input, never from flags (a flag's value is
 * visible in the process list); keys are written only to files of mode 0600.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  conversationPath,
  decryptEvents,
  encryptMessage,
  encryptReply,
  sendMessageRequest,
  wipe,
  type EventsResponse,
  type ReceiverState,
  type SendPayload,
} from '../index.js';
import { encodeBase64 } from '../wire.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, identityFlag, keysFlag, listedVersion, listing, print, withFlagNames, type Command } from './common.js';
import { readIdentityFile } from './identity-file.js';
import { readJson, readText, writeFileSafely, writePrivateFile, type CliIO } from './io.js';
import { readKeyFile } from './keyfile.js';

/** The library's parameter names, as this command's flags. */
const FLAGS = {
  'params.conversationId': '--conversation-id',
  'params.text': '--text-file',
  'params.conversationKey': '--key',
  'params.conversationKeyVersion': '--key-version',
  'params.sender': '--identity',
  'params.replyToEvent': '--reply-to',
  'params.ttlMsec': '--ttl-msec',
};

/** The encrypt-message command. */
export const encryptMessageCommand: Command = {
  spec: {
    name: 'encrypt-message',
    summary: 'encrypt and sign an X Chat message (or a reply) and print POST /2/chat/conversations/{id}/messages with its body',
    flags: {
      identity: identityFlag,
      'public-keys': { ...keysFlag, help: 'key listing (GET /2/users/public_keys): your signing key is signed under the version it lists' },
      'conversation-id': {
        kind: 'string',
        required: true,
        help: 'the conversation: a g… group id, or a one-to-one (A:B, A-B, or the peer id)',
        arg: 'ID',
      },
      key: {
        kind: 'string',
        required: true,
        help: 'file holding the conversation key (the JSON of unwrap --show-key, which names its version, or base64/hex text with --key-version)',
        arg: 'FILE',
      },
      'key-version': { kind: 'string', help: 'the conversation-key version (default: the one the key file names)', arg: 'VERSION' },
      'text-file': {
        kind: 'string',
        required: true,
        help: 'the text: a file, or - for standard input (one trailing newline dropped)',
        arg: 'FILE',
      },
      'reply-to': {
        kind: 'string',
        help: 'a file holding the base64 MessageEvent replied to (as GET …/events serves it): the preview is derived from it, under the same key',
        arg: 'FILE',
      },
      'ttl-msec': { kind: 'string', help: 'time to live of the message in milliseconds', arg: 'MS' },
      silent: { kind: 'boolean', help: 'no push notification (should_notify false)' },
      backend: backendFlag,
    },
    details: [
      'Prints { method, path, body }: the body of POST /2/chat/conversations/{id}/messages (message_id,',
      'encoded_message_create_event, encoded_message_event_signature) and its path. The key file is what',
      'unwrap --show-key printed; the plaintext and the key never appear in the output.',
    ].join('\n'),
  },
  async run(args, io) {
    const s = args.strings;
    const id = await readIdentityFile(io, s.identity as string);
    const keys = await listing(io, s['public-keys'] as string);
    const signingKeyVersion = listedVersion(io, id, keys);
    const { key, version } = await readKeyFile(io, s.key as string);
    try {
      const conversationKeyVersion = s['key-version'] ?? version;
      if (conversationKeyVersion === undefined) throw new UsageError('the key file does not name its version: pass --key-version');
      if (s['key-version'] !== undefined && version !== undefined && s['key-version'] !== version)
        throw new UsageError(`--key-version ${s['key-version']} differs from the version the key file names (${version})`);
      const text = await readText(io, s['text-file'] as string, 'text file');
      let ttlMsec: number | undefined;
      if (s['ttl-msec'] !== undefined) {
        if (!/^[0-9]{1,15}$/.test(s['ttl-msec'])) throw new UsageError('--ttl-msec must be a non-negative integer number of milliseconds');
        ttlMsec = Number(s['ttl-msec']);
      }
      const params = {
        conversationId: s['conversation-id'] as string,
        text,
        conversationKey: key,
        conversationKeyVersion,
        sender: { userId: id.userId, signingKeyVersion, signingPrivateKey: id.identity.signingPrivateKey },
        ...(ttlMsec === undefined ? {} : { ttlMsec }),
        ...(args.booleans.silent ? { shouldNotify: false } : {}),
      };
      const options = { backend: backendOf(args) };
      let sent: SendPayload;
      if (s['reply-to'] !== undefined) {
        const replyToEvent = (await readText(io, s['reply-to'], 'reply-to file')).trim();
        sent = await withFlagNames(FLAGS, () =>
          encryptReply({ ...params, replyToEvent, conversationKeys: { [conversationKeyVersion]: key } }, options),
        );
      } else {
        sent = await withFlagNames(FLAGS, () => encryptMessage(params, options));
      }
      print(io, { method: 'POST', path: conversationPath(params.conversationId, 'messages'), body: sendMessageRequest(sent) });
      return 0;
    } finally {
      wipe(key, id.identity.identityPrivateKey, id.identity.signingPrivateKey);
    }
  },
};

/** Reads the events: a JSON array of base64 events, or the response of GET …/events. */
async function readEvents(io: CliIO, path: string): Promise<string[] | EventsResponse> {
  const v = await readJson(io, path, 'events file');
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) return v as string[] | EventsResponse;
  throw new UsageError(
    `events file ${path} must hold a JSON array of base64 events or the response of GET /2/chat/conversations/{id}/events`,
  );
}

/** Reads a receiver state file, if it exists. */
async function readState(io: CliIO, path: string): Promise<ReceiverState | undefined> {
  try {
    await stat(resolve(io.cwd, path));
  } catch {
    return undefined;
  }
  return (await readJson(io, path, 'state file')) as ReceiverState;
}

/** The decrypt-events command. */
export const decryptEventsCommand: Command = {
  spec: {
    name: 'decrypt-events',
    summary: 'verify and decrypt X Chat events as their recipient; prints one JSON line per authentic event',
    flags: {
      identity: identityFlag,
      'public-keys': {
        ...keysFlag,
        help: 'key listing (GET /2/users/public_keys) with signing keys: the only keys signatures are checked with',
      },
      state: {
        kind: 'string',
        help: 'receiver-state file (JSON, no secret): read when it exists, written back; keeps the highest verified key version per conversation',
        arg: 'FILE',
      },
      key: { kind: 'string', help: 'a key you already hold (a key file naming its version), for --conversation-id', arg: 'FILE' },
      'conversation-id': { kind: 'string', help: 'the conversation of --key, as the events name it (g…, or min:max)', arg: 'ID' },
      'keys-out': {
        kind: 'string',
        help: "write the conversation's latest verified key to this file (mode 0600, never over an existing file), for encrypt-message --key",
        arg: 'FILE',
      },
      workers: { kind: 'string', help: 'worker threads for signature checks (default: automatic; 0 keeps them on this thread)', arg: 'N' },
      backend: backendFlag,
    },
    positionals: {
      name: 'EVENTS',
      help: 'a JSON file (or - for standard input): an array of base64 events, or the response of GET /2/chat/conversations/{id}/events',
      min: 1,
      max: 1,
    },
    details: [
      'Prints one JSON line per returned event ({ index, …event }, camelCase as decryptEvents returns it),',
      'in input order; each refused event is a line on stderr (index, code, reason). Exit 0 when every event',
      'was returned, 1 when any was refused, 2 for bad usage or input. Keys are printed only to --keys-out.',
    ].join('\n'),
  },
  async run(args, io) {
    const s = args.strings;
    const me = await readIdentityFile(io, s.identity as string);
    const keys = await listing(io, s['public-keys'] as string);
    if (keys.signingKeys.length === 0)
      throw new UsageError(
        '--public-keys holds no signing keys: pass the X API listing (with signing_public_key and identity_public_key_signature)',
      );
    if ((s.key === undefined) !== (s['conversation-id'] === undefined)) throw new UsageError('--key and --conversation-id go together');
    let workers: number | undefined;
    if (s.workers !== undefined) {
      if (!/^[0-9]{1,3}$/.test(s.workers)) throw new UsageError('--workers must be a small non-negative integer');
      workers = Number(s.workers);
    }
    const held = s.key === undefined ? undefined : await readKeyFile(io, s.key);
    try {
      if (held && held.version === undefined)
        throw new UsageError('the --key file does not name its version (use the JSON of unwrap --show-key or --keys-out)');
      const events = await readEvents(io, args.positionals[0] as string);
      const state = s.state === undefined ? undefined : await readState(io, s.state);
      const result = await withFlagNames(
        {
          'options.state': '--state',
          'options.conversationKeys': '--key',
          'options.recipient': '--identity',
          'options.signingKeys': '--public-keys',
        },
        () =>
          decryptEvents(events, {
            recipient: { userId: me.userId, identityPrivateKey: me.identity.identityPrivateKey },
            signingKeys: keys.signingKeys,
            ...(held ? { conversationKeys: { [s['conversation-id'] as string]: { [held.version as string]: held.key } } } : {}),
            ...(state ? { state } : {}),
            ...(workers === undefined ? {} : { workers }),
            backend: backendOf(args),
          }),
      );
      for (const m of result.messages) io.stdout.write(`${JSON.stringify({ index: m.index, ...m.event })}\n`);
      const refused = Object.entries(result.errors);
      for (const [index, e] of refused) io.stderr.write(`refused ${index}: ${e.message} [${e.code}]\n`);
      if (s.state !== undefined) await writeFileSafely(io, s.state, `${JSON.stringify(result.state, null, 2)}\n`, true, 0o644);
      if (s['keys-out'] !== undefined) {
        const convs = Object.entries(result.conversationKeys.byConversation).filter(
          ([, k]) => k.latestVersion !== null && k.keys[k.latestVersion] !== undefined,
        );
        if (convs.length !== 1)
          throw new UsageError(`--keys-out needs exactly one conversation with a verified key in the batch (found ${convs.length})`);
        const [conversationId, set] = convs[0] as [string, (typeof convs)[number][1]];
        const key = set.keys[set.latestVersion as string] as Uint8Array;
        const written = await writePrivateFile(
          io,
          s['keys-out'],
          `${JSON.stringify({ conversation_id: conversationId, conversation_key_version: set.latestVersion, conversation_key: encodeBase64(key), format: 'base64' }, null, 2)}\n`,
          false,
        );
        io.stderr.write(`wrote the key of ${conversationId} (version ${set.latestVersion}) to ${written} (mode 0600)\n`);
      }
      for (const set of Object.values(result.conversationKeys.byConversation)) for (const k of Object.values(set.keys)) wipe(k);
      io.stderr.write(`${result.messages.length} event${result.messages.length === 1 ? '' : 's'} returned, ${refused.length} refused\n`);
      return refused.length === 0 ? 0 : 1;
    } finally {
      wipe(held?.key, me.identity.identityPrivateKey, me.identity.signingPrivateKey);
    }
  },
};
