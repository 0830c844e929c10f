/**
 * Key-change events as a receiver takes them (docs/xchat-receiving.md §"Key changes"): the
 * recipient's own entry is unwrapped (their user id, and their key version when they gave it, as
 * `openKeyChange` does), and the signature is checked with the caller's signing keys only — at
 * versions 6 and 7 over the unwrapped key, at 2 to 5 over the participant list as delivered.
 *
 * - verified: the key is adopted, the event returned, the version may become the latest;
 * - invalid (a version 6/7 signature that does not verify, a downgrade, a future version): refused;
 * - unverifiable (the signer's key is not among the caller's, or its binding fails; a version 2–5
 *   signature that does not cover the list as delivered, which a relay may have trimmed): the key
 *   is kept to read messages that carry their own valid signatures, the event is reported in
 *   `errors`, and it never raises the latest version.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError, VerificationError, type KeykitError } from '../../../errors.js';
import { assertVersion, isNotInFuture } from '../../../rules.js';
import type { CryptoBackend } from '../../../core/backend.js';
import { openWrappedKey } from '../../../core/ecies.js';
import { entryOf, type CheckedRecipient } from '../../../core/recipient.js';
import { SecretBytes, wipe } from '../../../core/secret.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { ConversationKeyChangeEventView } from '../../../wire/xchat/events.js';
import { keyChangePayload } from '../../../wire/xchat/payloads.js';
import type { Envelope } from './envelope.js';
import type { KeyStore } from './keystore.js';
import { eventError } from './report.js';
import { build, signatureOf } from './signed.js';
import type { ReceivedEvent } from './shapes.js';
import type { EventError } from './types.js';
import type { Checker } from './verify.js';

/** Most distinct wrapped keys one call opens (each costs an ECDH); more are refused with `ERR_TOO_LARGE`. */
export const MAX_KEY_CHANGES = 4096;

/** The key-change detail. */
export type KeyChangeValue = Infer<typeof ConversationKeyChangeEventView>;

/**
 * The recipient's unwraps of one call: each wrapped key is opened at most once (a key change and
 * the reply previews that embed it share the result), and at most {@link MAX_KEY_CHANGES} distinct
 * ones are opened, so that a hostile batch cannot ask for an ECDH per byte.
 */
export class Unwrapper {
  private readonly opened = new Map<string, Promise<SecretBytes>>();

  constructor(
    private readonly recipient: CheckedRecipient,
    private readonly backend: CryptoBackend,
  ) {}

  /**
   * Unwraps the recipient's own copy of a key change's key (a copy the caller may keep or wipe).
   * @throws {VerificationError} `ERR_NOT_A_MEMBER`, `ERR_RECIPIENT_KEY_MISMATCH`, `ERR_DECRYPT_FAILED`
   * @throws {DecodeError} `ERR_INVALID_ENVELOPE` (two entries, not 113 bytes), `ERR_INVALID_BASE64`,
   * `ERR_TOO_LARGE` past the budget
   */
  async unwrap(kc: KeyChangeValue, field: string): Promise<SecretBytes> {
    const { entry, index } = entryOf(kc.participantKeys ?? [], this.recipient, `${field}.participantKeys`);
    let p = this.opened.get(entry.encryptedKey);
    if (!p) {
      if (this.opened.size >= MAX_KEY_CHANGES) {
        throw new DecodeError(
          ErrorCodes.TOO_LARGE,
          `more than ${MAX_KEY_CHANGES} wrapped keys to open in one call: pass the events in several calls`,
          field,
        );
      }
      p = openWrappedKey(
        this.backend,
        entry.encryptedKey,
        this.recipient.identityPrivateKey,
        `${field}.participantKeys[${index}].encryptedKey`,
      );
      p.catch(() => undefined);
      this.opened.set(entry.encryptedKey, p);
    }
    const key = await p;
    const copy = new SecretBytes(key.length);
    copy.set(key);
    return copy;
  }

  /** Wipes every key opened. */
  async wipe(): Promise<void> {
    for (const p of this.opened.values()) wipe(await p.catch(() => undefined));
  }
}

/** What a key-change handling needs. */
export interface KeyChangeContext {
  unwrapper: Unwrapper;
  checker: Checker;
  store: KeyStore;
  now: number;
  skew: number;
}

/** The outcome of one key-change event. */
export type KeyChangeOutcome = { event: ReceivedEvent } | { error: EventError };

function adopted(e: KeykitError, version: string): EventError {
  return {
    code: e.code,
    message: `${e.message}; its key is kept only to read messages of version ${version} that carry valid signatures of their own (never trusted, never the latest version)`,
  };
}

/** Handles one key-change event: unwraps, verifies, adopts the key per the policy above. */
export async function takeKeyChange(env: Envelope, ctx: KeyChangeContext): Promise<KeyChangeOutcome> {
  let key: SecretBytes | undefined;
  try {
    const kc = env.detail?.conversationKeyChangeEvent ?? {};
    const signature = signatureOf(env, 'keyChange');
    const conversationId = signature.head.conversationId;
    const version = assertVersion(kc.conversationKeyVersion, `${env.index}.conversationKeyVersion`);
    if (!isNotInFuture(version, ctx.now, ctx.skew)) {
      throw new InvalidInputError(
        ErrorCodes.VERSION_IN_FUTURE,
        `the key version ${version} is more than ${ctx.skew} ms ahead of the clock (${ctx.now})`,
        env.index,
      );
    }
    key = await ctx.unwrapper.unwrap(kc, env.index);
    const participantKeys = (kc.participantKeys ?? []).map((p) => ({
      userId: p.userId,
      encryptedKey: p.encryptedKey,
      publicKeyVersion: p.publicKeyVersion,
    }));
    const head = { ...signature.head, conversationKeyVersion: version, conversationKey: key, participantKeys };
    const payload = build(env, 'keyChange', () => keyChangePayload(signature.version, head));
    const problem = await ctx.checker.check({ signature, payload, label: 'key change' });
    if (problem === null) {
      ctx.store.add(conversationId, version, key, 'verified');
      return { event: { type: 'keyChange', ...env.base, keyVersion: version, verified: true, participantKeys } };
    }
    const listed = signature.version < 6 && problem.code === ErrorCodes.SIGNATURE_INVALID;
    if (problem.code === ErrorCodes.SIGNING_KEY_NOT_FOUND || problem.code === ErrorCodes.KEY_BINDING_INVALID || listed) {
      ctx.store.add(conversationId, version, key, 'unverified');
      const why = listed
        ? new VerificationError(
            ErrorCodes.UNVERIFIED_EVENT,
            `the version ${signature.version} key-change signature does not cover the participant list as delivered (a relay may have trimmed it)`,
            env.index,
          )
        : problem.withField(env.index);
      return { error: adopted(why, version) };
    }
    wipe(key);
    return { error: eventError(problem.withField(env.index)) };
  } catch (e) {
    wipe(key);
    return { error: eventError(e) };
  }
}
