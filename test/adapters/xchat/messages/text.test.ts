/**
 * Texts and entities: the UTF-8 length is computed without encoding and agrees with the encoder;
 * entity offsets counted in UTF-16 units (some clients count so) are never refused, since they
 * never exceed the UTF-8 byte length; lone surrogates are refused.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assertText, checkEntities, utf8Length } from '../../../../src/adapters/xchat/messages/text.js';

describe('text', () => {
  test('utf8Length agrees with the UTF-8 encoder on any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  test('entities with UTF-16 offsets are accepted; one past the UTF-8 length is not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), fc.nat(), (s, a, b) => {
        const [start, end] = [a % (s.length + 1), b % (s.length + 1)].sort((x, y) => x - y) as [number, number];
        expect(checkEntities([[start, end, 'url']], s, 'e')).toHaveLength(1);
        const bytes = Buffer.byteLength(s, 'utf8');
        expect(checkEntities([[0, bytes, 'url']], s, 'e')).toHaveLength(1);
        expect(() => checkEntities([[0, bytes + 1, 'url']], s, 'e')).toThrow(expect.objectContaining({ field: 'e[0][1]' }));
      }),
      { numRuns: 300 },
    );
  });

  test('lone surrogates are refused, pairs are fine', () => {
    expect(assertText('👍', 't')).toBe('👍');
    for (const bad of ['\uD83D', '\uDC4D', 'a\uDC4D\uD83Db', '\uD83D\uD83D'])
      expect(() => assertText(bad, 't')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 't' }));
    expect(() => assertText('', 't', { allowEmpty: false })).toThrow(expect.objectContaining({ field: 't' }));
  });

  test('without a text, only the i32 range is checked', () => {
    expect(checkEntities([[0, 2 ** 31 - 1, 'email']], undefined, 'e')).toEqual([
      { startIndex: 0, endIndex: 2 ** 31 - 1, content: { email: {} } },
    ]);
    expect(checkEntities(undefined, 'x', 'e')).toBeUndefined();
    expect(checkEntities(null, 'x', 'e')).toBeUndefined();
  });
});
