/**
 * metadata.json: encrypted metadata strings (a group title, an avatar URL, the empty string,
 * non-ASCII text): NaCl secretbox (XSalsa20-Poly1305) under the conversation key, the nonce from
 * the vector's randomness stream, `nonce(24) ‖ tag(16) ‖ ciphertext` in padded standard base64.
 *
 * @module
 */
import { decryptMetadata, encryptMetadata } from '../../index.js';
import { withTestingHooks } from '../../testing.js';
import { decodeBase64 } from '../../wire.js';
import { fromHex, header, stream, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, object, str, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';
import { conversationKeyOf } from './conversation.js';

/** One encrypted string. */
export interface MetadataVector {
  id: string;
  text: string;
  random_seed: string;
  plaintext_hex: string;
  nonce_hex: string;
  tag_hex: string;
  ciphertext_b64: string;
}

/** The file's own top-level fields. */
export interface MetadataTop {
  conversation_key_hex: string;
}

export type MetadataFile = Header & MetadataTop & { vectors: MetadataVector[] };

const TEXTS: [id: string, text: string][] = [
  ['metadata-title', 'Weekend trip'],
  ['metadata-avatar-url', 'https://pbs.twimg.com/media/GroupAvatar123.jpg'],
  ['metadata-empty', ''],
  ['metadata-non-ascii', 'Café ☕ 東京 👋🏽, "quoted"'],
];

/** What encrypting `text` with the stream of `seed` gives. */
async function encrypt(text: string, key: Uint8Array, seed: string) {
  const ciphertext_b64 = await encryptMetadata(text, key, withTestingHooks({ backend: 'noble' as const }, { random: stream(seed) }));
  const blob = decodeBase64(ciphertext_b64);
  return {
    plaintext_hex: toHex(new TextEncoder().encode(text)),
    nonce_hex: toHex(blob.subarray(0, 24)),
    tag_hex: toHex(blob.subarray(24, 40)),
    ciphertext_b64,
  };
}

export async function generate(users: VectorUser[]): Promise<MetadataFile> {
  const key = await conversationKeyOf(users);
  const vectors: MetadataVector[] = [];
  for (const [id, text] of TEXTS) {
    const random_seed = `chat-keykit vectors: ${id}`;
    vectors.push({ id, text, random_seed, ...(await encrypt(text, key, random_seed)) });
  }
  return {
    ...header(
      'Encrypted metadata strings: NaCl secretbox (XSalsa20-Poly1305) under the conversation key, nonce(24) ‖ tag(16) ‖ ciphertext, padded standard base64.',
    ),
    conversation_key_hex: toHex(key),
    vectors,
  };
}

/** Encrypts each text again with its stream and compares; decrypts the file's ciphertext. */
export async function check(c: Checker, file: FileBody<MetadataTop, MetadataVector>): Promise<void> {
  const key = fromHex(file.conversation_key_hex);
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const got = await encrypt(v.text, key, v.random_seed);
      for (const field of ['plaintext_hex', 'nonce_hex', 'tag_hex', 'ciphertext_b64'] as const) c.eq(v.id, field, got[field], v[field]);
      c.eq(v.id, 'decrypt(ciphertext_b64)', await decryptMetadata(v.ciphertext_b64, key), v.text);
    });
  }
}

export const readVector: Read<MetadataVector> = object((f) => ({
  id: f('id', str),
  text: f('text', str),
  random_seed: f('random_seed', str),
  plaintext_hex: f('plaintext_hex', hex),
  nonce_hex: f('nonce_hex', hex),
  tag_hex: f('tag_hex', hex),
  ciphertext_b64: f('ciphertext_b64', str),
}));

export const metadataFile: VectorFile<MetadataTop, MetadataVector> = {
  name: 'metadata.json',
  recomputed: { top: [], vector: ['plaintext_hex', 'nonce_hex', 'tag_hex', 'ciphertext_b64'] },
  readTop: object((f) => ({ conversation_key_hex: f('conversation_key_hex', hex) })),
  readVector,
  generate,
  check,
};
