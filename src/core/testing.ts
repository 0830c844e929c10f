/**
 * Test-only determinism (`chat-keykit/testing`): injected randomness, message ids and clock make outputs
 * reproducible byte for byte (the test vectors are made this way). They are carried in options
 * under a symbol that only this module hands out, so no production code passes them by accident;
 * in production the backend's CSPRNG is used and message ids are random UUIDs.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, InvalidInputError } from '../errors.js';
import { typeName } from '../guards.js';

/** The options key of the testing hooks. */
export const TESTING_HOOKS: unique symbol = Symbol('chat-keykit testing hooks');

/** TESTING ONLY: replacements for the CSPRNG, the message-id generator and the key-version clock. */
export interface TestingHooks {
  /**
   * The clock of conversation-key versions, in milliseconds. Versions still strictly increase per
   * clock function; the real clock (`Date.now`) is one function, so in production every key change
   * of the process gets a version above the last one.
   */
  now?: () => number;
  /** Returns exactly `length` bytes per call, replacing the CSPRNG. */
  random?: (length: number) => Uint8Array;
  /** Returns the next message id (comma-free), replacing random UUIDs. */
  messageId?: () => string;
}

/** Options that may carry testing hooks. */
export interface WithTestingHooks {
  readonly [TESTING_HOOKS]?: TestingHooks;
}

/** The testing hooks of a call's options, checked, if any. */
export function testingHooksOf(options: unknown): TestingHooks | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const hooks = (options as WithTestingHooks)[TESTING_HOOKS];
  if (hooks === undefined) return undefined;
  for (const k of ['random', 'messageId', 'now'] as const) {
    if (hooks[k] !== undefined && typeof hooks[k] !== 'function') {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a function, got ${typeName(hooks[k])}`, `testing hooks: ${k}`);
    }
  }
  return hooks;
}

/**
 * TESTING ONLY: options with deterministic randomness and message ids. Never use in production:
 * the same hooks give the same keys.
 * @example
 * const prepared = await prepareGroupCreate(params, withTestingHooks({}, { now: () => 1795357034165, random: seededRandom('seed') }));
 */
export function withTestingHooks<O extends object>(options: O, hooks: TestingHooks): O & WithTestingHooks {
  return { ...options, [TESTING_HOOKS]: { ...hooks } };
}

/**
 * TESTING ONLY: a deterministic byte stream: SHA-256(seed ‖ counter) blocks, counter a big-endian
 * 32-bit integer from 0, concatenated and read front to back (vectors/README.md documents it).
 */
export function seededRandom(seed: string): (length: number) => Uint8Array {
  const prefix = new TextEncoder().encode(seed);
  let counter = 0;
  let buffer = new Uint8Array(0);
  return (length) => {
    while (buffer.length < length) {
      const input = new Uint8Array(prefix.length + 4);
      input.set(prefix, 0);
      new DataView(input.buffer).setUint32(prefix.length, counter++);
      const next = new Uint8Array(buffer.length + 32);
      next.set(buffer, 0);
      next.set(sha256(input), buffer.length);
      buffer = next;
    }
    const out = buffer.slice(0, length);
    buffer = buffer.slice(length);
    return out;
  };
}

/** TESTING ONLY: numbered message ids, lowercase UUID v4 shaped (`00000000-0000-4000-8000-…`). */
export function numberedMessageIds(prefix: number): () => string {
  let i = 0;
  return () => `00000000-0000-4000-8000-${(prefix * 1000 + ++i).toString(16).padStart(12, '0')}`;
}
