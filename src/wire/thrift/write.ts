/**
 * The Thrift writer (TBinaryProtocol): fields in ascending id order, absent fields omitted,
 * integers big-endian, unknown fields written back where they were read.
 *
 * @module
 */
import { ErrorCodes, InternalError } from '../../errors.js';
import { TType, typeCode, type AnyStructDef, type RawField, type StructDef, type TypeDesc, type Unknowns } from './schema.js';

const utf8Encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The buffer writers start in, shared (encoding is synchronous and never nested): most structs fit,
 * and a fresh buffer and view per encoding cost more than the encoding of a small struct. What a
 * writer leaves in a buffer (a message's plaintext, say) is zeroed when it is done with it.
 */
const SCRATCH = /* @__PURE__ */ new Uint8Array(4096);
const SCRATCH_VIEW = /* @__PURE__ */ new DataView(SCRATCH.buffer);
let scratchInUse = false;

class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private readonly shared: boolean;
  pos = 0;

  constructor() {
    this.shared = !scratchInUse;
    if (this.shared) {
      scratchInUse = true;
      this.buf = SCRATCH;
      this.view = SCRATCH_VIEW;
    } else {
      this.buf = new Uint8Array(256);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf.fill(0, 0, this.pos);
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
  /** The bytes written (a copy); the buffer is zeroed and the shared one released. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.release();
    return out;
  }

  release(): void {
    this.buf.fill(0, 0, this.pos);
    if (this.shared) scratchInUse = false;
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
 * @throws {InternalError} `ERR_INTERNAL` when the value does not fit the description (a bug in the caller)
 */
export function encodeStruct<S>(def: StructDef<S>, value: S): Uint8Array {
  const w = new Writer();
  try {
    writeStruct(w, def, value, def.name);
  } catch (e) {
    w.release();
    throw e;
  }
  return w.finish();
}
