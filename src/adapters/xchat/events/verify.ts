/**
 * Signature checks of one `decryptEvents` call (docs/xchat-keys.md §"Trusted signing keys"): only
 * with the caller's signing keys, picked by the event's sender and signing-key version, after the
 * key's binding verifies; each entry's binding is checked once per call, and each signing key is
 * prepared once (a KeyObject or CryptoKey, when the backend can). Many checks run at once when the
 * backend verifies on other threads (node's thread pool, WebCrypto).
 *
 * @module
 */
import { ErrorCodes, VerificationError, type KeykitError } from '../../../errors.js';
import type { CryptoBackend } from '../../../core/backend.js';
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

/** The signature checks of one call. */
export class Checker {
  private readonly keys: SigningKeys;
  private readonly found = new Map<string, Promise<VerifyFn | KeykitError>>();

  /**
   * @param inFlight - how many checks will run at once (above 1 the backend's prepared verifier is used, which may run them on other threads)
   */
  constructor(
    private readonly backend: CryptoBackend,
    entries: readonly SigningKeyEntry[],
    readonly inFlight: number,
  ) {
    this.keys = new SigningKeys(entries, backend);
  }

  /** The prepared verification of a signer's key at a version, or why there is none (once per signer and version). */
  private verifier(userId: string, version: string): Promise<VerifyFn | KeykitError> {
    const slot = `${userId}\u0000${version}`;
    let p = this.found.get(slot);
    if (!p) {
      p = this.keys.lookup(userId, version).then((r): VerifyFn | KeykitError => {
        if (!r.ok) {
          return new VerificationError(
            r.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID,
            r.message,
          );
        }
        const b = this.backend;
        if (this.inFlight > 1 && b.ecdsaVerifier) return b.ecdsaVerifier(r.key);
        return (message, signature) => b.verify(r.key, message, signature);
      });
      this.found.set(slot, p);
    }
    return p;
  }

  /** Checks one signature: null when it verifies, else the error (never thrown). */
  async check(c: Check): Promise<KeykitError | null> {
    const s = c.signature;
    const v = await this.verifier(s.signer, s.keyVersion);
    if (typeof v !== 'function') return v;
    if (await v(utf8.encode(c.payload), s.bytes)) return null;
    return new VerificationError(
      ErrorCodes.SIGNATURE_INVALID,
      `the ${c.label} signature does not verify with the signing key of user ${s.signer} (version ${s.keyVersion})`,
    );
  }
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
