/**
 * Property-based tests (fast-check) of every encoder/decoder pair: round trips of generated
 * values, and, for arbitrary or mutated input, "decodes to a value that re-encodes to the same
 * bytes, or throws our typed error", never anything else.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decodeBase64Url,
  DecodeError,
  encodeBase64,
  encodeBase64NoPad,
  encodeBase64UrlNoPad,
  InvalidInputError,
  KeykitError,
  parsePublicKey,
  sec1ToSpki,
  buildKeyRotation,
  parseKeyRotation,
  type KeyRotation,
} from '../helpers/kit.js';
import * as events from '../../src/wire/xchat/events.js';
import { isCanonicalBase64 } from '../../src/wire/base64.js';
import { channelData, parseChannelData, type SendbirdKeyEnvelope } from '../../src/adapters/sendbird/envelope.js';
import { decodeStruct, encodeStruct, struct, type AnyStructDef, type TypeDesc, type Unknowns } from '../../src/wire/thrift/index.js';
import { p256 } from '@noble/curves/nist.js';

const RUNS = Number(process.env.KEYKIT_PROPERTY_RUNS ?? 300);

/** Asserts that `f` either returns or throws one of our typed errors. */
function typedOrValue<T>(f: () => T): { ok: true; value: T } | { ok: false; error: KeykitError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    expect(e).toBeInstanceOf(KeykitError);
    return { ok: false, error: e as KeykitError };
  }
}

/** A fast-check arbitrary for any value of a Thrift type, derived from the schema tables. */
function arbitraryOf(t: TypeDesc, depth = 0): fc.Arbitrary<unknown> {
  switch (t.k) {
    case 'bool': return fc.boolean();
    case 'byte': return fc.integer({ min: -128, max: 127 });
    case 'i16': return fc.integer({ min: -32768, max: 32767 });
    case 'i32': return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'i64': return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'double': return fc.double({ noNaN: true });
    case 'string': return fc.string({ unit: 'binary', maxLength: 12 });
    case 'binary': return fc.uint8Array({ maxLength: 24 });
    case 'struct': return structArbitrary(t.def(), depth + 1);
    case 'list':
    case 'set': return fc.array(arbitraryOf(t.elem, depth + 1), { maxLength: depth > 3 ? 1 : 3 });
    case 'map': return fc.array(fc.tuple(arbitraryOf(t.key, depth + 1), arbitraryOf(t.value, depth + 1)), { maxLength: depth > 3 ? 1 : 2 });
  }
}

function structArbitrary(def: AnyStructDef, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (def.union) return fc.oneof(...def.fields.map((f) => arbitraryOf(f.type, depth).map((v) => ({ [f.name]: v }))));
  const model = Object.fromEntries(def.fields.map((f) => [f.name, arbitraryOf(f.type, depth)]));
  return fc.record(model, { requiredKeys: def.fields.filter((f) => f.required).map((f) => f.name) });
}

const SCHEMAS: AnyStructDef[] = [events.MessageEventDetail, events.MessageEvent, events.GroupOpData, events.ConversationKeyChangeEvent, events.GroupMemberAddChange];

/** Byte-level mutations: flip, insert, delete, overwrite with an interesting value, truncate. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('length' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, -1) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** One byte-level mutation. */
export interface Mutation {
  kind: 'flip' | 'insert' | 'delete' | 'length' | 'truncate';
  at: number;
  bit?: number;
  byte?: number;
  value?: number;
}

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return Uint8Array.of(m.byte ?? 0);
  const at = m.at % bytes.length;
  const b = Array.from(bytes);
  switch (m.kind) {
    case 'flip': b[at] = (b[at] as number) ^ (1 << (m.bit ?? 0)); break;
    case 'insert': b.splice(at, 0, m.byte ?? 0); break;
    case 'delete': b.splice(at, 1); break;
    case 'length': {
      const v = m.value ?? 0;
      b.splice(at, 4, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      break;
    }
    case 'truncate': b.length = at; break;
  }
  return Uint8Array.from(b);
}

describe('Thrift codec', () => {
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
        { numRuns: RUNS * 3, seed: 0xbad },
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

describe('base64 flavours', () => {
  test('bytes → text → bytes for every flavour', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const text of [encodeBase64(bytes), encodeBase64NoPad(bytes)]) expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
        expect(Buffer.from(decodeBase64Url(encodeBase64UrlNoPad(bytes))).equals(Buffer.from(bytes))).toBe(true);
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(encodeBase64UrlNoPad(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });

  const padded = (bare: string) => bare + '='.repeat((4 - (bare.length % 4)) % 4);
  test.each([
    ['standard', decodeBase64, encodeBase64NoPad, 12],
    ['URL-safe', decodeBase64Url, encodeBase64UrlNoPad, 15],
  ] as const)('arbitrary text, %s flavour: decodes only when canonical (padded or not), else a DecodeError', (_name, decode, encodeNoPad, seed) => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        const r = typedOrValue(() => decode(text));
        if (r.ok) {
          // The text re-encodes to itself, in its padding form.
          const bare = encodeNoPad(r.value);
          expect(text.endsWith('=') ? padded(bare) : bare).toBe(text);
        } else expect(r.error).toMatchObject({ code: 'ERR_INVALID_BASE64' });
      }),
      { numRuns: RUNS * 5, seed },
    );
  });

  test('isCanonicalBase64 agrees with the decoder: true exactly for canonical text of that length, in the padding asked for', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_'.split(''));
    const texts = fc.oneof(
      fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
      fc.uint8Array({ maxLength: 40 }).chain((b) => fc.constantFrom(encodeBase64(b), encodeBase64NoPad(b))),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), alphabet).map(([b, at, c]) => {
        const t = encodeBase64(b);
        const i = at % t.length;
        return t.slice(0, i) + c + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(texts, fc.boolean(), fc.nat({ max: 40 }), (text, natural, other) => {
        // Mostly the length the text's characters would carry, so that the checks past the
        // length (alphabet, padding, trailing bits) are reached; sometimes any length.
        const n = natural ? Math.floor((text.replace(/=+$/, '').length * 3) / 4) : other;
        const r = typedOrValue(() => decodeBase64(text));
        const decodes = r.ok && r.value.length === n;
        const paddedForm = n % 3 !== 0 && text.endsWith('=');
        expect(isCanonicalBase64(text, n, 'optional')).toBe(decodes);
        expect(isCanonicalBase64(text, n, 'required')).toBe(decodes && (n % 3 === 0 || paddedForm));
        expect(isCanonicalBase64(text, n, 'forbidden')).toBe(decodes && !paddedForm);
      }),
      { numRuns: RUNS * 5, seed: 16 },
    );
    // Every length, both forms.
    for (let n = 0; n <= 120; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(isCanonicalBase64(encodeBase64(b), n, 'required')).toBe(true);
      expect(isCanonicalBase64(encodeBase64NoPad(b), n, 'forbidden')).toBe(true);
      expect(isCanonicalBase64(encodeBase64(b), n + 1, 'optional')).toBe(false);
    }
  });

  test('non-strings are InvalidInputError, not TypeError', () => {
    for (const v of [undefined, null, 42, {}, [], new Uint8Array(3)]) {
      expect(() => decodeBase64(v)).toThrow(InvalidInputError);
      expect(() => decodeBase64Url(v)).toThrow(InvalidInputError);
    }
  });
});

describe('key-rotation payload', () => {
  const dec = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String);
  const member = fc.record({ userId: dec, keyVersion: dec });
  const members = fc.array(member, { maxLength: 3 });
  const rotation = fc.oneof(
    fc.record({ treeVersion: dec, actionBy: member, opType: fc.constant('genGroup' as const), groupId: fc.string({ maxLength: 8 }), initialMembers: members }, { requiredKeys: ['treeVersion', 'actionBy', 'opType'] }),
    fc.record({ treeVersion: dec, actionBy: member, opType: fc.constant('edit' as const), membersLeft: members, membersToAdd: members, membersUpdated: members }, { requiredKeys: ['treeVersion', 'actionBy', 'opType'] }),
  ).chain((r) =>
    fc
      .option(
        fc.uniqueArray(fc.record({ userId: dec, identityPublicKey: fc.uint8Array({ maxLength: 8 }), identityKeySignature: fc.uint8Array({ maxLength: 8 }) }, { requiredKeys: ['userId'] }), { maxLength: 3, selector: (k) => k.userId }),
        { nil: undefined },
      )
      .map((info) => (info === undefined ? r : { ...r, memberKeyInfo: info })),
  );
  test('built payloads parse back to the same rotation', () => {
    fc.assert(
      fc.property(rotation, (r) => {
        expect(parseKeyRotation(buildKeyRotation(r as KeyRotation))).toEqual(r);
      }),
      { numRuns: RUNS, seed: 31 },
    );
  });
  test('arbitrary bytes: a rotation that rebuilds to the same bytes, or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b64 = encodeBase64(bytes);
        const out = typedOrValue(() => parseKeyRotation(b64));
        if (out.ok) expect(buildKeyRotation(out.value)).toBe(b64);
        else expect(out.error).toMatchObject({ code: 'ERR_INVALID_THRIFT', field: 'keyRotation' });
      }),
      { numRuns: RUNS * 3, seed: 33 },
    );
  });
  test('mutated payloads: a rotation that rebuilds to the same bytes, or a typed error', () => {
    fc.assert(
      fc.property(rotation, fc.array(mutation, { minLength: 1, maxLength: 2 }), (r, ms) => {
        let bytes = decodeBase64(buildKeyRotation(r as KeyRotation));
        for (const m of ms) bytes = mutate(bytes, m);
        const b64 = encodeBase64(bytes);
        const out = typedOrValue(() => parseKeyRotation(b64));
        if (out.ok) expect(buildKeyRotation(out.value)).toBe(b64);
        else expect(out.error).toMatchObject({ code: 'ERR_INVALID_THRIFT', field: 'keyRotation' });
      }),
      { numRuns: RUNS * 3, seed: 32 },
    );
  });
});

describe('Sendbird key envelope (channel data)', () => {
  const bytesB64 = (n: number, pad: boolean) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => (pad ? encodeBase64(b) : encodeBase64NoPad(b)));
  const userId = fc.string({ minLength: 1, maxLength: 12 }).filter((u) => !u.includes(','));
  const version = fc.stringMatching(/^(0|[1-9][0-9]{0,18})$/);
  const envelope = fc.record({
    v: fc.constant(2 as const),
    ckv: version,
    sender: userId,
    skv: version,
    kc: bytesB64(32, false),
    keys: fc.uniqueArray(fc.tuple(userId, bytesB64(113, true), version), { minLength: 1, maxLength: 4, selector: (k) => k[0] }),
    sig: bytesB64(64, false),
  });
  test('envelope and app data round-trip through the data string', () => {
    fc.assert(
      fc.property(envelope, fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (e, app) => {
        const back = parseChannelData(channelData(e as SendbirdKeyEnvelope, app));
        expect(back).toEqual(app === undefined ? { envelope: e } : { envelope: e, appData: app });
      }),
      { numRuns: RUNS, seed: 21 },
    );
  });
  test('arbitrary and mutated data strings: an envelope that re-encodes to the same text, or a typed error', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.json(),
      fc.tuple(envelope, fc.nat(), fc.string({ maxLength: 3 })).map(([e, at, ins]) => {
        const t = channelData(e as SendbirdKeyEnvelope, undefined);
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + ins.length);
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const r = typedOrValue(() => parseChannelData(text));
        if (r.ok) expect(channelData(r.value.envelope, r.value.appData)).toBe(text);
        else expect(['ERR_INVALID_ENVELOPE', 'ERR_UNSUPPORTED_ENVELOPE_VERSION']).toContain(r.error.code);
      }),
      { numRuns: RUNS * 3, seed: 22 },
    );
  });
  test('texts that parse to the same value but are not what channelData writes are refused', async () => {
    const e = fc.sample(envelope, { numRuns: 1, seed: 5 })[0] as SendbirdKeyEnvelope;
    const canonical = channelData(e, 'app');
    expect(parseChannelData(canonical).appData).toBe('app');
    const variants = [
      ` ${canonical}`,
      JSON.stringify({ zz: 1, ...JSON.parse(canonical) }),
      JSON.stringify({ app: 'app', ckk: e }),
      canonical.replace('"v":2', '"v":2.0'),
      canonical.replace('"ckk"', '"\\u0063kk"'),
      canonical.replace('{"v":2,', '{"v":2,"ckv":"1",'),
      JSON.stringify({ ckk: { ...e, sig: `${e.sig}==`.slice(0, e.sig.length + 2) }, app: 'app' }),
      JSON.stringify({ ckk: { ...e, ckv: '-1' }, app: 'app' }),
      JSON.stringify({ ckk: { ...e, sender: 'a,b' }, app: 'app' }),
      JSON.stringify({ ckk: { ...e, kc: `${e.kc}A` }, app: 'app' }),
      JSON.stringify({ ckk: { ...e, keys: [[e.keys[0]![0], 'AAAA', '1']] }, app: 'app' }),
    ];
    for (const v of variants) expect(() => parseChannelData(v), v).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE' }));
  });
});

describe('key encodings', () => {
  test('valid keys: SEC1 and SPKI, bytes and base64, all parse to the same point', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const sk = p256.utils.randomSecretKey(seed.some((b) => b !== 0) ? Uint8Array.from([...seed, ...seed.subarray(0, 16)]) : undefined);
        const sec1 = p256.getPublicKey(sk, false);
        const spki = sec1ToSpki(sec1);
        for (const form of [sec1, spki, encodeBase64(sec1), encodeBase64NoPad(spki)]) expect(Buffer.from(parsePublicKey(form, 'k')).equals(Buffer.from(sec1))).toBe(true);
      }),
      { numRuns: 50, seed: 13 },
    );
  });

  test('arbitrary and mutated key bytes: a point on the curve or InvalidInputError ERR_INVALID_KEY', () => {
    const valid = sec1ToSpki(p256.getPublicKey(p256.utils.randomSecretKey(), false));
    const inputs = fc.oneof(
      fc.uint8Array({ minLength: 65, maxLength: 65 }).map((b) => Uint8Array.from([4, ...b.subarray(1)])),
      fc.uint8Array({ maxLength: 100 }),
      fc.tuple(fc.nat({ max: 90 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = Uint8Array.from(valid);
        b[i] = (b[i] as number) ^ x;
        return b;
      }),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        // As bytes and as base64 text: a valid point that re-encodes to exactly the input (SEC1
        // itself, or the SPKI made from it), or the typed error.
        for (const input of [bytes, encodeBase64(bytes)]) {
          const r = typedOrValue(() => parsePublicKey(input, 'k'));
          if (r.ok) {
            expect(() => p256.Point.fromBytes(r.value).assertValidity()).not.toThrow();
            const again = bytes.length === 65 ? r.value : sec1ToSpki(r.value);
            expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
          } else expect(r.error).toMatchObject({ code: 'ERR_INVALID_KEY', field: 'k' });
        }
      }),
      { numRuns: RUNS * 3, seed: 14 },
    );
  });
});
