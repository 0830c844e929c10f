/**
 * P-256 public-key encodings (src/wire/keys.ts), with keys made by OpenSSL (node:crypto), not by
 * our code: SEC1 and SPKI, bytes and base64, all parse to the same point; `sec1ToSpki` writes the
 * DER OpenSSL writes; the SPKI prefix is checked byte for byte, so a 91-byte SPKI of another curve
 * (SM2 has the same length) is refused; compressed, hybrid, off-curve and out-of-range points are
 * refused; every refusal is a typed error naming the field; caller bytes are copied. Then the
 * properties: generated keys in every form, and arbitrary or mutated bytes give a point that
 * re-encodes to the input, or ERR_INVALID_KEY, as OpenSSL decides for the same bytes.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeBase64, encodeBase64NoPad } from '../../src/wire/base64.js';
import { parsePublicKey, sec1ToSpki, SEC1_LENGTH, SPKI_LENGTH, SPKI_PREFIX } from '../../src/wire/keys.js';
import { RUNS, typedOrValue } from '../helpers/properties.js';

/** A P-256 key pair from OpenSSL: its SPKI DER, and its SEC1 point from the JWK (another export). */
function opensslKey(): { spki: Uint8Array; sec1: Uint8Array } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const jwk = publicKey.export({ format: 'jwk' });
  const sec1 = Uint8Array.from([4, ...Buffer.from(jwk.x as string, 'base64url'), ...Buffer.from(jwk.y as string, 'base64url')]);
  return { spki, sec1 };
}

/** The SPKI DER of an OpenSSL EC key of another curve. */
function otherCurveSpki(namedCurve: string): Uint8Array {
  return new Uint8Array(generateKeyPairSync('ec', { namedCurve }).publicKey.export({ type: 'spki', format: 'der' }));
}

/** Does OpenSSL take these bytes as a P-256 SPKI? */
function opensslAccepts(spki: Uint8Array): boolean {
  try {
    const k = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    return k.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const P = p256.Point.CURVE().p;
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));

describe('OpenSSL keys', () => {
  test('SPKI and SEC1, bytes and base64 (padded or not): the same 65-byte point', () => {
    for (let i = 0; i < 5; i++) {
      const { spki, sec1 } = opensslKey();
      expect(spki).toHaveLength(SPKI_LENGTH);
      expect(sec1).toHaveLength(SEC1_LENGTH);
      for (const form of [spki, sec1, encodeBase64(spki), encodeBase64NoPad(spki), encodeBase64(sec1), encodeBase64NoPad(sec1)]) {
        expect(hex(parsePublicKey(form, 'k'))).toBe(hex(sec1));
      }
    }
  });

  test('sec1ToSpki writes the DER OpenSSL writes; SPKI_PREFIX is its first 26 bytes', () => {
    const { spki, sec1 } = opensslKey();
    expect(hex(sec1ToSpki(sec1))).toBe(hex(spki));
    expect(hex(SPKI_PREFIX)).toBe(hex(spki.subarray(0, 26)));
    expect(opensslAccepts(sec1ToSpki(parsePublicKey(spki, 'k')))).toBe(true);
  });

  test('a 91-byte SPKI of another curve (SM2) is refused at the prefix, not misread as P-256', () => {
    const spki = otherCurveSpki('SM2');
    expect(spki).toHaveLength(SPKI_LENGTH);
    expect(() => parsePublicKey(spki, 'publicKey')).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        code: 'ERR_INVALID_KEY',
        field: 'publicKey',
        reason: expect.stringContaining('prefix'),
      }),
    );
    // The same 65 point bytes behind the P-256 prefix are taken only if they are a P-256 point.
    expect(typedOrValue(() => parsePublicKey(Uint8Array.from([...SPKI_PREFIX, ...spki.subarray(26)]), 'k')).ok).toBe(
      isOnP256(spki.subarray(26)),
    );
  });

  test.each([
    ['secp256k1', 88],
    ['secp384r1', 120],
    ['brainpoolP256r1', 92],
  ])('an SPKI of %s (%i bytes) is refused by its length', (curve, length) => {
    const spki = otherCurveSpki(curve);
    expect(spki).toHaveLength(length);
    expect(() => parsePublicKey(spki, 'k')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_KEY', field: 'k', reason: expect.stringContaining(`got ${length} bytes`) }),
    );
  });

  test('an Ed25519 SPKI (another algorithm) is refused', () => {
    const spki = new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => parsePublicKey(spki, 'k')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
  });
});

function isOnP256(sec1: Uint8Array): boolean {
  try {
    p256.Point.fromBytes(sec1).assertValidity();
    return true;
  } catch {
    return false;
  }
}

describe('points that are not acceptable', () => {
  const { sec1 } = opensslKey();
  const x = sec1.subarray(1, 33);
  const y = sec1.subarray(33, 65);

  test('compressed (33 bytes) and hybrid (0x06/0x07) encodings are refused', () => {
    const compressed = Uint8Array.from([2 + (y[31]! & 1), ...x]);
    expect(isOnP256(compressed)).toBe(true); // a valid point, in a form we do not take
    expect(() => parsePublicKey(compressed, 'k')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_KEY', reason: expect.stringContaining('got 33 bytes') }),
    );
    for (const prefix of [6, 7]) {
      const hybrid = Uint8Array.from([prefix, ...x, ...y]);
      expect(() => parsePublicKey(hybrid, 'k')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_KEY', reason: expect.stringContaining('0x04') }),
      );
      expect(() => parsePublicKey(sec1ToSpki(hybrid), 'k')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    }
  });

  test('off the curve, or coordinates outside the field, is refused (and OpenSSL agrees)', () => {
    const yPlus1 = be32((BigInt(`0x${hex(y)}`) + 1n) % P);
    // x + p, the same x modulo p, fits in 32 bytes only for x < 2^256 - p; else x = p + 1.
    const xPlusP = be32(BigInt(`0x${hex(x)}`) + P < 1n << 256n ? BigInt(`0x${hex(x)}`) + P : P + 1n);
    const cases = [
      Uint8Array.from([4, ...x, ...yPlus1]), // off the curve
      Uint8Array.from([4, ...be32(P), ...y]), // x = p
      Uint8Array.from([4, ...xPlusP, ...y]), // x + p: not a field element
      Uint8Array.from([4, ...new Uint8Array(64)]), // (0, 0): the usual stand-in for infinity
    ];
    for (const bad of cases) {
      expect(() => parsePublicKey(bad, 'k')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_KEY', field: 'k', reason: 'not a valid P-256 point' }),
      );
      expect(opensslAccepts(sec1ToSpki(bad))).toBe(false);
    }
    // The point at infinity has a 1-byte SEC1 encoding: refused by length.
    expect(() => parsePublicKey(Uint8Array.of(0), 'k')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
  });

  test('what is not bytes or text is a typed error, never a TypeError', () => {
    const detached = Uint8Array.from(sec1);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    for (const v of [undefined, null, 42, {}, [...sec1], sec1.buffer, new DataView(sec1.buffer), detached]) {
      expect(() => parsePublicKey(v, 'publicKeys[3].publicKey')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_KEY', field: 'publicKeys[3].publicKey' }),
      );
    }
    expect(() => parsePublicKey('not base64!', 'publicKey')).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'ERR_INVALID_BASE64', field: 'publicKey' }),
    );
  });
});

describe('ownership', () => {
  test('caller bytes are copied: changing them afterwards does not change the parsed key', () => {
    const { spki, sec1 } = opensslKey();
    for (const input of [Uint8Array.from(sec1), Uint8Array.from(spki), Buffer.from(spki)]) {
      const out = parsePublicKey(input, 'k');
      expect(out.buffer).not.toBe(input.buffer);
      input.fill(0);
      expect(hex(out)).toBe(hex(sec1));
    }
  });
});

// Properties (moved from test/hardening/properties.test.ts), with OpenSSL as the second opinion.
describe('properties', () => {
  test('valid keys: SEC1 and SPKI, bytes and base64, all parse to the same point', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const sk = p256.utils.randomSecretKey(seed.some((b) => b !== 0) ? Uint8Array.from([...seed, ...seed.subarray(0, 16)]) : undefined);
        const sec1 = p256.getPublicKey(sk, false);
        const spki = sec1ToSpki(sec1);
        for (const form of [sec1, spki, encodeBase64(sec1), encodeBase64NoPad(spki)])
          expect(Buffer.from(parsePublicKey(form, 'k')).equals(Buffer.from(sec1))).toBe(true);
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

  test('a byte changed in the point of an OpenSSL SPKI: we accept exactly when OpenSSL does', () => {
    const { spki } = opensslKey();
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 27, max: 90 }), fc.integer({ min: 0, max: 255 }), (i, x) => {
        const b = Uint8Array.from(spki);
        b[i] = (b[i] as number) ^ x;
        const ours = typedOrValue(() => parsePublicKey(b, 'k')).ok;
        expect(ours).toBe(opensslAccepts(b));
        if (ours) accepted++;
      }),
      // x = 0 leaves the key as it was, so the accepting branch is reached too.
      { numRuns: RUNS, seed: 17, examples: [[27, 0]] },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
