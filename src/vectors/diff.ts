/**
 * The checker's bookkeeping and its JSON differ. A failure is one line
 * `file vector field: message`; a mismatch names the first differing JSON path below the field
 * and shows both values there: `expected` is what the file says (or the outcome a check
 * requires, such as `true` for "signature verifies"), `got` what this implementation computes or
 * generates.
 *
 * @module
 */
import { KeykitError } from '../errors.js';
import { canonicalJson, isJsonObject, parseJson, short, type Json, type JsonObject } from './common.js';
import { ShapeError } from './read.js';

/** A value that is not there at all (an absent field, a missing list item). */
const ABSENT = Symbol('absent');
type Value = Json | typeof ABSENT;

/** Counts checks and collects failures, for one file at a time. */
export class Checker {
  checked = 0;
  failures: string[] = [];
  constructor(private file: string) {}

  /** Makes `file` the file that the following failures name. */
  at(file: string): this {
    this.file = file;
    return this;
  }

  /**
   * Compares what the implementation computes (`actual`) with what the file says (`expected`) as
   * JSON; a mismatch names the first differing JSON path below `field`.
   */
  eq(vector: string, field: string, actual: unknown, expected: unknown): void {
    this.checked++;
    const d = firstDifference(actual, expected);
    if (d) this.failures.push(`${this.file} ${vector} ${field}${d.path}: ${d.message}`);
  }

  fail(vector: string, field: string, message: string): void {
    this.checked++;
    this.failures.push(`${this.file} ${vector} ${field}: ${message}`);
  }

  /**
   * Runs one vector's checks; an exception is a failure of that vector, not of the run (a field
   * of the wrong shape names the field).
   */
  async vector(id: string, f: () => Promise<void> | void): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (e instanceof ShapeError) this.fail(id, e.path, e.problem);
      else
        this.fail(
          id,
          '(vector)',
          ['threw', e instanceof KeykitError ? e.code : '', e instanceof Error ? e.message : String(e)].filter((s) => s !== '').join(' '),
        );
    }
  }
}

/** A value as plain JSON with sorted keys (bigints as decimal strings, bytes as hex), or ABSENT for undefined. */
function plain(v: unknown): Value {
  return v === undefined ? ABSENT : parseJson(canonicalJson(v));
}

function show(v: Value): string {
  return v === ABSENT ? '(absent)' : short(JSON.stringify(v));
}

/** A JSON value, or ABSENT for undefined (JSON never holds undefined). */
const present = (v: Json | undefined): Value => (v === undefined ? ABSENT : v);
/** Key `key` of a JSON object, or ABSENT when it has no such key. */
const member = (o: JsonObject, key: string): Value => present(Object.hasOwn(o, key) ? o[key] : undefined);
const isRecord = (v: Value): v is JsonObject => v !== ABSENT && isJsonObject(v);
const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
/** Strings up to this length are shown whole; longer ones around their first difference. */
const WHOLE = 80;
const CONTEXT = 24;

/** Where two values differ: the JSON path below the compared field, and what is there. */
export interface Difference {
  /** `.body.group_name`, `[2].user_id`, or empty for the value itself. */
  path: string;
  /** `expected …, got …`, showing the values there. */
  message: string;
}

/**
 * The first place where two values differ as JSON (bigints as decimal strings, bytes as hex, key
 * order ignored; undefined is absent), or undefined when they are equal.
 */
export function firstDifference(actual: unknown, expected: unknown): Difference | undefined {
  return differ(plain(actual), plain(expected), '');
}

function differ(got: Value, expected: Value, path: string): Difference | undefined {
  if (got === ABSENT && expected === ABSENT) return undefined;
  if (Array.isArray(got) && Array.isArray(expected)) {
    for (let i = 0; i < Math.min(got.length, expected.length); i++) {
      const d = differ(present(got[i]), present(expected[i]), `${path}[${i}]`);
      if (d) return d;
    }
    if (got.length === expected.length) return undefined;
    const i = Math.min(got.length, expected.length);
    const first =
      i < expected.length ? `expected ${show(present(expected[i]))}, got (absent)` : `expected (absent), got ${show(present(got[i]))}`;
    return { path, message: `expected ${items(expected.length)}, got ${items(got.length)}; at [${i}]: ${first}` };
  }
  if (isRecord(got) && isRecord(expected)) {
    for (const key of Object.keys(expected)) {
      const d = differ(member(got, key), member(expected, key), `${path}.${key}`);
      if (d) return d;
    }
    for (const key of Object.keys(got))
      if (!Object.hasOwn(expected, key)) return { path: `${path}.${key}`, message: `expected (absent), got ${show(member(got, key))}` };
    return undefined;
  }
  if (typeof got === 'string' && typeof expected === 'string') {
    if (got === expected) return undefined;
    if (got.length <= WHOLE && expected.length <= WHOLE)
      return { path, message: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}` };
    let i = 0;
    while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
    const around = (s: string) =>
      `${i > CONTEXT ? '…' : ''}${JSON.stringify(s.slice(Math.max(0, i - CONTEXT), i + CONTEXT))}${i + CONTEXT < s.length ? '…' : ''}`;
    return {
      path,
      message: `differs at character ${i} (length ${expected.length} expected, ${got.length} got): expected ${around(expected)}, got ${around(got)}`,
    };
  }
  if (got !== ABSENT && expected !== ABSENT && canonicalJson(got) === canonicalJson(expected)) return undefined;
  return { path, message: `expected ${show(expected)}, got ${show(got)}` };
}
