/**
 * The one error hierarchy of chat-keykit.
 *
 * Every error the library throws on purpose is a {@link KeykitError} with a stable string `code`
 * (match on it, not on the message) and, where one input is at fault, the `field` path of that
 * input (`publicKeys[2].keyVersion`). Messages name the field and what was expected; they never
 * contain key material, plaintext or any other secret (test/hardening/corpus.test.ts greps for that).
 *
 * @module
 */

/** Every code the library throws, grouped by error class. */
export const ErrorCodes = {
  // InvalidInputError: the caller passed something we refuse to work with.
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  INVALID_KEY: 'ERR_INVALID_KEY',
  INVALID_VERSION: 'ERR_INVALID_VERSION',
  INVALID_USER_ID: 'ERR_INVALID_USER_ID',
  INVALID_CONVERSATION_ID: 'ERR_INVALID_CONVERSATION_ID',
  INVALID_TTL: 'ERR_INVALID_TTL',
  DUPLICATE_ID: 'ERR_DUPLICATE_ID',
  MISSING_PUBLIC_KEY: 'ERR_MISSING_PUBLIC_KEY',
  COMMA_IN_FIELD: 'ERR_COMMA_IN_FIELD',
  /** A Sendbird request that Sendbird would refuse (the error lists every problem). */
  SENDBIRD_REQUEST_INVALID: 'ERR_SENDBIRD_REQUEST_INVALID',
  // DecodeError: bytes or text from outside that do not parse.
  INVALID_BASE64: 'ERR_INVALID_BASE64',
  INVALID_THRIFT: 'ERR_INVALID_THRIFT',
  INVALID_ENVELOPE: 'ERR_INVALID_ENVELOPE',
  /** Decrypted text that is not valid UTF-8 (encrypted metadata). */
  INVALID_UTF8: 'ERR_INVALID_UTF8',
  // VerificationError: well-formed input that fails a cryptographic check.
  DECRYPT_FAILED: 'ERR_DECRYPT_FAILED',
  SIGNATURE_INVALID: 'ERR_SIGNATURE_INVALID',
  KEY_BINDING_INVALID: 'ERR_KEY_BINDING_INVALID',
  SIGNING_KEY_NOT_FOUND: 'ERR_SIGNING_KEY_NOT_FOUND',
  /** A validly signed key older than the caller's last one (a replayed envelope, a rollback). */
  STALE_KEY_VERSION: 'ERR_STALE_KEY_VERSION',
  // UnsupportedVersionError: a protocol or envelope version we deliberately do not handle.
  UNSUPPORTED_SIGNATURE_VERSION: 'ERR_UNSUPPORTED_SIGNATURE_VERSION',
  UNSUPPORTED_ENVELOPE_VERSION: 'ERR_UNSUPPORTED_ENVELOPE_VERSION',
  // InvalidInputError as well: a crypto backend that this runtime does not have.
  UNSUPPORTED_BACKEND: 'ERR_UNSUPPORTED_BACKEND',
  // InternalError: a bug in chat-keykit or its environment; should never happen.
  INTERNAL: 'ERR_INTERNAL',
} as const;

/** A stable error code string (see {@link ErrorCodes}). */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every error chat-keykit throws on purpose. */
export class KeykitError extends Error {
  /** Stable, machine-readable code, e.g. `ERR_INVALID_KEY`. */
  readonly code: ErrorCode;
  /** Path of the input at fault (`publicKeys[1].publicKey`), when one input is at fault. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(field === undefined ? message : `${field}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
  }

  /** A JSON form with the code, field and message only (never a cause that might carry data). */
  toJSON(): { name: string; code: ErrorCode; field?: string; message: string } {
    return {
      name: this.name,
      code: this.code,
      ...(this.field === undefined ? {} : { field: this.field }),
      message: this.message,
    };
  }
}

/** The caller passed an input that is malformed, out of range or unsafe to sign. */
export class InvalidInputError extends KeykitError {}

/** Bytes or text from outside (base64, Thrift, an envelope) that do not decode. */
export class DecodeError extends KeykitError {}

/** A well-formed input failed a cryptographic check (tag, signature, key binding). */
export class VerificationError extends KeykitError {}

/** A signature or envelope version outside the range chat-keykit accepts (downgrade or future). */
export class UnsupportedVersionError extends KeykitError {}

/** A broken invariant inside chat-keykit; please report it. */
export class InternalError extends KeykitError {}
