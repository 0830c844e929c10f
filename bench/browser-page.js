// The browser benchmark page (built with esbuild by bench/browser.mjs): chat-keykit's backends and
// the official SDK's WASM build, in the same page, on the same inputs, in up to four parts:
// prepareGroupCreate (group), encryptMessage (messages), decryptEvents of a history (events), and
// media encryption (media). Reads plan.json (the parts and their sizes), keys.json (members' SPKI
// identity keys and the creator's 64-byte private-key blob) and, for the events part, events.json
// (the history, the receiver's private-key blob and the signing keys), all made in Node by the
// driver; publishes the results as `window.__keykit` and logs progress on the console.
import {
  createMediaDecryptor,
  createMediaEncryptor,
  decryptEvents,
  decryptMedia,
  encryptMedia,
  encryptMessage,
  importPrivateKeys,
  mediaDecryptionStream,
  mediaEncryptionStream,
  prepareGroupCreate,
} from 'chat-keykit';
import { setDefaultBackend } from 'chat-keykit/backends';

const GROUP = 'g1234567890123456789';
const CKV = '1700000000500';

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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), runs: sorted.length };
};

/** An SDK instance holding a 64-byte private blob (copied: the SDK zeroes its input). */
function sdkChat(sdk, blob, version, userId) {
  const chat = new sdk.Chat();
  chat.importKeys(blob.slice(), version);
  if (userId) chat.setIdentity(userId, version);
  return chat;
}

async function groupPart(plan, ctx) {
  const { sdk, keys, creatorBlob, sender } = ctx;
  const ids = keys.ids;
  const publicKeys = keys.publicKeys.map((publicKey, i) => ({ userId: ids[i], publicKey, keyVersion: keys.version }));
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
      const chat = sdkChat(sdk, creatorBlob, keys.version, ids[0]);
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
      const r = {
        impl,
        members: n,
        ...stats(times[impl]),
        workers: workersCreated,
        workerJobsPerRun: jobs[impl] / runs,
        wrapping: wrapping[impl],
      };
      results.push(r);
      console.log(`bench: group ${impl} × ${n}: ${r.ms.toFixed(0)} ms (median of ${runs}, ${r.min.toFixed(0)}–${r.max.toFixed(0)})`);
    }
  }
  return results;
}

const TEXT = 'The quick brown fox jumps over the lazy dog, twice: done.'; // 57 characters, as bench/messages-send.mjs

/**
 * encryptMessage, as bench/messages-send.mjs: `count` messages per implementation (a 57-character
 * text, one-to-one, explicit key and signer), in chunks of `chunk`, the chunks of the
 * implementations interleaved with the order rotating; the median over the chunks of the time per
 * message.
 */
async function messagesPart(plan, ctx) {
  const { sdk, keys, creatorBlob, sender } = ctx;
  const key = crypto.getRandomValues(new Uint8Array(32));
  const params = { conversationId: '1000000:1000001', text: TEXT, conversationKey: key, conversationKeyVersion: CKV };
  const run = {};
  for (const impl of plan.impls) {
    if (impl === 'sdk') {
      const chat = sdkChat(sdk, creatorBlob, keys.version, sender.userId);
      run.sdk = async () => chat.encryptMessage(params);
    } else {
      const options = { backend: impl };
      run[impl] = () => encryptMessage({ ...params, sender }, options);
    }
  }
  for (const impl of plan.impls) {
    for (let i = 0; i < 100; i++) {
      const sent = await run[impl]();
      if (typeof sent.encryptedContent !== 'string' || typeof sent.encodedEventSignature !== 'string')
        throw new Error(`${impl}: encryptMessage returned no payload`);
    }
  }
  const times = Object.fromEntries(plan.impls.map((i) => [i, []]));
  const chunks = Math.ceil(plan.count / plan.chunk);
  for (let c = 0; c < chunks; c++) {
    const n = Math.min(plan.chunk, plan.count - c * plan.chunk);
    for (let k = 0; k < plan.impls.length; k++) {
      const impl = plan.impls[(c + k) % plan.impls.length];
      const f = run[impl];
      const t = performance.now();
      for (let i = 0; i < n; i++) await f();
      times[impl].push(((performance.now() - t) * 1000) / n);
    }
  }
  return plan.impls.map((impl) => {
    const r = {
      impl,
      count: plan.count,
      chunks,
      usPerMessage: median(times[impl]),
      min: Math.min(...times[impl]),
      max: Math.max(...times[impl]),
    };
    console.log(`bench: messages ${impl}: ${r.usPerMessage.toFixed(1)} µs/message (median of ${chunks} chunks)`);
    return r;
  });
}

/**
 * decryptEvents of a history made in Node (events.json): ours (`decryptEvents`, the batch API)
 * against the SDK's batch `decryptEvents`, `rounds` rounds with the implementations interleaved;
 * every event must come back, and for ours every reply preview must be valid.
 */
async function eventsPart(plan, ctx) {
  const { sdk } = ctx;
  const h = await json('./events.json');
  const blob = fromBase64(h.recipient.blob);
  const recipient = await importPrivateKeys(blob.slice(), { backend: 'noble' });
  const run = {};
  for (const impl of plan.impls) {
    if (impl === 'sdk') {
      const chat = sdkChat(sdk, blob, h.version);
      run.sdk = async () => {
        const r = chat.decryptEvents(h.events, h.signingKeys);
        return { ok: r.messages.length, errors: Object.keys(r.errors).length };
      };
    } else {
      const backend = impl.replace(/-serial$/, '');
      const options = {
        recipient: { userId: h.recipient.userId, identityPrivateKey: recipient.identityPrivateKey },
        signingKeys: h.signingKeys,
        backend,
        ...(impl.endsWith('-serial') ? { workers: false } : {}),
      };
      run[impl] = async () => {
        const r = await decryptEvents(h.events, options);
        return {
          ok: r.messages.length,
          errors: Object.keys(r.errors).length,
          valid: r.messages.filter((x) => x.event.replyPreviewValidation === 'valid').length,
        };
      };
    }
  }
  const check = (impl, out) => {
    if (out.errors !== 0 || out.ok !== h.events.length)
      throw new Error(`${impl}: ${out.ok} events of ${h.events.length}, ${out.errors} errors`);
    if (out.valid !== undefined && out.valid !== h.replies) throw new Error(`${impl}: ${out.valid} valid reply previews of ${h.replies}`);
  };
  for (const impl of plan.impls) check(impl, await run[impl]()); // warm-up
  const times = Object.fromEntries(plan.impls.map((i) => [i, []]));
  for (let r = 0; r < plan.rounds; r++) {
    for (const impl of plan.impls) {
      globalThis.gc?.();
      const t = performance.now();
      const out = await run[impl]();
      times[impl].push(performance.now() - t);
      check(impl, out);
    }
  }
  return plan.impls.map((impl) => {
    const r = { impl, events: h.events.length, replies: h.replies, ...stats(times[impl]) };
    console.log(`bench: events ${impl}: ${r.ms.toFixed(0)} ms for ${r.events} events (median of ${r.runs})`);
    return r;
  });
}

/** Random bytes of any length (getRandomValues gives at most 64 KiB a call). */
function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Media, as bench/media.mjs: `mib` MiB of random bytes, one-shot (ours encryptMedia/decryptMedia,
 * the SDK's encryptStream/decryptStream), incremental with `push`-byte pushes (ours
 * createMediaEncryptor/createMediaDecryptor, the SDK's streamEncryptor/streamDecryptor), and for
 * ours the Web Streams TransformStreams (mediaEncryptionStream/mediaDecryptionStream, the SDK has
 * none); `rounds` rounds with the implementations interleaved. Before timing, each side decrypts
 * the other's ciphertext.
 */
async function mediaPart(plan, ctx) {
  const { sdk } = ctx;
  const PUSH = plan.push;
  const plaintext = randomBytes(plan.mib * 1024 * 1024);
  const key = crypto.getRandomValues(new Uint8Array(32));
  const pushAll = (streamer, input) => {
    let n = 0;
    for (let i = 0; i < input.length; i += PUSH) n += streamer.push(input.subarray(i, i + PUSH)).length;
    return n + streamer.finish().length;
  };
  const throughStream = async (transform, input) => {
    const source = new ReadableStream({
      start(controller) {
        for (let i = 0; i < input.length; i += PUSH) controller.enqueue(input.subarray(i, i + PUSH));
        controller.close();
      },
    });
    const reader = source.pipeThrough(transform).getReader();
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return n;
      n += value.length;
    }
  };
  const ops = {};
  for (const impl of plan.impls) {
    if (impl === 'sdk') {
      const chat = new sdk.Chat();
      ops.sdk = {
        encrypt: async (p) => chat.encryptStream(p, key),
        decrypt: async (c) => chat.decryptStream(c, key),
        'stream encrypt': async (p) => pushAll(chat.streamEncryptor(key), p),
        'stream decrypt': async (c) => pushAll(chat.streamDecryptor(key), c),
      };
    } else {
      const options = { backend: impl };
      ops[impl] = {
        encrypt: (p) => encryptMedia(p, key, options),
        decrypt: (c) => decryptMedia(c, key, options),
        'stream encrypt': async (p) => pushAll(await createMediaEncryptor(key, options), p),
        'stream decrypt': async (c) => pushAll(await createMediaDecryptor(key, options), c),
        'Web Streams encrypt': (p) => throughStream(mediaEncryptionStream(key, options), p),
        'Web Streams decrypt': (c) => throughStream(mediaDecryptionStream(key, options), c),
      };
    }
  }
  // Interop before timing: the SDK opens ours and we open the SDK's.
  const ciphertexts = {};
  for (const impl of plan.impls) ciphertexts[impl] = await ops[impl].encrypt(plaintext);
  for (const a of plan.impls)
    for (const b of plan.impls)
      if (!sameBytes(await ops[b].decrypt(ciphertexts[a]), plaintext)) throw new Error(`media: ${b} did not decrypt ${a}'s ciphertext`);
  const kinds = ['encrypt', 'decrypt', 'stream encrypt', 'stream decrypt', 'Web Streams encrypt', 'Web Streams decrypt'];
  const times = Object.fromEntries(plan.impls.map((impl) => [impl, Object.fromEntries(kinds.map((k) => [k, []]))]));
  const cipherLength = ciphertexts[plan.impls[0]].length;
  for (let r = 0; r < plan.rounds; r++) {
    for (const impl of plan.impls) {
      const o = ops[impl];
      for (const kind of kinds) {
        if (!o[kind]) continue;
        const input = kind.endsWith('encrypt') ? plaintext : ciphertexts[impl];
        globalThis.gc?.();
        const t = performance.now();
        const out = await o[kind](input);
        times[impl][kind].push(performance.now() - t);
        const length = typeof out === 'number' ? out : out.length;
        if (length !== (kind.endsWith('encrypt') ? cipherLength : plaintext.length))
          throw new Error(`media: ${impl} ${kind} gave ${length} bytes`);
      }
    }
    console.log(`bench: media round ${r + 1}/${plan.rounds}`);
  }
  const results = [];
  for (const kind of kinds)
    for (const impl of plan.impls) {
      if (!ops[impl][kind]) continue;
      const s = stats(times[impl][kind]);
      results.push({
        impl,
        operation: kind,
        mib: plan.mib,
        ...s,
        mibPerS: plan.mib / (s.ms / 1000),
        bestMibPerS: plan.mib / (s.min / 1000),
      });
    }
  return results;
}

async function main() {
  const plan = await json('./plan.json');
  const keys = await json('./keys.json');
  // Every call below names its backend; the default only matters for importing the creator's keys.
  setDefaultBackend('webcrypto');
  const creatorBlob = fromBase64(keys.creatorBlob);
  const creator = await importPrivateKeys(creatorBlob.slice());
  const sender = { userId: keys.ids[0], signingKeyVersion: keys.version, signingPrivateKey: creator.signingPrivateKey };
  const wantsSdk = plan.parts.some((p) => plan[p].impls.includes('sdk'));
  const ctx = { sdk: wantsSdk ? await loadSdk() : null, keys, creatorBlob, sender };
  const parts = { group: groupPart, messages: messagesPart, events: eventsPart, media: mediaPart };
  const results = {};
  for (const part of plan.parts) {
    console.log(`bench: ${part} …`);
    results[part] = await parts[part](plan[part], ctx);
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
