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

/** A prepared change without `wrapping` (how it ran, which differs between the paths compared), as JSON. */
function sent(p: { wrapping: unknown }): string {
  const { wrapping: _, ...rest } = p;
  return JSON.stringify(rest);
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
    const created = await Promise.all(
      names.map((backend) => prepareGroupCreate(params, withTestingHooks({ backend, workers: 0 }, { random: stream(2), now: () => 42 }))),
    );
    for (const c of created) expect(sent(c)).toBe(sent(created[0]!));
    expect(created.map((c) => c.wrapping)).toEqual(names.map((backend) => ({ backend, workers: 'main-thread', workerCount: 0 })));
  });

  test('every backend opens what every other backend wraps', async () => {
    const bob = await generateIdentity();
    const key = new Uint8Array(32).fill(9);
    for (const from of names) {
      const wrapped = await wrapConversationKey(key, bob.identityPublicKey, { backend: from });
      for (const to of names)
        expect(Array.from(await unwrapConversationKey(wrapped, bob.identityPrivateKey, { backend: to }))).toEqual(Array.from(key));
    }
  });

  test('signatures: deterministic and identical; each backend verifies the others’ and high-S ones', async () => {
    const sigs = await Promise.all(
      backends.map(({ backend }) => backend.sign(new Uint8Array(32).fill(3), new TextEncoder().encode('payload'))),
    );
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

  test("verifyOffThread (node) gives verify's answers, many at once: valid, high-S, tampered, malformed, another key", async () => {
    const node = backends.find((b) => b.name === 'node')?.backend;
    if (!node) return;
    expect(node.verifyOffThread).toBeTypeOf('function');
    const id = await generateIdentity();
    const other = await generateIdentity();
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 40; i++) {
      const m = new TextEncoder().encode(`message ${i}`);
      const s = await node.sign(id.signingPrivateKey, m);
      cases.push(
        [id.signingPublicKey, m, s],
        [id.signingPublicKey, m, Uint8Array.from(s, (b, j) => (j === 5 ? b ^ 1 : b))],
        [other.signingPublicKey, m, s],
        [id.signingPublicKey, m, s.subarray(0, 63)],
      );
    }
    const expected = await Promise.all(cases.map(([k, m, s]) => node.verify(k, m, s)));
    expect(await Promise.all(cases.map(([k, m, s]) => node.verifyOffThread!(k, m, s)))).toEqual(expected);
    expect(expected.filter(Boolean)).toHaveLength(40);
  });

  test('small draws (the node backend serves them from a pool) never repeat, across many refills', () => {
    for (const { backend } of backends) {
      const seen = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const r = backend.randomBytes(1 + (i % 40));
        expect(r).toHaveLength(1 + (i % 40));
        if (r.length >= 8) seen.add(Buffer.from(r.subarray(0, 8)).toString('hex'));
      }
      expect(seen.size).toBe([...Array(3000).keys()].filter((i) => 1 + (i % 40) >= 8).length);
    }
  });

  test('signatures: identical on every backend for 300 random keys and messages (node derives the RFC 6979 nonce itself)', async () => {
    const random = stream(17);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const keys = [
      Uint8Array.from(Buffer.from((n - 1n).toString(16), 'hex')),
      Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0)),
    ];
    for (let i = 0; i < 300; i++) {
      const key = keys[i] ?? random(32);
      const message = random(i % 97);
      const sigs = await Promise.all(backends.map(({ backend }) => backend.sign(key, message)));
      for (const s of sigs) expect(Buffer.from(s).toString('hex')).toBe(Buffer.from(sigs[0]!).toString('hex'));
    }
  });
});

describe('parallel paths give the single-threaded output', () => {
  test(`worker threads (node backend), cold and warm pool`, async () => {
    await closeWorkers();
    const params = await group(WORKER_THRESHOLD.WARM + 45);
    const opts = (workers: 'auto' | number) =>
      withTestingHooks({ backend: 'node' as const, workers }, { random: stream(5), messageId: () => 'm', now: () => 1 });
    const single = await prepareGroupCreate(params, opts(0));
    // A cold pool is not started for a group below the cold threshold…
    await prepareGroupCreate(params, opts('auto'));
    expect(poolSize()).toBe(0);
    for (const w of [1, 2, 3, 'auto'] as const) {
      const progress: number[] = [];
      const par = await prepareGroupCreate(params, {
        ...opts(w),
        onProgress: (d, t) => (expect(t).toBe(params.memberIds.length), progress.push(d)),
      });
      expect(sent(par)).toBe(sent(single));
      expect(par.wrapping).toEqual({ backend: 'node', workers: 'threads', workerCount: w === 'auto' ? 2 : w });
      expect(progress.at(-1)).toBe(params.memberIds.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    }
    // …but once it runs, 'auto' uses it from the warm threshold on.
    expect(poolSize()).toBe(3);
    expect(single.wrapping).toEqual({ backend: 'node', workers: 'main-thread', workerCount: 0 });
    // Concurrent WebCrypto windows and the noble loop give the same bytes too.
    for (const backend of ['webcrypto', 'noble'] as const) {
      expect(sent(await prepareGroupCreate(params, { ...opts(0), backend }))).toBe(sent(single));
    }
  });

  test('Web Workers (webcrypto backend), through a Blob URL as in a browser: same bytes, cold and warm pool', async () => {
    const params = await group(WEB_WORKER_THRESHOLD.WARM + 20);
    const opts = (workers: 'auto' | number) =>
      withTestingHooks({ backend: 'webcrypto' as const, workers }, { random: stream(6), messageId: () => 'm', now: () => 1 });
    const single = await prepareGroupCreate(params, opts(0));
    await expect(prepareGroupCreate(params, opts(2))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field: 'options.workers' });
    const uninstall = installWebWorkerShim();
    try {
      // Below the cold threshold 'auto' does not start a pool…
      const below = await prepareGroupCreate(params, opts('auto'));
      expect(sent(below)).toBe(sent(single));
      expect(below.wrapping).toEqual({ backend: 'webcrypto', workers: 'main-thread', workerCount: 0 });
      expect(webPoolSize()).toBe(0);
      for (const w of [2, 'auto'] as const) {
        const progress: number[] = [];
        const par = await prepareGroupCreate(params, { ...opts(w), onProgress: (d) => progress.push(d) });
        expect(sent(par)).toBe(sent(single));
        expect(par.wrapping).toEqual({ backend: 'webcrypto', workers: 'web-workers', workerCount: 2 });
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
    await expect(prepareGroupCreate(params, { workers: -1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'options.workers',
    });
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
  const cases = messages.map((msg, i) => ({
    msg,
    sig:
      i % 4 === 1
        ? Uint8Array.from(sigs[i]!, (b, j) => (j === 3 ? b ^ 1 : b))
        : i % 4 === 3
          ? i % 8 === 3
            ? sigs[i]!.subarray(0, 63)
            : sigs[(i + 1) % 24]!
          : sigs[i]!,
  }));
  const expected = cases.map((_, i) => i % 2 === 0);
  const withVerifier = backends.filter((b) => b.backend.ecdsaVerifier);
  expect(withVerifier.map((b) => b.name)).toEqual(names.filter((n) => n !== 'node'));
  for (const { name, backend } of backends) {
    expect(await Promise.all(cases.map((c) => backend.verify(id.signingPublicKey, c.msg, c.sig))), name).toEqual(expected);
    const v = backend.ecdsaVerifier?.(id.signingPublicKey);
    for (let pass = 0; v && pass < 4; pass++)
      expect(await Promise.all(cases.map((c) => v(c.msg, c.sig))), `${name}, pass ${pass}`).toEqual(expected);
  }
});
