/**
 * A small seeded fuzzer: a deterministic PRNG, byte mutators (bit flips, inserts, deletes,
 * interesting length fields, truncation, splices), a structure-aware JSON mutator that changes
 * one node of a document (type swaps, deletions, duplications, string and base64 edits), and a
 * Thrift mutator that changes one field of a struct tree (missing, doubled, retyped, emptied).
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
    case 0:
      return '';
    case 1:
      return s + ',';
    case 2:
      return s.slice(0, rng.int(s.length + 1));
    case 3:
      return s.repeat(1 + rng.int(3));
    case 4:
      return rng.pick(['null', '-1', '1e309', 'NaN', '0', '99999999999999999999', 'g1', '\u0000', '\ud800', 'é', '7']);
    case 5:
      if (B64.test(s)) {
        // Base64 values are often Thrift (event details): half the time change a whole field.
        const b = Buffer.from(s, 'base64');
        const m = rng.int(2) ? mutateThrift(rng, b) : mutateBytes(rng, b);
        return rng.int(2) ? Buffer.from(m).toString('base64') : Buffer.from(m).toString('base64').replace(/=+$/, '');
      }
      return s.split('').reverse().join('');
    case 6: {
      const i = rng.int(s.length);
      return s.slice(0, i) + String.fromCharCode(rng.next() & 0x7f) + s.slice(i + 1);
    }
    case 7:
      return Number.isFinite(Number(s)) && s !== '' ? Number(s) : s.toUpperCase();
    default:
      return s.replace(/=+$/, '');
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
      case 0:
        if (a.length) a.splice(i % a.length, 1);
        break;
      case 1:
        if (a.length) a.splice(i, 0, a[i % a.length] as Json);
        break;
      case 2:
        if (a.length > 1) a.reverse();
        break;
      default:
        if (a.length) a[i % a.length] = mutateNode(rng, a[i % a.length] as Json);
    }
    return a;
  }
  if (v && typeof v === 'object') {
    const o = { ...v };
    const keys = Object.keys(o);
    const k = keys.length ? rng.pick(keys) : 'x';
    switch (rng.int(4)) {
      case 0:
        delete o[k];
        break;
      case 1:
        o[`${k}_`] = o[k] ?? null;
        break;
      default:
        o[k] = mutateNode(rng, o[k] ?? null);
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

// ---------------------------------------------------------------------------------------------
// Thrift-aware mutation: parse TBinaryProtocol bytes into a field tree without a schema, change
// one field (delete, duplicate, retype, empty or grow a value, drop list elements) and write the
// tree back. This reaches what byte flips rarely do: a struct that lacks a field, has it twice,
// or carries it with another type, all with valid framing.

type TField = { t: number; id: number; v: unknown };

class TReader {
  pos = 0;
  constructor(
    private readonly b: Uint8Array,
    private depth = 0,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.b.length) throw new Error('short');
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++] as number;
  }
  i32(): number {
    this.need(4);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 4).getInt32(0);
    this.pos += 4;
    return v;
  }
  raw(n: number): Uint8Array {
    if (n < 0) throw new Error('negative');
    this.need(n);
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  value(t: number): unknown {
    if (++this.depth > 32) throw new Error('deep');
    try {
      switch (t) {
        case 2:
        case 3:
          return this.raw(1);
        case 6:
          return this.raw(2);
        case 4:
        case 10:
          return this.raw(8);
        case 8:
          return this.raw(4);
        case 11:
          return this.raw(this.i32());
        case 12:
          return this.struct();
        case 13: {
          const kt = this.u8();
          const vt = this.u8();
          const n = this.i32();
          if (n < 0 || n > this.b.length) throw new Error('count');
          return { kt, vt, items: Array.from({ length: n }, () => [this.value(kt), this.value(vt)]) };
        }
        case 14:
        case 15: {
          const et = this.u8();
          const n = this.i32();
          if (n < 0 || n > this.b.length) throw new Error('count');
          return { et, items: Array.from({ length: n }, () => this.value(et)) };
        }
        default:
          throw new Error('type');
      }
    } finally {
      this.depth--;
    }
  }
  struct(): TField[] {
    const fields: TField[] = [];
    for (;;) {
      const t = this.u8();
      if (t === 0) return fields;
      this.need(2);
      const id = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
      this.pos += 2;
      fields.push({ t, id, v: this.value(t) });
    }
  }
}

function writeValue(out: number[], t: number, v: unknown): void {
  const i32 = (n: number) => out.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  if (t === 12) {
    for (const f of v as TField[]) {
      out.push(f.t, (f.id >> 8) & 0xff, f.id & 0xff);
      writeValue(out, f.t, f.v);
    }
    out.push(0);
  } else if (t === 13) {
    const m = v as { kt: number; vt: number; items: [unknown, unknown][] };
    out.push(m.kt, m.vt);
    i32(m.items.length);
    for (const [k, x] of m.items) {
      writeValue(out, m.kt, k);
      writeValue(out, m.vt, x);
    }
  } else if (t === 14 || t === 15) {
    const l = v as { et: number; items: unknown[] };
    out.push(l.et);
    i32(l.items.length);
    for (const x of l.items) writeValue(out, l.et, x);
  } else if (t === 11) {
    i32((v as Uint8Array).length);
    out.push(...(v as Uint8Array));
  } else out.push(...(v as Uint8Array));
}

/** Every struct's field list in the tree, for picking one to change. */
function structsOf(fields: TField[], acc: TField[][] = []): TField[][] {
  acc.push(fields);
  const visit = (t: number, v: unknown): void => {
    if (t === 12) structsOf(v as TField[], acc);
    else if (t === 14 || t === 15) for (const x of (v as { et: number; items: unknown[] }).items) visit((v as { et: number }).et, x);
    else if (t === 13)
      for (const [k, x] of (v as { kt: number; vt: number; items: [unknown, unknown][] }).items) {
        visit((v as { kt: number }).kt, k);
        visit((v as { vt: number }).vt, x);
      }
  };
  for (const f of fields) visit(f.t, f.v);
  return acc;
}

/** One field-level change to Thrift struct bytes; falls back to byte mutation when they do not parse. */
export function mutateThrift(rng: Rng, input: Uint8Array): Uint8Array {
  let root: TField[];
  try {
    const r = new TReader(input);
    root = r.struct();
    if (r.pos !== input.length) throw new Error('trailing');
  } catch {
    return mutateBytes(rng, input);
  }
  const structs = structsOf(root);
  const fields = rng.pick(structs);
  const i = rng.int(fields.length);
  const f = fields[i];
  switch (f === undefined ? 0 : rng.int(6)) {
    case 0:
      fields.push({ t: 11, id: rng.int(20), v: rng.bytes(rng.int(4)) });
      break;
    case 1:
      fields.splice(i, 1); // a field goes missing
      break;
    case 2:
      fields.splice(i, 0, { ...f! }); // the same field twice
      break;
    case 3:
      f!.id = rng.pick([0, f!.id + 1, f!.id - 1, 0x7fff, 100]);
      break;
    case 4:
      if (f!.t === 11) f!.v = rng.pick([new Uint8Array(0), new TextEncoder().encode(','), rng.bytes(1 + rng.int(200))]);
      else if (f!.t === 12)
        f!.v = []; // an empty struct
      else if (f!.t === 13 || f!.t === 14 || f!.t === 15) (f!.v as { items: unknown[] }).items.splice(0, 1 + rng.int(2));
      else f!.v = f!.t === 2 ? Uint8Array.of(rng.pick([2, 0xff])) : rng.bytes((f!.v as Uint8Array).length);
      break;
    default: {
      // Retype: the same id with a value of another type.
      const t = rng.pick([2, 8, 10, 11, 12, 15]);
      f!.t = t;
      f!.v = t === 12 ? [] : t === 15 ? { et: 11, items: [] } : t === 11 ? rng.bytes(3) : rng.bytes(t === 2 ? 1 : t === 8 ? 4 : 8);
    }
  }
  const out: number[] = [];
  writeValue(out, 12, root);
  return Uint8Array.from(out);
}
