/**
 * The command line, in process: every subcommand end to end on temporary files, exit codes,
 * JSON on stdout, and private keys that never reach stdout or stderr.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { listedRecord } from '../helpers/listing.js';
import { ALL_COMMANDS, runCli } from '../../src/cli/main.js';
import { SHIPPED_VECTORS } from '../../src/cli/vectors.js';
import { readIdentityFile } from '../../src/cli/identity-file.js';
import type { CliIO } from '../../src/cli/io.js';

interface Run {
  code: number;
  out: string;
  err: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let dir: string;
async function cli(argv: string[], opts: { tty?: boolean; stdin?: string; cwd?: string } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: opts.tty ?? false },
    readStdin: async () => opts.stdin ?? '',
    cwd: opts.cwd ?? dir,
  };
  const code = await runCli(argv, io);
  return { code, out, err, json: () => JSON.parse(out) };
}

const file = (name: string) => join(dir, name);
const write = (name: string, v: unknown) => writeFileSync(file(name), JSON.stringify(v));
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8'));

/** Temporary files left in the test directory (there must be none). */
const leftovers = () => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

/** The identity files' private keys, in every encoding that could leak. */
function secrets(): string[] {
  return ['111', '222', '333'].flatMap((u) => {
    const blob = Buffer.from(read(`id-${u}.json`).private_keys, 'base64');
    return [blob.subarray(0, 32), blob.subarray(32)].flatMap((k) => [k.toString('hex'), k.toString('base64').slice(0, 40)]);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keykit-cli-'));
  const listing: Record<string, unknown> = {};
  for (const u of ['111', '222', '333']) {
    const r = await cli(['keygen', '--user-id', u, '--out', `id-${u}.json`, '--version', '1700000000000']);
    expect(r.code).toBe(0);
    const body = r.json();
    // What GET /2/users/{id}/public_keys serves after this registration.
    listing[u] = listedRecord(body, '1700000000000');
  }
  write('keys.json', listing);
  // The SDK's plain list: identity keys only, no signing keys.
  write(
    'plain.json',
    Object.entries(listing).map(([u, v]) => ({
      userId: u,
      publicKey: (v as { data: { public_key: string }[] }).data[0]!.public_key,
      keyVersion: '1700000000000',
    })),
  );
});

describe('keygen', () => {
  test('writes a 0600 identity file, prints the registration body, never the private keys', async () => {
    const r = await cli(['keygen', '--user-id', '444', '--out', 'k.json']);
    expect(r.code).toBe(0);
    expect(statSync(file('k.json')).mode & 0o777).toBe(0o600);
    expect(Object.keys(r.json()).sort()).toEqual(['generate_version', 'public_key', 'version']);
    const blob = Buffer.from(read('k.json').private_keys, 'base64');
    expect(blob).toHaveLength(64);
    for (const s of [blob.toString('hex').slice(0, 32), blob.toString('base64').slice(0, 32)]) expect(r.out + r.err).not.toContain(s);
    expect((await readIdentityFile({ cwd: dir } as CliIO, 'k.json')).userId).toBe('444');
  });

  test('never overwrites an identity without --force', async () => {
    const before = readFileSync(file('k.json'), 'utf8');
    const r = await cli(['keygen', '--user-id', '444', '--out', 'k.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exists; pass --force/);
    expect(readFileSync(file('k.json'), 'utf8')).toBe(before);
    expect((await cli(['keygen', '--user-id', '444', '--out', 'k.json', '--force'])).code).toBe(0);
    expect(readFileSync(file('k.json'), 'utf8')).not.toBe(before);
    expect(leftovers()).toEqual([]);
  });

  test('an existing name is never replaced without --force, even one that cannot be opened (a dangling symlink)', async () => {
    symlinkSync(join(dir, 'nowhere', 'target.json'), file('dangling.json'));
    const r = await cli(['keygen', '--user-id', '444', '--out', 'dangling.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^chat-keykit keygen: cannot write dangling\.json: it exists; pass --force to replace it \(EEXIST\)\n/);
    expect(r.out).toBe('');
    expect(leftovers()).toEqual([]);
  });

  test('file errors: one line naming the path given, never a temporary name; no temporary file left', async () => {
    const missing = await cli(['keygen', '--user-id', '444', '--out', 'no-such-dir/k.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(
      'chat-keykit keygen: cannot write no-such-dir/k.json: its directory does not exist (ENOENT)\n(see chat-keykit keygen --help)\n',
    );
    mkdirSync(file('a-dir'));
    const isDir = await cli(['keygen', '--user-id', '444', '--out', 'a-dir', '--force']);
    expect(isDir.code).toBe(2);
    expect(isDir.err).toMatch(/^chat-keykit keygen: cannot write a-dir: is a directory \(EISDIR\)\n/);
    writeFileSync(file('plain-file'), '');
    const notDir = await cli(['keygen', '--user-id', '444', '--out', 'plain-file/k.json']);
    expect(notDir.err).toMatch(/cannot write plain-file\/k\.json: a part of the path is not a directory \(ENOTDIR\)/);
    for (const r of [missing, isDir, notDir]) expect(r.err).not.toMatch(/\.tmp|unexpected/);
    expect(leftovers()).toEqual([]);
    expect((await cli(['verify', '--public-keys', 'keys.json', 'a-dir'])).err).toMatch(/cannot read BODY a-dir: is a directory \(EISDIR\)/);
    const vectorsOut = await cli(['vectors', 'generate', '--out', 'plain-file/vectors']);
    expect(vectorsOut.code).toBe(2);
    expect(vectorsOut.err).toMatch(
      /^chat-keykit vectors: cannot write vectors into plain-file\/vectors: a part of the path is not a directory \(ENOTDIR\)\n/,
    );
    expect((await cli(['vectors', 'verify', 'no-such-dir'])).err).toMatch(
      /^chat-keykit vectors: cannot read directory no-such-dir: not found \(ENOENT\)\n/,
    );
  });
});

describe('group-create, verify, unwrap', () => {
  test('a group create verifies for the server and for each member; the key is printed only on request', async () => {
    const c = await cli([
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111,222',
      '333',
      '--title',
      'Team',
      '--ttl-msec',
      '60000',
    ]);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    const body = c.json();
    expect(body).toMatchObject({
      conversation_id: 'g42',
      group_members: ['111', '222', '333'],
      group_admins: ['111'],
      group_name: 'Team',
      ttl_msec: '60000',
    });
    writeFileSync(file('create.json'), c.out);

    // Without a member's identity the key-change signature (version 7) cannot be checked: fail closed.
    const v = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', 'create.json']);
    expect(v.code).toBe(1);
    expect(v.json()).toMatchObject({ valid: false, verdict: 'server-view', sender: '111', problems: [] });
    expect(v.json().actions.map((a: { signature: string }) => a.signature)).toEqual(['needs-recipient', 'verified']);
    expect(v.err).toMatch(
      /^UNVERIFIED: group-create body from 111: not checked: action_signatures\[0\]: a version 7 key-change signature covers the plaintext conversation key; only a member can check it \(pass a recipient\); pass --identity FILE of a member/,
    );
    const sv = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--server-view', 'create.json']);
    expect(sv.code).toBe(0);
    expect(sv.json()).toMatchObject({ valid: true, verdict: 'server-view' });
    expect(sv.err).toMatch(
      /^VALID \(server view\): group-create body from 111; not checked: action_signatures\[0\]: a version 7 key-change signature/,
    );
    const m = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-333.json', 'create.json']);
    expect(m.code).toBe(0);
    expect(m.json()).toMatchObject({ valid: true, verdict: 'verified', notes: [] });
    expect(m.err).toBe('VALID group-create body from 111, opened by member 333\n');

    const keys: string[] = [];
    for (const u of ['111', '222', '333']) {
      const hidden = await cli(['unwrap', '--identity', `id-${u}.json`, '--public-keys', 'keys.json', '--sender', '111', 'create.json']);
      expect(hidden.code).toBe(0);
      expect(hidden.json()).toEqual({ user_id: u, sender: '111', conversation_key_version: body.conversation_key_version, verified: true });
      expect(hidden.err).toMatch(/--show-key/);
      const shown = await cli(
        ['unwrap', '--identity', `id-${u}.json`, '--public-keys', 'keys.json', '--sender', '111', '--show-key', '--format', 'hex', '-'],
        { stdin: c.out },
      );
      expect(shown.code).toBe(0);
      keys.push(shown.json().conversation_key);
    }
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(1);
    for (const s of secrets()) expect(c.out + c.err + v.out + v.err).not.toContain(s);
  });

  test('without --sender: the one listed user whose signing key verifies the body', async () => {
    const v = await cli(['verify', '--public-keys', 'keys.json', '--identity', 'id-222.json', 'create.json']);
    expect(v.code).toBe(0);
    expect(v.err).toBe('sender: 111 (the only listed key that verifies)\nVALID group-create body from 111, opened by member 222\n');
    expect(v.json()).toMatchObject({ verdict: 'verified', sender: '111' });
    // The group-create signature is checkable without a member: the sender is found, the verdict still fails closed.
    const server = await cli(['verify', '--public-keys', 'keys.json', 'create.json']);
    expect(server.code).toBe(1);
    expect(server.err).toMatch(/^sender: 111 \(the only listed key that verifies\)\nUNVERIFIED: /);
    const u = await cli(['unwrap', '--identity', 'id-333.json', '--public-keys', 'keys.json', 'create.json']);
    expect(u.code).toBe(0);
    expect(u.json()).toMatchObject({ user_id: '333', sender: '111', verified: true });
    expect(u.err).toMatch(/^sender: 111 \(the only listed key that verifies\)\n/);
  });

  test('without --sender: no listed key verifies → exit 1; a user listed with the sender’s keys is not taken for the sender', async () => {
    // The body's own signing_public_key is never trusted: a forged signature names 111's key version.
    const forged = read('create.json');
    forged.action_signatures[1].message_event_signature.signature = 'A'.repeat(86);
    write('forged.json', forged);
    for (const argv of [
      ['verify', '--public-keys', 'keys.json', '--identity', 'id-222.json', 'forged.json'],
      ['verify', '--public-keys', 'keys.json', '--server-view', 'forged.json'],
      ['unwrap', '--identity', 'id-222.json', '--public-keys', 'keys.json', '--show-key', 'forged.json'],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toBe("no listed user's signing key verifies this body: pass --sender ID to see the full report\n");
    }
    const keyed = read('keys.json');
    // Only 222 and 333 listed: nobody to try.
    write('others.json', { 222: keyed['222'], 333: keyed['333'] });
    expect((await cli(['verify', '--public-keys', 'others.json', '--identity', 'id-222.json', 'create.json'])).code).toBe(1);

    // User 444 listed with 111's very keys is not taken for the sender: the signed payloads name the sender.
    write('twin.json', { ...keyed, 444: keyed['111'] });
    const c = await cli([
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'twin.json',
      '--conversation-id',
      'g7',
      '--members',
      '111,222,444',
    ]);
    expect(c.code).toBe(0);
    writeFileSync(file('twin-create.json'), c.out);
    const twin = await cli(['verify', '--public-keys', 'twin.json', '--identity', 'id-222.json', 'twin-create.json']);
    expect(twin.code).toBe(0);
    expect(twin.json().sender).toBe('111');
    expect(
      (await cli(['verify', '--public-keys', 'twin.json', '--identity', 'id-222.json', '--sender', '444', 'twin-create.json'])).code,
    ).toBe(1);
  });

  test('a tampered body: exit 1, problems explained on stderr, nothing unwrapped', async () => {
    const body = read('create.json');
    body.group_name = 'Renamed';
    body.ttl_msec = '1';
    write('tampered.json', body);
    const v = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-222.json', 'tampered.json']);
    expect(v.code).toBe(1);
    expect(
      v
        .json()
        .problems.map((p: { code: string }) => p.code)
        .sort(),
    ).toEqual(['TITLE_MISMATCH', 'TTL_MISMATCH']);
    expect(v.err).toMatch(/INVALID group-create body: 2 problems/);
    expect(v.err).toMatch(/group_name: group_name differs from the signed title \[TITLE_MISMATCH\]/);
    const u = await cli([
      'unwrap',
      '--identity',
      'id-222.json',
      '--public-keys',
      'keys.json',
      '--sender',
      '111',
      '--show-key',
      'tampered.json',
    ]);
    expect(u.code).toBe(1);
    expect(u.out).toBe('');
  });

  test('progress bar on a terminal only', async () => {
    const args = [
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111',
      '222',
      '333',
    ];
    expect((await cli(args, { tty: true })).err).toMatch(/wrapping \[#+\] 3\/3\n$/);
    expect((await cli(args, { tty: false })).err).toBe('');
  });
});

describe('rotate and add-members', () => {
  test('bodies verify with the signed conversation id', async () => {
    const noMembers = await cli(['rotate', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g42']);
    expect(noMembers.code).toBe(2);
    expect(noMembers.err).toMatch(/--members is required to rotate a group key/);
    const r = await cli([
      'rotate',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111,222,333',
    ]);
    expect(r.code).toBe(0);
    writeFileSync(file('rotate.json'), r.out);
    expect(
      (
        await cli([
          'verify',
          '--public-keys',
          'keys.json',
          '--sender',
          '111',
          '--identity',
          'id-333.json',
          '--conversation-id',
          'g42',
          'rotate.json',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await cli([
          'verify',
          '--public-keys',
          'keys.json',
          '--sender',
          '111',
          '--identity',
          'id-333.json',
          '--conversation-id',
          'g43',
          'rotate.json',
        ])
      ).code,
    ).toBe(1);
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', 'rotate.json'])).code).toBe(2);
    // The key is not in the URL, only in the signed key change: without --sender and a member nothing can be checked.
    const blind = await cli(['verify', '--public-keys', 'keys.json', '--conversation-id', 'g42', '--server-view', 'rotate.json']);
    expect(blind.code).toBe(2);
    expect(blind.err).toMatch(
      /none of BODY's signatures can be checked here \(a version 6\/7 key-change signature .* --identity FILE\), so the sender cannot be told: pass --sender ID/,
    );
    const derived = await cli([
      'verify',
      '--public-keys',
      'keys.json',
      '--identity',
      'id-222.json',
      '--conversation-id',
      'g42',
      'rotate.json',
    ]);
    expect(derived.code).toBe(0);
    expect(derived.err).toMatch(/^sender: 111 \(the only listed key that verifies\)\n/);

    const a = await cli([
      'add-members',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--new-members',
      '333',
      '--current-members',
      '111,222',
      '--current-admins',
      '111',
      '--current-title',
      'Team',
      '--screen-capture-blocking',
      'false',
    ]);
    expect(a.code).toBe(0);
    expect(a.json().user_ids).toEqual(['333']);
    writeFileSync(file('add.json'), a.out);
    expect(
      (
        await cli([
          'verify',
          '--public-keys',
          'keys.json',
          '--sender',
          '111',
          '--identity',
          'id-333.json',
          '--conversation-id',
          'g42',
          'add.json',
        ])
      ).code,
    ).toBe(0);
  });

  test('a key-change signature only a member can check: unverified without --identity, invalid with it, valid only with --server-view', async () => {
    const body = read('rotate.json');
    body.action_signatures[0].message_event_signature.signature = 'A'.repeat(86);
    write('rotate-forged.json', body);
    const base = ['verify', '--public-keys', 'keys.json', '--sender', '111', '--conversation-id', 'g42'];
    const plain = await cli([...base, 'rotate-forged.json']);
    expect(plain.code).toBe(1);
    expect(plain.json()).toMatchObject({ valid: false, verdict: 'server-view' });
    expect(plain.err).toMatch(
      /^UNVERIFIED: keys body from 111: not checked: action_signatures\[0\]: a version 7 key-change signature covers the plaintext conversation key; only a member can check it \(pass a recipient\) \(no signature could be checked\); pass --identity FILE of a member\n/,
    );
    const member = await cli([...base, '--identity', 'id-333.json', 'rotate-forged.json']);
    expect(member.code).toBe(1);
    expect(member.json().problems.map((p: { code: string }) => p.code)).toEqual(['SIGNATURE_INVALID']);
    // The server's view checks no signature of a key-change body at all: not enough to exit 0.
    const server = await cli([...base, '--server-view', 'rotate-forged.json']);
    expect(server.code).toBe(1);
    expect(server.json()).toMatchObject({ valid: false, verdict: 'server-view' });
    expect((await cli([...base, '--identity', 'id-333.json', 'rotate.json'])).code).toBe(0);
  });
});

describe('key bindings before wrapping', () => {
  test("a record whose identity key was swapped for another user's is refused, naming user and version", async () => {
    const keyed = read('keys.json');
    const swapped = structuredClone(keyed);
    swapped['222'].data[0].public_key = keyed['333'].data[0].public_key;
    write('swapped.json', swapped);
    for (const argv of [
      ['group-create', '--identity', 'id-111.json', '--public-keys', 'swapped.json', '--conversation-id', 'g1', '--members', '111,222'],
      ['rotate', '--identity', 'id-111.json', '--public-keys', 'swapped.json', '--conversation-id', 'g1', '--members', '111,222'],
      [
        'add-members',
        '--identity',
        'id-111.json',
        '--public-keys',
        'swapped.json',
        '--conversation-id',
        'g1',
        '--new-members',
        '222',
        '--current-members',
        '111',
        '--current-admins',
        '111',
      ],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^refused: the key binding of user 222 \(key version 1700000000000\) does not verify/);
    }
    // Records of users the change does not wrap to are not in the way.
    expect(
      (
        await cli([
          'group-create',
          '--identity',
          'id-111.json',
          '--public-keys',
          'swapped.json',
          '--conversation-id',
          'g1',
          '--members',
          '111,333',
        ])
      ).code,
    ).toBe(0);
  });
});

describe('usage and input errors exit 2 with a message', () => {
  test.each([
    [[], /usage: chat-keykit <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['keygen'], /--user-id is required/],
    [['keygen', '--user-id', 'bob'], /--user-id must be an X user id/],
    [['keygen', '--user-id', '1', '--colour', 'red'], /unknown option --colour/],
    [
      ['group-create', '--identity', 'nope.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111'],
      /cannot read identity file nope.json: not found \(ENOENT\)/,
    ],
    [
      ['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'x1', '--members', '111'],
      /ERR_INVALID_CONVERSATION_ID/,
    ],
    [
      ['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111', '999'],
      /member 999 has no public key.*ERR_MISSING_PUBLIC_KEY/,
    ],
    [
      [
        'group-create',
        '--identity',
        'id-111.json',
        '--public-keys',
        'keys.json',
        '--conversation-id',
        'g1',
        '--members',
        '111',
        '--title',
        'a,b',
      ],
      /ERR_COMMA_IN_FIELD/,
    ],
    [
      [
        'group-create',
        '--identity',
        'id-111.json',
        '--public-keys',
        'keys.json',
        '--conversation-id',
        'g1',
        '--members',
        '111',
        '--ttl-msec',
        '-5',
      ],
      /--ttl-msec must be/,
    ],
    [['verify', '--public-keys', 'keys.json', '--sender', '111'], /missing BODY/],
    [
      ['unwrap', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--sender', '111', '--format', 'oct', 'create.json'],
      /--format must be one of hex, base64/,
    ],
    [
      ['unwrap', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--format', 'hex', 'create.json'],
      /--format applies to the key printed with --show-key/,
    ],
    [['unwrap', '--identity', 'id-111.json', 'create.json'], /--public-keys is required/],
    [
      ['verify', '--public-keys', 'keys.json', '--identity', 'id-222.json', '--server-view', 'create.json'],
      /--server-view is the check without a member identity/,
    ],
    [['verify', '--public-keys', 'keys.json', '--sender', '111', 'bad.json'], /BODY bad\.json is not valid JSON/],
    [['verify', '--public-keys', 'keys.json', '--sender', '111', 'plain.json'], /BODY is not a JSON object/],
    [
      ['verify', '--public-keys', 'plain.json', '--sender', '111', 'create.json'],
      /key listing plain\.json has no signing keys: verify needs the X API listing .*signing_public_key and identity_public_key_signature/,
    ],
    [
      ['unwrap', '--identity', 'id-222.json', '--public-keys', 'plain.json', '--sender', '111', 'create.json'],
      /has no signing keys: unwrap needs the X API listing/,
    ],
    [['verify', '--public-keys', '-', '-'], /standard input \(-\) was already read: give the key listing as a file/],
  ])('%j', async (argv, message) => {
    writeFileSync(file('bad.json'), '{"conversation_id": "g1",');
    const r = await cli(argv as string[], { stdin: readFileSync(file('create.json'), 'utf8') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    for (const s of secrets()) expect(r.out + r.err).not.toContain(s);
  });

  test('every command has --help, its descriptions in one column', async () => {
    const names = Object.keys(ALL_COMMANDS);
    expect(names).toEqual(
      expect.arrayContaining(['keygen', 'group-create', 'rotate', 'add-members', 'verify', 'unwrap', 'sendbird-create', 'vectors']),
    );
    for (const name of names) {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^chat-keykit ${name}: `));
      // Option and argument lines: "  LEFT  description"; every description starts in the same column.
      const rows = r.out
        .split('\n\n')[2]!
        .split('\n')
        .filter((l) => l.length > 0);
      expect(rows.at(-1)).toMatch(/^ {2}--help +this text$/);
      const columns = new Set(rows.map((l) => /^ {2}\S+(?: \S+)* {2,}/.exec(l)?.[0].length));
      expect([...columns], name).toHaveLength(1);
    }
    expect((await cli(['unwrap', '--help'])).out).toMatch(
      /--public-keys FILE +.*the key is released only after the body verifies against its signing keys \(required\)/,
    );
  });

  test('key listings: the API response keyed by user id, records naming their owner, the SDK’s plain list', async () => {
    const keyed = read('keys.json');
    const flat = { data: Object.entries(keyed).map(([u, v]) => ({ ...(v as { data: object[] }).data[0], user_id: u })) };
    write('flat.json', flat);
    const plain = Object.entries(keyed).map(([u, v]) => ({
      userId: u,
      publicKey: (v as { data: { public_key: string }[] }).data[0]!.public_key,
      keyVersion: '1700000000000',
    }));
    write('plain.json', plain);
    for (const f of ['flat.json', 'plain.json']) {
      const r = await cli([
        'group-create',
        '--identity',
        'id-111.json',
        '--public-keys',
        f,
        '--conversation-id',
        'g1',
        '--members',
        '111,222,333',
      ]);
      expect(r.code).toBe(0);
      expect(r.err).toBe(
        f === 'flat.json'
          ? ''
          : 'warning: the key listing has no signing key for users 111, 222 and 333: key bindings not checked (pass the X API listing, with signing_public_key and identity_public_key_signature, to check them)\n',
      );
    }
    write('anonymous.json', { data: [(keyed['111'] as { data: object[] }).data[0]] });
    const r = await cli([
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'anonymous.json',
      '--conversation-id',
      'g1',
      '--members',
      '111',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/without a user id/);
  });
});

describe('sendbird-create', () => {
  const app = ['--application-id', 'app-1', '--api-token-file', 'token.txt'];
  beforeAll(() => writeFileSync(file('token.txt'), 'tok-SECRET-123\n'));
  test('prints the request with the token redacted; the token comes from a file or the environment, never a flag', async () => {
    const r = await cli([
      'sendbird-create',
      ...app,
      '--user-ids',
      'alice,bob',
      '--name',
      'Team',
      '--is-public',
      '--operator-ids',
      'alice',
      '--invitation-status',
      '{"bob":"joined"}',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('tok-SECRET-123');
    expect(r.json()).toMatchObject({
      method: 'POST',
      url: 'https://api-app-1.sendbird.com/v3/group_channels',
      body: { user_ids: ['alice', 'bob'], name: 'Team', is_public: true, operator_ids: ['alice'], invitation_status: { bob: 'joined' } },
    });
    expect(r.json().headers['Api-Token']).toMatch(/^<redacted/);
    for (const flag of ['--api-token', '--show-token'])
      expect((await cli(['sendbird-create', '--application-id', 'app-1', flag, 'x', '--user-ids', 'a'])).err).toMatch(/unknown option/);
  });

  test('every problem on stderr with its Sendbird code, exit 2', async () => {
    const r = await cli([
      'sendbird-create',
      ...app,
      '--user-ids',
      'alice',
      'alice',
      '--channel-url',
      'a-b',
      '--is-super',
      '--is-distinct',
      '--access-code',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/Sendbird would refuse this request: 4 problems/);
    for (const line of [
      /user_ids\[1\]: user alice is listed twice \[Sendbird 400111\]/,
      /channel_url: .*\[Sendbird 400111\]/,
      /is_distinct: a Supergroup cannot be distinct \[Sendbird 400111\]/,
      /access_code: .*\[Sendbird 400920\]/,
    ]) {
      expect(r.err).toMatch(line);
    }
    expect(r.err).not.toContain('tok-SECRET-123');
    expect((await cli(['sendbird-create', ...app, '--user-ids', 'a', '--hidden-status', '{bad'])).err).toMatch(
      /--hidden-status must be JSON/,
    );
    const saved = process.env.SENDBIRD_API_TOKEN;
    delete process.env.SENDBIRD_API_TOKEN;
    try {
      expect((await cli(['sendbird-create', '--application-id', 'app-1', '--user-ids', 'a'])).err).toMatch(
        /set SENDBIRD_API_TOKEN or pass --api-token-file/,
      );
    } finally {
      if (saved !== undefined) process.env.SENDBIRD_API_TOKEN = saved;
    }
  });

  test('above 100 users with --is-super a Supergroup plan, without it a refusal; a cover file makes a multipart body', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `u${i}`);
    const refused = await cli(['sendbird-create', ...app, '--user-ids', ids.join(','), '--channel-url', 'big_room']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/230 members need a Supergroup \(is_super: true\).*\[Sendbird 400203\]/);
    expect(refused.out).toBe('');
    const r = await cli(['sendbird-create', ...app, '--user-ids', ids.join(','), '--channel-url', 'big_room', '--is-super']);
    expect(r.code).toBe(0);
    const plan = r.json();
    expect(plan.create.body).toMatchObject({ is_super: true });
    expect(plan.create.body.user_ids).toHaveLength(100);
    expect(plan.invites.map((i: { path: string; body: { user_ids: string[] } }) => [i.path, i.body.user_ids.length])).toEqual([
      ['/v3/group_channels/big_room/invite', 100],
      ['/v3/group_channels/big_room/invite', 30],
    ]);
    writeFileSync(file('cover.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const m = await cli(['sendbird-create', ...app, '--user-ids', 'alice', '--cover-file', 'cover.png']);
    expect(m.json().body['multipart/form-data']).toEqual({ user_ids: '["alice"]', cover_file: '<file cover.png, image/png, 4 bytes>' });
  });
});

describe('second security review: the command line', () => {
  test('verify --kind pins the body kind: a body of one kind is never valid as another', async () => {
    const ok = await cli([
      'verify',
      '--public-keys',
      'keys.json',
      '--sender',
      '111',
      '--identity',
      'id-222.json',
      '--kind',
      'create',
      'create.json',
    ]);
    expect(ok.code).toBe(0);
    const other = await cli([
      'verify',
      '--public-keys',
      'keys.json',
      '--sender',
      '111',
      '--identity',
      'id-222.json',
      '--kind',
      'keys',
      '--conversation-id',
      'g42',
      'create.json',
    ]);
    expect(other.code).toBe(1);
    expect(other.json().problems.map((p: { code: string }) => p.code)).toContain('UNKNOWN_FIELD');
    expect((await cli(['verify', '--public-keys', 'keys.json', '--kind', 'bogus', 'create.json'])).err).toMatch(
      /--kind must be one of create, keys, members/,
    );
  });

  test('a body with a duplicate JSON key is refused (the server may read the other value)', async () => {
    const text = readFileSync(file('create.json'), 'utf8');
    writeFileSync(file('dup.json'), text.replace('"group_name": "Team"', '"group_name": "Team", "group_name": "Evil"'));
    const r = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-222.json', 'dup.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BODY dup\.json has the key "group_name" twice in one object/);
    writeFileSync(file('dup2.json'), text.replace('"group_name": "Team"', '"group_name": "Team", "group\\u005fname": "Evil"'));
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', 'dup2.json'])).err).toMatch(
      /has the key "group_name" twice/,
    );
  });

  test('the prepare commands sign with the key version the listing serves, and refuse without a record of the signer', async () => {
    const id = read('id-111.json');
    write('id-111-other.json', { ...id, signing_key_version: '42' });
    const r = await cli([
      'group-create',
      '--identity',
      'id-111-other.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111,222',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^note: signing with key version 1700000000000, under which the listing serves your keys \(the identity file says 42\)\n/,
    );
    expect(r.json().action_signatures[0].message_event_signature.public_key_version).toBe('1700000000000');
    writeFileSync(file('relabelled.json'), r.out);
    expect(
      (await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-222.json', 'relabelled.json'])).code,
    ).toBe(0);
    const keyed = read('keys.json');
    write('without-111.json', { 222: keyed['222'], 333: keyed['333'] });
    for (const cmd of [
      ['group-create', '--conversation-id', 'g42', '--members', '111,222'],
      ['rotate', '--conversation-id', 'g42', '--members', '111,222'],
      ['add-members', '--conversation-id', 'g42', '--new-members', '333', '--current-members', '111,222', '--current-admins', '111'],
    ]) {
      const x = await cli([cmd[0]!, '--identity', 'id-111.json', '--public-keys', 'without-111.json', ...cmd.slice(1)]);
      expect(x.code).toBe(2);
      expect(x.out).toBe('');
      expect(x.err).toMatch(/the key listing has no record of the keys of your identity \(user 111\)/);
    }
  });

  test('errors name the command line flags, not the library parameters', async () => {
    const r = await cli([
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111,bob',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^chat-keykit group-create: --members\[1\]: expected an X user id/);
    expect(r.err).not.toMatch(/params\./);
    const t = await cli([
      'group-create',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--members',
      '111',
      '--title',
      'null',
    ]);
    expect(t.err).toMatch(/--title: must not be the text "null"/);
    const a = await cli([
      'add-members',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      'g42',
      '--new-members',
      '222',
      '--current-members',
      '111',
      '--current-admins',
      '333',
    ]);
    expect(a.err).toMatch(/--current-admins\[0\]: 333 is not a current member/);
    const k = await cli(['keygen', '--user-id', '555', '--out', 'v.json', '--version', 'v1']);
    expect(k.err).toMatch(/--version: expected a canonical decimal version/);
  });

  test('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version}\n`);
  });

  test('vectors generate never replaces files without --force, and replaces a planted link, not its target', async () => {
    mkdirSync(file('vec'));
    writeFileSync(file('outside.txt'), 'do not touch');
    symlinkSync(file('outside.txt'), file('vec/keys.json'));
    const r = await cli(['vectors', 'generate', '--out', 'vec']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/vec\/keys\.json exists: pass --force to replace the vector files/);
    expect(readFileSync(file('outside.txt'), 'utf8')).toBe('do not touch');
    const f = await cli(['vectors', 'generate', '--out', 'vec', '--force']);
    expect(f.code).toBe(0);
    expect(readFileSync(file('outside.txt'), 'utf8')).toBe('do not touch');
    expect(statSync(file('vec/keys.json')).isFile()).toBe(true);
    expect(readdirSync(file('vec')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await cli(['vectors', 'verify', 'vec'])).code).toBe(0);
  });

  test('vectors verify without a directory reads ./vectors, else the vectors the package ships, and says which', async () => {
    // An installed package run from a project without ./vectors: the package's own vectors.
    const elsewhere = mkdtempSync(join(tmpdir(), 'keykit-cli-novec-'));
    const shipped = await cli(['vectors', 'verify'], { cwd: elsewhere });
    expect(shipped.code).toBe(0);
    expect(SHIPPED_VECTORS).toBe(join(import.meta.dirname, '..', '..', 'vectors'));
    expect(shipped.json().directory).toBe(SHIPPED_VECTORS);
    expect(shipped.err).toBe(`verifying the vectors in ${SHIPPED_VECTORS}\nOK: ${shipped.json().checked} checks, 0 failures\n`);
    // A ./vectors directory (written by generate) comes first.
    mkdirSync(join(elsewhere, 'vectors'));
    writeFileSync(join(elsewhere, 'vectors', 'keys.json'), '{"not": "vectors"}');
    const local = await cli(['vectors', 'verify'], { cwd: elsewhere });
    expect(local.json().directory).toBe(join(elsewhere, 'vectors'));
    expect(local.err).toMatch(new RegExp(`^verifying the vectors in ${join(elsewhere, 'vectors')}\n`));
    expect(local.code).toBe(1);
  });
});
