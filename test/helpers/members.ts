/** Test fixtures: group members with identities, registrations and key records. */
import {
  buildKeyRegistration,
  exportPrivateKeys,
  generateIdentity,
  keyRecordFromRegistration,
  type CryptoOptions,
  type Identity,
  type KeyRecord,
  type KeyRegistrationBody,
} from './kit.js';

export interface Member extends KeyRecord {
  id: string;
  identity: Identity;
  registration: KeyRegistrationBody;
  version: string;
}

/** Members with fresh identities, registered at `version`. */
export async function makeMembers(ids: string[], version = '1700000000000', options?: CryptoOptions): Promise<Member[]> {
  return Promise.all(
    ids.map(async (id) => {
      const identity = await generateIdentity(options);
      const registration = await buildKeyRegistration(identity, { version, ...options });
      return { id, identity, registration, version, ...keyRecordFromRegistration(id, registration) };
    }),
  );
}

/** The sender object of a member. */
export function senderOf(m: Member) {
  return { userId: m.id, signingKeyVersion: m.version, signingPrivateKey: m.identity.signingPrivateKey };
}

export { exportPrivateKeys };
