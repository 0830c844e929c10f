/**
 * Validating readers: a parsed vector file is read through one reader per shape, so that the
 * checks get typed values. A value of the wrong shape is a {@link ShapeError} naming its JSON path
 * (`registration.public_key.public_key`, `verify.recipients[3].user_id`), which the checker
 * reports as a failure of that field, never a `TypeError`.
 *
 * An object reader reads the keys it knows and keeps the others verbatim, in the file's key
 * order: a value compared as a whole still shows an unknown key, and a key the completeness check
 * compares with the generated file is reported there, once.
 *
 * @module
 */
import { isHex, isJson, isObject, short, type Json } from './common.js';

/** A field of the wrong shape: its JSON path and what is wrong. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ShapeError';
  }
}

/** Reads `value` (found at JSON path `path`) as a `T`. @throws {ShapeError} */
export type Read<T> = (value: unknown, path: string) => T;

/** Reads the field `key` of the object being read. */
export type FieldReader = <T>(key: string, read: Read<T>) => T;

const shown = (v: unknown): string => (v === undefined ? 'absent' : short(JSON.stringify(v) ?? String(v)));
const wrong = (path: string, what: string, v: unknown): ShapeError => new ShapeError(path, `must be ${what}, is ${shown(v)}`);

export const str: Read<string> = (v, path) => {
  if (typeof v !== 'string') throw wrong(path, 'a string', v);
  return v;
};

export const num: Read<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrong(path, 'a number', v);
  return v;
};

export const bool: Read<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw wrong(path, 'true or false', v);
  return v;
};

/** A string of lowercase hex digits, an even number of them (kept as the string). */
export const hex: Read<string> = (v, path) => {
  if (typeof v !== 'string' || !isHex(v)) throw wrong(path, 'lowercase hex', v);
  return v;
};

/** A decimal integer, as a string (a 64-bit integer in JSON). */
export const decimal: Read<string> = (v, path) => {
  if (typeof v !== 'string' || !/^-?(?:0|[1-9][0-9]*)$/.test(v)) throw wrong(path, 'a decimal integer string', v);
  return v;
};

/** Any JSON value: for inputs that the function under test checks itself (request bodies). */
export const json: Read<Json> = (v, path) => {
  if (v === undefined || !isJson(v)) throw wrong(path, 'a JSON value', v);
  return v;
};

/** One of the given strings. */
export function oneOf<const T extends string>(...values: readonly T[]): Read<T> {
  const is = (v: unknown): v is T => values.some((x) => x === v);
  return (v, path) => {
    if (!is(v)) throw wrong(path, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    return v;
  };
}

/** The literal `false`. */
export const isFalse: Read<false> = (v, path) => {
  if (v !== false) throw wrong(path, 'false', v);
  return v;
};

/** A list whose items are each read with `read`. */
export function list<T>(read: Read<T>): Read<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw wrong(path, 'a list', v);
    return v.map((x: unknown, i) => read(x, `${path}[${i}]`));
  };
}

/** An optional field: absent is undefined, anything else is read with `read`. */
export function optional<T>(read: Read<T>): Read<T | undefined> {
  return (v, path) => (v === undefined ? undefined : read(v, path));
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * An object: `read` reads its known fields with the field reader it is given; the keys it does
 * not read are kept verbatim. Absent optional fields are undefined (JSON leaves them out).
 */
export function object<T extends object>(read: (field: FieldReader) => T): Read<T> {
  return (v, path) => {
    if (!isObject(v)) throw wrong(path, 'an object', v);
    const known = read((key, r) => r(Object.hasOwn(v, key) ? v[key] : undefined, join(path, key)));
    // The file's keys in its order: Object.assign keeps the position of a key that exists.
    return Object.assign({ ...v }, known);
  };
}
