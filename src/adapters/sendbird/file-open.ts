/**
 * Decrypting the file of an opened Sendbird file message (docs/sendbird.md §"Files"): the blob
 * downloaded from the message's `url` must be the one the signed message names (its length and
 * its SHA-256), then it is decrypted as X Chat media with the message's key, to exactly the
 * signed size. One call, an incremental decryptor, or a Web Streams `TransformStream`.
 *
 * The secretstream authenticates every chunk under the conversation key, but every file of the
 * channel is under that key: only the hash tells this message's blob from another one. Streaming
 * returns plaintext chunk by chunk before the hash is known: nothing is proven until `finish()`
 * returns (or the stream closes without error).
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, InternalError, InvalidInputError, VerificationError } from '../../errors.js';
import { assertBytes, assertObject } from '../../guards.js';
import { isVersion } from '../../rules.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { createMediaDecryptor, decryptMedia, mediaCiphertextLength, type MediaDecryptor } from '../../core/media/index.js';
import { constantTimeEqual, wipe } from '../../core/secret.js';
import { decodeBase64, isCanonicalBase64 } from '../../wire/base64.js';
import { fileKeyOf } from './message-opener.js';
import type { OpenedSendbirdMessage } from './message-types.js';

/** Options of the file openers. */
export interface OpenSendbirdFileOptions extends CryptoOptions {
  /**
   * Keys by version, for an opened message that did not come from `openSendbirdMessage` in this
   * process (a stored copy, say): the key of its `conversationKeyVersion` is used.
   */
  conversationKeys?: Readonly<Record<string, Uint8Array>>;
}

/** The file, size and key of an opened file message, checked. */
function fileAndKey(
  opened: unknown,
  options: OpenSendbirdFileOptions | undefined,
): { size: number; encryptedSize: number; sha256: Uint8Array; key: Uint8Array } {
  const o = assertObject(opened, 'opened');
  if (o.kind !== 'file')
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected an opened file message (kind "file")', 'opened.kind');
  const f = assertObject(o.file, 'opened.file');
  const size = f.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected the file size', 'opened.file.size');
  if (typeof f.sha256 !== 'string' || !isCanonicalBase64(f.sha256, 32, 'forbidden'))
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected the SHA-256 of the encrypted blob', 'opened.file.sha256');
  let key: Uint8Array | undefined = fileKeyOf(o);
  if (key === undefined && options?.conversationKeys !== undefined) {
    const version = o.conversationKeyVersion;
    const keys = assertObject(options.conversationKeys, 'options.conversationKeys');
    const k = isVersion(version) && Object.hasOwn(keys, version) ? keys[version] : undefined;
    if (k !== undefined) key = assertBytes(k, `options.conversationKeys[${JSON.stringify(version)}]`, 32);
  }
  if (key === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'no key for this message: pass the object openSendbirdMessage returned, or its key in options.conversationKeys',
      'opened',
    );
  }
  return { size, encryptedSize: mediaCiphertextLength(size), sha256: decodeBase64(f.sha256), key };
}

const notThisBlob = (reason: string) =>
  new VerificationError(ErrorCodes.DECRYPT_FAILED, `the downloaded file is not the one the message names: ${reason}`, 'encrypted');

/**
 * Decrypts the downloaded (encrypted) file of an opened file message, after checking that it is
 * the blob the signed message names: its length, then its SHA-256.
 * @param encrypted - the bytes served at the message's `url`
 * @param opened - the file message as `openSendbirdMessage` returned it
 * @returns the original file's bytes, exactly the signed size
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` for a blob truncated, extended, swapped for
 * another (even of the same channel) or tampered with
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for a value that is not an opened file message,
 * or no key for it
 * @example
 * const opened = await openSendbirdMessage(message, options);
 * const photo = await openSendbirdFile(new Uint8Array(await (await fetch(opened.file.url)).arrayBuffer()), opened);
 */
export async function openSendbirdFile(
  encrypted: Uint8Array,
  opened: OpenedSendbirdMessage,
  options?: OpenSendbirdFileOptions,
): Promise<Uint8Array> {
  const { size, encryptedSize, sha256: expected, key } = fileAndKey(opened, options);
  assertBytes(encrypted, 'encrypted');
  if (encrypted.length !== encryptedSize)
    throw notThisBlob(`it has ${encrypted.length} bytes, the message's has ${encryptedSize} (truncated, extended or another file)`);
  const backend = await resolveBackend(options?.backend);
  if (!constantTimeEqual(await backend.sha256(encrypted), expected)) throw notThisBlob('its SHA-256 differs (another file, or tampered)');
  return decryptMedia(encrypted, key, { backend, expectedLength: size });
}

/**
 * Starts an incremental decryptor of an opened file message's blob: pieces of any size in,
 * plaintext out as each chunk authenticates; `finish()` checks the length and the SHA-256 of the
 * whole blob and only then returns the last piece. Until it returns, what `push` gave back is
 * unproven (it may belong to another file of the channel, or be truncated).
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` as {@link openSendbirdFile}
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` from `push` and `finish`, with the media
 * decryptor's errors
 * @example
 * const dec = await createSendbirdFileDecryptor(opened);
 * for await (const part of download) sink.write(dec.push(part));
 * sink.write(dec.finish()); // only now is the file known to be the message's, whole
 */
export async function createSendbirdFileDecryptor(
  opened: OpenedSendbirdMessage,
  options?: OpenSendbirdFileOptions,
): Promise<MediaDecryptor> {
  const { size, encryptedSize, sha256: expected, key } = fileAndKey(opened, options);
  const inner = await createMediaDecryptor(key, {
    ...(options?.backend === undefined ? {} : { backend: options.backend }),
    expectedLength: size,
  });
  const hash = sha256.create();
  let total = 0;
  /** Ends the inner decryptor (which wipes its state) and throws `error`. */
  const abandon = (error: VerificationError): never => {
    try {
      inner.finish();
    } catch {
      // incomplete by construction: `error` says more
    }
    throw error;
  };
  return {
    push(chunk: Uint8Array): Uint8Array {
      assertBytes(chunk, 'chunk');
      total += chunk.length;
      if (total > encryptedSize) abandon(notThisBlob(`it is longer than the message's ${encryptedSize} bytes`));
      hash.update(chunk);
      return inner.push(chunk);
    },
    finish(): Uint8Array {
      if (total !== encryptedSize)
        abandon(notThisBlob(`it has ${total} bytes, the message's has ${encryptedSize} (truncated or another file)`));
      const out = inner.finish();
      if (!constantTimeEqual(hash.digest(), expected)) {
        wipe(out);
        throw notThisBlob('its SHA-256 differs (another file, or tampered)');
      }
      return out;
    },
  };
}

interface Controller {
  enqueue(chunk: Uint8Array): void;
}
type TransformStreamClass = new (transformer: {
  start(): Promise<void>;
  transform(chunk: Uint8Array, controller: Controller): void;
  flush(controller: Controller): void;
}) => TransformStream<Uint8Array, Uint8Array>;

/**
 * A Web Streams `TransformStream` that decrypts an opened file message's blob: the download's
 * bytes in, the file's bytes out. It errors on the first bad chunk, and at the end when the blob
 * is not the message's (length, SHA-256) or incomplete: what it passed on before is unproven
 * until the stream closes without error.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` as {@link openSendbirdFile}
 * @example
 * const res = await fetch(opened.file.url);
 * await res.body.pipeThrough(sendbirdFileDecryptionStream(opened)).pipeTo(sink);
 */
export function sendbirdFileDecryptionStream(
  opened: OpenedSendbirdMessage,
  options?: OpenSendbirdFileOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const { key } = fileAndKey(opened, options);
  const Class = (globalThis as { TransformStream?: TransformStreamClass }).TransformStream;
  if (Class === undefined) throw new InternalError(ErrorCodes.INTERNAL, 'this runtime has no Web Streams TransformStream');
  const copy = new Uint8Array(key); // the message's key may be wiped before start() runs
  let dec: MediaDecryptor;
  return new Class({
    async start() {
      try {
        dec = await createSendbirdFileDecryptor(opened, { ...options, conversationKeys: { [opened.conversationKeyVersion]: copy } });
      } finally {
        wipe(copy);
      }
    },
    transform(chunk, controller) {
      const out = dec.push(chunk);
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      const out = dec.finish();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}
