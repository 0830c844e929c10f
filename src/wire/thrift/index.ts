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
export {
  TType,
  T,
  MAX_DEPTH,
  field,
  required,
  struct,
  union,
  type TypeDesc,
  type ThriftType,
  type FieldSpec,
  type RawField,
  type Unknowns,
  type StructOf,
  type UnionOf,
  type FieldEntry,
  type StructDef,
  type AnyStructDef,
  type Infer,
} from './schema.js';
export { encodeStruct } from './write.js';
export { decodeStruct, MAX_DECODE_ALLOCATION, type DecodeOptions } from './read.js';
