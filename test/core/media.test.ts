/**
 * Media streams (src/core/media/) against three references: the official SDK (every wire fact and
 * every refusal), libsodium 1.0.22 itself (libsodium-wrappers: byte-for-byte output, tags, rekey,
 * counter wrap) and OpenSSL or the RFC 8439 vector (the ChaCha20 block). Runs under each backend
 * project (node, noble, webcrypto): the functions under test use the project's default backend.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, test } from 'vitest';
import { chacha20, chacha20poly1305, hchacha } from '@noble/ciphers/chacha.js';
import {
  createMediaDecryptor,
  createMediaEncryptor,
  decryptMedia,
  encryptMedia,
  mediaCiphertextLength,
  mediaDecryptionStream,
  mediaEncryptionStream,
  type MediaDecryptor,
  type MediaEncryptor,
} from '../../src/core/media/index.js';
import { chachaBlock } from '../../src/core/media/chacha.js';
import { aeadOf, StreamState } from '../../src/core/media/state.js';
import { resolveBackend } from '../../src/backends.js';
import { withTestingHooks } from '../../src/testing.js';
import { flip } from '../helpers/bytes.js';
import { testBackends } from '../helpers/backends.js';
import { loadXdk } from '../helpers/xdk.js';

/** The SDK's media calls (chat_xdk_wasm.d.ts). */
interface SdkStream {
  push(bytes: Uint8Array): Uint8Array;
  finish(): Uint8Array;
}
interface SdkMedia {
  encryptStream(plaintext: Uint8Array, key: Uint8Array): Uint8Array;
  decryptStream(encrypted: Uint8Array, key: Uint8Array): Uint8Array;
  streamEncryptor(key: Uint8Array): SdkStream;
  streamDecryptor(key: Uint8Array): SdkStream;
}

const MESSAGE = 0;
const PUSH = 1;
const REKEY = 2;
const FINAL = 3;

let sdk: SdkMedia;
/** The SDK, given copies (it may keep or clear what it is given). */
const sdkEncrypt = (p: Uint8Array, key: Uint8Array) => sdk.encryptStream(Uint8Array.from(p), Uint8Array.from(key));
const sdkDecrypt = (c: Uint8Array, key: Uint8Array) => sdk.decryptStream(Uint8Array.from(c), Uint8Array.from(key));
/** The SDK's refusal message, or null when it decrypts. */
const sdkRefusal = (c: Uint8Array, key: Uint8Array): string | null => {
  try {
    sdkDecrypt(c, key);
    return null;
  } catch (e) {
    return String(e);
  }
};
/** Our refusal (its class and code), or null when we decrypt. */
const ourRefusal = async (c: Uint8Array, key: Uint8Array, options?: { expectedLength?: number }) =>
  decryptMedia(c, key, options).then(
    () => null,
    (e: { name: string; code: string }) => `${e.name} ${e.code}`,
  );
const FAILED = 'VerificationError ERR_DECRYPT_FAILED';
const MALFORMED = 'DecodeError ERR_INVALID_ENVELOPE';

beforeAll(async () => {
  const { Chat } = await loadXdk();
  sdk = new Chat() as unknown as SdkMedia;
  await sodium.ready;
});

const bytes = (n: number) => new Uint8Array(randomBytes(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** A stream written by libsodium itself: `chunks[i]` pushed with `tags[i]`. */
function libsodiumStream(key: Uint8Array, chunks: Uint8Array[], tags: number[]): { header: Uint8Array; stream: Uint8Array } {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const frames = chunks.map((m, i) => sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, tags[i] as number));
  return { header, stream: concat([header, ...frames]) };
}

/** Splits `data` into 1024-byte chunks (the last shorter), as X Chat does. */
const chunksOf = (data: Uint8Array, size = 1024) =>
  Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));
const xchatTags = (n: number) => Array.from({ length: n }, (_, i) => (i === n - 1 ? FINAL : MESSAGE));

/** Pushes `data` through a streaming object in the given piece lengths (cycled), then finishes. */
function pushInPieces(s: MediaEncryptor | MediaDecryptor | SdkStream, data: Uint8Array, pieces: number[]): Uint8Array {
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < data.length; k++) {
    const n = pieces[k % pieces.length] as number;
    out.push(s.push(data.subarray(i, i + n)));
    i += n;
  }
  out.push(s.finish());
  return concat(out);
}

describe('construction: the ChaCha20 block and libsodium byte for byte', () => {
  test('the single ChaCha20 block is RFC 8439 §2.3.2 and agrees with OpenSSL and noble', () => {
    const run = (key: Uint8Array, nonce: Uint8Array, counter: number) => {
      const out = new Uint8Array(64);
      chachaBlock(
        new DataView(key.buffer, key.byteOffset, 32),
        new DataView(nonce.buffer, nonce.byteOffset, 12),
        counter,
        new DataView(out.buffer),
      );
      return out;
    };
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Uint8Array.from(Buffer.from('000000090000004a00000000', 'hex'));
    expect(hex(run(key, nonce, 1))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
    for (let i = 0; i < 64; i++) {
      const k = bytes(32);
      const n = bytes(12);
      const counter = i === 0 ? 0xffffffff : randomBytes(4).readUInt32LE();
      const iv = Buffer.alloc(16);
      iv.writeUInt32LE(counter, 0);
      iv.set(n, 4);
      expect(hex(run(k, n, counter))).toBe(hex(createCipheriv('chacha20', k, iv).update(Buffer.alloc(64))));
      if (counter < 0xffffffff) expect(hex(run(k, n, counter))).toBe(hex(chacha20(k, n, new Uint8Array(64), undefined, counter)));
    }
  });

  test('our output is libsodium’s byte for byte, for every last-chunk length class (mod 16) and several chunks', async () => {
    const key = bytes(32);
    for (const n of [1, 7, 8, 15, 16, 17, 24, 1000, 1016, 1023, 1024, 1025, 1032, 2048, 3000]) {
      const plaintext = bytes(n);
      const chunks = chunksOf(plaintext);
      const { header, stream } = libsodiumStream(key, chunks, xchatTags(chunks.length));
      const ours = await encryptMedia(plaintext, key, withTestingHooks({}, { random: () => Uint8Array.from(header) }));
      expect(hex(ours), `length ${n}`).toBe(hex(stream));
    }
  });

  test('PUSH and REKEY tags, an explicit rekey and an empty chunk match libsodium too (internal state)', async () => {
    const backend = await resolveBackend();
    const key = bytes(32);
    const chunks = [bytes(1024), bytes(1024), bytes(100), bytes(1024), new Uint8Array(0), bytes(24)];
    const tags = [PUSH, REKEY, MESSAGE, REKEY, MESSAGE, FINAL];
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const st = new StreamState(aeadOf(backend), key, header);
    for (const [i, m] of chunks.entries()) {
      if (i === 3) {
        sodium.crypto_secretstream_xchacha20poly1305_rekey(state);
        st.rekey();
      }
      const expected = sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, tags[i] as number);
      const frame = new Uint8Array(m.length + 17);
      st.seal(tags[i] as number, m, frame, 0);
      expect(hex(frame), `chunk ${i}`).toBe(hex(expected));
    }
  });

  test('the counter wraps after 2^32 − 1 chunks into a rekey, as in libsodium (state counter set by hand)', async () => {
    const backend = await resolveBackend();
    const key = bytes(32);
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const st = new StreamState(aeadOf(backend), key, header);
    // libsodium's state is `k[32] ‖ nonce[12]`, the nonce starting with the 4-byte counter.
    const heap = (sodium as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8;
    new DataView(heap.buffer).setUint32((state as unknown as number) + 32, 0xfffffffe, true);
    st.setCounter(0xfffffffe);
    for (const m of [bytes(1024), bytes(1024), bytes(1024), bytes(5)]) {
      const expected = sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, MESSAGE);
      const frame = new Uint8Array(m.length + 17);
      st.seal(MESSAGE, m, frame, 0);
      expect(hex(frame)).toBe(hex(expected));
    }
  });

  test('the nonce schedule: frame i of an SDK stream is RFC 8439 AEAD under counter(i+1) ‖ (header[16..24] ⊕ earlier MACs)', () => {
    // Rebuilt from the SDK's bytes with OpenSSL's AEAD and noble's HChaCha20 only: each frame's
    // nonce depends on the MAC of the frame before, so no single cipher call spans two chunks.
    const key = bytes(32);
    const plaintext = bytes(4096);
    const stream = sdkEncrypt(plaintext, key);
    const k = new Uint32Array(8);
    hchacha(
      new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer),
      new Uint32Array(Uint8Array.from(key).buffer),
      new Uint32Array(stream.slice(0, 16).buffer),
      k,
    );
    const inonce = Buffer.from(stream.subarray(16, 24));
    for (let i = 0; i < 4; i++) {
      const frame = stream.subarray(24 + i * 1041, 24 + (i + 1) * 1041);
      const nonce = Buffer.alloc(12);
      nonce.writeUInt32LE(i + 1, 0);
      inonce.copy(nonce, 4);
      const c = createCipheriv('chacha20-poly1305', new Uint8Array(k.buffer), nonce, { authTagLength: 16 });
      const sealed = Buffer.concat([
        c.update(concat([Uint8Array.of(i === 3 ? FINAL : MESSAGE), new Uint8Array(63), plaintext.subarray(i * 1024, (i + 1) * 1024)])),
        c.final(),
        c.getAuthTag(),
      ]);
      expect(hex(concat([sealed.subarray(0, 1), sealed.subarray(64)]))).toBe(hex(frame));
      for (let j = 0; j < 8; j++) inonce[j] = (inonce[j] as number) ^ (frame[1025 + j] as number);
    }
  });

  test('the node backend’s ChaCha20-Poly1305 is RFC 8439’s (noble’s), with and without an output buffer; a bad tag opens to null', async () => {
    const backends = await testBackends();
    // Only a native backend has one; the others take the portable path (noble's ChaCha20 and Poly1305).
    expect(backends.filter((b) => b.backend.chacha20Poly1305).map((b) => b.name)).toEqual(
      backends.some((b) => b.name === 'node') ? ['node'] : [],
    );
    for (const { backend } of backends) {
      if (!backend.chacha20Poly1305) continue;
      for (const n of [0, 1, 64, 1088]) {
        const key = bytes(32);
        const nonce = bytes(12);
        const m = bytes(n);
        const expected = hex(chacha20poly1305(key, nonce).encrypt(m));
        const aead = backend.chacha20Poly1305(key);
        expect(hex(aead.seal(nonce, m))).toBe(expected);
        const out = new Uint8Array(n + 16);
        expect(aead.seal(nonce, m, out)).toBe(out);
        expect(hex(out)).toBe(expected);
        expect(hex(aead.open(nonce, out) as Uint8Array)).toBe(hex(m));
        expect(aead.open(nonce, flip(out, n, 0x80))).toBeNull();
        expect(aead.open(nonce, new Uint8Array(15))).toBeNull();
      }
    }
  });
});

describe('the SDK’s format, confirmed', () => {
  test('lengths are 24 + n + 17·⌈n/1024⌉; frames carry 1024 bytes tagged MESSAGE, the last FINAL, no empty final frame', () => {
    const key = bytes(32);
    for (const n of [0, 1, 2, 1023, 1024, 1025, 2047, 2048, 2049, 4096]) {
      const stream = sdkEncrypt(bytes(n), key);
      expect(stream.length, `length ${n}`).toBe(mediaCiphertextLength(n));
      const pull = sodium.crypto_secretstream_xchacha20poly1305_init_pull(stream.subarray(0, 24), key);
      const got: [number, number][] = [];
      for (let at = 24; at < stream.length; at += 1041) {
        const r = sodium.crypto_secretstream_xchacha20poly1305_pull(pull, stream.subarray(at, at + 1041), null);
        if (r === false) throw new Error('libsodium refused an SDK frame');
        got.push([r.message.length, r.tag]);
      }
      const expected = chunksOf(new Uint8Array(n)).map((c, i, all) => [c.length, i === all.length - 1 ? FINAL : MESSAGE]);
      expect(got, `length ${n}`).toEqual(expected);
    }
    expect([1, 1024, 2048].map(mediaCiphertextLength)).toEqual([42, 1065, 2106]);
  });
});

describe('interop with the SDK, both directions', () => {
  const sizes = [
    0,
    1,
    2,
    1023,
    1024,
    1025,
    2047,
    2048,
    2049,
    4096,
    100_000,
    ...Array.from({ length: 4 }, () => randomBytes(4).readUInt32LE() % (1 << 20)),
  ];

  test.each(sizes)('one shot, %i bytes', async (n) => {
    const key = bytes(32);
    const plaintext = bytes(n);
    const ours = await encryptMedia(plaintext, key);
    expect(ours.length).toBe(mediaCiphertextLength(n));
    expect(hex(sdkDecrypt(ours, key))).toBe(hex(plaintext));
    expect(hex(await decryptMedia(sdkEncrypt(plaintext, key), key))).toBe(hex(plaintext));
  });

  test('streaming with random splits: our encryptor → SDK decryptor, SDK encryptor → our decryptor', async () => {
    for (let round = 0; round < 12; round++) {
      const key = bytes(32);
      const plaintext = bytes(randomBytes(4).readUInt32LE() % 20_000);
      const splits = () => Array.from({ length: 5 }, () => randomBytes(2).readUInt16LE() % 3000);
      const ours = pushInPieces(await createMediaEncryptor(key), plaintext, [...splits(), 0, 1]);
      expect(
        hex(
          pushInPieces(
            sdk.streamDecryptor(Uint8Array.from(key)),
            ours,
            splits().map((x) => x + 1),
          ),
        ),
      ).toBe(hex(plaintext));
      const theirs = pushInPieces(
        sdk.streamEncryptor(Uint8Array.from(key)),
        plaintext,
        splits().map((x) => x + 1),
      );
      expect(hex(pushInPieces(await createMediaDecryptor(key), theirs, [...splits(), 0, 1]))).toBe(hex(plaintext));
    }
  });

  test('Web Streams: mediaEncryptionStream → SDK, SDK → mediaDecryptionStream', async () => {
    const key = bytes(32);
    const plaintext = bytes(70_000);
    const source = (data: Uint8Array, piece: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < data.length; i += piece) controller.enqueue(data.slice(i, i + piece));
          controller.close();
        },
      });
    const collect = async (s: ReadableStream<Uint8Array>) => {
      const parts: Uint8Array[] = [];
      for await (const part of s as unknown as AsyncIterable<Uint8Array>) parts.push(part);
      return concat(parts);
    };
    const encrypted = await collect(source(plaintext, 777).pipeThrough(mediaEncryptionStream(key)));
    expect(hex(sdkDecrypt(encrypted, key))).toBe(hex(plaintext));
    const decrypted = await collect(source(sdkEncrypt(plaintext, key), 4000).pipeThrough(mediaDecryptionStream(key)));
    expect(hex(decrypted)).toBe(hex(plaintext));
    // A bad stream errors the readable side with our typed error.
    const bad = flip(sdkEncrypt(plaintext, key), 5000);
    await expect(collect(source(bad, 4000).pipeThrough(mediaDecryptionStream(key)))).rejects.toMatchObject({ code: 'ERR_DECRYPT_FAILED' });
  });

  test('streaming output equals the one-shot output for the same header, however the input is split', async () => {
    const key = bytes(32);
    const header = bytes(24);
    const plaintext = bytes(10_000);
    const random = () => Uint8Array.from(header);
    const whole = await encryptMedia(plaintext, key, withTestingHooks({}, { random }));
    for (const pieces of [[1], [1023], [1024], [1025], [0, 3000], [10_000]]) {
      expect(hex(pushInPieces(await createMediaEncryptor(key, withTestingHooks({}, { random })), plaintext, pieces))).toBe(hex(whole));
      expect(
        hex(
          pushInPieces(
            await createMediaDecryptor(key),
            whole,
            pieces.map((p) => p || 1),
          ),
        ),
      ).toBe(hex(plaintext));
    }
  });

  test('the streaming forms do not accumulate: each complete frame comes out at once', async () => {
    const key = bytes(32);
    const stream = await encryptMedia(bytes(8 * 1024), key);
    const dec = await createMediaDecryptor(key);
    expect(dec.push(stream.subarray(0, 24)).length).toBe(0);
    for (let f = 0; f < 8; f++) expect(dec.push(stream.subarray(24 + f * 1041, 24 + (f + 1) * 1041)).length).toBe(1024);
    expect(dec.finish().length).toBe(0);
    const enc = await createMediaEncryptor(key);
    expect(enc.push(bytes(10 * 1024)).length).toBe(24 + 9 * 1041); // the last chunk waits for finish
    expect(enc.push(bytes(1)).length).toBe(1041);
    expect(enc.finish().length).toBe(1 + 17);
  });
});

describe('refused streams (each also refused by the SDK, unless said otherwise)', () => {
  let key: Uint8Array;
  let plaintext: Uint8Array;
  let stream: Uint8Array; // 3 frames: 1024, 1024, 952 bytes
  beforeAll(() => {
    key = bytes(32);
    plaintext = bytes(3000);
    stream = sdkEncrypt(plaintext, key);
  });

  test('truncated at a frame boundary (ends without FINAL)', async () => {
    for (const frames of [1, 2]) {
      const cut = stream.subarray(0, 24 + frames * 1041);
      expect(await ourRefusal(cut, key)).toBe(FAILED);
      expect(sdkRefusal(cut, key)).toMatch(/truncated/);
    }
  });

  test('truncated inside a frame: an authentication failure, or an impossible length under 17 bytes', async () => {
    for (const keep of [17, 500, 1040]) {
      const cut = stream.subarray(0, 24 + 1041 + keep);
      expect(await ourRefusal(cut, key)).toBe(FAILED);
      expect(sdkRefusal(cut, key)).not.toBeNull();
    }
    for (const keep of [1, 16]) {
      const cut = stream.subarray(0, 24 + 1041 + keep);
      expect(await ourRefusal(cut, key)).toBe(MALFORMED);
      expect(sdkRefusal(cut, key)).not.toBeNull();
    }
  });

  test('cut back to its header: both read an empty file (the format cannot tell); expectedLength refuses it', async () => {
    const cut = stream.subarray(0, 24);
    expect(sdkDecrypt(cut, key)).toHaveLength(0);
    expect(await decryptMedia(cut, key)).toHaveLength(0);
    expect(await ourRefusal(cut, key, { expectedLength: 3000 })).toBe(FAILED);
    // Any 24 bytes "open" under any key: the header authenticates nothing.
    expect(await decryptMedia(bytes(24), bytes(32))).toHaveLength(0);
  });

  test('shorter than the header', async () => {
    for (const n of [0, 1, 23]) {
      expect(await ourRefusal(stream.subarray(0, n), key)).toBe(MALFORMED);
      expect(sdkRefusal(stream.subarray(0, n), key)).not.toBeNull();
    }
  });

  test('reordered frames', async () => {
    const f = (i: number) => stream.subarray(24 + i * 1041, 24 + (i + 1) * 1041);
    const swapped = concat([stream.subarray(0, 24), f(1), f(0), stream.subarray(24 + 2 * 1041)]);
    expect(await ourRefusal(swapped, key)).toBe(FAILED);
    expect(sdkRefusal(swapped, key)).not.toBeNull();
  });

  test('extended: anything after the FINAL frame', async () => {
    const full = sdkEncrypt(bytes(2048), key); // ends with a full FINAL frame
    const lastFrame = full.subarray(full.length - 1041);
    for (const extended of [
      concat([full, Uint8Array.of(0)]),
      concat([full, lastFrame]),
      concat([full, bytes(17)]),
      concat([stream, bytes(1041)]),
    ]) {
      expect(await ourRefusal(extended, key)).not.toBeNull();
      expect(sdkRefusal(extended, key)).not.toBeNull();
    }
    expect(await ourRefusal(concat([full, bytes(20)]), key)).toBe(FAILED);
    expect(sdkRefusal(concat([full, bytes(20)]), key)).toMatch(/after final/);
  });

  test('a bit flip anywhere, header included', async () => {
    const small = sdkEncrypt(bytes(1100), key); // 24 + 1041 + 93 bytes
    for (let i = 0; i < small.length; i++) {
      const bad = flip(Uint8Array.from(small), i, 1 << (i % 8));
      expect(await ourRefusal(bad, key), `byte ${i}`).toBe(FAILED);
      if (i % 97 === 0) expect(sdkRefusal(bad, key), `byte ${i}`).not.toBeNull();
    }
  });

  test('the wrong key', async () => {
    const other = bytes(32);
    expect(await ourRefusal(stream, other)).toBe(FAILED);
    expect(sdkRefusal(stream, other)).not.toBeNull();
  });

  test('FINAL on a frame that is not the last', async () => {
    const { stream: s } = libsodiumStream(key, [bytes(1024), bytes(1024), bytes(10)], [MESSAGE, FINAL, FINAL]);
    expect(await ourRefusal(s, key)).toBe(FAILED);
    expect(sdkRefusal(s, key)).toMatch(/after final/);
  });

  test('stricter: PUSH or REKEY on a frame that is not the last — the SDK accepts them, we refuse', async () => {
    for (const tag of [PUSH, REKEY]) {
      const chunks = [bytes(1024), bytes(1024), bytes(10)];
      const { stream: s } = libsodiumStream(key, chunks, [MESSAGE, tag, FINAL]);
      expect(hex(sdkDecrypt(s, key)), `tag ${tag}`).toBe(hex(concat(chunks)));
      expect(await ourRefusal(s, key)).toBe(FAILED);
    }
  });

  test('PUSH, REKEY or MESSAGE on the last frame: not FINAL, so truncated for both', async () => {
    for (const tag of [MESSAGE, PUSH, REKEY]) {
      const { stream: s } = libsodiumStream(key, [bytes(1024), bytes(10)], [MESSAGE, tag]);
      expect(await ourRefusal(s, key)).toBe(FAILED);
      expect(sdkRefusal(s, key)).toMatch(/truncated/);
    }
  });

  test('stricter: tag values libsodium never names (4 to 255) — libsodium returns them, the SDK refuses them too', async () => {
    for (const tag of [4, 0x10, 0x83, 0xff]) {
      const { stream: s } = libsodiumStream(key, [bytes(1024), bytes(10)], [tag, FINAL]);
      expect(await ourRefusal(s, key)).toBe(FAILED);
      expect(sdkRefusal(s, key)).not.toBeNull();
      const { stream: last } = libsodiumStream(key, [bytes(10)], [tag]);
      expect(await ourRefusal(last, key)).toBe(FAILED);
      expect(sdkRefusal(last, key)).not.toBeNull();
    }
  });

  test('accepted as the SDK accepts it: an empty FINAL frame after full frames, as a libsodium encoder writes at end of input', async () => {
    const chunks = [bytes(1024), bytes(1024), new Uint8Array(0)];
    const { stream: s } = libsodiumStream(key, chunks, [MESSAGE, MESSAGE, FINAL]);
    expect(hex(sdkDecrypt(s, key))).toBe(hex(concat(chunks)));
    expect(hex(await decryptMedia(s, key))).toBe(hex(concat(chunks)));
    const { stream: empty } = libsodiumStream(key, [new Uint8Array(0)], [FINAL]);
    expect(sdkDecrypt(empty, key)).toHaveLength(0);
    expect(await decryptMedia(empty, key)).toHaveLength(0);
  });

  test('another chunk size (512 bytes): refused by both, frames are cut every 1041 bytes', async () => {
    const data = bytes(2000);
    const chunks = chunksOf(data, 512);
    const { stream: s } = libsodiumStream(key, chunks, xchatTags(chunks.length));
    expect(await ourRefusal(s, key)).toBe(FAILED);
    expect(sdkRefusal(s, key)).not.toBeNull();
  });

  test('expectedLength: the right length passes; any other is refused, while streaming as soon as it is exceeded', async () => {
    expect(await decryptMedia(stream, key, { expectedLength: 3000 })).toHaveLength(3000);
    expect(await ourRefusal(stream, key, { expectedLength: 2999 })).toBe(FAILED);
    expect(await ourRefusal(stream, key, { expectedLength: 3001 })).toBe(FAILED);
    const dec = await createMediaDecryptor(key, { expectedLength: 1000 });
    expect(() => dec.push(stream.subarray(0, 24 + 1041))).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED' }));
    await expect(createMediaDecryptor(key, { expectedLength: -1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'options.expectedLength',
    });
    await expect(decryptMedia(stream, key, { expectedLength: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  test('the streaming decryptor refuses the same streams, at push or at finish, and stays failed', async () => {
    const cases: [Uint8Array, string][] = [
      [stream.subarray(0, 24 + 1041), 'truncated'],
      [stream.subarray(0, 24 + 1041 + 5), 'impossible'],
      [stream.subarray(0, 10), 'header'],
      [flip(Uint8Array.from(stream), 2000), 'flip'],
      [concat([stream, Uint8Array.of(1)]), 'extended'],
    ];
    for (const [bad, label] of cases) {
      const dec = await createMediaDecryptor(key);
      let error: unknown;
      try {
        pushInPieces(dec, bad, [333]);
      } catch (e) {
        error = e;
      }
      expect(error, label).toMatchObject({ code: expect.stringMatching(/^ERR_(DECRYPT_FAILED|INVALID_ENVELOPE)$/) });
      expect(() => dec.push(new Uint8Array(1)), label).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED' }));
      expect(() => dec.finish(), label).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED' }));
    }
  });
});

describe('API edges', () => {
  test('finished streaming objects refuse more calls; bad arguments are typed errors', async () => {
    const key = bytes(32);
    const enc = await createMediaEncryptor(key);
    enc.finish();
    expect(() => enc.push(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'encryptor' }));
    expect(() => enc.finish()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const dec = await createMediaDecryptor(key);
    dec.push(await encryptMedia(new Uint8Array(0), key));
    dec.finish();
    expect(() => dec.finish()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'decryptor' }));
    expect(() => (dec as unknown as { push(x: unknown): void }).push('x')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'chunk' }),
    );
    await expect(encryptMedia(new Uint8Array(1), new Uint8Array(31))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'key' });
    await expect(decryptMedia('x' as never, key)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'ciphertext' });
    await expect(createMediaDecryptor(new Uint8Array(33))).rejects.toMatchObject({ field: 'key' });
    expect(() => mediaDecryptionStream(new Uint8Array(1))).toThrow(expect.objectContaining({ field: 'key' }));
    expect(() => mediaCiphertextLength(-1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  test('inputs are never modified, Node Buffers (views into a shared pool) included', async () => {
    // Regression: `Buffer#slice` is a view, so copying a key with `.slice()` and wiping the copy
    // wiped the caller's key.
    const key = randomBytes(32);
    const keyBefore = hex(key);
    const plaintext = randomBytes(3000);
    const before = hex(plaintext);
    const stream = Buffer.from(await encryptMedia(plaintext, key));
    const streamBefore = hex(stream);
    expect(hex(await decryptMedia(stream, key))).toBe(before);
    pushInPieces(await createMediaEncryptor(key), plaintext, [100]);
    pushInPieces(await createMediaDecryptor(key), stream, [100]);
    expect([hex(key), hex(plaintext), hex(stream)]).toEqual([keyBefore, before, streamBefore]);
    expect(hex(sdkDecrypt(await encryptMedia(plaintext, key), key))).toBe(before);
  });

  test('no error message or JSON carries the key', async () => {
    const key = bytes(32);
    const forms = [hex(key), Buffer.from(key).toString('base64').slice(0, 40), Buffer.from(key).toString('base64url').slice(0, 40)];
    const stream = await encryptMedia(bytes(2000), key);
    const errors: unknown[] = [];
    const attempts = [
      () => decryptMedia(flip(Uint8Array.from(stream), 100), key),
      () => decryptMedia(stream.subarray(0, 1065), key),
      () => decryptMedia(stream.subarray(0, 30), key),
      () => decryptMedia(stream, key, { expectedLength: 1 }),
      () => decryptMedia(stream, bytes(32)),
      async () => pushInPieces(await createMediaDecryptor(key), concat([stream, Uint8Array.of(1)]), [50]),
    ];
    for (const attempt of attempts)
      await Promise.resolve()
        .then(attempt)
        .catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(attempts.length);
    for (const e of errors) {
      const text = `${(e as Error).message} ${JSON.stringify(e)}`;
      for (const f of forms) expect(text.toLowerCase()).not.toContain(f.toLowerCase());
    }
  });
});

describe('properties (fast-check)', () => {
  test('round trip over arbitrary lengths and arbitrary push splits, equal to the one-shot bytes', async () => {
    const key = bytes(32);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat({ max: 2100 }), { minLength: 1, maxLength: 6 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        async (plaintext, pieces, header) => {
          const random = () => Uint8Array.from(header);
          const whole = await encryptMedia(plaintext, key, withTestingHooks({}, { random }));
          const splits = pieces.some((p) => p > 0) ? pieces : [1];
          expect(hex(pushInPieces(await createMediaEncryptor(key, withTestingHooks({}, { random })), plaintext, splits))).toBe(hex(whole));
          expect(hex(pushInPieces(await createMediaDecryptor(key), whole, splits))).toBe(hex(plaintext));
          expect(hex(await decryptMedia(whole, key))).toBe(hex(plaintext));
        },
      ),
      { numRuns: 60 },
    );
  });
});
