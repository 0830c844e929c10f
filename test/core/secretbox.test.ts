/**
 * Secretbox blobs and encrypted metadata (secretbox.ts) against libsodium 1.0.22's
 * `crypto_secretbox_easy` (byte for byte) and the official SDK's `encrypt`/`decrypt` (both
 * directions, and every refusal).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, test } from 'vitest';
import { decryptMetadata, encryptMetadata, openSecretbox, sealSecretbox, SECRETBOX_OVERHEAD } from '../../src/core/secretbox.js';
import { withTestingHooks } from '../../src/testing.js';
import { flip } from '../helpers/bytes.js';
import { loadXdk } from '../helpers/xdk.js';

interface SdkMetadata {
  encrypt(plaintext: string, key: Uint8Array): string;
  decrypt(ciphertextB64: string, key: Uint8Array): string;
}

let sdk: SdkMetadata;
beforeAll(async () => {
  const { Chat } = await loadXdk();
  sdk = new Chat() as unknown as SdkMetadata;
  await sodium.ready;
});

const bytes = (n: number) => new Uint8Array(randomBytes(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const sdkDecrypt = (text: string, key: Uint8Array) => sdk.decrypt(text, Uint8Array.from(key));
const sdkRefusal = (text: string, key: Uint8Array): string | null => {
  try {
    sdkDecrypt(text, key);
    return null;
  } catch (e) {
    return String(e);
  }
};
const ourRefusal = (text: string, key: Uint8Array) =>
  decryptMetadata(text, key).then(
    () => null,
    (e: { name: string; code: string }) => `${e.name} ${e.code}`,
  );

const TEXTS = [
  '',
  'hi',
  'Weekend trip ✈️',
  'emoji 👩‍👩‍👧‍👦 and 日本語 and ünïcödé',
  '\ufeffa leading byte-order mark',
  'x'.repeat(10_000),
  '🎉'.repeat(2_500),
];

describe('sealSecretbox / openSecretbox', () => {
  test('the blob is nonce ‖ crypto_secretbox_easy(m, nonce, key), libsodium’s bytes exactly', () => {
    for (const n of [0, 1, 16, 1000]) {
      const key = bytes(32);
      const nonce = bytes(24);
      const m = bytes(n);
      const blob = sealSecretbox(key, m, () => Uint8Array.from(nonce));
      expect(blob.length).toBe(n + SECRETBOX_OVERHEAD);
      expect(hex(blob)).toBe(hex(nonce) + hex(sodium.crypto_secretbox_easy(m, nonce, key)));
      expect(hex(openSecretbox(key, blob) as Uint8Array)).toBe(hex(m));
      expect(hex(sodium.crypto_secretbox_open_easy(blob.subarray(24), nonce, key))).toBe(hex(m));
    }
  });

  test('a fresh nonce from the CSPRNG by default', () => {
    const key = bytes(32);
    const a = sealSecretbox(key, new Uint8Array(4));
    const b = sealSecretbox(key, new Uint8Array(4));
    expect(hex(a.subarray(0, 24))).not.toBe(hex(b.subarray(0, 24)));
  });

  test('a flipped bit anywhere or another key opens to null; malformed input is a typed error', () => {
    const key = bytes(32);
    const blob = sealSecretbox(key, bytes(20));
    for (let i = 0; i < blob.length; i++) expect(openSecretbox(key, flip(Uint8Array.from(blob), i, 1 << (i % 8))), `byte ${i}`).toBeNull();
    expect(openSecretbox(bytes(32), blob)).toBeNull();
    expect(openSecretbox(key, new Uint8Array(40))).toBeNull();
    expect(() => openSecretbox(key, blob.subarray(0, 39))).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'ERR_INVALID_ENVELOPE', field: 'blob' }),
    );
    expect(() => openSecretbox(bytes(31), blob)).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_ARGUMENT', field: 'key' }),
    );
    expect(() => sealSecretbox(bytes(33), blob)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'key' }));
    expect(() => sealSecretbox(key, 'text' as never)).toThrow(expect.objectContaining({ field: 'plaintext' }));
    expect(() => sealSecretbox(key, blob, () => new Uint8Array(23))).toThrow(expect.objectContaining({ field: 'random' }));
  });

  test('inputs are not modified (Node Buffers included)', () => {
    const key = randomBytes(32);
    const m = randomBytes(100);
    const [k0, m0] = [hex(key), hex(m)];
    const blob = Buffer.from(sealSecretbox(key, m));
    const blob0 = hex(blob);
    openSecretbox(key, blob);
    expect([hex(key), hex(m), hex(blob)]).toEqual([k0, m0, blob0]);
  });
});

describe('encryptMetadata / decryptMetadata against the SDK', () => {
  test.each(TEXTS.map((t) => [t.slice(0, 20), t]))('both directions: %j', async (_, text) => {
    const key = bytes(32);
    const ours = await encryptMetadata(text, key);
    expect(sdkDecrypt(ours, key)).toBe(text);
    expect(await decryptMetadata(sdk.encrypt(text, Uint8Array.from(key)), key)).toBe(text);
  });

  test('the SDK writes padded standard base64 of a 40-byte-longer blob; so do we, deterministically when the nonce is injected', async () => {
    const key = bytes(32);
    const theirs = sdk.encrypt('hi', Uint8Array.from(key));
    expect(theirs).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(theirs.length % 4).toBe(0);
    expect(Buffer.from(theirs, 'base64')).toHaveLength(42);
    const nonce = bytes(24);
    const ours = await encryptMetadata('hi', key, withTestingHooks({}, { random: () => Uint8Array.from(nonce) }));
    expect(ours).toBe(b64(sealSecretbox(key, new TextEncoder().encode('hi'), () => nonce)));
    expect(await encryptMetadata('hi', key, withTestingHooks({}, { random: () => Uint8Array.from(nonce) }))).toBe(ours);
    expect(ours.length % 4).toBe(0);
  });

  test('unpadded base64 is accepted, as by the SDK', async () => {
    const key = bytes(32);
    const text = await encryptMetadata('a', key); // 41 bytes: one '=' of padding
    expect(text.endsWith('=')).toBe(true);
    expect(await decryptMetadata(text.replace(/=+$/, ''), key)).toBe('a');
    expect(sdkDecrypt(text.replace(/=+$/, ''), key)).toBe('a');
  });

  test('non-canonical base64 is refused: URL-safe, whitespace, non-zero trailing bits (the SDK refuses these too)', async () => {
    const key = bytes(32);
    let text = await encryptMetadata('a', key);
    while (!/[+/]/.test(text)) text = await encryptMetadata('a', key);
    // 41 bytes: the last character before '=' has 2 spare bits; set the lowest.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const trailing = text.slice(0, -2) + ALPHABET[ALPHABET.indexOf(text.charAt(text.length - 2)) | 1] + '=';
    expect(Buffer.from(trailing, 'base64').equals(Buffer.from(text, 'base64'))).toBe(true); // Node's lenient decoder: same bytes
    for (const bad of [text.replace(/\+/g, '-').replace(/\//g, '_'), ` ${text}`, `${text}\n`, trailing, '!!!']) {
      expect(await ourRefusal(bad, key), JSON.stringify(bad)).toBe('DecodeError ERR_INVALID_BASE64');
      expect(sdkRefusal(bad, key), JSON.stringify(bad)).not.toBeNull();
    }
  });

  test('another key or a tampered blob: ERR_DECRYPT_FAILED (the SDK refuses too)', async () => {
    const key = bytes(32);
    const blob = Buffer.from(await encryptMetadata('secret name', key), 'base64');
    expect(await ourRefusal(b64(blob), bytes(32))).toBe('VerificationError ERR_DECRYPT_FAILED');
    expect(sdkRefusal(b64(blob), bytes(32))).toMatch(/Decryption failed/);
    for (const at of [0, 23, 24, 39, 40, blob.length - 1]) {
      const bad = b64(flip(Uint8Array.from(blob), at));
      expect(await ourRefusal(bad, key), `byte ${at}`).toBe('VerificationError ERR_DECRYPT_FAILED');
      expect(sdkRefusal(bad, key), `byte ${at}`).not.toBeNull();
    }
  });

  test('a blob under 40 bytes: ERR_INVALID_ENVELOPE (the SDK: "too short")', async () => {
    const key = bytes(32);
    for (const n of [0, 1, 39]) {
      expect(await ourRefusal(b64(new Uint8Array(n)), key)).toBe('DecodeError ERR_INVALID_ENVELOPE');
      expect(sdkRefusal(b64(new Uint8Array(n)), key)).not.toBeNull();
    }
  });

  test('decrypted bytes that are not UTF-8: ERR_INVALID_UTF8 (the SDK refuses them too); a BOM is kept', async () => {
    const key = bytes(32);
    for (const invalid of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x61, 0x80]]) {
      const text = b64(sealSecretbox(key, Uint8Array.from(invalid)));
      expect(await ourRefusal(text, key)).toBe('DecodeError ERR_INVALID_UTF8');
      expect(sdkRefusal(text, key)).toMatch(/UTF-8/);
    }
    const bom = b64(sealSecretbox(key, Uint8Array.of(0xef, 0xbb, 0xbf, 0x61)));
    expect(await decryptMetadata(bom, key)).toBe('\ufeffa');
    expect(sdkDecrypt(bom, key)).toBe('\ufeffa');
  });

  test('stricter: a lone surrogate is refused; the SDK encrypts U+FFFD instead and decrypts to another string', async () => {
    const key = bytes(32);
    for (const text of ['\ud800', 'a\udc00b', '\ud83d']) {
      await expect(encryptMetadata(text, key)).rejects.toMatchObject({
        name: 'InvalidInputError',
        code: 'ERR_INVALID_ARGUMENT',
        field: 'text',
      });
      expect(await decryptMetadata(sdk.encrypt(text, Uint8Array.from(key)), key)).toBe(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
    }
  });

  test('bad arguments are typed errors', async () => {
    await expect(encryptMetadata(42 as never, bytes(32))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'text' });
    await expect(encryptMetadata('a', bytes(16))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'key' });
    await expect(decryptMetadata(42 as never, bytes(32))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'ciphertext' });
    await expect(decryptMetadata(await encryptMetadata('a', bytes(32)), bytes(31))).rejects.toMatchObject({ field: 'key' });
  });

  test('no error message or JSON carries the key', async () => {
    const key = bytes(32);
    const forms = [hex(key), b64(key).slice(0, 40), Buffer.from(key).toString('base64url').slice(0, 40)];
    const good = await encryptMetadata('name', key);
    const errors: unknown[] = [];
    for (const attempt of [
      () => decryptMetadata(b64(flip(Buffer.from(good, 'base64'), 30)), key),
      () => decryptMetadata(good, bytes(32)),
      () => decryptMetadata(b64(sealSecretbox(key, Uint8Array.of(0xff))), key),
      () => decryptMetadata(b64(new Uint8Array(10)), key),
      () => decryptMetadata(`${good}!`, key),
    ]) {
      await attempt().catch((e: unknown) => errors.push(e));
    }
    expect(errors).toHaveLength(5);
    for (const e of errors) {
      const text = `${(e as Error).message} ${JSON.stringify(e)}`.toLowerCase();
      for (const f of forms) expect(text).not.toContain(f.toLowerCase());
    }
  });
});

describe('properties (fast-check)', () => {
  test('any well-formed string round-trips, and the SDK reads it', async () => {
    const key = bytes(32);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
        const ours = await encryptMetadata(text, key);
        expect(await decryptMetadata(ours, key)).toBe(text);
        expect(sdkDecrypt(ours, key)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  test('any bytes round-trip through seal and open', () => {
    const key = bytes(32);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (m) => {
        const blob = sealSecretbox(key, m);
        expect(blob.length).toBe(m.length + 40);
        expect(hex(openSecretbox(key, blob) as Uint8Array)).toBe(hex(m));
      }),
      { numRuns: 100 },
    );
  });
});
