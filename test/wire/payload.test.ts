/**
 * Signed payload strings (src/wire/payload.ts, docs/xchat-keys.md §"Signed payloads"): components
 * joined with commas and nothing escaped, lists flattened in place, and a comma anywhere refused
 * with the component's name (and index in a list), since the joined string would then split into
 * another component list. The property: comma-free components split back into exactly the
 * flattened list.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { joinPayload, type Component } from '../../src/wire/payload.js';
import { MIN_RUNS_BOTH_OUTCOMES, RUNS } from '../helpers/properties.js';

describe('joinPayload', () => {
  test('components in order, joined by commas, nothing escaped', () => {
    expect(
      joinPayload([
        ['eventName', 'ConversationKeyChangeEvent'],
        ['messageId', 'm-1'],
        ['senderId', '111'],
        ['title', 'a "quoted" \\ title: with; punctuation'],
      ]),
    ).toBe('ConversationKeyChangeEvent,m-1,111,a "quoted" \\ title: with; punctuation');
  });

  test('lists are flattened in place; an empty list contributes nothing, an empty string an empty component', () => {
    expect(
      joinPayload([
        ['a', '1'],
        ['ids', ['2', '3']],
        ['b', '4'],
      ]),
    ).toBe('1,2,3,4');
    expect(
      joinPayload([
        ['a', '1'],
        ['ids', []],
        ['b', '4'],
      ]),
    ).toBe('1,4');
    expect(
      joinPayload([
        ['a', '1'],
        ['title', ''],
        ['b', '4'],
      ]),
    ).toBe('1,,4');
    expect(joinPayload([['ids', ['', '']]])).toBe(',');
    expect(joinPayload([])).toBe('');
  });

  test('a comma in a component is refused, naming it', () => {
    try {
      joinPayload([
        ['senderId', '111'],
        ['title', 'a,b'],
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect(e).toMatchObject({ code: 'ERR_COMMA_IN_FIELD', field: 'title' });
    }
  });

  test('a comma in a list element is refused, naming the element', () => {
    expect(() =>
      joinPayload([
        ['senderId', '111'],
        ['memberIds', ['1', '2', '3,4']],
      ]),
    ).toThrow(expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_COMMA_IN_FIELD', field: 'memberIds[2]' }));
    // Only a comma: other separators are plain text.
    expect(joinPayload([['x', ['a;b', 'c:d', 'e\nf', '，']]])).toBe('a;b,c:d,e\nf,，');
  });

  test('why: with a comma allowed, two different component lists would sign the same string', () => {
    const honest: Component[] = [
      ['title', 'Team'],
      ['avatarUrl', 'null'],
    ];
    const forged: Component[] = [
      ['title', 'Team,null'],
      ['avatarUrl', ''],
    ];
    expect(joinPayload(honest)).toBe('Team,null');
    expect(() => joinPayload(forged)).toThrow(expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD', field: 'title' }));
  });
});

describe('properties', () => {
  // Mostly ordinary characters, sometimes a comma.
  const text = fc.string({
    unit: fc.oneof(
      { weight: 12, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.constant(',') },
    ),
    maxLength: 8,
  });
  const component = fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(text, fc.array(text, { maxLength: 4 })));

  test('comma-free components split back into the flattened list; any comma is refused', () => {
    let refused = 0;
    let joined = 0;
    fc.assert(
      fc.property(fc.array(component, { maxLength: 6 }), (components) => {
        const flat = components.flatMap(([, v]) => (typeof v === 'string' ? [v] : v));
        if (flat.some((v) => v.includes(','))) {
          refused++;
          expect(() => joinPayload(components)).toThrow(expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD' }));
          return;
        }
        const text = joinPayload(components);
        joined++;
        expect(text).toBe(flat.join(','));
        // A list of at least one component splits back exactly (the empty list and [''] both join to '').
        if (flat.length > 0) expect(text.split(',')).toEqual(flat);
      }),
      { numRuns: Math.max(RUNS, MIN_RUNS_BOTH_OUTCOMES), seed: 61 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(joined).toBeGreaterThan(0);
  });
});
