/**
 * The committed test vectors: deterministic, equal to a fresh generation, checked field by field
 * by `vectors verify` (which must catch any single change), and accepted by the official SDK.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { decodeBase64, encodeBase64, encodeMessageEvent } from '../../src/index.js';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { generateVectors, VECTOR_FILES, verifyVectors } from '../../src/vectors/index.js';
import { envelopes, xdkWithKeys } from '../helpers/xdk.js';

const root = resolve(import.meta.dirname, '..', '..');
const dir = join(root, 'vectors');
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fresh: Map<string, string>;
let committed: Map<string, string>;
beforeAll(async () => {
  fresh = await generateVectors();
  committed = new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
});
const file = (name: string): Obj => JSON.parse(committed.get(name)!);

describe('generation', () => {
  test('is deterministic: two runs give byte-identical files', async () => {
    const again = await generateVectors();
    expect([...again.keys()]).toEqual([...VECTOR_FILES]);
    for (const [name, text] of again) expect(text, name).toBe(fresh.get(name));
  });

  test('the committed vectors/ equal a fresh generation, file by file', () => {
    expect([...committed.keys()].sort()).toEqual([...VECTOR_FILES].sort());
    for (const [name, text] of fresh) expect(committed.get(name), `${name} is stale: run chat-keykit vectors generate --out vectors`).toBe(text);
  });

  test('vectors/README.md documents every file and the randomness stream', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const name of VECTOR_FILES) expect(readme).toContain(`## ${name}`);
    expect(readme).toMatch(/SHA-256\(seed ‖ counter\)/);
  });
});

describe('vectors verify', () => {
  test('passes on the committed files', async () => {
    const r = await verifyVectors(committed);
    expect(r.failures).toEqual([]);
    expect(r.checked).toBeGreaterThan(250);
  });

  const mutations: [string, string, (f: Obj) => void, RegExp][] = [
    ['keys.json', 'a fingerprint', (f) => (f.vectors[1].fingerprint = f.vectors[0].fingerprint), /^keys\.json identity-222 fingerprint: expected/],
    ['keys.json', 'a registration signature', (f) => (f.vectors[0].registration.public_key.identity_public_key_signature = f.vectors[1].registration.public_key.identity_public_key_signature), /^keys\.json identity-111 registration/],
    ['ecies.json', 'a tag', (f) => (f.vectors[2].tag_hex = f.vectors[2].tag_hex.replace(/^./, (c: string) => (c === '0' ? '1' : '0'))), /^ecies\.json wrap-for-333 tag_hex/],
    ['ecies.json', 'the shared secret', (f) => (f.vectors[0].shared_secret_hex = f.vectors[1].shared_secret_hex), /^ecies\.json wrap-for-111 shared_secret_hex/],
    ['signatures.json', 'a payload', (f) => (f.vectors[5].payload = f.vectors[5].payload.replace('111', '112')), /^signatures\.json ConversationKeyChangeEvent-v7 payload/],
    ['signatures.json', 'a signature', (f) => (f.vectors[7].signature_b64 = f.vectors[8].signature_b64), /^signatures\.json GroupChangeEvent\.GroupCreate-v3 signature/],
    ['signatures.json', 'an input', (f) => (f.inputs.group_create.title = 'Other'), /GroupChangeEvent\.GroupCreate-v4 payload/],
    ['events.json', 'a detail byte', (f) => (f.vectors[1].hex = f.vectors[1].hex.replace(/..$/, '01')), /^events\.json detail-group-create/],
    ['requests.json', 'a body field', (f) => (f.vectors[0].body.group_name = 'Renamed'), /^requests\.json request-group-create (body|verify as)/],
    ['requests.json', 'an expected conversation key', (f) => (f.vectors[2].verify.recipients[3].conversation_key_hex = '00'.repeat(32)), /^requests\.json request-member-add verify as 444: conversation key/],
    ['rotation.json', 'a payload', (f) => (f.vectors[0].payload_b64 = f.vectors[1].payload_b64), /^rotation\.json rotation-gen-group payload_b64/],
    ['negative.json', 'an expected code', (f) => (f.vectors[0].expect.error_code = 'ERR_INVALID_BASE64'), /^negative\.json key-64-bytes expect/],
    ['negative.json', 'an input that is actually valid', (f) => (f.vectors[20].input.body.group_name = 'Team'), /^negative\.json body-renamed-group expect/],
  ];
  test.each(mutations)('fails, naming file, vector and field, when %s changes (%s)', async (name, _what, change, message) => {
    const f = file(name);
    change(f);
    const files = new Map(committed);
    files.set(name, JSON.stringify(f, null, 2));
    const r = await verifyVectors(files);
    expect(r.ok).toBe(false);
    expect(r.failures.some((x) => message.test(x)), r.failures.join('\n')).toBe(true);
  });

  test('fails on a missing or unknown file and on a wrong protocol header', async () => {
    const missing = new Map(committed);
    missing.delete('ecies.json');
    expect((await verifyVectors(missing)).failures).toContain('ecies.json (file) (missing): expected in the vector set');
    const extra = new Map(committed).set('extra.json', '{}');
    expect((await verifyVectors(extra)).failures).toContain('extra.json (file) name: not a vector file of this format');
    const h = file('keys.json');
    h.protocol = 'something else';
    expect((await verifyVectors(new Map(committed).set('keys.json', JSON.stringify(h)))).failures.some((x) => x.startsWith('keys.json (file) protocol'))).toBe(true);
  });

  test('chat-keykit vectors generate|verify', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keykit-vectors-'));
    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, readStdin: async () => '', cwd: out };
    expect(await runCli(['vectors', 'generate', '--out', '.'], io)).toBe(0);
    for (const name of VECTOR_FILES) expect(readFileSync(join(out, name), 'utf8')).toBe(fresh.get(name));
    expect(await runCli(['vectors', 'verify', '.'], io)).toBe(0);
    expect(stderr).toMatch(/^OK: \d+ checks, 0 failures$/m);
    const ecies = JSON.parse(readFileSync(join(out, 'ecies.json'), 'utf8'));
    ecies.vectors[0].wrapped_b64 = ecies.vectors[1].wrapped_b64;
    writeFileSync(join(out, 'ecies.json'), JSON.stringify(ecies));
    stderr = '';
    expect(await runCli(['vectors', 'verify', '.'], io)).toBe(1);
    expect(stderr).toMatch(/mismatch: ecies\.json wrap-for-111 wrapped_b64/);
    expect(await runCli(['vectors', 'verify', 'nowhere'], io)).toBe(2);
    expect(await runCli(['vectors', 'publish'], io)).toBe(2);
    expect(stdout).toContain('"ok": false');
  });
});

describe('the official SDK accepts the vectors', () => {
  /** An SDK instance holding a user's identity scalar (and any valid signing scalar). */
  const sdkFor = (identityHex: string, signingHex = `${'00'.repeat(31)}02`) => xdkWithKeys(Uint8Array.from(Buffer.from(identityHex + signingHex, 'hex')));

  test('it unwraps every ECIES vector', async () => {
    for (const v of file('ecies.json').vectors) {
      const chat = await sdkFor(v.recipient_private_hex);
      expect(Buffer.from(chat.decryptConversationKey(v.wrapped_b64)).toString('hex'), v.id).toBe(v.plaintext_hex);
    }
  });

  test('it verifies every signature vector and every registration binding', async () => {
    const sigs = file('signatures.json');
    const chat = await sdkFor(`${'00'.repeat(31)}01`);
    for (const v of sigs.vectors) {
      expect(chat.verify(sigs.signer_public_sec1_b64, decodeBase64(v.signature_b64), new TextEncoder().encode(v.payload)), v.id).toBe(true);
    }
    for (const v of file('keys.json').vectors) {
      const pk = v.registration.public_key;
      expect(chat.verifyKeyBinding(pk.public_key, pk.signing_public_key, pk.identity_public_key_signature), v.id).toBe(true);
      const mine = await sdkFor(v.identity_private_hex, v.signing_private_hex);
      expect(mine.getPublicKeys().identity, v.id).toBe(v.identity_public_sec1_b64);
      expect(mine.getPublicKeyFingerprint(), v.id).toBe(v.fingerprint);
    }
  });

  test('every recipient’s SDK verifies and decrypts the events of every request vector', async () => {
    const req = file('requests.json');
    const signingKeys = req.signing_keys;
    for (const v of req.vectors) {
      const actions = v.body.action_signatures.map((a: Obj) => ({
        messageId: a.message_id,
        encodedMessageEventDetail: a.encoded_message_event_detail,
        signature: a.message_event_signature.signature,
        signatureVersion: a.message_event_signature.signature_version,
        publicKeyVersion: a.message_event_signature.public_key_version,
      }));
      const events = envelopes(actions, v.verify.sender_id, v.verify.conversation_id, encodeMessageEvent);
      for (const r of v.verify.recipients) {
        const chat = await sdkFor(r.identity_private_hex);
        const out = chat.decryptEvents(events, signingKeys);
        expect(out.errors, `${v.id} as ${r.user_id}`).toEqual({});
        expect(out.messages.every((m) => m.event.verified === true)).toBe(true);
        const key = out.conversationKeys.keys[v.body.conversation_key_version];
        expect(encodeBase64(key!), `${v.id} as ${r.user_id}`).toBe(encodeBase64(Buffer.from(r.conversation_key_hex, 'hex')));
      }
    }
  });
});
