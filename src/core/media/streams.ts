/**
 * Media encryption and decryption as Web Streams `TransformStream`s.
 *
 * @module
 */
import { ErrorCodes, InternalError } from '../../errors.js';
import { assertBytes } from '../../guards.js';
import type { CryptoOptions } from '../context.js';
import { wipe } from '../secret.js';
import type { MediaDecryptOptions, MediaDecryptor, MediaEncryptor } from './format.js';
import { createMediaDecryptor, createMediaEncryptor } from './incremental.js';

// Typed locally: `TransformStream` is a global in browsers, Node, Deno and Bun.

interface Controller {
  enqueue(chunk: Uint8Array): void;
}
interface Transformer {
  start(): Promise<void>;
  transform(chunk: Uint8Array, controller: Controller): void;
  flush(controller: Controller): void;
}
type TransformStreamClass = new (transformer: Transformer) => TransformStream<Uint8Array, Uint8Array>;

function transformStream(
  key: Uint8Array,
  open: (key: Uint8Array) => Promise<MediaEncryptor | MediaDecryptor>,
): TransformStream<Uint8Array, Uint8Array> {
  assertBytes(key, 'key', 32);
  const Class = (globalThis as { TransformStream?: TransformStreamClass }).TransformStream;
  if (Class === undefined) throw new InternalError(ErrorCodes.INTERNAL, 'this runtime has no Web Streams TransformStream');
  const copy = new Uint8Array(key); // the caller may wipe theirs before start() runs
  let it: MediaEncryptor | MediaDecryptor;
  return new Class({
    async start() {
      try {
        it = await open(copy);
      } finally {
        wipe(copy);
      }
    },
    transform(chunk, controller) {
      const out = it.push(chunk);
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      const out = it.finish();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}

/**
 * A `TransformStream` that encrypts media: plaintext bytes in, the stream's bytes out.
 * @param key - the 32-byte conversation key (copied: the caller may wipe it at once)
 * @param options - as for {@link createMediaEncryptor}
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes
 * @example
 * await file.stream().pipeThrough(mediaEncryptionStream(conversationKey)).pipeTo(upload);
 */
export function mediaEncryptionStream(key: Uint8Array, options?: CryptoOptions): TransformStream<Uint8Array, Uint8Array> {
  return transformStream(key, (k) => createMediaEncryptor(k, options));
}

/**
 * A `TransformStream` that decrypts media. It errors (with the errors of {@link decryptMedia}) on
 * the first bad chunk, and at the end when the stream is incomplete: whatever it passed on before
 * is unproven until the stream closes without error.
 * @param key - the 32-byte conversation key of the message that carried the media (copied)
 * @param options - as for {@link createMediaDecryptor}
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a key that is not 32 bytes
 * @example
 * await download.pipeThrough(mediaDecryptionStream(conversationKey)).pipeTo(sink);
 */
export function mediaDecryptionStream(key: Uint8Array, options?: MediaDecryptOptions): TransformStream<Uint8Array, Uint8Array> {
  return transformStream(key, (k) => createMediaDecryptor(k, options));
}
