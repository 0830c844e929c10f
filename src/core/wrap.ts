/**
 * Wrapping one conversation key for many recipients: one fresh ephemeral key per recipient, as
 * the protocol requires, in participant order.
 *
 * @module
 */
import { encodeBase64 } from '../wire/base64.js';
import type { ParticipantKey } from '../wire/events.js';
import type { CryptoBackend } from './backend.js';
import { eciesWrap } from './ecies.js';
import { sampleScalar } from './scalar.js';
import { wipe } from './secret.js';

/** A recipient whose key has been selected and validated. */
export interface Recipient {
  userId: string;
  /** Validated 65-byte SEC1 identity public key. */
  publicKey: Uint8Array;
  /** The version of that key. */
  keyVersion: string;
}

/** Progress and parallelism options of {@link wrapForRecipients}. */
export interface WrapOptions {
  onProgress?: (done: number, total: number) => void;
  workers?: 'auto' | number;
}

/** Calls `onProgress` about every 1% of the work and once at the end. */
export function progressReporter(total: number, onProgress: WrapOptions['onProgress']): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.floor(total / 100));
  let last = -1;
  return (done) => {
    if (done === total || done - last >= step) {
      last = done;
      onProgress(done, total);
    }
  };
}

/**
 * Wraps `key` for every recipient, in order. The ephemeral scalars are drawn from `random` first,
 * in recipient order, so that the output depends only on the random stream.
 */
export async function wrapForRecipients(
  backend: CryptoBackend,
  key: Uint8Array,
  recipients: readonly Recipient[],
  random: (length: number) => Uint8Array,
  options: WrapOptions = {},
): Promise<ParticipantKey[]> {
  const scalars = recipients.map(() => sampleScalar(random));
  const report = progressReporter(recipients.length, options.onProgress);
  const out: ParticipantKey[] = new Array(recipients.length);
  try {
    for (let i = 0; i < recipients.length; i++) {
      const r = recipients[i] as Recipient;
      const blob = await eciesWrap(backend, key, r.publicKey, scalars[i] as Uint8Array);
      out[i] = { userId: r.userId, encryptedKey: encodeBase64(blob), publicKeyVersion: r.keyVersion };
      report(i + 1);
    }
  } finally {
    wipe(...scalars);
  }
  if (recipients.length === 0) report(0);
  return out;
}
