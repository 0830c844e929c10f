/**
 * Identities: a user's two independent P-256 key pairs (docs/xchat-keys.md §"Keys"), the 64-byte
 * private blob the official SDK exports and imports, the fingerprint and the key-binding check.
 *
 * - identity key pair: ECDH; conversation keys are wrapped to it;
 * - signing key pair: ECDSA; action signatures and the binding signature.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { assertBytes, assertObject, typeName } from '../guards.js';
import { decodeBase64, encodeBase64, encodeBase64UrlNoPad } from '../wire/base64.js';
import { parsePublicKey, sec1ToSpki } from '../wire/keys.js';
import type { CryptoBackend } from './backend.js';
import { randomSource, resolveBackend, type CryptoOptions } from './context.js';
import { parsePrivateKey, sampleScalar } from './scalar.js';
import { SecretBytes, wipe } from './secret.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A user's key material. The private keys are readable properties (the library is stateless and
 * hands keys to you explicitly), but the object never prints them: `JSON.stringify`, `String()`
 * and `util.inspect` show the public keys only.
 */
export class Identity {
  /** 32-byte identity (ECDH) private scalar. */
  readonly identityPrivateKey: SecretBytes;
  /** 65-byte SEC1 identity public key. */
  readonly identityPublicKey: Uint8Array;
  /** 32-byte signing (ECDSA) private scalar. */
  readonly signingPrivateKey: SecretBytes;
  /** 65-byte SEC1 signing public key. */
  readonly signingPublicKey: Uint8Array;

  /** @internal use {@link generateIdentity} or {@link importPrivateKeys} */
  constructor(keys: {
    identityPrivateKey: SecretBytes;
    identityPublicKey: Uint8Array;
    signingPrivateKey: SecretBytes;
    signingPublicKey: Uint8Array;
  }) {
    this.identityPrivateKey = keys.identityPrivateKey;
    this.identityPublicKey = keys.identityPublicKey;
    this.signingPrivateKey = keys.signingPrivateKey;
    this.signingPublicKey = keys.signingPublicKey;
    Object.freeze(this);
  }

  /** The public half only: `{ identityPublicKey, signingPublicKey }` as standard padded base64 (SEC1). */
  toJSON(): { identityPublicKey: string; signingPublicKey: string } {
    return { identityPublicKey: encodeBase64(this.identityPublicKey), signingPublicKey: encodeBase64(this.signingPublicKey) };
  }

  /** `Identity(identityPublicKey=…, private keys redacted)`: the public identity key only. */
  toString(): string {
    return `Identity(identityPublicKey=${encodeBase64(this.identityPublicKey)}, private keys redacted)`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

async function identityFromScalars(
  backend: CryptoBackend,
  identityPrivateKey: SecretBytes,
  signingPrivateKey: SecretBytes,
): Promise<Identity> {
  const [identityPublicKey, signingPublicKey] = await Promise.all([
    backend.getPublicKey(identityPrivateKey),
    backend.getPublicKey(signingPrivateKey),
  ]);
  return new Identity({ identityPrivateKey, identityPublicKey, signingPrivateKey, signingPublicKey });
}

/**
 * Generates a new identity: two independent P-256 key pairs.
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` for a backend this runtime does not have
 * @example
 * const alice = await generateIdentity();
 */
export async function generateIdentity(options?: CryptoOptions): Promise<Identity> {
  const backend = await resolveBackend(options?.backend);
  const random = randomSource(options, backend);
  const identityPrivateKey = sampleScalar(random);
  const signingPrivateKey = sampleScalar(random);
  return identityFromScalars(backend, identityPrivateKey, signingPrivateKey);
}

/** Checks that a value carries the private keys of an identity (an {@link Identity} or the same shape). */
export function assertIdentity(value: unknown, field = 'identity'): Identity {
  if (value instanceof Identity) return value;
  const o = assertObject(value, field);
  wipe(
    parsePrivateKey(o.identityPrivateKey, `${field}.identityPrivateKey`),
    parsePrivateKey(o.signingPrivateKey, `${field}.signingPrivateKey`),
  );
  assertBytes(o.identityPublicKey, `${field}.identityPublicKey`, 65);
  assertBytes(o.signingPublicKey, `${field}.signingPublicKey`, 65);
  return value as Identity;
}

/**
 * Exports the private keys as the 64-byte blob the official SDK's `importKeys` takes:
 * identity scalar ‖ signing scalar, both 32 bytes big-endian.
 * @returns the blob as {@link SecretBytes} (redacted when printed); wipe it when done
 * @throws {InvalidInputError} `ERR_INVALID_KEY` for a private key that is not a scalar in [1, n-1],
 * `ERR_INVALID_ARGUMENT` for a value that is not an identity or a public key that is not 65 bytes
 * @example
 * const blob = exportPrivateKeys(alice); // 64 bytes
 */
export function exportPrivateKeys(identity: Identity): SecretBytes {
  const id = assertIdentity(identity);
  const out = new SecretBytes(64);
  out.set(id.identityPrivateKey, 0);
  out.set(id.signingPrivateKey, 32);
  return out;
}

/**
 * Imports the 64-byte private blob (identity scalar ‖ signing scalar) that the official SDK
 * exports. The input is not modified.
 * @throws {InvalidInputError} `ERR_INVALID_KEY` for another length (identity-only 32-byte blobs
 * cannot sign and are refused) or a scalar outside [1, n-1]
 * @example
 * const alice = await importPrivateKeys(blob);
 */
export async function importPrivateKeys(blob: Uint8Array, options?: CryptoOptions): Promise<Identity> {
  if (!(blob instanceof Uint8Array)) {
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, `expected a 64-byte Uint8Array, got ${typeName(blob)}`, 'blob');
  }
  if (blob.length !== 64) {
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, `expected 64 bytes (identity scalar ‖ signing scalar), got ${blob.length}`, 'blob');
  }
  const identityPrivateKey = parsePrivateKey(blob.subarray(0, 32), 'blob[0..32] (identity key)');
  const signingPrivateKey = parsePrivateKey(blob.subarray(32, 64), 'blob[32..64] (signing key)');
  const backend = await resolveBackend(options?.backend);
  return identityFromScalars(backend, identityPrivateKey, signingPrivateKey);
}

/**
 * The fingerprint of an identity public key: URL-safe unpadded base64 of SHA-256 over its SPKI.
 * @param identityPublicKey - SEC1 or SPKI, bytes or base64
 * @throws {InvalidInputError} `ERR_INVALID_KEY` for a key that is not a P-256 point
 * @throws {DecodeError} `ERR_INVALID_BASE64` for text that is not base64
 * @example
 * const fingerprint = await publicKeyFingerprint(alice.identityPublicKey); // 43 characters, URL-safe
 */
export async function publicKeyFingerprint(identityPublicKey: Uint8Array | string, options?: CryptoOptions): Promise<string> {
  const sec1 = parsePublicKey(identityPublicKey, 'identityPublicKey');
  const backend = await resolveBackend(options?.backend);
  return encodeBase64UrlNoPad(await backend.sha256(sec1ToSpki(sec1)));
}

/**
 * Checks the key binding of a fetched key record, with the official SDK's semantics: the signing
 * key's ECDSA signature over the identity key bytes *exactly as given* (SPKI as served by the X
 * API; converting it to SEC1 first makes the check fail, as in the SDK).
 * @param identityPublicKeyB64 - the identity key as served (base64), the signed message
 * @param signingPublicKeyB64 - the signing key, SPKI or SEC1, base64
 * @param identityPublicKeySignatureB64 - 64-byte `r‖s`, base64 padded or not
 * @returns true when the signature verifies; false for a wrong or out-of-range signature
 * @throws {DecodeError} `ERR_INVALID_BASE64` for text that is not base64
 * @throws {InvalidInputError} `ERR_INVALID_KEY` for a signing key that is not a P-256 point,
 * `ERR_INVALID_ARGUMENT` for a signature that is not 64 bytes
 * @example
 * const ok = await verifyKeyBinding(rec.public_key, rec.signing_public_key, rec.identity_public_key_signature);
 */
export async function verifyKeyBinding(
  identityPublicKeyB64: string,
  signingPublicKeyB64: string,
  identityPublicKeySignatureB64: string,
  options?: CryptoOptions,
): Promise<boolean> {
  const message = decodeBase64(identityPublicKeyB64, 'identityPublicKey');
  const signingKey = parsePublicKey(signingPublicKeyB64, 'signingPublicKey');
  const signature = decodeBase64(identityPublicKeySignatureB64, 'identityPublicKeySignature');
  if (signature.length !== 64) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `expected a 64-byte r‖s signature, got ${signature.length} bytes`,
      'identityPublicKeySignature',
    );
  }
  const backend = await resolveBackend(options?.backend);
  return backend.verify(signingKey, message, signature);
}

/**
 * Wipes an identity's private keys in place; the object is unusable afterwards.
 * @example
 * const alice = await importPrivateKeys(blob);
 * try { await buildKeyRegistration(alice); } finally { wipeIdentity(alice); }
 */
export function wipeIdentity(identity: Identity): void {
  wipe(identity.identityPrivateKey, identity.signingPrivateKey);
}
