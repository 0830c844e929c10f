/**
 * Wycheproof vectors (P-256 ECDH in point and SPKI encodings, ECDSA-P256-SHA256 in P1363 form,
 * AES-GCM) run through chat-keykit's own primitives on every backend. Where we are deliberately
 * stricter than Wycheproof's "acceptable" (compressed points and non-canonical SPKI DER, which the
 * X protocol never uses), the number of such rejections is pinned, so any change of behaviour
 * fails the suite.
 */
import { describe, expect, test } from 'vitest';
import { KeykitError, parsePublicKey } from '../helpers/kit.js';
import { testBackends } from '../helpers/backends.js';
import { hex, readReference, type WycheproofFile } from './data.js';

const backends = await testBackends();
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Wycheproof private keys are minimal big-endian integers (sometimes with a sign byte): 32 bytes. */
function scalar(h: string): Uint8Array {
  const d = BigInt(`0x${h || '0'}`);
  expect(d > 0n && d < N).toBe(true);
  return hex(d.toString(16).padStart(64, '0'));
}

type EcdhTest = { public: string; private: string; shared: string };
const ecdhPoint = readReference<WycheproofFile<{ encoding: string }, EcdhTest>>('wycheproof/ecdh_secp256r1_ecpoint_test.json');
const ecdhSpki = readReference<WycheproofFile<{ encoding: string }, EcdhTest>>('wycheproof/ecdh_secp256r1_test.json');

for (const { name, backend } of backends) {
  describe(`ECDH on the ${name} backend`, () => {
    for (const [label, file, expectedStricter] of [
      ['SEC1 points', ecdhPoint, 1],
      ['SPKI', ecdhSpki, 230],
    ] as const) {
      test(`${label}: ${file.numberOfTests} cases`, async () => {
        let stricter = 0;
        let ran = 0;
        for (const g of file.testGroups) {
          for (const t of g.tests) {
            ran++;
            const label = `tcId ${t.tcId} (${t.comment})`;
            let shared: Uint8Array | undefined;
            let error: unknown;
            try {
              shared = await backend.ecdh(scalar(t.private), parsePublicKey(hex(t.public), 'public'));
            } catch (e) {
              error = e;
            }
            if (t.result === 'valid') {
              expect(error, label).toBeUndefined();
              expect(Buffer.from(shared!).toString('hex'), label).toBe(t.shared);
            } else {
              // Invalid: must be refused, by our key parser (typed) before any arithmetic.
              expect(error, label).toBeInstanceOf(KeykitError);
              if (t.result === 'acceptable') stricter++;
            }
          }
        }
        expect(ran).toBe(file.numberOfTests);
        // Acceptable-but-refused: compressed points and non-canonical DER encodings.
        expect(stricter).toBe(expectedStricter);
      });
    }
  });
}

type EcdsaGroup = { publicKey: { uncompressed: string } };
type EcdsaTest = { msg: string; sig: string };
const ecdsa = readReference<WycheproofFile<EcdsaGroup, EcdsaTest>>('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json');

for (const { name, backend } of backends) {
  test(`ECDSA-P256-SHA256 (P1363) on the ${name} backend: ${ecdsa.numberOfTests} cases, valid exactly when Wycheproof says so`, async () => {
    let valid = 0;
    let ran = 0;
    for (const g of ecdsa.testGroups) {
      const key = parsePublicKey(hex(g.publicKey.uncompressed), 'publicKey');
      for (const t of g.tests) {
        ran++;
        const ok = await backend.verify(key, hex(t.msg), hex(t.sig));
        expect(ok, `tcId ${t.tcId} (${t.comment}) ${t.flags.join(',')}`).toBe(t.result === 'valid');
        if (ok) valid++;
      }
    }
    expect(ran).toBe(ecdsa.numberOfTests);
    expect(valid).toBe(173);
  });

  // A verifier prepared once per key (receivers check many signatures by one key): the same
  // answers on the first uses and after the key got its own table (noble, from the 64th use).
  if (backend.ecdsaVerifier) {
    test(`ECDSA-P256-SHA256 (P1363) with a prepared verifier on the ${name} backend, before and after its key table`, async () => {
      for (const g of ecdsa.testGroups) {
        const v = backend.ecdsaVerifier!(parsePublicKey(hex(g.publicKey.uncompressed), 'publicKey'));
        for (let pass = 0; pass <= Math.ceil(65 / g.tests.length); pass++) {
          for (const t of g.tests) expect(await v(hex(t.msg), hex(t.sig)), `tcId ${t.tcId}, pass ${pass}`).toBe(t.result === 'valid');
        }
      }
    });
  }
}

type GcmGroup = { keySize: number; ivSize: number; tagSize: number };
type GcmTest = { key: string; iv: string; aad: string; msg: string; ct: string; tag: string };
const gcm = readReference<WycheproofFile<GcmGroup, GcmTest>>('wycheproof/aes_gcm_test.json');

/**
 * IV lengths each backend's AES-GCM refuses among Wycheproof's valid cases. The protocol only ever
 * uses 16-byte IVs (and 12 bytes is the GCM default); the other lengths are backend limits, pinned
 * here: noble refuses IVs under 8 bytes, OpenSSL (node) the 257-byte IV, Node's WebCrypto anything
 * but 12, 16 and a few other lengths.
 */
const REFUSED_VALID_IVS: Record<string, number> = { noble: 8, node: 1, webcrypto: 13 };

for (const { name, backend } of backends) {
  test(`AES-128-GCM on the ${name} backend: every 128-bit-key, empty-AAD case, 12- and 16-byte IVs exactly`, async () => {
    const ran: Record<string, number> = { valid: 0, invalid: 0 };
    const outOfInterface = { otherKeySize: 0, nonEmptyAad: 0 };
    let sixteenByteIv = 0;
    let refusedIv = 0;
    for (const g of gcm.testGroups) {
      for (const t of g.tests) {
        // Our interface is AES-128-GCM, 16-byte tag, no AAD (what the protocol uses).
        if (g.keySize !== 128) {
          outOfInterface.otherKeySize++;
          continue;
        }
        if (t.aad !== '') {
          outOfInterface.nonEmptyAad++;
          continue;
        }
        const label = `tcId ${t.tcId} (${t.comment}) iv ${g.ivSize} bits`;
        const sealed = Uint8Array.from([...hex(t.ct), ...hex(t.tag)]);
        let enc: Uint8Array | undefined;
        let dec: Uint8Array | null | undefined;
        try {
          enc = await backend.aesGcmEncrypt(hex(t.key), hex(t.iv), hex(t.msg));
        } catch {
          enc = undefined;
        }
        try {
          dec = await backend.aesGcmDecrypt(hex(t.key), hex(t.iv), sealed);
        } catch {
          dec = null;
        }
        ran[t.result]!++;
        if (t.result !== 'valid') {
          expect(dec, label).toBeNull();
          continue;
        }
        const standardIv = g.ivSize === 96 || g.ivSize === 128;
        if (!standardIv && enc === undefined) {
          // A backend limit on unusual IV lengths: refused, never a wrong result.
          expect(dec, label).toBeNull();
          refusedIv++;
          continue;
        }
        expect(Buffer.from(enc!).toString('hex'), label).toBe(t.ct + t.tag);
        expect(Buffer.from(dec!).toString('hex'), label).toBe(t.msg);
        if (g.ivSize === 128) sixteenByteIv++;
      }
    }
    expect(ran).toEqual({ valid: 59, invalid: 29 });
    expect(sixteenByteIv).toBe(19);
    expect(refusedIv).toBe(REFUSED_VALID_IVS[name]);
    // The rest cannot be expressed through the backend interface: pinned so nothing is dropped silently.
    expect(outOfInterface).toEqual({ otherKeySize: 208, nonEmptyAad: 20 });
    expect(ran.valid! + ran.invalid! + outOfInterface.otherKeySize + outOfInterface.nonEmptyAad).toBe(gcm.numberOfTests);
  });
}
