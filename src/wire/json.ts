/**
 * JSON text with one meaning: `JSON.parse` keeps the last of two equal keys of an object, other
 * parsers the first, so a body with `"group_name"` twice can be checked with one value and
 * executed with the other. {@link parseJsonStrict} refuses such text (keys are compared after
 * unescaping, so `"a"` and `"\u0061"` are the same key).
 *
 * @module
 */
import { DecodeError, ErrorCodes } from '../errors.js';

interface Frame {
  /** The keys seen so far (objects), or null (arrays). */
  keys: Set<string> | null;
  path: string;
  /** Objects: the key whose value comes next; arrays: the index of the next element. */
  key: string;
  index: number;
  expectKey: boolean;
}

const childPath = (f: Frame | undefined): string =>
  f === undefined ? '' : f.keys ? (f.path === '' ? f.key : `${f.path}.${f.key}`) : `${f.path}[${f.index}]`;

/**
 * The path of the first duplicate object key in JSON text that `JSON.parse` accepts, or null
 * when there is none. Iterative (no recursion) and linear in the text.
 */
export function findDuplicateKey(text: string): string | null {
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 123 || c === 91) {
      // { or [
      stack.push({ keys: c === 123 ? new Set() : null, path: childPath(top), key: '', index: 0, expectKey: c === 123 });
      i++;
    } else if (c === 125 || c === 93) {
      // } or ]
      stack.pop();
      i++;
    } else if (c === 44) {
      // , between members or elements
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
      i++;
    } else if (c === 34) {
      // a string: scan to its closing quote, skipping escaped characters
      const start = i++;
      let escaped = false;
      while (i < n && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92) {
          escaped = true;
          i++;
        }
        i++;
      }
      i++;
      if (top?.keys && top.expectKey) {
        const raw = text.slice(start, i);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.key = key;
        if (top.keys.has(key)) return childPath(top);
        top.keys.add(key);
        top.expectKey = false;
      }
    } else {
      i++;
    }
  }
  return null;
}

/**
 * Parses JSON text, refusing duplicate object keys.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for text that is not JSON or has a duplicate key
 * @example
 * const body = parseJsonStrict(requestText, 'body');
 */
export function parseJsonStrict(text: string, field = 'json'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, 'not valid JSON', field);
  }
  const dup = findDuplicateKey(text);
  if (dup !== null)
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `the key ${JSON.stringify(dup)} appears twice in one object: a server may read another value than the one checked`,
      field,
    );
  return value;
}
