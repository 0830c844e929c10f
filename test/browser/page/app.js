// The browser test page: one source, built by every bundler the browser suite covers (Vite,
// webpack, esbuild). Plain JavaScript (no TypeScript, no top-level await) so that each bundler
// takes it with its defaults. It imports the package root only, as a web app would.
//
// It exercises the public API end to end, records how the library ran (what it says:
// resolveBackend, runtimeReport, prepared.wrapping; and what the page sees: Web Workers started,
// CSP violations) and publishes a JSON result as `window.__keykit` for the driver
// (test/browser/browser.test.mjs), plus a readable copy in the page for screenshots.
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
} from 'chat-keykit';
import { resolveBackend, runtimeReport } from 'chat-keykit/backends';
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

  // Last, so that the prepare calls above found out by themselves how this page runs.
  await step('runtimeReport', async () => {
    result.runtime = await runtimeReport();
    return result.runtime;
  });

  return result;
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
