/**
 * The command line, in process: every subcommand end to end on temporary files, exit codes,
 * JSON on stdout, and private keys that never reach stdout or stderr.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readIdentityFile } from '../../src/cli/identity-file.js';
import type { CliIO } from '../../src/cli/io.js';

interface Run {
  code: number;
  out: string;
  err: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let dir: string;
async function cli(argv: string[], opts: { tty?: boolean; stdin?: string } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: opts.tty ?? false },
    readStdin: async () => opts.stdin ?? '',
    cwd: dir,
  };
  const code = await runCli(argv, io);
  return { code, out, err, json: () => JSON.parse(out) };
}

const file = (name: string) => join(dir, name);
const write = (name: string, v: unknown) => writeFileSync(file(name), JSON.stringify(v));
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8'));

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
    listing[u] = { data: [{ public_key: body.public_key.public_key, signing_public_key: body.public_key.signing_public_key, identity_public_key_signature: body.public_key.identity_public_key_signature, public_key_version: '1700000000000' }] };
  }
  write('keys.json', listing);
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
  });
});

describe('group-create, verify, unwrap', () => {
  test('a group create verifies for the server and for each member; the key is printed only on request', async () => {
    const c = await cli(['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g42', '--members', '111,222', '333', '--title', 'Team', '--ttl-msec', '60000']);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    const body = c.json();
    expect(body).toMatchObject({ conversation_id: 'g42', group_members: ['111', '222', '333'], group_admins: ['111'], group_name: 'Team', ttl_msec: '60000' });
    writeFileSync(file('create.json'), c.out);

    const v = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', 'create.json']);
    expect(v.code).toBe(0);
    expect(v.json()).toMatchObject({ valid: true, problems: [] });
    expect(v.err).toMatch(/VALID group-create body from 111/);
    expect(v.err).toMatch(/note: .*recipient/);

    const keys: string[] = [];
    for (const u of ['111', '222', '333']) {
      const hidden = await cli(['unwrap', '--identity', `id-${u}.json`, '--public-keys', 'keys.json', '--sender', '111', 'create.json']);
      expect(hidden.code).toBe(0);
      expect(hidden.json()).toEqual({ user_id: u, conversation_key_version: body.conversation_key_version, verified: true });
      expect(hidden.err).toMatch(/--show-key/);
      const shown = await cli(['unwrap', '--identity', `id-${u}.json`, '--public-keys', 'keys.json', '--sender', '111', '--show-key', '--format', 'hex', '-'], { stdin: c.out });
      expect(shown.code).toBe(0);
      keys.push(shown.json().conversation_key);
    }
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(1);
    for (const s of secrets()) expect(c.out + c.err + v.out + v.err).not.toContain(s);
  });

  test('a tampered body: exit 1, problems explained on stderr, nothing unwrapped', async () => {
    const body = read('create.json');
    body.group_name = 'Renamed';
    body.ttl_msec = '1';
    write('tampered.json', body);
    const v = await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-222.json', 'tampered.json']);
    expect(v.code).toBe(1);
    expect(v.json().problems.map((p: { code: string }) => p.code).sort()).toEqual(['TITLE_MISMATCH', 'TTL_MISMATCH']);
    expect(v.err).toMatch(/INVALID group-create body: 2 problems/);
    expect(v.err).toMatch(/group_name: group_name differs from the signed title \[TITLE_MISMATCH\]/);
    const u = await cli(['unwrap', '--identity', 'id-222.json', '--public-keys', 'keys.json', '--sender', '111', '--show-key', 'tampered.json']);
    expect(u.code).toBe(1);
    expect(u.out).toBe('');
  });

  test('progress bar on a terminal only', async () => {
    const args = ['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g42', '--members', '111', '222', '333'];
    expect((await cli(args, { tty: true })).err).toMatch(/wrapping \[#+\] 3\/3\n$/);
    expect((await cli(args, { tty: false })).err).toBe('');
  });
});

describe('rotate and add-members', () => {
  test('bodies verify with the signed conversation id', async () => {
    const r = await cli(['rotate', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g42']);
    expect(r.code).toBe(0);
    writeFileSync(file('rotate.json'), r.out);
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-333.json', '--conversation-id', 'g42', 'rotate.json'])).code).toBe(0);
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-333.json', '--conversation-id', 'g43', 'rotate.json'])).code).toBe(1);
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', 'rotate.json'])).code).toBe(2);

    const a = await cli([
      'add-members', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g42',
      '--new-members', '333', '--current-members', '111,222', '--current-admins', '111', '--current-title', 'Team', '--screen-capture-blocking', 'false',
    ]);
    expect(a.code).toBe(0);
    expect(a.json().user_ids).toEqual(['333']);
    writeFileSync(file('add.json'), a.out);
    expect((await cli(['verify', '--public-keys', 'keys.json', '--sender', '111', '--identity', 'id-333.json', '--conversation-id', 'g42', 'add.json'])).code).toBe(0);
  });
});

describe('usage and input errors exit 2 with a message', () => {
  test.each([
    [[], /usage: chat-keykit <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['keygen'], /--user-id is required/],
    [['keygen', '--user-id', 'bob'], /--user-id must be an X user id/],
    [['keygen', '--user-id', '1', '--colour', 'red'], /unknown option --colour/],
    [['group-create', '--identity', 'nope.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111'], /cannot read identity file nope.json: ENOENT/],
    [['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'x1', '--members', '111'], /ERR_INVALID_CONVERSATION_ID/],
    [['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111', '999'], /member 999 has no public key.*ERR_MISSING_PUBLIC_KEY/],
    [['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111', '--title', 'a,b'], /ERR_COMMA_IN_FIELD/],
    [['group-create', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--conversation-id', 'g1', '--members', '111', '--ttl-msec', '-5'], /--ttl-msec must be/],
    [['verify', '--public-keys', 'keys.json', '--sender', '111'], /missing BODY/],
    [['unwrap', '--identity', 'id-111.json', '--public-keys', 'keys.json', '--sender', '111', '--format', 'oct', 'create.json'], /--format must be one of hex, base64/],
  ])('%j', async (argv, message) => {
    const r = await cli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    for (const s of secrets()) expect(r.out + r.err).not.toContain(s);
  });

  test('every command has --help', async () => {
    for (const name of ['keygen', 'group-create', 'rotate', 'add-members', 'verify', 'unwrap']) {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^chat-keykit ${name}: `));
    }
  });

  test('key listings: the API response keyed by user id, records naming their owner, the SDK’s plain list', async () => {
    const keyed = read('keys.json');
    const flat = { data: Object.entries(keyed).map(([u, v]) => ({ ...(v as { data: object[] }).data[0], user_id: u })) };
    write('flat.json', flat);
    const plain = Object.entries(keyed).map(([u, v]) => ({ userId: u, publicKey: (v as { data: { public_key: string }[] }).data[0]!.public_key, keyVersion: '1700000000000' }));
    write('plain.json', plain);
    for (const f of ['flat.json', 'plain.json']) {
      expect((await cli(['group-create', '--identity', 'id-111.json', '--public-keys', f, '--conversation-id', 'g1', '--members', '111,222,333'])).code).toBe(0);
    }
    write('anonymous.json', { data: [(keyed['111'] as { data: object[] }).data[0]] });
    const r = await cli(['group-create', '--identity', 'id-111.json', '--public-keys', 'anonymous.json', '--conversation-id', 'g1', '--members', '111']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/without a user id/);
  });
});

describe('sendbird-create', () => {
  const app = ['--application-id', 'app-1', '--api-token', 'tok-SECRET-123'];
  test('prints the request with the token redacted, or shown on request', async () => {
    const r = await cli(['sendbird-create', ...app, '--user-ids', 'alice,bob', '--name', 'Team', '--is-public', '--operator-ids', 'alice', '--invitation-status', '{"bob":"joined"}']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('tok-SECRET-123');
    expect(r.json()).toMatchObject({ method: 'POST', url: 'https://api-app-1.sendbird.com/v3/group_channels', body: { user_ids: ['alice', 'bob'], name: 'Team', is_public: true, operator_ids: ['alice'], invitation_status: { bob: 'joined' } } });
    const shown = await cli(['sendbird-create', ...app, '--user-ids', 'alice', '--show-token']);
    expect(shown.json().headers['Api-Token']).toBe('tok-SECRET-123');
  });

  test('every problem on stderr with its Sendbird code, exit 2', async () => {
    const r = await cli(['sendbird-create', ...app, '--user-ids', 'alice', 'alice', '--channel-url', 'a-b', '--is-super', '--is-distinct', '--access-code', '1']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/Sendbird would refuse this request: 4 problems/);
    for (const line of [/user_ids\[1\]: user alice is listed twice \[Sendbird 400111\]/, /channel_url: .*\[Sendbird 400111\]/, /is_distinct: a Supergroup cannot be distinct \[Sendbird 400111\]/, /access_code: .*\[Sendbird 400920\]/]) {
      expect(r.err).toMatch(line);
    }
    expect(r.err).not.toContain('tok-SECRET-123');
    expect((await cli(['sendbird-create', ...app, '--user-ids', 'a', '--hidden-status', '{bad'])).err).toMatch(/--hidden-status must be JSON/);
    expect((await cli(['sendbird-create', '--application-id', 'app-1', '--user-ids', 'a'])).err).toMatch(/--api-token or SENDBIRD_API_TOKEN/);
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
