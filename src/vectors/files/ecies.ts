/**
 * ecies.json: one wrap of a 32-byte conversation key per user, with every intermediate value.
 *
 * The generator and the check both take the intermediates from the implementation's own ECIES,
 * `eciesSeal` (core/ecies.ts, the one function every wrap runs), through its `trace`, on the
 * noble backend: ECIES is written once. These vectors therefore do not check ECIES against a
 * second implementation; that independence is elsewhere: an OpenSSL known answer
 * (test/core/ecies.test.ts), the Wycheproof ECDH and AES-GCM vectors
 * (test/conformance/wycheproof.test.ts), and the official SDK, which unwraps every vector of this
 * file (test/vectors/sdk.test.ts).
 *
 * @module
 */
import { unwrapConversationKey, wrapConversationKey } from '../../index.js';
import { resolveBackend } from '../../backends.js';
import { withTestingHooks } from '../../testing.js';
import { encodeBase64 } from '../../wire.js';
import { eciesSeal, type EciesTrace } from '../../core/ecies.js';
import { sampleScalar } from '../../core/scalar.js';
import { fromHex, header, stream, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, object, str, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';

/** What a wrap computes, every intermediate included. */
interface Wrap {
  ephemeral_public_sec1_hex: string;
  shared_secret_hex: string;
  kdf_input_hex: string;
  kdf_output_hex: string;
  aes_key_hex: string;
  iv_hex: string;
  ciphertext_hex: string;
  tag_hex: string;
  wrapped_b64: string;
}

/** One wrap, with its inputs. */
export interface EciesVector extends Wrap {
  id: string;
  recipient_user_id: string;
  recipient_private_hex: string;
  recipient_public_sec1_hex: string;
  ephemeral_private_hex: string;
  plaintext_hex: string;
}

export type EciesFile = Header & { vectors: EciesVector[] };

/** The intermediates of a trace, copied (as hex) before `eciesSeal` wipes them. */
function copied(t: EciesTrace): Omit<Wrap, 'wrapped_b64'> {
  const tag = t.sealed.length - 16;
  return {
    ephemeral_public_sec1_hex: toHex(t.ephemeral),
    shared_secret_hex: toHex(t.sharedSecret),
    kdf_input_hex: toHex(t.kdfInput),
    kdf_output_hex: toHex(t.kdfOutput),
    aes_key_hex: toHex(t.kdfOutput.subarray(0, 16)),
    iv_hex: toHex(t.kdfOutput.subarray(16, 32)),
    ciphertext_hex: toHex(t.sealed.subarray(0, tag)),
    tag_hex: toHex(t.sealed.subarray(tag)),
  };
}

/** Wraps `plaintext` for `recipient` (65-byte SEC1) with ephemeral scalar `e`: `eciesSeal` on noble, traced. */
async function wrap(e: Uint8Array, recipient: Uint8Array, plaintext: Uint8Array): Promise<Wrap> {
  const traces: Omit<Wrap, 'wrapped_b64'>[] = [];
  const sealed = await eciesSeal(await resolveBackend('noble'), e, recipient, plaintext, (t) => traces.push(copied(t)));
  const [trace] = traces;
  if (!trace) throw new Error('eciesSeal did not report its intermediates');
  return { ...trace, wrapped_b64: encodeBase64(sealed) };
}

export async function generate(users: VectorUser[]): Promise<EciesFile> {
  const random = stream('chat-keykit vectors: ecies');
  const vectors: EciesVector[] = [];
  for (const u of users) {
    const plaintext = random(32);
    const e = sampleScalar(random);
    const w = await wrap(e, u.identity.identityPublicKey, plaintext);
    vectors.push({
      id: `wrap-for-${u.userId}`,
      recipient_user_id: u.userId,
      recipient_private_hex: toHex(u.identity.identityPrivateKey),
      recipient_public_sec1_hex: toHex(u.identity.identityPublicKey),
      ephemeral_private_hex: toHex(e),
      ephemeral_public_sec1_hex: w.ephemeral_public_sec1_hex,
      shared_secret_hex: w.shared_secret_hex,
      kdf_input_hex: w.kdf_input_hex,
      kdf_output_hex: w.kdf_output_hex,
      aes_key_hex: w.aes_key_hex,
      iv_hex: w.iv_hex,
      plaintext_hex: toHex(plaintext),
      ciphertext_hex: w.ciphertext_hex,
      tag_hex: w.tag_hex,
      wrapped_b64: w.wrapped_b64,
    });
  }
  return {
    ...header(
      'ECIES wraps of 32-byte conversation keys (P-256 ECDH, X9.63 KDF with SHA-256, AES-128-GCM with a 16-byte IV), with every intermediate.',
    ),
    vectors,
  };
}

/**
 * Rewraps each plaintext with the vector's ephemeral scalar and compares every intermediate, then
 * wraps and unwraps it through the public functions (on the default backend).
 */
export async function check(c: Checker, file: FileBody<object, EciesVector>): Promise<void> {
  const noble = await resolveBackend('noble');
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const recipient = await noble.getPublicKey(fromHex(v.recipient_private_hex));
      const e = fromHex(v.ephemeral_private_hex);
      const plaintext = fromHex(v.plaintext_hex);
      c.eq(v.id, 'recipient_public_sec1_hex', toHex(recipient), v.recipient_public_sec1_hex);
      const w = await wrap(e, recipient, plaintext);
      for (const field of [
        'ephemeral_public_sec1_hex',
        'shared_secret_hex',
        'kdf_input_hex',
        'kdf_output_hex',
        'aes_key_hex',
        'iv_hex',
        'ciphertext_hex',
        'tag_hex',
      ] as const) {
        c.eq(v.id, field, w[field], v[field]);
      }
      c.eq(
        v.id,
        'wrapped_b64',
        await wrapConversationKey(plaintext, recipient, withTestingHooks({}, { random: () => Uint8Array.from(e) })),
        v.wrapped_b64,
      );
      c.eq(v.id, 'unwrap', toHex(await unwrapConversationKey(v.wrapped_b64, fromHex(v.recipient_private_hex))), v.plaintext_hex);
    });
  }
}

export const readVector: Read<EciesVector> = object((f) => ({
  id: f('id', str),
  recipient_user_id: f('recipient_user_id', str),
  recipient_private_hex: f('recipient_private_hex', hex),
  recipient_public_sec1_hex: f('recipient_public_sec1_hex', hex),
  ephemeral_private_hex: f('ephemeral_private_hex', hex),
  ephemeral_public_sec1_hex: f('ephemeral_public_sec1_hex', hex),
  shared_secret_hex: f('shared_secret_hex', hex),
  kdf_input_hex: f('kdf_input_hex', hex),
  kdf_output_hex: f('kdf_output_hex', hex),
  aes_key_hex: f('aes_key_hex', hex),
  iv_hex: f('iv_hex', hex),
  plaintext_hex: f('plaintext_hex', hex),
  ciphertext_hex: f('ciphertext_hex', hex),
  tag_hex: f('tag_hex', hex),
  wrapped_b64: f('wrapped_b64', str),
}));

export const eciesFile: VectorFile<object, EciesVector> = {
  name: 'ecies.json',
  recomputed: {
    top: [],
    vector: [
      'recipient_public_sec1_hex',
      'ephemeral_public_sec1_hex',
      'shared_secret_hex',
      'kdf_input_hex',
      'kdf_output_hex',
      'aes_key_hex',
      'iv_hex',
      'ciphertext_hex',
      'tag_hex',
      'wrapped_b64',
    ],
  },
  readTop: object(() => ({})),
  readVector,
  generate,
  check,
};
