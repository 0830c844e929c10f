/**
 * The CLI's contact with the outside world, injectable for tests: output streams, standard
 * input, the working directory, files (identity files are written atomically with mode 0600).
 *
 * File errors become one-line usage errors that name the path the user gave (never a temporary
 * file's name), exit code 2.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { findDuplicateKey } from '../wire/json.js';
import { UsageError } from './args.js';

/** Streams and context of one CLI run. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  /** Reads all of standard input (for BODY `-`). */
  readStdin(): Promise<string>;
  cwd: string;
}

/** The largest text input the CLI reads from a file or standard input (JSON, a message text): 256 MiB. */
export const MAX_TEXT_INPUT = 256 * 1024 * 1024;

function tooLarge(what: string, path: string): UsageError {
  return new UsageError(`${what} ${path} is larger than ${MAX_TEXT_INPUT / 1024 / 1024} MiB, the most this command reads`);
}

/**
 * Reads a text input (UTF-8) from a file, or from standard input for `-`, refusing more than
 * {@link MAX_TEXT_INPUT} bytes: a regular file by its size, unread; a FIFO or a growing file as it
 * is read, in pieces. File errors name the path as the user gave it.
 */
export async function readTextInput(io: CliIO, path: string, what: string): Promise<string> {
  if (path === '-') return io.readStdin();
  let handle;
  try {
    handle = await open(resolve(io.cwd, path), 'r');
  } catch (e) {
    throw fileError(e, 'read', what, path);
  }
  try {
    // A regular file says its size: refuse it unread. Anything else is counted as it is read.
    if ((await handle.stat()).size > MAX_TEXT_INPUT) throw tooLarge(what, path);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > MAX_TEXT_INPUT) throw tooLarge(what, path);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    throw fileError(e, 'read', what, path);
  } finally {
    await handle.close();
  }
}

/** Reads a text (a message to send) from a file or standard input for `-`, dropping one trailing newline. */
export async function readText(io: CliIO, path: string, what: string): Promise<string> {
  const text = await readTextInput(io, path, what);
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The real process IO. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of process.stdin) {
        size += (c as Buffer).length;
        if (size > MAX_TEXT_INPUT)
          throw new UsageError(`standard input is larger than ${MAX_TEXT_INPUT / 1024 / 1024} MiB, the most this command reads`);
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    cwd: process.cwd(),
  };
}

/** What the common errno codes of a file read or write mean, in a few words. */
const ERRNO: Record<string, { read: string; write: string }> = {
  ENOENT: { read: 'not found', write: 'its directory does not exist' },
  EACCES: { read: 'permission denied', write: 'permission denied' },
  EPERM: { read: 'operation not permitted', write: 'operation not permitted' },
  EEXIST: { read: 'already exists', write: 'it exists; pass --force to replace it' },
  EISDIR: { read: 'is a directory', write: 'is a directory' },
  ENOTDIR: { read: 'a part of the path is not a directory', write: 'a part of the path is not a directory' },
};

/**
 * A file error as a usage error naming `path` as the user gave it: "cannot read identity file
 * x.json: not found (ENOENT)". The system's own message (which names the file actually
 * touched, possibly a temporary one) is left out.
 */
export function fileError(e: unknown, op: 'read' | 'write', what: string, path: string): UsageError {
  if (e instanceof UsageError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const meaning = code === undefined ? undefined : ERRNO[code]?.[op];
  return new UsageError(`cannot ${op} ${what}${what ? ' ' : ''}${path}: ${meaning ? `${meaning} (${code})` : (code ?? 'error')}`);
}

/** Which runs have consumed standard input: it can be read once. */
const stdinRead = new WeakSet<CliIO>();

/**
 * Reads and parses a JSON file (or standard input for `-`, once per run); usage errors name the
 * file. Text with a duplicate object key is refused: parsers disagree on which value wins.
 */
export async function readJson(io: CliIO, path: string, what: string): Promise<unknown> {
  if (path === '-') {
    if (stdinRead.has(io)) throw new UsageError(`standard input (-) was already read: give the ${what} as a file`);
    stdinRead.add(io);
  }
  const text = await readTextInput(io, path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${path} is not valid JSON`);
  }
  const dup = findDuplicateKey(text);
  if (dup !== null)
    throw new UsageError(
      `${what} ${path} has the key ${JSON.stringify(dup)} twice in one object: another reader may take the other value, so it is refused`,
    );
  return value;
}

/** A fresh temporary name next to `target` (random, so that nothing can be planted at it in advance). */
function tempNameFor(target: string): string {
  return resolve(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes a file (text as UTF-8, or bytes) without ever following a planted link or leaving it half-written: the content
 * goes to a random temporary name created exclusively (`O_EXCL` fails on an existing name,
 * symlinks included) with `mode`, is synced, then published under the target name: with a hard
 * link, which fails when the name exists, unless `overwrite`, then renamed over it. The
 * temporary file is removed in every case.
 * @returns the absolute path written
 */
export async function writeFileSafely(
  io: CliIO,
  path: string,
  content: string | Uint8Array,
  overwrite: boolean,
  mode: number,
): Promise<string> {
  const target = resolve(io.cwd, path);
  const tmp = tempNameFor(target);
  let created = false;
  try {
    const h = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    created = true;
    try {
      await h.writeFile(content, typeof content === 'string' ? 'utf8' : {});
      await h.sync();
    } finally {
      await h.close();
    }
    if (overwrite) {
      await rename(tmp, target);
      created = false;
    } else {
      await link(tmp, target);
    }
  } catch (e) {
    throw fileError(e, 'write', '', path);
  } finally {
    if (created)
      await rm(tmp, { force: true }).catch(() =>
        io.stderr.write(`warning: could not remove a temporary file next to ${path}; delete it\n`),
      );
  }
  return target;
}

/**
 * Writes a file that must not be half-written or readable by others: a temporary file created
 * exclusively with mode 0600 in the same directory and synced, then published under the target
 * name. Without `overwrite` it is published with a hard link, which fails atomically when the
 * target exists (whether or not we could read it); with `overwrite`, renamed over the target.
 * The temporary file is removed in every case.
 * @returns the absolute path written
 */
export async function writePrivateFile(io: CliIO, path: string, content: string, overwrite: boolean): Promise<string> {
  return writeFileSafely(io, path, content, overwrite, 0o600);
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
export function progressBar(io: CliIO, label: string): ((done: number, total: number) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  let last = '';
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`;
    if (line !== last) io.stderr.write(line);
    last = line;
    if (done === total) io.stderr.write('\n');
  };
}
