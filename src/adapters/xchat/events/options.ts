/**
 * The options of `decryptEvents`, checked once per call: the recipient (a private copy of the
 * identity key, wiped at the end), the signing keys, the caller's conversation keys, the state,
 * the clock and the threads (docs/xchat-receiving.md §"Options").
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertBytes, assertObject, typeName } from '../../../guards.js';
import { assertVersion } from '../../../rules.js';
import type { CryptoBackend } from '../../../core/backend.js';
import { clockOf, readClock, skewOf } from '../../../core/clock.js';
import { resolveBackend } from '../../../core/context.js';
import { CONVERSATION_KEY_LENGTH } from '../../../core/ecies.js';
import { checkRecipient, type CheckedRecipient } from '../../../core/recipient.js';
import { SecretBytes } from '../../../core/secret.js';
import { assertSigningKeys, type SigningKeyEntry } from '../../../core/trust.js';
import { X_USER_ID } from '../rules.js';
import type { KeyStore } from './keystore.js';
import { MAX_CONVERSATION_ID_LENGTH, readState } from './state.js';

/** Most caller-held keys per call. */
export const MAX_CALLER_KEYS = 100_000;

/** Most threads a caller may ask for. */
const MAX_THREADS = 64;

/** The checked options of one call. */
export interface Checked {
  recipient: CheckedRecipient;
  signingKeys: SigningKeyEntry[];
  /** Key floors per conversation, from the state. */
  floors: Map<string, string>;
  now: number;
  skew: number;
  backend: CryptoBackend;
  /** Threads for signature checks: `undefined` to decide by batch size, 0 for this thread only. */
  threads: number | undefined;
}

function threadsOf(value: unknown): number | undefined {
  if (value === undefined || value === true) return undefined;
  if (value === false) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_THREADS) return value;
  throw new InvalidInputError(
    ErrorCodes.INVALID_ARGUMENT,
    `expected a boolean or a whole number of threads from 0 to ${MAX_THREADS}, got ${typeof value === 'number' ? value : typeName(value)}`,
    'options.workers',
  );
}

/**
 * Adds the caller's conversation keys to the store as trusted (copies; the caller keeps theirs).
 * Each conversation's value is a map from version to key, or a previous result's entry `{ keys,
 * unverified? }`, whose unverified versions stay unverified.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_VERSION` naming the entry at fault
 */
export function addCallerKeys(store: KeyStore, value: unknown): void {
  if (value === undefined) return;
  const byConversation = assertObject(value, 'options.conversationKeys');
  let count = 0;
  for (const conversationId of Object.keys(byConversation)) {
    const f = `options.conversationKeys[${JSON.stringify(conversationId.slice(0, 40))}]`;
    if (conversationId.length === 0 || conversationId.length > MAX_CONVERSATION_ID_LENGTH) {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `a conversation id has 1 to ${MAX_CONVERSATION_ID_LENGTH} characters`, f);
    }
    const entry = assertObject(byConversation[conversationId], f);
    const isSet = Object.hasOwn(entry, 'keys');
    const keys = isSet ? assertObject(entry.keys, `${f}.keys`) : entry;
    const unverified = new Set<string>();
    if (isSet && entry.unverified !== undefined) {
      if (!Array.isArray(entry.unverified))
        throw new InvalidInputError(
          ErrorCodes.INVALID_ARGUMENT,
          `expected an array of versions, got ${typeName(entry.unverified)}`,
          `${f}.unverified`,
        );
      entry.unverified.forEach((v, i) => unverified.add(assertVersion(v, `${f}.unverified[${i}]`)));
    }
    for (const version of Object.keys(keys)) {
      const vf = `${isSet ? `${f}.keys` : f}[${JSON.stringify(version.slice(0, 40))}]`;
      assertVersion(version, vf);
      const key = assertBytes(keys[version], vf, CONVERSATION_KEY_LENGTH);
      if (++count > MAX_CALLER_KEYS)
        throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `more than ${MAX_CALLER_KEYS} keys`, 'options.conversationKeys');
      const copy = new SecretBytes(CONVERSATION_KEY_LENGTH);
      copy.set(key);
      store.add(conversationId, version, copy, unverified.has(version) ? 'unverified' : 'trusted');
    }
    store.touch(conversationId);
  }
}

/**
 * Checks the options (everything but the caller's keys, see {@link addCallerKeys}).
 * @throws {InvalidInputError} for a malformed recipient, signing-key list, state, clock, skew or
 * thread count (`ERR_INVALID_ARGUMENT`, `ERR_INVALID_USER_ID`, `ERR_INVALID_KEY`,
 * `ERR_INVALID_VERSION`, `ERR_INVALID_STATE`, `ERR_VERSION_IN_FUTURE`), `ERR_UNSUPPORTED_BACKEND`
 */
export async function checkOptions(value: unknown): Promise<Checked> {
  const o = assertObject(value, 'options');
  const signingKeys = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  const now = readClock(clockOf(o.now, 'options.now'), 'options.now');
  const skew = skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs');
  const floors = readState(o.state, now, skew);
  const threads = threadsOf(o.workers);
  const backend = await resolveBackend(o.backend as CryptoBackend | undefined);
  const recipient = checkRecipient(o.recipient, X_USER_ID, 'options.recipient');
  return { recipient, signingKeys, floors, now, skew, backend, threads };
}
