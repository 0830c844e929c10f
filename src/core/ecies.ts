/**
 * Conversation keys and their ECIES wrapping (docs/xchat-keys.md §"ECIES"): P-256 ECDH with a
 * fresh ephemeral key per recipient, the ANSI X9.63 KDF with SHA-256 (SEC 1 §3.6.1; shared info =
 * the ephemeral public key), and AES-128-GCM with the KDF's second half as a 16-byte IV.
 *
 * ```
 * Z  = x(e · R)            KM = SHA-256(Z ‖ 00000001 ‖ E)      key = KM[0..16]  iv = KM[16..32]
 * out = E(65) ‖ AES-128-GCM(key, iv, conversationKey)(32) ‖ tag(16)       → 113 bytes
 * ```
 *
 * @module
 */
import { concat } from 'uint8arrays/concat';
import { DecodeError, ErrorCodes, VerificationError } from '../errors.js';
import { assertBytes } from '../guards.js';
import { decodeBase64, encodeBase64 } from '../wire/base64.js';
import { parsePublicKey, SEC1_LENGTH, type PublicKeyLike } from '../wire/keys.js';
import type { CryptoBackend } from './backend.js';
import { randomSource, resolveBackend, type CryptoOptions } from './context.js';
import { parsePrivateKey, sampleScalar } from './scalar.js';
import { SecretBytes, wipe } from './secret.js';

/** Length of a conversation key. */
export const CONVERSATION_KEY_LENGTH = 32;
/** Length of a wrapped conversation key: 65 (E) + 32 (ciphertext) + 16 (tag). */
export const WRAPPED_KEY_LENGTH = 113;

/** What ECIES needs of a crypto backend: a `CryptoBackend` has it, and so does each worker program. */
export interface EciesPrimitives {
  getPublicKey(scalar: Uint8Array): Uint8Array | Promise<Uint8Array>;
  ecdh(scalar: Uint8Array, publicKey: Uint8Array): Uint8Array | Promise<Uint8Array>;
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The intermediate values of one wrap, for test vectors; they are wiped when the callback returns. */
export interface EciesTrace {
  ephemeral: Uint8Array;
  sharedSecret: Uint8Array;
  kdfInput: Uint8Array;
  kdfOutput: Uint8Array;
  /** Ciphertext ‖ tag. */
  sealed: Uint8Array;
}

/**
 * The ECIES wrap, written once: E = e·G, Z = x(e·R), KM = SHA-256(Z ‖ 00000001 ‖ E), then
 * AES-128-GCM(KM[0..16], iv = KM[16..32]); returns E ‖ ciphertext ‖ tag. The shared secret and the
 * KDF's input and output are wiped.
 *
 * Self-contained on purpose (no imports, no names from outside): the worker programs of
 * `workers.ts` and `webworkers.ts` run this very function, from its source text.
 */
export async function eciesSeal(
  p: EciesPrimitives,
  scalar: Uint8Array,
  recipient: Uint8Array,
  plaintext: Uint8Array,
  trace?: (t: EciesTrace) => void,
): Promise<Uint8Array> {
  const E = await p.getPublicKey(scalar);
  const z = await p.ecdh(scalar, recipient);
  const input = new Uint8Array(z.length + 4 + E.length);
  input.set(z, 0);
  input[z.length + 3] = 1;
  input.set(E, z.length + 4);
  const km = await p.sha256(input);
  try {
    const sealed = await p.aesGcmEncrypt(km.subarray(0, 16), km.subarray(16, 32), plaintext);
    const out = new Uint8Array(E.length + sealed.length);
    out.set(E, 0);
    out.set(sealed, E.length);
    if (trace) trace({ ephemeral: E, sharedSecret: z, kdfInput: input, kdfOutput: km, sealed });
    return out;
  } finally {
    z.fill(0);
    input.fill(0);
    km.fill(0);
  }
}

/**
 * ECIES-wraps a plaintext for one recipient with a given ephemeral scalar. Internal building
 * block: the public functions draw the scalar themselves (tests and vectors inject it).
 * @param recipient - the recipient's validated 65-byte SEC1 identity key
 */
export function eciesWrap(
  backend: CryptoBackend,
  plaintext: Uint8Array,
  recipient: Uint8Array,
  ephemeralScalar: Uint8Array,
): Promise<Uint8Array> {
  return eciesSeal(backend, ephemeralScalar, recipient, plaintext);
}

/**
 * Opens an ECIES blob with the recipient's identity private key.
 * @returns the plaintext, or null when the tag does not verify (not for this key, or tampered)
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when the blob is too short or its ephemeral key is invalid
 */
export async function eciesUnwrap(
  backend: CryptoBackend,
  blob: Uint8Array,
  privateKey: Uint8Array,
  field = 'encryptedKey',
): Promise<Uint8Array | null> {
  if (blob.length < SEC1_LENGTH + 16) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `wrapped key too short: ${blob.length} bytes, need at least ${SEC1_LENGTH + 16}`,
      field,
    );
  }
  const ephemeral = blob.subarray(0, SEC1_LENGTH);
  try {
    parsePublicKey(ephemeral, field);
  } catch {
    throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, 'the ephemeral key of the wrapped key is not a valid P-256 point', field);
  }
  const z = await backend.ecdh(privateKey, ephemeral);
  const input = concat([z, Uint8Array.of(0, 0, 0, 1), ephemeral]);
  const km = await backend.sha256(input);
  try {
    return await backend.aesGcmDecrypt(km.subarray(0, 16), km.subarray(16, 32), blob.subarray(SEC1_LENGTH));
  } finally {
    wipe(z, input, km);
  }
}

/**
 * Generates a fresh 32-byte conversation key.
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` for a backend this runtime does not have
 * @example
 * const key = await generateConversationKey();
 */
export async function generateConversationKey(options?: CryptoOptions): Promise<SecretBytes> {
  const backend = await resolveBackend(options?.backend);
  const random = randomSource(options, backend);
  const bytes = random(CONVERSATION_KEY_LENGTH);
  const out = new SecretBytes(CONVERSATION_KEY_LENGTH);
  out.set(bytes);
  if (!random.injected) wipe(bytes);
  return out;
}

/**
 * Wraps a conversation key for one recipient's identity public key.
 * @param key - the 32-byte conversation key
 * @param recipientIdentityPublicKey - SEC1 (65 B) or SPKI (91 B), bytes or base64
 * @returns standard padded base64 of the 113-byte ECIES blob (152 characters)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes, `ERR_INVALID_KEY` for a bad public key
 * @example
 * const wrapped = await wrapConversationKey(key, bob.identityPublicKey);
 */
export async function wrapConversationKey(
  key: Uint8Array,
  recipientIdentityPublicKey: PublicKeyLike,
  options?: CryptoOptions,
): Promise<string> {
  assertBytes(key, 'key', CONVERSATION_KEY_LENGTH);
  const recipient = parsePublicKey(recipientIdentityPublicKey, 'recipientIdentityPublicKey');
  const backend = await resolveBackend(options?.backend);
  const e = sampleScalar(randomSource(options, backend));
  try {
    return encodeBase64(await eciesWrap(backend, key, recipient, e));
  } finally {
    wipe(e);
  }
}

/**
 * Opens a wrapped conversation key (standard base64 of the 113-byte ECIES blob) with an already
 * checked identity private key.
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_ENVELOPE` (not 113 bytes, or an invalid ephemeral key)
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` when it does not open with this identity key
 */
export async function openWrappedKey(
  backend: CryptoBackend,
  encryptedKey: string,
  identityPrivateKey: Uint8Array,
  field: string,
): Promise<SecretBytes> {
  const blob = decodeBase64(encryptedKey, field);
  if (blob.length !== WRAPPED_KEY_LENGTH) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `expected a ${WRAPPED_KEY_LENGTH}-byte wrapped conversation key, got ${blob.length} bytes`,
      field,
    );
  }
  const plain = await eciesUnwrap(backend, blob, identityPrivateKey, field);
  if (plain === null || plain.length !== CONVERSATION_KEY_LENGTH) {
    wipe(plain);
    throw new VerificationError(
      ErrorCodes.DECRYPT_FAILED,
      'the wrapped key does not open with this identity key (wrong recipient or tampered)',
      field,
    );
  }
  const key = new SecretBytes(CONVERSATION_KEY_LENGTH);
  key.set(plain);
  wipe(plain);
  return key;
}

/**
 * Unwraps a conversation key with the recipient's identity private key.
 * @param encryptedKeyB64 - standard base64 (padded or not) of the 113-byte ECIES blob
 * @param identityPrivateKey - the recipient's 32-byte identity scalar
 * @returns the 32-byte conversation key
 * @throws {DecodeError} `ERR_INVALID_BASE64` or `ERR_INVALID_ENVELOPE` for a malformed blob
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` when the key was not wrapped for this identity or was tampered with
 * @example
 * const key = await unwrapConversationKey(entry.encryptedKey, me.identityPrivateKey);
 */
export async function unwrapConversationKey(
  encryptedKeyB64: string,
  identityPrivateKey: Uint8Array,
  options?: CryptoOptions,
): Promise<SecretBytes> {
  const priv = parsePrivateKey(identityPrivateKey, 'identityPrivateKey');
  try {
    return await openWrappedKey(await resolveBackend(options?.backend), encryptedKeyB64, priv, 'encryptedKey');
  } finally {
    wipe(priv);
  }
}
