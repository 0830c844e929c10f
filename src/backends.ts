/**
 * `chat-keykit/backends`: the crypto backends (node, webcrypto, noble) and how calls choose one.
 *
 * @module
 */
export type { BackendName, CryptoBackend } from './core/backend.js';
export { resolveBackend, setDefaultBackend, type CryptoOptions } from './core/context.js';
