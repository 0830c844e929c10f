/**
 * `chat-keykit/backends`: the crypto backends (node, webcrypto, noble), how calls choose one, and
 * how chat-keykit runs here (`runtimeReport`: backend, workers, and why it runs slower, if it does).
 *
 * @module
 */
export type { BackendName, CryptoBackend } from './core/backend.js';
export { resolveBackend, setDefaultBackend, type CryptoOptions } from './core/context.js';
export { runtimeReport, type RuntimeReport, type Degradation, type DegradationNotice } from './core/report.js';
export type { WrappingReport, WrappingPlace } from './core/wrap.js';
