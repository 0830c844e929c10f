/**
 * What the Sendbird commands share: the API token (from the environment or a file, never from a
 * flag that the process list would show), printing a request with the token redacted, the key
 * listing of Sendbird users, the signer, channel resources and key-history files.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { encodeBase64, parsePublicKey, sec1ToSpki } from '../wire.js';
import { KeykitError, type PublicKeyInput, type Sender, type SigningKeyEntry } from '../index.js';
import { sendbirdKeyRecord, type SendbirdChannelResource, type SendbirdKeyHistory, type SendbirdRequest } from '../sendbird.js';
import { UsageError, type FlagSpec, type Parsed } from './args.js';
import type { IdentityFile } from './identity-file.js';
import { fileError, readJson, writeFileSafely, type CliIO } from './io.js';

/** The environment variable that holds the API token. */
export const TOKEN_VARIABLE = 'SENDBIRD_API_TOKEN';

export const applicationIdFlag: FlagSpec = { kind: 'string', required: true, help: 'Sendbird application id', arg: 'ID' };
export const apiTokenFileFlag: FlagSpec = {
  kind: 'string',
  help: `file holding the API token (default: the ${TOKEN_VARIABLE} environment variable); never a flag, which the process list would show`,
  arg: 'FILE',
};
export const sendbirdKeysFlag: FlagSpec = {
  kind: 'string',
  required: true,
  help: 'key listing of the Sendbird users: an object keyed by user id whose values are their registrations (what keygen --sendbird prints), or a list of {userId, publicKey, keyVersion} and SigningKeyEntry records',
  arg: 'FILE',
};
export const stateFlag: FlagSpec = {
  kind: 'string',
  help: 'key-history file of the channel (JSON, no secret): read, and written back with the current envelope recorded',
  arg: 'FILE',
};

/**
 * The API token: the first line of `--api-token-file`, or the environment variable.
 * @throws {UsageError} when there is neither, or the file cannot be read
 */
export async function apiToken(args: Parsed, io: CliIO): Promise<string> {
  const path = args.strings['api-token-file'];
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8');
    } catch (e) {
      throw fileError(e, 'read', 'API token file', path);
    }
    const token = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (token === '') throw new UsageError(`the API token file ${path} is empty`);
    return token;
  }
  const token = process.env[TOKEN_VARIABLE];
  if (!token) throw new UsageError(`the API token is required: set ${TOKEN_VARIABLE} or pass --api-token-file`);
  return token;
}

/** A request as JSON for printing: the token redacted, a JSON body parsed, a multipart body listed. */
export function describeRequest(r: SendbirdRequest): unknown {
  const headers = { ...r.headers, 'Api-Token': `<redacted: the token from --api-token-file or ${TOKEN_VARIABLE}>` };
  if (typeof r.body === 'string') return { ...r, headers, body: JSON.parse(r.body) };
  const parts: Record<string, string> = {};
  for (const [k, v] of r.body.entries())
    parts[k] = typeof v === 'string' ? v : `<file ${(v as File).name}, ${(v as File).type || 'no type'}, ${(v as File).size} bytes>`;
  return { ...r, headers, body: { 'multipart/form-data': parts } };
}

/** Key records of Sendbird users. */
export interface SendbirdListing {
  publicKeys: PublicKeyInput[];
  signingKeys: SigningKeyEntry[];
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * Reads a key listing of Sendbird users: `{ "<user id>": <registration body> | [<registration body>…] }`,
 * or a list of `PublicKeyInput` and `SigningKeyEntry` records.
 * @throws {UsageError} naming the record at fault
 */
export async function sendbirdListing(io: CliIO, path: string): Promise<SendbirdListing> {
  const json = await readJson(io, path, 'key listing');
  const out: SendbirdListing = { publicKeys: [], signingKeys: [] };
  const fault = (where: string, e: unknown): never => {
    throw new UsageError(`key listing ${path}: ${where}: ${e instanceof KeykitError ? `${e.reason} [${e.code}]` : String(e)}`);
  };
  if (Array.isArray(json)) {
    json.forEach((rec: unknown, i) => {
      const r = (typeof rec === 'object' && rec !== null ? rec : {}) as Record<string, unknown>;
      if (str(r.userId) && str(r.publicKeyVersion) && str(r.publicKey) && str(r.identityPublicKey) && str(r.identityPublicKeySignature)) {
        const e = r as unknown as SigningKeyEntry;
        out.signingKeys.push(e);
        out.publicKeys.push({ userId: e.userId, publicKey: e.identityPublicKey, keyVersion: e.publicKeyVersion });
      } else if (str(r.userId) && str(r.publicKey) && str(r.keyVersion)) {
        out.publicKeys.push({ userId: r.userId, publicKey: r.publicKey, keyVersion: r.keyVersion });
      } else fault(`record ${i}`, 'neither {userId, publicKey, keyVersion} nor a SigningKeyEntry');
    });
  } else if (typeof json === 'object' && json !== null) {
    for (const [userId, v] of Object.entries(json)) {
      for (const [i, body] of (Array.isArray(v) ? v : [v]).entries()) {
        try {
          const rec = sendbirdKeyRecord(userId, body);
          out.publicKeys.push(rec.publicKeyInput);
          out.signingKeys.push(rec.signingKeyEntry);
        } catch (e) {
          if (!(e instanceof KeykitError)) throw e;
          fault(`user ${JSON.stringify(userId)}${Array.isArray(v) ? ` [${i}]` : ''}`, e);
        }
      }
    }
  } else fault('the listing', 'expected an object keyed by user id, or a list of records');
  if (out.publicKeys.length === 0) throw new UsageError(`key listing ${path} has no key records`);
  return out;
}

const spki = (key: string | Uint8Array): string | undefined => {
  try {
    return encodeBase64(sec1ToSpki(parsePublicKey(key, 'key')));
  } catch {
    return undefined;
  }
};

/**
 * The signer: the identity file's user, signing with the key version under which the listing
 * serves the identity's own keys (what the other members will verify with).
 * @throws {UsageError} when the listing has no record of the identity's keys
 */
export function signerOf(id: IdentityFile, listing: SendbirdListing, io: CliIO): Sender {
  const identity = encodeBase64(sec1ToSpki(id.identity.identityPublicKey));
  const signing = encodeBase64(sec1ToSpki(id.identity.signingPublicKey));
  const own = listing.signingKeys.find(
    (e) => e.userId === id.userId && spki(e.publicKey) === signing && spki(e.identityPublicKey) === identity,
  );
  if (own === undefined) {
    throw new UsageError(
      `the key listing has no record of the keys of your identity (user ${id.userId}): the other members could not verify what you sign. Publish your registration (keygen --sendbird prints it) in the listing`,
    );
  }
  if (own.publicKeyVersion !== id.signingKeyVersion)
    io.stderr.write(
      `note: signing with key version ${own.publicKeyVersion}, under which the listing serves your keys (the identity file says ${id.signingKeyVersion})\n`,
    );
  return { userId: id.userId, signingKeyVersion: own.publicKeyVersion, signingPrivateKey: id.identity.signingPrivateKey };
}

/** Reads a channel resource (a `GET /v3/group_channels/{channel_url}` response, ideally with `show_member=true`). */
export async function readChannel(io: CliIO, path: string): Promise<SendbirdChannelResource> {
  const json = await readJson(io, path, 'channel');
  if (
    typeof json !== 'object' ||
    json === null ||
    Array.isArray(json) ||
    typeof (json as { channel_url?: unknown }).channel_url !== 'string'
  ) {
    throw new UsageError(`channel ${path} is not a Sendbird group channel resource (it has no channel_url)`);
  }
  return json as SendbirdChannelResource;
}

/** Reads a key-history file, or undefined when the file does not exist yet. */
export async function readState(io: CliIO, path: string | undefined): Promise<SendbirdKeyHistory | undefined> {
  if (path === undefined) return undefined;
  try {
    await readFile(resolve(io.cwd, path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(e, 'read', 'key-history file', path);
  }
  return (await readJson(io, path, 'key-history file')) as SendbirdKeyHistory;
}

/** Writes a key-history file (public data; mode 0600 all the same), replacing the old one. */
export async function writeState(io: CliIO, path: string, state: SendbirdKeyHistory): Promise<void> {
  await writeFileSafely(io, path, `${JSON.stringify(state, null, 2)}\n`, true, 0o600);
}
