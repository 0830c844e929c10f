/**
 * The CLI's contact with the outside world, injectable for tests: output streams, standard
 * input, the working directory, files (identity files are written atomically with mode 0600).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
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

/** Reads and parses a JSON file (or standard input for `-`); usage errors name the file. */
export async function readJson(io: CliIO, path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : await readFile(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${what} ${path} is not valid JSON`);
  }
}

/**
 * Writes a file that must not be half-written or readable by others: a temporary file created
 * exclusively with mode 0600 in the same directory, synced, then renamed over the target.
 * Refuses to replace an existing file unless `overwrite`.
 */
export async function writePrivateFile(io: CliIO, path: string, content: string, overwrite: boolean): Promise<string> {
  const target = resolve(io.cwd, path);
  if (!overwrite) {
    try {
      const h = await open(target, constants.O_RDONLY);
      await h.close();
      throw new UsageError(`${path} exists; pass --force to replace it`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
    }
  }
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const h = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await h.writeFile(content, 'utf8');
    await h.sync();
    await h.close();
    await rename(tmp, target);
  } catch (e) {
    await h.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  return target;
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
