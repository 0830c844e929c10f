// decryptEvents on a 10,000-event history: ours (each backend, with and without threads) against
// the official SDK's decryptEvents (@xdevplatform/chat-xdk, Rust compiled to WASM) in the same
// process, as ratios. Run after `npm run build`:
//
//   node bench/events.mjs [--events 10000] [--rounds 3] [--impls sdk,node,node-1thread,webcrypto,noble]
//
// The history: one key change (a group create by 111), then messages from 111, 222 and 333 under
// its key, with every 50th a reply (embedding the quoted event, as the SDK writes replies), every
// 40th a reaction and every 70th an edit; the receiver is 222 with the three signing keys.
// Each round runs every implementation once, interleaved, so that a busy machine slows all of them
// alike; the table gives medians of wall-clock and CPU time (this process's user + system time,
// which includes the thread pool's). The load average before and after is printed: on a shared
// machine compare the ratios, not the absolute times.
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import {
  buildKeyRegistration,
  decryptEvents,
  exportPrivateKeys,
  generateIdentity,
  keyRecordFromRegistration,
  prepareGroupCreate,
} from '../dist/index.js';
import { decodeStruct, encodeBase64NoPad, encodeStruct, messageCreatePayload, XChatStructs } from '../dist/wire.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const COUNT = Number(arg('events', '10000'));
const ROUNDS = Number(arg('rounds', '3'));
const IMPLS = arg('impls', 'sdk,node,node-1thread,webcrypto,noble').split(',');
const GROUP = 'g1234567890123456789';
const VERSION = '1700000000000';
const utf8 = (s) => new TextEncoder().encode(s);
const b64 = (u) => Buffer.from(u).toString('base64');

// --- a minimal Thrift writer for the plaintext entries (the wire module describes envelopes, not plaintexts) ---
const i32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const str = (id, s) => [11, 0, id, ...i32(utf8(s).length), ...utf8(s)];
const i64 = (id, n) => [10, 0, id, ...[56, 48, 40, 32, 24, 16, 8, 0].map((sh) => Number((BigInt(n) >> BigInt(sh)) & 255n))];
const st = (id, body) => [12, 0, id, ...body, 0];
const holder = (variant, body) => Uint8Array.from(st(1, st(variant, body)).concat([0]));
const text = (t) => holder(1, str(1, t));
const reaction = (seq, emoji) => holder(2, [...str(1, seq), ...str(2, emoji)]);
const edit = (seq, t) => holder(4, [...str(1, seq), ...str(2, t)]);
const reply = (t, quoted) =>
  holder(1, [
    ...str(1, t),
    ...st(4, [
      ...i64(1, quoted.sender),
      ...str(2, quoted.text),
      ...str(6, quoted.seq),
      ...str(7, quoted.id),
      ...st(8, [...quoted.bytes.subarray(0, -1)]),
    ]),
  ]);

/** A member: identity, signing-key entry, and an OpenSSL key to sign the history quickly (random nonces are as valid as RFC 6979's). */
async function member(id) {
  const identity = await generateIdentity({ backend: 'node' });
  const record = keyRecordFromRegistration(id, await buildKeyRegistration(identity, { version: VERSION }));
  const pub = identity.signingPublicKey;
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: Buffer.from(identity.signingPrivateKey).toString('base64url'),
    x: Buffer.from(pub.subarray(1, 33)).toString('base64url'),
    y: Buffer.from(pub.subarray(33)).toString('base64url'),
  };
  return { id, identity, record, signer: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

async function history() {
  const members = [await member('111'), await member('222'), await member('333')];
  const publicKeys = members.map((m) => m.record.publicKeyInput);
  const sender = { userId: '111', signingKeyVersion: VERSION, signingPrivateKey: members[0].identity.signingPrivateKey };
  const g = await prepareGroupCreate({ publicKeys, sender, conversationId: GROUP, memberIds: ['111', '222', '333'] });
  const key = g.conversationKey;
  const ckv = g.conversationKeyVersion;
  const { MessageEvent } = XChatStructs;
  const kc = g.actionSignatures[0];
  const envelope = (seq, messageId, senderId, detail, sig) =>
    encodeStruct(MessageEvent, {
      sequenceId: String(seq),
      messageId,
      senderId,
      conversationId: GROUP,
      createdAtMsec: '1700000000000',
      detail,
      messageEventSignature: sig,
    });
  const kcDetail = decodeStruct(XChatStructs.MessageEventDetail, Buffer.from(kc.encodedMessageEventDetail, 'base64'));
  const events = [
    b64(envelope(1, kc.messageId, '111', kcDetail, { signature: kc.signature, publicKeyVersion: VERSION, signatureVersion: '7' })),
  ];
  const sent = [];
  let replies = 0;
  for (let i = 0; i < COUNT - 1; i++) {
    const m = members[i % 3];
    const seq = i + 2;
    const messageId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const prev = sent[Math.max(0, sent.length - 3)];
    const body = `The quick brown fox jumps over the lazy dog, 0123456789! ${i}`;
    const kind = !prev ? 'text' : i % 50 === 49 ? 'reply' : i % 40 === 39 ? 'reaction' : i % 70 === 69 ? 'edit' : 'text';
    const plaintext =
      kind === 'reply'
        ? reply(`reply ${i}`, prev)
        : kind === 'reaction'
          ? reaction(prev.seq, '👍')
          : kind === 'edit'
            ? edit(prev.seq, `edited ${i}`)
            : text(body);
    if (kind === 'reply') replies++;
    const nonce = crypto.getRandomValues(new Uint8Array(24));
    const contents = new Uint8Array(24 + plaintext.length + 16);
    contents.set(nonce);
    contents.set(xsalsa20poly1305(key, nonce).encrypt(plaintext), 24);
    const payload = messageCreatePayload(7, { messageId, senderId: m.id, conversationId: GROUP, conversationKeyVersion: ckv, contents });
    const signature = encodeBase64NoPad(nodeSign('sha256', utf8(payload), { key: m.signer, dsaEncoding: 'ieee-p1363' }));
    const bytes = envelope(
      seq,
      messageId,
      m.id,
      { messageCreateEvent: { contents, conversationKeyVersion: ckv, shouldNotify: true } },
      { signature, publicKeyVersion: VERSION, signatureVersion: '7' },
    );
    events.push(b64(bytes));
    if (kind === 'text') sent.push({ sender: BigInt(m.id), text: body, seq: String(seq), id: messageId, bytes });
  }
  return { members, events, replies, key, ckv };
}

async function loadSdk() {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
  const mod = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
  await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
  return mod;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const cpu = cpus()[0];
  console.log(`chat-keykit bench: decryptEvents, ${COUNT} events, median of ${ROUNDS} rounds, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  const { members, events, replies } = await history();
  const recipient = members[1];
  const signingKeys = members.map((m) => m.record.signingKeyEntry);
  console.log(
    `history: 1 key change + ${events.length - 1} messages (${replies} replies embedding their quoted event), ${(events.reduce((n, e) => n + e.length, 0) / 2 ** 20).toFixed(1)} MiB of base64`,
  );
  const load0 = loadavg();

  const run = {};
  for (const impl of IMPLS) {
    if (impl === 'sdk') {
      const chat = new (await loadSdk()).Chat();
      chat.importKeys(Uint8Array.from(exportPrivateKeys(recipient.identity)), VERSION);
      run.sdk = async () => {
        const r = chat.decryptEvents(events, signingKeys);
        return { ok: r.messages.length, errors: Object.keys(r.errors).length };
      };
    } else {
      const backend = impl.replace(/-1thread$/, '');
      const options = {
        recipient: { userId: '222', identityPrivateKey: recipient.identity.identityPrivateKey },
        signingKeys,
        backend,
        ...(impl.endsWith('-1thread') ? { workers: false } : {}),
      };
      run[impl] = async () => {
        const r = await decryptEvents(events, options);
        return {
          ok: r.messages.length,
          errors: Object.keys(r.errors).length,
          valid: r.messages.filter((x) => x.event.replyPreviewValidation === 'valid').length,
        };
      };
    }
  }
  const times = Object.fromEntries(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of IMPLS) {
      const t = performance.now();
      const c = process.cpuUsage();
      const out = await run[impl]();
      const used = process.cpuUsage(c);
      times[impl].push({ wall: performance.now() - t, cpu: (used.user + used.system) / 1000 });
      if (out.errors !== 0 || out.ok !== events.length) throw new Error(`${impl}: ${out.ok} events, ${out.errors} errors`);
      if (out.valid !== undefined && out.valid !== replies) throw new Error(`${impl}: ${out.valid} valid previews of ${replies}`);
    }
    process.stderr.write(`  round ${r + 1}/${ROUNDS}\n`);
  }
  const load1 = loadavg();
  const med = (impl, clock) => median(times[impl].map((t) => t[clock]));
  const rows = IMPLS.map((impl) => ({
    impl:
      impl === 'sdk'
        ? 'official SDK (WASM)'
        : impl === 'node'
          ? 'node (worker threads)'
          : impl === 'node-1thread'
            ? 'node (1 thread)'
            : impl,
    'wall ms': med(impl, 'wall').toFixed(0),
    'µs/event': ((med(impl, 'wall') / events.length) * 1000).toFixed(1),
    'CPU ms': med(impl, 'cpu').toFixed(0),
    'vs SDK (wall)': IMPLS.includes('sdk') ? `${(med('sdk', 'wall') / med(impl, 'wall')).toFixed(1)}x` : '-',
    'vs SDK (CPU)': IMPLS.includes('sdk') ? `${(med('sdk', 'cpu') / med(impl, 'cpu')).toFixed(1)}x` : '-',
  }));
  console.table(rows);
  console.log(
    `load average (1 min) before: ${load0[0].toFixed(2)}, after: ${load1[0].toFixed(2)} on ${availableParallelism()} hardware threads`,
  );
}

await main();
