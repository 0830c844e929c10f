/**
 * The committed vector files (src/vectors/files/*.ts): deterministic, equal to a fresh generation,
 * checked field by field by `vectors verify` (which must catch any single change, name a field of
 * the wrong shape, and compare the ids and inputs with the generated files).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { generateVectors, VECTOR_FILES, verifyVectors } from '../../src/vectors/index.js';
import { committed, file, mutated, type Obj } from './committed.js';

let fresh: Map<string, string>;
beforeAll(async () => {
  fresh = await generateVectors();
});

describe('generation', () => {
  test('is deterministic: two runs give byte-identical files', async () => {
    const again = await generateVectors();
    expect([...again.keys()]).toEqual([...VECTOR_FILES]);
    for (const [name, text] of again) expect(text, name).toBe(fresh.get(name));
  });

  test('the committed vectors/ equal a fresh generation, file by file', () => {
    expect([...committed.keys()].sort()).toEqual([...VECTOR_FILES].sort());
    for (const [name, text] of fresh)
      expect(committed.get(name), `${name} is stale: run chat-keykit vectors generate --out vectors`).toBe(text);
  });
});

describe('vectors verify', () => {
  test('passes on the committed files', async () => {
    const r = await verifyVectors(new Map(committed));
    expect(r.failures).toEqual([]);
    expect(r.checked).toBeGreaterThan(250);
  });

  const mutations: [string, string, (f: Obj) => void, RegExp][] = [
    [
      'keys.json',
      'a fingerprint',
      (f) => (f.vectors[1].fingerprint = f.vectors[0].fingerprint),
      /^keys\.json identity-222 fingerprint: expected/,
    ],
    [
      'keys.json',
      'a registration signature',
      (f) =>
        (f.vectors[0].registration.public_key.identity_public_key_signature =
          f.vectors[1].registration.public_key.identity_public_key_signature),
      /^keys\.json identity-111 registration/,
    ],
    [
      'ecies.json',
      'a tag',
      (f) => (f.vectors[2].tag_hex = f.vectors[2].tag_hex.replace(/^./, (c: string) => (c === '0' ? '1' : '0'))),
      /^ecies\.json wrap-for-333 tag_hex/,
    ],
    [
      'ecies.json',
      'the shared secret',
      (f) => (f.vectors[0].shared_secret_hex = f.vectors[1].shared_secret_hex),
      /^ecies\.json wrap-for-111 shared_secret_hex/,
    ],
    [
      'signatures.json',
      'a payload',
      (f) => (f.vectors[5].payload = f.vectors[5].payload.replace('111', '112')),
      /^signatures\.json ConversationKeyChangeEvent-v7 payload/,
    ],
    [
      'signatures.json',
      'a signature',
      (f) => (f.vectors[7].signature_b64 = f.vectors[8].signature_b64),
      /^signatures\.json GroupChangeEvent\.GroupCreate-v3 signature/,
    ],
    ['signatures.json', 'an input', (f) => (f.inputs.group_create.title = 'Other'), /GroupChangeEvent\.GroupCreate-v4 payload/],
    [
      'events.json',
      'a detail byte',
      (f) => (f.vectors[1].hex = f.vectors[1].hex.replace(/..$/, '01')),
      /^events\.json detail-group-create/,
    ],
    [
      'requests.json',
      'a body field',
      (f) => (f.vectors[0].body.group_name = 'Renamed'),
      /^requests\.json request-group-create (body|verify as)/,
    ],
    [
      'requests.json',
      'an expected conversation key',
      (f) => (f.vectors[2].verify.recipients[3].conversation_key_hex = '00'.repeat(32)),
      /^requests\.json request-member-add verify as 444: conversation key/,
    ],
    [
      'rotation.json',
      'a payload',
      (f) => (f.vectors[0].payload_b64 = f.vectors[1].payload_b64),
      /^rotation\.json rotation-gen-group payload_b64/,
    ],
    [
      'negative.json',
      'an expected code',
      (f) => (f.vectors[0].expect.error_code = 'ERR_INVALID_BASE64'),
      /^negative\.json key-64-bytes expect/,
    ],
    [
      'negative.json',
      'an input that is actually valid',
      (f) => (f.vectors[20].input.body.group_name = 'Team'),
      /^negative\.json body-renamed-group expect/,
    ],
  ];
  test.each(mutations)('fails, naming file, vector and field, when %s changes (%s)', async (name, _what, change, message) => {
    const f = file(name);
    change(f);
    const files = new Map(committed);
    files.set(name, JSON.stringify(f, null, 2));
    const r = await verifyVectors(files);
    expect(r.ok).toBe(false);
    expect(
      r.failures.some((x) => message.test(x)),
      r.failures.join('\n'),
    ).toBe(true);
  });

  test('fails on a missing or unknown file and on a wrong protocol header', async () => {
    const missing = new Map(committed);
    missing.delete('ecies.json');
    expect((await verifyVectors(missing)).failures).toContain('ecies.json (file) (missing): expected in the vector set');
    const extra = new Map(committed).set('extra.json', '{}');
    expect((await verifyVectors(extra)).failures).toContain('extra.json (file) name: not a vector file of this format');
    const h = file('keys.json');
    h.protocol = 'something else';
    expect(
      (await verifyVectors(new Map(committed).set('keys.json', JSON.stringify(h)))).failures.some((x) =>
        x.startsWith('keys.json (file) protocol'),
      ),
    ).toBe(true);
  });

  test('chat-keykit vectors generate|verify', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keykit-vectors-'));
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      readStdin: async () => '',
      cwd: out,
    };
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

describe('vectors verify: a field of the wrong shape is a failure naming it, never a TypeError', () => {
  const failuresOf = async (files: Map<string, string>) => {
    const r = await verifyVectors(files);
    expect(r.ok).toBe(false);
    expect(r.failures.filter((x) => /TypeError|Cannot read|is not a function|threw/.test(x))).toEqual([]);
    return r.failures;
  };

  const shapes: [string, string, (f: Obj) => void, string][] = [
    [
      'keys.json',
      'a registration without its key',
      (f) => delete f.vectors[0].registration.public_key.public_key,
      'keys.json identity-111 registration.public_key.public_key: must be a string, is absent',
    ],
    [
      'ecies.json',
      'an input that is not hex',
      (f) => (f.vectors[1].plaintext_hex = 'XY'),
      'ecies.json wrap-for-222 plaintext_hex: must be lowercase hex, is "XY"',
    ],
    [
      'signatures.json',
      'an event input of the wrong type',
      (f) => (f.inputs.group_create.title = 5),
      'signatures.json (file) inputs.group_create.title: must be a string, is 5',
    ],
    [
      'signatures.json',
      'an unknown event',
      (f) => (f.vectors[0].event = 'Other'),
      'signatures.json ConversationKeyChangeEvent-v2 event: must be one of "ConversationKeyChangeEvent", "GroupChangeEvent.GroupCreate", "GroupChangeEvent.GroupMemberAddChange", "GroupChangeEvent.GroupMemberAddChange+invite", "MessageCreateEvent", is "Other"',
    ],
    [
      'events.json',
      'a TTL that is a number',
      (f) => (f.vectors[1].fields.ttlMsec = 86400000),
      'events.json detail-group-create fields.ttlMsec: must be a decimal integer string, is 86400000',
    ],
    [
      'requests.json',
      'a recipient list that is not a list',
      (f) => (f.vectors[1].verify.recipients = {}),
      'requests.json request-key-rotation verify.recipients: must be a list, is {}',
    ],
    [
      'rotation.json',
      'an unknown operation',
      (f) => (f.vectors[0].input.opType = 'merge'),
      'rotation.json rotation-gen-group input.opType: must be one of "genGroup", "edit", is "merge"',
    ],
    [
      'negative.json',
      'a missing expectation',
      (f) => delete f.vectors[0].expect,
      'negative.json key-64-bytes expect: must be an object, is absent',
    ],
    [
      'negative.json',
      'a request body expected valid',
      (f) => (f.vectors[20].expect.valid = true),
      'negative.json body-renamed-group expect.valid: must be false, is true',
    ],
  ];
  test.each(shapes)('%s: %s', async (name, _what, change, message) => {
    expect(await failuresOf(mutated(name, change))).toContain(message);
  });

  test('an unknown key in a negative vector’s expectation is a failure, as in any compared value', async () => {
    expect(await failuresOf(mutated('negative.json', (f) => (f.vectors[20].expect.note = 'x')))).toEqual([
      'negative.json body-renamed-group expect.note: expected "x", got (absent)',
    ]);
  });

  test('an envelope naming a malformed detail says so', async () => {
    const failures = await failuresOf(mutated('events.json', (f) => (f.vectors[1].hex = 7)));
    expect(failures).toContain('events.json envelope-group-create fields.detail: no well-formed vector "detail-group-create" in this file');
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
      for (const v of file(name).vectors.slice(1))
        expect(failures).toContain(`${name} ${v.id} (vector): missing: generated by this implementation, absent from the file`);
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
    [
      'ecies.json',
      'recipient_user_id',
      (f) => (f.vectors[0].recipient_user_id = '999'),
      'ecies.json wrap-for-111 recipient_user_id: expected "999", got "111"',
    ],
    [
      'signatures.json',
      'signer_user_id',
      (f) => (f.signer_user_id = '999'),
      'signatures.json (file) signer_user_id: expected "999", got "111"',
    ],
    [
      'requests.json',
      'a recipient user id',
      (f) => (f.vectors[2].verify.recipients[3].user_id = '555'),
      'requests.json request-member-add verify.recipients[3].user_id: expected "555", got "444"',
    ],
    [
      'requests.json',
      'a public key record',
      (f) => (f.public_keys[3].userId = '555'),
      'requests.json (file) public_keys[3].userId: expected "555", got "444"',
    ],
    [
      'negative.json',
      'group_conversation_id',
      (f) => (f.group_conversation_id = 'g1'),
      'negative.json (file) group_conversation_id: expected "g1", got "g1234567890123456789"',
    ],
    [
      'rotation.json',
      'an unknown field',
      (f) => (f.vectors[0].note = 'x'),
      'rotation.json rotation-gen-group note: expected "x", got (absent)',
    ],
  ];
  test.each(identifying)('%s: a changed %s is a failure with expected and got', async (name, _what, change, message) => {
    expect(await failuresOf(mutated(name, change))).toContain(message);
  });

  test('emptied recipients are a failure, though no recipient check is left to fail', async () => {
    const failures = await failuresOf(mutated('requests.json', (f) => (f.vectors[0].verify.recipients = [])));
    expect(
      failures.some((x) =>
        /^requests\.json request-group-create verify\.recipients: expected 0 items, got 3 items; at \[0\]: expected \(absent\), got \{/.test(
          x,
        ),
      ),
      failures.join('\n'),
    ).toBe(true);
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
    const io: CliIO = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      readStdin: async () => '',
      cwd: out,
    };
    expect(await runCli(['vectors', 'verify', '.'], io)).toBe(1);
    expect(stderr).toContain('mismatch: keys.json identity-111 (vector): missing: generated by this implementation, absent from the file');
    expect(stderr).toMatch(/^FAILED: \d+ checks, 1 failures$/m);
  });
});
