/**
 * The Sendbird key envelope as text (src/adapters/sendbird/envelope.ts, docs/sendbird.md §"The key
 * envelope"), on a real envelope prepared for three members: the signed payload is the one the
 * signature verifies under OpenSSL, the commitment is SHA-256(label ‖ 00 ‖ key); `channelData`
 * writes the documented text and `parseChannelData` reads only that text, checking every field at
 * its boundary (versions 0 and 2^64−1 in, 2^64 and leading zeros out; user ids of 256 characters
 * in, 257 or with a comma out; the exact base64 forms and lengths; the recipient limit) with the
 * documented code and field; `appDataOfChannelData` keeps the application's part. Then the
 * properties: round trips, and arbitrary or mutated text parses to an envelope that re-encodes to
 * the same text, or a typed error.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  appDataOfChannelData,
  channelData,
  ENVELOPE_PAYLOAD_NAME,
  envelopeKeys,
  envelopePayload,
  KEY_COMMITMENT_LABEL,
  MAX_DATA_LENGTH,
  MAX_RECIPIENTS,
  parseChannelData,
  type SendbirdKeyEnvelope,
} from '../../../src/adapters/sendbird/envelope.js';
import {
  encodeBase64,
  encodeBase64NoPad,
  prepareSendbirdChannelKey,
  sec1ToSpki,
  type PreparedSendbirdChannelKey,
} from '../../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';
import { RUNS, typedOrValue } from '../../helpers/properties.js';

const URL = 'team_room';
let members: Member[];
let prepared: PreparedSendbirdChannelKey;
let e: SendbirdKeyEnvelope;

beforeAll(async () => {
  members = await makeMembers(['111', '222', '333']);
  prepared = await prepareSendbirdChannelKey({
    channelUrl: URL,
    publicKeys: members.map((m) => m.publicKeyInput),
    memberIds: ['111', '222', '333'],
    sender: senderOf(members[0]!),
  });
  e = prepared.envelope;
});

/** The channel data of the prepared envelope with some fields replaced (written as channelData would). */
const withFields = (fields: Partial<Record<keyof SendbirdKeyEnvelope, unknown>>, app?: string) =>
  channelData({ ...e, ...fields } as SendbirdKeyEnvelope, app);
const refused = (data: unknown, field: string, code = 'ERR_INVALID_ENVELOPE') =>
  expect(() => parseChannelData(data)).toThrow(expect.objectContaining({ code, field }));

describe('the signed parts', () => {
  test('envelopePayload is the documented component list, and the text the signature verifies (OpenSSL)', () => {
    const keys = e.keys.flat().join(',');
    const payload = envelopePayload(URL, e);
    expect(payload).toBe(`${ENVELOPE_PAYLOAD_NAME},2,${URL},${e.ckv},111,${e.skv},${e.kc},3,${keys}`);
    expect(ENVELOPE_PAYLOAD_NAME).toBe('chat-keykit.SendbirdChannelKey');
    const key = createPublicKey({ key: Buffer.from(sec1ToSpki(members[0]!.identity.signingPublicKey)), format: 'der', type: 'spki' });
    const sig = Buffer.from(e.sig, 'base64');
    expect(verify('sha256', Buffer.from(payload), { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    // Another channel URL is another payload: the signature does not carry over.
    expect(verify('sha256', Buffer.from(envelopePayload('other_room', e)), { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(false);
  });

  test('a comma in a signed component cannot be signed', () => {
    expect(() => envelopePayload('a,b', e)).toThrow(expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD', field: 'channel_url' }));
    expect(() => envelopePayload(URL, { ...e, keys: [['1,2', 'w', '1']] })).toThrow(
      expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD', field: 'keys[0]' }),
    );
  });

  test('the key commitment is unpadded base64 of SHA-256(label ‖ 00 ‖ key)', () => {
    const digest = createHash('sha256')
      .update(Buffer.from(KEY_COMMITMENT_LABEL))
      .update(Buffer.of(0))
      .update(prepared.conversationKey)
      .digest();
    expect(e.kc).toBe(encodeBase64NoPad(digest));
  });

  test('envelopeKeys: the recipients as wrapped keys, in order', () => {
    expect(envelopeKeys(e)).toEqual(e.keys.map(([userId, encryptedKey, publicKeyVersion]) => ({ userId, encryptedKey, publicKeyVersion })));
    expect(envelopeKeys(e).map((k) => k.userId)).toEqual(['111', '222', '333']);
  });
});

describe('channelData and parseChannelData', () => {
  test('the documented text: ckk then app, the seven fields in order, no whitespace; read back as written', () => {
    const data = channelData(e, '{"theme":"dark"}');
    expect(data).toBe(
      `{"ckk":{"v":2,"ckv":"${e.ckv}","sender":"111","skv":"${e.skv}","kc":"${e.kc}","keys":${JSON.stringify(e.keys)},"sig":"${e.sig}"},"app":"{\\"theme\\":\\"dark\\"}"}`,
    );
    expect(parseChannelData(data)).toEqual({ envelope: e, appData: '{"theme":"dark"}' });
    expect(parseChannelData(channelData(e, undefined))).toEqual({ envelope: e });
    expect(parseChannelData(channelData(e, ''))).toEqual({ envelope: e, appData: '' });
    // Extra properties of the object given are not written.
    expect(channelData({ ...e, extra: 1 } as SendbirdKeyEnvelope, undefined)).toBe(channelData(e, undefined));
  });

  test.each([
    ['0', true],
    ['1', true],
    ['18446744073709551615', true],
    ['18446744073709551616', false],
    ['01', false],
    ['-1', false],
    ['1.0', false],
    ['', false],
  ])('versions (ckv, skv, key versions): %j accepted: %s', (v, ok) => {
    for (const [fields, field] of [
      [{ ckv: v }, 'channel.data.ckk.ckv'],
      [{ skv: v }, 'channel.data.ckk.skv'],
      [{ keys: [[e.keys[0]![0], e.keys[0]![1], v]] }, 'channel.data.ckk.keys[0][2]'],
    ] as const) {
      const data = withFields(fields);
      if (ok) expect(parseChannelData(data).envelope).toMatchObject(fields);
      else refused(data, field);
    }
  });

  test('user ids: 1 to 256 characters, no comma, distinct', () => {
    for (const id of ['a', 'x'.repeat(256), 'Ünïcödé 用户', 'user@example.com']) {
      expect(parseChannelData(withFields({ sender: id })).envelope.sender).toBe(id);
      expect(parseChannelData(withFields({ keys: [[id, e.keys[0]![1], '1']] })).envelope.keys[0]![0]).toBe(id);
    }
    for (const id of ['x'.repeat(257), 'a,b']) {
      refused(withFields({ sender: id }), 'channel.data.ckk.sender');
      refused(withFields({ keys: [[id, e.keys[0]![1], '1']] }), 'channel.data.ckk.keys[0][0]');
    }
    refused(withFields({ sender: '' }), 'channel.data.ckk.sender');
    refused(withFields({ keys: [e.keys[0], e.keys[1], [e.keys[0]![0], e.keys[2]![1], '1']] }), 'channel.data.ckk.keys[2][0]');
  });

  test('base64 fields: kc and sig unpadded of 32 and 64 bytes, wrapped keys padded of 113', () => {
    const b = (n: number) => new Uint8Array(n).fill(7);
    expect(e.kc).toHaveLength(43);
    expect(e.sig).toHaveLength(86);
    expect(e.keys[0]![1]).toHaveLength(152);
    for (const [f, n] of [
      ['kc', 32],
      ['sig', 64],
    ] as const) {
      refused(withFields({ [f]: encodeBase64(b(n)) }), `channel.data.ckk.${f}`); // padded
      refused(withFields({ [f]: encodeBase64NoPad(b(n - 1)) }), `channel.data.ckk.${f}`);
      refused(withFields({ [f]: encodeBase64NoPad(b(n + 1)) }), `channel.data.ckk.${f}`);
      refused(withFields({ [f]: encodeBase64NoPad(b(n)).replace(/[A-Za-z0-9]$/, '-') }), `channel.data.ckk.${f}`);
    }
    const wrapped = (w: string) => withFields({ keys: [[e.keys[0]![0], w, '1']] });
    expect(parseChannelData(wrapped(encodeBase64(b(113)))).envelope.keys[0]![1]).toBe(encodeBase64(b(113)));
    refused(wrapped(encodeBase64NoPad(b(113))), 'channel.data.ckk.keys[0][1]');
    refused(wrapped(encodeBase64(b(112))), 'channel.data.ckk.keys[0][1]');
    refused(wrapped(encodeBase64(b(114))), 'channel.data.ckk.keys[0][1]');
  });

  test('keys: a non-empty list of [user id, wrapped key, version] entries, at most MAX_RECIPIENTS', () => {
    refused(withFields({ keys: [] }), 'channel.data.ckk.keys');
    refused(withFields({ keys: 'x' }), 'channel.data.ckk.keys');
    for (const entry of [[e.keys[0]![0], e.keys[0]![1]], [...e.keys[0]!, '1'], [1, e.keys[0]![1], '1'], { 0: '111' }]) {
      refused(withFields({ keys: [entry] }), 'channel.data.ckk.keys[0]');
    }
    const many = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => [String(i), e.keys[0]![1], '1']);
    refused(withFields({ keys: many }), 'channel.data.ckk.keys', 'ERR_TOO_LARGE');
    expect(parseChannelData(withFields({ keys: many.slice(0, MAX_RECIPIENTS) })).envelope.keys).toHaveLength(MAX_RECIPIENTS);
  });

  test('the envelope version: the number 2 only (UnsupportedVersionError otherwise)', () => {
    for (const v of [1, 3, '2', 2.5, null]) {
      expect(() => parseChannelData(withFields({ v }))).toThrow(
        expect.objectContaining({ name: 'UnsupportedVersionError', code: 'ERR_UNSUPPORTED_ENVELOPE_VERSION', field: 'channel.data.ckk.v' }),
      );
    }
    // The version is read before the other fields: an envelope of another version may have others.
    expect(() => parseChannelData(JSON.stringify({ ckk: { v: 3, future: true } }))).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ENVELOPE_VERSION' }),
    );
  });

  test('no data, not JSON, no envelope, other members: ERR_INVALID_ENVELOPE at channel.data', () => {
    for (const data of [undefined, '', 42, 'not json', '[]', 'null', '"ckk"', '{}', '{"ckk":null}', '{"ckk":[]}', '{"app":"x"}'])
      refused(data, 'channel.data');
    refused(JSON.stringify({ ckk: JSON.parse(channelData(e, undefined)).ckk, other: 1 }), 'channel.data');
    refused(JSON.stringify({ ckk: { ...JSON.parse(channelData(e, undefined)).ckk, extra: 1 } }), 'channel.data');
    refused(JSON.stringify({ ckk: JSON.parse(channelData(e, undefined)).ckk, app: 5 }), 'channel.data');
  });

  test('larger than MAX_DATA_LENGTH: ERR_TOO_LARGE before parsing', () => {
    const huge = channelData(e, 'x'.repeat(MAX_DATA_LENGTH));
    expect(() => parseChannelData(huge)).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'ERR_TOO_LARGE', field: 'channel.data' }),
    );
    expect(parseChannelData(channelData(e, 'x'.repeat(MAX_DATA_LENGTH - channelData(e, '').length))).appData).toHaveLength(
      MAX_DATA_LENGTH - channelData(e, '').length,
    );
  });
});

describe('appDataOfChannelData', () => {
  test('the application part of a document chatkeykit wrote (the old envelope itself is not checked)', () => {
    expect(appDataOfChannelData(channelData(e, 'mine'), 'currentData')).toBe('mine');
    expect(appDataOfChannelData(channelData(e, undefined), 'currentData')).toBeUndefined();
    expect(appDataOfChannelData('{"ckk":{"v":1,"anything":true},"app":"old"}', 'currentData')).toBe('old');
  });

  test.each([
    ['application data without an envelope', '{"theme":"dark"}'],
    ['not JSON', 'plain text'],
    ['a member besides ckk and app', '{"ckk":{},"app":"x","more":1}'],
    ['ckk not an object', '{"ckk":"x"}'],
    ['app not a string', '{"ckk":{},"app":1}'],
    ['a duplicate key, read differently by other parsers', '{"ckk":{},"app":"a","app":"b"}'],
    ['an array', '[{"ckk":{}}]'],
  ])('refuses %s (ERR_INVALID_ENVELOPE naming the field)', (_name, data) => {
    expect(() => appDataOfChannelData(data, 'currentData')).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'ERR_INVALID_ENVELOPE', field: 'currentData' }),
    );
  });

  test('refuses data longer than MAX_DATA_LENGTH with the code parseChannelData gives it (ERR_TOO_LARGE)', () => {
    const long = `{"ckk":{},"app":"${'x'.repeat(MAX_DATA_LENGTH)}"}`;
    expect(() => appDataOfChannelData(long, 'currentData')).toThrow(
      expect.objectContaining({ code: 'ERR_TOO_LARGE', field: 'currentData' }),
    );
    expect(() => parseChannelData(long)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
  });
});

// Properties (moved from test/hardening/properties.test.ts).
describe('properties', () => {
  const bytesB64 = (n: number, pad: boolean) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => (pad ? encodeBase64(b) : encodeBase64NoPad(b)));
  const userId = fc.string({ minLength: 1, maxLength: 12 }).filter((u) => !u.includes(','));
  const version = fc.stringMatching(/^(0|[1-9][0-9]{0,18})$/);
  const envelope = fc.record({
    v: fc.constant(2 as const),
    ckv: version,
    sender: userId,
    skv: version,
    kc: bytesB64(32, false),
    keys: fc.uniqueArray(fc.tuple(userId, bytesB64(113, true), version), { minLength: 1, maxLength: 4, selector: (k) => k[0] }),
    sig: bytesB64(64, false),
  });
  test('envelope and app data round-trip through the data string', () => {
    fc.assert(
      fc.property(envelope, fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (env, app) => {
        const back = parseChannelData(channelData(env as SendbirdKeyEnvelope, app));
        expect(back).toEqual(app === undefined ? { envelope: env } : { envelope: env, appData: app });
      }),
      { numRuns: RUNS, seed: 21 },
    );
  });
  test('arbitrary and mutated data strings: an envelope that re-encodes to the same text, or a typed error', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.json(),
      fc.tuple(envelope, fc.nat(), fc.string({ maxLength: 3 })).map(([env, at, ins]) => {
        const t = channelData(env as SendbirdKeyEnvelope, undefined);
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + ins.length);
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const r = typedOrValue(() => parseChannelData(text));
        if (r.ok) expect(channelData(r.value.envelope, r.value.appData)).toBe(text);
        else expect(['ERR_INVALID_ENVELOPE', 'ERR_UNSUPPORTED_ENVELOPE_VERSION']).toContain(r.error.code);
      }),
      { numRuns: RUNS * 3, seed: 22 },
    );
  });
  test('texts that parse to the same value but are not what channelData writes are refused', async () => {
    const env = fc.sample(envelope, { numRuns: 1, seed: 5 })[0] as SendbirdKeyEnvelope;
    const canonical = channelData(env, 'app');
    expect(parseChannelData(canonical).appData).toBe('app');
    const variants = [
      ` ${canonical}`,
      JSON.stringify({ zz: 1, ...JSON.parse(canonical) }),
      JSON.stringify({ app: 'app', ckk: env }),
      canonical.replace('"v":2', '"v":2.0'),
      canonical.replace('"ckk"', '"\\u0063kk"'),
      canonical.replace('{"v":2,', '{"v":2,"ckv":"1",'),
      JSON.stringify({ ckk: { ...env, sig: `${env.sig}==`.slice(0, env.sig.length + 2) }, app: 'app' }),
      JSON.stringify({ ckk: { ...env, ckv: '-1' }, app: 'app' }),
      JSON.stringify({ ckk: { ...env, sender: 'a,b' }, app: 'app' }),
      JSON.stringify({ ckk: { ...env, kc: `${env.kc}A` }, app: 'app' }),
      JSON.stringify({ ckk: { ...env, keys: [[env.keys[0]![0], 'AAAA', '1']] }, app: 'app' }),
    ];
    for (const v of variants) expect(() => parseChannelData(v), v).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE' }));
  });
});
