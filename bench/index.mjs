// npm run bench: prepareGroupCreate for 100, 1,000 and 10,000 members with every backend and,
// in the same run, the official SDK (@xdevplatform/chat-xdk); then request verification, hostile
// inputs, sending messages (bench/messages-send.mjs), receiving a 10,000-event history
// (bench/events.mjs), media (bench/media.mjs) and a Sendbird history (bench/sendbird-messages.mjs).
// Each measurement runs in its own process (bench/run-one.mjs) so that peak memory is its own.
// Prints a table: ms per member, peak memory growth, output size, ratio to the official SDK.
//
//   node bench/index.mjs [--members 100,1000,10000] [--impls sdk,node,node-1thread,webcrypto,noble]
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('members', '100,1000,10000').split(',').map(Number);
const impls = arg('impls', 'sdk,node,node-1thread,webcrypto,noble').split(',');
const runOne = fileURLToPath(new URL('./run-one.mjs', import.meta.url));

const measure = (impl, n) =>
  JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', runOne, impl, String(n)], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .trim()
      .split('\n')
      .at(-1),
  );

const cpu = cpus()[0];
console.log(`chat-keykit bench: prepareGroupCreate, ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
);
const rows = [];
for (const n of sizes) {
  const results = {};
  for (const impl of impls) {
    process.stderr.write(`  ${impl} × ${n} …\n`);
    results[impl] = measure(impl, n);
  }
  const sdk = results.sdk;
  for (const impl of impls) {
    const r = results[impl];
    rows.push({
      members: n,
      impl:
        impl === 'sdk'
          ? 'official SDK (WASM)'
          : impl === 'node'
            ? 'node (workers auto, pool up)'
            : impl === 'node-1thread'
              ? 'node (1 thread)'
              : impl,
      'total ms': r.ms.toFixed(0),
      'ms/member': (r.ms / n).toFixed(3),
      'peak KiB/member': (r.peakKiB / n).toFixed(2),
      'output KiB/member': (r.outputKiB / n).toFixed(2),
      'vs SDK': sdk ? `${(sdk.ms / r.ms).toFixed(1)}x` : '-',
    });
  }
}
console.table(rows);

const verify = sizes.map((n) => measure('verify', n));
console.log('\nverifyCreateGroupRequest as a member (schema, 2 signatures, key binding, 1 unwrap), node backend:');
console.table(verify.map((r) => ({ members: r.members, ms: r.ms.toFixed(2) })));

// Hostile inputs of up to 16 MB: time and memory, each in its own process (bench/hostile.mjs).
execFileSync(process.execPath, [fileURLToPath(new URL('./hostile.mjs', import.meta.url))], { stdio: 'inherit' });

// Sending: encryptMessage for 10,000 messages per backend against the SDK (bench/messages-send.mjs).
console.log('');
execFileSync(process.execPath, [fileURLToPath(new URL('./messages-send.mjs', import.meta.url))], { stdio: 'inherit' });

// Receiving: decryptEvents over a 10,000-event history per backend against the SDK (bench/events.mjs).
console.log('');
execFileSync(process.execPath, [fileURLToPath(new URL('./events.mjs', import.meta.url))], { stdio: 'inherit' });

// Media: 64 MiB one-shot and streamed per backend against the SDK, and streaming memory (bench/media.mjs).
console.log('');
execFileSync(process.execPath, [fileURLToPath(new URL('./media.mjs', import.meta.url))], { stdio: 'inherit' });

// Sendbird: opening a 10,000-message channel history per backend (bench/sendbird-messages.mjs).
console.log('');
execFileSync(process.execPath, [fileURLToPath(new URL('./sendbird-messages.mjs', import.meta.url))], { stdio: 'inherit' });
