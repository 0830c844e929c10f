#!/usr/bin/env node
/**
 * Prints the official SDK's (@xdevplatform/chat-xdk, devDependency) message-layer outputs quoted in
 * docs/xchat-messages.md, so every number there can be regenerated:
 *
 *   node docs/tools/sdk-samples.mjs              samples (plaintext hex, payloads, Event objects)
 *   node docs/tools/sdk-samples.mjs --bench      + timings (10,000-event history, 64 MiB streams)
 *   node docs/tools/sdk-samples.mjs --fixture F  + decryptEvents over the SDK's published vector file F
 *
 * Message ids, nonces, signatures and key versions are random or clock-based in the SDK, so those
 * change from run to run; plaintext bytes, payload shapes and Event shapes do not.
 * Test-only tooling: nothing in src/ imports it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
const sdk = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
await sdk.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
const { Chat } = sdk;

const args = process.argv.slice(2);
const hex = (u) => Buffer.from(u).toString('hex');
const b64 = (u) => Buffer.from(u).toString('base64');
const b64np = (u) => b64(u).replace(/=+$/, '');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const utf8 = (s) => new TextEncoder().encode(s);
const show = (o) => JSON.stringify(o, (k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2);

// --- minimal TBinaryProtocol writer/reader (just enough for envelopes and inspection) ---
function tw(fields) {
  const out = [];
  const u8 = (b) => out.push(b & 255);
  const i16 = (n) => {
    u8(n >> 8);
    u8(n);
  };
  const i32 = (n) => {
    u8(n >>> 24);
    u8(n >>> 16);
    u8(n >>> 8);
    u8(n);
  };
  const val = (t, v) => {
    if (t === 2) u8(v ? 1 : 0);
    else if (t === 8) i32(v);
    else if (t === 10) {
      const b = BigInt.asUintN(64, BigInt(v));
      for (let i = 7; i >= 0; i--) u8(Number((b >> BigInt(8 * i)) & 255n));
    } else if (t === 11) {
      const b = typeof v === 'string' ? utf8(v) : v;
      i32(b.length);
      for (const x of b) u8(x);
    } else if (t === 12) {
      if (v instanceof Uint8Array) for (const x of v) u8(x);
      else st(v);
    } else if (t === 15) {
      u8(v.et);
      i32(v.items.length);
      for (const x of v.items) val(v.et, x);
    } else throw new Error('type ' + t);
  };
  const st = (fs) => {
    for (const f of fs) {
      u8(f.t);
      i16(f.id);
      val(f.t, f.v);
    }
    u8(0);
  };
  st(fields);
  return new Uint8Array(out);
}
function tr(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 0;
  const val = (t) => {
    switch (t) {
      case 2:
        return buf[p++] !== 0;
      case 3:
        return dv.getInt8(p++);
      case 4: {
        const v = dv.getFloat64(p);
        p += 8;
        return v;
      }
      case 6: {
        const v = dv.getInt16(p);
        p += 2;
        return v;
      }
      case 8: {
        const v = dv.getInt32(p);
        p += 4;
        return v;
      }
      case 10: {
        const v = dv.getBigInt64(p);
        p += 8;
        return v;
      }
      case 11: {
        const n = dv.getInt32(p);
        p += 4;
        const v = buf.subarray(p, p + n);
        p += n;
        return v;
      }
      case 12:
        return st();
      case 13: {
        const kt = buf[p++],
          vt = buf[p++],
          n = dv.getInt32(p);
        p += 4;
        const m = [];
        for (let i = 0; i < n; i++) m.push([val(kt), val(vt)]);
        return m;
      }
      case 14:
      case 15: {
        const et = buf[p++],
          n = dv.getInt32(p);
        p += 4;
        const l = [];
        for (let i = 0; i < n; i++) l.push(val(et));
        l.et = et;
        return l;
      }
      default:
        throw new Error('type ' + t);
    }
  };
  const st = () => {
    const f = [];
    for (;;) {
      const t = buf[p++];
      if (t === 0) return f;
      const id = dv.getInt16(p);
      p += 2;
      f.push({ id, t, v: val(t) });
    }
  };
  return st();
}
const fld = (s, ...ids) => ids.reduce((cur, id) => cur?.find((f) => f.id === id)?.v, s);
const TN = { 2: 'bool', 8: 'i32', 10: 'i64', 11: 'string', 12: 'struct', 13: 'map', 15: 'list' };
function tree(s, ind = '  ') {
  return s
    .map((f) => {
      let v;
      if (f.t === 12) v = '\n' + tree(f.v, ind + '  ');
      else if (f.t === 11) {
        let txt = null;
        try {
          txt = new TextDecoder('utf-8', { fatal: true }).decode(f.v);
        } catch {
          // not UTF-8: shown as bytes below
        }
        v =
          txt !== null && /^[\x20-\x7e\u00a0-\u{10ffff}]*$/u.test(txt) && f.v.length < 200 ? JSON.stringify(txt) : `<${f.v.length} bytes>`;
      } else if (f.t === 15)
        v =
          `[${f.v.length}]` +
          (f.v.et === 12
            ? '\n' + f.v.map((x, i) => `${ind}  [${i}]\n` + tree(x, ind + '    ')).join('\n')
            : ' ' + JSON.stringify(f.v.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString() : String(x)))));
      else v = String(f.v);
      return `${ind}${f.id}: ${TN[f.t] ?? f.t} ${v}`;
    })
    .join('\n');
}

// --- actors ---
function member(id, version = '1700000000001') {
  const chat = new Chat();
  const reg = chat.generateKeypairs().publicKey;
  chat.setIdentity(id, version);
  return {
    id,
    version,
    chat,
    pub: { userId: id, publicKey: reg.publicKey, keyVersion: version },
    sk: {
      userId: id,
      publicKeyVersion: version,
      publicKey: reg.signingPublicKey,
      identityPublicKey: reg.publicKey,
      identityPublicKeySignature: reg.identityPublicKeySignature,
    },
  };
}
function sigStruct(signature, pkv, sv = '7') {
  return tw([
    { id: 1, t: 11, v: signature },
    { id: 2, t: 11, v: pkv },
    { id: 3, t: 11, v: sv },
  ]);
}
/** What the backend would deliver for a SendPayload (MessageEvent with detail variant 1). */
function deliver(r, seq, sender, conv) {
  const detail = tw([{ id: 1, t: 12, v: unb64(r.encryptedContent) }]);
  return b64(
    tw([
      { id: 1, t: 11, v: seq },
      { id: 2, t: 11, v: r.messageId },
      { id: 3, t: 11, v: sender },
      { id: 4, t: 11, v: conv },
      { id: 6, t: 11, v: '1700000000000' },
      { id: 7, t: 12, v: detail },
      { id: 9, t: 12, v: unb64(r.encodedEventSignature) },
    ]),
  );
}
/** What the backend would deliver for an action signature (detail = encodedMessageEventDetail). */
function deliverAction(a, seq, sender, conv) {
  return b64(
    tw([
      { id: 1, t: 11, v: seq },
      { id: 2, t: 11, v: a.messageId },
      { id: 3, t: 11, v: sender },
      { id: 4, t: 11, v: conv },
      { id: 6, t: 11, v: '1700000000000' },
      { id: 7, t: 12, v: unb64(a.encodedMessageEventDetail) },
      { id: 9, t: 12, v: sigStruct(a.signature, a.publicKeyVersion, a.signatureVersion) },
    ]),
  );
}
const box = (key, blob) => xsalsa20poly1305(key, blob.subarray(0, 24)).decrypt(blob.subarray(24));

const A = member('111'),
  B = member('222');
const kc = A.chat.prepareConversationKeyChange({ publicKeys: [A.pub, B.pub] });
const conv = kc.conversationId; // "111:222"
const key = kc.conversationKey,
  ckv = kc.conversationKeyVersion;
const keys = { [ckv]: key };
const sks = [A.sk, B.sk];
const kcEvent = deliverAction(kc.actionSignatures[0], '100', '111', conv);
const spkA = A.chat.getPublicKeys().signing;

let seq = 100;
function sample(title, fn, params, who = A) {
  const r = who.chat[fn]({ conversationKey: key, conversationKeyVersion: ckv, ...params });
  const mce = tr(unb64(r.encryptedContent));
  const blob = fld(mce, 100);
  const pt = box(key, blob);
  const payloadConv = conv; // signer canonicalises every 1:1 form to min:max
  const payload = ['MessageCreateEvent', r.messageId, who.id, payloadConv, r.conversationKeyVersion, b64np(blob)].join(',');
  const ok = who.chat.verify(who === A ? spkA : B.chat.getPublicKeys().signing, unb64(r.signature), utf8(payload));
  const ev = deliver(r, String(++seq), who.id, conv);
  const out = B.chat.decryptEvent(ev, keys, sks);
  console.log(`\n### ${title}  (${fn}, conversationId ${JSON.stringify(params.conversationId ?? '(from target)')})`);
  console.log('plaintext MessageEntryHolder (' + pt.length + ' bytes):\n' + hex(pt));
  console.log(tree(tr(pt)));
  console.log(`MessageCreateEvent fields: ${mce.map((f) => f.id).join(', ')}; contents ${blob.length} bytes = plaintext + 40`);
  console.log(
    `signed payload (verifies with sender key: ${ok}):\n  MessageCreateEvent,${r.messageId},${who.id},${payloadConv},${r.conversationKeyVersion},<b64nopad(contents), ${b64np(blob).length} chars>`,
  );
  console.log('decryptEvent →', show(out));
  return { r, ev };
}

console.log('# chat-xdk', JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, 'message-layer samples');
const first = sample('text "hi"', 'encryptMessage', { conversationId: '222', text: 'hi' });
console.log('SendPayload:', show(first.r));
console.log('encodedEventSignature:', tree(tr(unb64(first.r.encodedEventSignature))));
sample('two entities', 'encryptMessage', {
  conversationId: '222-111',
  text: '@bob see https://x.co',
  entities: [
    [0, 4, 'mention'],
    [9, 21, 'url'],
  ],
});
sample('media attachment', 'encryptMessage', {
  conversationId: '111:222',
  text: 'photo',
  attachments: [{ attachment_type: 'media', media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' }],
});
sample('URL card with banner and favicon', 'encryptMessage', {
  conversationId: '222',
  text: 'https://example.com',
  attachments: [
    {
      attachment_type: 'url',
      url: 'https://example.com',
      display_title: 'Example',
      banner_image: { media_hash_key: 'ban1', filesize_bytes: 2400, filename: 'b.jpg', width: 1200, height: 630 },
      favicon_image: { media_hash_key: 'fav1', filesize_bytes: 120, filename: 'f.ico' },
    },
  ],
});
sample('post attachment', 'encryptMessage', {
  conversationId: '222',
  text: 'p',
  attachments: [{ attachment_type: 'post', rest_id: '1234', post_url: 'https://x.com/a/status/1234' }],
});
const orig = sample(
  'original (by 222) for the reply',
  'encryptMessage',
  { conversationId: '111', text: 'original', entities: [[0, 8, 'hashtag']] },
  B,
);
sample('reply (replyToEvent)', 'encryptReply', { conversationId: '222', text: 'my reply', replyToEvent: orig.ev });
sample('edit', 'encryptEdit', { updatedText: 'hello', targetEvent: first.ev });
sample('reaction add', 'encryptAddReaction', { emoji: '👍', targetEvent: first.ev });
sample('reaction remove', 'encryptRemoveReaction', { emoji: '👍', conversationId: '222-111', targetMessageSequenceId: '101' });

console.log('\n### prepareMessageDelete');
const del = A.chat.prepareMessageDelete({ conversationId: '222-111', sequenceIds: ['5', '6'], deleteForAll: true });
console.log(show(del));
console.log('detail hex:', hex(unb64(del.encodedMessageEventDetail)));
console.log(tree(tr(unb64(del.encodedMessageEventDetail))));
console.log('decryptEvent →', show(B.chat.decryptEvent(deliverAction(del, '300', '111', conv), keys, sks)));

console.log('\n### decryptEvents([keyChange, message])');
console.log(show(B.chat.decryptEvents([kcEvent, first.ev], sks)));

if (args.includes('--fixture')) {
  const v = JSON.parse(readFileSync(args[args.indexOf('--fixture') + 1], 'utf8'));
  const chat = new Chat();
  chat.importKeys(unb64(v.private_keys_concat_b64), v.event_recipient_key_version);
  const sk = [
    {
      userId: v.event_sender_id,
      publicKeyVersion: v.event_signing_key_version,
      publicKey: v.signing_public_b64,
      identityPublicKey: v.identity_public_b64,
      identityPublicKeySignature: v.identity_public_key_signature_b64,
    },
  ];
  const evs = [
    'event_key_change_b64',
    'event_message_b64',
    'event_reply_valid_b64',
    'event_reply_forged_b64',
    'event_failure_b64',
    'event_garbage_b64',
  ];
  console.log('\n### fixture decryptEvents(' + evs.join(', ') + ')');
  console.log(
    show(
      chat.decryptEvents(
        evs.map((k) => v[k]),
        sk,
      ),
    ),
  );
}

if (args.includes('--bench')) {
  const now = () => performance.now();
  const C = member('333');
  const g = A.chat.prepareGroupCreate({
    publicKeys: [A.pub, B.pub, C.pub],
    conversationId: 'g1234',
    memberIds: ['111', '222', '333'],
    adminIds: ['111'],
  });
  const senders = [A, B, C];
  const enc = (w, i) =>
    w.chat.encryptMessage({
      conversationId: 'g1234',
      text: 'The quick brown fox jumps over the lazy dog, 0123456789!' + i,
      conversationKey: g.conversationKey,
      conversationKeyVersion: g.conversationKeyVersion,
    });
  for (let i = 0; i < 200; i++) enc(A, i);
  const events = [deliverAction(g.actionSignatures[0], '1', '111', 'g1234')];
  let t0 = now();
  for (let i = 0; i < 9999; i++) {
    const w = senders[i % 3];
    events.push(deliver(enc(w, i), String(1000 + i), w.id, 'g1234'));
  }
  console.log(`\nencryptMessage: ${(((now() - t0) / 9999) * 1000).toFixed(0)} µs/message`);
  const gk = { [g.conversationKeyVersion]: g.conversationKey };
  const all = [A.sk, B.sk, C.sk];
  for (let i = 1; i < 300; i++) B.chat.decryptEvent(events[i], gk, all);
  t0 = now();
  for (let i = 1; i <= 3000; i++) B.chat.decryptEvent(events[i], gk, all);
  console.log(`decryptEvent, 3 signing-key entries passed: ${(((now() - t0) / 3000) * 1000).toFixed(0)} µs/event`);
  t0 = now();
  for (let i = 1; i <= 3000; i++) B.chat.decryptEvent(events[i], gk, [senders[(i - 1) % 3].sk]);
  console.log(`decryptEvent, only the sender's entry passed: ${(((now() - t0) / 3000) * 1000).toFixed(0)} µs/event`);
  const runs = [];
  for (let r = 0; r < 3; r++) {
    t0 = now();
    const res = B.chat.decryptEvents(events, all);
    runs.push(now() - t0);
    if (Object.keys(res.errors).length) throw new Error('errors');
  }
  runs.sort((a, b) => a - b);
  console.log(
    `decryptEvents, 10,000 events (1 key change + 9,999 messages, 3 senders): median ${runs[1].toFixed(0)} ms = ${(runs[1] / 10).toFixed(0)} µs/event`,
  );
  const title = 'Weekend hiking group 🏔';
  let ct;
  for (let i = 0; i < 1000; i++) ct = A.chat.encrypt(title, g.conversationKey);
  t0 = now();
  for (let i = 0; i < 20000; i++) ct = A.chat.encrypt(title, g.conversationKey);
  console.log(`encrypt (metadata): ${((now() - t0) / 20).toFixed(2)} µs/call`);
  t0 = now();
  for (let i = 0; i < 20000; i++) A.chat.decrypt(ct, g.conversationKey);
  console.log(`decrypt (metadata): ${((now() - t0) / 20).toFixed(2)} µs/call`);
  const big = new Uint8Array(64 << 20);
  for (let i = 0; i < big.length; i += 65536) big.set(randomBytes(65536), i);
  A.chat.decryptStream(A.chat.encryptStream(big.subarray(0, 4 << 20), g.conversationKey), g.conversationKey);
  const er = [],
    dr = [];
  let es;
  for (let r = 0; r < 3; r++) {
    t0 = now();
    es = A.chat.encryptStream(big, g.conversationKey);
    er.push(now() - t0);
    t0 = now();
    A.chat.decryptStream(es, g.conversationKey);
    dr.push(now() - t0);
  }
  er.sort((a, b) => a - b);
  dr.sort((a, b) => a - b);
  console.log(`encryptStream 64 MiB: ${(64000 / er[1]).toFixed(1)} MiB/s; decryptStream: ${(64000 / dr[1]).toFixed(1)} MiB/s`);
}
