/**
 * Wycheproof vectors (P-256 ECDH in point and SPKI encodings, ECDSA-P256-SHA256 in P1363 form,
 * AES-GCM) run through chat-keykit's own primitives on every backend, one test per case. Where we
 * are deliberately stricter than Wycheproof's "acceptable" (compressed points and non-canonical
 * SPKI DER, which the X protocol never uses), the case expects a refusal, so any change of
 * behaviour fails its own test.
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

/** Every case of a Wycheproof file, flattened with its group. */
function casesOf<G, T>(file: WycheproofFile<G, T>) {
  const out = file.testGroups.flatMap((g) =>
    g.tests.map((t) => ({ g, t, label: `tcId ${t.tcId} ${t.result} (${t.comment || 'no comment'})` })),
  );
  expect(out).toHaveLength(file.numberOfTests);
  return out;
}

// Each case is its own test, so one failure hides nothing. Valid cases must give Wycheproof's
// shared secret; invalid ones must be refused by our key parser (typed) before any arithmetic; and
// "acceptable" ones (compressed points, non-canonical SPKI DER, which the X protocol never uses)
// are refused too: chat-keykit is deliberately stricter there.
describe.each(backends)('ECDH on the $name backend', ({ backend }) => {
  describe.each([
    ['SEC1 points', ecdhPoint],
    ['SPKI', ecdhSpki],
  ] as const)('%s', (_label, file) => {
    test.each(casesOf(file))('$label', async ({ t }) => {
      let shared: Uint8Array | undefined;
      let error: unknown;
      try {
        shared = await backend.ecdh(scalar(t.private), parsePublicKey(hex(t.public), 'public'));
      } catch (e) {
        error = e;
      }
      if (t.result === 'valid') {
        expect(error).toBeUndefined();
        expect(Buffer.from(shared!).toString('hex')).toBe(t.shared);
      } else {
        expect(error).toBeInstanceOf(KeykitError);
      }
    });
  });
});

type EcdsaGroup = { publicKey: { uncompressed: string } };
type EcdsaTest = { msg: string; sig: string };
const ecdsa = readReference<WycheproofFile<EcdsaGroup, EcdsaTest>>('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json');

describe.each(backends)('ECDSA-P256-SHA256 (P1363) on the $name backend: valid exactly when Wycheproof says so', ({ backend }) => {
  test.each(casesOf(ecdsa))('$label', async ({ g, t }) => {
    const key = parsePublicKey(hex(g.publicKey.uncompressed), 'publicKey');
    expect(await backend.verify(key, hex(t.msg), hex(t.sig))).toBe(t.result === 'valid');
  });
});

// A verifier prepared once per key (receivers check many signatures by one key): the same answers
// on the first uses and after the key got its own table (noble, from the 64th use).
describe.each(backends.filter(({ backend }) => backend.ecdsaVerifier !== undefined))(
  'ECDSA-P256-SHA256 (P1363) with a prepared verifier on the $name backend',
  ({ backend }) => {
    test.each(ecdsa.testGroups.map((g, i) => ({ g, label: `group ${i} (${g.tests.length} cases), before and after its key table` })))(
      '$label',
      async ({ g }) => {
        const v = backend.ecdsaVerifier!(parsePublicKey(hex(g.publicKey.uncompressed), 'publicKey'));
        for (let pass = 0; pass <= Math.ceil(65 / g.tests.length); pass++) {
          for (const t of g.tests) expect(await v(hex(t.msg), hex(t.sig)), `tcId ${t.tcId}, pass ${pass}`).toBe(t.result === 'valid');
        }
      },
    );
  },
);

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

/** Our AES-GCM interface: 128-bit keys, 16-byte tags, no AAD (what the protocol uses). */
const inInterface = (g: GcmGroup, t: GcmTest) => g.keySize === 128 && t.aad === '';

describe.each(backends)('AES-128-GCM on the $name backend', ({ name, backend }) => {
  const cases = casesOf(gcm).filter(({ g, t }) => inInterface(g, t));
  const refusedValidIvs: number[] = [];

  test.each(cases)('$label, IV of $g.ivSize bits', async ({ g, t }) => {
    const sealed = Uint8Array.from([...hex(t.ct), ...hex(t.tag)]);
    let enc: Uint8Array | undefined;
    let dec: Uint8Array | null;
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
    if (t.result !== 'valid') {
      expect(dec).toBeNull();
      return;
    }
    if (g.ivSize !== 96 && g.ivSize !== 128 && enc === undefined) {
      // A backend limit on an unusual IV length: refused both ways, never a wrong result.
      expect(dec).toBeNull();
      refusedValidIvs.push(t.tcId);
      return;
    }
    expect(Buffer.from(enc!).toString('hex')).toBe(t.ct + t.tag);
    expect(Buffer.from(dec!).toString('hex')).toBe(t.msg);
  });

  test('the cases outside the interface and the IV lengths this backend refuses are exactly the known ones', () => {
    // Pinned so that nothing is dropped silently: 88 cases in the interface (59 valid, 29 invalid),
    // 208 with other key sizes, 20 with AAD; the refused IV lengths are backend limits.
    expect(cases).toHaveLength(88);
    expect(cases.filter(({ t }) => t.result === 'valid')).toHaveLength(59);
    expect(gcm.numberOfTests - cases.length).toBe(228);
    expect(refusedValidIvs).toHaveLength(REFUSED_VALID_IVS[name]!);
  });
});
