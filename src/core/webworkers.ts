/**
 * Parallel ECIES wrapping on Web Workers, for the WebCrypto backend where the runtime has them
 * (browsers, Deno, Bun). The worker program runs `eciesSeal` of `ecies.ts` on `crypto.subtle`
 * only. The caller draws the scalars beforehand in recipient order, so the bytes equal the
 * single-threaded path (tested by running the same program on Node's worker_threads, and in
 * Chromium by the browser suite). Workers that cannot start, or fail, are reported to the caller
 * (`WebWorkerFailure`), which wraps on its own thread instead (wrap.ts).
 *
 * @module
 */
import { eciesSeal, type EciesPrimitives } from './ecies.js';
import { runWrapJobs } from './jobs.js';

/** One wrap job as the worker receives it (its buffers transferred to the worker). */
interface WorkerJob {
  id: number;
  key: Uint8Array;
  publics: Uint8Array;
  scalars: Uint8Array;
  count: number;
  outLength: number;
}

/**
 * The primitives `eciesSeal` needs, on `crypto.subtle` alone, for one wrap. The ephemeral scalar
 * is imported once as PKCS#8 and exported as a JWK to obtain E.
 *
 * Runs inside the worker, from its source text (see {@link WEB_WRAP_PROGRAM}): self-contained (no
 * names from outside but the worker's globals), so that a bundler may minify it freely.
 */
function subtlePrimitives(): EciesPrimitives {
  const subtle = crypto.subtle;
  const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
  // DER of a PKCS#8 P-256 private key up to its 32-byte scalar (RFC 5915 without the public key).
  const PKCS8 = [
    0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
  ];
  const b64url = (t: string): Uint8Array =>
    Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (t.length % 4)) % 4)), (c) => c.charCodeAt(0));
  let scalar: Uint8Array | null = null;
  let priv: Awaited<ReturnType<typeof subtle.importKey>> | null = null;
  const E = new Uint8Array(65);
  const use = async (s: Uint8Array): Promise<void> => {
    if (s === scalar) return;
    const der = new Uint8Array(PKCS8.length + 32);
    der.set(PKCS8);
    der.set(s, PKCS8.length);
    priv = await subtle.importKey('pkcs8', der, ECDH, true, ['deriveBits']);
    der.fill(0);
    const jwk = await subtle.exportKey('jwk', priv);
    E[0] = 4;
    E.set(b64url(jwk.x as string), 1);
    E.set(b64url(jwk.y as string), 33);
    scalar = s;
  };
  return {
    getPublicKey: async (s) => (await use(s), E),
    ecdh: async (s, pub) => {
      await use(s);
      const peer = await subtle.importKey('raw', pub, ECDH, false, []);
      return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, priv as NonNullable<typeof priv>, 256));
    },
    sha256: async (d) => new Uint8Array(await subtle.digest('SHA-256', d)),
    aesGcmEncrypt: async (k, iv, pt) => {
      const key = await subtle.importKey('raw', k, 'AES-GCM', false, ['encrypt']);
      return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, pt));
    },
  };
}

/**
 * Wraps `job.count` recipients, 16 at a time, and returns the packed `E ‖ ciphertext ‖ tag` blobs
 * (or the error's message); the job's scalars and key are wiped. Runs inside the worker, from its
 * source text: self-contained, with `seal` and `primitives` passed in.
 */
async function handleJob(
  job: WorkerJob,
  seal: typeof eciesSeal,
  primitives: () => EciesPrimitives,
): Promise<{ id: number; out?: Uint8Array; error?: string }> {
  const { id, key, publics, scalars, count, outLength } = job;
  try {
    const out = new Uint8Array(count * outLength);
    for (let start = 0; start < count; start += 16) {
      const end = Math.min(count, start + 16);
      const parts: Promise<Uint8Array>[] = [];
      for (let i = start; i < end; i++)
        parts.push(seal(primitives(), scalars.subarray(i * 32, i * 32 + 32), publics.subarray(i * 65, i * 65 + 65), key));
      (await Promise.all(parts)).forEach((blob, j) => out.set(blob, (start + j) * outLength));
    }
    return { id, out };
  } catch (e) {
    return { id, error: String((e as Error | null)?.message ?? e) };
  } finally {
    scalars.fill(0);
    key.fill(0);
  }
}

/**
 * The worker program: `eciesSeal` of ecies.ts itself, {@link subtlePrimitives} and
 * {@link handleJob}, from their source text (a bundler that minifies this module minifies the
 * program too), and `handle(job)`. The message wiring (`self.onmessage`) is appended by the pool,
 * so that tests can wire the same program to Node's worker_threads.
 */
export const WEB_WRAP_PROGRAM = `const eciesSeal=${eciesSeal.toString()};const subtlePrimitives=${subtlePrimitives.toString()};const handle=(job)=>(${handleJob.toString()})(job,eciesSeal,subtlePrimitives);`;

/**
 * The wiring of the program to a Web Worker's message port. The worker says it is ready first, so
 * that the pool can tell a worker that never started (a Content Security Policy without
 * `worker-src blob:`) from one that failed later.
 */
const WEB_WIRING =
  'self.onmessage = async (e) => { const r = await handle(e.data); self.postMessage(r, r.out ? [r.out.buffer] : []); }; self.postMessage({ ready: true });';

/** How long a new worker may take to say it is ready before Web Workers count as unavailable. */
export const WEB_WORKER_START_TIMEOUT_MS = 10_000;

interface WebWorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  onmessage: ((e: { data: { id?: number; ready?: boolean; out?: Uint8Array; error?: string } }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  terminate(): void;
}
type WorkerCtor = new (url: string) => WebWorkerLike;

/**
 * Why a wrap could not run on Web Workers: `blocked` when they never started (the page will not
 * get any: the pool stops trying), `failed` when a started worker crashed or reported an error.
 * The caller redoes the wrap on its own thread (wrap.ts).
 */
export class WebWorkerFailure extends Error {
  constructor(
    readonly kind: 'blocked' | 'failed',
    reason: string,
  ) {
    super(reason);
    this.name = 'WebWorkerFailure';
  }
}

/** Does this runtime have Web Workers and Blob URLs to start them from? */
export function webWorkersAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function';
}

/** Why Web Workers cannot start here, once a start failed (the pool does not try again); else null. */
let blocked: string | null = null;

interface PoolEntry {
  worker: WebWorkerLike;
  /** Settles when the worker said it is ready; rejects with a `blocked` failure if it never does. */
  ready: Promise<void>;
}

const pool: PoolEntry[] = [];
const pending = new Map<number, { resolve: (out: Uint8Array) => void; reject: (e: Error) => void }>();
let nextId = 1;

/** Fails every job in flight and empties the pool (its workers cannot be trusted to answer). */
function failAll(reason: string): void {
  for (const p of pending.values()) p.reject(new WebWorkerFailure('failed', reason));
  pending.clear();
  for (const e of pool.splice(0, pool.length)) e.worker.terminate();
}

function describe(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m !== '' ? m : 'an error event';
}

function spawn(): PoolEntry {
  const g = globalThis as unknown as { Worker: WorkerCtor; Blob: typeof Blob; URL: typeof URL };
  let url: string | undefined;
  let worker: WebWorkerLike;
  try {
    url = g.URL.createObjectURL(new g.Blob([WEB_WRAP_PROGRAM, WEB_WIRING], { type: 'text/javascript' }));
    worker = new g.Worker(url);
  } catch (e) {
    // Some browsers refuse a blocked worker in the constructor (others fire an error event).
    if (url !== undefined) g.URL.revokeObjectURL(url);
    const ready = Promise.reject(new WebWorkerFailure('blocked', `new Worker() threw: ${describe(e)}`));
    ready.catch(() => {}); // awaited by startWebWorkers
    const entry = { worker: { postMessage() {}, onmessage: null, onerror: null, terminate() {} }, ready };
    pool.push(entry);
    return entry;
  }
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      settle();
      reject(new WebWorkerFailure('blocked', `no worker started within ${WEB_WORKER_START_TIMEOUT_MS / 1000} s`));
    }, WEB_WORKER_START_TIMEOUT_MS);
    const settle = (): void => {
      clearTimeout(timer);
      if (url !== undefined) g.URL.revokeObjectURL(url);
      url = undefined;
    };
    worker.onmessage = (e) => {
      if (e.data.ready === true) {
        started = true;
        settle();
        resolve();
        return;
      }
      const p = pending.get(e.data.id as number);
      if (!p) return;
      pending.delete(e.data.id as number);
      if (e.data.out) p.resolve(e.data.out);
      else p.reject(new WebWorkerFailure('failed', `a wrapping Web Worker reported: ${e.data.error ?? 'no output'}`));
    };
    worker.onerror = (e) => {
      (e as { preventDefault?: () => void } | null)?.preventDefault?.();
      if (!started) {
        settle();
        reject(new WebWorkerFailure('blocked', 'the worker did not start'));
      } else {
        failAll(`a wrapping Web Worker crashed: ${describe(e)}`);
      }
    };
  });
  ready.catch(() => {}); // awaited by startWebWorkers; never an unhandled rejection
  const entry = { worker, ready };
  pool.push(entry);
  return entry;
}

/**
 * Starts Web Workers until `count` run, and waits until each says it is ready.
 * @throws {WebWorkerFailure} `blocked` when one does not start (Web Workers then count as
 * unavailable on this page, and the pool is emptied)
 */
export async function startWebWorkers(count: number): Promise<void> {
  if (blocked !== null) throw new WebWorkerFailure('blocked', blocked);
  while (pool.length < count) spawn();
  try {
    await Promise.all(pool.map((e) => e.ready));
  } catch (e) {
    blocked = describe(e);
    failAll(blocked);
    throw e;
  }
}

/**
 * ECIES-wraps `plaintext` for every recipient on Web Workers.
 * @param recipients - validated 65-byte SEC1 keys
 * @param scalars - the ephemeral scalars, 32 bytes per recipient, packed
 * @throws {WebWorkerFailure} when the workers do not start or one fails; the caller's scalars are
 * untouched (each job had its own copy), so the same wrap can be redone elsewhere
 */
export async function wrapOnWebWorkers(
  plaintext: Uint8Array,
  recipients: readonly Uint8Array[],
  scalars: Uint8Array,
  threads: number,
  onProgress: (done: number) => void,
): Promise<Uint8Array[]> {
  await startWebWorkers(threads);
  const workers = pool.slice(0, threads).map((e) => e.worker);
  return runWrapJobs(plaintext, recipients, scalars, threads, onProgress, (job, progress) => {
    const id = nextId++;
    const { key, publics, scalars: own, count, outLength } = job;
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Transferred, not copied: the job's buffers were made for it alone (the worker wipes them).
      (workers[job.index % threads] as WebWorkerLike).postMessage({ id, key, publics, scalars: own, count, outLength }, [
        key.buffer,
        publics.buffer,
        own.buffer,
      ]);
    }).then((out) => {
      progress(count);
      return out;
    });
  });
}

/** Number of Web Workers running now. */
export function webPoolSize(): number {
  return pool.length;
}

/** Terminates the Web Worker pool (re-created on demand). */
export function closeWebWorkers(): void {
  failAll('the Web Worker pool was closed');
}

/** Forgets that Web Workers were blocked, and closes the pool (tests only). */
export function resetWebWorkers(): void {
  closeWebWorkers();
  blocked = null;
}
