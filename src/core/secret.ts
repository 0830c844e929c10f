/**
 * Secret byte handling: a `Uint8Array` that does not print, a wipe helper and a constant-time
 * comparison.
 *
 * JavaScript cannot guarantee that no copy of a secret survives (the garbage collector moves
 * memory, strings are immutable), so `wipe` is best effort: it zeroes the buffers we own as soon
 * as we are done with them (ECDH shared secrets, KDF output, scalars we generated).
 *
 * @module
 */

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A `Uint8Array` holding secret bytes (a private scalar or a conversation key). It behaves like
 * any `Uint8Array` for reading and passing on, but `JSON.stringify`, `String()` and
 * `util.inspect` show `[REDACTED]` instead of the bytes.
 */
export class SecretBytes extends Uint8Array {
  /** `"[REDACTED]"`: `JSON.stringify` never writes the bytes. */
  toJSON(): string {
    return '[REDACTED]';
  }

  override toString(): string {
    return '[REDACTED]';
  }

  override toLocaleString(): string {
    return '[REDACTED]';
  }

  override join(_separator?: string): string {
    return '[REDACTED]';
  }

  [INSPECT](): string {
    return `SecretBytes(${this.length}) [REDACTED]`;
  }

  /** Subarrays and slices of a secret are plain views/copies; keep them secret too. */
  static get [Symbol.species](): Uint8ArrayConstructor {
    return SecretBytes as unknown as Uint8ArrayConstructor;
  }
}

/**
 * Zeroes every given buffer in place (best effort; see the module comment).
 * @example
 * const key = await unwrapConversationKey(wrapped, identityPrivateKey);
 * try { use(key); } finally { wipe(key); }
 */
export function wipe(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) if (b) b.fill(0);
}

/**
 * Compares two byte arrays in time that depends only on their lengths, not on their contents.
 * @returns true when both have the same length and the same bytes
 * @example
 * if (!constantTimeEqual(receivedTag, expectedTag)) throw new Error('bad tag');
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
