/**
 * Checks of a body's structure and plain values and of its details: the schema, X user ids,
 * duplicates, sizes, key versions, signed texts, the key-rotation field. All linear in the size of
 * the input (sets, no nested scans).
 *
 * @module
 */
import { KeykitError } from '../../../errors.js';
import { firstHole } from '../../../guards.js';
import { isNotInFuture, isVersion, NULL_SENTINEL } from '../../../rules.js';
import { parseKeyRotation } from '../../../wire/xchat/rotation.js';
import { isXUserId } from '../rules.js';
import { add, type Ctx } from './context.js';
import { ProblemCodes } from './report.js';
import { walkSchema, type Rule } from './schema.js';

/** `s` shortened for a message. */
export function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** The value as a list of strings (no holes), or undefined. */
export function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || firstHole(v) >= 0) return undefined;
  for (const x of v) if (typeof x !== 'string') return undefined;
  return v as string[];
}

/** Is a list within the member limit? Reports when it is not (its entries are then left unchecked). */
export function withinLimit(ctx: Ctx, list: readonly unknown[], path: string, label: string): boolean {
  if (list.length <= ctx.limits.maxMembers) return true;
  add(ctx, ProblemCodes.TOO_LARGE, path, `${list.length} ${label}, above the limit of ${ctx.limits.maxMembers}`);
  return false;
}

/**
 * Checks a list of user ids: within the limit, X user ids, no duplicates. Returns its set, or
 * undefined when the list is too large (the checks that need the set are then skipped).
 */
export function checkIds(ctx: Ctx, ids: readonly string[], path: string, label: string): Set<string> | undefined {
  if (!withinLimit(ctx, ids, path, `${label} ids`)) return undefined;
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    if (!isXUserId(id))
      add(
        ctx,
        ProblemCodes.MEMBER_ID_INVALID,
        () => `${path}[${i}]`,
        () => `${label} id "${truncate(id)}" is not an X user id`,
      );
    if (seen.has(id))
      add(
        ctx,
        ProblemCodes.DUPLICATE_MEMBER,
        () => `${path}[${i}]`,
        () => `${label} ${truncate(id)} is listed twice`,
      );
    seen.add(id);
  }
  return seen;
}

/** Reports each id of `ids` that is not in `of`. */
export function checkSubset(
  ctx: Ctx,
  ids: readonly string[],
  of: ReadonlySet<string>,
  path: string,
  code: (typeof ProblemCodes)[keyof typeof ProblemCodes],
  what: string,
): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    if (!of.has(id))
      add(
        ctx,
        code,
        () => `${path}[${i}]`,
        () => `${truncate(id)} ${what}`,
      );
  }
}

/** Do two lists hold the same ids, in any order (both free of duplicates)? */
export function sameSet(a: readonly string[], b: ReadonlySet<string>): boolean {
  if (a.length !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Do two lists hold the same ids in the same order? */
export function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks a conversation-key version: canonical decimal up to 2^64−1, not far in the future. */
export function checkKeyVersion(ctx: Ctx, v: string, path: string): void {
  if (!isVersion(v))
    add(ctx, ProblemCodes.KEY_VERSION_INVALID, path, 'the conversation key version must be a canonical decimal up to 2^64-1');
  else if (!isNotInFuture(v, ctx.now, ctx.maxFutureSkewMs)) {
    add(
      ctx,
      ProblemCodes.KEY_VERSION_IN_FUTURE,
      path,
      `the conversation key version ${v} is more than ${ctx.maxFutureSkewMs} ms ahead of the clock: a receiver would keep it as its floor and refuse every honest rotation`,
    );
  }
}

/** Reports signed optional texts that are the literal `null` (they sign exactly like an absent value). */
export function checkSignedTexts(ctx: Ctx, path: string, values: Record<string, string | undefined>): void {
  for (const [name, v] of Object.entries(values)) {
    if (v === NULL_SENTINEL)
      add(ctx, ProblemCodes.NULL_SENTINEL, path, `the signed ${name} is the text "null", which signs exactly like no ${name} at all`);
  }
}

/** Checks the optional `base64_encoded_key_rotation` field: within the limit, a valid GroupOpData. */
export function checkRotation(ctx: Ctx, body: Record<string, unknown>): void {
  const r = body.base64_encoded_key_rotation;
  if (typeof r !== 'string') return;
  if (r.length > ctx.limits.maxEncodedLength) {
    add(
      ctx,
      ProblemCodes.TOO_LARGE,
      'base64_encoded_key_rotation',
      `${r.length} characters, above the limit of ${ctx.limits.maxEncodedLength}`,
    );
    return;
  }
  try {
    parseKeyRotation(r);
  } catch (e) {
    add(
      ctx,
      ProblemCodes.KEY_ROTATION_INVALID,
      'base64_encoded_key_rotation',
      `not a base64 Thrift GroupOpData (${e instanceof KeykitError ? e.code : 'error'})`,
    );
  }
}

/** The body's structure against the X API schema; the body as an object, or null. */
export function checkBody(ctx: Ctx, body: unknown, rule: Rule): Record<string, unknown> | null {
  walkSchema(body, rule, (code, path, message) => add(ctx, code, path, message));
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}
