// The browser harness: pack the library as a user gets it, build consumer pages with real
// bundlers, serve them from 127.0.0.1 and run them in headless Chromium (the system's
// /usr/bin/chromium through playwright-core; nothing here downloads a browser).
//
// Used by the browser suite (test/browser/browser.test.mjs, `npm run test:browser`) and the
// browser benchmark (bench/browser.mjs, `npm run bench:browser`).
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** A hostname that Chromium resolves to 127.0.0.1 but does not treat as a secure context. */
export const INSECURE_HOST = 'insecure.test';
export const STRICT_CSP = "default-src 'self'";

/**
 * The environment a user's shell would give a tool: without what the test runner sets (vitest sets
 * NODE_ENV=test, VITEST, …, and a bundler run with NODE_ENV=test does not build as in production:
 * Vite then neither externalizes nor warns about Node built-ins).
 */
function cleanEnv(extra) {
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
  for (const k of Object.keys(env)) if (k === 'NODE_ENV' || k === 'TEST' || k.startsWith('VITEST')) delete env[k];
  return env;
}

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(cmd, args, options = {}) {
  return new Promise((resolvePromise) => {
    execFile(cmd, args, { maxBuffer: 1 << 26, ...options, env: cleanEnv(options.env) }, (error, stdout, stderr) => {
      resolvePromise({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        error,
      });
    });
  });
}

export function makeTempDir(prefix = 'keykit-browser-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The folder whose package is packed: the repository, or `KEYKIT_PACK_FROM` (e.g. a scratch copy
 * with a candidate fix) so that the same suite can be pointed at another build.
 */
export const packRoot = process.env.KEYKIT_PACK_FROM ? resolve(process.env.KEYKIT_PACK_FROM) : repoRoot;

/**
 * Packs the library (`npm pack`, whose `prepack` builds dist/) and installs the tarball into
 * `<dir>/node_modules/chat-keykit` as npm would: the tarball's files, and its dependencies next to
 * it. The dependencies are links into the repository's node_modules (installed from the lockfile
 * by `npm ci`), so nothing touches the network at test time. Consumer projects are then made as
 * subfolders of `dir`, where Node-style resolution finds `dir/node_modules`.
 * @returns {Promise<{ tarball: string, tarballBytes: number, files: string[] }>}
 */
export async function installPackedLibrary(dir, { from = packRoot } = {}) {
  // `prepack` builds dist/ afresh (clean + tsc) before packing.
  const p = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: from });
  if (p.code !== 0) throw new Error(`npm pack failed:\n${p.stdout}${p.stderr}`);
  const info = JSON.parse(p.stdout.slice(p.stdout.indexOf('[')))[0];
  const tarball = join(dir, info.filename);
  const modules = join(dir, 'node_modules');
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked, { recursive: true });
  const x = await run('tar', ['xzf', tarball, '-C', unpacked]);
  if (x.code !== 0) throw new Error(`tar failed: ${x.stderr}`);
  mkdirSync(modules, { recursive: true });
  cpSync(join(unpacked, 'package'), join(modules, 'chat-keykit'), { recursive: true });
  rmSync(unpacked, { recursive: true, force: true });
  const pkg = JSON.parse(readFileSync(join(modules, 'chat-keykit', 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const target = join(repoRoot, 'node_modules', dep);
    if (!existsSync(target)) throw new Error(`dependency ${dep} is not installed in ${repoRoot}/node_modules (run npm ci)`);
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(target, join(modules, dep), 'dir');
  }
  return { tarball, tarballBytes: statSync(tarball).size, files: info.files.map((f) => f.path) };
}

const PAGE_HTML = (script, module) =>
  `<!doctype html>\n<html>\n<head><meta charset="utf-8"><title>chat-keykit browser test</title></head>\n<body>\n<pre id="out">loading…</pre>\n<script ${module ? 'type="module" ' : 'defer '}src="${script}"></script>\n</body>\n</html>\n`;

/** Node built-ins a browser bundle must not pull in, and the words bundlers use for them. */
const NODE_BUILTIN_RE =
  /node:[a-z_/]+|externalized for browser compatibility|\b(?:crypto|os|worker_threads|fs|path|module|buffer)\b[^\n]*(?:built-?in|polyfill|fallback|browser)|UnhandledSchemeError|platform to "node"/i;

/** The lines of a bundler's output that are about Node built-ins. */
export function nodeBuiltinLines(text) {
  return text
    .split('\n')
    .filter((l) => NODE_BUILTIN_RE.test(l))
    .map((l) => l.trim())
    .filter(Boolean);
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ path: p.slice(dir.length + 1), bytes: statSync(p).size });
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * @typedef {object} BuildResult
 * @property {string} bundler
 * @property {boolean} ok           the bundler exited 0 and produced the page
 * @property {number} code          the bundler's exit code
 * @property {string} output        everything the bundler printed
 * @property {string[]} builtinLines lines of output about Node built-ins (warnings or errors)
 * @property {string} outDir        the folder to serve
 * @property {{ path: string, bytes: number }[]} files
 * @property {number} ms
 */

/** Consumer project folders: `<root>/<bundler>`, each with the shared page source. */
function consumer(root, bundler, entryPath, pageSource) {
  const dir = join(root, bundler);
  mkdirSync(dirname(join(dir, entryPath)), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${bundler}`, private: true, type: 'module', dependencies: { 'chat-keykit': '*' } }, null, 2),
  );
  cpSync(pageSource, join(dir, entryPath));
  return dir;
}

/** `vite build` with defaults: index.html at the project root loading the page as a module. */
export async function buildVite(root, pageSource) {
  const dir = consumer(root, 'vite', 'app.js', pageSource);
  writeFileSync(join(dir, 'index.html'), PAGE_HTML('/app.js', true));
  const t = performance.now();
  const r = await run(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: dir });
  return finish('vite', r, join(dir, 'dist'), t);
}

/** webpack 5, production mode and otherwise its defaults (entry ./src/index.js → dist/main.js). */
export async function buildWebpack(root, pageSource) {
  const dir = consumer(root, 'webpack', join('src', 'index.js'), pageSource);
  const script = join(dirname(fileURLToPath(import.meta.url)), 'webpack-build.cjs');
  const t = performance.now();
  const r = await run(process.execPath, [script, dir], { cwd: dir });
  const out = join(dir, 'dist');
  if (r.code === 0) writeFileSync(join(out, 'index.html'), PAGE_HTML('main.js', false));
  return finish('webpack', r, out, t);
}

/**
 * esbuild `--bundle --platform=browser` (plus `extra` flags): an IIFE loaded as a classic script,
 * or with `esm` an ES module (`--format=esm`) loaded as a module script.
 */
export async function buildEsbuild(root, pageSource, { name = 'esbuild', extra = [], esm = false } = {}) {
  const dir = consumer(root, name, 'app.js', pageSource);
  const t = performance.now();
  const r = await run(
    bin('esbuild'),
    ['app.js', '--bundle', '--platform=browser', ...(esm ? ['--format=esm'] : []), '--outdir=dist', ...extra],
    { cwd: dir },
  );
  const out = join(dir, 'dist');
  if (r.code === 0) writeFileSync(join(out, 'index.html'), PAGE_HTML('app.js', esm));
  return finish(name, r, out, t);
}

function finish(bundler, r, outDir, t) {
  const output = `${r.stdout}\n${r.stderr}`.trim();
  const files = listFiles(outDir);
  return {
    bundler,
    ok: r.code === 0 && files.some((f) => f.path === 'index.html'),
    code: r.code,
    output,
    builtinLines: nodeBuiltinLines(output),
    outDir,
    files,
    ms: Math.round(performance.now() - t),
  };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.css': 'text/css',
};

/**
 * A static file server on 127.0.0.1 (random free port) for one folder. An HTML page requested
 * with `?csp` in its query is sent with `Content-Security-Policy: default-src 'self'` (workers
 * and everything else the page starts inherit it). Records every path requested, and the bytes of
 * every file served.
 * @returns {Promise<{ port: number, url: (path?: string, host?: string) => string, requests: string[], served: { path: string, bytes: number }[], close: () => Promise<void> }>}
 */
export async function serveStatic(root) {
  const requests = [];
  const served = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root + sep) && path !== root) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path) && url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // browsers ask for it; no console error for a missing icon
      return;
    }
    if (!existsSync(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (url.searchParams.has('csp') && extname(path) === '.html') headers['content-security-policy'] = STRICT_CSP;
    const content = readFileSync(path);
    served.push({ path: url.pathname, bytes: content.length });
    res.writeHead(200, headers).end(content);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    url: (path = '/', host = '127.0.0.1') => `http://${host}:${port}${path}`,
    requests,
    served,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * Launches headless Chromium from the system's binary. Playwright gives it a fresh temporary
 * profile (`--user-data-dir`) and removes it on close; each page gets its own browser context.
 */
export async function launchChromium({ extraArgs = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
      ...extraArgs,
    ],
  });
  return { browser, version: browser.version(), close: () => browser.close() };
}

/**
 * Opens `url` in a new tab, waits for the page to publish `window.__keykit.done`, and returns its
 * state with everything observed: console messages, page errors, failed requests, and requests
 * for `node:` URLs (which a browser bundle must never make).
 */
export async function runPage(
  chromium,
  url,
  { timeoutMs = 60_000, readyExpression = '!!(globalThis.__keykit && globalThis.__keykit.done)', onConsole } = {},
) {
  const context = await chromium.browser.newContext();
  const page = await context.newPage();
  const console_ = [];
  const pageErrors = [];
  const requests = [];
  const failedRequests = [];
  page.on('console', (m) => {
    console_.push({ type: m.type(), text: m.text() });
    onConsole?.(m.type(), m.text());
  });
  page.on('pageerror', (e) =>
    pageErrors.push(
      String(e.stack || e.message || e)
        .split('\n')
        .slice(0, 4)
        .join('\n'),
    ),
  );
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.url()} HTTP ${r.status()}`);
  });
  const t = performance.now();
  let state;
  let timedOut = false;
  try {
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    // Polled from the driver (DevTools evaluation is not subject to the page's CSP; Playwright's
    // waitForFunction evaluates strings inside the page, which a strict CSP refuses as eval).
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate(readyExpression))) {
      if (Date.now() > deadline) throw new Error(`the page did not finish within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    state = await page.evaluate('globalThis.__keykit');
  } catch (e) {
    timedOut = true;
    state = await page.evaluate('globalThis.__keykit').catch(() => undefined);
    pageErrors.push(`driver: ${String(e.message || e).split('\n')[0]}`);
  }
  const ms = Math.round(performance.now() - t);
  await context.close();
  return {
    url,
    ms,
    timedOut,
    state,
    console: console_,
    consoleErrors: console_.filter((m) => m.type === 'error').map((m) => m.text),
    consoleWarnings: console_.filter((m) => m.type === 'warning').map((m) => m.text),
    pageErrors,
    failedRequests,
    nodeRequests: [...new Set(requests.filter((u) => u.startsWith('node:') || /\/node:/.test(u)))],
  };
}

/** The package a bundled input file belongs to (`chat-keykit`, `@noble/curves`, …). */
function packageOf(input) {
  const i = input.lastIndexOf('node_modules/');
  if (i < 0) return input;
  const parts = input.slice(i + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * The bundle-size build: esbuild `--bundle --minify --splitting --format=esm --platform=browser`
 * of a page importing only `generateIdentity`, `prepareGroupCreate` and `createGroupRequest`.
 * Code splitting, as Vite and webpack do by default: what only some pages need (Web Workers for
 * large groups, noble's AES-GCM where WebCrypto is missing) is a chunk loaded on first use.
 * Returns every output file's size and, from esbuild's metafile, the bytes each package contributes.
 */
export async function buildSizePage(root, entrySource, { name = 'size', extra = [] } = {}) {
  const dir = consumer(root, name, 'app.js', entrySource);
  const t = performance.now();
  const r = await run(
    bin('esbuild'),
    [
      'app.js',
      '--bundle',
      '--minify',
      '--splitting',
      '--format=esm',
      '--platform=browser',
      '--outdir=dist',
      '--metafile=meta.json',
      ...extra,
    ],
    { cwd: dir },
  );
  const out = join(dir, 'dist');
  if (r.code === 0) writeFileSync(join(out, 'index.html'), PAGE_HTML('app.js', true));
  const result = finish(name, r, out, t);
  if (!result.ok) return { ...result, bytes: null, packages: [], chunks: [] };
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const byPackage = new Map();
  const files = [];
  const chunks = [];
  for (const [path, o] of Object.entries(meta.outputs)) {
    if (path.endsWith('.js')) chunks.push({ file: path.slice('dist/'.length), bytes: o.bytes });
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
      const p = packageOf(input);
      byPackage.set(p, (byPackage.get(p) ?? 0) + bytesInOutput);
      files.push({ file: input.slice(input.lastIndexOf('node_modules/') + 13), bytes: bytesInOutput });
    }
  }
  const packages = [...byPackage].map(([pkg, b]) => ({ package: pkg, bytes: b })).sort((a, b) => b.bytes - a.bytes);
  const topFiles = files.sort((a, b) => b.bytes - a.bytes).slice(0, 15);
  return {
    ...result,
    bytes: chunks.reduce((a, c) => a + c.bytes, 0),
    chunks: chunks.sort((a, b) => b.bytes - a.bytes),
    packages,
    topFiles,
  };
}
