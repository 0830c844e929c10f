/**
 * What the vector generator and checker share: the deterministic inputs (fixed scalars, the
 * randomness stream, the clock, message ids) and the file header.
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
/** The users of the vectors: user i has identity scalar 2i-1 and signing scalar 2i. */
export const USERS = ['111', '222', '333', '444'] as const;

/** The randomness stream and the message ids of the vectors (the testing hooks' own). */
export { seededRandom as stream, numberedMessageIds as messageIds } from '../core/testing.js';

/** A 32-byte big-endian scalar. */
export function scalar(n: number | bigint): Uint8Array {
  const hex = BigInt(n).toString(16).padStart(64, '0');
  return Uint8Array.from(hex.match(/../g) as string[], (h) => parseInt(h, 16));
}

/** Lowercase hex. */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Hex to bytes (the vectors' hex is always lowercase and even-length). */
export function fromHex(h: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(h)) throw new Error(`not lowercase hex: ${h.slice(0, 16)}…`);
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** The header every vector file starts with. */
export function header(description: string): { protocol: string; format_version: number; generator: string; description: string } {
  return { protocol: PROTOCOL, format_version: FORMAT_VERSION, generator: 'chat-keykit vectors generate', description };
}

/** Deterministic JSON: 2-space indent, trailing newline, bigints as decimal strings. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** JSON with object keys sorted at every level: for comparing values regardless of key order. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value)) ?? 'undefined';
}
