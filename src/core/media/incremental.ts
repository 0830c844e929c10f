/**
 * Incremental media encryption and decryption: input in pieces of any size, at most one frame
 * held. The decryptor returns each chunk once its MAC verifies, but only `finish()` proves the
 * stream complete.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertBytes } from '../../guards.js';
import { randomSource, resolveBackend, type CryptoOptions } from '../context.js';
import { wipe } from '../secret.js';
import {
  ABYTES,
  checkExpected,
  checkTag,
  failed,
  FRAME,
  impossible,
  lengthMismatch,
  MEDIA_CHUNK_LENGTH,
  MEDIA_HEADER_LENGTH,
  plain,
  TAG_FINAL,
  TAG_MESSAGE,
  type MediaDecryptOptions,
  type MediaDecryptor,
  type MediaEncryptor,
} from './format.js';
import { aeadOf, StreamState, type Aead } from './state.js';

class Encryptor implements MediaEncryptor {
  private header: Uint8Array | null;
  /** Plaintext held back: the last chunk must wait for `finish` to know its tag. */
  private readonly pending = new Uint8Array(MEDIA_CHUNK_LENGTH);
  private pendingLength = 0;
  private done = false;

  constructor(
    private readonly state: StreamState,
    header: Uint8Array,
  ) {
    this.header = header;
  }

  push(chunk: Uint8Array): Uint8Array {
    chunk = plain(assertBytes(chunk, 'chunk'));
    this.checkOpen();
    // Seal every chunk but the last possible one: while more than 1024 bytes are at hand.
    const total = this.pendingLength + chunk.length;
    const frames = total > MEDIA_CHUNK_LENGTH ? Math.floor((total - 1) / MEDIA_CHUNK_LENGTH) : 0;
    const out = new Uint8Array((this.header ? MEDIA_HEADER_LENGTH : 0) + frames * FRAME);
    let at = this.takeHeader(out);
    let i = 0;
    for (let f = 0; f < frames; f++, at += FRAME) {
      if (this.pendingLength > 0) {
        const take = MEDIA_CHUNK_LENGTH - this.pendingLength;
        this.pending.set(chunk.subarray(i, i + take), this.pendingLength);
        i += take;
        this.pendingLength = 0;
        this.state.seal(TAG_MESSAGE, this.pending, out, at);
      } else {
        this.state.seal(TAG_MESSAGE, chunk.subarray(i, i + MEDIA_CHUNK_LENGTH), out, at);
        i += MEDIA_CHUNK_LENGTH;
      }
    }
    this.pending.set(chunk.subarray(i), this.pendingLength);
    this.pendingLength += chunk.length - i;
    return out;
  }

  finish(): Uint8Array {
    this.checkOpen();
    this.done = true;
    try {
      const out = new Uint8Array((this.header ? MEDIA_HEADER_LENGTH : 0) + (this.pendingLength > 0 ? this.pendingLength + ABYTES : 0));
      const at = this.takeHeader(out);
      if (this.pendingLength > 0) this.state.seal(TAG_FINAL, this.pending.subarray(0, this.pendingLength), out, at);
      return out;
    } finally {
      this.state.wipe();
      wipe(this.pending);
    }
  }

  private takeHeader(out: Uint8Array): number {
    if (!this.header) return 0;
    out.set(this.header, 0);
    this.header = null;
    return MEDIA_HEADER_LENGTH;
  }

  private checkOpen(): void {
    if (this.done) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'the encryptor has finished', 'encryptor');
  }
}

class Decryptor implements MediaDecryptor {
  private key: Uint8Array | null;
  private state: StreamState | null = null;
  private readonly header = new Uint8Array(MEDIA_HEADER_LENGTH);
  private headerLength = 0;
  /** An incomplete frame, held until its last byte arrives. */
  private readonly frame = new Uint8Array(FRAME);
  private frameLength = 0;
  private frames = 0;
  private produced = 0;
  private sawFinal = false;
  private status: 'open' | 'done' | 'failed' = 'open';

  constructor(
    private readonly aead: Aead,
    key: Uint8Array,
    private readonly expected: number | undefined,
  ) {
    this.key = new Uint8Array(key);
  }

  push(chunk: Uint8Array): Uint8Array {
    chunk = plain(assertBytes(chunk, 'chunk'));
    this.checkOpen();
    let out: Uint8Array | undefined;
    try {
      let i = 0;
      if (this.state === null) {
        i = Math.min(MEDIA_HEADER_LENGTH - this.headerLength, chunk.length);
        this.header.set(chunk.subarray(0, i), this.headerLength);
        this.headerLength += i;
        if (this.headerLength < MEDIA_HEADER_LENGTH) return new Uint8Array(0);
        this.state = new StreamState(this.aead, this.key as Uint8Array, this.header);
        wipe(this.key);
        this.key = null;
      }
      if (i < chunk.length && this.sawFinal) throw failed('data follows the FINAL chunk (an extended stream)');
      const full = Math.floor((this.frameLength + chunk.length - i) / FRAME);
      out = new Uint8Array(full * MEDIA_CHUNK_LENGTH);
      for (let f = 0; f < full; f++) {
        let frame: Uint8Array;
        if (this.frameLength > 0) {
          const take = FRAME - this.frameLength;
          this.frame.set(chunk.subarray(i, i + take), this.frameLength);
          i += take;
          this.frameLength = 0;
          frame = this.frame;
        } else {
          frame = chunk.subarray(i, i + FRAME);
          i += FRAME;
        }
        const tag = this.state.open(frame, out, f * MEDIA_CHUNK_LENGTH);
        // A full frame may be the last one: FINAL ends the stream, MESSAGE asks for more.
        checkTag(tag, tag === TAG_FINAL ? i === chunk.length : false);
        this.sawFinal = tag === TAG_FINAL;
        this.frames++;
      }
      this.frame.set(chunk.subarray(i), this.frameLength);
      this.frameLength += chunk.length - i;
      this.produced += out.length;
      if (this.expected !== undefined && this.produced > this.expected) throw lengthMismatch();
      return out;
    } catch (e) {
      wipe(out); // plaintext of the frames before the failure
      this.fail();
      throw e;
    }
  }

  finish(): Uint8Array {
    this.checkOpen();
    try {
      const state = this.state;
      if (state === null) throw impossible(`the stream ends inside its ${MEDIA_HEADER_LENGTH}-byte header`);
      let out = new Uint8Array(0);
      if (this.frameLength > 0) {
        if (this.frameLength < ABYTES) throw impossible(`the last frame has ${this.frameLength} bytes, less than ${ABYTES}`);
        out = new Uint8Array(this.frameLength - ABYTES);
        const tag = state.open(this.frame.subarray(0, this.frameLength), out, 0);
        if (tag !== TAG_FINAL) wipe(out);
        checkTag(tag, true);
      } else if (this.frames > 0 && !this.sawFinal) {
        throw failed('the stream ends without its FINAL chunk (truncated)');
      }
      if (this.expected !== undefined && this.produced + out.length !== this.expected) {
        wipe(out);
        throw lengthMismatch();
      }
      this.status = 'done';
      this.release();
      return out;
    } catch (e) {
      this.fail();
      throw e;
    }
  }

  private checkOpen(): void {
    if (this.status === 'done') throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'the decryptor has finished', 'decryptor');
    if (this.status === 'failed') throw failed('the stream has already failed to decrypt');
  }

  private fail(): void {
    this.status = 'failed';
    this.release();
  }

  private release(): void {
    this.state?.wipe();
    wipe(this.key, this.frame);
    this.key = null;
  }
}

/**
 * Starts an incremental media encryptor. Its output, concatenated, equals {@link encryptMedia}'s
 * for the same header, however the plaintext is split; it holds about 4 KiB whatever the size.
 * @param key - the 32-byte conversation key
 * @param options - backend and, for tests only, an injected random source (for the header)
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes
 * @example
 * const enc = await createMediaEncryptor(conversationKey);
 * const parts = [enc.push(part1), enc.push(part2), enc.finish()];
 */
export async function createMediaEncryptor(key: Uint8Array, options?: CryptoOptions): Promise<MediaEncryptor> {
  assertBytes(key, 'key', 32);
  const backend = await resolveBackend(options?.backend);
  const header = new Uint8Array(randomSource(options, backend)(MEDIA_HEADER_LENGTH));
  return new Encryptor(new StreamState(aeadOf(backend), key, header), header);
}

/**
 * Starts an incremental media decryptor: ciphertext in pieces of any size, one frame buffered at
 * most. Plaintext returned by `push` is authenticated chunk by chunk but not yet proven complete:
 * only a `finish()` that returns proves the stream was not truncated.
 * @param key - the 32-byte conversation key of the message that carried the media
 * @param options - backend, and `expectedLength` to refuse a stream of any other plaintext length
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` from `push` and `finish`, as {@link decryptMedia}
 * throws it, and from every call after one of them failed
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` from `finish` for a length no stream can have
 * @example
 * const dec = await createMediaDecryptor(conversationKey);
 * for await (const part of download) sink.write(dec.push(part));
 * sink.write(dec.finish()); // only now is the file known to be whole
 */
export async function createMediaDecryptor(key: Uint8Array, options?: MediaDecryptOptions): Promise<MediaDecryptor> {
  assertBytes(key, 'key', 32);
  const expected = checkExpected(options?.expectedLength);
  const backend = await resolveBackend(options?.backend);
  return new Decryptor(aeadOf(backend), key, expected);
}
