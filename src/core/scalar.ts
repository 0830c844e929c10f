/**
 * P-256 private scalars: validation and uniform sampling (SEC 1 §3.2.1).
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { ErrorCodes, InternalError, InvalidInputError } from '../errors.js';
import { typeName } from '../guards.js';
import { SecretBytes } from './secret.js';

const N = p256.Point.Fn.ORDER;
/** n, big-endian. */
const N_BYTES = /* @__PURE__ */ Uint8Array.from(N.toString(16).match(/../g) as string[], (h) => parseInt(h, 16));

/**
 * True when 32 bytes encode a valid P-256 private scalar 1 ≤ d < n. Compared byte by byte with n,
 * without BigInts (it runs on every signature), and without stopping at the first difference.
 */
export function isValidScalar(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let any = 0;
  let less = 0;
  let decided = 0;
  for (let i = 0; i < 32; i++) {
    const b = bytes[i] as number;
    const m = N_BYTES[i] as number;
    any |= b;
    less |= ~decided & (b < m ? 1 : 0);
    decided |= b !== m ? 1 : 0;
  }
  return any !== 0 && (less & 1) === 1;
}

/**
 * Draws a private scalar by rejection sampling: 32 random bytes, redrawn while out of range
 * (probability about 2^-32 per draw), so the result is uniform in [1, n-1].
 */
export function sampleScalar(random: ((length: number) => Uint8Array) & { readonly injected?: boolean }): SecretBytes {
  for (let i = 0; i < 64; i++) {
    const candidate = random(32);
    let out: SecretBytes | undefined;
    if (isValidScalar(candidate)) {
      out = new SecretBytes(32);
      out.set(candidate);
    }
    // The CSPRNG's buffer is ours to wipe; an injected (test) stream belongs to the caller.
    if (random.injected === false) candidate.fill(0);
    if (out) return out;
  }
  throw new InternalError(ErrorCodes.INTERNAL, 'the random source returned 64 out-of-range scalars in a row; it is broken');
}

/**
 * Draws `count` scalars into one packed buffer (`count × 32` bytes), as {@link sampleScalar} would
 * one after the other. An injected stream is read 32 bytes per scalar, in order, so that outputs
 * depend only on the stream; the CSPRNG is read in one call (per-call overhead dominates small
 * reads on some platforms).
 */
export function sampleScalars(random: ((length: number) => Uint8Array) & { readonly injected?: boolean }, count: number): SecretBytes {
  const out = new SecretBytes(count * 32);
  if (random.injected === false && count > 0) {
    const bulk = random(count * 32);
    out.set(bulk);
    bulk.fill(0);
    for (let i = 0; i < count; i++) {
      if (!isValidScalar(out.subarray(i * 32, i * 32 + 32))) out.set(sampleScalar(random), i * 32);
    }
    return out;
  }
  for (let i = 0; i < count; i++) out.set(sampleScalar(random), i * 32);
  return out;
}

/**
 * Checks a private key: a 32-byte big-endian scalar in [1, n-1].
 * @returns a {@link SecretBytes} copy
 * @throws {InvalidInputError} `ERR_INVALID_KEY`
 */
export function parsePrivateKey(value: unknown, field: string): SecretBytes {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, `expected a 32-byte private key as Uint8Array, got ${typeName(value)}`, field);
  }
  if (value.length !== 32)
    throw new InvalidInputError(ErrorCodes.INVALID_KEY, `expected a 32-byte private key, got ${value.length} bytes`, field);
  if (!isValidScalar(value)) throw new InvalidInputError(ErrorCodes.INVALID_KEY, 'private key is not a scalar in [1, n-1]', field);
  const out = new SecretBytes(32);
  out.set(value);
  return out;
}
