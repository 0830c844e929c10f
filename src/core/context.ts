/**
 * How a call finds its crypto: which backend, and where random bytes come from.
 *
 * Randomness is injectable (`random`) so that test vectors can be reproduced byte for byte; it is
 * for testing only. In production leave it unset and the backend's CSPRNG is used.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import type { BackendName, CryptoBackend } from './backend.js';
import { nobleBackend } from './noble.js';

/** Options every crypto function accepts. */
export interface CryptoOptions {
  /** Which backend to use: a name, or a backend object. Default: chosen automatically. */
  backend?: BackendName | CryptoBackend;
  /**
   * TESTING ONLY: a source of random bytes replacing the CSPRNG (for reproducible vectors). It must
   * return exactly `length` bytes per call. Never set this in production.
   */
  random?: (length: number) => Uint8Array;
}

const BACKENDS: Partial<Record<BackendName, () => Promise<CryptoBackend>>> = {
  noble: async () => nobleBackend,
};

/** Registers a backend loader (used by the native backends' modules). */
export function registerBackend(name: BackendName, load: () => Promise<CryptoBackend>): void {
  BACKENDS[name] = load;
}

/** The order in which backends are tried when none is named. */
let AUTO_ORDER: BackendName[] = ['noble'];

/** Sets the automatic choice order (used by the native backends' modules). */
export function setAutoOrder(order: BackendName[]): void {
  AUTO_ORDER = order;
}

const cache = new Map<BackendName, Promise<CryptoBackend | null>>();

async function load(name: BackendName): Promise<CryptoBackend | null> {
  let p = cache.get(name);
  if (!p) {
    const loader = BACKENDS[name];
    p = loader ? loader().catch(() => null) : Promise.resolve(null);
    cache.set(name, p);
  }
  return p;
}

/**
 * Resolves the backend a call should use.
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` when a named backend is not available here
 */
export async function resolveBackend(choice?: BackendName | CryptoBackend): Promise<CryptoBackend> {
  if (choice !== undefined && typeof choice === 'object') return choice;
  if (choice !== undefined) {
    if (!Object.hasOwn(BACKENDS, choice) && !['noble', 'node', 'webcrypto'].includes(choice)) {
      throw new InvalidInputError(ErrorCodes.UNSUPPORTED_BACKEND, `unknown backend "${String(choice)}" (expected noble, node or webcrypto)`, 'backend');
    }
    const b = await load(choice);
    if (!b) throw new InvalidInputError(ErrorCodes.UNSUPPORTED_BACKEND, `the ${choice} backend is not available in this runtime`, 'backend');
    return b;
  }
  for (const name of AUTO_ORDER) {
    const b = await load(name);
    if (b) return b;
  }
  return nobleBackend;
}

/** The random source of a call: the injected one (checked) or the backend's CSPRNG. */
export function randomSource(options: CryptoOptions | undefined, backend: CryptoBackend): (length: number) => Uint8Array {
  const injected = options?.random;
  if (injected === undefined) return (n) => backend.randomBytes(n);
  if (typeof injected !== 'function') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a function (length) => Uint8Array', 'random');
  }
  return (n) => {
    const out = injected(n);
    if (!(out instanceof Uint8Array) || out.length !== n) {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must return a Uint8Array of exactly ${n} bytes`, 'random');
    }
    return out;
  };
}
