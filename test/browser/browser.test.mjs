/**
 * The browser suite (`npm run test:browser`): chat-keykit as a web app gets it.
 *
 * The library is packed (`npm pack`, whose prepack builds it), installed into consumer projects, and one shared
 * page (test/browser/page/app.js) is built with Vite, webpack and esbuild. Each page is served
 * from 127.0.0.1 and run in headless Chromium three ways:
 *   - secure: http://127.0.0.1 (a secure context, crypto.subtle present);
 *   - csp:    the same with `Content-Security-Policy: default-src 'self'`;
 *   - insecure: http://insecure.test (mapped to 127.0.0.1 by --host-resolver-rules; not a secure
 *     context, so no crypto.subtle).
 * The page's message layer reads inputs made in Node by the library and the official SDK
 * (fixtures.mjs, served as fixtures.json), and what it encrypts is decrypted here by the SDK.
 * Every check names the bundler and the variant, and lists what failed. A bundle-size check
 * builds a three-function page with esbuild (--minify --splitting), runs it, and counts the
 * JavaScript it loads. docs/browser.md §"Testing in a browser" lists every check.
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH). KEYKIT_PACK_FROM=<dir> packs another copy of the
 * library (e.g. a candidate fix); KEYKIT_BROWSER_KEEP=1 keeps the temporary projects.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deliver, loadSdk, pattern, suiteFixtures } from './fixtures.mjs';
import * as h from './harness.mjs';

const PAGE = join(import.meta.dirname, 'page', 'app.js');
const SIZE_ENTRY = join(import.meta.dirname, 'page', 'size-entry.js');
const SIZE_LIMIT = 100_000; // bytes of minified JavaScript (not gzipped) the size page loads
const SIZE_LIMIT_ALL = 110_000; // bytes of every chunk of the size page, loaded or not
const LARGE = 300; // the page's large group (Web Workers from 256 members with webcrypto)
const BUNDLERS = ['vite', 'webpack', 'esbuild'];
const VARIANTS = {
  secure: (s) => s.url('/'),
  csp: (s) => s.url('/?csp'),
  insecure: (s) => s.url('/', h.INSECURE_HOST),
};
/** chat-keykit's own console warnings (degraded.ts): one per cause per page. */
const KEYKIT_WARNING = /^chat-keykit: /;
const WARNINGS = {
  'web-workers-blocked': /^chat-keykit: Web Workers could not start .*Content Security Policy without worker-src blob:.*calling thread/,
  'webcrypto-unavailable': /^chat-keykit: crypto\.subtle is not available because this page is not a secure context .*noble backend/,
};
/**
 * Chromium's own report of a refused blob: worker (a console error it prints, not the page): the
 * one CSP refusal a library that tries Web Workers and falls back cannot avoid. Any other CSP
 * violation (eval, inline script, another origin) still fails the check.
 */
const CSP_WORKER_REPORT = /^Creating a worker from 'blob:[^']*' violates the following Content Security Policy directive/;

const REPORT_DIR = join(h.repoRoot, 'test', '.browser');
let tmp;
let chromium;
let packed;
const builds = {};
const servers = {};
const pageRuns = {};
let size;
let sizeDiagnostic;
let sizeRun;
/** The message layer's inputs (fixtures.json, next to every page) and what the Node side needs to read the pages' outputs. */
let suite;
let wire;

const phases = {};
const suiteStart = performance.now();
const phase = async (name, fn) => {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    phases[name] = Math.round(performance.now() - t);
  }
};

beforeAll(async () => {
  tmp = h.makeTempDir();
  packed = await phase('npm pack (prepack builds)', () => h.installPackedLibrary(tmp));
  const [vite, webpack, esbuild, sizeBuild] = await phase('bundlers (in parallel)', () =>
    Promise.all([h.buildVite(tmp, PAGE), h.buildWebpack(tmp, PAGE), h.buildEsbuild(tmp, PAGE), h.buildSizePage(tmp, SIZE_ENTRY)]),
  );
  Object.assign(builds, { vite, webpack, esbuild });
  size = sizeBuild;
  // When the size build fails today, measure what it would be with Node built-ins left out, so
  // that the failure still says how large the bundle is and what dominates it.
  if (!size.ok) sizeDiagnostic = await h.buildSizePage(tmp, SIZE_ENTRY, { name: 'size-external-node', extra: ['--external:node:*'] });
  suite = await phase('message-layer fixtures (packed library and official SDK, in Node)', async () => {
    const dist = join(tmp, 'node_modules', 'chat-keykit', 'dist');
    const kit = await import(pathToFileURL(join(dist, 'index.js')).href);
    wire = await import(pathToFileURL(join(dist, 'wire.js')).href);
    return suiteFixtures(kit, wire, await loadSdk());
  });
  for (const b of BUNDLERS) if (builds[b].ok) writeFileSync(join(builds[b].outDir, 'fixtures.json'), JSON.stringify(suite.fixtures));
  chromium = await phase('launch Chromium', () => h.launchChromium());
  for (const b of BUNDLERS) if (builds[b].ok) servers[b] = await h.serveStatic(builds[b].outDir);
  if (size.ok) {
    const server = await h.serveStatic(size.outDir);
    try {
      const r = await h.runPage(chromium, server.url('/'), { timeoutMs: 30_000 });
      sizeRun = { ...r, served: server.served };
    } finally {
      await server.close();
    }
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await chromium?.close();
  await writeReport();
  if (tmp && !process.env.KEYKIT_BROWSER_KEEP) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept the consumer projects in ${tmp}`);
});

/** Runs a page once (the three variants of a bundler share nothing but the build). */
function pageRun(bundler, variant) {
  const key = `${bundler}/${variant}`;
  pageRuns[key] ??= h.runPage(chromium, VARIANTS[variant](servers[bundler]), { timeoutMs: 60_000 });
  return pageRuns[key];
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

/** Problems every page run must not have; `allowWorkerCsp` exempts refused blob: workers. */
function pageProblems(r, { allowWorkerCsp = false } = {}) {
  const p = [];
  if (r.timedOut) p.push(`did not finish: ${r.pageErrors.at(-1)}`);
  for (const e of r.consoleErrors) if (!(allowWorkerCsp && CSP_WORKER_REPORT.test(e))) p.push(`console error: ${e}`);
  for (const v of r.state?.result?.seen?.cspViolations ?? []) {
    if (!(allowWorkerCsp && v.directive === 'worker-src' && v.blockedURI === 'blob'))
      p.push(`CSP violation: ${v.directive} blocked ${v.blockedURI}`);
  }
  for (const e of r.pageErrors) if (!e.startsWith('driver:')) p.push(`page error: ${e}`);
  for (const u of r.nodeRequests) p.push(`requested a node: URL: ${u}`);
  for (const u of r.failedRequests) p.push(`failed request: ${u}`);
  if (r.state?.fatal) p.push(`page script threw: ${r.state.fatal.message}`);
  return p;
}

function steps(r) {
  return r.state?.result?.steps ?? [];
}

function stepProblems(r, filter = () => true) {
  return (
    steps(r)
      .filter((s) => !s.ok && filter(s))
      // The error code, else the class name (which minifiers may have shortened to a letter).
      .map((s) => `step "${s.name}" failed: ${s.error?.code ?? s.error?.name ?? 'Error'}: ${s.error?.message}`)
  );
}

const largeStep = (r) => steps(r).find((s) => s.name.startsWith(`prepareGroupCreate ${LARGE} `));
/** The prepare steps of small groups (4 to 6 members, below every worker threshold). */
const smallSteps = (r) => steps(r).filter((s) => s.ok && /^prepare(GroupCreate 4|ConversationKeyChange|GroupMembersChange)/.test(s.name));

/** What runtimeReport() said on the page, against what it must say. */
function runtimeProblems(r, expected) {
  const got = r.state?.result?.runtime;
  if (!got) return ['runtimeReport() gave nothing'];
  const reasons = (got.degraded ?? []).map((d) => d.reason);
  const p = [];
  if (
    got.backend !== expected.backend ||
    got.workers !== expected.workers ||
    JSON.stringify(reasons) !== JSON.stringify(expected.degraded)
  ) {
    p.push(
      `runtimeReport() is ${JSON.stringify({ backend: got.backend, workers: got.workers, degraded: reasons })}, expected ${JSON.stringify(expected)}`,
    );
  }
  for (const d of got.degraded ?? [])
    if (typeof d.message !== 'string' || d.message.length < 20) p.push(`runtimeReport().degraded has no message for ${d.reason}`);
  return p;
}

/** chat-keykit's console warnings: exactly one per expected cause, matching its text, and no other. */
function warningProblems(r, causes) {
  const ours = r.consoleWarnings.filter((w) => KEYKIT_WARNING.test(w));
  const p = [];
  for (const c of causes)
    if (ours.filter((w) => WARNINGS[c].test(w)).length !== 1)
      p.push(`expected exactly one console warning for ${c} matching ${WARNINGS[c]}, got ${JSON.stringify(ours)}`);
  if (ours.length !== causes.length) p.push(`expected ${causes.length} chat-keykit warning(s), got ${JSON.stringify(ours)}`);
  return p;
}

/** The common part of every page check: built, served, ran; returns the run or the problems. */
async function runChecked(bundler, variant) {
  if (!builds[bundler].ok)
    return {
      problems: [`${bundler} did not build (see the build check): ${builds[bundler].builtinLines[0] ?? `exit ${builds[bundler].code}`}`],
    };
  return { run: await pageRun(bundler, variant), problems: [] };
}

function expectNoProblems(label, problems) {
  expect(
    problems.map((p) => `${label}: ${p}`),
    `${label}: ${problems.length} problem(s)`,
  ).toEqual([]);
}

/**
 * What the official SDK makes of a page's outputs (`result.outputs`): each message delivered (in
 * Node, by the packed wire module) and decrypted by the SDK as member 333 with `decryptEvent`,
 * verified and with the content the page meant; each metadata ciphertext decrypted by the SDK's
 * `decrypt`; each media ciphertext by its `decryptStream`, to the test file's bytes.
 */
function outputProblems(out) {
  const p = [];
  const { fixtures, key, version, peer, signingKeys } = suite;
  const keys = { [version]: Uint8Array.from(key) };
  for (const backend of out.backends) {
    const sent = out.messages?.[backend] ?? [];
    if (sent.length !== 4) p.push(`${backend}: ${sent.length} messages, expected 4 (text, reply, edit, reaction)`);
    for (const m of sent) {
      let got;
      try {
        got = peer.chat.decryptEvent(deliver(wire, m.sent, { sequenceId: m.sequenceId, senderId: '222' }), keys, signingKeys);
      } catch (e) {
        p.push(`${backend} ${m.kind}: the SDK refused it: ${e?.message ?? e}`);
        continue;
      }
      const c = got.content ?? {};
      const want = {
        text: { content_type: 'text', text: m.text },
        reply: { content_type: 'text', text: `a reply, ${backend}` },
        edit: { content_type: 'edit', new_text: `${m.text}, edited` },
        reaction: { content_type: 'reaction', emoji: '👍', target_message_id: '2' },
      }[m.kind];
      if (got.verified !== true || got.senderId !== '222') p.push(`${backend} ${m.kind}: verified ${got.verified}, sender ${got.senderId}`);
      for (const [k, v] of Object.entries(want ?? {}))
        if (c[k] !== v) p.push(`${backend} ${m.kind}: the SDK reads content.${k} ${JSON.stringify(c[k])}, expected ${JSON.stringify(v)}`);
      if (m.kind === 'reply' && c.replying_to_preview?.messageText !== 'hello from the SDK')
        p.push(`${backend} reply: the SDK reads the preview ${JSON.stringify(c.replying_to_preview)}`);
    }
    const metadata = out.metadata?.[backend];
    let text;
    try {
      text = peer.chat.decrypt(metadata, Uint8Array.from(key));
    } catch (e) {
      text = `(refused: ${e?.message ?? e})`;
    }
    if (text !== fixtures.metadata.text) p.push(`${backend} metadata: the SDK decrypts it to ${JSON.stringify(text)}`);
    const media = out.media?.[backend] ?? [];
    if (media.length !== fixtures.media.length) p.push(`${backend}: ${media.length} media sizes, expected ${fixtures.media.length}`);
    for (const m of media)
      for (const form of ['oneShot', 'incremental', 'webStreams']) {
        let plain;
        try {
          plain = peer.chat.decryptStream(Uint8Array.from(Buffer.from(m[form], 'base64')), Uint8Array.from(key));
        } catch (e) {
          p.push(`${backend} media ${m.size} bytes, ${form}: the SDK refused it: ${e?.message ?? e}`);
          continue;
        }
        if (!Buffer.from(plain).equals(Buffer.from(pattern(m.size))))
          p.push(`${backend} media ${m.size} bytes, ${form}: the SDK decrypts it to other bytes (${plain.length})`);
      }
  }
  return p;
}

describe.each(BUNDLERS)('%s', (bundler) => {
  test(`${bundler}: builds without errors and without warnings about Node built-ins`, () => {
    const b = builds[bundler];
    const problems = [];
    if (b.code !== 0) problems.push(`the build failed (exit ${b.code})`);
    else if (!b.ok) problems.push('the build produced no page');
    for (const l of b.builtinLines) problems.push(`output: ${l}`);
    if (b.code !== 0 && b.builtinLines.length === 0) problems.push(`output: ${b.output.split('\n').slice(0, 12).join(' / ')}`);
    expectNoProblems(`${bundler} build`, problems);
  });

  test(`${bundler}: secure context (http://127.0.0.1): no errors, webcrypto backend, every API step valid, Web Workers for ${LARGE} members`, async () => {
    const { run, problems } = await runChecked(bundler, 'secure');
    if (run) {
      const env = run.state?.result?.env;
      if (env && env.isSecureContext !== true) problems.push('harness: the page is not a secure context');
      problems.push(...pageProblems(run));
      const backend = run.state?.result?.backend;
      if (backend !== 'webcrypto') problems.push(`resolveBackend() is "${backend}", expected "webcrypto"`);
      problems.push(...stepProblems(run));
      const large = largeStep(run);
      if (large?.ok) {
        if (!(large.details.workersStarted > 0)) problems.push(`the ${LARGE}-member group create started no Web Worker`);
        const w = large.details.wrapping;
        if (w?.backend !== 'webcrypto' || w?.workers !== 'web-workers' || !(w?.workerCount >= 2) || 'fallback' in w)
          problems.push(`prepared.wrapping of the ${LARGE}-member group is ${JSON.stringify(w)}, expected web-workers without a fallback`);
      }
      for (const s of smallSteps(run))
        if (s.details?.wrapping?.workers !== 'main-thread' || 'fallback' in (s.details?.wrapping ?? {}))
          problems.push(`${s.name}: prepared.wrapping ${JSON.stringify(s.details?.wrapping)}, expected main-thread`);
      problems.push(...runtimeProblems(run, { backend: 'webcrypto', workers: 'web-workers', degraded: [] }));
      problems.push(...warningProblems(run, []));
    }
    expectNoProblems(`${bundler}/secure`, problems);
  });

  test(`${bundler}: strict CSP (default-src 'self'): the ${LARGE}-member group create succeeds on the calling thread, and says so`, async () => {
    const { run, problems } = await runChecked(bundler, 'csp');
    if (run) {
      problems.push(...pageProblems(run, { allowWorkerCsp: true }));
      problems.push(...stepProblems(run));
      const large = largeStep(run);
      if (!large) problems.push(`the ${LARGE}-member group create did not run`);
      else if (large.ok) {
        const w = large.details.wrapping;
        if (w?.workers !== 'main-thread' || w?.fallback !== 'web-workers-blocked')
          problems.push(
            `prepared.wrapping of the ${LARGE}-member group is ${JSON.stringify(w)}, expected main-thread with fallback web-workers-blocked`,
          );
      }
      problems.push(...runtimeProblems(run, { backend: 'webcrypto', workers: 'main-thread', degraded: ['web-workers-blocked'] }));
      problems.push(...warningProblems(run, ['web-workers-blocked']));
      const seen = run.state?.result?.seen;
      console.log(
        `${bundler}/csp: workers created ${seen?.workersCreated}, constructor errors ${seen?.workerConstructorErrors?.length}, error events ${seen?.workerErrorEvents}; CSP violations ${JSON.stringify(seen?.cspViolations)}`,
      );
    }
    expectNoProblems(`${bundler}/csp`, problems);
  });

  test(`${bundler}: insecure origin (http://${h.INSECURE_HOST}, no crypto.subtle): every step works on noble, and the fallback is said`, async () => {
    const { run, problems } = await runChecked(bundler, 'insecure');
    if (run) {
      const env = run.state?.result?.env;
      if (env && (env.isSecureContext !== false || env.subtle !== 'undefined'))
        problems.push(`harness: expected an insecure context without crypto.subtle, got ${JSON.stringify(env)}`);
      problems.push(...pageProblems(run));
      problems.push(...stepProblems(run));
      const backend = run.state?.result?.backend;
      if (backend !== 'noble') problems.push(`resolveBackend() is "${backend}", expected "noble"`);
      const w = largeStep(run)?.details?.wrapping;
      if (w && (w.backend !== 'noble' || w.workers !== 'main-thread' || 'fallback' in w))
        problems.push(`prepared.wrapping of the ${LARGE}-member group is ${JSON.stringify(w)}, expected noble on the main thread`);
      problems.push(...runtimeProblems(run, { backend: 'noble', workers: 'main-thread', degraded: ['webcrypto-unavailable'] }));
      problems.push(...warningProblems(run, ['webcrypto-unavailable']));
    }
    expectNoProblems(`${bundler}/insecure`, problems);
  });

  test(`${bundler}: what the page encrypted (messages, a reply, an edit, a reaction, metadata, media in three forms) decrypts in Node with the official SDK, in every variant`, async () => {
    const problems = [];
    for (const variant of Object.keys(VARIANTS)) {
      const { run, problems: p } = await runChecked(bundler, variant);
      if (!run) {
        problems.push(...p);
        break;
      }
      const out = run.state?.result?.outputs;
      const expected = variant === 'insecure' ? ['noble'] : ['webcrypto', 'noble'];
      if (JSON.stringify(out?.backends) !== JSON.stringify(expected)) {
        problems.push(
          `${variant}: the page's message layer ran with ${JSON.stringify(out?.backends)}, expected ${JSON.stringify(expected)}`,
        );
        continue;
      }
      problems.push(...outputProblems(out).map((x) => `${variant}: ${x}`));
    }
    expectNoProblems(`${bundler} message layer`, problems);
  });
});

test(`bundle size: a page with generateIdentity + prepareGroupCreate + createGroupRequest (esbuild --bundle --minify --splitting --platform=browser) loads under ${kB(SIZE_LIMIT)} of JavaScript to create a group`, () => {
  const problems = [];
  const show = (s) =>
    `${s.packages.map((p) => `${p.package} ${kB(p.bytes)}`).join(', ')}; largest files: ${s.topFiles
      .slice(0, 6)
      .map((f) => `${f.file} ${kB(f.bytes)}`)
      .join(', ')}`;
  if (!size.ok) {
    problems.push(
      `esbuild failed (exit ${size.code}): ${size.builtinLines.filter((l) => l.includes('ERROR')).join(' / ') || size.output.split('\n')[0]}`,
    );
    if (sizeDiagnostic?.ok) problems.push(`with --external:node:* it would be ${kB(sizeDiagnostic.bytes)}: ${show(sizeDiagnostic)}`);
  } else {
    for (const l of size.builtinLines) problems.push(`output: ${l}`);
    problems.push(...pageProblems(sizeRun));
    if (sizeRun.state?.result?.members !== 3) problems.push(`the size page did not create its group: ${JSON.stringify(sizeRun.state)}`);
    const loaded = sizeRun.served.filter((f) => f.path.endsWith('.js'));
    const loadedBytes = loaded.reduce((a, f) => a + f.bytes, 0);
    const lazy = size.chunks.filter((c) => !loaded.some((f) => f.path === `/${c.file}`));
    console.log(
      `bundle size: the page loads ${kB(loadedBytes)} of JavaScript (${loaded.map((f) => `${f.path.slice(1)} ${kB(f.bytes)}`).join(', ')}); ` +
        `not loaded: ${lazy.map((c) => `${c.file} ${kB(c.bytes)}`).join(', ') || 'none'}; all chunks ${kB(size.bytes)} (${show(size)})`,
    );
    if (loadedBytes >= SIZE_LIMIT)
      problems.push(`the page loads ${kB(loadedBytes)} of minified JavaScript, limit ${kB(SIZE_LIMIT)}: ${show(size)}`);
    if (size.bytes >= SIZE_LIMIT_ALL)
      problems.push(`all chunks together are ${kB(size.bytes)}, limit ${kB(SIZE_LIMIT_ALL)}: ${show(size)}`);
  }
  expectNoProblems('bundle size', problems);
});

/** A compact summary on the console, and everything observed in test/.browser/report.json. */
function writeReport() {
  phases['suite so far (builds, pages)'] = Math.round(performance.now() - suiteStart);
  const summary = {
    chromium: chromium?.version,
    phasesMs: phases,
    packed: packed && { bytes: packed.tarballBytes, files: packed.files.length },
    builds: {},
    pages: {},
    size: {},
  };
  for (const b of BUNDLERS) {
    const x = builds[b];
    if (x) summary.builds[b] = { ok: x.ok, ms: x.ms, builtinLines: x.builtinLines.length, bytes: x.files.reduce((a, f) => a + f.bytes, 0) };
  }
  const all = {};
  return Promise.all(Object.entries(pageRuns).map(async ([k, p]) => [k, await p])).then((entries) => {
    for (const [k, r] of entries) {
      all[k] = r;
      summary.pages[k] = {
        ms: r.ms,
        backend: r.state?.result?.backend,
        failedSteps: steps(r)
          .filter((s) => !s.ok)
          .map((s) => s.name),
        largeGroupMs: largeStep(r)?.details?.prepareMs,
        workers: r.state?.result?.seen?.workersCreated,
        consoleErrors: r.consoleErrors.length,
      };
    }
    for (const [k, s] of [
      ['size', size],
      ['size with --external:node:*', sizeDiagnostic],
    ])
      if (s) summary.size[k] = { ok: s.ok, bytes: s.bytes, chunks: s.chunks, packages: s.packages };
    if (sizeRun) summary.size.loaded = sizeRun.served.filter((f) => f.path.endsWith('.js'));
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, 'report.json'), JSON.stringify({ summary, builds, pages: all, size, sizeDiagnostic }, null, 2));
    console.log(`browser suite summary (full report: test/.browser/report.json):\n${JSON.stringify(summary, null, 1)}`);
  });
}
