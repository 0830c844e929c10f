/**
 * Structural checks of X API request bodies, mirroring the X API's OpenAPI schemas
 * (`CreateChatConversationRequest`, `AddConversationKeysRequest`, `AddChatGroupMembersRequest` and
 * their item schemas: required fields, types, `minLength`, the base64 and `^[0-9]+$` patterns).
 *
 * The library cannot ship the schema file, so the rules are restated here; the conformance suite
 * checks them against the real schema with ajv, in both directions (what ajv accepts we accept,
 * what ajv rejects we reject). One deliberate difference: properties the schema does not name are
 * reported (`UNKNOWN_FIELD`), because a misspelt optional field (`group_admin`) would otherwise be
 * silently dropped by the server.
 *
 * @module
 */

/** A rule for one JSON value. */
export type Rule =
  | { type: 'string'; minLength?: number; pattern?: RegExp; patternCheckedWhenDecoded?: boolean }
  | { type: 'boolean' }
  | { type: 'array'; items: Rule; minItems?: number }
  | { type: 'object'; required?: readonly string[]; properties: Readonly<Record<string, Rule>> };

/** A structural problem: where, and what is wrong. */
export interface SchemaProblem {
  code: 'SCHEMA' | 'UNKNOWN_FIELD';
  path: string;
  message: string;
}

/** The schema's base64 pattern (any flavour, padded or not). */
const B64 = /^[A-Za-z0-9+/=_-]+$/;
/**
 * Strings this long that the verifier decodes anyway (event details, megabytes of base64 in a
 * large group) are not matched against the pattern here: a detail that decodes is canonical
 * standard base64, which the pattern allows, and one that does not is matched then (actions.ts).
 * Every other route past the decoder already makes the body invalid (too long, an action too many).
 */
const DEFER_PATTERN_AT = 65536;
/** Does a detail whose pattern the schema left to its decoding fail the pattern? (Short ones the schema checked itself.) */
export const deferredPatternFails = (text: string): boolean => text.length >= DEFER_PATTERN_AT && !B64.test(text);
const patternHolds = (v: string, r: { pattern?: RegExp; patternCheckedWhenDecoded?: boolean }): boolean =>
  !r.pattern || (r.patternCheckedWhenDecoded === true && v.length >= DEFER_PATTERN_AT) || r.pattern.test(v);
const DIGITS = /^[0-9]+$/;
const str: Rule = { type: 'string' };

const signingKeyInfo: Rule = { type: 'object', properties: { member_id: str, public_key_version: str, signing_public_key: str } };

const messageEventSignature: Rule = {
  type: 'object',
  required: ['signature', 'public_key_version', 'signature_version'],
  properties: {
    signature: { type: 'string', minLength: 1, pattern: B64 },
    public_key_version: { type: 'string', pattern: DIGITS },
    signature_version: { type: 'string', pattern: DIGITS },
    signing_public_key: str,
    message_signing_key_info_list: { type: 'array', items: signingKeyInfo },
  },
};

const actionSignature: Rule = {
  type: 'object',
  required: ['message_id', 'encoded_message_event_detail', 'message_event_signature'],
  properties: {
    message_id: { type: 'string', minLength: 1 },
    encoded_message_event_detail: { type: 'string', minLength: 1, pattern: B64, patternCheckedWhenDecoded: true },
    message_event_signature: messageEventSignature,
    signature_payload: str,
  },
};

const participantKey: Rule = { type: 'object', properties: { user_id: str, encrypted_conversation_key: str, public_key_version: str } };
const strings: Rule = { type: 'array', items: str };

/** `CreateChatConversationRequest` (body of `POST /2/chat/conversations/group`). */
export const CreateGroupSchema: Rule = {
  type: 'object',
  required: ['conversation_id', 'conversation_key_version', 'conversation_participant_keys', 'group_members'],
  properties: {
    action_signatures: { type: 'array', items: actionSignature },
    base64_encoded_key_rotation: str,
    conversation_id: str,
    conversation_key_version: str,
    conversation_participant_keys: { type: 'array', items: participantKey },
    group_admins: strings,
    group_avatar_url: str,
    group_description: str,
    group_members: strings,
    group_name: str,
    ttl_msec: str,
  },
};

/** `AddConversationKeysRequest` (body of `POST /2/chat/conversations/{id}/keys`). */
export const AddConversationKeysSchema: Rule = {
  type: 'object',
  required: ['conversation_key_version', 'conversation_participant_keys'],
  properties: {
    action_signatures: { type: 'array', items: actionSignature },
    base64_encoded_key_rotation: str,
    conversation_key_version: str,
    conversation_participant_keys: { type: 'array', items: participantKey },
  },
};

/** `AddChatGroupMembersRequest` (body of `POST /2/chat/conversations/{id}/members`). */
export const AddMembersSchema: Rule = {
  type: 'object',
  required: ['user_ids'],
  properties: {
    action_signatures: { type: 'array', items: actionSignature },
    conversation_key_version: str,
    conversation_participant_keys: { type: 'array', items: participantKey },
    encrypted_avatar_url: str,
    encrypted_title: str,
    user_ids: strings,
  },
};

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Does a value conform to a rule? The same checks as {@link checkSchema}'s walk, without building
 * paths or problems: a 10,000-member body has some 40,000 nodes, and a valid one (the usual case)
 * then costs no allocation at all.
 */
function conforms(v: unknown, r: Rule, strict: boolean): boolean {
  if (r.type === 'object') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (const req of r.required ?? []) if (o[req] === undefined) return false;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const sub = Object.hasOwn(r.properties, k) ? r.properties[k] : undefined;
      if (sub === undefined) {
        if (strict) return false;
      } else if (o[k] !== undefined && !conforms(o[k], sub, strict)) return false;
    }
    return true;
  }
  if (r.type === 'array') {
    if (!Array.isArray(v) || (r.minItems !== undefined && v.length < r.minItems)) return false;
    for (let i = 0; i < v.length; i++) if (!conforms(v[i], r.items, strict)) return false;
    return true;
  }
  if (r.type === 'boolean') return typeof v === 'boolean';
  if (typeof v !== 'string') return false;
  if (r.minLength !== undefined && v.length < 2 * r.minLength && [...v].length < r.minLength) return false;
  return patternHolds(v, r);
}

/** Receives a schema problem; the path is built only when asked for (a large body can have millions). */
export type SchemaSink = (code: SchemaProblem['code'], path: () => string, message: string) => void;

/**
 * Checks a JSON value against a rule, reporting each problem to `sink`.
 * @param strict - also report properties the rule does not name
 */
export function walkSchema(value: unknown, rule: Rule, sink: SchemaSink, strict = true): void {
  if (conforms(value, rule, strict)) return;
  const walk = (v: unknown, r: Rule, p: () => string): void => {
    const at = () => p() || '(body)';
    if (r.type === 'object') {
      if (kind(v) !== 'object') return sink('SCHEMA', at, `expected an object, got ${kind(v)}`);
      const o = v as Record<string, unknown>;
      for (const req of r.required ?? []) {
        if (o[req] === undefined) sink('SCHEMA', () => (p() ? `${p()}.${req}` : req), 'required field is missing');
      }
      for (const k of Object.keys(o)) {
        const rp = () => (p() ? `${p()}.${k}` : k);
        const sub = Object.hasOwn(r.properties, k) ? r.properties[k] : undefined;
        if (sub) {
          if (o[k] !== undefined) walk(o[k], sub, rp);
        } else if (strict) {
          sink('UNKNOWN_FIELD', rp, 'not a field of this request in the X API schema');
        }
      }
      return;
    }
    if (r.type === 'array') {
      if (!Array.isArray(v)) return sink('SCHEMA', at, `expected an array, got ${kind(v)}`);
      if (r.minItems !== undefined && v.length < r.minItems) sink('SCHEMA', at, `expected at least ${r.minItems} items`);
      // An index loop, not forEach: a hole (sparse array) must be reported, not skipped.
      for (let i = 0; i < v.length; i++) walk(v[i], r.items, () => `${p()}[${i}]`);
      return;
    }
    if (r.type === 'boolean') {
      if (typeof v !== 'boolean') sink('SCHEMA', at, `expected a boolean, got ${kind(v)}`);
      return;
    }
    if (typeof v !== 'string') return sink('SCHEMA', at, `expected a string, got ${kind(v)}`);
    // minLength counts code points; only short strings need counting.
    if (r.minLength !== undefined && v.length < 2 * r.minLength && [...v].length < r.minLength)
      sink('SCHEMA', at, `must not be shorter than ${r.minLength}`);
    else if (!patternHolds(v, r)) sink('SCHEMA', at, `must match ${(r.pattern as RegExp).source}`);
  };
  walk(value, rule, () => '');
}

/**
 * Checks a JSON value against a rule.
 * @param strict - also report properties the rule does not name
 * @returns every problem found (empty when the value conforms)
 */
export function checkSchema(value: unknown, rule: Rule, strict = true): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  walkSchema(value, rule, (code, path, message) => out.push({ code, path: path(), message }), strict);
  return out;
}
