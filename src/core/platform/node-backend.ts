/**
 * `#node-backend` on Node.js (the `node` export condition): the node:crypto backend, loaded on
 * first use. Elsewhere `#node-backend` is `portable.ts`.
 *
 * @module
 */
import type { CryptoBackend } from '../backend.js';

/** Loads the node:crypto backend; null where there is none. */
export const loadNodeBackend: (() => Promise<CryptoBackend>) | null = async () => (await import('../node.js')).nodeBackend;
