/**
 * Everything the package exports, from every entry point, for tests: the root, `sendbird`,
 * `wire`, `backends` and `testing` (test/package.test.ts pins each entry's own list).
 */
export * from '../../src/index.js';
export * from '../../src/sendbird.js';
export * from '../../src/wire.js';
export * from '../../src/backends.js';
export * from '../../src/testing.js';
