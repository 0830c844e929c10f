/**
 * The flow every key change shares, whatever protocol signs it: a fresh conversation key, its
 * version from the clock, message ids, the key wrapped for every recipient, and signatures by the
 * sender. The X prepare functions (`adapters/xchat/prepare.ts`) and the Sendbird key envelope
 * build their signed actions on it.
 *
 * Randomness is consumed in a fixed order so that injected randomness reproduces outputs exactly:
 * the conversation key (32 bytes), then the message id of each action in order (16 bytes each,
 * unless `messageId` is injected), then one ephemeral scalar per recipient in recipient order
 * (32 bytes, redrawn in the ~2^-32 case that it is out of range).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { assertArray, assertFunction, assertObject, typeName } from '../guards.js';
import { assertSignable, assertVersion, type UserIdRule } from '../rules.js';
import { encodeBase64 } from '../wire/base64.js';
import { parsePublicKey } from '../wire/keys.js';
import type { CryptoBackend } from './backend.js';
import { clockOf, nextKeyVersion, skewOf, type Clock } from './clock.js';
import { randomSource, resolveBackend, type CryptoOptions, type RandomSource } from './context.js';
import { testingHooksOf } from './testing.js';
import { CONVERSATION_KEY_LENGTH } from './ecies.js';
import { parsePrivateKey } from './scalar.js';
import { SecretBytes, wipe } from './secret.js';
import { signPayload } from './signing.js';
import { wrapForRecipients, type Recipient, type WrappedKey, type WrappingReport } from './wrap.js';

/** A public key record, as the official SDK takes it (one per user and key version). */
export interface PublicKeyInput {
  userId: string;
  /** Identity public key: SEC1 or SPKI, bytes or standard base64. */
  publicKey: string | Uint8Array;
  /** Decimal key version; the highest one per user is used. */
  keyVersion: string;
}

/** The signer of a change: who, with which registered signing-key version, and the key itself. */
export interface Sender {
  userId: string;
  /** The signing-key version under which the key server lists this key (decimal). */
  signingKeyVersion: string;
  /** 32-byte signing private scalar. */
  signingPrivateKey: Uint8Array;
}

/** The signer as the flow holds it: a private copy of the key, wiped when the flow ends. */
export interface Signer {
  userId: string;
  signingKeyVersion: string;
  signingPrivateKey: SecretBytes;
}

/** The signer's public data, as the request adapters need it. */
export interface PreparedSender {
  userId: string;
  signingKeyVersion: string;
  /** The signer's signing public key, SEC1, standard padded base64. */
  signingPublicKey: string;
}

/** Options of the prepare functions. */
export interface PrepareOptions extends CryptoOptions {
  /** How far ahead of the clock a version may be (default one day). */
  maxFutureSkewMs?: number;
  /** Called as wrapping progresses, at most about 100 times, last with `done === total`. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Parallel wrapping: `'auto'` (default) uses workers for large groups where the backend supports
   * them (worker_threads with node, Web Workers with webcrypto where the runtime has them), a
   * number forces that many, 0 disables them. Output is identical either way.
   */
  workers?: 'auto' | number;
}

/**
 * Checks the signer of a change against a user-id rule and copies its private key.
 * @throws {InvalidInputError} for a missing sender, a bad user id, version or key
 */
export function checkSender(value: unknown, rule: UserIdRule, field = 'params.sender'): Signer {
  if (value === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'is required: { userId, signingKeyVersion, signingPrivateKey } (chat-keykit has no session identity)',
      field,
    );
  }
  const s = assertObject(value, field);
  return {
    userId: rule.assert(s.userId, `${field}.userId`),
    signingKeyVersion: assertVersion(s.signingKeyVersion, `${field}.signingKeyVersion`),
    signingPrivateKey: parsePrivateKey(s.signingPrivateKey, `${field}.signingPrivateKey`),
  };
}

/**
 * Keeps one record per user, the highest numeric key version (the SDK's rule), in order of first
 * appearance. Every record is validated, including those of users that end up unused.
 * @throws {InvalidInputError} naming the record at fault; `ERR_DUPLICATE_ID` for two different
 * keys of one user at one version
 */
export function latestKeys(value: unknown, rule: UserIdRule, field = 'params.publicKeys'): Map<string, Recipient> {
  const list = assertArray(value, field);
  const out = new Map<string, Recipient>();
  list.forEach((item, i) => {
    const f = `${field}[${i}]`;
    const rec = assertObject(item, f);
    const userId = rule.assert(rec.userId, `${f}.userId`);
    const keyVersion = assertVersion(rec.keyVersion, `${f}.keyVersion`);
    const publicKey = parsePublicKey(rec.publicKey, `${f}.publicKey`);
    const prev = out.get(userId);
    if (prev) {
      const a = BigInt(prev.keyVersion);
      const b = BigInt(keyVersion);
      if (a === b) {
        if (encodeBase64(prev.publicKey) !== encodeBase64(publicKey)) {
          throw new InvalidInputError(ErrorCodes.DUPLICATE_ID, `user ${userId} has two different keys with version ${keyVersion}`, f);
        }
        return;
      }
      if (b < a) return;
    }
    out.set(userId, { userId, keyVersion, publicKey });
  });
  return out;
}

/**
 * The recipient record of each user, in order.
 * @throws {InvalidInputError} `ERR_MISSING_PUBLIC_KEY` for a user without a record
 */
export function recipientsFor(keys: ReadonlyMap<string, Recipient>, userIds: readonly string[], field: string): Recipient[] {
  return userIds.map((id, i) => {
    const r = keys.get(id);
    if (!r) {
      throw new InvalidInputError(
        ErrorCodes.MISSING_PUBLIC_KEY,
        `member ${id} has no public key in params.publicKeys (the SDK would silently leave them out)`,
        `${field}[${i}]`,
      );
    }
    return r;
  });
}

/** What a key change is made with. */
export interface KeyChangeContext {
  backend: CryptoBackend;
  random: RandomSource;
  clock: Clock;
  maxFutureSkewMs: number;
  options: PrepareOptions;
}

async function keyChangeContext(options: PrepareOptions | undefined): Promise<KeyChangeContext> {
  const opts = options ?? {};
  if (typeof opts !== 'object' || opts === null)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an options object, got ${typeName(opts)}`, 'options');
  if (opts.onProgress !== undefined) assertFunction(opts.onProgress, 'options.onProgress', '(done, total) => void');
  const backend = await resolveBackend(opts.backend);
  return {
    backend,
    random: randomSource(opts, backend),
    clock: clockOf(testingHooksOf(opts)?.now, 'testing hooks: now'),
    maxFutureSkewMs: skewOf(opts.maxFutureSkewMs, 'options.maxFutureSkewMs'),
    options: opts,
  };
}

const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A UUID v4 (RFC 4122 version and variant bits set) from 16 random bytes, lowercase. */
function uuidV4(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    let x = bytes[i] as number;
    if (i === 6) x = (x & 0x0f) | 0x40;
    else if (i === 8) x = (x & 0x3f) | 0x80;
    out += HEX[x] as string;
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}

/** A message id: a random UUID v4, or the testing hook's (checked). */
export function newMessageId(random: RandomSource, options: object, label: string): string {
  const gen = testingHooksOf(options)?.messageId;
  if (gen === undefined) return uuidV4(random(16));
  return assertSignable(gen(), `testing hooks: messageId() (${label})`);
}

/** A fresh conversation key: the first bytes drawn (the CSPRNG's copy is wiped). */
function drawConversationKey(random: RandomSource): SecretBytes {
  const keyBytes = random(CONVERSATION_KEY_LENGTH);
  const key = new SecretBytes(CONVERSATION_KEY_LENGTH);
  key.set(keyBytes);
  if (!random.injected) wipe(keyBytes);
  return key;
}

/** A new key, ready for its signed actions. */
export interface NewKey {
  /** The backend the change runs on. */
  backend: CryptoBackend;
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  /** One per action, in order. */
  messageIds: string[];
  /** One per recipient, in recipient order. */
  participantKeys: WrappedKey[];
  /** How the key was wrapped (where, on how many workers, and any fallback). */
  wrapping: WrappingReport;
  /** Signs the UTF-8 bytes of a payload with the sender's key. */
  sign(payload: string): Promise<Uint8Array>;
  /** The sender's public data. */
  sender(): Promise<PreparedSender>;
}

/**
 * Runs a key change: draws the key, its version and `actions` message ids, wraps the key for the
 * recipients, then lets `sign` build the signed actions. The sender's private-key copy is wiped
 * whatever happens, and the new conversation key when anything fails.
 */
export async function runKeyChange<R>(
  options: PrepareOptions | undefined,
  signer: Signer,
  recipients: readonly Recipient[],
  actions: number,
  sign: (key: NewKey) => Promise<R>,
): Promise<R> {
  try {
    const ctx = await keyChangeContext(options);
    const conversationKey = drawConversationKey(ctx.random);
    try {
      const conversationKeyVersion = nextKeyVersion(ctx.clock, ctx.maxFutureSkewMs, 'testing hooks: now');
      const messageIds = Array.from({ length: actions }, (_, i) => newMessageId(ctx.random, ctx.options, `action ${i}`));
      const { keys: participantKeys, wrapping } = await wrapForRecipients(
        ctx.backend,
        conversationKey,
        recipients,
        ctx.random,
        ctx.options,
      );
      return await sign({
        backend: ctx.backend,
        conversationKey,
        conversationKeyVersion,
        messageIds,
        participantKeys,
        wrapping,
        sign: (payload) => signPayload(ctx.backend, signer.signingPrivateKey, payload),
        sender: async () => ({
          userId: signer.userId,
          signingKeyVersion: signer.signingKeyVersion,
          signingPublicKey: encodeBase64(await ctx.backend.getPublicKey(signer.signingPrivateKey)),
        }),
      });
    } catch (e) {
      wipe(conversationKey); // whatever failed: the clock, wrapping, signing
      throw e;
    }
  } finally {
    wipe(signer.signingPrivateKey);
  }
}
