/**
 * What differs between Node.js and every other runtime, behind two imports resolved by export
 * conditions (package.json `imports`): `#node-backend` (the node:crypto backend) and
 * `#thread-pool` (the worker_threads pool). Node (the `node` condition) gets `node-backend.ts` and
 * `thread-pool.ts`; browsers (the `browser` condition, listed first) and any other runtime
 * (`default`) get `portable.ts`, which has neither, so that no browser bundle contains, or asks
 * for, a `node:` module.
 *
 * @module
 */

/** A batch of ECDSA-P256-SHA256 verifications: each item a message, a 64-byte `r‖s` and which key. */
export interface VerifyBatch {
  /** The distinct public keys, 65-byte SEC1 each, packed. */
  keys: Uint8Array;
  /** Per item, the index of its key. */
  keyIndex: Uint16Array;
  /** The messages, concatenated; item i is `data[offsets[i] .. offsets[i + 1]]`. */
  data: Uint8Array;
  offsets: Uint32Array;
  /** The signatures, 64 bytes per item. */
  signatures: Uint8Array;
  count: number;
}

/** The worker_threads pool on Node (`workers.ts`): wrapping keys for large groups, checking batches of signatures. */
export interface ThreadPool {
  /** Number of hardware threads to use by default. */
  defaultWorkerCount(): number;
  /** Number of workers running now. */
  poolSize(): number;
  /** ECIES-wraps `plaintext` for every recipient on `threads` workers; one blob per recipient, in order. */
  wrapOnWorkers(
    plaintext: Uint8Array,
    recipients: readonly Uint8Array[],
    scalars: Uint8Array,
    threads: number,
    onProgress: (done: number) => void,
  ): Promise<Uint8Array[]>;
  /** Checks a batch of signatures on one of `threads` workers; one byte per item, 1 when it verifies. */
  verifyOnWorkers(batch: VerifyBatch, threads: number): Promise<Uint8Array>;
}
