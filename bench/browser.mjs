// npm run bench:browser: chat-keykit against the official SDK's WASM build (@xdevplatform/chat-xdk,
// pkg/chat_xdk_wasm.js + .wasm) loaded in the same page of headless Chromium, on the same inputs,
// in four parts (all by default, --parts to choose):
//   group     prepareGroupCreate for 100, 1,000 and 10,000 members: webcrypto on Web Workers,
//             webcrypto on the main thread ({ workers: 0 }) and noble;
//   messages  encryptMessage, 1,000 messages: webcrypto and noble;
//   events    decryptEvents of a 1,000-event history (made in Node): ours (the batch API; webcrypto
//             with its checks in flight, webcrypto one at a time, noble) against the SDK's batch
//             decryptEvents;
//   media     8 MiB one-shot (encryptMedia/decryptMedia against encryptStream/decryptStream),
//             incremental (createMediaEncryptor/Decryptor against streamEncryptor/Decryptor, 64 KiB
//             pushes) and, ours only, the Web Streams TransformStreams, as MiB/s: webcrypto and noble
//             (WebCrypto has no ChaCha20: both run noble's ChaCha20 and Poly1305).
// Prints a table per part of medians and ratios to the SDK, with the machine and the Chromium version.
//
//   node bench/browser.mjs [--parts group,messages,events,media]
//     [--members 100,1000,10000] [--impls sdk,webcrypto-workers,webcrypto,noble]   (group)
//     [--messages 1000] [--chunk 100] [--message-impls sdk,webcrypto,noble]          (messages)
//     [--events 1000] [--rounds 5] [--event-impls sdk,webcrypto,webcrypto-serial,noble] (events)
//     [--mib 8] [--media-rounds 5] [--media-impls sdk,webcrypto,noble]               (media)
//
// The library is packed as for the browser suite (npm pack, whose prepack builds it), and the page
// (bench/browser-page.js) is bundled with esbuild at its defaults for a browser, as an ES module
// (--bundle --platform=browser --format=esm).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchHistory, sdkRoot } from '../test/browser/fixtures.mjs';
import * as h from '../test/browser/harness.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const list = (name, def) => arg(name, def).split(',');
const PARTS = ['group', 'messages', 'events', 'media'];
const parts = list('parts', PARTS.join(','));
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}: choose among ${PARTS.join(', ')}`);
const plan = {
  parts,
  group: { members: list('members', '100,1000,10000').map(Number), impls: list('impls', 'sdk,webcrypto-workers,webcrypto,noble') },
  messages: {
    count: Number(arg('messages', '1000')),
    chunk: Number(arg('chunk', '100')),
    impls: list('message-impls', 'sdk,webcrypto,noble'),
  },
  events: {
    count: Number(arg('events', '1000')),
    rounds: Number(arg('rounds', '5')),
    impls: list('event-impls', 'sdk,webcrypto,webcrypto-serial,noble'),
  },
  media: {
    mib: Number(arg('mib', '8')),
    rounds: Number(arg('media-rounds', '5')),
    push: 64 * 1024,
    impls: list('media-impls', 'sdk,webcrypto,noble'),
  },
};
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
  const sdkDir = sdkRoot();
  const sdkVersion = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version;
  mkdirSync(join(build.outDir, 'sdk'), { recursive: true });
  for (const f of ['chat_xdk_wasm.js', 'chat_xdk_wasm_bg.wasm']) copyFileSync(join(sdkDir, 'pkg', f), join(build.outDir, 'sdk', f));

  // Inputs, made in Node with the packed library: n members' SPKI identity keys, as the X API serves
  // them (the first is the sender of the messages part too), and the history of the events part.
  const max = parts.includes('group') ? Math.max(...plan.group.members) : 1;
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
  writeFileSync(join(build.outDir, 'plan.json'), JSON.stringify(plan));
  if (parts.includes('events')) {
    log(`making a history of ${plan.events.count} events in Node …`);
    const history = await benchHistory(kit, wire, plan.events.count);
    writeFileSync(join(build.outDir, 'events.json'), JSON.stringify({ ...history, version: VERSION }));
  }

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
  const load = loadavg();

  const cpu = cpus()[0];
  console.log(`chat-keykit browser bench: ${parts.join(', ')}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(
    `browser: headless Chromium ${chromium.version} (navigator.hardwareConcurrency ${env.hardwareConcurrency}, gc between runs: ${env.gc}); official SDK @xdevplatform/chat-xdk ${sdkVersion} (WASM) in the same page`,
  );
  const label = {
    sdk: 'official SDK (WASM)',
    'webcrypto-workers': 'webcrypto, Web Workers (pool up)',
    webcrypto: 'webcrypto',
    'webcrypto-serial': 'webcrypto, one check at a time (workers: false)',
    noble: 'noble',
  };
  const x = (r) => `${r.toFixed(2)}x`;

  if (results.group) {
    const rows = results.group.map((r) => {
      const sdk = results.group.find((y) => y.impl === 'sdk' && y.members === r.members);
      return {
        members: r.members,
        impl: r.impl === 'webcrypto' ? 'webcrypto, main thread (workers: 0)' : (label[r.impl] ?? r.impl),
        'ms (median)': r.ms.toFixed(0),
        'min–max': `${r.min.toFixed(0)}–${r.max.toFixed(0)}`,
        runs: r.runs,
        'ms/member': (r.ms / r.members).toFixed(3),
        'vs SDK': sdk ? x(sdk.ms / r.ms) : '-',
        'vs SDK, best runs': sdk && r.runs > 1 ? x(sdk.min / r.min) : '-',
        'worker jobs/run': r.workerJobsPerRun,
        wrapping: r.wrapping ? `${r.wrapping.workers}${r.wrapping.workerCount ? ` ×${r.wrapping.workerCount}` : ''}` : '-',
      };
    });
    console.log("\nprepareGroupCreate: median per call; ratios are the SDK's time over ours");
    console.table(rows);
    const at1000 = results.group.find((r) => r.impl === 'webcrypto-workers' && r.members === 1000);
    const sdk1000 = results.group.find((r) => r.impl === 'sdk' && r.members === 1000);
    if (at1000 && sdk1000) {
      const ratio = sdk1000.ms / at1000.ms;
      console.log(
        `goal: at least 5x the SDK at 1,000 members in the browser (webcrypto with Web Workers): ${ratio.toFixed(2)}x on medians (${(sdk1000.min / at1000.min).toFixed(2)}x on best runs), ${ratio >= 5 ? 'met' : 'NOT met'}`,
      );
    }
  }

  if (results.messages) {
    const sdk = results.messages.find((r) => r.impl === 'sdk');
    const m = results.messages[0];
    console.log(
      `\nencryptMessage: ${m.count} messages per implementation (57-character text, one-to-one), in ${m.chunks} chunks taking turns; median over the chunks of the time per message; ratios are the SDK's time over ours`,
    );
    console.table(
      results.messages.map((r) => ({
        impl: label[r.impl] ?? r.impl,
        'µs/message (median)': r.usPerMessage.toFixed(1),
        'chunks min–max': `${r.min.toFixed(1)}–${r.max.toFixed(1)}`,
        'messages/s': Math.round(1e6 / r.usPerMessage),
        'vs SDK': sdk ? x(sdk.usPerMessage / r.usPerMessage) : '-',
      })),
    );
    const worst = results.messages.filter((r) => r.impl !== 'sdk').sort((a, b) => b.usPerMessage - a.usPerMessage)[0];
    if (sdk && worst)
      console.log(
        `goal: messages at least as fast as the SDK's WASM in the same page: slowest of ours (${worst.impl}) ${x(sdk.usPerMessage / worst.usPerMessage)}, ${sdk.usPerMessage >= worst.usPerMessage ? 'met' : 'NOT met'}`,
      );
  }

  if (results.events) {
    const sdk = results.events.find((r) => r.impl === 'sdk');
    const e = results.events[0];
    console.log(
      `\ndecryptEvents: a history of ${e.events} events (1 key change, then messages from three members; ${e.replies} replies embedding their quoted event, reactions, edits) decrypted and verified as one batch: ours decryptEvents, the SDK's batch decryptEvents; median of ${e.runs} rounds; ratios are the SDK's time over ours`,
    );
    console.table(
      results.events.map((r) => ({
        impl: label[r.impl] ?? r.impl,
        'ms (median)': r.ms.toFixed(0),
        'min–max': `${r.min.toFixed(0)}–${r.max.toFixed(0)}`,
        'µs/event': ((r.ms / r.events) * 1000).toFixed(1),
        'vs SDK': sdk ? x(sdk.ms / r.ms) : '-',
        'vs SDK, best runs': sdk ? x(sdk.min / r.min) : '-',
      })),
    );
  }

  if (results.media) {
    const m = results.media[0];
    console.log(
      `\nmedia (secretstream): ${m.mib} MiB of random bytes, median of ${m.runs} rounds, as MiB/s; incremental and Web Streams in 64 KiB pushes; ratios are ours over the SDK's (webcrypto has no ChaCha20: both of ours run noble's)`,
    );
    console.table(
      results.media.map((r) => {
        const sdk = results.media.find((y) => y.impl === 'sdk' && y.operation === r.operation.replace(/^Web Streams/, 'stream'));
        return {
          operation: r.operation,
          impl: label[r.impl] ?? r.impl,
          'MiB/s (median)': r.mibPerS.toFixed(1),
          'MiB/s (best)': r.bestMibPerS.toFixed(1),
          'vs SDK': sdk ? `${x(r.mibPerS / sdk.mibPerS)}${sdk.operation !== r.operation ? ` (of SDK ${sdk.operation})` : ''}` : '-',
        };
      }),
    );
  }
  console.log(
    `\nload average when it finished: ${load.map((v) => v.toFixed(2)).join(', ')} (on a shared machine, compare ratios of the same run only)`,
  );
} finally {
  await chromium?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}
