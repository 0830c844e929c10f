/**
 * The Sendbird commands end to end, in process, with the requests they print sent to the fake
 * Platform API: `keygen --sendbird`, an E2EE `sendbird-create`, `sendbird-open` (with a key-history
 * file), `sendbird-send` (text from a file or standard input, an edit, a file written encrypted),
 * `sendbird-read` (JSON lines), `sendbird-rotate` after a removal; the removed member reads nothing
 * after the rotation. No private key, conversation key or API token is ever printed, and the
 * plaintext only by `sendbird-read`.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { readIdentityFile } from '../../src/cli/identity-file.js';
import { openSendbirdChannelKey, sendbirdKeyRecord } from '../helpers/kit.js';
import { startFakeSendbird, type FakeSendbird } from '../helpers/fake-sendbird.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Run {
  code: number;
  out: string;
  err: string;
  json: () => Json;
}

const APP = 'C0FFEE00-1111-4222-8333-444455556666';
const TOKEN = 'cli-e2ee-token-9a8b7c6d';
const URL_ = 'cli_e2ee_room';
const TEXT = 'the vault code is 4-8-15-16-23-42';
const PHOTO = new Uint8Array(9000).map((_, i) => (i * 13) % 256);

let dir: string;
let sb: FakeSendbird;
const outputs: string[] = [];

async function cli(argv: string[], stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    readStdin: async () => stdin,
    cwd: dir,
  };
  const code = await runCli(argv, io);
  outputs.push(out, err);
  return { code, out, err, json: () => JSON.parse(out) };
}
const file = (name: string) => join(dir, name);
const write = (name: string, v: unknown) => writeFileSync(file(name), typeof v === 'string' ? v : JSON.stringify(v));
const app = ['--application-id', APP, '--api-token-file', 'token.txt'];
const keys = ['--public-keys', 'keys.json'];

/** Sends a request as printed by the CLI (token put back) to the fake; returns Sendbird's answer. */
async function send(printed: Json, blobFile?: string): Promise<Json> {
  const headers = { ...printed.headers, 'Api-Token': TOKEN };
  let body: string | FormData;
  if (printed.body['multipart/form-data']) {
    delete headers['Content-Type'];
    const form = new FormData();
    for (const [k, v] of Object.entries(printed.body['multipart/form-data'] as Record<string, string>)) {
      if (k === 'file')
        form.append('file', new Blob([readFileSync(file(blobFile!))], { type: 'application/octet-stream' }), 'encrypted.bin');
      else form.append(k, v);
    }
    body = form;
  } else body = JSON.stringify(printed.body);
  const res = await sb.send({ method: printed.method, url: printed.url, headers, body });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}
const get = async (path: string) =>
  (await sb.fetch(`https://api-${APP}.sendbird.com/v3${path}`, { headers: { 'Api-Token': TOKEN } })).json();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keykit-sbcli-'));
  sb = await startFakeSendbird({ applicationId: APP, apiToken: TOKEN });
  write('token.txt', `${TOKEN}\n`);
  const listing: Record<string, unknown> = {};
  for (const u of ['alice', 'bob', 'carol']) {
    const r = await cli(['keygen', '--sendbird', '--user-id', u, '--out', `id-${u}.json`, '--version', '1700000000000']);
    expect(r.code, r.err).toBe(0);
    listing[u] = r.json();
  }
  write('keys.json', listing);
});

afterAll(async () => {
  await sb?.close();
});

describe('the Sendbird commands', () => {
  test('keygen --sendbird takes Sendbird user ids; without it, X ids only', async () => {
    expect((await cli(['keygen', '--user-id', 'dave', '--out', 'id-dave.json'])).err).toMatch(/X user id.*--sendbird/);
    expect((await cli(['keygen', '--sendbird', '--user-id', 'a,b', '--out', 'id-x.json'])).err).toMatch(/without a comma/);
    expect((await readIdentityFile({ cwd: dir } as CliIO, 'id-alice.json')).userId).toBe('alice');
  });

  test('create, open, send, read, rotate: the whole flow through the fake Platform API', async () => {
    // Alice creates the E2EE channel.
    const create = await cli([
      'sendbird-create',
      ...app,
      '--identity',
      'id-alice.json',
      ...keys,
      '--channel-url',
      URL_,
      '--user-ids',
      'alice,bob,carol',
      '--name',
      'Vault',
      '--data',
      '{"theme":"dark"}',
    ]);
    expect(create.code, create.err).toBe(0);
    expect(create.json().headers['Api-Token']).toMatch(/^<redacted/);
    expect(JSON.parse(create.json().body.data)).toMatchObject({ ckk: { v: 2, sender: 'alice' }, app: '{"theme":"dark"}' });
    await send(create.json());
    write('channel.json', await get(`/group_channels/${URL_}?show_member=true`));

    // Bob and carol open it and keep a key history.
    const bobOpen = await cli(['sendbird-open', '--identity', 'id-bob.json', ...keys, '--state', 'bob-state.json', 'channel.json']);
    expect(bobOpen.code, bobOpen.err).toBe(0);
    expect(bobOpen.json()).toMatchObject({
      channel_url: URL_,
      sender: 'alice',
      recipients: ['alice', 'bob', 'carol'],
      app_data: '{"theme":"dark"}',
    });
    expect(JSON.parse(readFileSync(file('bob-state.json'), 'utf8'))).toMatchObject({
      v: 1,
      channelUrl: URL_,
      envelopes: [{ sender: 'alice' }],
    });
    expect((await cli(['sendbird-open', '--identity', 'id-carol.json', ...keys, '--state', 'carol-state.json', 'channel.json'])).code).toBe(
      0,
    );

    // Alice sends a text from a file, bob one from standard input and edits it, carol a photo.
    write('text.txt', `${TEXT}\n`);
    const t1 = await cli(['sendbird-send', ...app, '--identity', 'id-alice.json', ...keys, '--text-file', 'text.txt', 'channel.json']);
    expect(t1.code, t1.err).toBe(0);
    expect(t1.json()).toMatchObject({
      method: 'POST',
      path: `/v3/group_channels/${URL_}/messages`,
      body: { message_type: 'MESG', user_id: 'alice', message: 'Encrypted message' },
    });
    await send(t1.json());
    const t2 = await cli(
      [
        'sendbird-send',
        ...app,
        '--identity',
        'id-bob.json',
        ...keys,
        '--text-file',
        '-',
        '--mentioned-user-ids',
        'alice',
        '--state',
        'bob-state.json',
        'channel.json',
      ],
      'bob here\n',
    );
    const bobs = await send(t2.json());
    const edit = await cli(
      [
        'sendbird-send',
        ...app,
        '--identity',
        'id-bob.json',
        ...keys,
        '--text-file',
        '-',
        '--edit',
        String(bobs.message_id),
        'channel.json',
      ],
      'bob here, edited',
    );
    expect(edit.json()).toMatchObject({ method: 'PUT', path: `/v3/group_channels/${URL_}/messages/${bobs.message_id}` });
    await send(edit.json());
    writeFileSync(file('photo.jpg'), PHOTO);
    const photo = await cli([
      'sendbird-send',
      ...app,
      '--identity',
      'id-carol.json',
      ...keys,
      '--file',
      'photo.jpg',
      '--encrypted-out',
      'photo.enc',
      'channel.json',
    ]);
    expect(photo.code, photo.err).toBe(0);
    expect(photo.err).toMatch(/wrote the encrypted file \(9177 bytes\)/);
    expect(photo.json().body['multipart/form-data']).toMatchObject({
      message_type: 'FILE',
      user_id: 'carol',
      file_name: 'encrypted.bin',
      file_type: 'application/octet-stream',
      file: '<file encrypted.bin, application/octet-stream, 9177 bytes>',
    });
    expect(statSync(file('photo.enc')).size).toBe(9177);
    expect(
      (
        await cli([
          'sendbird-send',
          ...app,
          '--identity',
          'id-carol.json',
          ...keys,
          '--file',
          'photo.jpg',
          '--encrypted-out',
          'photo.enc',
          'channel.json',
        ])
      ).err,
    ).toMatch(/photo\.enc: it exists/);
    await send(photo.json(), 'photo.enc');

    // Bob reads the history: JSON lines, the photo's metadata from the sealed contents.
    write('page1.json', await get(`/group_channels/${URL_}/messages?message_ts=0&next_limit=50&prev_limit=0`));
    const read = await cli([
      'sendbird-read',
      '--identity',
      'id-bob.json',
      ...keys,
      '--channel',
      'channel.json',
      '--state',
      'bob-state.json',
      'page1.json',
    ]);
    expect(read.code, read.err).toBe(0);
    const lines = read.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.sender, l.kind, l.text ?? null, l.file?.name ?? null])).toEqual([
      ['alice', 'text', TEXT, null],
      ['bob', 'edit', 'bob here, edited', null],
      ['carol', 'file', null, 'photo.jpg'],
    ]);
    expect(lines[2].file).toMatchObject({ size: PHOTO.length, mime_type: 'image/jpeg', encrypted_size: 9177 });

    // Carol leaves; alice rotates for the remaining members.
    await sb.send({
      method: 'PUT',
      url: `https://api-${APP}.sendbird.com/v3/group_channels/${URL_}/leave`,
      headers: { 'Api-Token': TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_ids: ['carol'] }),
    });
    write('channel.json', await get(`/group_channels/${URL_}?show_member=true`));
    const stale = await cli(['sendbird-open', '--identity', 'id-alice.json', ...keys, 'channel.json']);
    expect(stale.err).toMatch(/carol holds the key but is no longer a member: rotate/);
    const rotate = await cli(['sendbird-rotate', ...app, '--identity', 'id-alice.json', ...keys, 'channel.json']);
    expect(rotate.code, rotate.err).toBe(0);
    expect(rotate.err).toMatch(/new key version \d+ for users alice and bob/);
    expect(rotate.json()).toMatchObject({ method: 'PUT', path: `/v3/group_channels/${URL_}` });
    expect(JSON.parse(rotate.json().body.data).app).toBe('{"theme":"dark"}');
    await send(rotate.json());
    write('channel.json', await get(`/group_channels/${URL_}?show_member=true`));
    expect((await cli(['sendbird-open', '--identity', 'id-bob.json', ...keys, '--state', 'bob-state.json', 'channel.json'])).code).toBe(0);
    // Carol records the rotation, but holds no copy of the new key: exit 1.
    const carolOpen = await cli(['sendbird-open', '--identity', 'id-carol.json', ...keys, '--state', 'carol-state.json', 'channel.json']);
    expect(carolOpen.code).toBe(1);
    expect(carolOpen.err).toMatch(/refused: .*ERR_NOT_A_MEMBER/);
    expect(JSON.parse(readFileSync(file('carol-state.json'), 'utf8')).envelopes).toHaveLength(2);

    // A message after the rotation: bob reads everything, carol nothing new.
    write('later.txt', 'after carol left: new code 99');
    await send(
      (
        await cli([
          'sendbird-send',
          ...app,
          '--identity',
          'id-alice.json',
          ...keys,
          '--text-file',
          'later.txt',
          '--state',
          'bob-state.json',
          'channel.json',
        ])
      ).json(),
    );
    write('page2.json', await get(`/group_channels/${URL_}/messages?message_ts=0&next_limit=50&prev_limit=0`));
    const bobRead = await cli(['sendbird-read', '--identity', 'id-bob.json', ...keys, '--state', 'bob-state.json', 'page2.json']);
    expect(bobRead.code).toBe(0);
    expect(
      bobRead.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text ?? null),
    ).toEqual([TEXT, 'bob here, edited', null, 'after carol left: new code 99']);
    const carolRead = await cli(['sendbird-read', '--identity', 'id-carol.json', ...keys, '--state', 'carol-state.json', 'page2.json']);
    expect(carolRead.code).toBe(1);
    const carolLines = carolRead.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(carolLines.map((l) => (l.ok ? l.kind : l.code))).toEqual(['text', 'edit', 'file', 'ERR_NOT_A_MEMBER']);
    expect(carolRead.out).not.toContain('new code 99');
    expect(carolRead.err).toBe('1 of 4 messages refused\n');

    // Nothing secret was printed: no private key, no conversation key, no token; the plaintext only by sendbird-read.
    const secrets: string[] = [TOKEN];
    for (const u of ['alice', 'bob', 'carol']) {
      const blob = Buffer.from(JSON.parse(readFileSync(file(`id-${u}.json`), 'utf8')).private_keys, 'base64');
      for (const k of [blob.subarray(0, 32), blob.subarray(32)]) secrets.push(k.toString('hex'), k.toString('base64').slice(0, 40));
    }
    const bob = await readIdentityFile({ cwd: dir } as CliIO, 'id-bob.json');
    const listing = JSON.parse(readFileSync(file('keys.json'), 'utf8'));
    const signingKeys = Object.entries(listing).map(([u, body]) => sendbirdKeyRecord(u, body as never).signingKeyEntry);
    const current = await openSendbirdChannelKey(JSON.parse(readFileSync(file('channel.json'), 'utf8')), {
      userId: 'bob',
      identityPrivateKey: bob.identity.identityPrivateKey,
      signingKeys,
    });
    secrets.push(
      Buffer.from(current.conversationKey).toString('hex'),
      Buffer.from(current.conversationKey).toString('base64').slice(0, 40),
    );
    const all = outputs.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
    const notRead = outputs.filter((o) => !o.includes('"index":')).join('\n');
    expect(notRead).not.toContain('vault code');
    expect(notRead).not.toContain('new code 99');
    // And Sendbird saw no plaintext either.
    for (const n of [TEXT, 'bob here', 'new code 99', 'photo.jpg', 'image/jpeg', PHOTO.subarray(100, 140)])
      expect(sb.state.requestsContaining(n)).toEqual([]);
  });

  test('usage: one of --text-file and --file, --encrypted-out with a file, the token from a file or the environment, no text flag', async () => {
    write('channel.json', await get(`/group_channels/${URL_}?show_member=true`));
    const base = ['sendbird-send', ...app, '--identity', 'id-alice.json', ...keys];
    expect((await cli([...base, 'channel.json'])).err).toMatch(/give one of --text-file and --file/);
    expect((await cli([...base, '--file', 'photo.jpg', 'channel.json'])).err).toMatch(/--file needs --encrypted-out/);
    expect((await cli([...base, '--text', 'hi', 'channel.json'])).err).toMatch(/unknown option --text/);
    expect(
      (
        await cli([
          'sendbird-send',
          '--application-id',
          APP,
          '--api-token-file',
          'none.txt',
          '--identity',
          'id-alice.json',
          ...keys,
          '--text-file',
          'text.txt',
          'channel.json',
        ])
      ).err,
    ).toMatch(/cannot read API token file none\.txt: not found/);
    const saved = process.env.SENDBIRD_API_TOKEN;
    process.env.SENDBIRD_API_TOKEN = 'from-the-environment';
    try {
      const r = await cli([
        'sendbird-send',
        '--application-id',
        APP,
        '--identity',
        'id-alice.json',
        ...keys,
        '--text-file',
        'text.txt',
        'channel.json',
      ]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).not.toContain('from-the-environment');
    } finally {
      if (saved === undefined) delete process.env.SENDBIRD_API_TOKEN;
      else process.env.SENDBIRD_API_TOKEN = saved;
    }
    expect((await cli(['sendbird-read', '--identity', 'id-bob.json', ...keys, 'page2.json'])).err).toMatch(
      /give --channel, --state or both/,
    );
    write('listing-bad.json', { alice: { version: '1' } });
    expect((await cli(['sendbird-open', '--identity', 'id-bob.json', '--public-keys', 'listing-bad.json', 'channel.json'])).err).toMatch(
      /key listing listing-bad\.json: user "alice": .*ERR_INVALID_ARGUMENT/,
    );
    write('listing-without-me.json', { alice: JSON.parse(readFileSync(file('keys.json'), 'utf8')).alice });
    expect(
      (await cli(['sendbird-rotate', ...app, '--identity', 'id-bob.json', '--public-keys', 'listing-without-me.json', 'channel.json'])).err,
    ).toMatch(/no record of the keys of your identity \(user bob\)/);
    expect(existsSync(file('bob-state.json'))).toBe(true);
  });

  test('a tampered channel or message: refused, exit 1, the reason on stderr or in the line', async () => {
    const channel = JSON.parse(readFileSync(file('channel.json'), 'utf8'));
    const doc = JSON.parse(channel.data);
    doc.ckk.ckv = String(BigInt(doc.ckk.ckv) - 1n);
    write('channel-bad.json', { ...channel, data: JSON.stringify(doc) });
    const r = await cli(['sendbird-open', '--identity', 'id-bob.json', ...keys, 'channel-bad.json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_SIGNATURE_INVALID/);
    const page = JSON.parse(readFileSync(file('page2.json'), 'utf8'));
    page.messages[0].user.user_id = 'bob';
    write('page-bad.json', page);
    const read = await cli(['sendbird-read', '--identity', 'id-bob.json', ...keys, '--state', 'bob-state.json', 'page-bad.json']);
    expect(read.code).toBe(1);
    expect(JSON.parse(read.out.split('\n')[0]!)).toMatchObject({
      index: 0,
      ok: false,
      code: 'ERR_SIGNATURE_INVALID',
      field: 'messages[0].user.user_id',
    });
  });
});
