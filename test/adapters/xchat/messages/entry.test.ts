/**
 * Message entries: sealed under the conversation key, opened only with that key, bytes after the
 * holder ignored as the official SDK ignores them, anything else refused with a typed error.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { openEntry, sealEntry } from '../../../../src/adapters/xchat/messages/entry.js';
import { sealSecretbox } from '../../../../src/core/secretbox.js';
import { encodeStruct } from '../../../../src/wire/thrift/index.js';
import { MessageEntryHolder } from '../../../../src/wire/xchat/contents.js';
import { flip } from '../../../helpers/bytes.js';

const key = new Uint8Array(randomBytes(32));
const random = (n: number) => new Uint8Array(randomBytes(n));
const hi = { contents: { message: { messageText: 'hi' } } };

describe('message entries', () => {
  test('seal then open; the plaintext is the Thrift holder the SDK writes for "hi"', () => {
    const sealed = sealEntry(key, hi, random);
    expect(sealed).toHaveLength(18 + 40);
    expect(openEntry(key, sealed)).toEqual(hi);
  });

  test('another key, a flipped bit, a short blob and a non-holder plaintext are refused', () => {
    const sealed = sealEntry(key, hi, random);
    expect(() => openEntry(new Uint8Array(32), sealed)).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED', field: 'contents' }));
    expect(() => openEntry(key, flip(Uint8Array.from(sealed), 30, 1))).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT_FAILED' }));
    expect(() => openEntry(key, sealed.subarray(0, 39))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE' }));
    expect(() => openEntry(key, sealSecretbox(key, Uint8Array.of(0x0c, 0x00), random))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }),
    );
  });

  test('bytes after the holder are ignored, as the SDK ignores them', () => {
    const padded = Uint8Array.from([...encodeStruct(MessageEntryHolder, hi), 1, 2, 3]);
    expect(openEntry(key, sealSecretbox(key, padded, random))).toEqual(hi);
  });
});
