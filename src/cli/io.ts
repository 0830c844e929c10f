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
import { link, open, readFile, rename, rm } from 'node:fs/promises';
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

/** The real process IO. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
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
  let text: string;
  if (path === '-') {
    if (stdinRead.has(io)) throw new UsageError(`standard input (-) was already read: give the ${what} as a file`);
    stdinRead.add(io);
  }
  try {
    text = path === '-' ? await io.readStdin() : await readFile(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    throw fileError(e, 'read', what, path);
  }
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
