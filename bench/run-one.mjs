// One benchmark measurement in a fresh process, so that peak memory (maxRSS) belongs to it alone.
// Usage: node bench/run-one.mjs <impl> <members>
//   impl: sdk | node | node-1thread | webcrypto | noble | verify
// Prints one JSON line: { impl, members, ms, runs, peakKiB, outputKiB }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as root from '../dist/index.js';
import * as wire from '../dist/wire.js';

const kit = { ...root, ...wire };

const [impl, nArg] = process.argv.slice(2);
const n = Number(nArg);
const GROUP = 'g1234567890123456789';
const VERSION = '1700000000000';

async function loadSdk() {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
  const mod = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
  await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
  return mod;
}

// The same inputs for everyone: n members with SPKI identity keys, as the X API serves them.
const ids = Array.from({ length: n }, (_, i) => String(1_000_000 + i));
const identities = [];
for (let i = 0; i < n; i++) identities.push(await kit.generateIdentity({ backend: 'node' }));
const publicKeys = identities.map((id, i) => ({
  userId: ids[i],
  publicKey: kit.encodeBase64(kit.sec1ToSpki(id.identityPublicKey)),
  keyVersion: VERSION,
}));
const creator = identities[0];
const sender = { userId: ids[0], signingKeyVersion: VERSION, signingPrivateKey: creator.signingPrivateKey };
const params = { publicKeys, sender, conversationId: GROUP, memberIds: ids, title: 'bench', ttlMsec: 86_400_000 };

/** The operation to time, for the first `m` members. */
async function makeOp(m) {
  const sub = { ...params, publicKeys: publicKeys.slice(0, m), memberIds: ids.slice(0, m) };
  if (impl === 'sdk') {
    const sdk = await loadSdk();
    const chat = new sdk.Chat();
    chat.importKeys(Uint8Array.from(kit.exportPrivateKeys(creator)), VERSION);
    chat.setIdentity(ids[0], VERSION);
    const sdkParams = {
      publicKeys: sub.publicKeys,
      conversationId: GROUP,
      memberIds: sub.memberIds,
      adminIds: [ids[0]],
      title: 'bench',
      ttlMsec: 86_400_000,
    };
    return async () => chat.prepareGroupCreate(sdkParams);
  }
  if (impl === 'verify') {
    const prepared = await kit.prepareGroupCreate(sub);
    // As a server or member gets it: parsed from the JSON text of the request.
    const body = JSON.parse(JSON.stringify(kit.createGroupRequest(prepared)));
    const reg = await kit.buildKeyRegistration(creator, { version: VERSION });
    const signingKeys = [kit.keyRecordFromRegistration(ids[0], reg).signingKeyEntry];
    const recipient = { userId: ids[m - 1], identityPrivateKey: identities[m - 1].identityPrivateKey };
    return async () => {
      const r = await kit.verifyCreateGroupRequest(body, { senderId: ids[0], signingKeys, recipient });
      if (!r.valid) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
      return r;
    };
  }
  const options = {
    node: { backend: 'node', workers: 'auto' }, // the pool is warm (see below)
    'node-1thread': { backend: 'node', workers: 0 },
    webcrypto: { backend: 'webcrypto' },
    noble: { backend: 'noble' },
  }[impl];
  if (!options) throw new Error(`unknown impl ${impl}`);
  return async () => kit.prepareGroupCreate(sub, options);
}

// Warm up (JIT, precomputed tables and, for 'node', the worker pool a long-running process keeps)
// on a small group, then measure the real one.
const warm = await makeOp(Math.min(n, 300));
await warm();
if (impl === 'node') {
  const { availableParallelism } = await import('node:os');
  await kit.prepareGroupCreate(
    { ...params, publicKeys: publicKeys.slice(0, 50), memberIds: ids.slice(0, 50) },
    { backend: 'node', workers: availableParallelism() },
  );
}
const op = await makeOp(n);
globalThis.gc?.();
const baseRss = process.resourceUsage().maxRSS;
// Verification is cheap enough for a median of 15 at every size; preparing 10,000 members is timed once.
const runs = impl === 'verify' ? 15 : n >= 10_000 ? 1 : n >= 1000 ? 3 : 10;
const times = [];
let result;
for (let i = 0; i < runs; i++) {
  // A full collection before each prepare run, so that its peak memory is its own; verification
  // is timed in steady state, as a long-running verifier runs (a forced collection before each
  // 10,000-member verification adds some 8 ms of heap regrowth to it).
  if (impl !== 'verify') globalThis.gc?.();
  const t = performance.now();
  result = await op();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const peakKiB = Math.max(0, process.resourceUsage().maxRSS - baseRss);
const outputKiB = impl === 'verify' ? 0 : JSON.stringify({ p: result.participantKeys, a: result.actionSignatures }).length / 1024;
process.stdout.write(`${JSON.stringify({ impl, members: n, ms: times[Math.floor(times.length / 2)], runs, peakKiB, outputKiB })}\n`);
process.exit(0);
