/**
 * The README is the front door: its commands exist and its example runs as written.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, vi } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('the quick-start commands are the package scripts and CI runs the README test command', () => {
  for (const cmd of ['npm ci', 'npm start', 'npm test', 'npm run test:conformance', 'npm run test:browser', 'npm run bench'])
    expect(readme).toContain(cmd);
  for (const script of ['start', 'test', 'test:conformance', 'test:browser', 'bench']) expect(pkg.scripts[script]).toBeTruthy();
  for (const section of ['## Quick start', '## X Chat messages', '## Web browsers', '## Sendbird', '## Command line', '## Security'])
    expect(readme).toContain(section);
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^npm ci$/m);
  expect(ci).toMatch(/^npm test$/m);
  expect(ci).toMatch(/npm run test:conformance/);
  expect(ci).toMatch(/npm run test:browser/);
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
  writeFileSync(
    file,
    code!.replace(/from 'chat-keykit(?:\/([a-z]+))?'/g, (_m, sub: string | undefined) => `from ${entry(sub ?? '')}`),
  );
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

test('the X Chat messages example runs as written: a group, a message and a photo sent by Alice, verified and decrypted by Bob', async () => {
  expect(await runExample('## X Chat messages', 'xchat-messages')).toEqual([
    [['111', '222'], true, 5109, { contentType: 'text', text: 'Dinner at 7?' }, 'beach.jpg', 5000, {}],
  ]);
});

test('the Sendbird example runs as written: bob reads alice’s text and her photo, from channel create to the decrypted file', async () => {
  expect(await runExample('## Sendbird', 'sendbird')).toEqual([['alice', 'Dinner at 7?', 'beach.jpg', 4, 2]]);
});

test("every example type-checks under the project's strict settings, as a TypeScript user would compile it", async () => {
  // The examples as the tests above wrote them (imports pointed at src/), compiled with tsconfig.check.json.
  for (const [section, name] of [
    ['## Using it', 'using-it'],
    ['## X Chat messages', 'xchat-messages'],
    ['## Sendbird', 'sendbird'],
  ] as const)
    await runExample(section, name);
  const dir = join(root, 'test', '.readme');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.check.json',
      include: ['./*.ts'],
      compilerOptions: { noEmit: true, allowImportingTsExtensions: true },
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let out = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? e);
  }
  expect(out).toBe('');
}, 120_000);
