/**
 * What decryptEvents is given: the two input forms (an array, the events response with its
 * missing, extra and wrong-typed fields), hostile bytes (truncated, garbage, URL-safe, oversized
 * base64; truncated, trailing, reordered, budget-busting Thrift), integers beyond ±2^53, and hostile
 * options (state, the caller's keys, the recipient, threads). A bad event is an error of its index;
 * only options or input unusable as a whole throw, always with a typed code; no secret and no
 * plaintext ever appears in an error.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decryptEvents,
  encodeBase64,
  ErrorCodes,
  KeykitError,
  prepareConversationKeyChange,
  type DecryptEventsResult,
  type PreparedKeyChange,
  type SigningKeyEntry,
} from '../../../helpers/kit.js';
import { actionEvent, decodeEvent, encodeEvent, sealedMessage, signedEvent, textEntry } from '../../../helpers/events.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';

let m: Member[];
let signingKeys: SigningKeyEntry[];
let kc: PreparedKeyChange;
let kcEvent: string;
let msg: string;
const G = 'g5';

beforeAll(async () => {
  m = await makeMembers(['111', '222']);
  signingKeys = m.map((x) => x.signingKeyEntry);
  kc = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: G,
    memberIds: ['111', '222'],
  });
  kcEvent = actionEvent(kc.actionSignatures[0]!, '111', G);
  msg = await sealedMessage(m[0]!, kc.conversationKey, kc.conversationKeyVersion, textEntry('top secret words'), { conversationId: G });
});

const options = (extra: Record<string, unknown> = {}) => ({
  recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
  signingKeys,
  ...extra,
});
const recv = (events: unknown, extra: Record<string, unknown> = {}): Promise<DecryptEventsResult> =>
  decryptEvents(events as string[], options(extra) as never);
const codes = (r: DecryptEventsResult) => Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, v.code]));

describe('input forms', () => {
  test('the events response: key events first, indices name where each event came from; extra fields are ignored', async () => {
    const page = {
      data: [{ id: '2', encoded_event: msg, sender_id: '111', is_trusted: true }, { id: '3' }, 'junk', { encoded_event: 42 }],
      meta: { conversation_key_events: [kcEvent], result_count: 4, next_token: 'x' },
      extra: 1,
    };
    const r = await recv(page);
    expect(r.messages.map((x) => [x.index, x.event.type])).toEqual([
      ['meta.conversation_key_events[0]', 'keyChange'],
      ['data[0]', 'message'],
    ]);
    expect(codes(r)).toEqual({ 'data[1]': 'ERR_INVALID_ARGUMENT', 'data[2]': 'ERR_INVALID_ARGUMENT', 'data[3]': 'ERR_INVALID_ARGUMENT' });
    expect(r.errors['data[1]']!.message).toMatch(/chat_message_event.fields=encoded_event/);
  });

  test('a response without data or meta is an empty batch; wrong types for them refuse the call', async () => {
    expect((await recv({ meta: { result_count: 0 } })).messages).toEqual([]);
    expect((await recv({})).messages).toEqual([]);
    await expect(recv({ data: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'events.data' });
    await expect(recv({ meta: [] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'events.meta' });
    await expect(recv({ meta: { conversation_key_events: 'x' } })).rejects.toMatchObject({ field: 'events.meta.conversation_key_events' });
    for (const bad of [null, 'text', 42, new Uint8Array(3)])
      await expect(recv(bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'events' });
  });

  test('an array with holes and non-strings: errors of those indices, the rest decrypted', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const r = await recv([kcEvent, , 7, null, msg]);
    expect(codes(r)).toEqual({ '1': 'ERR_INVALID_ARGUMENT', '2': 'ERR_INVALID_ARGUMENT', '3': 'ERR_INVALID_ARGUMENT' });
    expect(r.messages.map((x) => x.index)).toEqual(['0', '4']);
  });

  test('more than 100,000 events in one call are refused as a whole', async () => {
    await expect(recv(new Array(100_001).fill('AA=='))).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
  });
});

describe('hostile bytes: each a typed error of its index', () => {
  test('base64 and Thrift', async () => {
    const bytes = Buffer.from(msg, 'base64');
    const reordered = Buffer.from(bytes);
    // Swap the first two fields (sequence id 1 and message id 2) of the envelope: not canonical.
    const first = 3 + 4 + reordered.readInt32BE(3);
    const swapped = Buffer.concat([
      reordered.subarray(first, first + 3 + 4 + reordered.readInt32BE(first + 3)),
      reordered.subarray(0, first),
      reordered.subarray(first + 3 + 4 + reordered.readInt32BE(first + 3)),
    ]);
    const events = [
      msg.slice(0, msg.length / 2),
      '!!!not-an-event!!!',
      msg.replace(/\+/g, '-').replace(/\//g, '_'),
      '',
      encodeBase64(bytes.subarray(0, bytes.length - 5)),
      encodeBase64(Buffer.concat([bytes, Buffer.from([0])])),
      encodeBase64(swapped),
      'A'.repeat(16 * 1024 * 1024 + 4),
      encodeBase64(Uint8Array.from([12, 0, 7, 15, 0, 1, 12, 0, 0x40, 0, 0, ...new Array(4000).fill(0)])),
    ];
    const r = await recv(events);
    expect(r.messages).toEqual([]);
    const got = codes(r);
    expect(['ERR_INVALID_BASE64', 'ERR_INVALID_THRIFT']).toContain(got['0']);
    expect(got['1']).toBe('ERR_INVALID_BASE64');
    if (msg.includes('+') || msg.includes('/')) expect(got['2']).toBe('ERR_INVALID_BASE64');
    expect(got['3']).toBe('ERR_INVALID_THRIFT');
    expect([got['4'], got['5'], got['6']]).toEqual(['ERR_INVALID_THRIFT', 'ERR_INVALID_THRIFT', 'ERR_INVALID_THRIFT']);
    expect(got['7']).toBe('ERR_TOO_LARGE');
    expect(['ERR_INVALID_THRIFT', 'ERR_TOO_LARGE']).toContain(got['8']);
  });

  test('a hostile plaintext under a genuine signature: refused within the decoding budget', async () => {
    // A text message whose entity list declares millions of empty entities.
    const holder = { contents: { message: { entities: Array.from({ length: 200_000 }, () => ({})) } } };
    const big = await sealedMessage(m[0]!, kc.conversationKey, kc.conversationKeyVersion, holder, { conversationId: G });
    const r = await recv([kcEvent, big]);
    expect(['ERR_TOO_LARGE', 'ERR_INVALID_THRIFT']).toContain(r.errors['1']?.code);
  });

  test('integers beyond ±2^53 make that event an error (the SDK throws for the whole batch); the others are fine', async () => {
    const late = { ...decodeEvent(msg), createdAtMsec: '9007199254740993', messageId: 'other-id' };
    const ttl = await sealedMessage(
      m[0]!,
      kc.conversationKey,
      kc.conversationKeyVersion,
      textEntry('ttl'),
      { conversationId: G },
      { ttlMsec: 1n << 60n },
    );
    const huge = await sealedMessage(
      m[0]!,
      kc.conversationKey,
      kc.conversationKeyVersion,
      { contents: { message: { attachments: [{ media: { filesizeBytes: -(1n << 62n) } }] } } },
      { conversationId: G },
    );
    const typing = await signedEvent(m[0]!, { messageTypingEvent: {} }, null, { conversationId: G, createdAtMsec: '-9007199254740993' });
    const r = await recv([kcEvent, encodeEvent(late), ttl, huge, typing, msg]);
    expect(codes(r)).toEqual({
      '1': 'ERR_UNSAFE_INTEGER',
      '2': 'ERR_UNSAFE_INTEGER',
      '3': 'ERR_UNSAFE_INTEGER',
      '4': 'ERR_UNSAFE_INTEGER',
    });
    expect(r.messages.map((x) => x.index)).toEqual(['0', '5']);
  });

  test('random mutations of genuine events: every outcome is an event or a typed error, never a crash or ERR_INTERNAL', async () => {
    const originals = [kcEvent, msg].map((e) => Buffer.from(e, 'base64'));
    const known = new Set<string>(Object.values(ErrorCodes));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (which, flips) => {
          const b = Buffer.from(originals[which]!);
          for (const [at, mask] of flips) b[at % b.length]! ^= mask;
          const r = await recv([kcEvent, b.toString('base64')]);
          const e = r.errors['1'];
          if (e) {
            expect(known.has(e.code)).toBe(true);
            expect(e.code).not.toBe('ERR_INTERNAL');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('hostile options: typed errors, nothing pinned', () => {
  test('state: another layout, extra fields, non-canonical or future versions, hostile ids', async () => {
    const bad: [unknown, string][] = [
      [[], 'ERR_INVALID_STATE'],
      ['{}', 'ERR_INVALID_STATE'],
      [{ latestVersions: {} }, 'ERR_INVALID_STATE'],
      [{ version: 2, latestVersions: {} }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: [] }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: {}, keys: {} }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { g1: '01' } }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { g1: 5 } }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { '': '5' } }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { ['x'.repeat(2000)]: '5' } }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { g1: '99999999999999999999' } }, 'ERR_INVALID_STATE'],
      [{ version: 1, latestVersions: { g1: String(Date.now() + 2 * 86_400_000) } }, 'ERR_VERSION_IN_FUTURE'],
    ];
    for (const [state, code] of bad)
      await expect(recv([msg], { state }), JSON.stringify(state).slice(0, 60)).rejects.toMatchObject({ code });
    // A conversation id such as __proto__ is an ordinary key, kept as such.
    const proto = JSON.parse('{"version":1,"latestVersions":{"__proto__":"5"}}');
    const r = await recv([], { state: proto });
    expect(Object.keys(r.state.latestVersions)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(r.state.latestVersions)).toBe(Object.prototype);
  });

  test("the caller's keys: wrong shapes, versions and lengths are refused naming the entry", async () => {
    const key = new Uint8Array(32);
    const bad: [unknown, string, string][] = [
      [[], 'ERR_INVALID_ARGUMENT', 'options.conversationKeys'],
      [{ g1: null }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys["g1"]'],
      [{ g1: { '01': key } }, 'ERR_INVALID_VERSION', 'options.conversationKeys["g1"]["01"]'],
      [{ g1: { '5': new Uint8Array(31) } }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys["g1"]["5"]'],
      [{ g1: { '5': 'AAAA' } }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys["g1"]["5"]'],
      [{ g1: { keys: [] } }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys["g1"].keys'],
      [{ g1: { keys: {}, unverified: 'x' } }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys["g1"].unverified'],
      [{ '': { '5': key } }, 'ERR_INVALID_ARGUMENT', 'options.conversationKeys[""]'],
    ];
    for (const [conversationKeys, code, field] of bad)
      await expect(recv([msg], { conversationKeys })).rejects.toMatchObject({ code, field });
    expect((await recv([], { conversationKeys: { ['__proto__']: { '5': key } } })).conversationKeys.byConversation).toHaveProperty([
      '__proto__',
    ]);
  });

  test('recipient, signing keys, clock and threads', async () => {
    await expect(recv([msg], { recipient: { userId: '222', identityPrivateKey: new Uint8Array(31) } })).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    await expect(
      recv([msg], { recipient: { userId: 'bob', identityPrivateKey: m[1]!.identity.identityPrivateKey } }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_USER_ID' });
    await expect(recv([msg], { signingKeys: [{ userId: '111' }] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(recv([msg], { now: () => -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(recv([msg], { workers: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'options.workers' });
    await expect(decryptEvents([msg], null as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'options' });
    for (const workers of [false, 0, 1, 4, true])
      expect((await recv([kcEvent, msg], { workers })).messages, String(workers)).toHaveLength(2);
  });

  test('the recipient key the caller passed is not modified (a copy is wiped)', async () => {
    const before = Buffer.from(m[1]!.identity.identityPrivateKey).toString('hex');
    await recv([kcEvent, msg]);
    expect(Buffer.from(m[1]!.identity.identityPrivateKey).toString('hex')).toBe(before);
  });
});

test('no error message carries a key, a signature input or plaintext', async () => {
  const errors: unknown[] = [];
  const wrongKey = await sealedMessage(m[0]!, new Uint8Array(32).fill(1), kc.conversationKeyVersion, textEntry('top secret words'), {
    conversationId: G,
  });
  const bad = decodeEvent(kcEvent);
  bad.messageEventSignature!.signature = bad.messageEventSignature!.signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  for (const events of [[kcEvent, msg, msg, wrongKey, encodeEvent(bad)], [msg], [encodeEvent(bad), msg]]) {
    const r = await recv(events);
    errors.push(...Object.values(r.errors));
  }
  try {
    await recv([msg], { conversationKeys: { [G]: { [kc.conversationKeyVersion]: new Uint8Array(33) } } });
  } catch (e) {
    expect(e).toBeInstanceOf(KeykitError);
    errors.push(e);
  }
  expect(errors.length).toBeGreaterThan(4);
  const text = errors.map((e) => `${JSON.stringify(e)} ${inspect(e)}`).join('\n');
  for (const secret of [kc.conversationKey, m[1]!.identity.identityPrivateKey]) {
    expect(text).not.toContain(Buffer.from(secret).toString('hex'));
    expect(text).not.toContain(encodeBase64(secret).slice(0, 40));
  }
  expect(text).not.toContain('top secret');
});
