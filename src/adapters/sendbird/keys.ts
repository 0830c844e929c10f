/**
 * Key records of Sendbird users (docs/sendbird.md §"Keys"): Sendbird has no key server, so the
 * application publishes each user's registration (the body `buildKeyRegistration` returns) and
 * serves it to the others; this turns one into the two records chat-keykit takes.
 *
 * @module
 */
import { recordOfRegistration, type KeyRecord } from '../xchat/keys.js';
import type { KeyRegistrationBody } from '../xchat/registration.js';
import { SENDBIRD_USER_ID } from './rules.js';

/**
 * The key records of a Sendbird user from their registration body: `publicKeyInput` for wrapping
 * keys to them, `signingKeyEntry` for verifying what they sign. Like `keyRecordFromRegistration`,
 * for Sendbird's free-form user ids.
 * @param userId - a Sendbird user id (1 to 256 characters, no comma)
 * @param body - what `buildKeyRegistration` returned for the user
 * @param version - the version the application assigned, when not the body's own
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID`, `ERR_COMMA_IN_FIELD`, `ERR_INVALID_VERSION`, `ERR_INVALID_ARGUMENT`
 * @example
 * const alice = sendbirdKeyRecord('alice', await buildKeyRegistration(identity));
 * // alice.publicKeyInput → prepareSendbirdChannelKey's publicKeys; alice.signingKeyEntry → signingKeys
 */
export function sendbirdKeyRecord(userId: string, body: KeyRegistrationBody, version?: string): KeyRecord {
  return recordOfRegistration(SENDBIRD_USER_ID, userId, body, version);
}
