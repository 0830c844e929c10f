import { defineConfig } from 'vitest/config';

// The browser suite (npm run test:browser): the packed library built with Vite, webpack and
// esbuild and run in headless Chromium (/usr/bin/chromium). Separate from `npm test`, which needs
// Node alone. One file, one worker: the pages run one after another on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.mjs'],
    testTimeout: 90_000,
    hookTimeout: 150_000,
    fileParallelism: false,
  },
});
