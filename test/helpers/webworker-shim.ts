/**
 * A Web Worker for Node tests: `globalThis.Worker` on top of worker_threads, started from a Blob
 * URL exactly as a browser would (the URL's content is read back with `resolveObjectURL`), with
 * `self.onmessage` / `self.postMessage` wired to the thread's port. It lets the suite run the real
 * Web Worker pool and program under Node; it is not a browser.
 */
import { resolveObjectURL } from 'node:buffer';
import { Worker as ThreadWorker } from 'node:worker_threads';

const PRELUDE = `
const { parentPort } = require('node:worker_threads');
const self = { onmessage: null, postMessage: (m, t) => parentPort.postMessage(m, t) };
parentPort.on('message', (data) => self.onmessage && self.onmessage({ data }));
`;

export class ShimWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  private thread: ThreadWorker | undefined;
  private queue: [unknown, unknown[]][] = [];

  constructor(url: string) {
    const blob = resolveObjectURL(url);
    if (!blob) throw new Error(`no Blob behind ${url}`);
    void blob.text().then((code) => {
      this.thread = new ThreadWorker(PRELUDE + code, { eval: true });
      this.thread.on('message', (data) => this.onmessage?.({ data }));
      this.thread.on('error', (e) => this.onerror?.(e));
      for (const [m, t] of this.queue) this.thread.postMessage(m, t as never);
      this.queue = [];
    });
  }

  postMessage(message: unknown, transfer: unknown[] = []): void {
    if (this.thread) this.thread.postMessage(message, transfer as never);
    else this.queue.push([message, transfer]);
  }

  terminate(): void {
    void this.thread?.terminate();
  }
}

/** Installs the shim as `globalThis.Worker`; returns a function that removes it. */
export function installWebWorkerShim(): () => void {
  const g = globalThis as { Worker?: unknown };
  const before = g.Worker;
  g.Worker = ShimWorker;
  return () => {
    if (before === undefined) delete g.Worker;
    else g.Worker = before;
  };
}
