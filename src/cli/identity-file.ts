/**
 * The CLI's identity file: a user's private keys, written only by `keygen` (mode 0600) and never
 * printed. JSON:
 *
 * ```json
 * { "type": "chat-keykit-identity", "version": 1, "user_id": "111",
 *   "signing_key_version": "1795356988969",
 *   "private_keys": "<standard base64 of the 64-byte blob: identity scalar ‖ signing scalar>",
 *   "public_keys": { "identity": "<SPKI base64>", "signing": "<SPKI base64>" } }
 * ```
 *
 * `signing_key_version` is the version proposed at registration; if the X API assigned another,
 * edit the file or pass `--signing-key-version`.
 *
 * @module
 */
import { decodeBase64, encodeBase64, sec1ToSpki } from '../wire.js';
import { exportPrivateKeys, importPrivateKeys, wipe, type Identity } from '../index.js';
import { UsageError } from './args.js';
import { readJson, writePrivateFile, type CliIO } from './io.js';

/** An identity loaded from a file. */
export interface IdentityFile {
  userId: string;
  signingKeyVersion: string;
  identity: Identity;
}

/** The file's JSON text for an identity. */
export function identityFileText(userId: string, signingKeyVersion: string, identity: Identity): string {
  const blob = exportPrivateKeys(identity);
  const text = JSON.stringify(
    {
      type: 'chat-keykit-identity',
      version: 1,
      user_id: userId,
      signing_key_version: signingKeyVersion,
      private_keys: encodeBase64(blob),
      public_keys: {
        identity: encodeBase64(sec1ToSpki(identity.identityPublicKey)),
        signing: encodeBase64(sec1ToSpki(identity.signingPublicKey)),
      },
    },
    null,
    2,
  );
  wipe(blob);
  return `${text}\n`;
}

/** Writes an identity file atomically with mode 0600. */
export async function writeIdentityFile(io: CliIO, path: string, file: IdentityFile, overwrite: boolean): Promise<string> {
  return writePrivateFile(io, path, identityFileText(file.userId, file.signingKeyVersion, file.identity), overwrite);
}

/** Reads an identity file and checks that its public keys match its private keys. */
export async function readIdentityFile(io: CliIO, path: string): Promise<IdentityFile> {
  const json = await readJson(io, path, 'identity file');
  const o = json as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.type !== 'chat-keykit-identity' || o.version !== 1) {
    throw new UsageError(`${path} is not a chat-keykit identity file (version 1)`);
  }
  if (typeof o.user_id !== 'string' || typeof o.signing_key_version !== 'string' || typeof o.private_keys !== 'string') {
    throw new UsageError(`${path}: user_id, signing_key_version and private_keys are required strings`);
  }
  const blob = decodeBase64(o.private_keys, `${path}: private_keys`);
  const identity = await importPrivateKeys(blob);
  wipe(blob);
  const pub = o.public_keys as { identity?: unknown } | undefined;
  if (pub?.identity !== undefined && pub.identity !== encodeBase64(sec1ToSpki(identity.identityPublicKey))) {
    throw new UsageError(`${path}: public_keys.identity does not belong to private_keys (the file was edited or corrupted)`);
  }
  return { userId: o.user_id, signingKeyVersion: o.signing_key_version, identity };
}
