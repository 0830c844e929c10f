/**
 * The Thrift reader, which treats every byte as hostile (see `index.ts`): bounds checked before
 * reading, nesting capped, an allocation budget, canonical encodings only, unknown fields kept or
 * checked and dropped.
 *
 * @module
 */
import { DecodeError, ErrorCodes } from '../../errors.js';
import { isDetached, typeName } from '../../guards.js';
import {
  BY_ID,
  MAX_DEPTH,
  minSize,
  TType,
  typeCode,
  type AnyStructDef,
  type FieldEntry,
  type StructDef,
  type TypeDesc,
  type Unknowns,
} from './schema.js';

const utf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Reader

/** Options of {@link decodeStruct}. */
export interface DecodeOptions {
  /** The input's name, for error messages. */
  field?: string;
  /** Keep unknown fields as raw bytes in `$unknown` (default true); false checks and drops them. */
  keepUnknown?: boolean;
  /**
   * What decoding may allocate, as a multiple of the input's length (default 6, plus a fixed
   * 64 KiB, and never more than {@link MAX_DECODE_ALLOCATION}). Allocations are estimated per
   * object, array, string and byte string.
   */
  budgetFactor?: number;
  /**
   * Ignore bytes after the struct's end (default false: they are an error). Only for inputs whose
   * trailing bytes are known to be harmless, such as a decrypted, signed message plaintext, which
   * the official SDK reads the same way.
   */
  allowTrailing?: boolean;
}

/** The most any one decode may allocate (estimated): 32 MiB, some ten times an honest 10,000-member detail. */
export const MAX_DECODE_ALLOCATION = 32 * 1024 * 1024;

/** Estimated heap bytes of the values the reader builds (V8, 64-bit, pointer compression off). */
const COST = { object: 32, slot: 8, array: 16, string: 16, bytes: 96, bigint: 24, pair: 32 } as const;

class Reader {
  pos = 0;
  private readonly view: DataView;
  private budget: number;
  constructor(
    readonly buf: Uint8Array,
    readonly keepUnknown: boolean,
    budgetFactor: number,
    private readonly field?: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.budget = 65536 + Math.min(budgetFactor * buf.length, MAX_DECODE_ALLOCATION);
  }
  fail(what: string): never {
    throw new DecodeError(ErrorCodes.INVALID_THRIFT, `invalid Thrift at byte ${this.pos}: ${what}`, this.field);
  }
  /** Charges an allocation against the budget. */
  spend(bytes: number): void {
    this.budget -= bytes;
    if (this.budget < 0) {
      throw new DecodeError(
        ErrorCodes.TOO_LARGE,
        `decoding would allocate far more than the ${this.buf.length}-byte input (at byte ${this.pos}): refused`,
        this.field,
      );
    }
  }
  need(n: number): void {
    if (n > this.buf.length - this.pos) this.fail(`needs ${n} more bytes, ${this.buf.length - this.pos} left`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }
  length(): number {
    const n = this.i32();
    if (n < 0) this.fail(`negative length ${n}`);
    this.need(n);
    return n;
  }
  count(per: number): number {
    const n = this.i32();
    if (n < 0) this.fail(`negative element count ${n}`);
    if (n * per > this.buf.length - this.pos) this.fail(`element count ${n} exceeds the remaining ${this.buf.length - this.pos} bytes`);
    return n;
  }
  take(n: number): Uint8Array {
    this.need(n);
    this.spend(COST.bytes + n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readBool(r: Reader): boolean {
  const b = r.u8();
  if (b > 1) r.fail(`boolean byte ${b} is neither 0 nor 1`);
  return b === 1;
}

function readString(r: Reader): string {
  const n = r.length();
  const start = r.pos;
  r.pos += n;
  // Empty and one-character strings are shared by V8; longer ones are new objects.
  if (n > 1) r.spend(COST.string + n);
  try {
    return utf8Decoder.decode(r.buf.subarray(start, start + n));
  } catch {
    r.pos = start;
    return r.fail('string is not valid UTF-8');
  }
}

function readValue(r: Reader, t: TypeDesc, depth: number): unknown {
  switch (t.k) {
    case 'bool':
      return readBool(r);
    case 'byte':
      return (r.u8() << 24) >> 24;
    case 'i16':
      return r.i16();
    case 'i32':
      return r.i32();
    case 'i64':
      r.spend(COST.bigint);
      return r.i64();
    case 'double':
      return r.f64();
    case 'string':
      return readString(r);
    case 'binary':
      return r.take(r.length());
    case 'struct':
      return readStruct(r, t.def(), depth + 1);
    case 'list':
    case 'set': {
      if (depth >= MAX_DEPTH) r.fail('nesting too deep');
      const code = r.u8();
      if (code !== typeCode(t.elem)) r.fail(`element type ${code}, expected ${typeCode(t.elem)}`);
      const n = r.count(minSize(code));
      r.spend(COST.array);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        r.spend(COST.slot);
        out.push(readValue(r, t.elem, depth + 1));
      }
      return out;
    }
    case 'map': {
      if (depth >= MAX_DEPTH) r.fail('nesting too deep');
      const kc = r.u8();
      const vc = r.u8();
      if (kc !== typeCode(t.key) || vc !== typeCode(t.value)) r.fail('map key/value types do not match the schema');
      const n = r.count(minSize(kc) + minSize(vc));
      r.spend(COST.array);
      const out: [unknown, unknown][] = [];
      for (let i = 0; i < n; i++) {
        r.spend(COST.slot + COST.pair);
        out.push([readValue(r, t.key, depth + 1), readValue(r, t.value, depth + 1)]);
      }
      return out;
    }
  }
}

/** Skips one value of a type code (unknown fields), with the same bounds checks, building nothing. */
function skip(r: Reader, code: number, depth: number): void {
  if (depth >= MAX_DEPTH) r.fail('nesting too deep');
  switch (code) {
    case TType.BOOL:
      readBool(r);
      return;
    case TType.BYTE:
      r.need(1);
      r.pos += 1;
      return;
    case TType.I16:
      r.need(2);
      r.pos += 2;
      return;
    case TType.I32:
      r.need(4);
      r.pos += 4;
      return;
    case TType.I64:
    case TType.DOUBLE:
      r.need(8);
      r.pos += 8;
      return;
    case TType.STRING: {
      // Not `r.pos += r.length()`: that reads pos before length() advances it past the prefix.
      const n = r.length();
      r.pos += n;
      return;
    }
    case TType.STRUCT: {
      let last = -32769;
      for (;;) {
        const ft = r.u8();
        if (ft === TType.STOP) return;
        const id = r.i16();
        if (id <= last) r.fail(`field id ${id} after ${last}: fields must be strictly ascending`);
        last = id;
        skip(r, ft, depth + 1);
      }
    }
    case TType.LIST:
    case TType.SET: {
      const ec = r.u8();
      const n = r.count(minSize(ec));
      for (let i = 0; i < n; i++) skip(r, ec, depth + 1);
      return;
    }
    case TType.MAP: {
      const kc = r.u8();
      const vc = r.u8();
      const n = r.count(minSize(kc) + minSize(vc));
      for (let i = 0; i < n; i++) {
        skip(r, kc, depth + 1);
        skip(r, vc, depth + 1);
      }
      return;
    }
    default:
      r.fail(`unknown type code ${code}`);
  }
}

function readStruct(r: Reader, def: AnyStructDef, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) r.fail('nesting too deep');
  const byId = BY_ID.get(def) as ReadonlyMap<number, FieldEntry>;
  const out: Record<string, unknown> & Unknowns = {};
  r.spend(COST.object);
  let last = -32769;
  let count = 0;
  let known = 0;
  for (;;) {
    const ft = r.u8();
    if (ft === TType.STOP) break;
    const id = r.i16();
    if (id <= last) r.fail(`field id ${id} after ${last} in ${def.name}: fields must be strictly ascending`);
    last = id;
    count++;
    const f = byId.get(id);
    if (f) {
      if (typeCode(f.type) !== ft) r.fail(`${def.name}.${f.name} has type ${ft}, expected ${typeCode(f.type)}`);
      r.spend(COST.slot);
      out[f.name] = readValue(r, f.type, depth);
      if (f.required) known++;
    } else {
      const start = r.pos;
      skip(r, ft, depth);
      if (r.keepUnknown) {
        r.spend(COST.object + COST.slot + COST.bytes + (r.pos - start));
        (out.$unknown ??= []).push({ id, type: ft, raw: r.buf.slice(start, r.pos) });
      }
    }
  }
  if (def.union && count !== 1) r.fail(`union ${def.name} has ${count} fields, expected exactly 1`);
  if (known !== def.requiredCount) {
    const missing = def.fields.find((f) => f.required && out[f.name] === undefined);
    r.fail(`${def.name} lacks its required field ${missing?.name ?? '?'}`);
  }
  return out;
}

/**
 * Decodes one struct that must span the whole input (unless `options.allowTrailing`).
 * @throws {DecodeError} `ERR_INVALID_THRIFT` for malformed, non-canonical or trailing bytes,
 * `ERR_TOO_LARGE` when decoding would allocate far more than the input's size
 */
export function decodeStruct<S>(def: StructDef<S>, bytes: Uint8Array, options: DecodeOptions = {}): S {
  const name = options.field;
  if (!(bytes instanceof Uint8Array))
    throw new DecodeError(
      ErrorCodes.INVALID_THRIFT,
      `expected the Thrift bytes of a ${def.name} as Uint8Array, got ${typeName(bytes)}`,
      name,
    );
  if (isDetached(bytes)) throw new DecodeError(ErrorCodes.INVALID_THRIFT, 'the Uint8Array is detached (its buffer was transferred)', name);
  const r = new Reader(bytes, options.keepUnknown ?? true, options.budgetFactor ?? 6, name);
  const v = readStruct(r, def, 0);
  if (r.pos !== bytes.length && options.allowTrailing !== true) r.fail(`${bytes.length - r.pos} trailing bytes after ${def.name}`);
  return v as S;
}
