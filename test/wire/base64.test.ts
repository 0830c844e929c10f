/**
 * The three base64 flavours (src/wire/base64.ts): the RFC 4648 §10 test vectors in each flavour,
 * the two alphabets (§4 and §5), one accepted text per byte string (alphabet, padding, trailing
 * bits, impossible lengths), typed errors naming the field, the chunked comparison on inputs
 * larger than one piece, and the portable path (`btoa`/`atob` and the table check, as in a browser
 * without `Buffer`) against the Node path on the same inputs. Then the properties: round trips,
 * arbitrary text decodes only when canonical, and `isCanonicalBase64` agrees with the decoder.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { DecodeError, InvalidInputError } from '../../src/errors.js';
import * as node from '../../src/wire/base64.js';
import {
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64NoPad,
  encodeBase64UrlNoPad,
  isCanonicalBase64,
} from '../../src/wire/base64.js';
import { RUNS, typedOrValue } from '../helpers/properties.js';

type Base64Module = typeof node;

/**
 * A second instance of the module loaded while `Buffer` is hidden, so it takes the path of a
 * runtime without Node's codec: `btoa` to encode, the table check and `atob` to decode.
 */
async function loadPortable(): Promise<{
  codec: Base64Module;
  DecodeError: typeof DecodeError;
  InvalidInputError: typeof InvalidInputError;
}> {
  const g = globalThis as { Buffer?: unknown };
  const saved = g.Buffer;
  vi.resetModules();
  g.Buffer = undefined;
  try {
    const codec = await import('../../src/wire/base64.js');
    const errors = await import('../../src/errors.js');
    return { codec, DecodeError: errors.DecodeError, InvalidInputError: errors.InvalidInputError };
  } finally {
    g.Buffer = saved;
  }
}

let portable: Awaited<ReturnType<typeof loadPortable>>;
beforeAll(async () => {
  portable = await loadPortable();
  // The portable instance is a different module instance (its own error classes).
  expect(portable.DecodeError).not.toBe(DecodeError);
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytesOf = (b: Uint8Array) => Array.from(b);

/** RFC 4648 §10. */
const RFC4648 = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
] as const;

describe.each(['Node', 'portable'] as const)('%s path', (which) => {
  const codec = (): Base64Module => (which === 'Node' ? node : portable.codec);

  test('RFC 4648 §10 test vectors, standard padded and unpadded, and URL-safe unpadded', () => {
    const c = codec();
    for (const [text, b64] of RFC4648) {
      const bare = b64.replace(/=+$/, '');
      expect(c.encodeBase64(utf8(text))).toBe(b64);
      expect(c.encodeBase64NoPad(utf8(text))).toBe(bare);
      // These vectors only use characters the two alphabets share.
      expect(c.encodeBase64UrlNoPad(utf8(text))).toBe(bare);
      for (const form of [b64, bare]) {
        expect(bytesOf(c.decodeBase64(form))).toEqual(bytesOf(utf8(text)));
        expect(bytesOf(c.decodeBase64Url(form))).toEqual(bytesOf(utf8(text)));
      }
    }
  });

  test('the alphabets differ in values 62 and 63 only: + / (§4) against - _ (§5)', () => {
    const c = codec();
    // 0xfb 0xef 0xbe is 111110 111110 111110 111110 (62 four times); 0xff 0xff 0xff is 63 four times.
    const cases = [
      [[0xfb, 0xef, 0xbe], '++++', '----'],
      [[0xff, 0xff, 0xff], '////', '____'],
      [[0xfb, 0xff], '+/8=', '-_8'],
    ] as const;
    for (const [bytes, standard, url] of cases) {
      const b = Uint8Array.from(bytes);
      expect(c.encodeBase64(b)).toBe(standard);
      expect(c.encodeBase64UrlNoPad(b)).toBe(url);
      expect(bytesOf(c.decodeBase64(standard))).toEqual(bytes);
      expect(bytesOf(c.decodeBase64Url(url))).toEqual(bytes);
      expect(bytesOf(c.decodeBase64Url(`${url}${'='.repeat((4 - (url.length % 4)) % 4)}`))).toEqual(bytes);
      // Each flavour refuses the other's characters.
      expect(() => c.decodeBase64(url)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE64' }));
      expect(() => c.decodeBase64Url(standard)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE64' }));
    }
  });

  test.each([
    ['non-zero trailing bits after one byte (Zh== is not f)', 'Zh=='],
    ['non-zero trailing bits after one byte, unpadded', 'Zh'],
    ['non-zero trailing bits after two bytes', 'Zm9='],
    ['one padding character too few', 'Zg='],
    ['one padding character too many', 'Zg==='],
    ['padding where none belongs', 'Zm9v='],
    ['padding in the middle', 'Zg==Zg=='],
    ['a length no encoding has (4n + 1 characters)', 'Zm9vY'],
    ['one character', 'Z'],
    ['only padding', '===='],
    ['a space', 'Zm9 v'],
    ['a line break (MIME style)', 'Zm9v\nYmFy'],
    ['a trailing line break', 'Zm9v\n'],
    ['a character outside ASCII', 'Zm9é'],
    ['a dot', 'Zm9.'],
  ])('refuses %s', (_name, text) => {
    const c = codec();
    for (const decode of [c.decodeBase64, c.decodeBase64Url]) {
      expect(() => decode(text, 'kc')).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'ERR_INVALID_BASE64', field: 'kc' }));
    }
  });

  test('errors name the field (or the flavour by default) and never echo the text', () => {
    const c = codec();
    // A text of a possible length (so the canonical check runs) with one bad character.
    const secret = 'c2VjcmV0IGtleSBtYXRlcmlhbCBoZXJl*AA';
    for (const [decode, name] of [
      [c.decodeBase64, 'base64'],
      [c.decodeBase64Url, 'base64url'],
    ] as const) {
      let error: unknown;
      try {
        decode(secret);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'DecodeError', code: 'ERR_INVALID_BASE64', field: name });
      expect((error as Error).message).not.toContain(secret.slice(0, 12));
    }
    for (const v of [undefined, null, 42, {}, [], new Uint8Array(3)]) {
      expect(() => c.decodeBase64(v, 'sig')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_ARGUMENT', field: 'sig' }),
      );
      expect(() => c.decodeBase64Url(v)).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_ARGUMENT', field: 'base64url' }),
      );
    }
  });

  test('inputs larger than one piece (48 KiB of bytes): round trip, and a bad character in any piece is found', () => {
    const c = codec();
    const bytes = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    const text = c.encodeBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(c.encodeBase64UrlNoPad(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    expect(Buffer.from(c.decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
    // One character replaced by one outside the alphabet, at the start, in a middle piece, at the end.
    for (const at of [0, 65_536 + 7, 131_072 + 3, text.length - 3]) {
      const bad = `${text.slice(0, at)}*${text.slice(at + 1)}`;
      expect(() => c.decodeBase64(bad), `at ${at}`).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE64' }));
    }
    // Non-zero trailing bits at the very end of a long text (200,003 bytes: 2 bytes in the last group).
    const last = text.charAt(text.length - 2);
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const loose = `${text.slice(0, -2)}${ALPHABET[ALPHABET.indexOf(last) | 1]}=`;
    expect(loose).not.toBe(text);
    expect(() => c.decodeBase64(loose)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE64' }));
  });

  test('the decoded bytes own their memory (not a view of a shared pool)', () => {
    const out = codec().decodeBase64('Zm9vYmFy');
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(6);
  });
});

describe('the Node and portable paths agree', () => {
  test('the same text for arbitrary bytes, in every flavour', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const f of ['encodeBase64', 'encodeBase64NoPad', 'encodeBase64UrlNoPad'] as const)
          expect(portable.codec[f](bytes)).toBe(node[f](bytes));
      }),
      { numRuns: RUNS, seed: 41 },
    );
  });

  test('on arbitrary text: the same bytes, or both refuse with the same code', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \né'.split(''));
    const texts = fc.oneof(
      fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
      // Canonical text with one character changed, so that most of it is well formed.
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 30 }), fc.nat(), alphabet, fc.boolean()).map(([b, at, ch, pad]) => {
        const t = pad ? encodeBase64(b) : encodeBase64NoPad(b);
        const i = at % t.length;
        return t.slice(0, i) + ch + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        for (const [ours, theirs] of [
          [node.decodeBase64, portable.codec.decodeBase64],
          [node.decodeBase64Url, portable.codec.decodeBase64Url],
        ] as const) {
          const a = typedOrValue(() => ours(text));
          let b: { ok: true; value: Uint8Array } | { ok: false; code: string };
          try {
            b = { ok: true, value: theirs(text) };
          } catch (e) {
            expect(e).toBeInstanceOf(portable.DecodeError);
            b = { ok: false, code: (e as DecodeError).code };
          }
          if (a.ok) expect(b).toEqual({ ok: true, value: a.value });
          else expect(b).toEqual({ ok: false, code: a.error.code });
        }
      }),
      { numRuns: RUNS * 5, seed: 42 },
    );
  });

  test('the portable instance really has no Buffer behind it: it decodes with atob, the Node one never does', () => {
    const spy = vi.spyOn(globalThis, 'atob');
    try {
      expect(bytesOf(portable.codec.decodeBase64('Zm9v'))).toEqual([0x66, 0x6f, 0x6f]);
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockClear();
      expect(bytesOf(node.decodeBase64('Zm9v'))).toEqual([0x66, 0x6f, 0x6f]);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('isCanonicalBase64', () => {
  test.each([
    ['Zg==', 1, 'required', true],
    ['Zg==', 1, 'optional', true],
    ['Zg==', 1, 'forbidden', false],
    ['Zg', 1, 'forbidden', true],
    ['Zg', 1, 'optional', true],
    ['Zg', 1, 'required', false],
    ['Zm9v', 3, 'required', true],
    ['Zm9v', 3, 'forbidden', true],
    ['Zh==', 1, 'optional', false],
    ['Zm9v', 2, 'optional', false],
    ['Zm9v', 4, 'optional', false],
    ['', 0, 'required', true],
    ['-_8', 2, 'optional', false],
    ['+/8', 2, 'forbidden', true],
    ['Zg=A', 1, 'optional', false],
    ['Zm9é', 3, 'optional', false],
  ] as const)('%j of %i bytes, padding %s: %s', (text, n, padding, expected) => {
    expect(isCanonicalBase64(text, n, padding)).toBe(expected);
  });
});

// Properties (moved from test/hardening/properties.test.ts).
describe('properties', () => {
  test('bytes → text → bytes for every flavour', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const text of [encodeBase64(bytes), encodeBase64NoPad(bytes)])
          expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
        expect(Buffer.from(decodeBase64Url(encodeBase64UrlNoPad(bytes))).equals(Buffer.from(bytes))).toBe(true);
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(encodeBase64UrlNoPad(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });

  const padded = (bare: string) => bare + '='.repeat((4 - (bare.length % 4)) % 4);
  test.each([
    ['standard', decodeBase64, encodeBase64NoPad, 12],
    ['URL-safe', decodeBase64Url, encodeBase64UrlNoPad, 15],
  ] as const)(
    'arbitrary text, %s flavour: decodes only when canonical (padded or not), else a DecodeError',
    (_name, decode, encodeNoPad, seed) => {
      const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.'.split(''));
      fc.assert(
        fc.property(
          fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
          (text) => {
            const r = typedOrValue(() => decode(text));
            if (r.ok) {
              // The text re-encodes to itself, in its padding form.
              const bare = encodeNoPad(r.value);
              expect(text.endsWith('=') ? padded(bare) : bare).toBe(text);
            } else expect(r.error).toMatchObject({ code: 'ERR_INVALID_BASE64' });
          },
        ),
        { numRuns: RUNS * 5, seed },
      );
    },
  );

  test('isCanonicalBase64 agrees with the decoder: true exactly for canonical text of that length, in the padding asked for', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_'.split(''));
    const texts = fc.oneof(
      fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
      fc.uint8Array({ maxLength: 40 }).chain((b) => fc.constantFrom(encodeBase64(b), encodeBase64NoPad(b))),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), alphabet).map(([b, at, c]) => {
        const t = encodeBase64(b);
        const i = at % t.length;
        return t.slice(0, i) + c + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(texts, fc.boolean(), fc.nat({ max: 40 }), (text, natural, other) => {
        // Mostly the length the text's characters would carry, so that the checks past the
        // length (alphabet, padding, trailing bits) are reached; sometimes any length.
        const n = natural ? Math.floor((text.replace(/=+$/, '').length * 3) / 4) : other;
        const r = typedOrValue(() => decodeBase64(text));
        const decodes = r.ok && r.value.length === n;
        const paddedForm = n % 3 !== 0 && text.endsWith('=');
        expect(isCanonicalBase64(text, n, 'optional')).toBe(decodes);
        expect(isCanonicalBase64(text, n, 'required')).toBe(decodes && (n % 3 === 0 || paddedForm));
        expect(isCanonicalBase64(text, n, 'forbidden')).toBe(decodes && !paddedForm);
      }),
      { numRuns: RUNS * 5, seed: 16 },
    );
    // Every length, both forms.
    for (let n = 0; n <= 120; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(isCanonicalBase64(encodeBase64(b), n, 'required')).toBe(true);
      expect(isCanonicalBase64(encodeBase64NoPad(b), n, 'forbidden')).toBe(true);
      expect(isCanonicalBase64(encodeBase64(b), n + 1, 'optional')).toBe(false);
    }
  });

  test('non-strings are InvalidInputError, not TypeError', () => {
    for (const v of [undefined, null, 42, {}, [], new Uint8Array(3)]) {
      expect(() => decodeBase64(v)).toThrow(InvalidInputError);
      expect(() => decodeBase64Url(v)).toThrow(InvalidInputError);
    }
  });
});
