import { defineConfig } from 'vitest/config';
import { sourceAliases } from './vitest.shared.js';

// The conformance suite reads third-party data (the X API's OpenAPI schema, the official SDK's
// fixture, Wycheproof vectors) from CONFORMANCE_DIR, default ../shared/reference.
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
