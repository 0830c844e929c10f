/**
 * The package a user installs: `npm pack` in a fresh copy of the repository (no dist/, so the
 * `prepack` build is what fills it) gives a tarball that installs and works from ES modules, from
 * CommonJS `require` (Node ≥ 20.19) and from TypeScript of either kind; it ships a LICENSE, its
 * vectors and source maps that carry their sources, and nothing else; `#node-backend` resolves to
 * node:crypto on Node and to the portable module under the `browser` condition; the bin's
 * `vectors verify` finds the vectors it ships; and the README's `npm start` redirect example
 * writes a body that parses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | { types: string; default: string }>;
  imports: Record<string, Record<string, string>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

let tmp: string;
let clone: string;
let app: string;
let installed: string;
let files: string[];

/** The repository's files as a fresh clone has them (tracked and new, not ignored): no dist/, no node_modules/. */
function copyRepository(to: string): void {
  const list = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of list) {
    if (!existsSync(join(root, f))) continue; // deleted in the work tree
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(root, f), join(to, f));
  }
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir');
}

const node = (args: string[], cwd = app) =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'keykit-pack-'));
  clone = join(tmp, 'clone');
  copyRepository(clone);
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  )[0];
  files = packed.files.map((f: { path: string }) => f.path).sort();
  // Installed as npm would: the tarball's package/ as node_modules/chat-keykit, its dependencies beside it.
  app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  execFileSync('tar', ['xzf', join(tmp, packed.filename), '-C', tmp]);
  installed = join(app, 'node_modules', pkg.name);
  cpSync(join(tmp, 'package'), installed, { recursive: true });
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { [pkg.name]: pkg.version } }));
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds dist/, the vectors, README.md, LICENSE and package.json, and nothing else', () => {
  const outside = files.filter((f) => !f.startsWith('dist/') && !/^vectors\/[a-z-]+\.json$/.test(f));
  expect(outside).toEqual(['LICENSE', 'README.md', 'package.json', 'vectors/README.md']);
  expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  for (const v of readdirSync(join(root, 'vectors'))) expect(files).toContain(`vectors/${v}`);
  // Every entry point and every `imports` target is in it, with types for the entries.
  for (const target of Object.values(pkg.exports)) {
    if (typeof target === 'string') continue;
    expect(files).toContain(target.types.slice(2));
    expect(files).toContain(target.default.slice(2));
  }
  for (const targets of Object.values(pkg.imports)) for (const target of Object.values(targets)) expect(files).toContain(target.slice(2));
  expect(files).toContain(pkg.bin['chat-keykit']);
  // No sources (the maps embed them), no tests, no fixtures.
  expect(files.filter((f) => /\/test\/|\.test\.|(?<!\.d)\.ts$/.test(f))).toEqual([]);
});

test('source maps ship with their sources: every map embeds the content of each source, and every map a file names is there', () => {
  const maps = files.filter((f) => f.endsWith('.map'));
  expect(maps.length).toBeGreaterThan(0);
  for (const m of maps) {
    const map = JSON.parse(readFileSync(join(installed, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    expect(map.sourcesContent?.length, m).toBe(map.sources.length);
    expect(
      map.sourcesContent!.every((c) => typeof c === 'string' && c.length > 0),
      m,
    ).toBe(true);
  }
  for (const js of files.filter((f) => f.endsWith('.js'))) {
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, js), 'utf8'))?.[1];
    if (ref) expect(files, js).toContain(join(dirname(js), ref));
  }
});

const USE = `generateIdentity().then(async (id) => { const { resolveBackend } = BACKENDS; console.log(id.identityPublicKey.length, (await resolveBackend()).name); });`;

test('ES modules import it; Node resolves #node-backend to node:crypto, and under the browser condition to the portable module', () => {
  const esm = `import { generateIdentity } from 'chat-keykit'; import * as BACKENDS from 'chat-keykit/backends'; ${USE}`;
  writeFileSync(join(app, 'esm.mjs'), esm);
  const r = node(['esm.mjs']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('65 node\n');
  // `browser` comes before `node`: a bundler that sets both (an Electron renderer) gets the portable platform.
  const b = node(['--conditions=browser', 'esm.mjs']);
  expect(b.stdout).toBe('65 webcrypto\n');
});

test('CommonJS require() loads it (Node ≥ 20.19 requires ES modules), every entry point', () => {
  const cjs = `const { generateIdentity } = require('chat-keykit'); const BACKENDS = require('chat-keykit/backends');
for (const e of ['sendbird', 'wire', 'testing']) if (Object.keys(require('chat-keykit/' + e)).length === 0) throw new Error(e);
${USE}`;
  writeFileSync(join(app, 'cjs.cjs'), cjs);
  const r = node(['--no-warnings', 'cjs.cjs']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('65 node\n');
});

test('the types agree: TypeScript (module nodenext) type-checks an ES module and a CommonJS consumer against the published .d.ts files', () => {
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['use.mts', 'use.cts'],
    }),
  );
  writeFileSync(
    join(app, 'use.mts'),
    `import { generateIdentity, type Identity } from 'chat-keykit';\nimport { runtimeReport } from 'chat-keykit/backends';\nexport const id: Promise<Identity> = generateIdentity();\nexport const where: Promise<'threads' | 'web-workers' | 'main-thread'> = runtimeReport().then((r) => r.workers);\n`,
  );
  writeFileSync(
    join(app, 'use.cts'),
    `import keykit = require('chat-keykit');\nimport sendbird = require('chat-keykit/sendbird');\nexport const id: Promise<keykit.Identity> = keykit.generateIdentity();\nexport const open = sendbird.openSendbirdChannelKey;\n`,
  );
  const r = node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('the installed bin verifies the vectors it ships, and says where they are', () => {
  const r = node([join(installed, pkg.bin['chat-keykit']!), 'vectors', 'verify']);
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).directory).toBe(join(installed, 'vectors'));
  expect(r.stderr).toMatch(new RegExp(`^verifying the vectors in ${join(installed, 'vectors')}\\nOK: \\d+ checks, 0 failures\\n$`));
});

test("the README's `npm start` redirect example, run as written in a fresh copy, writes a body that parses", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/^(npm start\b[^\n#]*>\s*(\S+))/gm)];
  expect(examples.map((m) => m[1]!.trim())).toEqual(['npm start --silent > body.json']);
  const [, command, out] = examples[0]!;
  const r = spawnSync('sh', ['-c', command!], { cwd: clone, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const body = JSON.parse(readFileSync(join(clone, out!), 'utf8'));
  expect(body.group_members).toEqual(['111', '222', '333', '444']);
  expect(r.stderr).toMatch(/verdict: VALID/);
}, 120_000);
