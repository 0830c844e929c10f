/**
 * Shared pieces of the property-based tests (fast-check) that sit next to each codec's own tests:
 * the run count, "a value or one of our typed errors", and byte-level mutations.
 *
 * KEYKIT_PROPERTY_RUNS sets the base number of runs (default 300); tests scale it for their input
 * space (`RUNS * 3` for mutations, `RUNS * 5` for arbitrary text). A property that also checks that
 * each of its outcomes occurred runs at least {@link MIN_RUNS_BOTH_OUTCOMES} times, so that a small
 * KEYKIT_PROPERTY_RUNS makes the suite faster, not wrong.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { KeykitError } from '../../src/errors.js';

/** Base number of runs of a property. */
export const RUNS = Number(process.env.KEYKIT_PROPERTY_RUNS ?? 300);

/** The fewest runs of a property that checks that each of its outcomes occurred. */
export const MIN_RUNS_BOTH_OUTCOMES = 100;

/** Runs `f`: its value, or the typed error it threw; anything else it throws fails the test. */
export function typedOrValue<T>(f: () => T): { ok: true; value: T } | { ok: false; error: KeykitError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    expect(e).toBeInstanceOf(KeykitError);
    return { ok: false, error: e as KeykitError };
  }
}

/** One byte-level mutation. */
export interface Mutation {
  kind: 'flip' | 'insert' | 'delete' | 'length' | 'truncate';
  at: number;
  bit?: number;
  byte?: number;
  value?: number;
}

/** Byte-level mutations: flip, insert, delete, overwrite with an interesting length, truncate. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('length' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, -1) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies one mutation to a copy of `bytes`. */
export function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return Uint8Array.of(m.byte ?? 0);
  const at = m.at % bytes.length;
  const b = Array.from(bytes);
  switch (m.kind) {
    case 'flip':
      b[at] = (b[at] as number) ^ (1 << (m.bit ?? 0));
      break;
    case 'insert':
      b.splice(at, 0, m.byte ?? 0);
      break;
    case 'delete':
      b.splice(at, 1);
      break;
    case 'length': {
      const v = m.value ?? 0;
      b.splice(at, 4, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      break;
    }
    case 'truncate':
      b.length = at;
      break;
  }
  return Uint8Array.from(b);
}
