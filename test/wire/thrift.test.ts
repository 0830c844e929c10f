/**
 * The typed Thrift codec (src/wire/thrift/): descriptions decode to their type, required
 * fields, canonical encodings, and bounded work and memory on hostile input. Then the properties
 * over X Chat's structs: generated values round-trip (bytes and value), mutated or arbitrary bytes
 * decode to a value that re-encodes to the same bytes or give a DecodeError, and unknown fields
 * are kept.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import {
  decodeStruct,
  encodeStruct,
  field,
  required,
  struct,
  T,
  TType,
  union,
  type AnyStructDef,
  type TypeDesc,
  type Unknowns,
} from '../../src/wire/thrift/index.js';
import * as events from '../../src/wire/xchat/events.js';
import { ConversationKeyChangeEventView, GroupOpData, MessageEventDetail, MessageEventDetailView } from '../../src/wire/xchat/events.js';
import { MIN_RUNS_BOTH_OUTCOMES, mutate, mutation, RUNS, typedOrValue } from '../helpers/properties.js';

const Point = struct('Point', { x: required(1, T.i32), y: field(2, T.i32), label: field(3, T.string) });
const Shape = union('Shape', {
  point: field(
    1,
    T.struct(() => Point),
  ),
  points: field(2, T.list(T.struct(() => Point))),
});

/** Bytes of a list<STRUCT> field `id` of `count` empty structs, wrapped in the given struct headers. */
function emptyStructList(count: number): Uint8Array {
  // GroupOpData{4: TypeData{6: EditOpData{6: list<MaybeTreeNode> of `count` empty structs}}}
  const head = [
    TType.STRUCT,
    0,
    4,
    TType.STRUCT,
    0,
    6,
    TType.LIST,
    0,
    6,
    TType.STRUCT,
    (count >>> 24) & 0xff,
    (count >>> 16) & 0xff,
    (count >>> 8) & 0xff,
    count & 0xff,
  ];
  const out = new Uint8Array(head.length + count + 3);
  out.set(head);
  // count × STOP (an empty MaybeTreeNode), then STOP EditOpData, STOP TypeData, STOP GroupOpData.
  return out;
}

describe('typed descriptions', () => {
  test('a value round-trips and keeps its type', () => {
    const v = { point: { x: -3, y: 7, label: 'héllo' } };
    const bytes = encodeStruct(Shape, v);
    const back = decodeStruct(Shape, bytes);
    expect(back).toEqual(v);
    expect(back.point?.x).toBe(-3);
  });

  test('a required field missing does not decode, and cannot be encoded', () => {
    const noX = Uint8Array.from([TType.I32, 0, 2, 0, 0, 0, 5, TType.STOP]);
    expect(() => decodeStruct(Point, noX)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_THRIFT', message: expect.stringContaining('lacks its required field x') }),
    );
    expect(() => encodeStruct(Point, { y: 5 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });

  test('a union with two fields, or none, is refused', () => {
    const two = Uint8Array.from([
      TType.STRUCT,
      0,
      1,
      TType.I32,
      0,
      1,
      0,
      0,
      0,
      1,
      TType.STOP,
      TType.LIST,
      0,
      2,
      TType.STRUCT,
      0,
      0,
      0,
      0,
      TType.STOP,
    ]);
    expect(() => decodeStruct(Shape, two)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
    expect(() => decodeStruct(Shape, Uint8Array.of(TType.STOP))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
  });

  test('descriptions are frozen', () => {
    expect(Object.isFrozen(Point)).toBe(true);
    expect(Object.isFrozen(Point.fields)).toBe(true);
    expect(Object.isFrozen(T)).toBe(true);
  });

  test('a detached buffer is a typed error, not a TypeError', () => {
    const b = encodeStruct(Point, { x: 1 });
    structuredClone(b.buffer, { transfer: [b.buffer as ArrayBuffer] });
    expect(() => decodeStruct(Point, b)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
  });
});

describe('the writer', () => {
  test('encodings are independent: small, large (past the shared buffer), after a failed one, while another value is being described', () => {
    const small = { x: 1, label: 'a' };
    const expected = encodeStruct(Point, small);
    const big = { x: 2, label: 'é'.repeat(6000) };
    const bigBytes = encodeStruct(Point, big);
    expect(bigBytes.length).toBe(3 + 4 + 3 + 4 + 12000 + 1);
    expect(decodeStruct(Point, bigBytes)).toEqual(big);
    expect(() => encodeStruct(Point, { label: 'no x' } as never)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    expect(encodeStruct(Point, small)).toEqual(expected);
    // A description whose value getter encodes another struct mid-way (a nested encoding).
    const nested = {
      x: 3,
      get label() {
        return Buffer.from(encodeStruct(Point, small)).toString('hex');
      },
    };
    expect(decodeStruct(Point, encodeStruct(Point, nested as never)).label).toBe(Buffer.from(expected).toString('hex'));
    expect(encodeStruct(Point, small)).toEqual(expected);
  });
});

describe('bounded allocation', () => {
  test('a list of a million empty structs (one byte each) is refused past the budget, not built', () => {
    const bytes = emptyStructList(1_000_000);
    expect(() => decodeStruct(GroupOpData, bytes)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
  });

  test('a list of empty byte strings (four bytes each, about a hundred bytes of heap each) is refused', () => {
    const Blobs = struct('Blobs', { list: field(1, T.list(T.binary)) });
    const n = 500_000;
    const bytes = new Uint8Array(3 + 5 + 4 * n + 1);
    bytes.set([TType.LIST, 0, 1, TType.STRING, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    expect(() => decodeStruct(Blobs, bytes)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
    // The same list, small, decodes.
    const small = new Uint8Array(3 + 5 + 4 * 10 + 1);
    small.set([TType.LIST, 0, 1, TType.STRING, 0, 0, 0, 10]);
    expect(decodeStruct(Blobs, small).list).toHaveLength(10);
  });

  test('a declared count never allocates on its own: the first bad element stops the list', () => {
    // list<ConversationParticipantKey> declaring 2^20 elements, the first one empty (required fields missing).
    const n = 1 << 20;
    const bytes = new Uint8Array(3 + 3 + 5 + n + 2);
    bytes.set([TType.STRUCT, 0, 3, TType.LIST, 0, 2, TType.STRUCT, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    expect(() => decodeStruct(MessageEventDetailView, bytes)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_THRIFT', message: expect.stringContaining('lacks its required field userId') }),
    );
  });

  test('receivers skip what no check reads: a ratchet tree of a million empty nodes decodes to nothing', () => {
    // ConversationKeyChangeEvent{1: ckv, 4: GroupOpData{...million empty nodes...}}
    const tree = emptyStructList(1_000_000);
    const ckv = [TType.STRING, 0, 1, 0, 0, 0, 1, 0x31];
    const bytes = new Uint8Array(3 + ckv.length + 3 + tree.length + 2);
    bytes.set([TType.STRUCT, 0, 3], 0);
    bytes.set(ckv, 3);
    bytes.set([TType.STRUCT, 0, 4], 3 + ckv.length);
    bytes.set(tree, 6 + ckv.length);
    const view = decodeStruct(MessageEventDetailView, bytes, { keepUnknown: false });
    expect(view.conversationKeyChangeEvent).toEqual({ conversationKeyVersion: '1' });
    expect(() => decodeStruct(MessageEventDetail, bytes)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
    expect(ConversationKeyChangeEventView.fields.map((f) => f.id)).toEqual([1, 2, 5]);
  });
});

describe('trailing bytes', () => {
  const Point = struct('Point', { x: field(1, T.i32) });
  const bytes = Uint8Array.from([...encodeStruct(Point, { x: 7 }), 0x00, 0xff]);
  test('are refused by default and ignored only when asked', () => {
    expect(() => decodeStruct(Point, bytes)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
    expect(decodeStruct(Point, bytes, { allowTrailing: true })).toEqual({ x: 7 });
  });
});

// Properties (moved from test/hardening/properties.test.ts).
/** A fast-check arbitrary for any value of a Thrift type, derived from the schema tables. */
function arbitraryOf(t: TypeDesc, depth = 0): fc.Arbitrary<unknown> {
  switch (t.k) {
    case 'bool':
      return fc.boolean();
    case 'byte':
      return fc.integer({ min: -128, max: 127 });
    case 'i16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'i32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'i64':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'double':
      return fc.double({ noNaN: true });
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'binary':
      return fc.uint8Array({ maxLength: 24 });
    case 'struct':
      return structArbitrary(t.def(), depth + 1);
    case 'list':
    case 'set':
      return fc.array(arbitraryOf(t.elem, depth + 1), { maxLength: depth > 3 ? 1 : 3 });
    case 'map':
      return fc.array(fc.tuple(arbitraryOf(t.key, depth + 1), arbitraryOf(t.value, depth + 1)), { maxLength: depth > 3 ? 1 : 2 });
  }
}

function structArbitrary(def: AnyStructDef, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (def.union) return fc.oneof(...def.fields.map((f) => arbitraryOf(f.type, depth).map((v) => ({ [f.name]: v }))));
  const model = Object.fromEntries(def.fields.map((f) => [f.name, arbitraryOf(f.type, depth)]));
  return fc.record(model, { requiredKeys: def.fields.filter((f) => f.required).map((f) => f.name) });
}

const SCHEMAS: AnyStructDef[] = [
  events.MessageEventDetail,
  events.MessageEvent,
  events.GroupOpData,
  events.ConversationKeyChangeEvent,
  events.GroupMemberAddChange,
];

describe('properties', () => {
  for (const def of SCHEMAS) {
    test(`${def.name}: generated values round-trip, bytes and value`, () => {
      fc.assert(
        fc.property(structArbitrary(def, 0), (value) => {
          const bytes = encodeStruct(def, value);
          const back = decodeStruct(def, bytes);
          expect(back).toEqual(value);
          expect(Buffer.from(encodeStruct(def, back)).equals(Buffer.from(bytes))).toBe(true);
        }),
        { numRuns: RUNS, seed: 0x5eed },
      );
    });

    test(`${def.name}: mutated encodings decode to a value that re-encodes identically, or a DecodeError`, () => {
      let decoded = 0;
      let refused = 0;
      fc.assert(
        fc.property(structArbitrary(def, 0), fc.array(mutation, { minLength: 1, maxLength: 3 }), (value, ms) => {
          let bytes = encodeStruct(def, value);
          for (const m of ms) bytes = mutate(bytes, m);
          const r = typedOrValue(() => decodeStruct(def, bytes));
          if (r.ok) {
            decoded++;
            expect(Buffer.from(encodeStruct(def, r.value)).equals(Buffer.from(bytes))).toBe(true);
          } else {
            refused++;
            expect(r.error).toMatchObject({ code: 'ERR_INVALID_THRIFT' });
          }
        }),
        { numRuns: Math.max(RUNS * 3, MIN_RUNS_BOTH_OUTCOMES), seed: 0xbad },
      );
      // Both outcomes occur, so neither branch is vacuous.
      expect(decoded).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    });
  }

  test('unknown fields of every type are skipped and kept: a schema that knows nothing decodes everything', () => {
    const knowsNothing = (def: AnyStructDef) => struct(`${def.name}?`, {});
    for (const def of SCHEMAS.filter((d) => !d.union)) {
      fc.assert(
        fc.property(structArbitrary(def, 0), (value) => {
          const bytes = encodeStruct(def, value);
          const opaque: Unknowns = decodeStruct(knowsNothing(def), bytes);
          expect((opaque.$unknown ?? []).map((f) => f.id)).toEqual(def.fields.filter((f) => value[f.name] !== undefined).map((f) => f.id));
          expect(Buffer.from(encodeStruct(knowsNothing(def), opaque)).equals(Buffer.from(bytes))).toBe(true);
        }),
        { numRuns: RUNS, seed: 0x0dd },
      );
    }
  });

  test('arbitrary bytes: value that re-encodes identically, or a DecodeError; never slow', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.constantFrom(...SCHEMAS), (bytes, def) => {
        const t = performance.now();
        const r = typedOrValue(() => decodeStruct(def, bytes));
        expect(performance.now() - t).toBeLessThan(250);
        if (r.ok) expect(Buffer.from(encodeStruct(def, r.value)).equals(Buffer.from(bytes))).toBe(true);
        else expect(r.error).toBeInstanceOf(DecodeError);
      }),
      { numRuns: RUNS * 5, seed: 7 },
    );
  });

  test('a huge declared length or count is refused before allocating', () => {
    // list<string> with count 2^31-1 in a 16-byte input.
    const bytes = Uint8Array.from([0x0c, 0x00, 0x04, 0x0c, 0x00, 0x01, 0x0c, 0x00, 0x01, 0x0f, 0x00, 0x01, 0x0b, 0x7f, 0xff, 0xff, 0xff]);
    const t = performance.now();
    expect(() => decodeStruct(events.MessageEventDetail, bytes)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
    expect(performance.now() - t).toBeLessThan(50);
  });
});
