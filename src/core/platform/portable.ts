/**
 * `#node-backend` and `#thread-pool` in browsers (the `browser` export condition) and any runtime
 * that is not Node.js (`default`): neither a node:crypto backend nor worker_threads. WebCrypto,
 * Web Workers and noble are found at run time (context.ts, wrap.ts).
 *
 * @module
 */
import type { CryptoBackend } from '../backend.js';
import type { ThreadPool } from './types.js';

/** No node:crypto backend here. */
export const loadNodeBackend: (() => Promise<CryptoBackend>) | null = null;

/** No worker_threads here. */
export const loadThreadPool: (() => Promise<ThreadPool>) | null = null;
