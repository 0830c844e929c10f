/**
 * What the X Chat subcommands share: the command shape, common flags, printing, the key listing,
 * and naming the command's flags (not the library's parameters) in errors.
 *
 * @module
 */
import { KeykitError, keyListing, type KeyListing } from '../index.js';
import { encodeBase64, parsePublicKey } from '../wire.js';
import type { IdentityFile } from './identity-file.js';
import type { BackendName } from '../backends.js';
import { UsageError, type CommandSpec, type FlagSpec, type Parsed } from './args.js';
import { readJson, type CliIO } from './io.js';

/** A command: its spec and what it does; returns the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: Parsed, io: CliIO): Promise<number>;
}

export const backendFlag: FlagSpec = {
  kind: 'string',
  help: 'crypto backend (default: automatic)',
  values: ['node', 'webcrypto', 'noble'],
  arg: 'NAME',
};
export const identityFlag: FlagSpec = { kind: 'string', required: true, help: 'identity file written by keygen', arg: 'FILE' };
export const keysFlag: FlagSpec = {
  kind: 'string',
  required: true,
  help: 'key listing: the X API response of GET /2/users/public_keys (keyed by user id if its records do not name owners), or a list of {userId, publicKey, keyVersion}',
  arg: 'FILE',
};

/** Prints a value as JSON on stdout. */
export function print(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function backendOf(args: Parsed): BackendName | undefined {
  return args.strings.backend as BackendName | undefined;
}

/** Reads a key listing file. */
export async function listing(io: CliIO, path: string): Promise<KeyListing> {
  return keyListing(await readJson(io, path, 'key listing'));
}

/** "user 1" or "users 1, 2 and 3". */
export const idList = (ids: readonly string[]): string =>
  ids.length === 1 ? `user ${ids[0]}` : `users ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;

/** A non-negative integer number of milliseconds from a flag. */
export function ttl(args: Parsed, name: string): number | undefined {
  const v = args.strings[name];
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer number of milliseconds`);
  return Number(v);
}

/**
 * Runs a library call whose inputs came from flags: an error naming a library parameter
 * (`params.memberIds[2]`) is re-thrown naming the flag it came from (`--members[2]`).
 */
export async function withFlagNames<T>(flags: Record<string, string>, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof KeykitError) || e.field === undefined) throw e;
    for (const [param, flag] of Object.entries(flags)) {
      if (e.field === param || e.field.startsWith(`${param}[`) || e.field.startsWith(`${param}.`))
        throw e.withField(flag + e.field.slice(param.length));
    }
    throw e;
  }
}

const sameKey = (a: string | Uint8Array, b: Uint8Array): boolean => {
  try {
    return encodeBase64(parsePublicKey(a, 'key')) === encodeBase64(b);
  } catch {
    return false;
  }
};

/**
 * The signing-key version under which the listing serves this identity: the record with its
 * signing key (and identity key) when the listing has signing keys for the user, else the record
 * with its identity key (both keys are registered together, under one version).
 * @throws {UsageError} when the listing has no record of the identity's keys
 */
export function listedVersion(io: CliIO, id: IdentityFile, keys: KeyListing): string {
  const own = keys.signingKeys.filter((e) => e.userId === id.userId);
  const match =
    own.length > 0
      ? own.find((e) => sameKey(e.publicKey, id.identity.signingPublicKey) && sameKey(e.identityPublicKey, id.identity.identityPublicKey))
          ?.publicKeyVersion
      : keys.publicKeys.find((k) => k.userId === id.userId && sameKey(k.publicKey, id.identity.identityPublicKey))?.keyVersion;
  if (match === undefined) {
    throw new UsageError(
      `the key listing has no record of the keys of your identity (user ${id.userId}): nobody could verify what it signs. Register them (keygen prints the body of POST /2/users/{id}/public_keys) or fetch the listing again`,
    );
  }
  if (match !== id.signingKeyVersion) {
    io.stderr.write(
      `note: signing with key version ${match}, under which the listing serves your keys (the identity file says ${id.signingKeyVersion})\n`,
    );
  }
  return match;
}
