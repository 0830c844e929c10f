/**
 * What the vector generator and checker share: the deterministic inputs (fixed scalars, the
 * randomness stream, the clock, message ids), the file header, hex and JSON.
 *
 * The randomness stream of a vector is SHA-256(seed ‖ counter) blocks, counter a big-endian
 * 32-bit integer from 0, concatenated and read front to back; `seed` is the UTF-8 string the
 * vector names (`random_seed`). Another implementation reproduces every "random" byte from it.
 *
 * @module
 */

/** The protocol the vectors cover. */
export const PROTOCOL = 'X Chat key management (the wire format of @xdevplatform/chat-xdk 0.4.3), signature version 7';
/** The vectors' own format version. */
export const FORMAT_VERSION = 1;
/** The clock of every vector (ms): the conversation-key version. */
export const NOW = 1795357034165;
/** The registered key version of every user. */
export const KEY_VERSION = '1700000000000';
/** The group of the request vectors (and of the signature inputs that name one). */
export const GROUP = 'g1234567890123456789';

/** The randomness stream and the message ids of the vectors (the testing hooks' own). */
export { seededRandom as stream, numberedMessageIds as messageIds } from '../core/testing.js';

/** A 32-byte big-endian scalar. */
export function scalar(n: number | bigint): Uint8Array {
  return fromHex(BigInt(n).toString(16).padStart(64, '0'));
}

/** Lowercase hex. */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Is `h` the vectors' hex: lowercase, an even number of digits? */
export const isHex = (h: string): boolean => /^(?:[0-9a-f]{2})*$/.test(h);

/** Hex to bytes (the vectors' hex is always lowercase and even-length). */
export function fromHex(h: string): Uint8Array {
  if (!isHex(h)) throw new Error(`not lowercase hex: ${h.slice(0, 16)}…`);
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** A one-line, at most 120-character rendering of a text. */
export function short(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}

/** The fields every vector file starts with. */
export interface Header {
  protocol: string;
  format_version: number;
  generator: string;
  /** Free text: never compared. */
  description: string;
}

/** The header every vector file starts with. */
export function header(description: string): Header {
  return { protocol: PROTOCOL, format_version: FORMAT_VERSION, generator: 'chat-keykit vectors generate', description };
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** Is `v` a JSON value (what `JSON.parse` returns)? */
export function isJson(v: unknown): v is Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  return isObject(v) && Object.values(v).every(isJson);
}

/** Is `v` an object that is not null and not an array? */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Is `v` a JSON object? */
export function isJsonObject(v: Json): v is JsonObject {
  return isObject(v);
}

/**
 * Parses JSON text.
 * @throws {SyntaxError} for text that is not JSON
 */
export function parseJson(text: string): Json {
  const v: unknown = JSON.parse(text);
  if (!isJson(v)) throw new SyntaxError('not a JSON value');
  return v;
}

/** Deterministic JSON: 2-space indent, trailing newline, bigints as decimal strings. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** A value as JSON, as {@link toJson} writes it (bigints as decimal strings). */
export function toJsonValue(value: unknown): Json {
  return parseJson(toJson(value));
}

/** JSON with object keys sorted at every level: for comparing values regardless of key order. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.map(sort);
    if (isObject(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort(v[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value)) ?? 'undefined';
}
