/**
 * keys.json: identities of the fixed scalars and their registration bodies
 * (`POST /2/users/{id}/public_keys`), one vector per user.
 *
 * @module
 */
import {
  buildKeyRegistration,
  exportPrivateKeys,
  importPrivateKeys,
  publicKeyFingerprint,
  verifyKeyBinding,
  type KeyRegistrationBody,
} from '../../index.js';
import { encodeBase64, sec1ToSpki } from '../../wire.js';
import { fromHex, header, KEY_VERSION, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { bool, hex, object, str, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';

/** One identity. */
export interface KeysVector {
  id: string;
  user_id: string;
  identity_private_hex: string;
  signing_private_hex: string;
  private_blob_b64: string;
  identity_public_sec1_b64: string;
  identity_public_spki_b64: string;
  signing_public_sec1_b64: string;
  signing_public_spki_b64: string;
  fingerprint: string;
  registration_version: string;
  registration: KeyRegistrationBody;
}

export type KeysFile = Header & { vectors: KeysVector[] };

export async function generate(users: VectorUser[]): Promise<KeysFile> {
  return {
    ...header('Identities of fixed scalars and their registration bodies (POST /2/users/{id}/public_keys).'),
    vectors: await Promise.all(
      users.map(async (u) => ({
        id: `identity-${u.userId}`,
        user_id: u.userId,
        identity_private_hex: toHex(u.identity.identityPrivateKey),
        signing_private_hex: toHex(u.identity.signingPrivateKey),
        private_blob_b64: encodeBase64(exportPrivateKeys(u.identity)),
        identity_public_sec1_b64: encodeBase64(u.identity.identityPublicKey),
        identity_public_spki_b64: encodeBase64(sec1ToSpki(u.identity.identityPublicKey)),
        signing_public_sec1_b64: encodeBase64(u.identity.signingPublicKey),
        signing_public_spki_b64: encodeBase64(sec1ToSpki(u.identity.signingPublicKey)),
        fingerprint: await publicKeyFingerprint(u.identity.identityPublicKey),
        registration_version: KEY_VERSION,
        registration: u.registration,
      })),
    ),
  };
}

/** Derives the public keys from the scalars, rebuilds the registration and checks its binding. */
export async function check(c: Checker, file: FileBody<object, KeysVector>): Promise<void> {
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const blob = fromHex(`${v.identity_private_hex}${v.signing_private_hex}`);
      const id = await importPrivateKeys(blob);
      c.eq(v.id, 'private_blob_b64', encodeBase64(blob), v.private_blob_b64);
      c.eq(v.id, 'identity_public_sec1_b64', encodeBase64(id.identityPublicKey), v.identity_public_sec1_b64);
      c.eq(v.id, 'identity_public_spki_b64', encodeBase64(sec1ToSpki(id.identityPublicKey)), v.identity_public_spki_b64);
      c.eq(v.id, 'signing_public_sec1_b64', encodeBase64(id.signingPublicKey), v.signing_public_sec1_b64);
      c.eq(v.id, 'signing_public_spki_b64', encodeBase64(sec1ToSpki(id.signingPublicKey)), v.signing_public_spki_b64);
      c.eq(v.id, 'fingerprint', await publicKeyFingerprint(id.identityPublicKey), v.fingerprint);
      c.eq(v.id, 'registration', await buildKeyRegistration(id, { version: v.registration_version }), v.registration);
      const pk = v.registration.public_key;
      c.eq(
        v.id,
        'registration binding verifies',
        await verifyKeyBinding(pk.public_key, pk.signing_public_key, pk.identity_public_key_signature),
        true,
      );
    });
  }
}

const readRegistration: Read<KeyRegistrationBody> = object((f) => ({
  public_key: f(
    'public_key',
    object((k) => ({
      public_key: k('public_key', str),
      signing_public_key: k('signing_public_key', str),
      identity_public_key_signature: k('identity_public_key_signature', str),
      signing_public_key_signature: k('signing_public_key_signature', str),
      public_key_fingerprint: k('public_key_fingerprint', str),
      registration_method: k('registration_method', str),
    })),
  ),
  version: f('version', str),
  generate_version: f('generate_version', bool),
}));

export const readVector: Read<KeysVector> = object((f) => ({
  id: f('id', str),
  user_id: f('user_id', str),
  identity_private_hex: f('identity_private_hex', hex),
  signing_private_hex: f('signing_private_hex', hex),
  private_blob_b64: f('private_blob_b64', str),
  identity_public_sec1_b64: f('identity_public_sec1_b64', str),
  identity_public_spki_b64: f('identity_public_spki_b64', str),
  signing_public_sec1_b64: f('signing_public_sec1_b64', str),
  signing_public_spki_b64: f('signing_public_spki_b64', str),
  fingerprint: f('fingerprint', str),
  registration_version: f('registration_version', str),
  registration: f('registration', readRegistration),
}));

export const keysFile: VectorFile<object, KeysVector> = {
  name: 'keys.json',
  recomputed: {
    top: [],
    vector: [
      'private_blob_b64',
      'identity_public_sec1_b64',
      'identity_public_spki_b64',
      'signing_public_sec1_b64',
      'signing_public_spki_b64',
      'fingerprint',
      'registration',
    ],
  },
  readTop: object(() => ({})),
  readVector,
  generate,
  check,
};
