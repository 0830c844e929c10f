import { defineConfig } from 'vitest/config';

// The conformance suite reads third-party data (the X API's OpenAPI schema, the official SDK's
// fixture, Wycheproof vectors) from CONFORMANCE_DIR, default ../shared/reference.
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
