/**
 * Parallel ECIES wrapping on Node.js `worker_threads`, for large groups, and batches of ECDSA
 * verifications for receivers of large histories.
 *
 * A small pool of workers, created on first use and kept for later calls, each running
 * `eciesSeal` of `ecies.ts` on OpenSSL (`node:crypto`), or verifying signatures with OpenSSL. The caller draws every ephemeral
 * scalar beforehand in recipient order, so the bytes do not depend on how the work is split:
 * the output equals the single-threaded path exactly (a test checks it).
 *
 * Workers are unreferenced while idle, so an idle pool never keeps a process alive. The
 * conversation key and the scalars are copied to the workers and wiped there after use.
 *
 * This module is only loaded on Node, through `#thread-pool` (platform/thread-pool.ts).
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCodes, InternalError } from '../errors.js';
import { eciesSeal } from './ecies.js';
import { runWrapJobs, type WrapJob } from './jobs.js';
import { SPKI_PREFIX } from '../wire/keys.js';
import type { VerifyBatch } from './platform/types.js';

/**
 * The worker program, plain CommonJS so that it runs from source under any loader (tsc output,
 * vitest, bundlers): `eciesSeal` of ecies.ts itself, from its source text, on OpenSSL primitives.
 * One private key is set per wrap (the scalar is set once for E and Z).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const eciesSeal = ${eciesSeal.toString()};
function openssl() {
  const ecdh = crypto.createECDH('prime256v1');
  let current = null;
  const use = (s) => { if (s !== current) { ecdh.setPrivateKey(s); current = s; } };
  return {
    getPublicKey: (s) => (use(s), ecdh.getPublicKey()),
    ecdh: (s, pub) => (use(s), ecdh.computeSecret(pub)),
    sha256: (d) => crypto.createHash('sha256').update(d).digest(),
    aesGcmEncrypt: (k, iv, pt) => { const c = crypto.createCipheriv('aes-128-gcm', k, iv); return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]); },
    done: () => { ecdh.setPrivateKey(Buffer.alloc(32, 1)); },
  };
}
const verifyKeys = new Map();
function verifyKey(sec1) {
  const id = Buffer.from(sec1).toString('hex');
  let key = verifyKeys.get(id);
  if (!key) {
    if (verifyKeys.size >= 64) verifyKeys.delete(verifyKeys.keys().next().value);
    key = { key: crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, sec1]), format: 'der', type: 'spki' }), dsaEncoding: 'ieee-p1363' };
    verifyKeys.set(id, key);
  }
  return key;
}
const SPKI_PREFIX = Buffer.from('${Buffer.from(SPKI_PREFIX).toString('hex')}', 'hex');
function verifyBatch(job) {
  const { id, keys, keyIndex, data, offsets, signatures, count } = job;
  try {
    const prepared = [];
    for (let k = 0; k < keys.length; k += 65) prepared.push(verifyKey(keys.subarray(k, k + 65)));
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      let ok = false;
      try { ok = crypto.verify('sha256', data.subarray(offsets[i], offsets[i + 1]), prepared[keyIndex[i]], signatures.subarray(i * 64, i * 64 + 64)); } catch {}
      out[i] = ok ? 1 : 0;
    }
    parentPort.postMessage({ id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
}
parentPort.on('message', async (job) => {
  if (job.kind === 'verify') return verifyBatch(job);
  const { id, key, publics, scalars, count, outLength } = job;
  const p = openssl();
  try {
    const out = new Uint8Array(count * outLength);
    const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    for (let i = 0; i < count; i++) {
      const s = Buffer.from(scalars.buffer, scalars.byteOffset + i * 32, 32);
      out.set(await eciesSeal(p, s, Buffer.from(publics.buffer, publics.byteOffset + i * 65, 65), k), i * outLength);
      if ((i + 1) % 128 === 0) parentPort.postMessage({ id, progress: 128 });
    }
    parentPort.postMessage({ id, progress: count % 128, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  } finally {
    p.done();
    scalars.fill(0);
    key.fill(0);
  }
});
`;

interface Job {
  id: number;
  resolve: (out: Uint8Array) => void;
  reject: (e: Error) => void;
  onProgress: (n: number) => void;
}

interface PoolWorker {
  worker: Worker;
  jobs: Map<number, Job>;
}

const pool: PoolWorker[] = [];
let nextId = 1;

/** Number of workers running now. */
export function poolSize(): number {
  return pool.length;
}

/** Number of hardware threads to use by default. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 16));
}

function spawn(): PoolWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const pw: PoolWorker = { worker, jobs: new Map() };
  worker.on('message', (msg: { id: number; progress?: number; out?: Uint8Array; error?: string }) => {
    const job = pw.jobs.get(msg.id);
    if (!job) return;
    if (msg.progress) job.onProgress(msg.progress);
    if (msg.error !== undefined) {
      pw.jobs.delete(msg.id);
      job.reject(new InternalError(ErrorCodes.INTERNAL, `a worker failed: ${msg.error}`));
    } else if (msg.out) {
      pw.jobs.delete(msg.id);
      job.resolve(msg.out);
    }
    if (pw.jobs.size === 0) worker.unref();
  });
  worker.on('error', (err) => {
    for (const job of pw.jobs.values()) job.reject(new InternalError(ErrorCodes.INTERNAL, `a worker crashed: ${err.message}`));
    pw.jobs.clear();
    const i = pool.indexOf(pw);
    if (i >= 0) pool.splice(i, 1);
  });
  worker.unref();
  pool.push(pw);
  return pw;
}

function run(pw: PoolWorker, job: WrapJob, onProgress: (n: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pw.jobs.set(id, { id, resolve, reject, onProgress });
    pw.worker.ref();
    const { key, publics, scalars, count, outLength } = job;
    // Transferred, not copied: the job's buffers were made for it alone (the worker wipes them).
    pw.worker.postMessage({ id, key, publics, scalars, count, outLength }, [
      key.buffer as ArrayBuffer,
      publics.buffer as ArrayBuffer,
      scalars.buffer as ArrayBuffer,
    ]);
  });
}

/**
 * ECIES-wraps `plaintext` for every recipient on worker threads.
 * @param recipients - validated 65-byte SEC1 keys
 * @param scalars - the ephemeral scalars, 32 bytes per recipient, packed
 * @param threads - number of workers to spread the work over
 * @returns one `E ‖ ciphertext ‖ tag` blob per recipient, in order
 */
export async function wrapOnWorkers(
  plaintext: Uint8Array,
  recipients: readonly Uint8Array[],
  scalars: Uint8Array,
  threads: number,
  onProgress: (done: number) => void,
): Promise<Uint8Array[]> {
  while (pool.length < threads) spawn();
  return runWrapJobs(plaintext, recipients, scalars, threads, onProgress, (job, progress) =>
    run(pool[job.index % threads] as PoolWorker, job, progress),
  );
}

let nextBatch = 0;

/**
 * Verifies a batch on one of `threads` workers (round robin). Its buffers are transferred.
 * @returns one byte per item: 1 when the signature verifies
 */
export function verifyOnWorkers(batch: VerifyBatch, threads: number): Promise<Uint8Array> {
  while (pool.length < threads) spawn();
  const pw = pool[nextBatch++ % threads] as PoolWorker;
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pw.jobs.set(id, { id, resolve, reject, onProgress: () => undefined });
    pw.worker.ref();
    const { keys, keyIndex, data, offsets, signatures } = batch;
    pw.worker.postMessage({ kind: 'verify', id, ...batch }, [
      keys.buffer,
      keyIndex.buffer,
      data.buffer,
      offsets.buffer,
      signatures.buffer,
    ] as ArrayBuffer[]);
  });
}

/** Terminates the pool's workers (for tests and clean shutdowns; the pool is re-created on demand). */
export async function closeWorkers(): Promise<void> {
  const all = pool.splice(0, pool.length);
  await Promise.all(all.map((p) => p.worker.terminate()));
}
