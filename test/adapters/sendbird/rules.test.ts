/**
 * Sendbird's identifier rules (src/adapters/sendbird/rules.ts, docs/sendbird.md §"Group channels"):
 * channel URLs as Sendbird documents them (4 to 100 letters, digits and underscores; not the `-`
 * the live API was seen accepting), and user ids as chat-keykit signs them (free-form, 1 to 256
 * characters, no comma). Refusals are InvalidInputError with the code and the field.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assertChannelUrl, isChannelUrl, SENDBIRD_USER_ID } from '../../../src/adapters/sendbird/rules.js';
import { RUNS } from '../../helpers/properties.js';

describe('channel URLs', () => {
  test.each([
    ['abcd', true],
    ['team_room', true],
    ['sendbird_group_channel_12345_0a1b2c', true],
    ['A_1'.repeat(33) + 'x', true], // 100
    ['a'.repeat(101), false],
    ['abc', false],
    ['', false],
    ['team-room', false],
    ['team room', false],
    ['team/room', false],
    ['team.room', false],
    ['room%20a', false],
    ['teamroom\n', false],
    ['ÄÖÜß', false],
    ['ｔｅａｍ', false], // fullwidth letters
  ])('%j is a channel URL: %s', (url, ok) => {
    expect(isChannelUrl(url)).toBe(ok);
    if (ok) expect(assertChannelUrl(url, 'params.channelUrl')).toBe(url);
    else
      expect(() => assertChannelUrl(url, 'params.channelUrl')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_CONVERSATION_ID', field: 'params.channelUrl' }),
      );
  });

  test('non-strings: ERR_INVALID_CONVERSATION_ID naming the field, never a TypeError', () => {
    for (const v of [undefined, null, 1234, ['abcd'], { toString: () => 'abcd' }]) {
      expect(isChannelUrl(v)).toBe(false);
      expect(() => assertChannelUrl(v, 'channel.channel_url')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_CONVERSATION_ID', field: 'channel.channel_url' }),
      );
    }
  });

  test('property: exactly the strings of 4 to 100 characters from [A-Za-z0-9_]', () => {
    const allowed = 'abcXYZ059_';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...allowed, '-', ' ', 'é', '.'), maxLength: 110 }), (url) => {
        const expected = url.length >= 4 && url.length <= 100 && [...url].every((c) => allowed.includes(c));
        expect(isChannelUrl(url)).toBe(expected);
      }),
      { numRuns: RUNS, seed: 101 },
    );
  });
});

describe('Sendbird user ids', () => {
  test('free-form, 1 to 256 characters, without a comma', () => {
    expect(SENDBIRD_USER_ID.name).toBe('Sendbird');
    for (const id of ['alice', 'a', 'x'.repeat(256), 'user@example.com', '0', '0111', '用户 1', 'a:b']) {
      expect(SENDBIRD_USER_ID.is(id)).toBe(true);
      expect(SENDBIRD_USER_ID.assert(id, 'memberIds[0]')).toBe(id);
    }
    for (const [id, code] of [
      ['', 'ERR_INVALID_USER_ID'],
      ['x'.repeat(257), 'ERR_INVALID_USER_ID'],
      ['alice,bob', 'ERR_COMMA_IN_FIELD'],
      [7, 'ERR_INVALID_USER_ID'],
    ] as const) {
      expect(SENDBIRD_USER_ID.is(id)).toBe(false);
      expect(() => SENDBIRD_USER_ID.assert(id, 'memberIds[0]')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code, field: 'memberIds[0]' }),
      );
    }
  });
});
