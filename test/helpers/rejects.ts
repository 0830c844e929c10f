/**
 * The typed-refusal assertion of the hostile-input suites: a call must throw a `KeykitError` with
 * the expected code (and field, when given), whose message names its field. Every error caught is
 * collected in `provoked`, for the suites' final search for secrets in errors.
 */
import { expect } from 'vitest';
import { KeykitError } from './kit.js';

/** The expected refusal: its code and, optionally, its field (exactly, or by pattern). */
export type Expect = { code: string; field?: string | RegExp };

/** An assertion `rejects(f, expected)` that collects every error it catches into `provoked`. */
export function rejecter(provoked: unknown[]): (f: () => unknown, e: Expect) => Promise<void> {
  return async (f, e) => {
    let caught: unknown;
    try {
      await f();
    } catch (err) {
      caught = err;
    }
    provoked.push(caught);
    expect(caught, 'expected a typed error').toBeInstanceOf(KeykitError);
    const k = caught as KeykitError;
    expect(k.code).toBe(e.code);
    if (e.field instanceof RegExp) expect(k.field).toMatch(e.field);
    else if (e.field !== undefined) expect(k.field).toBe(e.field);
    expect(k.field === undefined || k.message.includes(k.field)).toBe(true);
  };
}
