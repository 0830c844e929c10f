/**
 * Which signing keys to trust (docs/xchat-keys.md §"Trusted signing keys"): only keys the caller fetched from the key
 * API, picked by user id and exact key version, and only after the key's binding signature over
 * the identity key verifies. Keys carried inside events or bodies are never used.
 *
 * @module
 */
import { KeykitError } from '../errors.js';
import { assertArray, assertObject, assertString } from '../guards.js';
import { parsePublicKey } from '../wire/keys.js';
import type { CryptoBackend } from './backend.js';
import { verifyKeyBinding } from './identity.js';

/** A signing key record, as the official SDK takes it (built from `GET /2/users/public_keys`). */
export interface SigningKeyEntry {
  userId: string;
  /** The signing-key version (`public_key_version`). */
  publicKeyVersion: string;
  /** Signing public key, SPKI or SEC1, base64. */
  publicKey: string;
  /** Identity public key exactly as served (SPKI), base64: the message of the binding signature. */
  identityPublicKey: string;
  /** Binding signature, base64 `r‖s`. */
  identityPublicKeySignature: string;
}

/** The outcome of a signing-key lookup. */
export type SigningKeyLookup = { ok: true; key: Uint8Array } | { ok: false; reason: 'not_found' | 'binding_invalid'; message: string };

/** Checks a caller's `signingKeys` list (throws typed errors naming the entry at fault). */
export function assertSigningKeys(value: unknown, field: string): SigningKeyEntry[] {
  return assertArray(value, field).map((k, i) => {
    const f = `${field}[${i}]`;
    const e = assertObject(k, f);
    for (const name of ['userId', 'publicKeyVersion', 'publicKey', 'identityPublicKey', 'identityPublicKeySignature'])
      assertString(e[name], `${f}.${name}`);
    return k as SigningKeyEntry;
  });
}

/**
 * Finds a user's trusted signing key for one version: the first matching entry whose binding
 * verifies. Entries are indexed by user and version once, and binding checks are cached per entry
 * in `bindings`, so one report checks each entry at most once, whatever the number of lookups.
 */
export class SigningKeys {
  private readonly bindings = new Map<SigningKeyEntry, Promise<Uint8Array | string>>();
  private readonly byOwner = new Map<string, SigningKeyEntry[]>();

  constructor(
    entries: readonly SigningKeyEntry[],
    private readonly backend: CryptoBackend,
  ) {
    for (const e of entries) {
      const k = SigningKeys.slot(e.userId, e.publicKeyVersion);
      const list = this.byOwner.get(k);
      if (list) list.push(e);
      else this.byOwner.set(k, [e]);
    }
  }

  private static slot(userId: string, version: string): string {
    return `${userId}\u0000${version}`;
  }

  /** The users with an entry at `version`, in order of first appearance. */
  usersAt(version: string): string[] {
    const out: string[] = [];
    for (const list of this.byOwner.values()) {
      const first = list[0] as SigningKeyEntry;
      if (first.publicKeyVersion === version) out.push(first.userId);
    }
    return out;
  }

  private binding(entry: SigningKeyEntry): Promise<Uint8Array | string> {
    let p = this.bindings.get(entry);
    if (!p) {
      p = (async () => {
        try {
          const key = parsePublicKey(entry.publicKey, 'publicKey');
          const ok = await verifyKeyBinding(entry.identityPublicKey, entry.publicKey, entry.identityPublicKeySignature, {
            backend: this.backend,
          });
          return ok ? key : 'its binding signature does not verify against the identity key';
        } catch (e) {
          return e instanceof KeykitError ? `it is malformed (${e.code})` : 'it is malformed';
        }
      })();
      this.bindings.set(entry, p);
    }
    return p;
  }

  /** The trusted signing key of `userId` at `version` (exact string match), or why there is none. */
  async lookup(userId: string, version: string): Promise<SigningKeyLookup> {
    const candidates = this.byOwner.get(SigningKeys.slot(userId, version)) ?? [];
    if (candidates.length === 0) {
      return { ok: false, reason: 'not_found', message: `no signing key of user ${userId} with version ${version} among the known keys` };
    }
    const reasons: string[] = [];
    for (const c of candidates) {
      const r = await this.binding(c);
      if (typeof r !== 'string') return { ok: true, key: r };
      reasons.push(r);
    }
    return {
      ok: false,
      reason: 'binding_invalid',
      message: `the signing key of user ${userId} with version ${version} is not usable: ${reasons.join('; ')}`,
    };
  }
}
