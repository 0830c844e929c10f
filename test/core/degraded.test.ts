/**
 * Degrading loudly, never breaking (docs/browser.md §"When it runs slower"): Web Workers that
 * cannot start (a strict Content Security Policy: an error event, as Chromium does, or a throwing
 * constructor), that never answer, or that fail mid-wrap leave the wrap to the calling thread with
 * the same bytes, say so in `prepared.wrapping.fallback` and in `runtimeReport()`, and warn once
 * per cause; a runtime without `crypto.subtle` falls back to noble the same way. The browser suite
 * (test/browser) checks the same in Chromium under a real CSP and on a real insecure origin.
 */
import { availableParallelism } from 'node:os';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  generateIdentity,
  prepareGroupCreate,
  resolveBackend,
  runtimeReport,
  setDefaultBackend,
  withTestingHooks,
  type BackendName,
  type GroupCreateParams,
} from '../helpers/kit.js';
import { firstAvailable } from '../../src/core/context.js';
import { forgetDegradations } from '../../src/core/degraded.js';
import { createWebCryptoBackend } from '../../src/core/webcrypto.js';
import { resetWebWorkers, webPoolSize, WEB_WORKER_START_TIMEOUT_MS } from '../../src/core/webworkers.js';
import { WEB_WORKER_THRESHOLD } from '../../src/core/wrap.js';
import { nobleBackend } from '../../src/core/noble.js';
import { loadNodeBackend } from '../../src/core/platform/node-backend.js';
import { loadThreadPool } from '../../src/core/platform/thread-pool.js';
import * as portable from '../../src/core/platform/portable.js';
import { installWebWorkerShim } from '../helpers/webworker-shim.js';

function stream(seed: number): (n: number) => Uint8Array {
  let c = seed;
  return (n) => Uint8Array.from({ length: n }, () => (c = (c * 1103515245 + 12345) & 0x7fffffff) & 0xff);
}

async function group(n: number): Promise<GroupCreateParams> {
  const ids = Array.from({ length: n }, (_, i) => String(7000 + i));
  const ident = await Promise.all(ids.map(async () => generateIdentity({ backend: 'node' })));
  return {
    publicKeys: ids.map((userId, i) => ({ userId, publicKey: ident[i]!.identityPublicKey, keyVersion: '1' })),
    sender: { userId: ids[0]!, signingKeyVersion: '1', signingPrivateKey: ident[0]!.signingPrivateKey },
    conversationId: 'g7',
    memberIds: ids,
  };
}

function sent(p: { wrapping: unknown }): string {
  const { wrapping: _, ...rest } = p;
  return JSON.stringify(rest);
}

const opts = (workers: 'auto' | number = 'auto') =>
  withTestingHooks({ backend: 'webcrypto' as const, workers }, { random: stream(3), messageId: () => 'm', now: () => 1 });

/** Fake Web Workers, each failing as a browser does; `made` counts constructions. */
let made = 0;
class ErrorEventWorker {
  // Chromium under `default-src 'self'`: the constructor returns, then an error event (no message).
  onmessage: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor() {
    made++;
    setTimeout(() => this.onerror?.({ type: 'error' }), 1);
  }
  postMessage(): void {}
  terminate(): void {}
}
class ThrowingWorker {
  onmessage = null;
  onerror = null;
  constructor() {
    made++;
    throw Object.assign(new Error("Failed to construct 'Worker': access denied"), { name: 'SecurityError' });
  }
  postMessage(): void {}
  terminate(): void {}
}
class SilentWorker {
  onmessage = null;
  onerror = null;
  constructor() {
    made++;
  }
  postMessage(): void {}
  terminate(): void {}
}
/** Starts and says it is ready, then crashes on its first job. */
class CrashingWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor() {
    made++;
    setTimeout(() => this.onmessage?.({ data: { ready: true } }), 1);
  }
  postMessage(): void {
    setTimeout(() => this.onerror?.({ type: 'error', message: 'Uncaught RangeError: out of memory' }), 1);
  }
  terminate(): void {}
}

function withWorker(ctor: unknown): () => void {
  const g = globalThis as { Worker?: unknown };
  const before = g.Worker;
  g.Worker = ctor;
  return () => {
    if (before === undefined) delete g.Worker;
    else g.Worker = before;
  };
}

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  made = 0;
  forgetDegradations();
  resetWebWorkers();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
  resetWebWorkers();
  setDefaultBackend(process.env.KEYKIT_TEST_BACKEND as BackendName | undefined);
});

const warnings = (): string[] => warn.mock.calls.map((c: unknown[]) => String(c[0]));

describe('Web Workers that cannot start: the calling thread wraps, same bytes, said once', () => {
  const large = WEB_WORKER_THRESHOLD.COLD + 4;

  for (const [label, ctor] of [
    ['an error event after the constructor (Chromium under a strict CSP)', ErrorEventWorker],
    ['a constructor that throws', ThrowingWorker],
  ] as const) {
    test(label, async () => {
      const params = await group(large);
      const single = await prepareGroupCreate(params, opts(0));
      const restore = withWorker(ctor);
      try {
        const first = await prepareGroupCreate(params, opts());
        expect(sent(first)).toBe(sent(single));
        expect(first.wrapping).toEqual({ backend: 'webcrypto', workers: 'main-thread', workerCount: 0, fallback: 'web-workers-blocked' });
        const triedFirst = made;
        expect(triedFirst).toBeGreaterThan(0);
        // The page is known not to start workers: no new attempt, the same field, no second warning.
        const second = await prepareGroupCreate(params, opts(2));
        expect(second.wrapping.fallback).toBe('web-workers-blocked');
        expect(made).toBe(triedFirst);
        expect(webPoolSize()).toBe(0);
        expect(warnings()).toHaveLength(1);
        expect(warnings()[0]).toMatch(
          /^chat-keykit: Web Workers could not start .*Content Security Policy without worker-src blob:.*calling thread/,
        );
        setDefaultBackend('webcrypto');
        const report = await runtimeReport();
        expect(report).toMatchObject({ backend: 'webcrypto', workers: 'main-thread' });
        expect(report.degraded.map((d) => d.reason)).toEqual(['web-workers-blocked']);
        expect(Object.isFrozen(report) && Object.isFrozen(report.degraded)).toBe(true);
      } finally {
        restore();
      }
    });
  }

  test('workers that never say they are ready count as blocked after the start timeout', async () => {
    const params = await group(large);
    const single = await prepareGroupCreate(params, opts(0));
    const restore = withWorker(SilentWorker);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const pending = prepareGroupCreate(params, opts());
      await vi.waitFor(() => expect(made).toBeGreaterThan(0));
      await vi.advanceTimersByTimeAsync(WEB_WORKER_START_TIMEOUT_MS);
      vi.useRealTimers();
      const done = await pending;
      expect(sent(done)).toBe(sent(single));
      expect(done.wrapping.fallback).toBe('web-workers-blocked');
      expect(warnings()[0]).toMatch(/no worker started within 10 s/);
    } finally {
      vi.useRealTimers();
      restore();
    }
  });
});

test('a worker that fails mid-wrap: this wrap is redone on the calling thread (same bytes), and workers are tried again next time', async () => {
  const params = await group(WEB_WORKER_THRESHOLD.COLD + 4);
  const single = await prepareGroupCreate(params, opts(0));
  const restore = withWorker(CrashingWorker);
  try {
    const first = await prepareGroupCreate(params, opts(2));
    expect(sent(first)).toBe(sent(single));
    expect(first.wrapping).toEqual({ backend: 'webcrypto', workers: 'main-thread', workerCount: 0, fallback: 'web-worker-failed' });
    expect(webPoolSize()).toBe(0);
    const before = made;
    const second = await prepareGroupCreate(params, opts(2));
    expect(made).toBeGreaterThan(before); // not blocked: a new pool was started
    expect(second.wrapping.fallback).toBe('web-worker-failed');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(
      /^chat-keykit: a wrapping Web Worker failed \(a wrapping Web Worker crashed: Uncaught RangeError: out of memory\)/,
    );
  } finally {
    restore();
  }
});

test('working Web Workers: no fallback, no warning; runtimeReport says web-workers', async () => {
  const params = await group(WEB_WORKER_THRESHOLD.COLD + 4);
  const uninstall = installWebWorkerShim();
  try {
    const p = await prepareGroupCreate(params, opts());
    expect(p.wrapping).toEqual({ backend: 'webcrypto', workers: 'web-workers', workerCount: 2 });
    setDefaultBackend('webcrypto');
    expect(await runtimeReport()).toEqual({ backend: 'webcrypto', workers: 'web-workers', degraded: [] });
    expect(warnings()).toEqual([]);
  } finally {
    resetWebWorkers();
    uninstall();
  }
});

describe('the backend choice', () => {
  test('no crypto.subtle: the automatic choice falls back to noble and says why, once', async () => {
    const missing = async () => null;
    const loader = (name: BackendName) => (name === 'noble' ? Promise.resolve(nobleBackend) : missing());
    const g = globalThis as { isSecureContext?: boolean };
    g.isSecureContext = false; // as on http://example.test
    try {
      expect((await firstAvailable(['node', 'webcrypto', 'noble'], loader)).name).toBe('noble');
      expect((await firstAvailable(['webcrypto', 'noble'], loader)).name).toBe('noble');
    } finally {
      delete g.isSecureContext;
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(
      /^chat-keykit: crypto\.subtle is not available because this page is not a secure context .*noble backend, several times slower\. Serve the page over https:\/\//,
    );
  });

  test('noble chosen on purpose, or WebCrypto present: no warning', async () => {
    expect((await resolveBackend('noble')).name).toBe('noble');
    expect(
      (await firstAvailable(['node', 'webcrypto', 'noble'], async (n) => (n === 'webcrypto' ? createWebCryptoBackend() : null))).name,
    ).toBe('webcrypto');
    expect(warnings()).toEqual([]);
  });

  test('the WebCrypto backend refuses a crypto object without subtle (an insecure origin)', () => {
    expect(() => createWebCryptoBackend({ getRandomValues: (a: Uint8Array) => a } as never)).toThrow(/WebCrypto is not available/);
  });

  test('runtimeReport on Node: the node backend on worker threads (when there are two cores), nothing degraded', async () => {
    setDefaultBackend(undefined);
    expect(await runtimeReport()).toEqual({
      backend: 'node',
      workers: availableParallelism() >= 2 ? 'threads' : 'main-thread',
      degraded: [],
    });
    setDefaultBackend('noble');
    expect(await runtimeReport()).toEqual({ backend: 'noble', workers: 'main-thread', degraded: [] });
  });
});

test('#node-backend and #thread-pool: Node has the node:crypto backend and worker threads; the portable modules (browsers, other runtimes) have neither', async () => {
  expect((await loadNodeBackend!()).name).toBe('node');
  expect((await loadThreadPool!()).defaultWorkerCount()).toBeGreaterThanOrEqual(1);
  expect({ ...portable }).toEqual({ loadNodeBackend: null, loadThreadPool: null });
});
