/**
 * The verification report: every problem found (each with a stable code, the JSON path at fault
 * and a sentence a person can act on), a record per action signature of what was checked, and a
 * verdict that says plainly how much was verified.
 *
 * Problems are capped per code: the first {@link MAX_PROBLEMS_PER_CODE}, then one summary problem
 * with the number left out, so that a hostile body (three million empty member ids) cannot make
 * the report itself the denial of service.
 *
 * @module
 */
import type { SecretBytes } from '../../../core/secret.js';

/** Stable codes of verification problems. */
export const ProblemCodes = /* @__PURE__ */ Object.freeze({
  SCHEMA: 'SCHEMA',
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** A body, list or detail beyond the verifier's limits (`limits` option). */
  TOO_LARGE: 'TOO_LARGE',
  CONVERSATION_ID_INVALID: 'CONVERSATION_ID_INVALID',
  MEMBER_ID_INVALID: 'MEMBER_ID_INVALID',
  DUPLICATE_MEMBER: 'DUPLICATE_MEMBER',
  SENDER_NOT_MEMBER: 'SENDER_NOT_MEMBER',
  ADMIN_NOT_MEMBER: 'ADMIN_NOT_MEMBER',
  TTL_INVALID: 'TTL_INVALID',
  KEY_VERSION_INVALID: 'KEY_VERSION_INVALID',
  /** A conversation-key version further ahead of the clock than the allowed skew. */
  KEY_VERSION_IN_FUTURE: 'KEY_VERSION_IN_FUTURE',
  /** A signed optional text that is the literal `null`, which signs exactly like an absent value. */
  NULL_SENTINEL: 'NULL_SENTINEL',
  PARTICIPANT_KEY_MISSING: 'PARTICIPANT_KEY_MISSING',
  PARTICIPANT_KEY_EXTRA: 'PARTICIPANT_KEY_EXTRA',
  PARTICIPANT_KEY_DUPLICATE: 'PARTICIPANT_KEY_DUPLICATE',
  PARTICIPANT_KEY_MALFORMED: 'PARTICIPANT_KEY_MALFORMED',
  ACTION_SIGNATURE_MISSING: 'ACTION_SIGNATURE_MISSING',
  ACTION_SIGNATURE_UNEXPECTED: 'ACTION_SIGNATURE_UNEXPECTED',
  /** The actions are not in the SDK's order (key change first). */
  ACTION_SIGNATURE_ORDER: 'ACTION_SIGNATURE_ORDER',
  /** A key-change entry carries `signature_payload`, which (from version 6) holds the plaintext key. */
  SIGNATURE_PAYLOAD_EXPOSES_KEY: 'SIGNATURE_PAYLOAD_EXPOSES_KEY',
  MESSAGE_ID_INVALID: 'MESSAGE_ID_INVALID',
  DUPLICATE_MESSAGE_ID: 'DUPLICATE_MESSAGE_ID',
  DETAIL_UNDECODABLE: 'DETAIL_UNDECODABLE',
  DETAIL_INCOMPLETE: 'DETAIL_INCOMPLETE',
  SIGNATURE_VERSION_UNSUPPORTED: 'SIGNATURE_VERSION_UNSUPPORTED',
  SIGNING_KEY_NOT_FOUND: 'SIGNING_KEY_NOT_FOUND',
  KEY_BINDING_INVALID: 'KEY_BINDING_INVALID',
  SIGNATURE_MALFORMED: 'SIGNATURE_MALFORMED',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  PAYLOAD_UNBUILDABLE: 'PAYLOAD_UNBUILDABLE',
  MEMBERS_MISMATCH: 'MEMBERS_MISMATCH',
  /** A member add that adds nobody. */
  NO_NEW_MEMBERS: 'NO_NEW_MEMBERS',
  ADMINS_MISMATCH: 'ADMINS_MISMATCH',
  /** The signed roster differs from what the caller knows (`currentMemberIds`, `memberIds`). */
  ROSTER_MISMATCH: 'ROSTER_MISMATCH',
  TITLE_MISMATCH: 'TITLE_MISMATCH',
  AVATAR_MISMATCH: 'AVATAR_MISMATCH',
  TTL_MISMATCH: 'TTL_MISMATCH',
  KEY_VERSION_MISMATCH: 'KEY_VERSION_MISMATCH',
  PARTICIPANT_KEYS_MISMATCH: 'PARTICIPANT_KEYS_MISMATCH',
  /** A body that changes the key but does not say to which version (optional in the schema). */
  KEY_VERSION_MISSING: 'KEY_VERSION_MISSING',
  KEY_ROTATION_INVALID: 'KEY_ROTATION_INVALID',
  RECIPIENT_NOT_MEMBER: 'RECIPIENT_NOT_MEMBER',
  /** The recipient's wrapped key is labelled with another identity-key version than `recipient.keyVersion`. */
  RECIPIENT_KEY_MISMATCH: 'RECIPIENT_KEY_MISMATCH',
  UNWRAP_FAILED: 'UNWRAP_FAILED',
} as const);

/** A verification problem code. */
export type ProblemCode = (typeof ProblemCodes)[keyof typeof ProblemCodes];

/** One thing wrong with a body. */
export interface VerificationProblem {
  code: ProblemCode;
  /** JSON path into the body (`action_signatures[1].message_event_signature.signature`). */
  path: string;
  message: string;
  /** On the summary problem of a capped code: how many problems of this code were left out. */
  omitted?: number;
}

/** What was checked of one action signature. */
export interface ActionCheck {
  /** JSON path of the action (`action_signatures[0]`). */
  path: string;
  type: 'keyChange' | 'groupCreate' | 'groupMemberAdd';
  messageId: string;
  signatureVersion: number;
  /**
   * `verified`: the signature was checked and holds; `needs-recipient`: a version 6/7 key-change
   * signature covers the plaintext key, so only a member (`recipient`) can check it; `failed`: it
   * was checked and does not hold, or could not be checked because the action is broken.
   */
  signature: 'verified' | 'needs-recipient' | 'failed';
}

/**
 * How much was verified: `verified` (no problem, every signature checked), `server-view` (no
 * problem in what the server can check, but a signature only a member can check was not checked)
 * or `invalid`.
 */
export type Verdict = 'verified' | 'server-view' | 'invalid';

/** The verifier's verdict. */
export interface VerificationReport {
  /**
   * True only when nothing is wrong and every signature was checked (`verdict === 'verified'`),
   * or, with the `serverView` option, when nothing the server can check is wrong.
   */
  valid: boolean;
  verdict: Verdict;
  problems: VerificationProblem[];
  /** One record per action signature that could be read, in body order. */
  actions: ActionCheck[];
  /** What was left unchecked and why, in words (derived from `actions`). */
  notes: string[];
  /** The recipient's conversation key, only when `recipient` was given and the body is valid. */
  conversationKey?: SecretBytes;
}

/** Problems kept per code before the rest are summarised. */
export const MAX_PROBLEMS_PER_CODE = 20;

/** A text, or a function that makes it (for texts that are usually not needed). */
export type Lazy = string | (() => string);
const text = (t: Lazy): string => (typeof t === 'string' ? t : t());

/** Collects problems, capped per code. */
export class Problems {
  private readonly list: VerificationProblem[] = [];
  private readonly counts = new Map<ProblemCode, number>();

  /** Records a problem; path and message may be functions, called only when the problem is kept. */
  add(code: ProblemCode, path: Lazy, message: Lazy): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= MAX_PROBLEMS_PER_CODE) this.list.push({ code, path: text(path), message: text(message) });
  }

  /** Has a problem of one of these codes been found? */
  has(...codes: ProblemCode[]): boolean {
    return codes.some((c) => this.counts.has(c));
  }

  get size(): number {
    return this.list.length;
  }

  /** The problems, with one summary per capped code. */
  done(): VerificationProblem[] {
    const out = [...this.list];
    for (const [code, n] of this.counts) {
      if (n > MAX_PROBLEMS_PER_CODE) {
        const omitted = n - MAX_PROBLEMS_PER_CODE;
        out.push({
          code,
          path: '(more)',
          message: `${omitted} more problem${omitted === 1 ? '' : 's'} of this kind left out (${n} in all)`,
          omitted,
        });
      }
    }
    return out;
  }
}

function label(t: ActionCheck['type']): string {
  return t === 'keyChange' ? 'key-change' : t === 'groupCreate' ? 'group-create' : 'member-add';
}

/** The report: verdict from the problems and the action records, notes from the records. */
export function report(problems: Problems, actions: ActionCheck[], serverView: boolean, key: SecretBytes | undefined): VerificationReport {
  const list = problems.done();
  const pending = actions.filter((a) => a.signature === 'needs-recipient');
  const verdict: Verdict =
    list.length > 0 || actions.length === 0 || actions.some((a) => a.signature === 'failed')
      ? 'invalid'
      : pending.length > 0
        ? 'server-view'
        : 'verified';
  const valid = verdict === 'verified' || (serverView && verdict === 'server-view');
  const notes = pending.map(
    (a) =>
      `${a.path}: a version ${a.signatureVersion} ${label(a.type)} signature covers the plaintext conversation key; only a member can check it (pass a recipient)`,
  );
  return { valid, verdict, problems: list, actions, notes, ...(valid && key ? { conversationKey: key } : {}) };
}
