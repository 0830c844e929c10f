/**
 * The one error hierarchy of chat-keykit.
 *
 * Every error the library throws on purpose is a {@link KeykitError} with a stable string `code`
 * (branch on it with {@link KeykitError.is}, never on the message), the `reason` in words, and,
 * where one input is at fault, the `field` path of that input (`publicKeys[2].keyVersion`). The
 * reason and the field are stored apart; `message` joins them for people. Nothing in an error
 * carries key material, plaintext or any other secret (test/hardening/corpus.test.ts searches every
 * provoked error for the secrets in play).
 *
 * @module
 */

/**
 * Every code the library throws. Each code belongs to exactly one error class (the comment above
 * its group), so the same defect gives the same code and class wherever it is found.
 */
export const ErrorCodes = /* @__PURE__ */ Object.freeze({
  // InvalidInputError: the caller passed something we refuse to work with.
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  INVALID_KEY: 'ERR_INVALID_KEY',
  INVALID_VERSION: 'ERR_INVALID_VERSION',
  /** A version later than the clock allows (more than the permitted skew ahead). */
  VERSION_IN_FUTURE: 'ERR_VERSION_IN_FUTURE',
  INVALID_USER_ID: 'ERR_INVALID_USER_ID',
  INVALID_CONVERSATION_ID: 'ERR_INVALID_CONVERSATION_ID',
  INVALID_TTL: 'ERR_INVALID_TTL',
  DUPLICATE_ID: 'ERR_DUPLICATE_ID',
  MISSING_PUBLIC_KEY: 'ERR_MISSING_PUBLIC_KEY',
  COMMA_IN_FIELD: 'ERR_COMMA_IN_FIELD',
  /** An optional signed text that is the literal `null`, which signs exactly like an absent value. */
  NULL_SENTINEL: 'ERR_NULL_SENTINEL',
  /** A Sendbird request that Sendbird would refuse (the error lists every problem). */
  SENDBIRD_REQUEST_INVALID: 'ERR_SENDBIRD_REQUEST_INVALID',
  /** A crypto backend that this runtime does not have. */
  UNSUPPORTED_BACKEND: 'ERR_UNSUPPORTED_BACKEND',
  /** A receiver state (`decryptEvents`' `state` option) that is not one chat-keykit wrote. */
  INVALID_STATE: 'ERR_INVALID_STATE',
  // DecodeError: bytes or text from outside that do not parse.
  INVALID_BASE64: 'ERR_INVALID_BASE64',
  INVALID_THRIFT: 'ERR_INVALID_THRIFT',
  INVALID_ENVELOPE: 'ERR_INVALID_ENVELOPE',
  /** Input larger than the bounds the library works within (sizes, element counts). */
  TOO_LARGE: 'ERR_TOO_LARGE',
  /** Decrypted text that is not valid UTF-8 (encrypted metadata). */
  INVALID_UTF8: 'ERR_INVALID_UTF8',
  /** An integer the caller would get as a JavaScript number lies beyond ±2^53 (it cannot be represented exactly). */
  UNSAFE_INTEGER: 'ERR_UNSAFE_INTEGER',
  // VerificationError: well-formed input that fails a cryptographic or membership check.
  DECRYPT_FAILED: 'ERR_DECRYPT_FAILED',
  SIGNATURE_INVALID: 'ERR_SIGNATURE_INVALID',
  KEY_BINDING_INVALID: 'ERR_KEY_BINDING_INVALID',
  SIGNING_KEY_NOT_FOUND: 'ERR_SIGNING_KEY_NOT_FOUND',
  /** The user (recipient or sender) is not a member of the conversation, or has no wrapped key in it. */
  NOT_A_MEMBER: 'ERR_NOT_A_MEMBER',
  /** The recipient's wrapped key is labelled with another identity-key version than the recipient's. */
  RECIPIENT_KEY_MISMATCH: 'ERR_RECIPIENT_KEY_MISMATCH',
  /** A validly signed key older than the caller's last one (a replayed envelope, a rollback). */
  STALE_KEY_VERSION: 'ERR_STALE_KEY_VERSION',
  /** An event that carries no signature, or whose signed payload cannot be built, so it cannot be verified. */
  UNVERIFIED_EVENT: 'ERR_UNVERIFIED_EVENT',
  /** No conversation key of the conversation at the message's own key version (no key, envelope or key change for it). */
  NO_CONVERSATION_KEY: 'ERR_NO_CONVERSATION_KEY',
  /** Two different keys for one conversation and key version, and no way to tell which is genuine. */
  CONFLICTING_KEYS: 'ERR_CONFLICTING_KEYS',
  /** The same event or message (conversation and message id) again: a replay, or a signed message presented as another one. */
  DUPLICATE_EVENT: 'ERR_DUPLICATE_EVENT',
  /** A message without a conversation-key version: sent unencrypted, it cannot be signed over its key version either. */
  UNENCRYPTED_MESSAGE: 'ERR_UNENCRYPTED_MESSAGE',
  // UnsupportedVersionError: a protocol or envelope version we deliberately do not handle.
  UNSUPPORTED_SIGNATURE_VERSION: 'ERR_UNSUPPORTED_SIGNATURE_VERSION',
  UNSUPPORTED_ENVELOPE_VERSION: 'ERR_UNSUPPORTED_ENVELOPE_VERSION',
  // InternalError: a bug in chat-keykit or its environment; should never happen.
  INTERNAL: 'ERR_INTERNAL',
} as const);

/** A stable error code string (see {@link ErrorCodes}). */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every error chat-keykit throws on purpose. */
export class KeykitError extends Error {
  /** Stable, machine-readable code, e.g. `ERR_INVALID_KEY`. */
  readonly code: ErrorCode;
  /** What is wrong, in words, without the field (`expected 32 bytes, got 31`). */
  readonly reason: string;
  /** Path of the input at fault (`publicKeys[1].publicKey`), when one input is at fault. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, reason: string, field?: string, options?: { cause?: unknown }) {
    super(field === undefined ? reason : `${field}: ${reason}`, options);
    this.name = new.target.name;
    this.code = code;
    this.reason = reason;
    this.field = field;
  }

  /**
   * Is `e` a chat-keykit error (with this code, when given)? Narrows the type for the caller.
   * @example
   * try { await unwrapConversationKey(b64, key); } catch (e) {
   *   if (KeykitError.is(e, ErrorCodes.DECRYPT_FAILED)) return null;
   *   throw e;
   * }
   */
  static is<C extends ErrorCode>(e: unknown, code?: C): e is KeykitError & { readonly code: C } {
    return e instanceof KeykitError && (code === undefined || e.code === code);
  }

  /** The same error (class, code, reason) naming another field: for layers that rename inputs. */
  withField(field: string | undefined): KeykitError {
    const Kind = this.constructor as new (code: ErrorCode, reason: string, field?: string, options?: { cause?: unknown }) => KeykitError;
    return new Kind(this.code, this.reason, field, { cause: this });
  }

  /** A JSON form with the code, reason, field and message only (never a cause that might carry data). */
  toJSON(): { name: string; code: ErrorCode; reason: string; field?: string; message: string } {
    return {
      name: this.name,
      code: this.code,
      reason: this.reason,
      ...(this.field === undefined ? {} : { field: this.field }),
      message: this.message,
    };
  }
}

/** The caller passed an input that is malformed, out of range or unsafe to sign. */
export class InvalidInputError extends KeykitError {}

/** Bytes or text from outside (base64, Thrift, an envelope) that do not decode, or exceed the bounds. */
export class DecodeError extends KeykitError {}

/** A well-formed input failed a cryptographic or membership check (tag, signature, key binding). */
export class VerificationError extends KeykitError {}

/** A signature or envelope version outside the range chat-keykit accepts (downgrade or future). */
export class UnsupportedVersionError extends KeykitError {}

/** A broken invariant inside chat-keykit; please report it. */
export class InternalError extends KeykitError {}
