/**
 * The verifiers' options and the state one verification carries: who signed, which signing keys
 * are trusted, whose view to take, the clock, the limits, and the problems found so far.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertObject, typeName } from '../../../guards.js';
import { assertSignable } from '../../../rules.js';
import type { CryptoBackend } from '../../../core/backend.js';
import { clockOf, readClock, skewOf } from '../../../core/clock.js';
import { resolveBackend, type CryptoOptions } from '../../../core/context.js';
import { checkRecipient, type CheckedRecipient, type RecipientKey } from '../../../core/recipient.js';
import { wipe, type SecretBytes } from '../../../core/secret.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../../core/trust.js';
import { X_USER_ID, assertXUserId } from '../rules.js';
import { Problems, report, type ActionCheck, type Lazy, type ProblemCode, type VerificationReport } from './report.js';

/** The member whose view to take: they unwrap their key and check the key-change signature. */
export type VerifyRecipient = RecipientKey;

/** Bounds the verifiers work within; a body beyond them is refused with `TOO_LARGE`. */
export interface VerifyLimits {
  /** Most members, wrapped keys or ids in one list (default 20,000; the largest real groups are far smaller). */
  maxMembers: number;
  /** Longest `encoded_message_event_detail` or `base64_encoded_key_rotation`, in characters (default 8 MiB). */
  maxEncodedLength: number;
}

/** The default {@link VerifyLimits}. */
export const DEFAULT_LIMITS: Readonly<VerifyLimits> = Object.freeze({ maxMembers: 20_000, maxEncodedLength: 8 * 1024 * 1024 });

/** Options of the verifiers. */
export interface VerifyOptions extends CryptoOptions {
  /** The authenticated user who sends the request (the signer). */
  senderId: string;
  /** Known signing keys (the SDK's `SigningKeyEntry[]`); only these are trusted. */
  signingKeys: SigningKeyEntry[];
  /** Take this member's view: open their key and check the key-change signature over it. */
  recipient?: VerifyRecipient;
  /**
   * Accept the server's view: a report is `valid` when nothing the server can check is wrong,
   * although a key-change signature only a member can check was left unchecked (`verdict` says so).
   */
  serverView?: boolean;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a conversation-key version may be (default one day). */
  maxFutureSkewMs?: number;
  /** Bounds on sizes (see {@link VerifyLimits}). */
  limits?: Partial<VerifyLimits>;
}

/** Options of the verifiers of the `/keys` and `/members` bodies, whose conversation id is in the URL. */
export interface VerifyInConversationOptions extends VerifyOptions {
  /** The conversation id that was signed (`g…`, or `min:max` for a one-to-one). */
  conversationId: string;
}

/** What one verification carries. */
export interface Ctx {
  backend: CryptoBackend;
  senderId: string;
  keys: SigningKeys;
  recipient: CheckedRecipient | undefined;
  serverView: boolean;
  now: number;
  maxFutureSkewMs: number;
  limits: VerifyLimits;
  problems: Problems;
  actions: ActionCheck[];
}

/** Records a problem. */
export function add(ctx: Pick<Ctx, 'problems'>, code: ProblemCode, path: Lazy, message: Lazy): void {
  ctx.problems.add(code, path, message);
}

function limitsOf(value: unknown): VerifyLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  const l = assertObject(value, 'options.limits');
  const out = { ...DEFAULT_LIMITS };
  for (const k of ['maxMembers', 'maxEncodedLength'] as const) {
    const v = l[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a positive integer, got ${typeName(v)}`, `options.limits.${k}`);
    }
    out[k] = v;
  }
  return out;
}

/** Checks the options and starts a verification. */
async function context(options: VerifyOptions): Promise<Ctx> {
  const o = assertObject(options, 'options');
  const senderId = assertXUserId(o.senderId, 'options.senderId');
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  if (o.serverView !== undefined && typeof o.serverView !== 'boolean') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a boolean, got ${typeName(o.serverView)}`, 'options.serverView');
  }
  const now = readClock(clockOf(o.now, 'options.now'), 'options.now');
  const maxFutureSkewMs = skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs');
  const limits = limitsOf(o.limits);
  const backend = await resolveBackend(options.backend);
  const recipient = o.recipient === undefined ? undefined : checkRecipient(o.recipient, X_USER_ID, 'options.recipient');
  return {
    backend,
    senderId,
    keys: new SigningKeys(entries, backend),
    recipient,
    serverView: o.serverView === true,
    now,
    maxFutureSkewMs,
    limits,
    problems: new Problems(),
    actions: [],
  };
}

/** The conversation id of a `/keys` or `/members` verification. */
export function conversationOf(options: VerifyInConversationOptions): string {
  const id = assertObject(options, 'options').conversationId;
  try {
    return assertSignable(id, 'options.conversationId');
  } catch {
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      'must be the non-empty, comma-free conversation id that was signed',
      'options.conversationId',
    );
  }
}

/**
 * Runs one verification: the options are checked, `run` records problems and returns the
 * recipient's key when it opened one, and the report is made. The recipient's identity-key copy is
 * wiped afterwards, and the conversation key unless the report is valid and hands it out.
 */
export async function verification(
  options: VerifyOptions,
  run: (ctx: Ctx) => Promise<SecretBytes | undefined>,
): Promise<VerificationReport> {
  const ctx = await context(options);
  try {
    const key = await run(ctx);
    const r = report(ctx.problems, ctx.actions, ctx.serverView, key);
    if (!r.conversationKey) wipe(key);
    return r;
  } finally {
    wipe(ctx.recipient?.identityPrivateKey);
  }
}
