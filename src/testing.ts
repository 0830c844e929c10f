/**
 * `chat-keykit/testing`: deterministic randomness, message ids and clocks for tests and test
 * vectors. NEVER use these in production: the same hooks give the same keys.
 *
 * @module
 */
export { withTestingHooks, seededRandom, numberedMessageIds, type TestingHooks } from './core/testing.js';
