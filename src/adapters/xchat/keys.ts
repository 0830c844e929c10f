/**
 * Key records as the X API serves them, turned into the two shapes the SDK-compatible functions
 * take: `PublicKeyInput` (for wrapping) and `SigningKeyEntry` (for verifying).
 *
 * @module
 */
import { assertObject, assertString, assertVersion, assertXUserId } from '../../guards.js';
import type { KeyRegistrationBody } from '../../core/identity.js';
import type { PublicKeyInput } from '../../core/prepare.js';
import type { SigningKeyEntry } from '../../core/trust.js';

/** One user's registered keys at one version, in the API's encodings (SPKI, base64). */
export interface KeyRecord {
  publicKeyInput: PublicKeyInput;
  signingKeyEntry: SigningKeyEntry;
}

/**
 * The key record the X API serves after a registration: what `GET /2/users/{id}/public_keys`
 * returns for `userId` once `body` was posted and the server assigned `version`.
 * @example
 * const { publicKeyInput, signingKeyEntry } = keyRecordFromRegistration('111', await buildKeyRegistration(alice), '1700000000000');
 */
export function keyRecordFromRegistration(userId: string, body: KeyRegistrationBody, version?: string): KeyRecord {
  assertXUserId(userId, 'userId');
  const b = assertObject(body, 'body');
  const pk = assertObject(b.public_key, 'body.public_key');
  const v = assertVersion(version ?? b.version, version === undefined ? 'body.version' : 'version');
  const identity = assertString(pk.public_key, 'body.public_key.public_key');
  return {
    publicKeyInput: { userId, publicKey: identity, keyVersion: v },
    signingKeyEntry: {
      userId,
      publicKeyVersion: v,
      publicKey: assertString(pk.signing_public_key, 'body.public_key.signing_public_key'),
      identityPublicKey: identity,
      identityPublicKeySignature: assertString(pk.identity_public_key_signature, 'body.public_key.identity_public_key_signature'),
    },
  };
}
