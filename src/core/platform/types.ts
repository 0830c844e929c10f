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

/** The worker_threads pool that wraps keys for large groups on Node (`workers.ts`). */
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
}
