/**
 * The receiver's small parts on their own: integers as the SDK reads them, the key store's
 * resolution and result, the state's reading and writing, running tasks in lanes, the preview's
 * structural equality, the signature checker's caching.
 */
import { describe, expect, test } from 'vitest';
import { createdAtOf, safeNumber } from '../../../../src/adapters/xchat/events/ints.js';
import { KeyStore } from '../../../../src/adapters/xchat/events/keystore.js';
import { sameValue } from '../../../../src/adapters/xchat/events/preview.js';
import { raiseFloor, readState, writeState } from '../../../../src/adapters/xchat/events/state.js';
import { Checker, inLanes } from '../../../../src/adapters/xchat/events/verify.js';
import { SecretBytes, resolveBackend } from '../../../helpers/kit.js';
import { makeMembers } from '../../../helpers/members.js';

const key = (b: number) => SecretBytes.from(new Uint8Array(32).fill(b)) as SecretBytes;

describe('integers', () => {
  test('created_at as the SDK parses it: sign, leading zeros, i64 range; beyond 2^53 an error', () => {
    expect(['1700000000000', '+5', '-5', '05', '-0', '000'].map(createdAtOf)).toEqual([1700000000000, 5, -5, 5, 0, 0]);
    expect(
      ['', '+', '-', ' 5', '5 ', 'abc', '1e3', '9223372036854775808', '18446744073709551615', '0'.repeat(30) + '1'].map(createdAtOf),
    ).toEqual([null, null, null, null, null, null, null, null, null, 1]);
    expect(createdAtOf(undefined)).toBeNull();
    expect(createdAtOf('9007199254740991')).toBe(9007199254740991);
    for (const t of ['9007199254740992', '-9223372036854775808'])
      expect(() => createdAtOf(t)).toThrow(expect.objectContaining({ code: 'ERR_UNSAFE_INTEGER' }));
  });

  test('i64 fields: numbers within ±(2^53−1), null when absent', () => {
    expect([safeNumber(undefined, 'f'), safeNumber(-5n, 'f'), safeNumber(2n ** 53n - 1n, 'f')]).toEqual([null, -5, 2 ** 53 - 1]);
    expect(() => safeNumber(-(2n ** 53n), 'ttl')).toThrow(expect.objectContaining({ code: 'ERR_UNSAFE_INTEGER', field: 'ttl' }));
  });
});

describe('the key store', () => {
  test('trust order: trusted and verified candidates decide; unverified ones only alone; otherwise a conflict', () => {
    const s = new KeyStore();
    s.add('g1', '5', key(1), 'unverified');
    expect(s.resolve('g1', '5')).toMatchObject({ unverified: true });
    s.add('g1', '5', key(2), 'verified');
    expect(s.resolve('g1', '5')).toEqual({ key: key(2), unverified: false });
    s.add('g1', '5', key(2), 'trusted');
    expect(s.resolve('g1', '5')).toMatchObject({ unverified: false });
    s.add('g1', '5', key(3), 'trusted');
    expect(s.resolve('g1', '5')).toEqual({ conflict: true });
    s.add('g1', '6', key(1), 'unverified');
    s.add('g1', '6', key(4), 'unverified');
    expect(s.resolve('g1', '6')).toEqual({ conflict: true });
    expect(s.resolve('g1', '7')).toEqual({ missing: true });
    expect(s.resolve('g2', '5')).toEqual({ missing: true });
  });

  test('the latest version: verified and unconflicted only, compared as numbers', () => {
    const s = new KeyStore();
    s.add('g1', '999', key(1), 'verified');
    s.add('g1', '1000', key(2), 'verified');
    s.add('g1', '1001', key(3), 'unverified');
    s.add('g1', '1002', key(4), 'trusted');
    expect(s.latestVerified('g1')).toBe('1000');
    s.add('g1', '1000', key(5), 'verified');
    expect(s.latestVerified('g1')).toBe('999');
    expect(s.latestVerified('g9')).toBeNull();
  });

  test('the result: per conversation, the flat view without versions two conversations disagree on', () => {
    const s = new KeyStore();
    s.add('g1', '5', key(1), 'verified');
    s.add('g2', '5', key(2), 'verified');
    s.add('g2', '7', key(3), 'unverified');
    s.add('g3', '5', key(1), 'trusted');
    s.touch('g4');
    const r = s.result(
      new Map([
        ['g1', '5'],
        ['g2', '9'],
      ]),
    );
    expect(r.byConversation).toEqual({
      g1: { keys: { '5': key(1) }, latestVersion: '5', unverified: [] },
      g2: { keys: { '5': key(2), '7': key(3) }, latestVersion: '9', unverified: ['7'] },
      g3: { keys: { '5': key(1) }, latestVersion: null, unverified: [] },
      g4: { keys: {}, latestVersion: null, unverified: [] },
    });
    expect(r.keys).toEqual({ '7': key(3) });
    expect(r.latestVersion).toBe('9');
  });
});

describe('the state', () => {
  const now = 1_800_000_000_000;
  test('round trip through JSON, floors only go up', () => {
    const floors = readState({ version: 1, latestVersions: { g1: '5', 'a:b': '10' } }, now, 0);
    raiseFloor(floors, 'g1', '4');
    raiseFloor(floors, 'a:b', '11');
    raiseFloor(floors, 'g2', '1');
    const out = JSON.parse(JSON.stringify(writeState(floors)));
    expect(out).toEqual({ version: 1, latestVersions: { 'a:b': '11', g1: '5', g2: '1' } });
    expect(readState(out, now, 0)).toEqual(floors);
    expect(readState(undefined, now, 0).size).toBe(0);
  });

  test('the skew bounds a state version as it bounds key versions', () => {
    expect(readState({ version: 1, latestVersions: { g1: String(now + 10) } }, now, 10).get('g1')).toBe(String(now + 10));
    expect(() => readState({ version: 1, latestVersions: { g1: String(now + 11) } }, now, 10)).toThrow(
      expect.objectContaining({ code: 'ERR_VERSION_IN_FUTURE' }),
    );
  });
});

test('lanes: every item once, at most n at a time, in order of start', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  await inLanes([0, 1, 2, 3, 4, 5, 6], 3, async (i) => {
    started.push(i);
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 1 + (i % 3)));
    running--;
  });
  expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(most).toBe(3);
  await inLanes([], 4, async () => {
    throw new Error('never');
  });
});

test('structural equality of decoded values ignores unknown fields only', () => {
  expect(sameValue({ a: 1n, b: [Uint8Array.of(1)], $unknown: [1] }, { b: [Uint8Array.of(1)], a: 1n })).toBe(true);
  expect(sameValue({ a: 1n }, { a: 1n, b: undefined })).toBe(false);
  expect(sameValue({ a: [] }, {})).toBe(false);
  expect(sameValue(Uint8Array.of(1), Uint8Array.of(2))).toBe(false);
  expect(sameValue([1], { 0: 1 })).toBe(false);
});

test('the checker looks each signer up once, and tells unknown keys from bad bindings from bad signatures', async () => {
  const [a] = await makeMembers(['111']);
  const backend = await resolveBackend();
  const entry = a!.signingKeyEntry;
  let reads = 0;
  const counted = new Proxy(entry, { get: (t, p) => (p === 'identityPublicKeySignature' && reads++, Reflect.get(t, p)) });
  const checker = new Checker(backend, [counted], { kind: 'lanes', inFlight: 4 });
  const payload = 'MessageCreateEvent,m,111,g1,5,AA';
  const bytes = await backend.sign(a!.identity.signingPrivateKey, new TextEncoder().encode(payload));
  const sig = (signer: string, keyVersion: string, b = bytes) => ({
    signature: { head: { messageId: 'm', senderId: signer, conversationId: 'g1' }, signer, keyVersion, version: 7, bytes: b },
    payload,
    label: 'message',
  });
  const results = await Promise.all(Array.from({ length: 10 }, () => checker.check(sig('111', a!.version))));
  expect(results.every((r) => r === null)).toBe(true);
  expect(reads).toBe(1);
  expect((await checker.check(sig('111', '9')))?.code).toBe('ERR_SIGNING_KEY_NOT_FOUND');
  expect((await checker.check(sig('111', a!.version, new Uint8Array(64))))?.code).toBe('ERR_SIGNATURE_INVALID');
  const unbound = new Checker(backend, [
    { ...entry, identityPublicKeySignature: entry.identityPublicKeySignature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
  ]);
  expect((await unbound.check(sig('111', a!.version)))?.code).toBe('ERR_KEY_BINDING_INVALID');
});
