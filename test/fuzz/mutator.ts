/**
 * A small seeded fuzzer: a deterministic PRNG, byte mutators (bit flips, inserts, deletes,
 * interesting length fields, truncation, splices) and a structure-aware JSON mutator that
 * changes one node of a document (type swaps, deletions, duplications, string and base64 edits).
 */

/** mulberry32: a tiny deterministic PRNG; `next()` is uniform in [0, 2^32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.next() & 0xff);
  }
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Applies 1 to 4 random byte-level mutations. */
export function mutateBytes(rng: Rng, input: Uint8Array, corpus: readonly Uint8Array[] = []): Uint8Array {
  let b = Array.from(input);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(7)) {
      case 0:
        if (b.length) b[at % b.length] = (b[at % b.length] as number) ^ (1 << rng.int(8));
        break;
      case 1:
        b.splice(at, 0, rng.next() & 0xff);
        break;
      case 2:
        b.splice(at, 1 + rng.int(4));
        break;
      case 3: {
        const v = rng.pick(INTERESTING);
        b.splice(at, 4, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
        break;
      }
      case 4:
        b = b.slice(0, at);
        break;
      case 5: {
        const other = corpus.length ? rng.pick(corpus) : input;
        const from = rng.int(other.length + 1);
        b.splice(at, rng.int(8), ...Array.from(other.subarray(from, from + 1 + rng.int(16))));
        break;
      }
      default:
        if (b.length) b[at % b.length] = rng.pick([0, 0xff, 0x0b, 0x0c, 0x0f, 0x0d, 0x02]);
    }
  }
  return Uint8Array.from(b);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const B64 = /^[A-Za-z0-9+/]{8,}={0,2}$/;

function mutateString(rng: Rng, s: string): Json {
  switch (rng.int(9)) {
    case 0: return '';
    case 1: return s + ',';
    case 2: return s.slice(0, rng.int(s.length + 1));
    case 3: return s.repeat(1 + rng.int(3));
    case 4: return rng.pick(['null', '-1', '1e309', 'NaN', '0', '99999999999999999999', 'g1', '\u0000', '\ud800', 'é', '7']);
    case 5:
      if (B64.test(s)) {
        const b = Buffer.from(s, 'base64');
        const m = mutateBytes(rng, b);
        return rng.int(2) ? Buffer.from(m).toString('base64') : Buffer.from(m).toString('base64').replace(/=+$/, '');
      }
      return s.split('').reverse().join('');
    case 6: {
      const i = rng.int(s.length);
      return s.slice(0, i) + String.fromCharCode(rng.next() & 0x7f) + s.slice(i + 1);
    }
    case 7: return Number.isFinite(Number(s)) && s !== '' ? Number(s) : s.toUpperCase();
    default: return s.replace(/=+$/, '');
  }
}

function mutateNode(rng: Rng, v: Json): Json {
  if (rng.int(8) === 0) return rng.pick<Json>([null, true, 0, -1, 1.5, '', 'x', [], {}, 2 ** 53, [null]]);
  if (typeof v === 'string') return mutateString(rng, v);
  if (typeof v === 'number') return rng.pick([-v, v + 1, NaN as unknown as number, 0, Number.MAX_SAFE_INTEGER + 2]);
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) {
    const a = [...v];
    const i = rng.int(a.length + 1);
    switch (rng.int(4)) {
      case 0: if (a.length) a.splice(i % a.length, 1); break;
      case 1: if (a.length) a.splice(i, 0, a[i % a.length] as Json); break;
      case 2: if (a.length > 1) a.reverse(); break;
      default: if (a.length) a[i % a.length] = mutateNode(rng, a[i % a.length] as Json);
    }
    return a;
  }
  if (v && typeof v === 'object') {
    const o = { ...v };
    const keys = Object.keys(o);
    const k = keys.length ? rng.pick(keys) : 'x';
    switch (rng.int(4)) {
      case 0: delete o[k]; break;
      case 1: o[`${k}_`] = o[k] ?? null; break;
      default: o[k] = mutateNode(rng, o[k] ?? null);
    }
    return o;
  }
  return v;
}

/** Mutates one randomly chosen node deep in a JSON document (depth-biased walk). */
export function mutateJson(rng: Rng, doc: Json): Json {
  const walk = (v: Json, depth: number): Json => {
    const stop = rng.int(depth + 2) === 0;
    if (stop || v === null || typeof v !== 'object') return mutateNode(rng, v);
    if (Array.isArray(v)) {
      if (!v.length) return mutateNode(rng, v);
      const i = rng.int(v.length);
      const a = [...v];
      a[i] = walk(a[i] as Json, depth + 1);
      return a;
    }
    const keys = Object.keys(v);
    if (!keys.length) return mutateNode(rng, v);
    const k = rng.pick(keys);
    return { ...v, [k]: walk(v[k] as Json, depth + 1) };
  };
  return walk(doc, 0);
}

export type { Json };
