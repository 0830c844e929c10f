// Media encryption (secretstream) throughput and memory: ours per backend against the official SDK
// (@xdevplatform/chat-xdk, Rust compiled to WASM) in the same run. Run after `npm run build`:
//
//   node bench/media.mjs [--mib 64] [--rounds 5] [--impls sdk,node,noble,webcrypto] [--memory 64,256]
//
// Throughput: one-shot encrypt/decrypt of the same random input, and streaming with 64 KiB pushes;
// each figure is the median of `rounds` runs, the implementations interleaved within each round so
// that a busy machine slows all of them alike; wall-clock and CPU time both. Memory: in a fresh
// process per measurement, streaming `--memory` MiB through an encryptor into a decryptor, 64 KiB
// at a time, the plaintext generated on the fly; the highest RSS sampled every 16 pushes, less the
// RSS before (after a warm-up and a GC). It must not depend on the size.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMediaDecryptor, createMediaEncryptor, decryptMedia, encryptMedia } from '../dist/index.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const PUSH = 64 * 1024;

async function loadSdk() {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
  const mod = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
  await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
  return new mod.Chat();
}

/** The four operations of one implementation, each returning its output. */
async function operations(impl) {
  if (impl === 'sdk') {
    const chat = await loadSdk();
    return {
      encrypt: async (p, key) => chat.encryptStream(p, key),
      decrypt: async (c, key) => chat.decryptStream(c, key),
      encryptor: async (key) => chat.streamEncryptor(key),
      decryptor: async (key) => chat.streamDecryptor(key),
    };
  }
  const options = { backend: impl };
  return {
    encrypt: (p, key) => encryptMedia(p, key, options),
    decrypt: (c, key) => decryptMedia(c, key, options),
    encryptor: (key) => createMediaEncryptor(key, options),
    decryptor: (key) => createMediaDecryptor(key, options),
  };
}

async function pushAll(streamer, input) {
  let n = 0;
  for (let i = 0; i < input.length; i += PUSH) n += streamer.push(input.subarray(i, i + PUSH)).length;
  return n + streamer.finish().length;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Child mode: `--child-memory impl mib` prints one JSON line with the peak RSS growth. */
async function childMemory(impl, mib) {
  const ops = await operations(impl);
  const key = randomBytes(32);
  const block = new Uint8Array(PUSH);
  // Warm up (code, WASM memory) before the baseline.
  for (let i = 0; i < 2; i++) {
    const e = await ops.encryptor(key);
    const d = await ops.decryptor(key);
    d.push(e.push(block));
    d.push(e.finish());
    d.finish();
  }
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const enc = await ops.encryptor(key);
  const dec = await ops.decryptor(key);
  let out = 0;
  for (let i = 0; i < (mib * 1024 * 1024) / PUSH; i++) {
    randomFillSync(block);
    out += dec.push(enc.push(block)).length;
    if (i % 16 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  out += dec.push(enc.finish()).length;
  out += dec.finish().length;
  peak = Math.max(peak, process.memoryUsage.rss());
  if (out !== mib * 1024 * 1024) throw new Error('bad round trip');
  console.log(JSON.stringify({ impl, mib, growthKiB: (peak - before) / 1024 }));
}

async function main() {
  const mib = Number(arg('mib', '64'));
  const rounds = Number(arg('rounds', '5'));
  const impls = arg('impls', 'sdk,node,noble,webcrypto').split(',');
  const memorySizes = arg('memory', '64,256').split(',').map(Number);
  const cpu = cpus()[0];
  console.log(`chat-keykit bench: media (secretstream), ${mib} MiB, median of ${rounds} rounds, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );

  const plaintext = randomBytes(mib * 1024 * 1024);
  const key = randomBytes(32);
  const ops = Object.fromEntries(await Promise.all(impls.map(async (impl) => [impl, await operations(impl)])));
  const kinds = ['encrypt', 'decrypt', 'stream encrypt', 'stream decrypt'];
  const times = Object.fromEntries(impls.map((impl) => [impl, Object.fromEntries(kinds.map((k) => [k, []]))]));
  // Wall-clock and CPU time (user + system of this process) of each run: the machine may be shared,
  // and CPU time is what another process's load disturbs least.
  const time = async (list, f) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await f();
    const cpu = process.cpuUsage(c);
    list.push({ wall: performance.now() - t, cpu: (cpu.user + cpu.system) / 1000 });
    return r;
  };
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      const o = ops[impl];
      const t = times[impl];
      const c = await time(t.encrypt, () => o.encrypt(plaintext, key));
      const p = await time(t.decrypt, () => o.decrypt(c, key));
      if (p.length !== plaintext.length) throw new Error(`${impl}: bad round trip`);
      await time(t['stream encrypt'], async () => pushAll(await o.encryptor(key), plaintext));
      await time(t['stream decrypt'], async () => pushAll(await o.decryptor(key), c));
    }
    process.stderr.write(`  round ${r + 1}/${rounds}\n`);
  }
  const rate = (impl, kind, clock) => mib / (median(times[impl][kind].map((t) => t[clock])) / 1000);
  const vs = (impl, kind, clock) => (impls.includes('sdk') ? `${(rate(impl, kind, clock) / rate('sdk', kind, clock)).toFixed(2)}x` : '-');
  const rows = [];
  for (const kind of kinds) {
    for (const impl of impls) {
      rows.push({
        operation: kind,
        impl: impl === 'sdk' ? 'official SDK (WASM)' : impl,
        'MiB/s (wall)': rate(impl, kind, 'wall').toFixed(1),
        'vs SDK (wall)': vs(impl, kind, 'wall'),
        'MiB/s (CPU)': rate(impl, kind, 'cpu').toFixed(1),
        'vs SDK (CPU)': vs(impl, kind, 'cpu'),
      });
    }
  }
  console.table(rows);

  const self = fileURLToPath(import.meta.url);
  const memory = [];
  for (const impl of impls) {
    const row = { impl: impl === 'sdk' ? 'official SDK (WASM)' : impl };
    for (const size of memorySizes) {
      const out = execFileSync(process.execPath, ['--expose-gc', self, '--child-memory', impl, String(size)], { encoding: 'utf8' });
      row[`${size} MiB: peak RSS growth`] = `${(JSON.parse(out.trim().split('\n').at(-1)).growthKiB / 1024).toFixed(1)} MiB`;
    }
    memory.push(row);
  }
  console.log(`\nstreaming encrypt → decrypt, ${PUSH / 1024} KiB pushes, plaintext generated on the fly:`);
  console.table(memory);
}

const childAt = process.argv.indexOf('--child-memory');
if (childAt > 0) await childMemory(process.argv[childAt + 1], Number(process.argv[childAt + 2]));
else await main();
