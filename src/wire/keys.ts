/**
 * P-256 public-key encodings (docs/xchat-keys.md §"Keys", SEC 1 §2.3.3, RFC 5480 §2).
 *
 * - SEC1 uncompressed: 65 bytes `04 ‖ X ‖ Y`, the internal form;
 * - SPKI (SubjectPublicKeyInfo, DER): a fixed 26-byte prefix naming id-ecPublicKey and prime256v1,
 *   then the SEC1 point; 91 bytes, the form registered with and served by the X API.
 *
 * Inputs may be bytes or standard base64 (padded or not). Unlike the official SDK, which takes
 * any 91-byte value as SPKI by dropping 26 bytes, we check the prefix byte for byte, so a key of
 * another curve or algorithm is refused instead of being misread.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { typeName } from '../guards.js';
import { decodeBase64 } from './base64.js';

/** DER prefix of a P-256 SPKI: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING }. */
export const SPKI_PREFIX: Uint8Array = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
  0x03, 0x42, 0x00,
]);

/** Length of an uncompressed SEC1 P-256 point. */
export const SEC1_LENGTH = 65;
/** Length of a P-256 SPKI. */
export const SPKI_LENGTH = 91;

/** A public key as accepted by the public API: SEC1 (65 bytes) or SPKI (91 bytes), bytes or base64. */
export type PublicKeyLike = Uint8Array | string;

/** Wraps a 65-byte SEC1 point into its 91-byte SPKI DER encoding. */
export function sec1ToSpki(sec1: Uint8Array): Uint8Array {
  const out = new Uint8Array(SPKI_LENGTH);
  out.set(SPKI_PREFIX, 0);
  out.set(sec1, SPKI_PREFIX.length);
  return out;
}

/**
 * Parses a public key given as SEC1 or SPKI, bytes or base64, and checks that it is a point on
 * P-256 (not the point at infinity, which has no uncompressed encoding).
 * @param value - the key
 * @param field - the input's name, for error messages
 * @returns the 65-byte SEC1 uncompressed point
 * @throws {InvalidInputError} `ERR_INVALID_KEY` for a wrong length, prefix or an off-curve point
 * @throws {DecodeError} `ERR_INVALID_BASE64` for text that is not base64
 * @example
 * const sec1 = parsePublicKey('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...', 'publicKey');
 */
export function parsePublicKey(value: unknown, field: string): Uint8Array {
  let bytes: Uint8Array;
  const owned = typeof value === 'string';
  if (typeof value === 'string') bytes = decodeBase64(value, field);
  else if (value instanceof Uint8Array) bytes = value;
  else
    throw new InvalidInputError(
      ErrorCodes.INVALID_KEY,
      `expected a public key as Uint8Array or base64 string, got ${typeName(value)}`,
      field,
    );
  let sec1: Uint8Array;
  if (bytes.length === SPKI_LENGTH) {
    for (let i = 0; i < SPKI_PREFIX.length; i++) {
      if (bytes[i] !== SPKI_PREFIX[i]) {
        throw new InvalidInputError(
          ErrorCodes.INVALID_KEY,
          'not a P-256 SubjectPublicKeyInfo (unexpected DER prefix, algorithm or curve)',
          field,
        );
      }
    }
    sec1 = bytes.subarray(SPKI_PREFIX.length);
  } else if (bytes.length === SEC1_LENGTH) {
    sec1 = bytes;
  } else {
    throw new InvalidInputError(
      ErrorCodes.INVALID_KEY,
      `expected a 65-byte SEC1 or 91-byte SPKI P-256 public key, got ${bytes.length} bytes`,
      field,
    );
  }
  if (sec1[0] !== 0x04) {
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, 'expected an uncompressed SEC1 point (first byte 0x04)', field);
  }
  try {
    // fromBytes checks that the coordinates are field elements and satisfy the curve equation.
    p256.Point.fromBytes(sec1).assertValidity();
  } catch {
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, 'not a valid P-256 point', field);
  }
  // Decoded text is ours to keep; caller bytes are copied so that later changes cannot reach us.
  return owned ? sec1 : Uint8Array.from(sec1);
}
