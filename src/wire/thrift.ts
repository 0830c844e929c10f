/**
 * A schema-driven Thrift TBinaryProtocol codec (Apache Thrift binary protocol; PROTOCOL.md §7.1)
 * for the handful of structs X Chat puts on the wire.
 *
 * Structs are described by small {@link StructDef} tables (field id, name, type), and one generic
 * writer and one generic reader serve them all. Writing follows the XDK's conventions: fields in
 * ascending id order, absent (`undefined`) fields omitted, integers big-endian.
 *
 * Reading treats every byte as hostile:
 * - every length and element count is checked against the bytes that remain *before* anything is
 *   allocated, and nesting is capped at {@link MAX_DEPTH};
 * - the encoding must be canonical, so that a decoded value re-encodes to exactly the input bytes:
 *   field ids strictly ascending (no duplicates), booleans 0 or 1, strings valid UTF-8, a union with
 *   exactly one field;
 * - unknown fields are skipped by type, as Thrift requires, but kept (as raw bytes) in `$unknown`
 *   so that re-encoding reproduces them.
 * Every failure is a {@link DecodeError} with code `ERR_INVALID_THRIFT`.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InternalError } from '../errors.js';
import { typeName } from '../guards.js';

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

/** The type of a field or element. `string` is UTF-8 text, `binary` raw bytes (both type 11). */
export type ThriftType =
  | { readonly k: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' }
  | { readonly k: 'struct'; readonly def: () => StructDef }
  | { readonly k: 'list' | 'set'; readonly elem: ThriftType }
  | { readonly k: 'map'; readonly key: ThriftType; readonly value: ThriftType };

/** One field of a struct. */
export interface FieldDef {
  readonly id: number;
  readonly name: string;
  readonly type: ThriftType;
}

/** A struct or union description. */
export interface StructDef {
  readonly name: string;
  readonly union?: boolean;
  readonly fields: readonly FieldDef[];
}

/** An unknown field kept verbatim: its id, its type code and the bytes of its value. */
export interface RawField {
  readonly id: number;
  readonly type: number;
  readonly raw: Uint8Array;
}

/** A decoded struct: known fields by name, unknown ones in `$unknown`. */
export type StructValue = { [name: string]: unknown; $unknown?: RawField[] };

/** Type constructors for schema tables. */
export const T = {
  bool: { k: 'bool' },
  byte: { k: 'byte' },
  i16: { k: 'i16' },
  i32: { k: 'i32' },
  i64: { k: 'i64' },
  double: { k: 'double' },
  string: { k: 'string' },
  binary: { k: 'binary' },
  struct: (def: () => StructDef): ThriftType => ({ k: 'struct', def }),
  list: (elem: ThriftType): ThriftType => ({ k: 'list', elem }),
  set: (elem: ThriftType): ThriftType => ({ k: 'set', elem }),
  map: (key: ThriftType, value: ThriftType): ThriftType => ({ k: 'map', key, value }),
} as const satisfies Record<string, ThriftType | ((...a: never[]) => ThriftType)>;

/** Maximum nesting of structs and containers accepted by the reader. */
export const MAX_DEPTH = 64;

function typeCode(t: ThriftType): number {
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

/** Smallest encoded size of one value of a type code; used to bound element counts. */
function minSize(code: number): number {
  switch (code) {
    case TType.BOOL:
    case TType.BYTE:
    case TType.STRUCT: return 1;
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

function writeValue(w: Writer, t: ThriftType, v: unknown, path: string): void {
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
      writeStruct(w, t.def(), v as StructValue, path);
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

function writeStruct(w: Writer, def: StructDef, value: StructValue, path: string): void {
  if (typeof value !== 'object' || value === null) bad(path, `expected ${def.name} object`);
  const unknown = value.$unknown ?? [];
  let u = 0;
  let count = 0;
  for (const f of def.fields) {
    while (u < unknown.length && (unknown[u] as RawField).id < f.id) {
      const r = unknown[u++] as RawField;
      w.u8(r.type);
      w.i16(r.id);
      w.bytes(r.raw);
      count++;
    }
    const v = value[f.name];
    if (v === undefined) continue;
    w.u8(typeCode(f.type));
    w.i16(f.id);
    writeValue(w, f.type, v, `${path}.${f.name}`);
    count++;
  }
  for (; u < unknown.length; u++) {
    const r = unknown[u] as RawField;
    w.u8(r.type);
    w.i16(r.id);
    w.bytes(r.raw);
    count++;
  }
  if (def.union && count !== 1) bad(path, `union ${def.name} needs exactly one field, has ${count}`);
  w.u8(TType.STOP);
}

/**
 * Encodes a struct value with its schema.
 * @throws {InternalError} when the value does not fit the schema (a bug in the caller)
 */
export function encodeStruct(def: StructDef, value: StructValue): Uint8Array {
  const w = new Writer();
  writeStruct(w, def, value, def.name);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Reader

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly buf: Uint8Array,
    private readonly field?: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  fail(what: string): never {
    throw new DecodeError(ErrorCodes.INVALID_THRIFT, `invalid Thrift at byte ${this.pos}: ${what}`, this.field);
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
  count(elemCodes: number[]): number {
    const n = this.i32();
    if (n < 0) this.fail(`negative element count ${n}`);
    const per = elemCodes.reduce((a, c) => a + minSize(c), 0);
    if (n * per > this.buf.length - this.pos) this.fail(`element count ${n} exceeds the remaining ${this.buf.length - this.pos} bytes`);
    return n;
  }
  take(n: number): Uint8Array {
    this.need(n);
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

function readValue(r: Reader, t: ThriftType, depth: number): unknown {
  switch (t.k) {
    case 'bool': return readBool(r);
    case 'byte': return (r.u8() << 24) >> 24;
    case 'i16': return r.i16();
    case 'i32': return r.i32();
    case 'i64': return r.i64();
    case 'double': return r.f64();
    case 'string': {
      const n = r.length();
      const start = r.pos;
      r.pos += n;
      try {
        return utf8Decoder.decode(r.buf.subarray(start, start + n));
      } catch {
        r.pos = start;
        return r.fail('string is not valid UTF-8');
      }
    }
    case 'binary': return r.take(r.length());
    case 'struct': return readStruct(r, t.def(), depth + 1);
    case 'list':
    case 'set': {
      if (depth >= MAX_DEPTH) r.fail('nesting too deep');
      const code = r.u8();
      if (code !== typeCode(t.elem)) r.fail(`element type ${code}, expected ${typeCode(t.elem)}`);
      const n = r.count([code]);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r, t.elem, depth + 1);
      return out;
    }
    case 'map': {
      if (depth >= MAX_DEPTH) r.fail('nesting too deep');
      const kc = r.u8();
      const vc = r.u8();
      if (kc !== typeCode(t.key) || vc !== typeCode(t.value)) r.fail('map key/value types do not match the schema');
      const count = r.count([kc, vc]);
      const out = new Array<[unknown, unknown]>(count);
      for (let i = 0; i < count; i++) out[i] = [readValue(r, t.key, depth + 1), readValue(r, t.value, depth + 1)];
      return out;
    }
  }
}

/** Skips one value of a type code (for unknown fields), with the same bounds checks. */
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
      const n = r.count([ec]);
      for (let i = 0; i < n; i++) skip(r, ec, depth + 1);
      return;
    }
    case TType.MAP: {
      const kc = r.u8();
      const vc = r.u8();
      const n = r.count([kc, vc]);
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

function readStruct(r: Reader, def: StructDef, depth: number): StructValue {
  if (depth > MAX_DEPTH) r.fail('nesting too deep');
  const out: StructValue = {};
  let last = -32769;
  let count = 0;
  for (;;) {
    const ft = r.u8();
    if (ft === TType.STOP) break;
    const id = r.i16();
    if (id <= last) r.fail(`field id ${id} after ${last} in ${def.name}: fields must be strictly ascending`);
    last = id;
    count++;
    const f = def.fields.find((x) => x.id === id);
    if (f) {
      if (typeCode(f.type) !== ft) r.fail(`${def.name}.${f.name} has type ${ft}, expected ${typeCode(f.type)}`);
      out[f.name] = readValue(r, f.type, depth);
    } else {
      const start = r.pos;
      skip(r, ft, depth);
      (out.$unknown ??= []).push({ id, type: ft, raw: r.buf.slice(start, r.pos) });
    }
  }
  if (def.union && count !== 1) r.fail(`union ${def.name} has ${count} fields, expected exactly 1`);
  return out;
}

/**
 * Decodes one struct that must span the whole input.
 * @param field - the input's name, for error messages
 * @throws {DecodeError} `ERR_INVALID_THRIFT` for malformed, non-canonical or trailing bytes
 */
export function decodeStruct(def: StructDef, bytes: Uint8Array, field?: string): StructValue {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(ErrorCodes.INVALID_THRIFT, `expected the Thrift bytes of a ${def.name} as Uint8Array, got ${typeName(bytes)}`, field);
  const r = new Reader(bytes, field);
  const v = readStruct(r, def, 0);
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} trailing bytes after ${def.name}`);
  return v;
}
