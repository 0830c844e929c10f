// Sending messages: encryptMessage for 10,000 messages with each backend against the official SDK
// (@xdevplatform/chat-xdk, Rust compiled to WASM) in the same run. Run after `npm run build`:
//
//   node bench/messages-send.mjs [--messages 10000] [--chunk 500] [--impls sdk,node,noble,webcrypto]
//
// Each implementation encrypts `--messages` messages (a 57-character text, one-to-one, explicit key
// and signer), in chunks of `--chunk` messages; the chunks of the implementations are interleaved
// (the order rotating from chunk to chunk), so that a busy machine slows all of them alike. Each
// figure is the median over the chunks of the time per message, wall-clock and CPU time (user +
// system of this process); the ratio is the SDK's median over ours.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { encryptMessage, generateIdentity } from '../dist/index.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const MESSAGES = Number(arg('messages', '10000'));
const CHUNK = Number(arg('chunk', '500'));
const impls = arg('impls', 'sdk,node,noble,webcrypto').split(',');
const TEXT = 'The quick brown fox jumps over the lazy dog, twice: done.'; // 57 characters
const CKV = '1700000000500';

async function loadSdk() {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
  const mod = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
  await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
  return mod.Chat;
}

/** One implementation: a function that encrypts and signs one message. */
async function implementation(impl, key) {
  if (impl === 'sdk') {
    const Chat = await loadSdk();
    const chat = new Chat();
    chat.generateKeypairs();
    chat.setIdentity('111', '1700000000000');
    return async () => chat.encryptMessage({ conversationId: '111:222', text: TEXT, conversationKey: key, conversationKeyVersion: CKV });
  }
  const identity = await generateIdentity({ backend: impl });
  const sender = { userId: '111', signingKeyVersion: '1700000000000', signingPrivateKey: identity.signingPrivateKey };
  const params = { conversationId: '111:222', text: TEXT, conversationKey: key, conversationKeyVersion: CKV, sender };
  const options = { backend: impl };
  return () => encryptMessage(params, options);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const cpu = cpus()[0];
  console.log(
    `chat-keykit bench: encryptMessage, ${MESSAGES} messages per implementation in chunks of ${CHUNK}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  const key = crypto.getRandomValues(new Uint8Array(32));
  const run = Object.fromEntries(await Promise.all(impls.map(async (impl) => [impl, await implementation(impl, key)])));
  // Warm up: code paths, JIT, WASM, lazily built tables.
  for (const impl of impls) for (let i = 0; i < 200; i++) await run[impl]();
  const times = Object.fromEntries(impls.map((impl) => [impl, []]));
  const chunks = Math.ceil(MESSAGES / CHUNK);
  for (let c = 0; c < chunks; c++) {
    const n = Math.min(CHUNK, MESSAGES - c * CHUNK);
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(c + k) % impls.length];
      const f = run[impl];
      const t = performance.now();
      const u = process.cpuUsage();
      for (let i = 0; i < n; i++) await f();
      const used = process.cpuUsage(u);
      times[impl].push({ wall: ((performance.now() - t) * 1000) / n, cpu: (used.user + used.system) / n });
    }
    if ((c + 1) % 4 === 0 || c + 1 === chunks) process.stderr.write(`  ${(c + 1) * CHUNK} / ${MESSAGES}\n`);
  }
  const per = (impl, clock) => median(times[impl].map((t) => t[clock]));
  const vs = (impl, clock) => (impls.includes('sdk') ? `${(per('sdk', clock) / per(impl, clock)).toFixed(1)}x` : '-');
  console.table(
    impls.map((impl) => ({
      impl: impl === 'sdk' ? 'official SDK (WASM)' : impl,
      'µs/message (wall)': per(impl, 'wall').toFixed(1),
      'vs SDK (wall)': vs(impl, 'wall'),
      'µs/message (CPU)': per(impl, 'cpu').toFixed(1),
      'vs SDK (CPU)': vs(impl, 'cpu'),
      'messages/s': Math.round(1e6 / per(impl, 'wall')),
    })),
  );
}

await main();
