/**
 * `chat-keykit vectors generate [--out DIR]` and `chat-keykit vectors verify [DIR]`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVectors, verifyVectors } from '../vectors/index.js';
import { UsageError } from './args.js';
import type { Command } from './common.js';
import { fileError, writeFileSafely } from './io.js';

/**
 * The vectors this package ships: `vectors/` at the package root (beside `dist/` in an installed
 * package, and in the repository), two levels above this module in both `src/cli` and `dist/cli`.
 */
export const SHIPPED_VECTORS = fileURLToPath(new URL('../../vectors', import.meta.url));

/**
 * The directory `verify` reads without an argument: `./vectors` where it exists (the repository,
 * or a directory written by `generate`), else the vectors shipped with the package.
 */
function defaultVectorsDir(cwd: string): { path: string; shown: string } | null {
  const local = resolve(cwd, 'vectors');
  if (existsSync(local)) return { path: local, shown: 'vectors' };
  if (existsSync(SHIPPED_VECTORS)) return { path: SHIPPED_VECTORS, shown: SHIPPED_VECTORS };
  return null;
}

/** The vectors command. */
export const vectorsCommand: Command = {
  spec: {
    name: 'vectors',
    summary: 'generate or verify the deterministic test vectors (vectors/README.md documents them)',
    flags: {
      out: { kind: 'string', help: 'directory to write with generate (default: vectors)', arg: 'DIR' },
      force: { kind: 'boolean', help: 'with generate: replace vector files that exist' },
    },
    positionals: {
      name: 'generate|verify [DIR]',
      help: 'generate the files, or verify a directory of them (default: ./vectors, else the vectors shipped with the package)',
      min: 1,
      max: 2,
    },
    details: [
      'generate never replaces an existing file without --force, and never follows a link planted at a',
      'temporary name. verify exits 1 when any vector does not match this implementation, naming file,',
      'vector and field.',
    ].join('\n'),
  },
  async run(args, io) {
    const [action, dir] = args.positionals;
    if (action === 'generate') {
      if (dir !== undefined) throw new UsageError('generate takes --out DIR, not a positional directory');
      const given = args.strings.out ?? 'vectors';
      const out = resolve(io.cwd, given);
      const failed = (e: unknown) => fileError(e, 'write', 'vectors into', given);
      await mkdir(out, { recursive: true }).catch((e: unknown) => {
        throw failed(e);
      });
      const files = await generateVectors();
      const force = args.booleans.force === true;
      for (const [name, text] of files) {
        await writeFileSafely(io, join(out, name), text, force, 0o644).catch((e: unknown) => {
          throw e instanceof UsageError && /exists/.test(e.message)
            ? new UsageError(`${join(given, name)} exists: pass --force to replace the vector files`)
            : failed(e);
        });
      }
      io.stdout.write(`${JSON.stringify({ directory: out, files: [...files.keys()] }, null, 2)}\n`);
      return 0;
    }
    if (action === 'verify') {
      if (args.strings.out !== undefined || args.booleans.force !== undefined) throw new UsageError('--out and --force belong to generate');
      const fallback = dir === undefined ? defaultVectorsDir(io.cwd) : null;
      if (dir === undefined && !fallback) {
        throw new UsageError(
          `no vectors to verify: ./vectors does not exist, and this installation has none at ${SHIPPED_VECTORS}; pass a directory (chat-keykit vectors generate --out DIR writes one)`,
        );
      }
      const shown = dir ?? (fallback as { shown: string }).shown;
      const from = dir === undefined ? (fallback as { path: string }).path : resolve(io.cwd, dir);
      if (dir === undefined) io.stderr.write(`verifying the vectors in ${from}\n`);
      let names: string[];
      try {
        names = (await readdir(from)).filter((n) => n.endsWith('.json'));
      } catch (e) {
        throw fileError(e, 'read', 'directory', shown);
      }
      const files = new Map<string, string>();
      for (const n of names) {
        try {
          files.set(n, await readFile(join(from, n), 'utf8'));
        } catch (e) {
          throw fileError(e, 'read', 'vector file', join(shown, n));
        }
      }
      const report = await verifyVectors(files);
      io.stdout.write(
        `${JSON.stringify({ directory: from, ok: report.ok, checked: report.checked, failures: report.failures }, null, 2)}\n`,
      );
      if (!report.ok) for (const f of report.failures) io.stderr.write(`mismatch: ${f}\n`);
      io.stderr.write(`${report.ok ? 'OK' : 'FAILED'}: ${report.checked} checks, ${report.failures.length} failures\n`);
      return report.ok ? 0 : 1;
    }
    throw new UsageError(`unknown action "${action ?? ''}" (generate or verify)`);
  },
};
