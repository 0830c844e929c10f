#!/usr/bin/env node
/**
 * `chat-keykit`: the toolkit on the command line.
 *
 * @module
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KeykitError, VerificationError } from '../errors.js';
import { helpText, parseArgs, UsageError } from './args.js';
import type { Command } from './common.js';
import { keygen } from './keygen.js';
import { PREPARE_COMMANDS } from './prepare.js';
import { VERIFY_COMMANDS } from './verify.js';
import { SENDBIRD_COMMANDS } from './sendbird.js';
import { vectorsCommand } from './vectors.js';
import { decryptMediaCommand, encryptMediaCommand } from './media.js';
import { decryptEventsCommand, encryptMessageCommand } from './messages.js';
import { processIO, type CliIO } from './io.js';

/** Every subcommand, by name. */
export const ALL_COMMANDS: Record<string, Command> = {
  keygen,
  ...PREPARE_COMMANDS,
  ...VERIFY_COMMANDS,
  'encrypt-message': encryptMessageCommand,
  'decrypt-events': decryptEventsCommand,
  'encrypt-media': encryptMediaCommand,
  'decrypt-media': decryptMediaCommand,
  ...SENDBIRD_COMMANDS,
  vectors: vectorsCommand,
};

/** The package's version (the CLI runs from src/cli or dist/cli, both two levels below package.json). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const names = Object.keys(ALL_COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  return [
    'chat-keykit: end-to-end-encryption keys for group chats (X Chat wire format)',
    '',
    'usage: chat-keykit <command> [options]     chat-keykit <command> --help     chat-keykit --version',
    '',
    ...names.map((n) => `  ${n.padEnd(w)}  ${ALL_COMMANDS[n]?.spec.summary ?? ''}`),
    '',
    'JSON on stdout, diagnostics on stderr. Exit codes: 0 ok, 1 verification failed, 2 bad usage or input.',
    '',
  ].join('\n');
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and IO.
 * @returns the exit code
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(ALL_COMMANDS, name) ? ALL_COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`chat-keykit: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command.spec);
    if (args.help) {
      io.stdout.write(helpText(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`chat-keykit ${name}: ${e.message}\n(see chat-keykit ${name} --help)\n`);
    } else if (e instanceof KeykitError) {
      io.stderr.write(`chat-keykit ${name}: ${e.message} [${e.code}]\n`);
      // A check that failed (a signature, a tag) is exit 1; bad input is exit 2.
      if (e instanceof VerificationError) return 1;
    } else {
      io.stderr.write(`chat-keykit ${name}: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    return 2;
  }
}

// Run when executed directly (the package's bin), not when imported by tests.
const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(self)) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2;
    },
  );
}
