/**
 * Wrapping one conversation key for many recipients: one fresh ephemeral key per recipient, as
 * the protocol requires, in participant order.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { encodeBase64 } from '../wire/base64.js';
import type { CryptoBackend } from './backend.js';
import { eciesWrap } from './ecies.js';
import { sampleScalars } from './scalar.js';
import { wipe } from './secret.js';

/** One recipient's wrapped conversation key (the official SDK's `EncryptedKeyForRecipient`). */
export interface WrappedKey {
  userId: string;
  /** Standard padded base64 of the 113-byte ECIES blob. */
  encryptedKey: string;
  /** The version of the recipient's identity key that the conversation key was wrapped to. */
  publicKeyVersion: string;
}

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
  /** `'auto'` (default), a number of workers, or 0 for none: worker threads with the node backend, Web Workers with webcrypto. */
  workers?: 'auto' | number;
}

/**
 * Group sizes from which `'auto'` moves wrapping onto worker threads (node backend), measured on
 * a 2-core machine: with the pool already running, handing work to
 * threads pays off from about 16 recipients, so `WARM` leaves some margin; starting the pool costs
 * about 90 ms, which a single thread spends on about 600 wraps, and a cold start only wins
 * clearly from about 1,500 recipients (`COLD`). The pool stays up (unreferenced) once started.
 */
export const WORKER_THRESHOLD = { WARM: 32, COLD: 1500 } as const;

/**
 * The same for Web Workers (webcrypto backend, where the runtime has them). Measured only through
 * Node's worker_threads running the same program (a test shim, not a browser): starting two
 * workers costs about 30 ms, about 60 wraps; they gain about 20% over concurrent WebCrypto calls,
 * which Node already spreads over its thread pool (as Chromium does over its crypto threads).
 */
export const WEB_WORKER_THRESHOLD = { WARM: 64, COLD: 256 } as const;

/** How many wraps an asynchronous backend (WebCrypto) keeps in flight at once. */
const IN_FLIGHT = 64;

type Parallel = { kind: 'threads' | 'web'; threads: number } | null;

async function parallelism(backend: CryptoBackend, n: number, option: WrapOptions['workers']): Promise<Parallel> {
  const w = option ?? 'auto';
  if (w !== 'auto' && (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 64)) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, "expected 'auto' or an integer number of threads from 0 to 64", 'options.workers');
  }
  if (w === 0) return null;
  if (backend.name === 'node') {
    if (w !== 'auto') return { kind: 'threads', threads: w };
    if (n < WORKER_THRESHOLD.WARM) return null;
    const { defaultWorkerCount, poolSize } = await import('./workers.js');
    const threads = defaultWorkerCount();
    return threads >= 2 && (n >= WORKER_THRESHOLD.COLD || poolSize() > 0) ? { kind: 'threads', threads } : null;
  }
  if (backend.name === 'webcrypto') {
    const { webWorkersAvailable, webPoolSize } = await import('./webworkers.js');
    if (!webWorkersAvailable()) {
      if (w === 'auto') return null;
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'this runtime has no Web Workers', 'options.workers');
    }
    if (w !== 'auto') return { kind: 'web', threads: w };
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
    const threads = Math.max(1, Math.min(cores, 8));
    return threads >= 2 && (n >= WEB_WORKER_THRESHOLD.COLD || (n >= WEB_WORKER_THRESHOLD.WARM && webPoolSize() > 0)) ? { kind: 'web', threads } : null;
  }
  if (w === 'auto') return null;
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'worker threads are used with the node and webcrypto backends only (this call uses noble)', 'options.workers');
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
): Promise<WrappedKey[]> {
  const n = recipients.length;
  const parallel = await parallelism(backend, n, options.workers);
  const scalars = sampleScalars(random, n);
  const scalar = (i: number): Uint8Array => scalars.subarray(i * 32, i * 32 + 32);
  const report = progressReporter(n, options.onProgress);
  const out: WrappedKey[] = new Array(n);
  const entry = (i: number, blob: Uint8Array): void => {
    const r = recipients[i] as Recipient;
    out[i] = { userId: r.userId, encryptedKey: encodeBase64(blob), publicKeyVersion: r.keyVersion };
  };
  try {
    if (parallel) {
      const publics = recipients.map((r) => r.publicKey);
      const blobs =
        parallel.kind === 'threads'
          ? await (await import('./workers.js')).wrapOnWorkers(key, publics, scalars, parallel.threads, report)
          : await (await import('./webworkers.js')).wrapOnWebWorkers(key, publics, scalars, parallel.threads, report);
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
