/**
 * `chat-keykit encrypt-message`: an X Chat message (or a reply) encrypted and signed, printed as
 * the request `POST /2/chat/conversations/{id}/messages` with its body. The text comes from a
 * file or standard input and the conversation key from a key file, never from flags (a flag's
 * value is visible in the process list).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { conversationPath, encryptMessage, encryptReply, sendMessageRequest, wipe, type SendPayload } from '../index.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, identityFlag, keysFlag, listedVersion, listing, print, withFlagNames, type Command } from './common.js';
import { readIdentityFile } from './identity-file.js';
import { fileError, type CliIO } from './io.js';
import { readKeyFile } from './keyfile.js';

/** Reads a text file (or standard input for `-`), dropping one trailing newline. */
async function readText(io: CliIO, path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : await readFile(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    throw fileError(e, 'read', what, path);
  }
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

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
      'conversation-id': { kind: 'string', required: true, help: 'the conversation: a g… group id, or a one-to-one (A:B, A-B, or the peer id)', arg: 'ID' },
      key: { kind: 'string', required: true, help: 'file holding the conversation key (the JSON of unwrap --show-key, which names its version, or base64/hex text with --key-version)', arg: 'FILE' },
      'key-version': { kind: 'string', help: 'the conversation-key version (default: the one the key file names)', arg: 'VERSION' },
      'text-file': { kind: 'string', required: true, help: 'the text: a file, or - for standard input (one trailing newline dropped)', arg: 'FILE' },
      'reply-to': { kind: 'string', help: 'a file holding the base64 MessageEvent replied to (as GET …/events serves it): the preview is derived from it, under the same key', arg: 'FILE' },
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
      if (s['key-version'] !== undefined && version !== undefined && s['key-version'] !== version) throw new UsageError(`--key-version ${s['key-version']} differs from the version the key file names (${version})`);
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
        sent = await withFlagNames(FLAGS, () => encryptReply({ ...params, replyToEvent, conversationKeys: { [conversationKeyVersion]: key } }, options));
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
