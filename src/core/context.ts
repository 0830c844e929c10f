/**
 * How a call finds its crypto: which backend, and where random bytes come from (the backend's
 * CSPRNG; only `chat-keykit/testing` can replace it, see `testing.ts`).
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';
import type { BackendName, CryptoBackend } from './backend.js';
import { degrade } from './degraded.js';
import { nobleBackend } from './noble.js';
import { testingHooksOf, type WithTestingHooks } from './testing.js';
import { loadNodeBackend } from '#node-backend';

/** Options every crypto function accepts. */
export interface CryptoOptions extends WithTestingHooks {
  /** Which backend to use: a name, or a backend object. Default: chosen automatically. */
  backend?: BackendName | CryptoBackend;
}

/**
 * Backend loaders. The native ones are loaded on first use only. The node:crypto backend comes
 * from `#node-backend` (package.json `imports`), which a browser build resolves to a module
 * without it, so that no browser bundle contains or requests `node:crypto`.
 */
const BACKENDS: Record<BackendName, () => Promise<CryptoBackend>> = {
  noble: async () => nobleBackend,
  node: async () => {
    if (!loadNodeBackend) throw new Error('node:crypto is not available in this runtime');
    return loadNodeBackend();
  },
  webcrypto: async () => (await import('./webcrypto.js')).createWebCryptoBackend(),
};

/** The automatic choice: native OpenSSL on Node, WebCrypto elsewhere, noble where neither exists. */
const AUTO_ORDER: readonly BackendName[] = ['node', 'webcrypto', 'noble'];

const cache = new Map<BackendName, Promise<CryptoBackend | null>>();

/**
 * Loads a backend once; null when this runtime does not have it. A loaded backend must draw one
 * random byte, so that a stand-in for a missing module (a bundler's empty shim of a Node
 * built-in) shows as unavailable here rather than as a TypeError in the caller's first call.
 */
async function load(name: BackendName): Promise<CryptoBackend | null> {
  let p = cache.get(name);
  if (!p) {
    const loader = BACKENDS[name];
    p = loader()
      .then((b) => {
        b.randomBytes(1);
        return b;
      })
      .catch(() => null);
    cache.set(name, p);
  }
  return p;
}

/**
 * The first available backend of `order`. Landing on noble after WebCrypto was missing is a
 * degradation: recorded and warned about once (degraded.ts).
 */
export async function firstAvailable(
  order: readonly BackendName[],
  loader: (name: BackendName) => Promise<CryptoBackend | null> = load,
): Promise<CryptoBackend> {
  let webcryptoMissing = false;
  for (const name of order) {
    const b = await loader(name);
    if (b) {
      if (b.name === 'noble' && webcryptoMissing) degrade('webcrypto-unavailable');
      return b;
    }
    if (name === 'webcrypto') webcryptoMissing = true;
  }
  if (webcryptoMissing) degrade('webcrypto-unavailable');
  return nobleBackend;
}

let defaultChoice: BackendName | CryptoBackend | undefined;

/**
 * Sets the backend used by calls that do not name one (`undefined` restores the automatic
 * choice). An unknown name is refused at once; whether a known backend is available in this
 * runtime is checked when the next call resolves it.
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` for a name that is not noble, node or webcrypto
 * @example
 * setDefaultBackend('noble'); // e.g. to compare against the portable reference
 */
export function setDefaultBackend(choice: BackendName | CryptoBackend | undefined): void {
  if (choice !== undefined && typeof choice !== 'object' && !Object.hasOwn(BACKENDS, choice)) {
    throw new InvalidInputError(
      ErrorCodes.UNSUPPORTED_BACKEND,
      `unknown backend "${String(choice)}" (expected noble, node or webcrypto)`,
      'backend',
    );
  }
  defaultChoice = choice;
}

/**
 * Resolves the backend a call should use: the one named, else the default set with
 * {@link setDefaultBackend}, else the first available of node, webcrypto and noble. When that
 * automatic choice lands on noble because `crypto.subtle` is missing (an insecure origin), it warns
 * once on the console and `runtimeReport()` lists the cause (docs/browser.md §"When it runs slower").
 * @throws {InvalidInputError} `ERR_UNSUPPORTED_BACKEND` when a named backend is not available here
 */
export async function resolveBackend(requested?: BackendName | CryptoBackend): Promise<CryptoBackend> {
  const choice = requested ?? defaultChoice;
  if (choice !== undefined && typeof choice === 'object') return choice;
  if (choice !== undefined) {
    if (!Object.hasOwn(BACKENDS, choice)) {
      throw new InvalidInputError(
        ErrorCodes.UNSUPPORTED_BACKEND,
        `unknown backend "${String(choice)}" (expected noble, node or webcrypto)`,
        'backend',
      );
    }
    const b = await load(choice);
    if (!b)
      throw new InvalidInputError(ErrorCodes.UNSUPPORTED_BACKEND, `the ${choice} backend is not available in this runtime`, 'backend');
    return b;
  }
  return firstAvailable(AUTO_ORDER);
}

/** A source of random bytes; `injected` tells whether it is a caller's deterministic stream. */
export type RandomSource = ((length: number) => Uint8Array) & { readonly injected: boolean };

/** The random source of a call: the injected one (checked) or the backend's CSPRNG. */
export function randomSource(options: CryptoOptions | undefined, backend: CryptoBackend): RandomSource {
  const injected = testingHooksOf(options)?.random;
  if (injected === undefined) return Object.assign((n: number) => backend.randomBytes(n), { injected: false });
  const checked = (n: number): Uint8Array => {
    const out = injected(n);
    if (!(out instanceof Uint8Array) || out.length !== n) {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must return a Uint8Array of exactly ${n} bytes`, 'testing hooks: random');
    }
    return out;
  };
  return Object.assign(checked, { injected: true });
}
