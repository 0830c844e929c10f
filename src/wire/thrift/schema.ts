/**
 * Thrift struct descriptions (docs/xchat-keys.md §"Thrift"): the binary protocol's type codes, the
 * typed field and struct constructors, and the type codes and minimum sizes the writer and reader
 * share. A description carries the TypeScript type of its values, so decoding needs no casts.
 *
 * @module
 */
import { ErrorCodes, InternalError } from '../../errors.js';

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
export type StructOf<F extends Specs> = Simplify<
  { [K in RequiredKeys<F>]: ValueOf<F[K]> } & { [K in Exclude<keyof F, RequiredKeys<F>>]?: ValueOf<F[K]> } & Unknowns
>;

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
export const BY_ID = new WeakMap<AnyStructDef, ReadonlyMap<number, FieldEntry>>();

/** A struct description of any value type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStructDef = StructDef<any>;

/** The value type of a struct description. */
export type Infer<D> = D extends StructDef<infer S> ? S : never;

function define<S>(name: string, union: boolean, specs: Specs): StructDef<S> {
  const fields = Object.entries(specs).map(([n, s]) =>
    Object.freeze({ id: s.id, name: n, type: s.type as TypeDesc, required: s.required }),
  );
  fields.sort((a, b) => a.id - b.id);
  const byId = new Map(fields.map((f) => [f.id, f]));
  if (byId.size !== fields.length) throw new InternalError(ErrorCodes.INTERNAL, `struct ${name} defines a field id twice`);
  const requiredCount = fields.filter((f) => f.required).length;
  if (union && requiredCount > 0) throw new InternalError(ErrorCodes.INTERNAL, `union ${name} cannot have required fields`);
  const def: StructDef<S> = Object.freeze({ name, union, fields: Object.freeze(fields), requiredCount });
  BY_ID.set(def, byId);
  return def;
}

/**
 * Describes a struct: field names (our camelCase) to field specs (the IDL's ids and types).
 * @throws {InternalError} `ERR_INTERNAL` for a description that uses a field id twice
 * @example
 * const Point = struct('Point', { x: required(1, T.i32), y: field(2, T.i32) });
 */
export function struct<F extends Specs>(name: string, specs: F): StructDef<StructOf<F>> {
  return define(name, false, specs);
}

/**
 * Describes a union: a struct with exactly one field present.
 * @throws {InternalError} `ERR_INTERNAL` for a description that uses a field id twice or has a
 * required field
 */
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

export function typeCode(t: TypeDesc): number {
  switch (t.k) {
    case 'bool':
      return TType.BOOL;
    case 'byte':
      return TType.BYTE;
    case 'i16':
      return TType.I16;
    case 'i32':
      return TType.I32;
    case 'i64':
      return TType.I64;
    case 'double':
      return TType.DOUBLE;
    case 'string':
    case 'binary':
      return TType.STRING;
    case 'struct':
      return TType.STRUCT;
    case 'list':
      return TType.LIST;
    case 'set':
      return TType.SET;
    case 'map':
      return TType.MAP;
  }
}

/** Smallest encoded size of one value of a type code; bounds element counts. */
export function minSize(code: number): number {
  switch (code) {
    case TType.I16:
      return 2;
    case TType.I32:
    case TType.STRING:
      return 4;
    case TType.I64:
    case TType.DOUBLE:
      return 8;
    case TType.LIST:
    case TType.SET:
      return 5;
    case TType.MAP:
      return 6;
    default:
      return 1;
  }
}
