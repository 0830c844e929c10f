/**
 * The Sendbird section written for the README (docs/sendbird-readme-section.md): its example runs
 * as written, from channel create to an encrypted photo, the way test/readme.test.ts runs the
 * README's examples.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, vi } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');

test('the example runs as written: bob reads alice’s text and her photo', async () => {
  const section = readFileSync(join(root, 'docs', 'sendbird-readme-section.md'), 'utf8');
  expect(section).toMatch(/^## Sendbird$/m);
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeTruthy();
  const dir = join(root, 'test', '.readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `sendbird-section-${process.pid}.ts`);
  const entry = (sub: string) => JSON.stringify(join(root, 'src', `${sub || 'index'}.ts`));
  writeFileSync(file, code!.replace(/from 'chat-keykit(?:\/([a-z]+))?'/g, (_m, sub: string | undefined) => `from ${entry(sub ?? '')}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(pathToFileURL(file).href);
    expect(log.mock.calls).toEqual([['alice', 'Dinner at 7?', 'beach.jpg', 4, 2]]);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
});
