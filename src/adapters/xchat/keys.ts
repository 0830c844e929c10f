/**
 * Key records as the X API serves them, turned into the two shapes the SDK-compatible functions
 * take: `PublicKeyInput` (for wrapping) and `SigningKeyEntry` (for verifying).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertArray, assertObject, assertString } from '../../guards.js';
import { assertVersion, type UserIdRule } from '../../rules.js';
import type { PublicKeyInput } from '../../core/keychange.js';
import type { SigningKeyEntry } from '../../core/trust.js';
import type { KeyRegistrationBody } from './registration.js';
import { assertXUserId, X_USER_ID } from './rules.js';

/** One user's registered keys at one version, in the API's encodings (SPKI, base64). */
export interface KeyRecord {
  publicKeyInput: PublicKeyInput;
  signingKeyEntry: SigningKeyEntry;
}

/**
 * The key record the X API serves after a registration: what `GET /2/users/{id}/public_keys`
 * returns for `userId` once `body` was posted and the server assigned `version`.
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID` for a user id that is not an X user id,
 * `ERR_INVALID_VERSION` for a version that is not canonical decimal, `ERR_INVALID_ARGUMENT` for a
 * body without the registration's keys and signature
 * @example
 * const { publicKeyInput, signingKeyEntry } = keyRecordFromRegistration('111', await buildKeyRegistration(alice), '1700000000000');
 */
export function keyRecordFromRegistration(userId: string, body: KeyRegistrationBody, version?: string): KeyRecord {
  return recordOfRegistration(X_USER_ID, userId, body, version);
}

/**
 * The key records of a registration under a system's user-id rule (X's here, Sendbird's in
 * `sendbirdKeyRecord`): one home for the reading of a registration body.
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID` (and the rule's other codes), `ERR_INVALID_VERSION`, `ERR_INVALID_ARGUMENT`
 */
export function recordOfRegistration(rule: UserIdRule, userId: string, body: KeyRegistrationBody, version?: string): KeyRecord {
  rule.assert(userId, 'userId');
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

/** Public and signing keys parsed from a key listing. */
export interface KeyListing {
  /** One entry per record, for wrapping (the SDK's `PublicKeyInput[]`). */
  publicKeys: PublicKeyInput[];
  /** One entry per record that carries a signing key, for verifying (`SigningKeyEntry[]`). */
  signingKeys: SigningKeyEntry[];
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * The user a record names itself (`userId`, `user_id`, or the `id` of an API record), if any.
 * @throws {InvalidInputError} `ERR_INVALID_USER_ID` when it names two different users
 */
function ownerOf(rec: Record<string, unknown>, field: string): string | undefined {
  const named = [rec.userId, rec.user_id, str(rec.id) && rec.public_key !== undefined ? rec.id : undefined].filter(str);
  if (named.some((n) => n !== named[0]))
    throw new InvalidInputError(ErrorCodes.INVALID_USER_ID, `the record names two users (${named.join(', ')})`, field);
  return named[0];
}

function fromRecord(rec: Record<string, unknown>, userId: string | undefined, field: string, out: KeyListing): void {
  const named = ownerOf(rec, field);
  if (userId !== undefined && named !== undefined && named !== userId) {
    throw new InvalidInputError(ErrorCodes.INVALID_USER_ID, `the record names user ${named} but is listed under user ${userId}`, field);
  }
  // The SDK's shapes, camelCase: PublicKeyInput or SigningKeyEntry.
  if (str(rec.userId) && str(rec.keyVersion) && rec.publicKey !== undefined) {
    out.publicKeys.push({
      userId: assertXUserId(rec.userId, `${field}.userId`),
      publicKey: assertString(rec.publicKey, `${field}.publicKey`),
      keyVersion: assertVersion(rec.keyVersion, `${field}.keyVersion`),
    });
    return;
  }
  if (str(rec.userId) && str(rec.publicKeyVersion) && str(rec.identityPublicKey)) {
    const e: SigningKeyEntry = {
      userId: assertXUserId(rec.userId, `${field}.userId`),
      publicKeyVersion: assertVersion(rec.publicKeyVersion, `${field}.publicKeyVersion`),
      publicKey: assertString(rec.publicKey, `${field}.publicKey`),
      identityPublicKey: rec.identityPublicKey,
      identityPublicKeySignature: assertString(rec.identityPublicKeySignature, `${field}.identityPublicKeySignature`),
    };
    out.signingKeys.push(e);
    out.publicKeys.push({ userId: e.userId, publicKey: e.identityPublicKey, keyVersion: e.publicKeyVersion });
    return;
  }
  // The X API's PublicKey record, snake_case; its owner comes from the record or from the caller.
  const owner = named ?? userId;
  if (owner === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'a key record without a user id: the X API listing does not name owners, so key the listing by user id ({ "<user id>": { "data": [...] } })',
      field,
    );
  }
  const uid = assertXUserId(owner, `${field}.user_id`);
  const version = assertVersion(rec.public_key_version, `${field}.public_key_version`);
  const identity = assertString(rec.public_key, `${field}.public_key`);
  out.publicKeys.push({ userId: uid, publicKey: identity, keyVersion: version });
  if (rec.signing_public_key !== undefined) {
    out.signingKeys.push({
      userId: uid,
      publicKeyVersion: version,
      publicKey: assertString(rec.signing_public_key, `${field}.signing_public_key`),
      identityPublicKey: identity,
      identityPublicKeySignature: assertString(rec.identity_public_key_signature, `${field}.identity_public_key_signature`),
    });
  }
}

function fromList(list: unknown, userId: string | undefined, field: string, out: KeyListing): void {
  assertArray(list, field).forEach((r, i) => fromRecord(assertObject(r, `${field}[${i}]`), userId, `${field}[${i}]`, out));
}

/**
 * Reads key records in the shapes people have at hand:
 * - the X API's response to `GET /2/users/public_keys` or `GET /2/users/{id}/public_keys`
 *   (`{ "data": [PublicKey…] }`), when its records name their owner (`user_id` or `id`);
 * - an object keyed by user id whose values are such responses or arrays of records;
 * - a plain array of the SDK's `{ userId, publicKey, keyVersion }` or `SigningKeyEntry` records.
 * @throws {InvalidInputError} naming the record at fault: `ERR_INVALID_USER_ID` for an owner that
 * is not an X user id (or a record that names another owner than the key it is listed under),
 * `ERR_INVALID_VERSION` for a key version that is not canonical decimal, `ERR_INVALID_ARGUMENT` for
 * another shape, a record without an owner, or no records at all
 * @example
 * const { publicKeys, signingKeys } = keyListing(JSON.parse(await readFile('keys.json', 'utf8')));
 */
export function keyListing(json: unknown): KeyListing {
  const out: KeyListing = { publicKeys: [], signingKeys: [] };
  if (Array.isArray(json)) {
    fromList(json, undefined, 'keys', out);
  } else {
    const o = assertObject(json, 'keys');
    if (o.data !== undefined) {
      fromList(o.data, undefined, 'keys.data', out);
    } else {
      for (const [uid, v] of Object.entries(o)) {
        const f = `keys[${JSON.stringify(uid)}]`;
        assertXUserId(uid, f);
        fromList(Array.isArray(v) ? v : assertObject(v, f).data, uid, Array.isArray(v) ? f : `${f}.data`, out);
      }
    }
  }
  if (out.publicKeys.length === 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'no key records found', 'keys');
  return out;
}
