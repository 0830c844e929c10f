/**
 * The crypto backends are interchangeable: the same inputs give the same bytes on noble, node and
 * webcrypto, each opens what the others seal, and the parallel paths (worker threads, concurrent
 * WebCrypto calls) give exactly the single-threaded output.
 */
import { afterAll, describe, expect, test } from 'vitest';
import {
  buildKeyRegistration,
  generateIdentity,
  prepareGroupCreate,
  resolveBackend,
  setDefaultBackend,
  unwrapConversationKey,
  wrapConversationKey,
  type BackendName,
  type GroupCreateParams,
  withTestingHooks,
} from '../helpers/kit.js';
import { closeWorkers, poolSize } from '../../src/core/workers.js';
import { WEB_WORKER_THRESHOLD, WORKER_THRESHOLD } from '../../src/core/wrap.js';
import { closeWebWorkers, webPoolSize } from '../../src/core/webworkers.js';
import { installWebWorkerShim } from '../helpers/webworker-shim.js';
import { testBackends } from '../helpers/backends.js';

const backends = await testBackends();
const names = backends.map((b) => b.name);
afterAll(() => closeWorkers());

/** A deterministic byte stream (testing only). */
function stream(seed: number): (n: number) => Uint8Array {
  let c = seed;
  return (n) => Uint8Array.from({ length: n }, () => (c = (c * 1103515245 + 12345) & 0x7fffffff) & 0xff);
}

async function group(n: number): Promise<GroupCreateParams> {
  const ids = Array.from({ length: n }, (_, i) => String(5000 + i));
  const ident = await Promise.all(ids.map(() => generateIdentity({ backend: 'node' })));
  return {
    publicKeys: ids.map((userId, i) => ({ userId, publicKey: ident[i]!.identityPublicKey, keyVersion: '1' })),
    sender: { userId: ids[0]!, signingKeyVersion: '1', signingPrivateKey: ident[0]!.signingPrivateKey },
    conversationId: 'g9',
    memberIds: ids,
    title: 'parity',
  };
}

test('the suite runs against the backend its project names', async () => {
  expect((await resolveBackend()).name).toBe(process.env.KEYKIT_TEST_BACKEND ?? 'node');
  expect(names).toEqual(['noble', 'node', 'webcrypto']);
});

test('the automatic choice on Node is the native backend; unknown names are typed errors', async () => {
  setDefaultBackend(undefined);
  try {
    expect((await resolveBackend()).name).toBe('node');
  } finally {
    setDefaultBackend(process.env.KEYKIT_TEST_BACKEND as BackendName | undefined);
  }
  expect(() => setDefaultBackend('rsa' as never)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_BACKEND' }));
  await expect(resolveBackend('rsa' as never)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_BACKEND', field: 'backend' });
});

test('every backend draws large amounts of randomness (a 10,000-member group needs 320 kB of scalars)', () => {
  for (const { backend } of backends) {
    const r = backend.randomBytes(320_000);
    expect(r).toHaveLength(320_000);
    // Not all zero, and the chunks differ (a 64 KiB chunk repeated would show here).
    expect(Buffer.from(r.subarray(0, 65536)).equals(Buffer.from(r.subarray(65536, 131072)))).toBe(false);
  }
});

describe('interchangeable outputs', () => {
  test('same identity, registration and group create, byte for byte, on every backend', async () => {
    const outputs = await Promise.all(
      names.map(async (backend) => {
        const id = await generateIdentity(withTestingHooks({ backend }, { random: stream(1) }));
        return { reg: await buildKeyRegistration(id, { backend, version: '1' }) };
      }),
    );
    for (const o of outputs) expect(o.reg).toEqual(outputs[0]!.reg);
    const params = await group(7);
    const created = await Promise.all(names.map((backend) => prepareGroupCreate(params, withTestingHooks({ backend, workers: 0 }, { random: stream(2), now: () => 42 }))));
    for (const c of created) expect(JSON.stringify(c)).toBe(JSON.stringify(created[0]));
  });

  test('every backend opens what every other backend wraps', async () => {
    const bob = await generateIdentity();
    const key = new Uint8Array(32).fill(9);
    for (const from of names) {
      const wrapped = await wrapConversationKey(key, bob.identityPublicKey, { backend: from });
      for (const to of names) expect(Array.from(await unwrapConversationKey(wrapped, bob.identityPrivateKey, { backend: to }))).toEqual(Array.from(key));
    }
  });

  test('signatures: deterministic and identical; each backend verifies the others’ and high-S ones', async () => {
    const sigs = await Promise.all(backends.map(({ backend }) => backend.sign(new Uint8Array(32).fill(3), new TextEncoder().encode('payload'))));
    for (const s of sigs) expect(Array.from(s)).toEqual(Array.from(sigs[0]!));
    const id = await generateIdentity();
    const msg = new TextEncoder().encode('m');
    // Find a message whose signature is high-S, then check every backend verifies it.
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    let high: Uint8Array | undefined;
    for (let i = 0; i < 64 && !high; i++) {
      const m = new TextEncoder().encode(`m${i}`);
      const s = await backends[0]!.backend.sign(id.signingPrivateKey, m);
      const sv = BigInt(`0x${Buffer.from(s.subarray(32)).toString('hex')}`);
      if (sv > n / 2n) {
        high = s;
        for (const { backend } of backends) expect(await backend.verify(id.signingPublicKey, m, s)).toBe(true);
      }
    }
    expect(high).toBeDefined();
    for (const { backend } of backends) expect(await backend.verify(id.signingPublicKey, msg, new Uint8Array(64))).toBe(false);
  });
});

describe('parallel paths give the single-threaded output', () => {
  test(`worker threads (node backend), cold and warm pool`, async () => {
    await closeWorkers();
    const params = await group(WORKER_THRESHOLD.WARM + 45);
    const opts = (workers: 'auto' | number) => withTestingHooks({ backend: 'node' as const, workers }, { random: stream(5), messageId: () => 'm', now: () => 1 });
    const single = await prepareGroupCreate(params, opts(0));
    // A cold pool is not started for a group below the cold threshold…
    await prepareGroupCreate(params, opts('auto'));
    expect(poolSize()).toBe(0);
    for (const w of [1, 2, 3, 'auto'] as const) {
      const progress: number[] = [];
      const par = await prepareGroupCreate(params, { ...opts(w), onProgress: (d, t) => (expect(t).toBe(params.memberIds.length), progress.push(d)) });
      expect(JSON.stringify(par)).toBe(JSON.stringify(single));
      expect(progress.at(-1)).toBe(params.memberIds.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    }
    // …but once it runs, 'auto' uses it from the warm threshold on.
    expect(poolSize()).toBe(3);
    // Concurrent WebCrypto windows and the noble loop give the same bytes too.
    for (const backend of ['webcrypto', 'noble'] as const) {
      expect(JSON.stringify(await prepareGroupCreate(params, { ...opts(0), backend }))).toBe(JSON.stringify(single));
    }
  });

  test('Web Workers (webcrypto backend), through a Blob URL as in a browser: same bytes, cold and warm pool', async () => {
    const params = await group(WEB_WORKER_THRESHOLD.WARM + 20);
    const opts = (workers: 'auto' | number) => withTestingHooks({ backend: 'webcrypto' as const, workers }, { random: stream(6), messageId: () => 'm', now: () => 1 });
    const single = await prepareGroupCreate(params, opts(0));
    await expect(prepareGroupCreate(params, opts(2))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'options.workers' });
    const uninstall = installWebWorkerShim();
    try {
      // Below the cold threshold 'auto' does not start a pool…
      expect(JSON.stringify(await prepareGroupCreate(params, opts('auto')))).toBe(JSON.stringify(single));
      expect(webPoolSize()).toBe(0);
      for (const w of [2, 'auto'] as const) {
        const progress: number[] = [];
        const par = await prepareGroupCreate(params, { ...opts(w), onProgress: (d) => progress.push(d) });
        expect(JSON.stringify(par)).toBe(JSON.stringify(single));
        expect(progress.at(-1)).toBe(params.memberIds.length);
      }
      // …but uses a running one from the warm threshold.
      expect(webPoolSize()).toBe(2);
    } finally {
      closeWebWorkers();
      uninstall();
    }
  });

  test('the workers option is validated', async () => {
    const params = await group(2);
    await expect(prepareGroupCreate(params, { workers: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'options.workers' });
    await expect(prepareGroupCreate(params, { workers: 'many' as never })).rejects.toMatchObject({ field: 'options.workers' });
    await expect(prepareGroupCreate(params, { backend: 'noble', workers: 2 })).rejects.toMatchObject({ field: 'options.workers' });
  });
});

test('a prepared ECDSA verifier (noble, webcrypto) answers exactly as verify, with many checks in flight, before and after a key table', async () => {
  const id = await generateIdentity({ backend: 'node' });
  const noble = await resolveBackend('noble');
  const messages = Array.from({ length: 24 }, (_, i) => new TextEncoder().encode(`payload ${i}`));
  const sigs = await Promise.all(messages.map((msg) => noble.sign(id.signingPrivateKey, msg)));
  // Every other one broken: a flipped bit, a wrong length, a signature of another message.
  const cases = messages.map((msg, i) => ({ msg, sig: i % 4 === 1 ? Uint8Array.from(sigs[i]!, (b, j) => (j === 3 ? b ^ 1 : b)) : i % 4 === 3 ? (i % 8 === 3 ? sigs[i]!.subarray(0, 63) : sigs[(i + 1) % 24]!) : sigs[i]! }));
  const expected = cases.map((_, i) => i % 2 === 0);
  const withVerifier = backends.filter((b) => b.backend.ecdsaVerifier);
  expect(withVerifier.map((b) => b.name)).toEqual(names.filter((n) => n !== 'node'));
  for (const { name, backend } of backends) {
    expect(await Promise.all(cases.map((c) => backend.verify(id.signingPublicKey, c.msg, c.sig))), name).toEqual(expected);
    const v = backend.ecdsaVerifier?.(id.signingPublicKey);
    for (let pass = 0; v && pass < 4; pass++) expect(await Promise.all(cases.map((c) => v(c.msg, c.sig))), `${name}, pass ${pass}`).toEqual(expected);
  }
});
