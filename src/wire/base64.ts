/**
 * The three base64 flavours of the X Chat wire format (PROTOCOL.md §1, RFC 4648 §4 and §5).
 *
 * - standard, padded: keys, wrapped conversation keys, Thrift details, registration signatures;
 * - standard, unpadded: action/message signatures and byte values inside signed payload strings;
 * - URL-safe, unpadded: the public-key fingerprint.
 *
 * Producers must emit exactly the flavour the field calls for, because several of these strings
 * are themselves signed or compared byte for byte. The decoder is strict where the official SDK
 * is lenient only about things that cannot come from an honest encoder: it accepts padded and
 * unpadded text, but rejects characters outside the alphabet, wrong padding and non-zero trailing
 * bits (non-canonical encodings), so that one byte string has exactly one accepted text per flavour.
 *
 * @module
 */
import { fromString, toString } from 'uint8arrays';
import { DecodeError, ErrorCodes, InvalidInputError } from '../errors.js';
import { typeName } from '../guards.js';

const STD = /^[A-Za-z0-9+/]*$/;
const URL = /^[A-Za-z0-9_-]*$/;

/** Standard base64 with `=` padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return toString(bytes, 'base64pad');
}

/** Standard base64 without padding. */
export function encodeBase64NoPad(bytes: Uint8Array): string {
  return toString(bytes, 'base64');
}

/** URL-safe base64 without padding (RFC 4648 §5). */
export function encodeBase64UrlNoPad(bytes: Uint8Array): string {
  return toString(bytes, 'base64url');
}

function decodeWith(text: unknown, field: string, alphabet: RegExp, codec: 'base64' | 'base64url'): Uint8Array {
  if (typeof text !== 'string') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a base64 string, got ${typeName(text)}`, field);
  }
  let body = text;
  if (body.endsWith('==')) body = body.slice(0, -2);
  else if (body.endsWith('=')) body = body.slice(0, -1);
  const padded = body.length !== text.length;
  if (!alphabet.test(body)) {
    throw new DecodeError(ErrorCodes.INVALID_BASE64, 'not base64: character outside the alphabet or misplaced padding', field);
  }
  const rem = body.length % 4;
  if (rem === 1 || (padded && (body.length + (text.length - body.length)) % 4 !== 0)) {
    throw new DecodeError(ErrorCodes.INVALID_BASE64, `not base64: impossible length ${text.length}`, field);
  }
  try {
    return fromString(body, codec);
  } catch {
    // The codec's only remaining complaint is non-zero trailing bits: a non-canonical encoding.
    throw new DecodeError(ErrorCodes.INVALID_BASE64, 'not base64: non-canonical trailing bits', field);
  }
}

/**
 * Decodes standard base64, padded or not.
 * @param text - the base64 text
 * @param field - the input's name, for error messages
 * @returns the decoded bytes
 * @throws {DecodeError} `ERR_INVALID_BASE64` for text that is not canonical standard base64
 * @example
 * decodeBase64('AQID'); // Uint8Array [1, 2, 3]
 */
export function decodeBase64(text: unknown, field = 'base64'): Uint8Array {
  return decodeWith(text, field, STD, 'base64');
}

/** Decodes URL-safe base64, padded or not (used for fingerprints). */
export function decodeBase64Url(text: unknown, field = 'base64url'): Uint8Array {
  return decodeWith(text, field, URL, 'base64url');
}
