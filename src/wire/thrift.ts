/**
 * A typed, schema-driven Thrift TBinaryProtocol codec (Apache Thrift's binary protocol; see
 * docs/xchat-keys.md §"Thrift") for the structs X Chat puts on the wire.
 *
 * A struct is described once with {@link struct} or {@link union} and the field constructors
 * {@link field} / {@link required}; the description carries its TypeScript type, so
 * `decodeStruct(Def, bytes)` returns that type and `encodeStruct(Def, value)` takes it, without
 * casts at the call site (ts-mls's typed decoders are the model). One generic writer and one
 * generic reader serve every struct. Writing follows the official SDK's conventions: fields in
 * ascending id order, absent (`undefined`) fields omitted, integers big-endian.
 *
 * Reading treats every byte as hostile:
 * - every length and element count is checked against the bytes that remain before anything is
 *   read, nesting is capped at {@link MAX_DEPTH}, and lists grow as elements decode (a declared
 *   count never allocates on its own);
 * - what decoding allocates is charged against a budget proportional to the input
 *   ({@link DecodeOptions.budgetFactor}), so that small inputs cannot expand into large heaps
 *   (a list of empty structs or empty binaries is otherwise one object per byte);
 * - the encoding must be canonical, so that a decoded value re-encodes to exactly the input bytes:
 *   field ids strictly ascending (no duplicates), booleans 0 or 1, strings valid UTF-8, a union
 *   with exactly one field, required fields present;
 * - unknown fields are skipped by type, as Thrift requires; by default they are kept as raw bytes
 *   in `$unknown` so that re-encoding reproduces them, and with `keepUnknown: false` they are
 *   checked and dropped (a *view*: a struct description that leaves out fields a caller does not
 *   use decodes them without building them).
 * Every failure is a {@link DecodeError}: `ERR_INVALID_THRIFT`, or `ERR_TOO_LARGE` past the budget.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InternalError } from '../errors.js';
import { isDetached, typeName } from '../guards.js';

/** Thrift binary-protocol type codes. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

/** The untyped description of a field or element type. `string` is UTF-8 text, `binary` raw bytes (both type 11). */
export type TypeDesc =
  | { readonly k: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' }
  | { readonly k: 'struct'; readonly def: () => AnyStructDef }
  | { readonly k: 'list' | 'set'; readonly elem: TypeDesc }
  | { readonly k: 'map'; readonly key: TypeDesc; readonly value: TypeDesc };

/** A type description that also carries the TypeScript type `V` of its values (phantom). */
export type ThriftType<V> = TypeDesc & { readonly __value?: V };

/** One field of a struct: its id, its type, and whether decoding requires it. */
export interface FieldSpec<V, R extends boolean = boolean> {
  readonly id: number;
  readonly type: ThriftType<V>;
  readonly required: R;
}

/** An optional field. */
export function field<V>(id: number, type: ThriftType<V>): FieldSpec<V, false> {
  return Object.freeze({ id, type, required: false });
}

/** A required field: a struct without it does not decode (and cannot be encoded). */
export function required<V>(id: number, type: ThriftType<V>): FieldSpec<V, true> {
  return Object.freeze({ id, type, required: true });
}

type Specs = Record<string, FieldSpec<unknown>>;
type ValueOf<F> = F extends FieldSpec<infer V, boolean> ? V : never;
type RequiredKeys<F extends Specs> = { [K in keyof F]: F[K] extends FieldSpec<unknown, true> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** An unknown field kept verbatim: its id, its type code and the bytes of its value. */
export interface RawField {
  readonly id: number;
  readonly type: number;
  readonly raw: Uint8Array;
}

/** The unknown fields of a decoded struct, when kept. */
export interface Unknowns {
  $unknown?: RawField[];
}

/** The TypeScript type of a struct described by `F`. */
export type StructOf<F extends Specs> = Simplify<{ [K in RequiredKeys<F>]: ValueOf<F[K]> } & { [K in Exclude<keyof F, RequiredKeys<F>>]?: ValueOf<F[K]> } & Unknowns>;

/** The TypeScript type of a union described by `F`: exactly one field is present at run time. */
export type UnionOf<F extends Specs> = Simplify<{ [K in keyof F]?: ValueOf<F[K]> } & Unknowns>;

/** One field as the engine sees it. */
export interface FieldEntry {
  readonly id: number;
  readonly name: string;
  readonly type: TypeDesc;
  readonly required: boolean;
}

/** A struct or union description whose values have the TypeScript type `S`. */
export interface StructDef<S> {
  readonly name: string;
  readonly union: boolean;
  /** The fields in ascending id order. */
  readonly fields: readonly FieldEntry[];
  /** How many fields are required. */
  readonly requiredCount: number;
  readonly __struct?: S;
}

/** The fields of each description by id (kept apart so that descriptions stay frozen). */
const BY_ID = new WeakMap<AnyStructDef, ReadonlyMap<number, FieldEntry>>();

/** A struct description of any value type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStructDef = StructDef<any>;

/** The value type of a struct description. */
export type Infer<D> = D extends StructDef<infer S> ? S : never;

function define<S>(name: string, union: boolean, specs: Specs): StructDef<S> {
  const fields = Object.entries(specs).map(([n, s]) => Object.freeze({ id: s.id, name: n, type: s.type as TypeDesc, required: s.required }));
  fields.sort((a, b) => a.id - b.id);
  const byId = new Map(fields.map((f) => [f.id, f]));
  if (byId.size !== fields.length) throw new InternalError(ErrorCodes.INTERNAL, `struct ${name} defines a field id twice`);
  const requiredCount = fields.filter((f) => f.required).length;
  if (union && requiredCount > 0) throw new InternalError(ErrorCodes.INTERNAL, `union ${name} cannot have required fields`);
  const def: StructDef<S> = Object.freeze({ name, union, fields: Object.freeze(fields), requiredCount });
  BY_ID.set(def, byId);
  return def;
}

/** Describes a struct: field names (our camelCase) to field specs (the IDL's ids and types). */
export function struct<F extends Specs>(name: string, specs: F): StructDef<StructOf<F>> {
  return define(name, false, specs);
}

/** Describes a union: a struct with exactly one field present. */
export function union<F extends Specs>(name: string, specs: F): StructDef<UnionOf<F>> {
  return define(name, true, specs);
}

/** Type constructors for struct descriptions. */
const scalar = <V>(k: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary'): ThriftType<V> => Object.freeze({ k });
export const T = /* @__PURE__ */ Object.freeze({
  bool: scalar<boolean>('bool'),
  byte: scalar<number>('byte'),
  i16: scalar<number>('i16'),
  i32: scalar<number>('i32'),
  i64: scalar<bigint>('i64'),
  double: scalar<number>('double'),
  string: scalar<string>('string'),
  binary: scalar<Uint8Array>('binary'),
  struct: <S>(def: () => StructDef<S>): ThriftType<S> => Object.freeze({ k: 'struct', def }),
  list: <V>(elem: ThriftType<V>): ThriftType<V[]> => Object.freeze({ k: 'list', elem }),
  set: <V>(elem: ThriftType<V>): ThriftType<V[]> => Object.freeze({ k: 'set', elem }),
  map: <K, V>(key: ThriftType<K>, value: ThriftType<V>): ThriftType<[K, V][]> => Object.freeze({ k: 'map', key, value }),
});

/** Maximum nesting of structs and containers accepted by the reader. */
export const MAX_DEPTH = 64;

function typeCode(t: TypeDesc): number {
  switch (t.k) {
    case 'bool': return TType.BOOL;
    case 'byte': return TType.BYTE;
    case 'i16': return TType.I16;
    case 'i32': return TType.I32;
    case 'i64': return TType.I64;
    case 'double': return TType.DOUBLE;
    case 'string':
    case 'binary': return TType.STRING;
    case 'struct': return TType.STRUCT;
    case 'list': return TType.LIST;
    case 'set': return TType.SET;
    case 'map': return TType.MAP;
  }
}

/** Smallest encoded size of one value of a type code; bounds element counts. */
function minSize(code: number): number {
  switch (code) {
    case TType.I16: return 2;
    case TType.I32:
    case TType.STRING: return 4;
    case TType.I64:
    case TType.DOUBLE: return 8;
    case TType.LIST:
    case TType.SET: return 5;
    case TType.MAP: return 6;
    default: return 1;
  }
}

const utf8Encoder = /* @__PURE__ */ new TextEncoder();
const utf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------------
// Writer

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v & 0xff;
  }
  i16(v: number): void {
    this.reserve(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  i64(v: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  string(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.reserve(4 + s.length * 3);
    const { written } = utf8Encoder.encodeInto(s, this.buf.subarray(this.pos + 4));
    this.view.setInt32(this.pos, written);
    this.pos += 4 + written;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function bad(path: string, what: string): never {
  throw new InternalError(ErrorCodes.INTERNAL, `cannot encode ${path}: ${what}`);
}

function writeValue(w: Writer, t: TypeDesc, v: unknown, path: string): void {
  switch (t.k) {
    case 'bool':
      if (typeof v !== 'boolean') bad(path, 'expected boolean');
      w.u8(v ? 1 : 0);
      return;
    case 'byte':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -128 || v > 127) bad(path, 'expected i8');
      w.u8(v);
      return;
    case 'i16':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -32768 || v > 32767) bad(path, 'expected i16');
      w.i16(v);
      return;
    case 'i32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) bad(path, 'expected i32');
      w.i32(v);
      return;
    case 'i64':
      if (typeof v !== 'bigint' || v < -(1n << 63n) || v >= 1n << 63n) bad(path, 'expected i64 bigint');
      w.i64(v);
      return;
    case 'double':
      if (typeof v !== 'number') bad(path, 'expected number');
      w.f64(v);
      return;
    case 'string':
      if (typeof v !== 'string') bad(path, 'expected string');
      w.string(v);
      return;
    case 'binary':
      if (!(v instanceof Uint8Array)) bad(path, 'expected Uint8Array');
      w.i32(v.length);
      w.bytes(v);
      return;
    case 'struct':
      writeStruct(w, t.def(), v, path);
      return;
    case 'list':
    case 'set': {
      if (!Array.isArray(v)) bad(path, 'expected array');
      w.u8(typeCode(t.elem));
      w.i32(v.length);
      for (let i = 0; i < v.length; i++) writeValue(w, t.elem, v[i], `${path}[${i}]`);
      return;
    }
    case 'map': {
      if (!Array.isArray(v)) bad(path, 'expected array of [key, value] pairs');
      w.u8(typeCode(t.key));
      w.u8(typeCode(t.value));
      w.i32(v.length);
      for (let i = 0; i < v.length; i++) {
        const pair = v[i] as [unknown, unknown];
        writeValue(w, t.key, pair[0], `${path}[${i}].key`);
        writeValue(w, t.value, pair[1], `${path}[${i}].value`);
      }
      return;
    }
  }
}

function writeRaw(w: Writer, r: RawField): void {
  w.u8(r.type);
  w.i16(r.id);
  w.bytes(r.raw);
}

function writeStruct(w: Writer, def: AnyStructDef, value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null) bad(path, `expected ${def.name} object`);
  const v = value as Record<string, unknown> & Unknowns;
  const unknown = v.$unknown ?? [];
  let u = 0;
  let count = 0;
  for (const f of def.fields) {
    while (u < unknown.length && (unknown[u] as RawField).id < f.id) {
      writeRaw(w, unknown[u++] as RawField);
      count++;
    }
    const fv = v[f.name];
    if (fv === undefined) {
      if (f.required) bad(`${path}.${f.name}`, 'required field is missing');
      continue;
    }
    w.u8(typeCode(f.type));
    w.i16(f.id);
    writeValue(w, f.type, fv, `${path}.${f.name}`);
    count++;
  }
  for (; u < unknown.length; u++, count++) writeRaw(w, unknown[u] as RawField);
  if (def.union && count !== 1) bad(path, `union ${def.name} needs exactly one field, has ${count}`);
  w.u8(TType.STOP);
}

/**
 * Encodes a struct value with its description.
 * @throws {InternalError} when the value does not fit the description (a bug in the caller)
 */
export function encodeStruct<S>(def: StructDef<S>, value: S): Uint8Array {
  const w = new Writer();
  writeStruct(w, def, value, def.name);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
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
      throw new DecodeError(ErrorCodes.TOO_LARGE, `decoding would allocate far more than the ${this.buf.length}-byte input (at byte ${this.pos}): refused`, this.field);
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
    case 'bool': return readBool(r);
    case 'byte': return (r.u8() << 24) >> 24;
    case 'i16': return r.i16();
    case 'i32': return r.i32();
    case 'i64':
      r.spend(COST.bigint);
      return r.i64();
    case 'double': return r.f64();
    case 'string': return readString(r);
    case 'binary': return r.take(r.length());
    case 'struct': return readStruct(r, t.def(), depth + 1);
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
    case TType.BOOL: readBool(r); return;
    case TType.BYTE: r.need(1); r.pos += 1; return;
    case TType.I16: r.need(2); r.pos += 2; return;
    case TType.I32: r.need(4); r.pos += 4; return;
    case TType.I64:
    case TType.DOUBLE: r.need(8); r.pos += 8; return;
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
 * Decodes one struct that must span the whole input.
 * @throws {DecodeError} `ERR_INVALID_THRIFT` for malformed, non-canonical or trailing bytes,
 * `ERR_TOO_LARGE` when decoding would allocate far more than the input's size
 */
export function decodeStruct<S>(def: StructDef<S>, bytes: Uint8Array, options: DecodeOptions = {}): S {
  const name = options.field;
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(ErrorCodes.INVALID_THRIFT, `expected the Thrift bytes of a ${def.name} as Uint8Array, got ${typeName(bytes)}`, name);
  if (isDetached(bytes)) throw new DecodeError(ErrorCodes.INVALID_THRIFT, 'the Uint8Array is detached (its buffer was transferred)', name);
  const r = new Reader(bytes, options.keepUnknown ?? true, options.budgetFactor ?? 6, name);
  const v = readStruct(r, def, 0);
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} trailing bytes after ${def.name}`);
  return v as S;
}
