// The browser test page: one source, built by every bundler the browser suite covers (Vite,
// webpack, esbuild). Plain JavaScript (no TypeScript, no top-level await) so that each bundler
// takes it with its defaults. It imports the package root only, as a web app would.
//
// It exercises the public API end to end, records how the library ran (what it says:
// resolveBackend, runtimeReport, prepared.wrapping; and what the page sees: Web Workers started,
// CSP violations) and publishes a JSON result as `window.__keykit` for the driver
// (test/browser/browser.test.mjs), plus a readable copy in the page for screenshots.
//
// The message layer runs on inputs the driver made in Node with the library and the official SDK
// (fixtures.json, next to the page: test/browser/fixtures.mjs): the page decrypts them, and
// returns what it encrypted (messages, metadata, media) in `result.outputs` for the driver to
// decrypt with the SDK.
import {
  generateIdentity,
  buildKeyRegistration,
  keyRecordFromRegistration,
  prepareGroupCreate,
  prepareConversationKeyChange,
  prepareGroupMembersChange,
  createGroupRequest,
  addConversationKeysRequest,
  addMembersRequest,
  verifyCreateGroupRequest,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  importPrivateKeys,
  encryptMessage,
  encryptReply,
  encryptEdit,
  encryptAddReaction,
  decryptEvents,
  encryptMetadata,
  decryptMetadata,
  encryptMedia,
  decryptMedia,
  createMediaEncryptor,
  createMediaDecryptor,
  mediaEncryptionStream,
  mediaDecryptionStream,
  mediaCiphertextLength,
} from 'chat-keykit';
import { resolveBackend, runtimeReport } from 'chat-keykit/backends';
import { decodeBase64, decodeStruct, encodeBase64, encodeStruct, XChatStructs } from 'chat-keykit/wire';
import { prepareSendbirdChannelKey, createSendbirdGroupChannelRequest, openSendbirdChannelKey } from 'chat-keykit/sendbird';

const GROUP = 'g1234567890123456789';
const VERSION = '1700000000000';
const LARGE = 300; // above the webcrypto backend's cold Web Worker threshold (256)

// How it ran, seen from outside the library: Web Workers it started, and CSP violations.
const seen = { workersCreated: 0, workerConstructorErrors: [], workerErrorEvents: 0, cspViolations: [] };
const NativeWorker = globalThis.Worker;
if (typeof NativeWorker === 'function') {
  globalThis.Worker = class CountingWorker extends NativeWorker {
    constructor(...args) {
      try {
        super(...args);
      } catch (e) {
        seen.workerConstructorErrors.push(describe(e));
        throw e;
      }
      seen.workersCreated++;
      this.addEventListener('error', () => seen.workerErrorEvents++);
    }
  };
}
if (typeof document !== 'undefined') {
  document.addEventListener('securitypolicyviolation', (e) => {
    seen.cspViolations.push({ directive: e.effectiveDirective || e.violatedDirective, blockedURI: String(e.blockedURI).slice(0, 40) });
  });
}

function describe(e) {
  if (e && typeof e === 'object') {
    return {
      name: e.name,
      code: e.code,
      field: e.field,
      message: String(e.message),
      stack: String(e.stack || '')
        .split('\n')
        .slice(0, 4)
        .join('\n'),
    };
  }
  return { message: String(e) };
}

function assert(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A user with a registered key: identity, registration body, and the key record the API serves. */
async function makeUser(userId) {
  const identity = await generateIdentity();
  const registration = await buildKeyRegistration(identity, { version: VERSION });
  return { userId, identity, registration, record: keyRecordFromRegistration(userId, registration) };
}

async function run() {
  const steps = [];
  const result = {
    env: {
      isSecureContext: globalThis.isSecureContext,
      hasSubtle: typeof globalThis.crypto?.subtle === 'object' && globalThis.crypto.subtle !== null,
      subtle: typeof globalThis.crypto?.subtle, // 'undefined' outside a secure context
      hasGetRandomValues: typeof globalThis.crypto?.getRandomValues === 'function',
      hasWorker: typeof NativeWorker === 'function',
      hardwareConcurrency: globalThis.navigator?.hardwareConcurrency,
      origin: globalThis.location?.origin,
      userAgent: globalThis.navigator?.userAgent,
    },
    backend: null,
    runtime: null,
    steps,
    seen,
    outputs: null,
  };
  const step = async (name, fn) => {
    const t = performance.now();
    const rec = { name, ok: false };
    steps.push(rec);
    try {
      const details = await fn();
      rec.ok = true;
      if (details !== undefined) rec.details = details;
    } catch (e) {
      rec.error = describe(e);
    }
    rec.ms = Math.round(performance.now() - t);
    return rec.ok;
  };

  await step('resolveBackend', async () => {
    result.backend = (await resolveBackend()).name;
    return { backend: result.backend };
  });

  let alice;
  const identityOk = await step('generateIdentity', async () => {
    const id = await generateIdentity();
    assert(id.identityPublicKey.length === 65 && id.identityPublicKey[0] === 4, 'identity public key is 65-byte SEC1');
    assert(id.signingPublicKey.length === 65 && id.signingPublicKey[0] === 4, 'signing public key is 65-byte SEC1');
    assert(id.identityPrivateKey.length === 32 && id.signingPrivateKey.length === 32, 'private scalars are 32 bytes');
    assert(!sameBytes(id.identityPrivateKey, id.signingPrivateKey), 'the two private keys differ');
    const other = await generateIdentity();
    assert(!sameBytes(id.identityPrivateKey, other.identityPrivateKey), 'two identities differ');
  });
  if (!identityOk) return result; // nothing below can run

  await step('buildKeyRegistration+keyRecordFromRegistration', async () => {
    alice = await makeUser('1000000');
    const { publicKeyInput, signingKeyEntry } = alice.record;
    assert(publicKeyInput.userId === '1000000' && publicKeyInput.keyVersion === VERSION, 'key record names the user and version');
    assert(typeof signingKeyEntry.identityPublicKeySignature === 'string', 'key record carries the binding signature');
  });
  if (!alice) return result;

  // LARGE members with registered keys; alice is the first.
  const users = [alice];
  const usersOk = await step(`register ${LARGE} users`, async () => {
    for (let i = 1; i < LARGE; i++) users.push(await makeUser(String(1_000_000 + i)));
  });
  if (!usersOk) return result;
  const sender = { userId: alice.userId, signingKeyVersion: VERSION, signingPrivateKey: alice.identity.signingPrivateKey };
  const signingKeys = users.slice(0, 8).map((u) => u.record.signingKeyEntry);
  const asRecipient = (u) => ({ userId: u.userId, identityPrivateKey: u.identity.identityPrivateKey });
  const wire = (body) => JSON.parse(JSON.stringify(body)); // as a server or member receives it

  const groupCreate = async (n) => {
    const members = users.slice(0, n);
    const workersBefore = seen.workersCreated;
    const t = performance.now();
    const prepared = await prepareGroupCreate({
      publicKeys: members.map((u) => u.record.publicKeyInput),
      sender,
      conversationId: GROUP,
      memberIds: members.map((u) => u.userId),
      title: 'Browser',
      ttlMsec: 86_400_000,
    });
    const prepareMs = Math.round(performance.now() - t);
    assert(prepared.participantKeys.length === n, `${n} wrapped keys`);
    const body = wire(createGroupRequest(prepared));
    const last = members[n - 1];
    const report = await verifyCreateGroupRequest(body, { senderId: alice.userId, signingKeys, recipient: asRecipient(last) });
    assert(report.valid, `valid body (problems: ${JSON.stringify(report.problems)})`);
    assert(sameBytes(report.conversationKey, prepared.conversationKey), 'the recipient unwraps the conversation key');
    const tampered = wire(body);
    tampered.group_name = 'Tampered';
    const bad = await verifyCreateGroupRequest(tampered, { senderId: alice.userId, signingKeys, recipient: asRecipient(last) });
    assert(!bad.valid && bad.problems.length > 0, 'a tampered body (group_name) is invalid');
    return {
      prepareMs,
      wrapping: prepared.wrapping,
      workersStarted: seen.workersCreated - workersBefore,
      tamperedProblems: bad.problems.map((p) => p.code),
    };
  };
  await step('prepareGroupCreate 4 + createGroupRequest + verifyCreateGroupRequest', () => groupCreate(4));
  await step(`prepareGroupCreate ${LARGE} + createGroupRequest + verifyCreateGroupRequest`, () => groupCreate(LARGE));

  await step('prepareConversationKeyChange + addConversationKeysRequest + verifyAddConversationKeysRequest', async () => {
    const members = users.slice(0, 4);
    const prepared = await prepareConversationKeyChange({
      publicKeys: members.map((u) => u.record.publicKeyInput),
      sender,
      conversationId: GROUP,
      memberIds: members.map((u) => u.userId),
    });
    const body = wire(addConversationKeysRequest(prepared));
    const options = { conversationId: GROUP, senderId: alice.userId, signingKeys, recipient: asRecipient(members[3]) };
    const report = await verifyAddConversationKeysRequest(body, options);
    assert(report.valid, `valid body (problems: ${JSON.stringify(report.problems)})`);
    assert(sameBytes(report.conversationKey, prepared.conversationKey), 'the recipient unwraps the conversation key');
    const tampered = wire(body);
    tampered.conversation_key_version = String(BigInt(body.conversation_key_version) + 1n);
    const bad = await verifyAddConversationKeysRequest(tampered, options);
    assert(!bad.valid, 'a tampered body (conversation_key_version) is invalid');
    return { wrapping: prepared.wrapping, tamperedProblems: bad.problems.map((p) => p.code) };
  });

  await step('prepareGroupMembersChange + addMembersRequest + verifyAddMembersRequest', async () => {
    const current = users.slice(0, 4);
    const added = users.slice(4, 6);
    const prepared = await prepareGroupMembersChange({
      publicKeys: [...current, ...added].map((u) => u.record.publicKeyInput),
      sender,
      conversationId: GROUP,
      newMemberIds: added.map((u) => u.userId),
      currentMemberIds: current.map((u) => u.userId),
      currentAdminIds: [alice.userId],
      currentTitle: 'Browser',
    });
    const body = wire(addMembersRequest(prepared));
    const options = { conversationId: GROUP, senderId: alice.userId, signingKeys, recipient: asRecipient(added[1]) };
    const report = await verifyAddMembersRequest(body, options);
    assert(report.valid, `valid body (problems: ${JSON.stringify(report.problems)})`);
    assert(sameBytes(report.conversationKey, prepared.conversationKey), 'the new member unwraps the conversation key');
    const tampered = wire(body);
    tampered.user_ids = [tampered.user_ids[0]];
    const bad = await verifyAddMembersRequest(tampered, options);
    assert(!bad.valid, 'a tampered body (user_ids) is invalid');
    return { wrapping: prepared.wrapping, tamperedProblems: bad.problems.map((p) => p.code) };
  });

  await step('Sendbird: prepareSendbirdChannelKey + createSendbirdGroupChannelRequest + openSendbirdChannelKey', async () => {
    const [a, b] = users;
    const prepared = await prepareSendbirdChannelKey({
      channelUrl: 'team_room',
      publicKeys: [a.record.publicKeyInput, b.record.publicKeyInput],
      memberIds: [a.userId, b.userId],
      sender,
    });
    const request = createSendbirdGroupChannelRequest(
      { user_ids: [a.userId, b.userId], channel_url: 'team_room', name: 'Team', data: '{"theme":"dark"}' },
      { applicationId: 'APP-ID', apiToken: 'API-TOKEN', e2ee: prepared },
    );
    assert(request.method === 'POST' && typeof request.body === 'string', 'a JSON POST request');
    const channel = {
      channel_url: 'team_room',
      data: JSON.parse(request.body).data,
      members: [{ user_id: a.userId }, { user_id: b.userId }],
    };
    const opened = await openSendbirdChannelKey(channel, {
      userId: b.userId,
      identityPrivateKey: b.identity.identityPrivateKey,
      signingKeys,
    });
    assert(
      opened.conversationKey.length === 32 && sameBytes(opened.conversationKey, prepared.conversationKey),
      'the member opens the conversation key',
    );
    assert(opened.appData === '{"theme":"dark"}', 'the application data survives');
    // A tampered envelope (another channel's URL) is refused with a typed error.
    let refused;
    try {
      await openSendbirdChannelKey(
        { ...channel, channel_url: 'other_room' },
        { userId: b.userId, identityPrivateKey: b.identity.identityPrivateKey, signingKeys },
      );
    } catch (e) {
      refused = e && e.code;
    }
    assert(typeof refused === 'string' && refused.startsWith('ERR_'), `a tampered channel is refused with an error code (got ${refused})`);
    return { url: request.url.replace(/^https:\/\/[^/]+/, '…'), refused };
  });

  await messageLayer(step, result);

  // Last, so that the prepare calls above found out by themselves how this page runs.
  await step('runtimeReport', async () => {
    result.runtime = await runtimeReport();
    return result.runtime;
  });

  return result;
}

/** The bytes of a test file of `n` bytes: the same as `pattern` in test/browser/fixtures.mjs. */
function pattern(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8) * 13 + 3) & 255;
  return out;
}

/** Delivers a sent message as the X backend does: a MessageEvent envelope, base64. */
function deliver(sent, sequenceId, senderId, conversationId) {
  const S = XChatStructs;
  return encodeBase64(
    encodeStruct(S.MessageEvent, {
      sequenceId: String(sequenceId),
      messageId: sent.messageId,
      senderId,
      conversationId,
      createdAtMsec: '1700000000000',
      detail: { messageCreateEvent: decodeStruct(S.MessageCreateEvent, decodeBase64(sent.encryptedContent)) },
      messageEventSignature: decodeStruct(S.MessageEventSignature, decodeBase64(sent.encodedEventSignature)),
    }),
  );
}

/** The error code of what `fn` throws (or of a rejected promise), or a note that it did not throw. */
async function codeOf(fn) {
  try {
    await fn();
  } catch (e) {
    return e && e.code;
  }
  return 'did not throw';
}

/** Runs bytes through a TransformStream in `piece`-byte writes; resolves with the output, concatenated. */
async function throughStream(transform, input, piece) {
  const source = new ReadableStream({
    start(controller) {
      for (let i = 0; i < input.length; i += piece) controller.enqueue(input.slice(i, i + piece));
      controller.close();
    },
  });
  const reader = source.pipeThrough(transform).getReader();
  const parts = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return concat(parts);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Pushes bytes through a media encryptor or decryptor in `piece`-byte pushes, then finishes. */
function pushAll(streamer, input, piece) {
  const parts = [];
  for (let i = 0; i < input.length; i += piece) parts.push(streamer.push(input.subarray(i, i + piece)));
  parts.push(streamer.finish());
  return concat(parts);
}

/**
 * The message layer, on the driver's fixtures (fixtures.json): decryptEvents of a history made in
 * Node, encrypt → decryptEvents round trips with a reply, an edit and a reaction, metadata, and
 * media one-shot, incremental and through Web Streams, with each backend the page has (webcrypto
 * and noble in a secure context, noble alone without crypto.subtle). What the page encrypted goes
 * to `result.outputs`, for the driver to decrypt with the official SDK.
 */
async function messageLayer(step, result) {
  let fx;
  const loaded = await step('message layer: fixtures.json (made in Node by the library and the official SDK)', async () => {
    const response = await fetch('./fixtures.json');
    assert(response.ok, `fixtures.json: HTTP ${response.status}`);
    fx = await response.json();
  });
  if (!loaded) return;
  const backends = result.backend === 'webcrypto' ? ['webcrypto', 'noble'] : [result.backend];
  const bob = await importPrivateKeys(decodeBase64(fx.bob.blob));
  const key = decodeBase64(fx.conversationKey);
  const ckv = fx.conversationKeyVersion;
  const group = fx.conversationId;
  const receive = (events, backend) =>
    decryptEvents(events, {
      recipient: { userId: fx.bob.userId, identityPrivateKey: bob.identityPrivateKey },
      signingKeys: fx.signingKeys,
      backend,
    });
  const outputs = { backends, messages: {}, metadata: {}, media: {} };
  result.outputs = outputs;

  /** Checks a decrypted event against what it must be: type, sender, verified, content fields, reply preview. */
  const checkEvent = (got, want, label) => {
    assert(got, `${label}: missing`);
    const e = got.event;
    assert(
      e.type === want.type && e.senderId === want.senderId,
      `${label}: ${e.type} from ${e.senderId}, expected ${want.type} from ${want.senderId}`,
    );
    assert(e.verified === true, `${label}: not verified`);
    for (const [k, v] of Object.entries(want.content ?? {}))
      assert(e.content?.[k] === v, `${label}: content.${k} is ${JSON.stringify(e.content?.[k])}, expected ${JSON.stringify(v)}`);
    if (want.replyingToPreview) {
      for (const [k, v] of Object.entries(want.replyingToPreview))
        assert(
          e.content?.replyingToPreview?.[k] === v,
          `${label}: replyingToPreview.${k} is ${JSON.stringify(e.content?.replyingToPreview?.[k])}`,
        );
      assert(e.replyPreviewValidation === 'valid', `${label}: replyPreviewValidation ${e.replyPreviewValidation}`);
    }
  };

  await step(
    'message layer: decryptEvents of a history from Node (key change, library and SDK messages, an SDK reply, an edit, a reaction)',
    async () => {
      for (const backend of backends) {
        const r = await receive(fx.events, backend);
        assert(Object.keys(r.errors).length === 0, `${backend}: errors ${JSON.stringify(r.errors)}`);
        assert(r.messages.length === fx.expected.length, `${backend}: ${r.messages.length} events, expected ${fx.expected.length}`);
        fx.expected.forEach((want, i) => checkEvent(r.messages[i], want, `${backend}, event ${want.sequenceId}`));
        const set = r.conversationKeys.byConversation[group];
        assert(set?.latestVersion === ckv, `${backend}: latest key version ${set?.latestVersion}, expected ${ckv}`);
        assert(sameBytes(set.keys[ckv], key), `${backend}: the key unwrapped from the key change is the group's key`);
      }
      return { backends, events: fx.events.length };
    },
  );

  await step('message layer: encryptMessage, encryptReply, encryptEdit, encryptAddReaction → decryptEvents', async () => {
    const sender = { userId: fx.bob.userId, signingKeyVersion: fx.bob.signingKeyVersion, signingPrivateKey: bob.signingPrivateKey };
    const common = { conversationKey: key, conversationKeyVersion: ckv, sender };
    const aliceText = fx.events[1];
    const sdkText = fx.events[2];
    let seq = 100;
    for (const backend of backends) {
      const options = { backend };
      const text = `from the page, ${backend} ✓`;
      const sent = [];
      const delivered = [];
      const send = (kind, s) => {
        sent.push({ kind, sequenceId: String(++seq), sent: s });
        delivered.push(deliver(s, seq, fx.bob.userId, group));
        return delivered.at(-1);
      };
      const own = send('text', await encryptMessage({ conversationId: group, text, ...common }, options));
      send('reply', await encryptReply({ conversationId: group, text: `a reply, ${backend}`, replyToEvent: sdkText, ...common }, options));
      send('edit', await encryptEdit({ updatedText: `${text}, edited`, targetEvent: own, ...common }, options));
      send('reaction', await encryptAddReaction({ emoji: '👍', targetEvent: aliceText, ...common }, options));
      const r = await receive([fx.events[0], aliceText, sdkText, ...delivered], backend);
      assert(Object.keys(r.errors).length === 0, `${backend}: errors ${JSON.stringify(r.errors)}`);
      const bySeq = (s) => r.messages.find((m) => m.event.sequenceId === s);
      const [t, reply, edit, reaction] = sent.map((x) => x.sequenceId);
      checkEvent(bySeq(t), { type: 'message', senderId: '222', content: { contentType: 'text', text } }, `${backend} text`);
      checkEvent(
        bySeq(reply),
        {
          type: 'message',
          senderId: '222',
          content: { contentType: 'text', text: `a reply, ${backend}` },
          replyingToPreview: { senderId: '333', messageText: 'hello from the SDK', replyingToMessageSequenceId: '3' },
        },
        `${backend} reply`,
      );
      checkEvent(
        bySeq(edit),
        { type: 'message', senderId: '222', content: { contentType: 'edit', newText: `${text}, edited`, targetMessageId: t } },
        `${backend} edit`,
      );
      checkEvent(
        bySeq(reaction),
        { type: 'message', senderId: '222', content: { contentType: 'reaction', emoji: '👍', targetMessageId: '2' } },
        `${backend} reaction`,
      );
      outputs.messages[backend] = sent.map((x) => ({ ...x, text }));
    }
    return { backends, sent: backends.map((b) => outputs.messages[b].length) };
  });

  await step("message layer: encryptMetadata / decryptMetadata (the SDK's metadata in, ours out), a tampered one refused", async () => {
    const text = await decryptMetadata(fx.metadata.sdkCiphertext, key);
    assert(text === fx.metadata.text, `the SDK's metadata decrypts to ${JSON.stringify(text)}`);
    const codes = {};
    for (const backend of backends) {
      const ciphertext = await encryptMetadata(fx.metadata.text, key, { backend });
      assert((await decryptMetadata(ciphertext, key)) === fx.metadata.text, `${backend}: round trip`);
      outputs.metadata[backend] = ciphertext;
      const bytes = decodeBase64(ciphertext);
      bytes[bytes.length - 1] ^= 1;
      codes[backend] = await codeOf(() => decryptMetadata(encodeBase64(bytes), key));
      assert(codes[backend] === 'ERR_DECRYPT_FAILED', `${backend}: tampered metadata gave ${codes[backend]}`);
    }
    return { tampered: codes };
  });

  await step(`message layer: media one-shot, incremental and Web Streams, ${fx.media.map((m) => m.size).join(', ')} bytes`, async () => {
    for (const backend of backends) {
      const options = { backend };
      outputs.media[backend] = [];
      for (const { size, sdkCiphertext } of fx.media) {
        const plain = pattern(size);
        const label = `${backend}, ${size} bytes`;
        const theirs = decodeBase64(sdkCiphertext);
        // The SDK's ciphertext, decrypted three ways (pieces that do not fall on frame boundaries).
        assert(
          sameBytes(await decryptMedia(theirs, key, { ...options, expectedLength: size }), plain),
          `${label}: decryptMedia of the SDK's`,
        );
        assert(
          sameBytes(pushAll(await createMediaDecryptor(key, options), theirs, 1000), plain),
          `${label}: createMediaDecryptor of the SDK's`,
        );
        assert(
          sameBytes(await throughStream(mediaDecryptionStream(key, options), theirs, 4099), plain),
          `${label}: mediaDecryptionStream of the SDK's`,
        );
        // Ours, three ways, each the right length and decrypting here; the driver has the SDK decrypt them.
        const oneShot = await encryptMedia(plain, key, options);
        const incremental = pushAll(await createMediaEncryptor(key, options), plain, 777);
        const webStreams = await throughStream(mediaEncryptionStream(key, options), plain, 65_536);
        for (const [form, c] of Object.entries({ oneShot, incremental, webStreams })) {
          assert(
            c.length === mediaCiphertextLength(size),
            `${label}: ${form} is ${c.length} bytes, expected ${mediaCiphertextLength(size)}`,
          );
          assert(sameBytes(await decryptMedia(c, key, options), plain), `${label}: ${form} round trip`);
        }
        outputs.media[backend].push({
          size,
          oneShot: encodeBase64(oneShot),
          incremental: encodeBase64(incremental),
          webStreams: encodeBase64(webStreams),
        });
      }
    }
    return { backends, sizes: fx.media.map((m) => m.size) };
  });

  await step(
    'message layer: a tampered or truncated media stream is refused with ERR_DECRYPT_FAILED, one-shot, incremental and Web Streams',
    async () => {
      const largest = fx.media.at(-1);
      const good = decodeBase64(largest.sdkCiphertext);
      const tampered = good.slice();
      tampered[Math.floor(good.length / 2)] ^= 1;
      // Cut after the first frame: what is left is a whole stream without its final frame.
      const truncated = good.slice(0, 24 + 1024 + 17);
      const codes = {};
      for (const backend of backends) {
        const options = { backend };
        for (const [what, bytes] of Object.entries({ tampered, truncated })) {
          const got = {
            oneShot: await codeOf(() => decryptMedia(bytes, key, options)),
            incremental: await codeOf(async () => pushAll(await createMediaDecryptor(key, options), bytes, 4096)),
            webStreams: await codeOf(() => throughStream(mediaDecryptionStream(key, options), bytes, 4096)),
          };
          for (const [form, code] of Object.entries(got))
            assert(code === 'ERR_DECRYPT_FAILED', `${backend}: ${what} stream, ${form}: ${code}`);
          codes[`${backend} ${what}`] = got;
        }
      }
      return codes;
    },
  );
}

function publish(state) {
  globalThis.__keykit = state;
  if (typeof document !== 'undefined') {
    const pre = document.getElementById('out') ?? document.body.appendChild(document.createElement('pre'));
    pre.textContent = JSON.stringify(state, null, 2);
  }
}

publish({ done: false });
run().then(
  (result) => publish({ done: true, result }),
  (e) => publish({ done: true, fatal: describe(e) }),
);
