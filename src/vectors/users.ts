/**
 * The fixed users of the vectors: user i of `111`, `222`, `333`, `444` has identity scalar 2i-1
 * and signing scalar 2i, as in the official SDK's own fixture. Never use these keys for anything
 * else.
 *
 * @module
 */
import {
  buildKeyRegistration,
  importPrivateKeys,
  keyRecordFromRegistration,
  type Identity,
  type KeyRegistrationBody,
  type SigningKeyEntry,
} from '../index.js';
import { withTestingHooks } from '../testing.js';
import { KEY_VERSION, messageIds, NOW, scalar, stream } from './common.js';
import { list, object, str, type Read } from './read.js';

/** The users of the vectors. */
export const USERS = ['111', '222', '333', '444'] as const;

/** An identity key record as the X API serves it (the SDK's `PublicKeyInput`, with the key as base64 SPKI). */
export interface PublicKeyRecord {
  userId: string;
  publicKey: string;
  keyVersion: string;
}

/** A vector user: the keys of its fixed scalars, its registration and the records the X API serves. */
export interface VectorUser {
  userId: string;
  identity: Identity;
  registration: KeyRegistrationBody;
  publicKeyInput: PublicKeyRecord;
  signingKeyEntry: SigningKeyEntry;
}

/** The users of the vectors, rebuilt from their fixed scalars. */
export async function vectorUsers(): Promise<VectorUser[]> {
  return Promise.all(
    USERS.map(async (userId, i) => {
      const identity = await importPrivateKeys(Uint8Array.from([...scalar(2 * i + 1), ...scalar(2 * i + 2)]), { backend: 'noble' });
      const registration = await buildKeyRegistration(identity, { version: KEY_VERSION, backend: 'noble' });
      const { signingKeyEntry } = keyRecordFromRegistration(userId, registration);
      const publicKeyInput = { userId, publicKey: signingKeyEntry.identityPublicKey, keyVersion: signingKeyEntry.publicKeyVersion };
      return { userId, identity, registration, publicKeyInput, signingKeyEntry };
    }),
  );
}

/** The user `userId` of the vectors. */
export function userOf(users: readonly VectorUser[], userId: string): VectorUser {
  const user = users.find((u) => u.userId === userId);
  if (!user) throw new Error(`generator: no vector user ${userId}`);
  return user;
}

/** Options making a prepare call deterministic for the vector `seed`, message ids from `ids`. */
export function deterministic(seed: string, ids: number) {
  return withTestingHooks({ backend: 'noble' as const, workers: 0 }, { now: () => NOW, random: stream(seed), messageId: messageIds(ids) });
}

/** Signing-key records as the X API serves them (the SDK's `SigningKeyEntry`). */
export const readSigningKeys: Read<SigningKeyEntry[]> = list(
  object((k) => ({
    userId: k('userId', str),
    publicKeyVersion: k('publicKeyVersion', str),
    publicKey: k('publicKey', str),
    identityPublicKey: k('identityPublicKey', str),
    identityPublicKeySignature: k('identityPublicKeySignature', str),
  })),
);
