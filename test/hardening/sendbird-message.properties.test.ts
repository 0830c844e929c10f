/**
 * Property-based tests (fast-check) of the Sendbird message document, in the style of
 * properties.test.ts: generated documents round-trip through the data string; arbitrary and
 * mutated strings either parse to a document that re-encodes to the very same text, or are refused
 * with our typed error, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeBase64NoPad, KeykitError, parseMessageData, type SendbirdMessageDocument } from '../helpers/kit.js';
import { messageData } from '../../src/adapters/sendbird/message-data.js';

const RUNS = Number(process.env.KEYKIT_PROPERTY_RUNS ?? 300);

const b64 = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(encodeBase64NoPad);
const version = fc.stringMatching(/^(0|[1-9][0-9]{0,18})$/);
const documents: fc.Arbitrary<SendbirdMessageDocument> = fc
  .record({
    kind: fc.constantFrom('text' as const, 'file' as const, 'edit' as const),
    ch: fc.stringMatching(/^[A-Za-z0-9_]{4,100}$/),
    sender: fc.string({ minLength: 1, maxLength: 20 }).filter((u) => !u.includes(',')),
    skv: version,
    ckv: version,
    mid: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    target: fc.stringMatching(/^(0|[1-9][0-9]{0,17})$/),
    ct: b64(41, 120),
    sig: b64(64, 64),
  })
  .map(({ target, ...d }) => ({ v: 1 as const, ...d, ...(d.kind === 'edit' ? { target } : {}) }));

function typedOrValue<T>(f: () => T): { ok: true; value: T } | { ok: false; error: KeykitError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    expect(e).toBeInstanceOf(KeykitError);
    return { ok: false, error: e as KeykitError };
  }
}

describe('Sendbird message document (message data)', () => {
  test('generated documents round-trip through the data string', () => {
    fc.assert(
      fc.property(documents, (d) => {
        expect(parseMessageData(messageData(d))).toEqual(d);
      }),
      { numRuns: RUNS, seed: 41 },
    );
  });

  test('arbitrary and mutated strings: a document that re-encodes to the same text, or a typed error', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.json(),
      fc.tuple(documents, fc.nat(), fc.string({ maxLength: 3 })).map(([d, at, ins]) => {
        const t = messageData(d);
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + ins.length);
      }),
      fc.tuple(documents, fc.nat(), fc.nat({ max: 8 })).map(([d, at, n]) => {
        const t = messageData(d);
        const i = at % (t.length + 1);
        return t.slice(0, i) + t.slice(i + n);
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const r = typedOrValue(() => parseMessageData(text));
        if (r.ok) expect(messageData(r.value)).toBe(text);
        else expect(['ERR_INVALID_ENVELOPE', 'ERR_UNSUPPORTED_ENVELOPE_VERSION', 'ERR_TOO_LARGE']).toContain(r.error.code);
      }),
      { numRuns: RUNS * 3, seed: 42 },
    );
  });

  test('JSON values of any shape under "ckm": never anything but a document or a typed error', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('v', 'kind', 'ch', 'sender', 'skv', 'ckv', 'mid', 'target', 'ct', 'sig', 'x'), fc.jsonValue()),
        (ckm) => {
          const text = JSON.stringify({ ckm });
          const r = typedOrValue(() => parseMessageData(text));
          if (r.ok) expect(messageData(r.value)).toBe(text);
        },
      ),
      { numRuns: RUNS, seed: 43 },
    );
  });
});
