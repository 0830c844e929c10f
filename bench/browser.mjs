// npm run bench:browser: prepareGroupCreate for 100, 1,000 and 10,000 members in headless
// Chromium, with chat-keykit's webcrypto backend on Web Workers, webcrypto on the main thread
// ({ workers: 0 }) and noble, against the official SDK's WASM build (@xdevplatform/chat-xdk,
// pkg/chat_xdk_wasm.js + .wasm) loaded in the same page. Prints a table of medians and ratios to
// the SDK, with the machine and the Chromium version.
//
//   node bench/browser.mjs [--members 100,1000,10000] [--impls sdk,webcrypto-workers,webcrypto,noble]
//
// The library is packed as for the browser suite (npm pack, whose prepack builds it), and the page
// (bench/browser-page.js) is bundled with esbuild at its defaults for a browser, as an ES module
// (--bundle --platform=browser --format=esm).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as h from '../test/browser/harness.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const members = arg('members', '100,1000,10000').split(',').map(Number);
const impls = arg('impls', 'sdk,webcrypto-workers,webcrypto,noble').split(',');
const VERSION = '1700000000000';
const here = dirname(fileURLToPath(import.meta.url));
const log = (s) => process.stderr.write(`${s}\n`);

const tmp = h.makeTempDir('keykit-bench-browser-');
let server;
let chromium;
try {
  log('building and packing the library …');
  await h.installPackedLibrary(tmp);
  const build = await h.buildEsbuild(tmp, join(here, 'browser-page.js'), { name: 'bench', esm: true });
  if (!build.ok) throw new Error(`esbuild failed to build the bench page:\n${build.output}`);

  // The official SDK's browser build, served next to the page.
  const require = createRequire(import.meta.url);
  const sdkRoot = dirname(require.resolve('@xdevplatform/chat-xdk'));
  const sdkVersion = JSON.parse(readFileSync(join(sdkRoot, 'package.json'), 'utf8')).version;
  mkdirSync(join(build.outDir, 'sdk'), { recursive: true });
  for (const f of ['chat_xdk_wasm.js', 'chat_xdk_wasm_bg.wasm']) copyFileSync(join(sdkRoot, 'pkg', f), join(build.outDir, 'sdk', f));

  // Inputs, made in Node with the packed library: n members' SPKI identity keys, as the X API serves them.
  const max = Math.max(...members);
  log(`generating ${max} identities in Node …`);
  const kit = await import(pathToFileURL(join(tmp, 'node_modules', 'chat-keykit', 'dist', 'index.js')).href);
  const wire = await import(pathToFileURL(join(tmp, 'node_modules', 'chat-keykit', 'dist', 'wire.js')).href);
  const ids = Array.from({ length: max }, (_, i) => String(1_000_000 + i));
  const publicKeys = [];
  let creatorBlob;
  for (let i = 0; i < max; i++) {
    const id = await kit.generateIdentity({ backend: 'node' });
    if (i === 0) creatorBlob = wire.encodeBase64(kit.exportPrivateKeys(id));
    publicKeys.push(wire.encodeBase64(wire.sec1ToSpki(id.identityPublicKey)));
  }
  writeFileSync(join(build.outDir, 'keys.json'), JSON.stringify({ version: VERSION, ids, publicKeys, creatorBlob }));
  writeFileSync(join(build.outDir, 'plan.json'), JSON.stringify({ members, impls }));

  server = await h.serveStatic(build.outDir);
  chromium = await h.launchChromium({ extraArgs: ['--js-flags=--expose-gc'] });
  log(`running in Chromium ${chromium.version} …`);
  const run = await h.runPage(chromium, server.url('/'), {
    timeoutMs: 30 * 60_000,
    onConsole: (type, text) =>
      text.startsWith('bench:') ? log(`  ${text.slice(7)}`) : type === 'error' && log(`  console error: ${text}`),
  });
  if (run.state?.fatal) throw new Error(`the bench page failed: ${run.state.fatal.message}\n${run.state.fatal.stack}`);
  if (!run.state?.done) throw new Error(`the bench page did not finish: ${run.pageErrors.join('; ')}`);
  const { results, env } = run.state.result;

  const cpu = cpus()[0];
  console.log(`chat-keykit browser bench: prepareGroupCreate, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(
    `browser: headless Chromium ${chromium.version} (navigator.hardwareConcurrency ${env.hardwareConcurrency}, gc between runs: ${env.gc}); official SDK @xdevplatform/chat-xdk ${sdkVersion} (WASM) in the same page`,
  );
  const label = {
    sdk: 'official SDK (WASM)',
    'webcrypto-workers': 'webcrypto, Web Workers (pool up)',
    webcrypto: 'webcrypto, main thread (workers: 0)',
    noble: 'noble',
  };
  const rows = results.map((r) => {
    const sdk = results.find((x) => x.impl === 'sdk' && x.members === r.members);
    return {
      members: r.members,
      impl: label[r.impl] ?? r.impl,
      'ms (median)': r.ms.toFixed(0),
      'min–max': `${r.min.toFixed(0)}–${r.max.toFixed(0)}`,
      runs: r.runs,
      'ms/member': (r.ms / r.members).toFixed(3),
      'vs SDK': sdk ? `${(sdk.ms / r.ms).toFixed(2)}x` : '-',
      'vs SDK, best runs': sdk && r.runs > 1 ? `${(sdk.min / r.min).toFixed(2)}x` : '-',
      'worker jobs/run': r.workerJobsPerRun,
      wrapping: r.wrapping ? `${r.wrapping.workers}${r.wrapping.workerCount ? ` ×${r.wrapping.workerCount}` : ''}` : '-',
    };
  });
  console.table(rows);
  const at1000 = results.find((r) => r.impl === 'webcrypto-workers' && r.members === 1000);
  const sdk1000 = results.find((r) => r.impl === 'sdk' && r.members === 1000);
  if (at1000 && sdk1000) {
    const ratio = sdk1000.ms / at1000.ms;
    console.log(
      `goal: at least 5x the SDK at 1,000 members in the browser (webcrypto with Web Workers): ${ratio.toFixed(2)}x on medians (${(sdk1000.min / at1000.min).toFixed(2)}x on best runs), ${ratio >= 5 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `load average while it ran: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} (on a shared machine, compare ratios of the same run only)`,
    );
  }
} finally {
  await chromium?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}
