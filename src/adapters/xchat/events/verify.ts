/**
 * Signature checks of one `decryptEvents` call (docs/xchat-keys.md §"Trusted signing keys"): only
 * with the caller's signing keys, picked by the event's sender and signing-key version, after the
 * key's binding verifies; each entry's binding is checked once per call.
 *
 * Many checks at once (docs/xchat-receiving.md §"Speed"), by backend: on node, batches of checks
 * go to worker threads (OpenSSL there too) while this thread decodes and decrypts, with this
 * thread as the fallback should a worker fail; with a backend that prepares a verifier per key
 * (WebCrypto imports it once and runs checks on its own threads; noble builds a table for a key
 * used often), a bounded number of checks is in flight; otherwise they run one after the other.
 *
 * @module
 */
import { ErrorCodes, InternalError, VerificationError, type KeykitError } from '../../../errors.js';
import type { CryptoBackend } from '../../../core/backend.js';
import { loadThreadPool } from '#thread-pool';
import { SigningKeys, type SigningKeyEntry } from '../../../core/trust.js';
import type { Signature } from './signed.js';

const utf8 = /* @__PURE__ */ new TextEncoder();

type VerifyFn = (message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/** A signature to check and the payload it must cover. */
export interface Check {
  signature: Signature;
  payload: string;
  /** What was signed, for messages ("message", "key change", …). */
  label: string;
}

/** How a call's checks run: one after the other, a bounded number in flight, or on worker threads. */
export type Mode = { kind: 'serial' } | { kind: 'lanes'; inFlight: number } | { kind: 'workers'; threads: number };

/** Signed events from which worker threads are started (cold) or used once running (warm). */
export const VERIFY_WORKER_THRESHOLD = { WARM: 64, COLD: 512 } as const;
/** Checks per worker batch. */
const BATCH = 256;
/** Checks in flight by default with a prepared verifier. */
const DEFAULT_IN_FLIGHT = 16;

/**
 * The mode for `count` signed events: the caller's `threads` (`undefined` to decide, 0 for none),
 * the backend, and whether worker threads are running already.
 */
export async function modeFor(backend: CryptoBackend, count: number, threads: number | undefined): Promise<Mode> {
  if (threads === 0 || count < 2) return { kind: 'serial' };
  if (backend.name === 'node') {
    const pool = await loadThreadPool?.();
    if (!pool) return { kind: 'serial' };
    const { defaultWorkerCount, poolSize } = pool;
    // The calling thread has its own share of the work (decoding, decrypting): by default the
    // checks get the other cores, and a single core none.
    const n = threads ?? defaultWorkerCount() - 1;
    const worth =
      threads !== undefined || count >= VERIFY_WORKER_THRESHOLD.COLD || (count >= VERIFY_WORKER_THRESHOLD.WARM && poolSize() > 0);
    return n >= 1 && worth ? { kind: 'workers', threads: n } : { kind: 'serial' };
  }
  if (backend.ecdsaVerifier && (threads !== undefined || count >= VERIFY_WORKER_THRESHOLD.WARM))
    return { kind: 'lanes', inFlight: threads ?? DEFAULT_IN_FLIGHT };
  return { kind: 'serial' };
}

/**
 * Runs `task` on every item, at most `lanes` at a time (one after the other with 1), and resolves
 * when all are done; each task handles its own errors.
 */
export async function inLanes<T>(items: readonly T[], lanes: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
}

/** The signature checks of one call. */
export class Checker {
  private readonly keys: SigningKeys;
  private readonly found = new Map<string, Promise<Uint8Array | KeykitError>>();
  private readonly prepared = new Map<Uint8Array, VerifyFn>();

  constructor(
    private readonly backend: CryptoBackend,
    entries: readonly SigningKeyEntry[],
    readonly mode: Mode = { kind: 'serial' },
  ) {
    this.keys = new SigningKeys(entries, backend);
  }

  /** A signer's trusted key at a version, or why there is none (looked up once per signer and version). */
  private key(s: Signature): Promise<Uint8Array | KeykitError> {
    const slot = `${s.signer}\u0000${s.keyVersion}`;
    let p = this.found.get(slot);
    if (!p) {
      p = this.keys.lookup(s.signer, s.keyVersion).then((r) => {
        if (r.ok) return r.key;
        return new VerificationError(
          r.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID,
          r.message,
        );
      });
      this.found.set(slot, p);
    }
    return p;
  }

  private verifier(key: Uint8Array): VerifyFn {
    let v = this.prepared.get(key);
    if (!v) {
      const b = this.backend;
      v = b.ecdsaVerifier ? b.ecdsaVerifier(key) : (message, signature) => b.verify(key, message, signature);
      this.prepared.set(key, v);
    }
    return v;
  }

  private static invalid(c: Check): KeykitError {
    const s = c.signature;
    return new VerificationError(
      ErrorCodes.SIGNATURE_INVALID,
      `the ${c.label} signature does not verify with the signing key of user ${s.signer} (version ${s.keyVersion})`,
    );
  }

  /** Checks one signature: null when it verifies, else the error (never thrown). */
  async check(c: Check): Promise<KeykitError | null> {
    const key = await this.key(c.signature);
    if (!(key instanceof Uint8Array)) return key;
    return (await this.verifier(key)(utf8.encode(c.payload), c.signature.bytes)) ? null : Checker.invalid(c);
  }

  /** Checks many signatures as the mode says; one promise per check, in order. */
  checkAll(checks: readonly Check[]): Promise<KeykitError | null>[] {
    if (this.mode.kind === 'workers') return this.onWorkers(checks, this.mode.threads);
    if (this.mode.kind === 'serial') return checks.map((c) => this.check(c));
    const settle: ((r: KeykitError | null) => void)[] = [];
    const out = checks.map((_, i) => new Promise<KeykitError | null>((r) => (settle[i] = r)));
    void inLanes(
      checks.map((c, i) => [c, i] as const),
      this.mode.inFlight,
      async ([c, i]) => (settle[i] as (r: KeykitError | null) => void)(await this.check(c)),
    );
    return out;
  }

  /** Batches of checks on worker threads; a batch whose worker fails is checked here. */
  private onWorkers(checks: readonly Check[], threads: number): Promise<KeykitError | null>[] {
    const settle: ((r: KeykitError | null) => void)[] = [];
    const out = checks.map((_, i) => new Promise<KeykitError | null>((r) => (settle[i] = r)));
    const run = async (): Promise<void> => {
      const pool = await loadThreadPool?.();
      if (!pool) throw new InternalError(ErrorCodes.INTERNAL, 'no worker threads in this runtime');
      const { verifyOnWorkers } = pool;
      const keys = await Promise.all(checks.map((c) => this.key(c.signature)));
      for (let start = 0; start < checks.length;) {
        const items: number[] = [];
        for (; start < checks.length && items.length < BATCH; start++) {
          const k = keys[start];
          if (k instanceof Uint8Array) items.push(start);
          else (settle[start] as (r: KeykitError | null) => void)(k as KeykitError);
        }
        if (items.length === 0) continue;
        const batch = packBatch(
          items.map((i) => ({
            key: keys[i] as Uint8Array,
            payload: (checks[i] as Check).payload,
            signature: (checks[i] as Check).signature.bytes,
          })),
        );
        verifyOnWorkers(batch, threads).then(
          (ok) =>
            items.forEach((i, j) =>
              (settle[i] as (r: KeykitError | null) => void)(ok[j] === 1 ? null : Checker.invalid(checks[i] as Check)),
            ),
          () => items.forEach((i) => void this.check(checks[i] as Check).then(settle[i])),
        );
      }
    };
    run().catch(() => checks.forEach((c, i) => void this.check(c).then(settle[i])));
    return out;
  }
}

/** Packs checks into one worker batch: the distinct keys, the payloads' UTF-8 bytes end to end, the signatures. */
function packBatch(items: readonly { key: Uint8Array; payload: string; signature: Uint8Array }[]) {
  const keyIds = new Map<Uint8Array, number>();
  const keyIndex = new Uint16Array(items.length);
  const offsets = new Uint32Array(items.length + 1);
  const signatures = new Uint8Array(items.length * 64);
  let size = 0;
  for (const it of items) size += it.payload.length * 3;
  let data = new Uint8Array(size);
  let at = 0;
  items.forEach((it, i) => {
    let k = keyIds.get(it.key);
    if (k === undefined) keyIds.set(it.key, (k = keyIds.size));
    keyIndex[i] = k;
    offsets[i] = at;
    at += utf8.encodeInto(it.payload, data.subarray(at)).written;
    signatures.set(it.signature, i * 64);
  });
  offsets[items.length] = at;
  data = data.slice(0, at);
  const keys = new Uint8Array(keyIds.size * 65);
  for (const [key, k] of keyIds) keys.set(key, k * 65);
  return { keys, keyIndex, data, offsets, signatures, count: items.length };
}
