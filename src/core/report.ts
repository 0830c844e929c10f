/**
 * `runtimeReport()`: how chat-keykit runs here, for an application to read (and show, or log)
 * rather than infer from timings: the backend that calls without a `backend` option use, where
 * large groups are wrapped, and what made it slower than it could be (degraded.ts).
 *
 * @module
 */
import type { BackendName } from './backend.js';
import { resolveBackend } from './context.js';
import { degrade, degradations, type Degradation, type DegradationNotice } from './degraded.js';
import { webWorkerCount, type WrappingPlace } from './wrap.js';
import { loadThreadPool } from '#thread-pool';

/** What {@link runtimeReport} says. */
export interface RuntimeReport {
  /** The backend of calls that name none (the automatic choice, or `setDefaultBackend`'s). */
  readonly backend: BackendName;
  /**
   * Where a large group's keys are wrapped: `threads` (worker_threads, node backend), `web-workers`
   * (webcrypto backend in a browser) or `main-thread` (the calling thread: noble, one core, a
   * runtime without workers, or Web Workers that cannot start here).
   */
  readonly workers: WrappingPlace;
  /** Why it runs slower here than it could, in the order it was found; empty when nothing did. */
  readonly degraded: readonly DegradationNotice[];
}

export type { Degradation, DegradationNotice };

async function workersFor(backend: BackendName): Promise<WrappingPlace> {
  if (backend === 'node') {
    const pool = await loadThreadPool?.();
    return pool && pool.defaultWorkerCount() >= 2 ? 'threads' : 'main-thread';
  }
  if (backend === 'webcrypto') {
    const web = await import('./webworkers.js');
    if (!web.webWorkersAvailable() || webWorkerCount() < 2) return 'main-thread';
    try {
      await web.startWebWorkers(1); // finds out whether they start here (and keeps the worker)
      return 'web-workers';
    } catch (e) {
      if (!(e instanceof web.WebWorkerFailure)) throw e;
      degrade('web-workers-blocked', e.message);
      return 'main-thread';
    }
  }
  return 'main-thread';
}

/**
 * How chat-keykit runs in this runtime. Resolves the default backend and, with webcrypto where
 * Web Workers exist, starts one (kept for later wraps) to find out whether they can run here: a
 * page whose Content Security Policy refuses `blob:` workers gets `workers: 'main-thread'` and
 * the cause in `degraded` (also warned about once on the console).
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` when the default backend set with
 * `setDefaultBackend` is not available in this runtime
 * @example
 * const { backend, workers, degraded } = await runtimeReport();
 * if (degraded.length) showBanner(degraded.map((d) => d.message).join('\n'));
 */
export async function runtimeReport(): Promise<RuntimeReport> {
  const backend = (await resolveBackend()).name;
  const workers = await workersFor(backend);
  return Object.freeze({ backend, workers, degraded: Object.freeze(degradations()) });
}
