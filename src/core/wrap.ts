/**
 * Wrapping one conversation key for many recipients: one fresh ephemeral key per recipient, as
 * the protocol requires, in participant order.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { encodeBase64 } from '../wire/base64.js';
import type { BackendName, CryptoBackend } from './backend.js';
import { degrade } from './degraded.js';
import { eciesWrap } from './ecies.js';
import { loadThreadPool } from '#thread-pool';
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

/** Where the keys of one wrap were sealed. */
export type WrappingPlace = 'threads' | 'web-workers' | 'main-thread';

/**
 * How a prepare call wrapped its conversation key (`prepared.wrapping`): on which backend, where
 * (worker threads on Node, Web Workers in a browser, or the calling thread) and on how many
 * workers, and, when it had to run on the calling thread although workers were wanted, why.
 * The wrapped keys are the same bytes wherever they were sealed.
 */
export interface WrappingReport {
  readonly backend: BackendName;
  readonly workers: WrappingPlace;
  /** Workers the wrap ran on; 0 on the calling thread. */
  readonly workerCount: number;
  /**
   * Set when workers were wanted but the wrap ran on the calling thread: `web-workers-blocked`
   * (Web Workers cannot start on this page, e.g. under a Content Security Policy without
   * `worker-src blob:`) or `web-worker-failed` (a worker failed during this wrap, which was redone).
   */
  readonly fallback?: 'web-workers-blocked' | 'web-worker-failed';
}

type Parallel = { kind: 'threads' | 'web'; threads: number } | null;

/** Hardware threads a page may use for Web Workers (at most 8). */
export function webWorkerCount(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(cores, 8));
}

async function parallelism(backend: CryptoBackend, n: number, option: WrapOptions['workers']): Promise<Parallel> {
  const w = option ?? 'auto';
  if (w !== 'auto' && (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 64)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      "expected 'auto' or an integer number of threads from 0 to 64",
      'options.workers',
    );
  }
  if (w === 0) return null;
  if (backend.name === 'node') {
    const pool = await loadThreadPool?.();
    if (!pool) {
      if (w === 'auto') return null;
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'this runtime has no worker threads', 'options.workers');
    }
    if (w !== 'auto') return { kind: 'threads', threads: w };
    if (n < WORKER_THRESHOLD.WARM) return null;
    const threads = pool.defaultWorkerCount();
    return threads >= 2 && (n >= WORKER_THRESHOLD.COLD || pool.poolSize() > 0) ? { kind: 'threads', threads } : null;
  }
  if (backend.name === 'webcrypto') {
    if (w === 'auto' && n < WEB_WORKER_THRESHOLD.WARM) return null; // (without loading the pool's module)
    const { webWorkersAvailable, webPoolSize } = await import('./webworkers.js');
    if (!webWorkersAvailable()) {
      if (w === 'auto') return null;
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'this runtime has no Web Workers', 'options.workers');
    }
    if (w !== 'auto') return { kind: 'web', threads: w };
    const threads = webWorkerCount();
    return threads >= 2 && (n >= WEB_WORKER_THRESHOLD.COLD || (n >= WEB_WORKER_THRESHOLD.WARM && webPoolSize() > 0))
      ? { kind: 'web', threads }
      : null;
  }
  if (w === 'auto') return null;
  throw new InvalidInputError(
    ErrorCodes.INVALID_ARGUMENT,
    'worker threads are used with the node and webcrypto backends only (this call uses noble)',
    'options.workers',
  );
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

/** Wraps on the calling thread: a window of concurrent calls (WebCrypto), else one by one. */
async function wrapHere(
  backend: CryptoBackend,
  key: Uint8Array,
  recipients: readonly Recipient[],
  scalar: (i: number) => Uint8Array,
  entry: (i: number, blob: Uint8Array) => void,
  report: (done: number) => void,
): Promise<void> {
  const n = recipients.length;
  if (backend.name === 'webcrypto') {
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
}

/**
 * Wraps `key` for every recipient, in order. The ephemeral scalars are drawn from `random` first,
 * in recipient order, so that the output depends only on the random stream, not on whether the
 * work runs on this thread, concurrently (WebCrypto) or on workers. Web Workers that cannot start
 * or that fail leave the wrap to this thread, with the same scalars (same bytes), said in the
 * report's `fallback` and warned about once (degraded.ts).
 */
export async function wrapForRecipients(
  backend: CryptoBackend,
  key: Uint8Array,
  recipients: readonly Recipient[],
  random: ((length: number) => Uint8Array) & { readonly injected?: boolean },
  options: WrapOptions = {},
): Promise<{ keys: WrappedKey[]; wrapping: WrappingReport }> {
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
  let wrapping: WrappingReport = { backend: backend.name, workers: 'main-thread', workerCount: 0 };
  try {
    const publics = (): Uint8Array[] => recipients.map((r) => r.publicKey);
    if (parallel?.kind === 'threads') {
      const pool = await loadThreadPool?.();
      if (!pool) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'this runtime has no worker threads', 'options.workers');
      (await pool.wrapOnWorkers(key, publics(), scalars, parallel.threads, report)).forEach((b, i) => entry(i, b));
      wrapping = { backend: backend.name, workers: 'threads', workerCount: parallel.threads };
    } else if (parallel?.kind === 'web') {
      const web = await import('./webworkers.js');
      try {
        (await web.wrapOnWebWorkers(key, publics(), scalars, parallel.threads, report)).forEach((b, i) => entry(i, b));
        wrapping = { backend: backend.name, workers: 'web-workers', workerCount: parallel.threads };
      } catch (e) {
        if (!(e instanceof web.WebWorkerFailure)) throw e;
        const fallback = e.kind === 'blocked' ? 'web-workers-blocked' : 'web-worker-failed';
        degrade(fallback, e.message);
        await wrapHere(backend, key, recipients, scalar, entry, report);
        wrapping = { backend: backend.name, workers: 'main-thread', workerCount: 0, fallback };
      }
    } else {
      await wrapHere(backend, key, recipients, scalar, entry, report);
    }
  } finally {
    wipe(scalars);
  }
  report(n);
  return { keys: out, wrapping: Object.freeze(wrapping) };
}
