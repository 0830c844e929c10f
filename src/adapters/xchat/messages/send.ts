/**
 * What every sending call shares (docs/xchat-messages.md §"2. What the SDK sends"): the checked
 * signer, conversation, key and flags, and the last step, which seals an entry and signs it into
 * the SDK's `SendPayload`:
 *
 * ```
 * contents  = nonce(24) ‖ tag(16) ‖ XSalsa20(Thrift(MessageEntryHolder))
 * event     = MessageCreateEvent {100 contents, 101 ckv, 102 should_notify, 103 ttl_msec?}
 * payload   = MessageCreateEvent,<message id>,<sender>,<canonical conversation id>,<ckv>,<b64np(contents)>
 * signature = ECDSA-P256-SHA256(payload), RFC 6979, r‖s
 * ```
 *
 * Randomness is drawn in a fixed order, so that injected randomness (testing hooks) reproduces a
 * payload exactly: the message id (16 bytes, unless the `messageId` hook gives it), then the
 * secretbox nonce (24 bytes).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertString, isDetached, typeName } from '../../../guards.js';
import { assertTtl, assertVersion } from '../../../rules.js';
import { randomSource, resolveBackend, type CryptoOptions } from '../../../core/context.js';
import { checkSender, newMessageId, type Signer } from '../../../core/keychange.js';
import { wipe } from '../../../core/secret.js';
import { signPayload } from '../../../core/signing.js';
import { encodeBase64, encodeBase64NoPad } from '../../../wire/base64.js';
import { encodeStruct } from '../../../wire/thrift/index.js';
import type { MessageEntryHolderValue } from '../../../wire/xchat/contents.js';
import { MessageCreateEvent, MessageEventSignature } from '../../../wire/xchat/events.js';
import { CURRENT_SIGNATURE_VERSION, messageCreatePayload } from '../../../wire/xchat/payloads.js';
import { canonicalConversationId, isGroupId, oneToOneUsers, X_USER_ID } from '../rules.js';
import { sealEntry } from './entry.js';
import type { SendPayload } from './types.js';

const SIGNATURE_VERSION = String(CURRENT_SIGNATURE_VERSION);

/**
 * Refuses a comma in a value that is signed, before its own rule is applied: payloads are
 * comma-joined without escaping, so the comma is the defect to name.
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD`
 */
export function noComma(value: unknown, field: string): void {
  if (typeof value === 'string' && value.includes(',')) {
    throw new InvalidInputError(
      ErrorCodes.COMMA_IN_FIELD,
      'must not contain a comma (signed payloads are comma-joined without escaping)',
      field,
    );
  }
}

/**
 * Runs `f` with the checked signer (an X user id, a version, a valid private scalar); the copy of
 * the private key is wiped afterwards, whatever happens.
 */
export async function withSigner<R>(value: unknown, f: (signer: Signer) => Promise<R>): Promise<R> {
  if (typeof value === 'object' && value !== null) {
    const s = value as Record<string, unknown>;
    noComma(s.userId, 'params.sender.userId');
    noComma(s.signingKeyVersion, 'params.sender.signingKeyVersion');
  }
  const signer = checkSender(value, X_USER_ID);
  try {
    return await f(signer);
  } finally {
    wipe(signer.signingPrivateKey);
  }
}

/**
 * The signed form of a conversation id: a group id, or a one-to-one given in any of X's forms
 * (`A:B`, `A-B`, the peer's bare id) made canonical (`min:max`), of two different X user ids, the
 * sender one of them.
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD`, `ERR_INVALID_CONVERSATION_ID`, `ERR_INVALID_ARGUMENT`
 * (a one-to-one of other users)
 */
export function checkConversationId(value: unknown, senderId: string, field: string): string {
  noComma(value, field);
  const id = assertString(value, field);
  const canonical = canonicalConversationId(id, senderId);
  if (isGroupId(canonical)) return canonical;
  const pair = oneToOneUsers(canonical);
  if (!pair) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      "expected a group id (g followed by 1 to 19 digits) or a one-to-one id of two different X user ids (A:B, A-B or the peer's bare id)",
      field,
    );
  }
  if (!pair.includes(senderId))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `the sender ${senderId} is not one of the two users of ${canonical}`, field);
  return canonical;
}

/** The conversation key and its version, checked. */
export interface ConversationKey {
  key: Uint8Array;
  version: string;
}

/**
 * Checks a 32-byte conversation key and its version (canonical decimal).
 * @throws {InvalidInputError} `ERR_INVALID_KEY`, `ERR_COMMA_IN_FIELD`, `ERR_INVALID_VERSION`
 */
export function checkConversationKey(p: Record<string, unknown>): ConversationKey {
  const key = p.conversationKey;
  if (!(key instanceof Uint8Array) || isDetached(key)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_KEY,
      `expected the 32-byte conversation key as Uint8Array, got ${typeName(key)}`,
      'params.conversationKey',
    );
  }
  if (key.length !== 32)
    throw new InvalidInputError(
      ErrorCodes.INVALID_KEY,
      `expected a 32-byte conversation key, got ${key.length} bytes`,
      'params.conversationKey',
    );
  noComma(p.conversationKeyVersion, 'params.conversationKeyVersion');
  return { key, version: assertVersion(p.conversationKeyVersion, 'params.conversationKeyVersion') };
}

/** The MessageCreateEvent flags. */
export interface Flags {
  shouldNotify: boolean;
  ttlMsec?: number;
}

/**
 * `shouldNotify` (default true) and `ttlMsec` (absent, or a non-negative safe integer).
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_TTL`
 */
export function checkFlags(p: Record<string, unknown>): Flags {
  const notify = p.shouldNotify;
  if (notify !== undefined && notify !== null && typeof notify !== 'boolean') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a boolean, got ${typeName(notify)}`, 'params.shouldNotify');
  }
  const ttl = p.ttlMsec;
  return { shouldNotify: notify ?? true, ...(ttl === undefined || ttl === null ? {} : { ttlMsec: assertTtl(ttl, 'params.ttlMsec') }) };
}

/** Everything the last step needs. */
export interface Outgoing {
  signer: Signer;
  /** The signed (canonical) conversation id. */
  conversationId: string;
  key: ConversationKey;
  flags: Flags;
  holder: MessageEntryHolderValue;
}

/**
 * Seals the entry, builds the MessageCreateEvent and signs it: the SDK's `SendPayload`.
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND`, or a testing hook's error
 */
export async function sendEntry(o: Outgoing, options: CryptoOptions | undefined): Promise<SendPayload> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an options object, got ${typeName(options)}`, 'options');
  }
  const backend = await resolveBackend(options?.backend);
  const random = randomSource(options, backend);
  const messageId = newMessageId(random, options ?? {}, 'message');
  const contents = sealEntry(o.key.key, o.holder, random);
  const event = encodeStruct(MessageCreateEvent, {
    contents,
    conversationKeyVersion: o.key.version,
    shouldNotify: o.flags.shouldNotify,
    ...(o.flags.ttlMsec === undefined ? {} : { ttlMsec: BigInt(o.flags.ttlMsec) }),
  });
  const payload = messageCreatePayload(CURRENT_SIGNATURE_VERSION, {
    messageId,
    senderId: o.signer.userId,
    conversationId: o.conversationId,
    conversationKeyVersion: o.key.version,
    contents,
  });
  const signature = encodeBase64NoPad(await signPayload(backend, o.signer.signingPrivateKey, payload));
  const publicKeyVersion = o.signer.signingKeyVersion;
  return {
    messageId,
    encryptedContent: encodeBase64(event),
    signature,
    encodedEventSignature: encodeBase64(
      encodeStruct(MessageEventSignature, { signature, publicKeyVersion, signatureVersion: SIGNATURE_VERSION }),
    ),
    signatureInfo: { publicKeyVersion, signatureVersion: SIGNATURE_VERSION },
    conversationKeyVersion: o.key.version,
    shouldNotify: o.flags.shouldNotify,
  };
}
