/**
 * encrypt-message: from identities made by keygen, a group created and its key unwrapped by the
 * CLI, a message encrypted by the CLI is verified and decrypted by the official SDK as a member
 * receives it; the text and the key never reach the output; inputs come from files, not flags.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { listedRecord } from '../helpers/listing.js';
import { runCli } from '../../src/cli/main.js';
import { readIdentityFile } from '../../src/cli/identity-file.js';
import { MAX_TEXT_INPUT, type CliIO } from '../../src/cli/io.js';
import { encodeMessageEvent, exportPrivateKeys } from '../helpers/kit.js';
import { deliverMessage } from '../helpers/deliver.js';
import { envelopes, xdkWithKeys } from '../helpers/xdk.js';

let dir: string;
const file = (name: string) => join(dir, name);

async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    readStdin: async () => stdin,
    cwd: dir,
  };
  return { code: await runCli(argv, io), out, err };
}

const GROUP = 'g1234567890123456789';
let listing: Record<string, { data: Record<string, string>[] }>;
let key: { conversation_key: string; conversation_key_version: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keykit-msg-'));
  listing = {};
  for (const u of ['111', '222']) {
    const r = await cli(['keygen', '--user-id', u, '--out', `id-${u}.json`, '--version', '1700000000000']);
    const body = JSON.parse(r.out);
    listing[u] = listedRecord(body, '1700000000000');
  }
  writeFileSync(file('keys.json'), JSON.stringify(listing));
  const created = await cli([
    'group-create',
    '--identity',
    'id-111.json',
    '--public-keys',
    'keys.json',
    '--conversation-id',
    GROUP,
    '--members',
    '111,222',
  ]);
  expect(created.code, created.err).toBe(0);
  writeFileSync(file('body.json'), created.out);
  const unwrapped = await cli(['unwrap', '--identity', 'id-222.json', '--public-keys', 'keys.json', '--show-key', 'body.json']);
  expect(unwrapped.code, unwrapped.err).toBe(0);
  writeFileSync(file('key.json'), unwrapped.out);
  key = JSON.parse(unwrapped.out);
});

/** Member 222's SDK, holding their identity and the conversation key. */
async function memberReads(
  body: { message_id: string; encoded_message_create_event: string; encoded_message_event_signature: string },
  sequenceId = '100',
) {
  const me = await readIdentityFile({ cwd: dir } as CliIO, file('id-222.json'));
  const chat = await xdkWithKeys(exportPrivateKeys(me.identity), '1700000000000');
  const event = deliverMessage(
    {
      messageId: body.message_id,
      encryptedContent: body.encoded_message_create_event,
      encodedEventSignature: body.encoded_message_event_signature,
    },
    { sequenceId, senderId: '111', conversationId: GROUP },
  );
  const signingKey = {
    userId: '111',
    publicKeyVersion: '1700000000000',
    publicKey: listing['111']!.data[0]!.signing_public_key!,
    identityPublicKey: listing['111']!.data[0]!.public_key!,
    identityPublicKeySignature: listing['111']!.data[0]!.identity_public_key_signature!,
  };
  return {
    event,
    got: chat.decryptEvent(event, { [key.conversation_key_version]: Uint8Array.from(Buffer.from(key.conversation_key, 'base64')) }, [
      signingKey,
    ]),
  };
}

describe('encrypt-message', () => {
  test('a message the SDK verifies and decrypts; neither the text nor the key in the output', async () => {
    writeFileSync(file('msg.txt'), 'Dinner at 7, bring the photos\n');
    const r = await cli([
      'encrypt-message',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      GROUP,
      '--key',
      'key.json',
      '--text-file',
      'msg.txt',
    ]);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ method: 'POST', path: `/2/chat/conversations/${GROUP}/messages` });
    expect(Object.keys(out.body).sort()).toEqual(['encoded_message_create_event', 'encoded_message_event_signature', 'message_id']);
    const { got } = await memberReads(out.body);
    expect(got).toMatchObject({
      type: 'message',
      senderId: '111',
      verified: true,
      keyVersion: key.conversation_key_version,
      content: { content_type: 'text', text: 'Dinner at 7, bring the photos' },
    });
    for (const secret of ['Dinner', key.conversation_key, Buffer.from(key.conversation_key, 'base64').toString('hex')])
      expect(r.out + r.err).not.toContain(secret);
  });

  test('a reply from standard input, with a preview the SDK finds valid', async () => {
    writeFileSync(file('msg.txt'), 'original');
    const first = JSON.parse(
      (
        await cli([
          'encrypt-message',
          '--identity',
          'id-111.json',
          '--public-keys',
          'keys.json',
          '--conversation-id',
          GROUP,
          '--key',
          'key.json',
          '--text-file',
          'msg.txt',
        ])
      ).out,
    );
    const { event } = await memberReads(first.body, '101');
    writeFileSync(file('original.b64'), `${event}\n`);
    const r = await cli(
      [
        'encrypt-message',
        '--identity',
        'id-111.json',
        '--public-keys',
        'keys.json',
        '--conversation-id',
        GROUP,
        '--key',
        'key.json',
        '--text-file',
        '-',
        '--reply-to',
        'original.b64',
        '--silent',
      ],
      'my reply',
    );
    expect(r.code, r.err).toBe(0);
    const { got } = await memberReads(JSON.parse(r.out).body, '102');
    expect(got).toMatchObject({
      verified: true,
      shouldNotify: false,
      replyPreviewValidation: 'valid',
      content: { text: 'my reply', replying_to_preview: { messageText: 'original', replyingToMessageSequenceId: '101' } },
    });
  });

  test('a key file without its version needs --key-version; mismatches and bad input are usage errors naming flags', async () => {
    writeFileSync(file('bare.key'), key.conversation_key);
    writeFileSync(file('msg.txt'), 'hi');
    const base = [
      'encrypt-message',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--conversation-id',
      GROUP,
      '--text-file',
      'msg.txt',
    ];
    expect((await cli([...base, '--key', 'bare.key'])).err).toMatch(/pass --key-version/);
    const ok = await cli([...base, '--key', 'bare.key', '--key-version', key.conversation_key_version]);
    expect(ok.code, ok.err).toBe(0);
    expect((await cli([...base, '--key', 'key.json', '--key-version', '1'])).err).toMatch(/differs from the version the key file names/);
    const badTtl = await cli([...base, '--key', 'key.json', '--ttl-msec', '-5']);
    expect(badTtl.code).toBe(2);
    const badConv = await cli([...base.slice(0, 5), '--conversation-id', 'g1,2', '--text-file', 'msg.txt', '--key', 'key.json']);
    expect(badConv.code).toBe(2);
    expect(badConv.err).toMatch(/--conversation-id/);
    expect(readFileSync(file('key.json'), 'utf8')).toContain(key.conversation_key);
  });
});

describe('decrypt-events', () => {
  /** The key change of the CLI's group create, and a message, as the backend delivers them. */
  async function history(): Promise<string[]> {
    const body = JSON.parse(readFileSync(file('body.json'), 'utf8'));
    const a = body.action_signatures[0];
    const keyChange = envelopes(
      [
        {
          messageId: a.message_id,
          encodedMessageEventDetail: a.encoded_message_event_detail,
          signature: a.message_event_signature.signature,
          signatureVersion: a.message_event_signature.signature_version,
          publicKeyVersion: a.message_event_signature.public_key_version,
        },
      ],
      '111',
      GROUP,
      encodeMessageEvent,
    );
    writeFileSync(file('msg.txt'), 'see you at 7');
    const sent = JSON.parse(
      (
        await cli([
          'encrypt-message',
          '--identity',
          'id-111.json',
          '--public-keys',
          'keys.json',
          '--conversation-id',
          GROUP,
          '--key',
          'key.json',
          '--text-file',
          'msg.txt',
        ])
      ).out,
    );
    const { event } = await memberReads(sent.body, '200');
    return [...keyChange, event];
  }

  test('a member reads the history: JSON lines, the state written back, the key saved for encrypt-message', async () => {
    writeFileSync(file('events.json'), JSON.stringify(await history()));
    const r = await cli([
      'decrypt-events',
      '--identity',
      'id-222.json',
      '--public-keys',
      'keys.json',
      '--state',
      'state.json',
      '--keys-out',
      'saved-key.json',
      'events.json',
    ]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.index, l.type, l.verified])).toEqual([
      ['0', 'keyChange', true],
      ['1', 'message', true],
    ]);
    expect(lines[1]).toMatchObject({
      senderId: '111',
      conversationId: GROUP,
      keyVersion: key.conversation_key_version,
      content: { contentType: 'text', text: 'see you at 7' },
    });
    expect(JSON.parse(readFileSync(file('state.json'), 'utf8'))).toEqual({
      version: 1,
      latestVersions: { [GROUP]: key.conversation_key_version },
    });
    const saved = JSON.parse(readFileSync(file('saved-key.json'), 'utf8'));
    expect(saved).toMatchObject({
      conversation_id: GROUP,
      conversation_key_version: key.conversation_key_version,
      conversation_key: key.conversation_key,
    });
    expect(r.out + r.err).not.toContain(key.conversation_key);
    // The saved key file works for sending; --keys-out never overwrites.
    expect(
      (
        await cli([
          'encrypt-message',
          '--identity',
          'id-222.json',
          '--public-keys',
          'keys.json',
          '--conversation-id',
          GROUP,
          '--key',
          'saved-key.json',
          '--text-file',
          'msg.txt',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await cli([
          'decrypt-events',
          '--identity',
          'id-222.json',
          '--public-keys',
          'keys.json',
          '--keys-out',
          'saved-key.json',
          'events.json',
        ])
      ).code,
    ).toBe(2);
  });

  test('a tampered event is refused on stderr with its code (exit 1); the others still print', async () => {
    const events = await history();
    const bytes = Buffer.from(events[1]!, 'base64');
    bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 1; // inside the signature struct
    writeFileSync(file('bad.json'), JSON.stringify([events[0], bytes.toString('base64')]));
    const r = await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', 'bad.json']);
    expect(r.code).toBe(1);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['keyChange']);
    expect(r.err).toMatch(/refused 1: .*\[ERR_/);
  });

  test('a known key instead of the key change; bad inputs are usage errors', async () => {
    const [, message] = await history();
    writeFileSync(
      file('one.json'),
      JSON.stringify({ data: [{ id: '200', encoded_event: message }], meta: { conversation_key_events: [] } }),
    );
    const r = await cli([
      'decrypt-events',
      '--identity',
      'id-222.json',
      '--public-keys',
      'keys.json',
      '--key',
      'key.json',
      '--conversation-id',
      GROUP,
      'one.json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out.trim())).toMatchObject({ index: 'data[0]', type: 'message', content: { text: 'see you at 7' } });
    expect(
      (await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', '--key', 'key.json', 'one.json'])).err,
    ).toMatch(/go together/);
    writeFileSync(
      file('plain-list.json'),
      JSON.stringify([{ userId: '111', publicKey: listing['111']!.data[0]!.public_key, keyVersion: '1700000000000' }]),
    );
    expect((await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'plain-list.json', 'one.json'])).err).toMatch(
      /no signing keys/,
    );
    writeFileSync(file('num.json'), '42');
    expect((await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', 'num.json'])).code).toBe(2);
  });

  test('inputs past 256 MiB are refused (exit 2, naming the file): regular files by their size, unread; an endless device as it is read', async () => {
    // Sparse files: 256 MiB + 1 byte of apparent size, no disk used; refused by their size, unread.
    for (const name of ['huge.json', 'huge.txt']) {
      const fd = openSync(file(name), 'w');
      ftruncateSync(fd, MAX_TEXT_INPUT + 1);
      closeSync(fd);
    }
    const events = await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', 'huge.json']);
    expect(events.code).toBe(2);
    expect(events.err).toMatch(/events file huge\.json is larger than 256 MiB/);
    const text = await cli([
      'encrypt-message',
      '--identity',
      'id-111.json',
      '--public-keys',
      'keys.json',
      '--key',
      'key.json',
      '--conversation-id',
      GROUP,
      '--text-file',
      'huge.txt',
    ]);
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/text file huge\.txt is larger than 256 MiB/);
    // A device without a size (endless zeros) is counted as it is read and refused at the limit.
    const zeros = await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', '/dev/zero']);
    expect(zeros.code).toBe(2);
    expect(zeros.err).toMatch(/events file \/dev\/zero is larger than 256 MiB/);
    // Below the limit, the file is read (and then refused as JSON, not for its size).
    const fd = openSync(file('limit.json'), 'w');
    ftruncateSync(fd, 1024);
    closeSync(fd);
    expect((await cli(['decrypt-events', '--identity', 'id-222.json', '--public-keys', 'keys.json', 'limit.json'])).err).toMatch(
      /not valid JSON/,
    );
  });
});
