/**
 * The built package: `npm run build` emits dist/, the exports map resolves each entry point to
 * dist with types, each entry's export list is pinned (the public surface changes only on
 * purpose), nothing exported is mutable, and the demo (`npm start`) runs on built-in defaults.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'pipe',
  });
}, 120_000);

/** The export list of each entry point, as a user imports it. */
const SURFACE: Record<string, string[]> = {
  'chat-keykit': [
    'CONVERSATION_KEY_LENGTH',
    'DEFAULT_LIMITS',
    'DecodeError',
    'ErrorCodes',
    'Identity',
    'InternalError',
    'InvalidInputError',
    'KeykitError',
    'MAX_PROBLEMS_PER_CODE',
    'MEDIA_CHUNK_LENGTH',
    'MEDIA_HEADER_LENGTH',
    'ProblemCodes',
    'SecretBytes',
    'UnsupportedVersionError',
    'VerificationError',
    'WRAPPED_KEY_LENGTH',
    'addConversationKeysRequest',
    'addMembersRequest',
    'bodyKind',
    'buildKeyRegistration',
    'constantTimeEqual',
    'createGroupRequest',
    'createMediaDecryptor',
    'createMediaEncryptor',
    'decryptEvents',
    'decryptMedia',
    'decryptMetadata',
    'encryptMedia',
    'encryptMetadata',
    'exportPrivateKeys',
    'generateConversationKey',
    'generateIdentity',
    'identifySender',
    'importPrivateKeys',
    'keyListing',
    'keyRecordFromRegistration',
    'mediaCiphertextLength',
    'mediaDecryptionStream',
    'mediaEncryptionStream',
    'openKeyChange',
    'prepareConversationKeyChange',
    'prepareGroupCreate',
    'prepareGroupMembersChange',
    'publicKeyFingerprint',
    'unwrapConversationKey',
    'verifyAddConversationKeysRequest',
    'verifyAddMembersRequest',
    'verifyCreateGroupRequest',
    'verifyKeyBinding',
    'wipe',
    'wipeIdentity',
    'wrapConversationKey',
    // Sending messages (src/adapters/xchat/messages/).
    'encryptMessage',
    'encryptReply',
    'encryptEdit',
    'encryptAddReaction',
    'encryptRemoveReaction',
    'prepareMessageDelete',
    'sendMessageRequest',
    'deleteMessagesRequest',
    'conversationPath',
    'mediaUploadInitializeRequest',
    'mediaUploadAppendRequest',
    'mediaUploadAppendRequests',
    'mediaUploadFinalizeRequest',
    'mediaUploadPath',
    'mediaDownloadPath',
    'mediaAttachment',
    'MEDIA_SEGMENT_SIZE',
    'MAX_MEDIA_SEGMENTS',
  ],
  'chat-keykit/sendbird': [
    'DEFAULT_PLACEHOLDER',
    'DEFAULT_ROTATION_GRACE_MS',
    'ENCRYPTED_FILE_NAME',
    'ENVELOPE_FIELD',
    'ENVELOPE_VERSION',
    'MESSAGE_FIELD',
    'MESSAGE_VERSION',
    'SENDBIRD_BATCH',
    'SendbirdCodes',
    'SendbirdValidationError',
    'assertChannelUrl',
    'createSendbirdFileDecryptor',
    'createSendbirdGroupChannelRequest',
    'inviteSendbirdUsersRequest',
    'isChannelUrl',
    'openSendbirdChannelKey',
    'openSendbirdFile',
    'openSendbirdMessage',
    'openSendbirdMessages',
    'parseChannelData',
    'parseMessageData',
    'planSendbirdSupergroup',
    'prepareSendbirdChannelKey',
    'prepareSendbirdFileMessage',
    'prepareSendbirdMessage',
    'prepareSendbirdMessageEdit',
    'recordSendbirdChannelKey',
    'sendbirdFileDecryptionStream',
    'sendbirdFileMessageRequest',
    'sendbirdKeyRecord',
    'sendbirdMessageRequest',
    'updateSendbirdChannelKeyRequest',
    'validateGroupChannel',
  ],
  'chat-keykit/wire': [
    'CURRENT_SIGNATURE_VERSION',
    'MAX_DECODE_ALLOCATION',
    'MAX_DEPTH',
    'MAX_SIGNATURE_VERSION',
    'MIN_SIGNATURE_VERSION',
    'SEC1_LENGTH',
    'SPKI_LENGTH',
    'T',
    'XChatStructs',
    'buildKeyRotation',
    'checkSignatureVersion',
    'conversationDeletePayload',
    'decodeBase64',
    'decodeBase64Url',
    'decodeEventDetail',
    'decodeMessageEvent',
    'decodeStruct',
    'encodeBase64',
    'encodeBase64NoPad',
    'encodeBase64UrlNoPad',
    'encodeGroupCreateDetail',
    'encodeGroupMemberAddDetail',
    'encodeKeyChangeDetail',
    'encodeMessageEvent',
    'encodeStruct',
    'field',
    'findDuplicateKey',
    'groupChangePayload',
    'groupCreatePayload',
    'groupMemberAddPayload',
    'isCanonicalBase64',
    'keyChangePayload',
    'markConversationReadPayload',
    'markConversationUnreadPayload',
    'messageCreatePayload',
    'metadataChangePayload',
    'parseJsonStrict',
    'encodeMessageDeleteDetail',
    'messageDeletePayload',
    'parseKeyRotation',
    'parsePublicKey',
    'required',
    'sec1ToSpki',
    'struct',
    'union',
  ],
  'chat-keykit/backends': ['resolveBackend', 'runtimeReport', 'setDefaultBackend'],
  'chat-keykit/testing': ['numberedMessageIds', 'seededRandom', 'withTestingHooks'],
};

/** Imports every entry point by the package's own name (Node's self-reference) and lists its exports. */
function surface(): Record<string, string[]> {
  const script = `const out = {}; for (const e of ${JSON.stringify(Object.keys(SURFACE))}) out[e] = Object.keys(await import(e)).sort(); console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
}

test('each entry point resolves to dist with its types, and exports exactly its pinned list', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const entry of Object.keys(SURFACE)) {
    const sub = entry === 'chat-keykit' ? '.' : `./${entry.slice('chat-keykit/'.length)}`;
    const target = pkg.exports[sub];
    expect(target, entry).toBeDefined();
    // `types` first, then `default` (not `import` alone, so that require() of Node ≥ 20.19 resolves it too).
    expect(Object.keys(target), entry).toEqual(['types', 'default']);
    for (const file of [target.types, target.default]) expect(existsSync(join(root, file)), file).toBe(true);
  }
  expect(surface()).toEqual(Object.fromEntries(Object.entries(SURFACE).map(([k, v]) => [k, [...v].sort()])));
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['@noble/ciphers', '@noble/curves', '@noble/hashes', 'uint8arrays']);
});

test('#node-backend and #thread-pool: browsers and unknown runtimes get the portable module, Node the node ones (browser first: a build with both conditions is a browser build)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const portable = './dist/core/platform/portable.js';
  expect(pkg.imports).toEqual({
    '#node-backend': { browser: portable, node: './dist/core/platform/node-backend.js', default: portable },
    '#thread-pool': { browser: portable, node: './dist/core/platform/thread-pool.js', default: portable },
  });
  for (const target of Object.values(pkg.imports) as Record<string, string>[]) {
    expect(Object.keys(target)).toEqual(['browser', 'node', 'default']);
    for (const file of Object.values(target)) expect(existsSync(join(root, file)), file).toBe(true);
  }
  // The portable module imports nothing (types only), so a browser build reaches no Node built-in through it.
  expect(readFileSync(join(root, 'dist', 'core', 'platform', 'portable.js'), 'utf8')).not.toMatch(
    /^\s*import\b|\bimport\(|\brequire\(|from ['"]/m,
  );
  // `npm pack` builds first, from a clean dist/ (test/pack.test.ts packs a fresh copy).
  expect(pkg.scripts.prepack).toBe('npm run clean --silent && npm run build --silent');
});

test('nothing exported is mutable: every exported object is frozen, all the way down', async () => {
  const script = `
    const seen = new Set(); const open = [];
    const walk = (v, path) => {
      if (v === null || (typeof v !== 'object') || seen.has(v)) return;
      seen.add(v);
      if (ArrayBuffer.isView(v)) { open.push(path + ' (bytes)'); return; }
      if (!Object.isFrozen(v)) open.push(path);
      for (const k of Object.keys(v)) walk(v[k], path + '.' + k);
    };
    for (const e of ${JSON.stringify(Object.keys(SURFACE))}) { const m = await import(e); for (const k of Object.keys(m)) walk(m[k], e + ':' + k); }
    console.log(JSON.stringify(open));`;
  expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }))).toEqual([]);
});

test('the demo creates, assembles and verifies a group create', () => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'demo.js')], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const body = JSON.parse(r.stdout);
  expect(body.group_members).toEqual(['111', '222', '333', '444']);
  expect(body.action_signatures).toHaveLength(2);
  expect(r.stderr).toMatch(/verdict: VALID/);
});

test('the bin runs from dist: chat-keykit --help, --version and a usage error', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bin = join(root, pkg.bin['chat-keykit']);
  expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  const ok = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/group-create/);
  expect(spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
  const bad = spawnSync(process.execPath, [bin, 'keygen'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--user-id is required/);
});
