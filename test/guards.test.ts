/**
 * The shape guards (src/guards.ts) used at every public boundary: a secret-free type name for
 * messages, detached buffers recognised (so a transferred key fails with our error, not a
 * TypeError), bytes of given lengths, plain objects, arrays without holes (a sparse array would let
 * `forEach` skip an element unchecked), strings and functions. Every refusal is an
 * InvalidInputError `ERR_INVALID_ARGUMENT` naming the field.
 */
import { describe, expect, test } from 'vitest';
import { assertArray, assertBytes, assertFunction, assertObject, assertString, firstHole, isDetached, typeName } from '../src/guards.js';

const refuses = (f: () => unknown, field: string, reason?: RegExp) =>
  expect(f).toThrow(
    expect.objectContaining({
      name: 'InvalidInputError',
      code: 'ERR_INVALID_ARGUMENT',
      field,
      ...(reason ? { reason: expect.stringMatching(reason) } : {}),
    }),
  );

/** A Uint8Array whose buffer was transferred away. */
function detached(length: number): Uint8Array {
  const b = new Uint8Array(length).fill(7);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

describe('typeName', () => {
  test.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[1, 2, 3], 'array(3)'],
    [new Uint8Array(32), 'Uint8Array(32)'],
    [Buffer.alloc(4), 'Uint8Array(4)'],
    ['secret key text', 'string(15)'],
    [42, 'number'],
    [1n, 'bigint'],
    [{ a: 1 }, 'object'],
    [() => 1, 'function'],
    [Symbol('x'), 'symbol'],
  ])('%s → %s', (value, name) => {
    expect(typeName(value)).toBe(name);
  });

  test('never shows the value itself (it may be a secret)', () => {
    const secret = 'c2VjcmV0IGtleSBtYXRlcmlhbA';
    expect(typeName(secret)).not.toContain(secret);
    expect(typeName(Uint8Array.from([0xde, 0xad, 0xbe, 0xef]))).not.toMatch(/de|ad|222|173/);
  });
});

describe('isDetached', () => {
  test('a transferred buffer is detached; a live one, even empty, is not', () => {
    expect(isDetached(detached(32))).toBe(true);
    expect(isDetached(detached(0))).toBe(true);
    expect(isDetached(new Uint8Array(32))).toBe(false);
    expect(isDetached(new Uint8Array(0))).toBe(false);
    expect(isDetached(new Uint8Array(new ArrayBuffer(8), 8, 0))).toBe(false);
    expect(isDetached(Buffer.alloc(0))).toBe(false);
  });

  test('a view of a SharedArrayBuffer, even empty, is never detached (shared buffers cannot be transferred)', () => {
    for (const n of [0, 8]) {
      const view = new Uint8Array(new SharedArrayBuffer(n));
      expect(isDetached(view)).toBe(false);
      expect(assertBytes(view, 'data')).toBe(view);
    }
  });

  test('where the runtime answers (ArrayBuffer.prototype.detached, ES2024), its answer is taken', () => {
    // Simulated per buffer, so the test means the same on runtimes with and without the property.
    const says = (view: Uint8Array, detachedFlag: boolean) => {
      Object.defineProperty(view.buffer, 'detached', { value: detachedFlag });
      return view;
    };
    expect(isDetached(says(new Uint8Array(32), true))).toBe(true);
    expect(isDetached(says(detached(0), false))).toBe(false);
  });

  test('without ArrayBuffer.prototype.detached (older runtimes), the fallback gives the same answers', () => {
    const proto = ArrayBuffer.prototype as { detached?: boolean };
    const own = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached');
    if (own) delete proto.detached;
    try {
      expect('detached' in ArrayBuffer.prototype).toBe(false);
      expect(isDetached(detached(32))).toBe(true);
      expect(isDetached(detached(0))).toBe(true);
      expect(isDetached(new Uint8Array(0))).toBe(false);
      expect(isDetached(new Uint8Array(32))).toBe(false);
    } finally {
      if (own) Object.defineProperty(ArrayBuffer.prototype, 'detached', own);
    }
  });
});

describe('assertBytes', () => {
  test('any Uint8Array (a Buffer too) when no length is given, else one of the lengths', () => {
    const key = new Uint8Array(32);
    expect(assertBytes(key, 'key')).toBe(key);
    expect(assertBytes(Buffer.alloc(3), 'data')).toHaveLength(3);
    expect(assertBytes(new Uint8Array(0), 'data')).toHaveLength(0);
    expect(assertBytes(new Uint8Array(65), 'publicKey', 65, 91)).toHaveLength(65);
    expect(assertBytes(new Uint8Array(91), 'publicKey', 65, 91)).toHaveLength(91);
    refuses(() => assertBytes(new Uint8Array(31), 'key', 32), 'key', /^expected Uint8Array of length 32, got length=31$/);
    refuses(() => assertBytes(new Uint8Array(66), 'publicKey', 65, 91), 'publicKey', /length 65 or 91/);
  });

  test.each([
    ['an ArrayBuffer', new ArrayBuffer(32)],
    ['a DataView', new DataView(new ArrayBuffer(32))],
    ['another typed array', new Uint16Array(16)],
    ['an array of numbers', Array.from({ length: 32 }, () => 0)],
    ['a string', 'AAAA'],
    ['null', null],
    ['undefined', undefined],
  ])('%s is refused with its type, not read', (_name, value) => {
    refuses(() => assertBytes(value, 'key', 32), 'key', /^expected Uint8Array, got /);
  });

  test('a detached Uint8Array is refused (it would read as empty, and writes would throw TypeError)', () => {
    refuses(() => assertBytes(detached(32), 'identityPrivateKey', 32), 'identityPrivateKey', /detached/);
    refuses(() => assertBytes(detached(0), 'data'), 'data', /detached/);
  });
});

describe('assertObject', () => {
  test('objects, including ones without a prototype', () => {
    const o = { a: 1 };
    expect(assertObject(o, 'options')).toBe(o);
    expect(assertObject(Object.create(null), 'options')).toEqual({});
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['an array', [1]],
    ['bytes', new Uint8Array(2)],
    ['a string', '{}'],
    ['a number', 1],
    ['a function', () => ({})],
  ])('%s is refused', (_name, value) => {
    refuses(() => assertObject(value, 'params'), 'params', /^expected an object, got /);
  });
});

describe('arrays', () => {
  test('firstHole: the index of the first hole, or -1', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(firstHole([1, , 3])).toBe(1);
    expect(firstHole(new Array(3))).toBe(0);
    expect(firstHole([1, undefined, 3])).toBe(-1);
    expect(firstHole([])).toBe(-1);
    const late = [1, 2, 3];
    delete late[2];
    expect(firstHole(late)).toBe(2);
  });

  test('assertArray refuses a hole, naming its index; undefined elements are elements', () => {
    // eslint-disable-next-line no-sparse-arrays
    refuses(() => assertArray(['111', , '333'], 'memberIds'), 'memberIds[1]', /hole/);
    refuses(() => assertArray(new Array(2), 'memberIds'), 'memberIds[0]', /hole/);
    expect(assertArray([undefined], 'memberIds')).toEqual([undefined]);
    for (const v of [null, undefined, '111', { 0: '111', length: 1 }, new Uint8Array(1)])
      refuses(() => assertArray(v, 'memberIds'), 'memberIds', /^expected an array, got /);
  });
});

describe('strings and functions', () => {
  test('assertString', () => {
    expect(assertString('', 'name')).toBe('');
    for (const v of [null, 1, ['a'], new String('a')]) refuses(() => assertString(v, 'name'), 'name', /^expected a string, got /);
  });

  test('assertFunction names the shape it expected', () => {
    const f = () => 1;
    expect(assertFunction(f, 'options.now', '() => number')).toBe(f);
    refuses(
      () => assertFunction(1_795_357_034_165, 'options.now', '() => number'),
      'options.now',
      /^expected a function \(\) => number, got number$/,
    );
  });
});
