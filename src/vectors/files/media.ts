/**
 * media.json: encrypted media (libsodium's secretstream XChaCha20-Poly1305 keyed with the
 * conversation key, 1024-byte chunks, the last one FINAL) of plaintexts of 0, 1, 1023, 1024, 1025,
 * 2048 and 5000 bytes, byte i of a plaintext being i mod 251; the 24-byte header from the vector's
 * randomness stream. Ciphertexts up to 1100 bytes are given whole; every one by length and SHA-256.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decryptMedia, encryptMedia } from '../../index.js';
import { withTestingHooks } from '../../testing.js';
import { fromHex, header, stream, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, list, num, object, oneOf, optional, str, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';
import { conversationKeyOf } from './conversation.js';

/** One frame of the stream: its tag, and how many plaintext and ciphertext bytes it has. */
export interface Frame {
  tag: 'MESSAGE' | 'FINAL';
  plaintext_length: number;
  frame_length: number;
}

/** One encrypted plaintext. */
export interface MediaVector {
  id: string;
  plaintext_length: number;
  random_seed: string;
  plaintext_sha256_hex: string;
  header_hex: string;
  frames: Frame[];
  ciphertext_length: number;
  ciphertext_sha256_hex: string;
  /** The whole ciphertext, when it is at most {@link WHOLE} bytes. */
  ciphertext_hex?: string;
}

/** The file's own top-level fields. */
export interface MediaTop {
  conversation_key_hex: string;
}

export type MediaFile = Header & MediaTop & { vectors: MediaVector[] };

const SIZES = [0, 1, 1023, 1024, 1025, 2048, 5000];
/** Ciphertexts up to this many bytes are given whole. */
const WHOLE = 1100;

/** The plaintext of the vectors: byte i is i mod 251. */
export const mediaPlaintext = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251);

/** The frames of an n-byte plaintext: 1024-byte MESSAGE chunks, the last one FINAL (none for n = 0). */
function framesOf(n: number): Frame[] {
  const frames: Frame[] = [];
  for (let at = 0; at < n; at += 1024) {
    const m = Math.min(1024, n - at);
    frames.push({ tag: at + 1024 >= n ? 'FINAL' : 'MESSAGE', plaintext_length: m, frame_length: m + 17 });
  }
  return frames;
}

/** Encrypts the plaintext of `n` bytes with the header drawn from `seed`. */
export async function encryptVector(n: number, key: Uint8Array, seed: string): Promise<Uint8Array> {
  return encryptMedia(mediaPlaintext(n), key, withTestingHooks({ backend: 'noble' as const }, { random: stream(seed) }));
}

async function encrypted(n: number, key: Uint8Array, seed: string) {
  const c = await encryptVector(n, key, seed);
  return {
    plaintext_sha256_hex: toHex(sha256(mediaPlaintext(n))),
    header_hex: toHex(c.subarray(0, 24)),
    frames: framesOf(n),
    ciphertext_length: c.length,
    ciphertext_sha256_hex: toHex(sha256(c)),
    ...(c.length <= WHOLE ? { ciphertext_hex: toHex(c) } : {}),
    bytes: c,
  };
}

export async function generate(users: VectorUser[]): Promise<MediaFile> {
  const key = await conversationKeyOf(users);
  const vectors: MediaVector[] = [];
  for (const n of SIZES) {
    const id = `media-${n}`;
    const random_seed = `chat-keykit vectors: ${id}`;
    const { bytes: _bytes, ...e } = await encrypted(n, key, random_seed);
    vectors.push({ id, plaintext_length: n, random_seed, ...e });
  }
  return {
    ...header(
      'Encrypted media: secretstream XChaCha20-Poly1305 keyed with the conversation key, 1024-byte chunks, the last one FINAL; plaintext byte i is i mod 251.',
    ),
    conversation_key_hex: toHex(key),
    vectors,
  };
}

/** Encrypts each plaintext again and compares; decrypts the ciphertext (the file's, when given whole). */
export async function check(c: Checker, file: FileBody<MediaTop, MediaVector>): Promise<void> {
  const key = fromHex(file.conversation_key_hex);
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const { bytes, ...got } = await encrypted(v.plaintext_length, key, v.random_seed);
      for (const field of [
        'plaintext_sha256_hex',
        'header_hex',
        'frames',
        'ciphertext_length',
        'ciphertext_sha256_hex',
        'ciphertext_hex',
      ] as const)
        c.eq(v.id, field, got[field], v[field]);
      const given = v.ciphertext_hex === undefined ? bytes : fromHex(v.ciphertext_hex);
      const plain = await decryptMedia(given, key, { expectedLength: v.plaintext_length });
      c.eq(v.id, 'decrypt', toHex(sha256(plain)), v.plaintext_sha256_hex);
    });
  }
}

export const readVector: Read<MediaVector> = object((f) => ({
  id: f('id', str),
  plaintext_length: f('plaintext_length', num),
  random_seed: f('random_seed', str),
  plaintext_sha256_hex: f('plaintext_sha256_hex', hex),
  header_hex: f('header_hex', hex),
  frames: f(
    'frames',
    list(
      object((g) => ({
        tag: g('tag', oneOf('MESSAGE', 'FINAL')),
        plaintext_length: g('plaintext_length', num),
        frame_length: g('frame_length', num),
      })),
    ),
  ),
  ciphertext_length: f('ciphertext_length', num),
  ciphertext_sha256_hex: f('ciphertext_sha256_hex', hex),
  ciphertext_hex: f('ciphertext_hex', optional(hex)),
}));

export const mediaFile: VectorFile<MediaTop, MediaVector> = {
  name: 'media.json',
  recomputed: {
    top: [],
    vector: ['plaintext_sha256_hex', 'header_hex', 'frames', 'ciphertext_length', 'ciphertext_sha256_hex', 'ciphertext_hex'],
  },
  readTop: object((f) => ({ conversation_key_hex: f('conversation_key_hex', hex) })),
  readVector,
  generate,
  check,
};
