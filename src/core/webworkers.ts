/**
 * Parallel ECIES wrapping on Web Workers, for the WebCrypto backend where the runtime has them
 * (browsers, Deno, Bun). The worker program runs `eciesSeal` of `ecies.ts` on `crypto.subtle`
 * only. The caller draws the scalars beforehand in
 * recipient order, so the bytes equal the single-threaded path (tested by running the same
 * program on Node's worker_threads).
 *
 * @module
 */
import { ErrorCodes, InternalError } from '../errors.js';
import { eciesSeal } from './ecies.js';
import { runWrapJobs } from './jobs.js';

/**
 * The worker program (plain JavaScript): `eciesSeal` of ecies.ts itself, from its source text, on
 * WebCrypto primitives, and `handle(job)`, which wraps `job.count` recipients (16 at a time) and
 * returns the packed `E ‖ ciphertext ‖ tag` blobs. The ephemeral scalar is imported once per wrap
 * as PKCS#8 and exported as a JWK to obtain E. The message wiring (`self.onmessage`) is appended by
 * the pool, so that tests can wire the same program to Node's worker_threads.
 */
export const WEB_WRAP_PROGRAM = `
const eciesSeal = ${eciesSeal.toString()};
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const PKCS8 = new Uint8Array([0x30,0x41,0x02,0x01,0x00,0x30,0x13,0x06,0x07,0x2a,0x86,0x48,0xce,0x3d,0x02,0x01,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,0x03,0x01,0x07,0x04,0x27,0x30,0x25,0x02,0x01,0x01,0x04,0x20]);
const b64url = (s) => { const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)); return Uint8Array.from(b, (c) => c.charCodeAt(0)); };
function webcrypto() {
  const subtle = crypto.subtle;
  let scalar = null, priv = null, E = null;
  const use = async (s) => {
    if (s === scalar) return;
    const der = new Uint8Array(PKCS8.length + 32);
    der.set(PKCS8); der.set(s, PKCS8.length);
    priv = await subtle.importKey('pkcs8', der, ECDH, true, ['deriveBits']);
    der.fill(0);
    const jwk = await subtle.exportKey('jwk', priv);
    E = new Uint8Array(65);
    E[0] = 4; E.set(b64url(jwk.x), 1); E.set(b64url(jwk.y), 33);
    scalar = s;
  };
  return {
    getPublicKey: async (s) => (await use(s), E),
    ecdh: async (s, pub) => { await use(s); const peer = await subtle.importKey('raw', pub, ECDH, false, []); return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, priv, 256)); },
    sha256: async (d) => new Uint8Array(await subtle.digest('SHA-256', d)),
    aesGcmEncrypt: async (k, iv, pt) => { const key = await subtle.importKey('raw', k, 'AES-GCM', false, ['encrypt']); return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, pt)); },
  };
}
async function handle(job) {
  const { id, key, publics, scalars, count, outLength } = job;
  try {
    const out = new Uint8Array(count * outLength);
    for (let start = 0; start < count; start += 16) {
      const end = Math.min(count, start + 16);
      const parts = [];
      for (let i = start; i < end; i++) parts.push(eciesSeal(webcrypto(), scalars.subarray(i * 32, i * 32 + 32), publics.subarray(i * 65, i * 65 + 65), key));
      (await Promise.all(parts)).forEach((blob, j) => out.set(blob, (start + j) * outLength));
    }
    return { id, out };
  } catch (e) {
    return { id, error: String((e && e.message) || e) };
  } finally {
    scalars.fill(0); key.fill(0);
  }
}
`;

/** The wiring of the program to a Web Worker's message port. */
const WEB_WIRING = 'self.onmessage = async (e) => { const r = await handle(e.data); self.postMessage(r, r.out ? [r.out.buffer] : []); };';

interface WebWorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  onmessage: ((e: { data: { id: number; out?: Uint8Array; error?: string } }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  terminate(): void;
}
type WorkerCtor = new (url: string) => WebWorkerLike;

/** Does this runtime have Web Workers and Blob URLs to start them from? */
export function webWorkersAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function';
}

const pool: WebWorkerLike[] = [];
const pending = new Map<number, { resolve: (out: Uint8Array) => void; reject: (e: Error) => void }>();
let nextId = 1;

function spawn(): WebWorkerLike {
  const g = globalThis as unknown as { Worker: WorkerCtor; Blob: typeof Blob; URL: typeof URL };
  const url = g.URL.createObjectURL(new g.Blob([WEB_WRAP_PROGRAM, WEB_WIRING], { type: 'text/javascript' }));
  const w = new g.Worker(url);
  w.onmessage = (e) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.out) p.resolve(e.data.out);
    else p.reject(new InternalError(ErrorCodes.INTERNAL, `a wrapping web worker failed: ${e.data.error ?? 'no output'}`));
  };
  w.onerror = () => {
    for (const p of pending.values()) p.reject(new InternalError(ErrorCodes.INTERNAL, 'a wrapping web worker crashed'));
    pending.clear();
    const i = pool.indexOf(w);
    if (i >= 0) pool.splice(i, 1);
  };
  pool.push(w);
  return w;
}

/**
 * ECIES-wraps `plaintext` for every recipient on Web Workers.
 * @param recipients - validated 65-byte SEC1 keys
 * @param scalars - the ephemeral scalars, 32 bytes per recipient, packed
 */
export async function wrapOnWebWorkers(
  plaintext: Uint8Array,
  recipients: readonly Uint8Array[],
  scalars: Uint8Array,
  threads: number,
  onProgress: (done: number) => void,
): Promise<Uint8Array[]> {
  while (pool.length < threads) spawn();
  return runWrapJobs(plaintext, recipients, scalars, threads, onProgress, (job, progress) => {
    const id = nextId++;
    const { key, publics, scalars: own, count, outLength } = job;
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Transferred, not copied: the job's buffers were made for it alone (the worker wipes them).
      (pool[job.index % threads] as WebWorkerLike).postMessage({ id, key, publics, scalars: own, count, outLength }, [key.buffer, publics.buffer, own.buffer]);
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
  for (const w of pool.splice(0, pool.length)) w.terminate();
}
