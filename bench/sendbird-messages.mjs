// Opening a Sendbird channel's history: 10,000 end-to-end encrypted messages (three senders, two
// key versions around a rotation, one in ten a file message) as the Platform API returns them,
// opened with openSendbirdMessages per backend. The goal is the X Chat decrypt path's: 10,000 under
// one second on Node. Run after `npm run build`:
//
//   node bench/sendbird-messages.mjs [--count 10000] [--rounds 3] [--impls node,node-sync,webcrypto,noble] [--keys envelopes,given]
//
// `node` checks sixteen signatures at a time on libuv's thread pool (the backend's verifyOffThread);
// `node-sync` is the same backend without it, every verification on the main thread.
// Each message costs one ECDSA verification (the sender's signature), one secretbox and one Thrift
// decode; each key version one envelope opening (one ECDH and one more verification) per call with
// `--keys envelopes` (the reader's identity key and key history, the usual case), none with
// `--keys given` (the caller passes `conversationKeys`). Figures are the median of `rounds` runs,
// the backends interleaved within each round so that a busy machine slows all of them alike;
// wall-clock and CPU time both.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { buildKeyRegistration, generateIdentity } from '../dist/index.js';
import { resolveBackend } from '../dist/backends.js';
import {
  createSendbirdGroupChannelRequest,
  openSendbirdMessages,
  prepareSendbirdChannelKey,
  prepareSendbirdFileMessage,
  prepareSendbirdMessage,
  recordSendbirdChannelKey,
  sendbirdKeyRecord,
} from '../dist/sendbird.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const URL_ = 'bench_room';
const TEXTS = [
  'ok',
  'see you at the standup tomorrow',
  'the numbers for Q3 are in the shared folder, page 4 has the summary',
  'lunch?',
  'Could you review the draft before Friday? I left comments on sections 2 and 5, mostly about the budget table and the timeline.',
];

/** A channel with three members, two key versions and `count` messages as Platform API resources. */
async function history(count) {
  const ids = ['alice', 'bob', 'carol'];
  const members = await Promise.all(
    ids.map(async (id) => {
      const identity = await generateIdentity();
      return { id, identity, ...sendbirdKeyRecord(id, await buildKeyRegistration(identity, { version: '1' })) };
    }),
  );
  const publicKeys = members.map((m) => m.publicKeyInput);
  const sender = (m) => ({ userId: m.id, signingKeyVersion: '1', signingPrivateKey: m.identity.signingPrivateKey });
  const channelOf = (prepared) => ({
    channel_url: URL_,
    data: JSON.parse(
      createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: URL_ }, { applicationId: 'bench', apiToken: 'bench', e2ee: prepared })
        .body,
    ).data,
  });
  const k1 = await prepareSendbirdChannelKey({ channelUrl: URL_, publicKeys, memberIds: ids, sender: sender(members[0]) });
  const k2 = await prepareSendbirdChannelKey({ channelUrl: URL_, publicKeys, memberIds: ids, sender: sender(members[1]) });
  const signingKeys = members.map((m) => m.signingKeyEntry);
  let state = await recordSendbirdChannelKey(channelOf(k1), { signingKeys });
  state = await recordSendbirdChannelKey(channelOf(k2), { signingKeys, state });
  const t1 = Number(k1.conversationKeyVersion);
  const t2 = Number(k2.conversationKeyVersion);
  const messages = [];
  for (let i = 0; i < count; i++) {
    const k = i < count / 2 ? k1 : k2;
    const m = members[i % 3];
    const key = { conversationKey: k.conversationKey, conversationKeyVersion: k.conversationKeyVersion, sender: sender(m) };
    // Before the rotation, dated between the two versions; after it, after the second.
    const createdAt = i < count / 2 ? t1 + Math.floor((i * (t2 - t1)) / count) : t2 + i;
    const common = {
      message_id: 1_000_000 + i,
      channel_url: URL_,
      channel_type: 'group',
      custom_type: '',
      created_at: createdAt,
      updated_at: 0,
      user: { user_id: m.id, nickname: '' },
    };
    if (i % 10 === 9) {
      const f = await prepareSendbirdFileMessage(
        {
          channelUrl: URL_,
          file: new Uint8Array(256 + (i % 64)),
          fileName: `photo-${i}.jpg`,
          mimeType: 'image/jpeg',
          width: 640,
          height: 480,
        },
        key,
      );
      messages.push({
        ...common,
        type: 'FILE',
        data: f.data,
        file: { url: `https://files.example/${i}`, name: f.fileName, type: f.mimeType, size: f.fileSize, data: f.data },
      });
    } else {
      const p = await prepareSendbirdMessage({ channelUrl: URL_, text: TEXTS[i % TEXTS.length] }, key);
      messages.push({ ...common, type: 'MESG', message: p.message, data: p.data });
    }
    if (i % 1000 === 999) process.stderr.write(`  prepared ${i + 1}/${count}\n`);
  }
  const bob = members[1];
  return {
    messages,
    options: {
      envelopes: { signingKeys, state, userId: 'bob', identityPrivateKey: bob.identity.identityPrivateKey },
      given: {
        signingKeys,
        state,
        conversationKeys: { [k1.conversationKeyVersion]: k1.conversationKey, [k2.conversationKeyVersion]: k2.conversationKey },
      },
    },
  };
}

async function main() {
  const count = Number(arg('count', '10000'));
  const rounds = Number(arg('rounds', '3'));
  const impls = arg('impls', 'node,node-sync,webcrypto,noble').split(',');
  const modes = arg('keys', 'envelopes,given').split(',');
  const cpu = cpus()[0];
  console.log(
    `chat-keykit bench: openSendbirdMessages, ${count} messages (3 senders, 2 key versions, 1 in 10 a file), median of ${rounds} rounds, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `machine: ${cpu?.model ?? 'unknown CPU'}, ${availableParallelism()} hardware threads, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  const h = await history(count);
  const node = await resolveBackend('node');
  const backends = { 'node-sync': Object.freeze({ ...node, verifyOffThread: undefined }) };
  const times = {};
  for (let r = 0; r < rounds; r++) {
    for (const mode of modes) {
      for (const impl of impls) {
        const t = performance.now();
        const c = process.cpuUsage();
        const { results } = await openSendbirdMessages(h.messages, { ...h.options[mode], backend: backends[impl] ?? impl });
        const used = process.cpuUsage(c);
        const wall = performance.now() - t;
        const bad = results.filter((x) => !x.ok);
        if (bad.length > 0) throw new Error(`${impl}: ${bad.length} messages refused, the first: ${bad[0].error.message}`);
        (times[`${mode} ${impl}`] ??= []).push({ wall, cpu: (used.user + used.system) / 1000 });
      }
    }
    process.stderr.write(`  round ${r + 1}/${rounds}\n`);
  }
  const rows = [];
  for (const mode of modes) {
    for (const impl of impls) {
      const t = times[`${mode} ${impl}`];
      const wall = median(t.map((x) => x.wall));
      const cpuMs = median(t.map((x) => x.cpu));
      rows.push({
        keys: mode === 'envelopes' ? 'opened from the envelopes' : 'given',
        backend: impl,
        'total ms (wall)': wall.toFixed(0),
        'µs/message (wall)': ((wall * 1000) / count).toFixed(1),
        'total ms (CPU)': cpuMs.toFixed(0),
        [`under 1 s for ${count}`]: wall < 1000 ? 'yes' : 'no',
        runs: t.map((x) => x.wall.toFixed(0)).join(' '),
      });
    }
  }
  console.table(rows);
}

await main();
