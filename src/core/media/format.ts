/**
 * The media stream's format: its sizes and tags, the lengths a stream can have, and the checks
 * every decryptor applies to each frame (docs/xchat-messages.md §"2.9 Metadata and media").
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError, VerificationError } from '../../errors.js';
import type { CryptoOptions } from '../context.js';

/** Length of the stream header. */
export const MEDIA_HEADER_LENGTH = 24;
/** Plaintext bytes per chunk. */
export const MEDIA_CHUNK_LENGTH = 1024;
/** Bytes each chunk adds: the encrypted tag (1) and the MAC (16). */
export const ABYTES = 17;
/** A full frame: 1041 bytes. */
export const FRAME = MEDIA_CHUNK_LENGTH + ABYTES;

export const TAG_MESSAGE = 0;
export const TAG_REKEY = 2;
export const TAG_FINAL = 3;

/** Options of media decryption. */
export interface MediaDecryptOptions extends CryptoOptions {
  /**
   * The plaintext length the sender announced (e.g. a signed attachment's size). When set, a
   * stream of any other length is refused, a stream cut back to its bare header included.
   */
  expectedLength?: number;
}

/** An incremental media encryptor: `push` plaintext in pieces of any size, then `finish` once. */
export interface MediaEncryptor {
  /** Encrypts more plaintext; returns the ciphertext ready so far (the header first, possibly nothing). */
  push(chunk: Uint8Array): Uint8Array;
  /** Ends the stream: returns the last frame (and the header if nothing was pushed). */
  finish(): Uint8Array;
}

/** An incremental media decryptor: `push` ciphertext in pieces of any size, then `finish` once. */
export interface MediaDecryptor {
  /** Decrypts more ciphertext; returns the plaintext of the frames completed (not yet proven complete). */
  push(chunk: Uint8Array): Uint8Array;
  /** Ends the stream: returns the rest of the plaintext, or throws if the stream is incomplete. */
  finish(): Uint8Array;
}

/**
 * The ciphertext length of `plaintextLength` bytes of media: `24 + n + 17·⌈n/1024⌉`.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a length that is not a non-negative safe integer
 * @example
 * mediaCiphertextLength(1024); // 1065
 */
export function mediaCiphertextLength(plaintextLength: number): number {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-negative integer length', 'plaintextLength');
  }
  return MEDIA_HEADER_LENGTH + plaintextLength + ABYTES * Math.ceil(plaintextLength / MEDIA_CHUNK_LENGTH);
}

export function impossible(message: string): DecodeError {
  return new DecodeError(ErrorCodes.INVALID_ENVELOPE, `not a media stream: ${message}`, 'ciphertext');
}

/** The plaintext length of a whole stream, or a DecodeError for a length no stream can have. */
export function plaintextLengthOf(ciphertextLength: number): number {
  if (ciphertextLength < MEDIA_HEADER_LENGTH)
    throw impossible(`${ciphertextLength} bytes, less than the ${MEDIA_HEADER_LENGTH}-byte header`);
  const body = ciphertextLength - MEDIA_HEADER_LENGTH;
  const last = body % FRAME;
  if (last > 0 && last < ABYTES) throw impossible(`the last frame has ${last} bytes, less than ${ABYTES}`);
  return body - ABYTES * Math.ceil(body / FRAME);
}

/**
 * A plain `Uint8Array` view of the same bytes: `subarray` on a Node Buffer builds another Buffer,
 * which cost 0.6 µs per chunk.
 */
export const plain = (b: Uint8Array) => (b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

const tagName = (tag: number) => (tag === 1 ? 'the tag PUSH' : tag === TAG_REKEY ? 'the tag REKEY' : 'an unknown tag');

export function failed(message: string): VerificationError {
  return new VerificationError(ErrorCodes.DECRYPT_FAILED, message, 'ciphertext');
}

/** Refuses a frame tag: MESSAGE where another frame follows, FINAL on the last one. */
export function checkTag(tag: number, last: boolean): void {
  if (tag === -1) throw failed('a chunk does not authenticate (another key, or tampered, reordered or truncated)');
  if (tag === TAG_FINAL && !last) throw failed('data follows the FINAL chunk (an extended stream)');
  if (tag === TAG_MESSAGE && last) throw failed('the stream ends without its FINAL chunk (truncated)');
  if (tag !== TAG_MESSAGE && tag !== TAG_FINAL) throw failed(`a chunk carries ${tagName(tag)}, which X Chat media never uses`);
}

export function checkExpected(expected: number | undefined): number | undefined {
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-negative integer number of bytes', 'options.expectedLength');
  }
  return expected;
}

export function lengthMismatch(): VerificationError {
  return failed('the stream length differs from the expected length');
}
