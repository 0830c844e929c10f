import { fileURLToPath } from 'node:url';

const source = (file: string) => fileURLToPath(new URL(`./src/core/platform/${file}`, import.meta.url));

/**
 * The tests run the TypeScript sources on Node, so `#node-backend` and `#thread-pool` (package.json
 * `imports`, which point into dist/) are the Node platform's source files here.
 */
export const sourceAliases = {
  '#node-backend': source('node-backend.ts'),
  '#thread-pool': source('thread-pool.ts'),
};
