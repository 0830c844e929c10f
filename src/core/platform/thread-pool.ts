/**
 * `#thread-pool` on Node.js (the `node` export condition): the worker_threads pool, loaded on
 * first use. Elsewhere `#thread-pool` is `portable.ts`.
 *
 * @module
 */
import type { ThreadPool } from './types.js';

/** Loads the worker_threads pool; null where there is none. */
export const loadThreadPool: (() => Promise<ThreadPool>) | null = () => import('../workers.js');
