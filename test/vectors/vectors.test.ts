/**
 * The committed test vectors: deterministic, equal to a fresh generation, checked field by field
 * by `vectors verify` (which must catch any single change), and accepted by the official SDK.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { decodeBase64, encodeBase64, encodeMessageEvent } from '../helpers/kit.js';
import {
  ConversationKeyChangeEvent,
  ConversationParticipantKey,
  GroupChange,
  GroupChangeEvent,
  GroupCreate,
  GroupMemberAddChange,
  MessageEvent,
  MessageEventDetail,
  MessageEventSignature,
} from '../../src/wire/xchat/events.js';
import type { AnyStructDef, TypeDesc } from '../../src/wire/thrift/index.js';
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
/** The committed files with one file changed. */
const mutated = (name: string, change: (f: Obj) => void): Map<string, string> => {
  const f = file(name);
  change(f);
  return new Map(committed).set(name, JSON.stringify(f, null, 2));
};
const readme = () => readFileSync(join(dir, 'README.md'), 'utf8');

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
    for (const name of VECTOR_FILES) expect(readme()).toContain(`## ${name}`);
    expect(readme()).toMatch(/SHA-256\(seed ‖ counter\)/);
  });

  test('vectors/README.md is self-contained: no reference to a protocol file outside the repository', () => {
    expect(readme()).not.toMatch(/PROTOCOL/);
    for (const [name, text] of committed) expect(JSON.parse(text).protocol, name).not.toMatch(/PROTOCOL|\.md\b/);
  });

  /**
   * Every JSON key of a file appears in a code span of that file's README section (the header keys
   * in Conventions), and every name in the first column of a section's tables is a key (or a
   * value, such as a `function`) of that file: the README neither misses nor invents fields.
   */
  test('vectors/README.md documents every field of every file, and no field the files lack', () => {
    const sections = new Map<string, string>();
    for (const part of readme().split(/^## /m).slice(1)) sections.set(part.slice(0, part.indexOf('\n')).trim(), part);
    const names = (text: string) =>
      new Set([...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`]+)`/g)].flatMap((m) => (m[1] as string).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []));
    const header = ['protocol', 'format_version', 'generator', 'description', 'vectors', 'id'];
    const conventions = names(sections.get('Conventions') ?? '');
    for (const key of header) expect(conventions.has(key), `Conventions documents ${key}`).toBe(true);
    for (const name of VECTOR_FILES) {
      const keys = new Set<string>();
      const values = new Set<string>();
      const walk = (v: unknown): void => {
        if (typeof v === 'string') values.add(v);
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            keys.add(k);
            walk(x);
          }
        }
      };
      walk(file(name));
      const section = sections.get(name) ?? '';
      const documented = names(section);
      const missing = [...keys].filter((k) => !header.includes(k) && !documented.has(k));
      expect(missing, `fields of ${name} missing from its README section`).toEqual([]);
      const firstColumn = section.split('\n').flatMap((line) => [...names(/^\|([^|]*)\|/.exec(line)?.[1] ?? '')]);
      expect(firstColumn.length, `${name} has a field table`).toBeGreaterThan(0);
      const invented = firstColumn.filter((n) => !keys.has(n) && !values.has(n));
      expect(invented, `names in the tables of ${name} that the file lacks`).toEqual([]);
    }
  });
});

describe('vectors/README.md Thrift tables', () => {
  /** A Thrift type as the README writes it. */
  const typeName = (t: TypeDesc): string =>
    t.k === 'struct' ? t.def().name : t.k === 'list' ? `list<${typeName(t.elem)}>` : t.k === 'map' ? `map<${typeName(t.key)}, ${typeName(t.value)}>` : t.k;

  test('the struct table of events.json gives the ids, names and types of src/wire/events.ts', () => {
    const section = readme().split(/^## /m).find((part) => part.startsWith('events.json')) ?? '';
    const rows: { struct: string; id: number; name: string; type: string }[] = [];
    let struct = '';
    for (const line of section.split('\n')) {
      const m = /^\| *([^|]*?) *\| *(\d+) *\| *([a-z_]+) *\| *(.*?) *\|$/.exec(line);
      if (!m) continue;
      struct = m[1] ? (m[1] as string).replace(/ \(union\)$/, '') : struct;
      rows.push({ struct, id: Number(m[2]), name: m[3] as string, type: (m[4] as string).replace(/ *\{[^}]*\}/g, '').replace(/ *\(.*\)$/, '') });
    }
    const defs: Record<string, AnyStructDef> = {
      MessageEventDetail,
      ConversationKeyChangeEvent,
      ConversationParticipantKey,
      GroupChangeEvent,
      GroupChange,
      GroupCreate,
      GroupMemberAddChange,
      MessageEvent,
      MessageEventSignature,
    };
    expect(new Set(rows.map((r) => r.struct))).toEqual(new Set(Object.keys(defs)));
    // The README gives the IDL's names; ours are camelCase, and three follow the SDK's JavaScript names.
    const SDK_NAMES: Record<string, string> = { conversation_participant_keys: 'participantKeys', encrypted_conversation_key: 'encryptedKey', group_change: 'groupChange' };
    const ours = (idl: string) => SDK_NAMES[idl] ?? idl.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    for (const r of rows) {
      const field = defs[r.struct]?.fields.find((f) => f.id === r.id);
      expect(field?.name, `${r.struct} field ${r.id}`).toBe(ours(r.name));
      expect(r.type, `${r.struct}.${r.name} type`).toBe(typeName(field!.type));
    }
    // Structs are documented whole; of the two unions, the variants the vectors use.
    for (const [name, def] of Object.entries(defs)) {
      if (def.union) continue;
      expect(rows.filter((r) => r.struct === name).map((r) => r.id), name).toEqual(def.fields.map((f) => f.id));
    }
    expect(rows.filter((r) => r.struct === 'MessageEventDetail').map((r) => r.id)).toEqual([3, 4]);
    expect(rows.filter((r) => r.struct === 'GroupChange').map((r) => r.id)).toEqual([1, 5]);
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

  test('names the first differing JSON path of a body, and the first differing character of a long string', async () => {
    const body = await verifyVectors(mutated('requests.json', (f) => (f.vectors[0].body.group_name = 'Renamed')));
    expect(body.failures).toContain('requests.json request-group-create body.group_name: expected "Renamed", got "Team"');
    const payload = await verifyVectors(mutated('signatures.json', (f) => (f.vectors[5].payload = f.vectors[5].payload.replace(',111,', ',112,'))));
    const line = payload.failures.find((x) => x.startsWith('signatures.json ConversationKeyChangeEvent-v7 payload:'));
    expect(line).toMatch(/differs at character 44 .*expected .*,112,g1234.*, got .*,111,g1234/);
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

describe('vectors verify: completeness against the generated files', () => {
  const failuresOf = async (files: Map<string, string>) => {
    const r = await verifyVectors(files);
    expect(r.ok).toBe(false);
    return r.failures;
  };

  test('a removed vector is a failure naming file and id', async () => {
    const failures = await failuresOf(mutated('keys.json', (f) => f.vectors.splice(2, 1)));
    expect(failures).toEqual(['keys.json identity-333 (vector): missing: generated by this implementation, absent from the file']);
  });

  test('every file cut down to one vector fails, naming every missing vector', async () => {
    const files = new Map(committed);
    for (const name of VECTOR_FILES) {
      const f = file(name);
      f.vectors = f.vectors.slice(0, 1);
      files.set(name, JSON.stringify(f));
    }
    const failures = await failuresOf(files);
    for (const name of VECTOR_FILES) {
      for (const v of file(name).vectors.slice(1)) expect(failures).toContain(`${name} ${v.id} (vector): missing: generated by this implementation, absent from the file`);
    }
  });

  test('an extra, a duplicated or a reordered vector is a failure', async () => {
    const extra = await failuresOf(mutated('ecies.json', (f) => f.vectors.push({ ...f.vectors[0], id: 'wrap-for-555' })));
    expect(extra).toEqual(['ecies.json wrap-for-555 (vector): extra: not generated by this implementation']);
    const duplicate = await failuresOf(mutated('rotation.json', (f) => f.vectors.push(f.vectors[1])));
    expect(duplicate).toEqual(['rotation.json rotation-edit id: appears 2 times']);
    const reordered = await failuresOf(mutated('ecies.json', (f) => f.vectors.reverse()));
    expect(reordered).toEqual(['ecies.json (file) vector ids in order[0]: expected "wrap-for-444", got "wrap-for-111"']);
  });

  const identifying: [string, string, (f: Obj) => void, string][] = [
    ['keys.json', 'user_id', (f) => (f.vectors[1].user_id = '999'), 'keys.json identity-222 user_id: expected "999", got "222"'],
    ['ecies.json', 'recipient_user_id', (f) => (f.vectors[0].recipient_user_id = '999'), 'ecies.json wrap-for-111 recipient_user_id: expected "999", got "111"'],
    ['signatures.json', 'signer_user_id', (f) => (f.signer_user_id = '999'), 'signatures.json (file) signer_user_id: expected "999", got "111"'],
    ['requests.json', 'a recipient user id', (f) => (f.vectors[2].verify.recipients[3].user_id = '555'), 'requests.json request-member-add verify.recipients[3].user_id: expected "555", got "444"'],
    ['requests.json', 'a public key record', (f) => (f.public_keys[3].userId = '555'), 'requests.json (file) public_keys[3].userId: expected "555", got "444"'],
    ['negative.json', 'group_conversation_id', (f) => (f.group_conversation_id = 'g1'), 'negative.json (file) group_conversation_id: expected "g1", got "g1234567890123456789"'],
    ['rotation.json', 'an unknown field', (f) => (f.vectors[0].note = 'x'), 'rotation.json rotation-gen-group note: expected "x", got (absent)'],
  ];
  test.each(identifying)('%s: a changed %s is a failure with expected and got', async (name, _what, change, message) => {
    expect(await failuresOf(mutated(name, change))).toContain(message);
  });

  test('emptied recipients are a failure, though no recipient check is left to fail', async () => {
    const failures = await failuresOf(mutated('requests.json', (f) => (f.vectors[0].verify.recipients = [])));
    expect(failures.some((x) => /^requests\.json request-group-create verify\.recipients: expected 0 items, got 3 items; at \[0\]: expected \(absent\), got \{/.test(x)), failures.join('\n')).toBe(true);
  });

  test('descriptions are free text: rewording them still passes', async () => {
    const files = mutated('negative.json', (f) => {
      f.description = 'Eingaben, die abgelehnt werden müssen.';
      f.vectors[0].description = 'ein SEC1-Punkt ohne Präfix';
    });
    const h = file('keys.json');
    h.description = 'reworded';
    files.set('keys.json', JSON.stringify(h));
    expect((await verifyVectors(files)).failures).toEqual([]);
  });

  test('chat-keykit vectors verify exits 1 on a directory with a vector removed, naming it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keykit-vectors-'));
    for (const [name, text] of committed) writeFileSync(join(out, name), text);
    const keys = file('keys.json');
    keys.vectors.splice(0, 1);
    writeFileSync(join(out, 'keys.json'), JSON.stringify(keys, null, 2));
    let stderr = '';
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, readStdin: async () => '', cwd: out };
    expect(await runCli(['vectors', 'verify', '.'], io)).toBe(1);
    expect(stderr).toContain('mismatch: keys.json identity-111 (vector): missing: generated by this implementation, absent from the file');
    expect(stderr).toMatch(/^FAILED: \d+ checks, 1 failures$/m);
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
