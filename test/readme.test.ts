/**
 * The README is the front door: its commands exist and its example runs as written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, vi } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('the quick-start commands are the package scripts and CI runs the README test command', () => {
  for (const cmd of ['npm ci', 'npm start', 'npm test', 'npm run test:conformance']) expect(readme).toContain(cmd);
  for (const script of ['start', 'test', 'test:conformance']) expect(pkg.scripts[script]).toBeTruthy();
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^npm ci$/m);
  expect(ci).toMatch(/^npm test$/m);
  expect(ci).toMatch(/npm run test:conformance/);
});

/** Runs the first TypeScript block of a README section and returns what it logged. */
async function runExample(section: string, name: string): Promise<unknown[][]> {
  const from = readme.indexOf(section);
  expect(from, section).toBeGreaterThanOrEqual(0);
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(from))?.[1];
  expect(code).toBeTruthy();
  const dir = join(root, 'test', '.readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  const entry = (sub: string) => JSON.stringify(join(root, 'src', `${sub || 'index'}.ts`));
  writeFileSync(file, code!.replace(/from 'chat-keykit(?:\/([a-z]+))?'/g, (_m, sub: string | undefined) => `from ${entry(sub ?? '')}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls;
  } finally {
    log.mockRestore();
  }
}

test('the "Using it" example runs as written and prints a valid verdict', async () => {
  expect(await runExample('## Using it', 'using-it')).toEqual([['verified', []]]);
});

test('the Sendbird example runs as written: bob reads alice’s text and her photo, from channel create to the decrypted file', async () => {
  expect(await runExample('## Sendbird', 'sendbird')).toEqual([['alice', 'Dinner at 7?', 'beach.jpg', 4, 2]]);
});
