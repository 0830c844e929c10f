// The browser benchmark page (built with esbuild by bench/browser.mjs): prepareGroupCreate with
// chat-keykit's backends and with the official SDK's WASM build, in the same page, on the same
// inputs. Reads plan.json (sizes, implementations) and keys.json (members' SPKI identity keys and
// the creator's 64-byte private-key blob, made in Node by the driver), publishes the results as
// `window.__keykit` and logs progress on the console.
import { importPrivateKeys, prepareGroupCreate } from 'chat-keykit';
import { setDefaultBackend } from 'chat-keykit/backends';

const GROUP = 'g1234567890123456789';

// Web Workers started and jobs posted to them, to show which rows used them.
let workersCreated = 0;
let jobsPosted = 0;
const NativeWorker = globalThis.Worker;
if (typeof NativeWorker === 'function') {
  globalThis.Worker = class CountingWorker extends NativeWorker {
    constructor(...args) {
      super(...args);
      workersCreated++;
    }
    postMessage(...args) {
      jobsPosted++;
      return super.postMessage(...args);
    }
  };
}

const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const json = async (path) => (await fetch(path)).json();

async function loadSdk() {
  // Loaded at run time from the server (not bundled): the npm package's own glue and wasm.
  const glue = new URL('./sdk/chat_xdk_wasm.js', location.href).href;
  const sdk = await import(/* webpackIgnore: true */ glue);
  const bytes = await (await fetch('./sdk/chat_xdk_wasm_bg.wasm')).arrayBuffer();
  await sdk.default({ module_or_path: bytes });
  return sdk;
}

async function main() {
  const plan = await json('./plan.json');
  const keys = await json('./keys.json');
  // Every call below names its backend; the default only matters for importing the creator's keys.
  setDefaultBackend('webcrypto');
  const creatorBlob = fromBase64(keys.creatorBlob);
  const creator = await importPrivateKeys(creatorBlob.slice());
  const ids = keys.ids;
  const publicKeys = keys.publicKeys.map((publicKey, i) => ({ userId: ids[i], publicKey, keyVersion: keys.version }));
  const sender = { userId: ids[0], signingKeyVersion: keys.version, signingPrivateKey: creator.signingPrivateKey };
  const sdk = plan.impls.includes('sdk') ? await loadSdk() : null;

  const ours = {
    'webcrypto-workers': { backend: 'webcrypto', workers: 'auto' },
    webcrypto: { backend: 'webcrypto', workers: 0 },
    noble: { backend: 'noble' },
  };
  const makeOp = (impl, m) => {
    const sub = {
      publicKeys: publicKeys.slice(0, m),
      sender,
      conversationId: GROUP,
      memberIds: ids.slice(0, m),
      title: 'bench',
      ttlMsec: 86_400_000,
    };
    if (impl === 'sdk') {
      const chat = new sdk.Chat();
      chat.importKeys(creatorBlob.slice(), keys.version);
      chat.setIdentity(ids[0], keys.version);
      const params = {
        publicKeys: sub.publicKeys,
        conversationId: GROUP,
        memberIds: sub.memberIds,
        adminIds: [ids[0]],
        title: 'bench',
        ttlMsec: 86_400_000,
      };
      return async () => chat.prepareGroupCreate(params);
    }
    const options = ours[impl];
    if (!options) throw new Error(`unknown impl ${impl}`);
    return () => prepareGroupCreate(sub, options);
  };

  const results = [];
  for (const n of plan.members) {
    // As bench/run-one.mjs: warm up (JIT, tables, and for workers the pool a long-lived page
    // keeps) on a small group, then time the real one: median of 21, 15 or 3 runs. The
    // implementations take turns run by run, so that a load spike from elsewhere on the machine
    // hits them alike rather than one of them.
    const ops = {};
    for (const impl of plan.impls) {
      await makeOp(impl, Math.min(n, 300))();
      if (impl === 'webcrypto-workers') {
        // Start the pool as a long-lived page would have it (as bench/run-one.mjs does for node).
        const warm = { publicKeys: publicKeys.slice(0, 50), sender, conversationId: GROUP, memberIds: ids.slice(0, 50) };
        await prepareGroupCreate(warm, { backend: 'webcrypto', workers: Math.max(2, Math.min(8, navigator.hardwareConcurrency || 2)) });
      }
      ops[impl] = makeOp(impl, n);
    }
    const runs = n >= 10_000 ? 3 : n >= 1000 ? 15 : 21;
    const times = Object.fromEntries(plan.impls.map((i) => [i, []]));
    const jobs = Object.fromEntries(plan.impls.map((i) => [i, 0]));
    const wrapping = {};
    for (let run = 0; run < runs; run++) {
      for (const impl of plan.impls) {
        globalThis.gc?.();
        const jobsBefore = jobsPosted;
        const t = performance.now();
        const out = await ops[impl]();
        times[impl].push(performance.now() - t);
        jobs[impl] += jobsPosted - jobsBefore;
        wrapping[impl] = out.wrapping;
        const keysOut = out.participantKeys?.length;
        if (keysOut !== n) throw new Error(`${impl} × ${n}: ${keysOut} participant keys, expected ${n}`);
      }
    }
    for (const impl of plan.impls) {
      const sorted = times[impl].sort((a, b) => a - b);
      const r = {
        impl,
        members: n,
        ms: sorted[Math.floor(sorted.length / 2)],
        min: sorted[0],
        max: sorted.at(-1),
        runs,
        workers: workersCreated,
        workerJobsPerRun: jobs[impl] / runs,
        wrapping: wrapping[impl],
      };
      results.push(r);
      console.log(`bench: ${impl} × ${n}: ${r.ms.toFixed(0)} ms (median of ${runs}, ${r.min.toFixed(0)}–${r.max.toFixed(0)})`);
    }
  }
  return {
    results,
    env: {
      hardwareConcurrency: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
      isSecureContext,
      gc: typeof globalThis.gc === 'function',
    },
  };
}

globalThis.__keykit = { done: false };
main().then(
  (result) => (globalThis.__keykit = { done: true, result }),
  (e) => (globalThis.__keykit = { done: true, fatal: { message: String(e?.message ?? e), stack: String(e?.stack ?? '') } }),
);
