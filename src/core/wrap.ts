/**
 * Wrapping one conversation key for many recipients: one fresh ephemeral key per recipient, as
 * the protocol requires, in participant order.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { encodeBase64 } from '../wire/base64.js';
import type { ParticipantKey } from '../wire/events.js';
import type { CryptoBackend } from './backend.js';
import { eciesWrap } from './ecies.js';
import { sampleScalars } from './scalar.js';
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
  /** `'auto'` (default), a number of worker threads, or 0 for none. Node backend only. */
  workers?: 'auto' | number;
}

/**
 * Group sizes from which `'auto'` moves wrapping onto worker threads (node backend), measured on
 * a 2-core machine (scratch numbers in the README): with the pool already running, handing work to
 * threads pays off from about 16 recipients, so `WARM` leaves some margin; starting the pool costs
 * about 90 ms, which a single thread spends on about 600 wraps, and a cold start only wins
 * clearly from about 1,500 recipients (`COLD`). The pool stays up (unreferenced) once started.
 */
export const WORKER_THRESHOLD = { WARM: 32, COLD: 1500 } as const;

/** How many wraps an asynchronous backend (WebCrypto) keeps in flight at once. */
const IN_FLIGHT = 64;

async function workerCount(backend: CryptoBackend, n: number, option: WrapOptions['workers']): Promise<number> {
  const w = option ?? 'auto';
  if (w !== 'auto' && (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 64)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, "expected 'auto' or an integer number of threads from 0 to 64", 'options.workers');
  }
  if (w === 0) return 0;
  if (backend.name !== 'node') {
    if (w === 'auto') return 0;
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `worker threads are used with the node backend only (this call uses ${backend.name})`, 'options.workers');
  }
  if (w !== 'auto') return w;
  if (n < WORKER_THRESHOLD.WARM) return 0;
  const { defaultWorkerCount, poolSize } = await import('./workers.js');
  const threads = defaultWorkerCount();
  if (threads < 2) return 0;
  return n >= WORKER_THRESHOLD.COLD || poolSize() > 0 ? threads : 0;
}

/** Calls `onProgress` about every 1% of the work and once at the end. */
export function progressReporter(total: number, onProgress: WrapOptions['onProgress']): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.floor(total / 100));
  let last = -1;
  return (done) => {
    if (done > last && (done === total || done - last >= step)) {
      last = done;
      onProgress(done, total);
    }
  };
}

/**
 * Wraps `key` for every recipient, in order. The ephemeral scalars are drawn from `random` first,
 * in recipient order, so that the output depends only on the random stream, not on whether the
 * work runs on this thread, concurrently (WebCrypto) or on worker threads (node).
 */
export async function wrapForRecipients(
  backend: CryptoBackend,
  key: Uint8Array,
  recipients: readonly Recipient[],
  random: ((length: number) => Uint8Array) & { readonly injected?: boolean },
  options: WrapOptions = {},
): Promise<ParticipantKey[]> {
  const n = recipients.length;
  const threads = await workerCount(backend, n, options.workers);
  const scalars = sampleScalars(random, n);
  const scalar = (i: number): Uint8Array => scalars.subarray(i * 32, i * 32 + 32);
  const report = progressReporter(n, options.onProgress);
  const out: ParticipantKey[] = new Array(n);
  const entry = (i: number, blob: Uint8Array): void => {
    const r = recipients[i] as Recipient;
    out[i] = { userId: r.userId, encryptedKey: encodeBase64(blob), publicKeyVersion: r.keyVersion };
  };
  try {
    if (threads > 0) {
      const { wrapOnWorkers } = await import('./workers.js');
      const blobs = await wrapOnWorkers(key, recipients.map((r) => r.publicKey), scalars, threads, report);
      blobs.forEach((b, i) => entry(i, b));
    } else if (backend.name === 'webcrypto') {
      // Asynchronous native calls: keep a window of wraps in flight.
      for (let start = 0; start < n; start += IN_FLIGHT) {
        const end = Math.min(n, start + IN_FLIGHT);
        const blobs = await Promise.all(recipients.slice(start, end).map((r, j) => eciesWrap(backend, key, r.publicKey, scalar(start + j))));
        blobs.forEach((b, j) => entry(start + j, b));
        report(end);
      }
    } else {
      for (let i = 0; i < n; i++) {
        entry(i, await eciesWrap(backend, key, (recipients[i] as Recipient).publicKey, scalar(i)));
        report(i + 1);
      }
    }
  } finally {
    wipe(scalars);
  }
  report(n);
  return out;
}
