/**
 * `chat-keykit encrypt-media` / `decrypt-media`: X Chat media (libsodium secretstream under the
 * conversation key) between files of any size, streamed in 64 KiB pieces so that memory does not
 * grow with the file, with a progress bar when stderr is a terminal.
 *
 * The output goes to a temporary file created exclusively next to the target and is published
 * only when the stream is complete: a truncated or tampered download never leaves a plaintext
 * file behind (the decryptor proves completeness only at the end), and an existing file is
 * replaced only with --force.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { link, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { createMediaDecryptor, createMediaEncryptor, wipe, type MediaDecryptor, type MediaEncryptor } from '../index.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, print, type Command } from './common.js';
import { fileError, progressBar, type CliIO } from './io.js';
import { readKeyFile } from './keyfile.js';

const PIECE = 64 * 1024;

const keyFlag = {
  kind: 'string',
  required: true,
  help: 'file holding the conversation key (base64 or hex, or the JSON of unwrap --show-key); never a flag value',
  arg: 'FILE',
} as const;
const positionals = { name: 'IN OUT', help: 'the input file (- for standard input) and the output file', min: 2, max: 2 } as const;

/** Streams `input` through `stream` into a temporary file published as `output` when done. */
async function transform(
  io: CliIO,
  input: string,
  output: string,
  overwrite: boolean,
  stream: MediaEncryptor | MediaDecryptor,
  label: string,
): Promise<{ read: number; written: number }> {
  const target = resolve(io.cwd, output);
  const tmp = resolve(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const total =
    input === '-'
      ? undefined
      : await stat(resolve(io.cwd, input)).then(
          (s) => s.size,
          (e: unknown) => Promise.reject(fileError(e, 'read', 'input', input)),
        );
  const bar = total === undefined ? undefined : progressBar(io, label);
  let h: FileHandle | undefined;
  let published = false;
  let read = 0;
  let written = 0;
  try {
    try {
      h = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (e) {
      throw fileError(e, 'write', 'output', output);
    }
    const source = (input === '-' ? process.stdin : createReadStream(resolve(io.cwd, input), { highWaterMark: PIECE }))[
      Symbol.asyncIterator
    ]() as AsyncIterator<Buffer>;
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await source.next();
      } catch (e) {
        throw fileError(e, 'read', 'input', input);
      }
      if (next.done) break;
      const chunk = next.value;
      const out = stream.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      read += chunk.byteLength;
      if (out.length > 0) await h.write(out);
      written += out.length;
      wipe(out);
      bar?.(read, total as number);
    }
    const last = stream.finish();
    await h.write(last);
    written += last.length;
    wipe(last);
    await h.sync();
    await h.close();
    h = undefined;
    try {
      if (overwrite) await rename(tmp, target);
      else await link(tmp, target);
    } catch (e) {
      throw fileError(e, 'write', 'output', output);
    }
    published = overwrite;
    return { read, written };
  } finally {
    await h?.close().catch(() => undefined);
    if (!published)
      await rm(tmp, { force: true }).catch(() =>
        io.stderr.write(`warning: could not remove a temporary file next to ${output}; delete it\n`),
      );
  }
}

function expectedLength(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(v)) throw new UsageError('--expected-length must be a number of bytes');
  return Number(v);
}

/** The encrypt-media command. */
export const encryptMediaCommand: Command = {
  spec: {
    name: 'encrypt-media',
    summary: 'encrypt a file as X Chat media (secretstream under the conversation key), streamed',
    flags: { key: keyFlag, force: { kind: 'boolean', help: 'replace an existing output file' }, backend: backendFlag },
    positionals,
    details:
      'Prints { input, output, plaintext_bytes, ciphertext_bytes }. Upload the output as the attachment; its size is plaintext + 24 + 17 per started KiB.',
  },
  async run(args, io) {
    const [input, output] = args.positionals as [string, string];
    const { key } = await readKeyFile(io, args.strings.key as string);
    try {
      const stream = await createMediaEncryptor(key, { backend: backendOf(args) });
      const { read, written } = await transform(io, input, output, args.booleans.force === true, stream, 'encrypting');
      print(io, { input, output, plaintext_bytes: read, ciphertext_bytes: written });
      return 0;
    } finally {
      wipe(key);
    }
  },
};

/** The decrypt-media command. */
export const decryptMediaCommand: Command = {
  spec: {
    name: 'decrypt-media',
    summary: 'decrypt X Chat media into a file, streamed; nothing is written unless the whole stream authenticates',
    flags: {
      key: keyFlag,
      'expected-length': {
        kind: 'string',
        help: 'the plaintext size the message announced: any other is refused (catches a stream cut back to its header)',
        arg: 'BYTES',
      },
      force: { kind: 'boolean', help: 'replace an existing output file' },
      backend: backendFlag,
    },
    positionals,
    details:
      'Prints { input, output, ciphertext_bytes, plaintext_bytes }. Exit 1 when the stream does not authenticate (another key, tampered, truncated or extended); the output file is then not created.',
  },
  async run(args, io) {
    const [input, output] = args.positionals as [string, string];
    const expected = expectedLength(args.strings['expected-length']);
    const { key } = await readKeyFile(io, args.strings.key as string);
    try {
      const stream = await createMediaDecryptor(key, {
        backend: backendOf(args),
        ...(expected === undefined ? {} : { expectedLength: expected }),
      });
      const { read, written } = await transform(io, input, output, args.booleans.force === true, stream, 'decrypting');
      print(io, { input, output, ciphertext_bytes: read, plaintext_bytes: written });
      return 0;
    } finally {
      wipe(key);
    }
  },
};
