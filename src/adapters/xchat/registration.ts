/**
 * The key-registration body of `POST /2/users/{id}/public_keys` (docs/xchat-keys.md
 * §"Registration"): both public keys as SPKI, the two cross signatures over the other key's SPKI
 * bytes, and the fingerprint.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { typeName } from '../../guards.js';
import { assertVersion } from '../../rules.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { assertIdentity, type Identity } from '../../core/identity.js';
import { encodeBase64, encodeBase64UrlNoPad } from '../../wire/base64.js';
import { sec1ToSpki } from '../../wire/keys.js';

/** The body of `POST /2/users/{id}/public_keys`, as the X API schema names its fields. */
export interface KeyRegistrationBody {
  public_key: {
    /** Identity public key, SPKI, standard padded base64. */
    public_key: string;
    /** Signing public key, SPKI, standard padded base64. */
    signing_public_key: string;
    /** Signing key's signature over the identity SPKI bytes, padded base64 `r‖s`. */
    identity_public_key_signature: string;
    /** Identity key's signature over the signing SPKI bytes, padded base64 `r‖s`. */
    signing_public_key_signature: string;
    /** URL-safe unpadded base64 of SHA-256(identity SPKI). */
    public_key_fingerprint: string;
    registration_method: string;
  };
  version: string;
  generate_version: boolean;
}

/** Options of {@link buildKeyRegistration}. */
export interface KeyRegistrationOptions extends CryptoOptions {
  /** Proposed key version (decimal). Default: the clock in milliseconds, like the official SDK. */
  version?: string;
  /** Ask the server to mint the version itself. Default true, like the official SDK. */
  generateVersion?: boolean;
  /** Clock in milliseconds, injectable for reproducible output. Default `Date.now`. */
  now?: () => number;
}

/**
 * Builds the key-registration body for `POST /2/users/{id}/public_keys`: both public keys as SPKI,
 * the two cross signatures over the other key's SPKI bytes, and the fingerprint.
 * @throws {InvalidInputError} `ERR_INVALID_VERSION` for a version that is not canonical decimal (or a
 * clock that gives none), `ERR_INVALID_KEY` for an identity without valid private keys,
 * `ERR_INVALID_ARGUMENT` for a `generateVersion` that is not a boolean or an identity of another
 * shape, `ERR_UNSUPPORTED_BACKEND`
 * @example
 * const body = await buildKeyRegistration(alice);
 * await fetch(`https://api.x.com/2/users/${me}/public_keys`, { method: 'POST', body: JSON.stringify(body) });
 */
export async function buildKeyRegistration(identity: Identity, options: KeyRegistrationOptions = {}): Promise<KeyRegistrationBody> {
  const id = assertIdentity(identity);
  const now = options.now ?? Date.now;
  const version = assertVersion(options.version ?? String(now()), 'version');
  const generateVersion = options.generateVersion ?? true;
  if (typeof generateVersion !== 'boolean') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a boolean, got ${typeName(generateVersion)}`, 'generateVersion');
  }
  const backend = await resolveBackend(options.backend);
  const identitySpki = sec1ToSpki(id.identityPublicKey);
  const signingSpki = sec1ToSpki(id.signingPublicKey);
  const [identitySig, signingSig, digest] = await Promise.all([
    backend.sign(id.signingPrivateKey, identitySpki),
    backend.sign(id.identityPrivateKey, signingSpki),
    backend.sha256(identitySpki),
  ]);
  return {
    public_key: {
      public_key: encodeBase64(identitySpki),
      signing_public_key: encodeBase64(signingSpki),
      identity_public_key_signature: encodeBase64(identitySig),
      signing_public_key_signature: encodeBase64(signingSig),
      public_key_fingerprint: encodeBase64UrlNoPad(digest),
      registration_method: 'CustomPin',
    },
    version,
    generate_version: generateVersion,
  };
}
