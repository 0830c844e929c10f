import { defineConfig } from 'vitest/config';
import { sourceAliases } from './vitest.shared.js';

// The suite runs once per crypto backend: "node" (the automatic choice on Node, all tests), then
// "noble" and "webcrypto" (everything that exercises crypto, with that backend as the default).
const crypto = [
  'test/core/**/*.test.ts',
  'test/wire/**/*.test.ts',
  'test/adapters/**/*.test.ts',
  'test/interop/**/*.test.ts',
  'test/hardening/**/*.test.ts',
];

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/conformance/**', 'node_modules/**'], testTimeout: 60_000 },
      },
      { extends: true, test: { name: 'noble', include: crypto, setupFiles: ['test/setup/noble.ts'], testTimeout: 120_000 } },
      { extends: true, test: { name: 'webcrypto', include: crypto, setupFiles: ['test/setup/webcrypto.ts'], testTimeout: 120_000 } },
    ],
  },
});
