/**
 * The vector checker (`chat-keykit vectors verify`). It compares a directory of vector files with
 * what this implementation generates, in two ways:
 * - completeness: each file's vector ids must be exactly the generated list (a missing, extra,
 *   duplicate or reordered vector is a failure), and every field the checker does not recompute
 *   (user ids, signer ids, recipient lists, inputs, parameters) must equal the generated value;
 *   only `description` texts are free;
 * - recomputation: every derived value is recomputed independently with the implementation, field
 *   by field, and every negative vector must give exactly its expected code.
 * A failure names the file, the vector, the field (down to the first differing JSON path) and the
 * two values: `expected` is what the file says (or the outcome a check requires, such as `true`
 * for "signature verifies"), `got` what this implementation computes or generates.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRegistration,
  createGroupRequest,
  importPrivateKeys,
  KeykitError,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  publicKeyFingerprint,
  unwrapConversationKey,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  verifyKeyBinding,
  wrapConversationKey,
  type PublicKeyInput,
  type SigningKeyEntry,
  type VerificationReport,
} from '../index.js';
import {
  buildKeyRotation,
  decodeBase64,
  decodeEventDetail,
  decodeMessageEvent,
  encodeBase64,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeKeyChangeDetail,
  encodeMessageEvent,
  parseKeyRotation,
  parsePublicKey,
  sec1ToSpki,
  type KeyRotation,
} from '../wire.js';
import {
  resolveBackend,
} from '../backends.js';
import { withTestingHooks } from '../testing.js';
import { canonicalJson, FORMAT_VERSION, fromHex, PROTOCOL, toHex, toJson } from './common.js';
import { generateVectors, VECTOR_FILES, type VectorFileName } from './files.js';
import { deterministic, detailJson, payloadOf, rotationJson, type signatureInputs } from './generate.js';

/** The checker's verdict. */
export interface VectorReport {
  ok: boolean;
  /** Number of individual field checks made. */
  checked: number;
  /**
   * One line per mismatch: `file vector field: expected …, got …`, where `expected` is the file's
   * value (or the outcome a check requires) and `got` what this implementation computes or
   * generates; `field` goes down to the first differing JSON path (`body.group_name`).
   */
  failures: string[];
}

type Obj = Record<string, unknown>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A value that is not there at all (an absent field, a missing list item). */
const ABSENT = Symbol('absent');
type Value = Json | typeof ABSENT;

class Checker {
  checked = 0;
  failures: string[] = [];
  constructor(private file: string) {}
  at(file: string): this {
    this.file = file;
    return this;
  }
  /**
   * Compares what the implementation computes (`actual`) with what the file says (`expected`) as
   * JSON; a mismatch names the first differing JSON path below `field`.
   */
  eq(vector: string, field: string, actual: unknown, expected: unknown): void {
    this.checked++;
    const d = firstDifference(plain(actual), plain(expected), '');
    if (d) this.failures.push(`${this.file} ${vector} ${field}${d.path}: ${d.message}`);
  }
  fail(vector: string, field: string, message: string): void {
    this.checked++;
    this.failures.push(`${this.file} ${vector} ${field}: ${message}`);
  }
  /** Runs one vector's checks; an exception is a failure of that vector, not of the run. */
  async vector(id: string, f: () => Promise<void> | void): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.fail(id, '(vector)', `threw ${e instanceof KeykitError ? e.code : ''} ${e instanceof Error ? e.message : String(e)}`.trim());
    }
  }
}

function short(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}

/** A value as plain JSON (bigints as decimal strings, bytes as hex), or ABSENT for undefined. */
function plain(v: unknown): Value {
  return v === undefined ? ABSENT : (JSON.parse(canonicalJson(v)) as Json);
}

function show(v: Value): string {
  return v === ABSENT ? '(absent)' : short(JSON.stringify(v));
}

const isRecord = (v: Value): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
/** Strings up to this length are shown whole; longer ones around their first difference. */
const WHOLE = 80;
const CONTEXT = 24;

/**
 * The first place where two JSON values differ: its path (`.body.group_name`, `[2].user_id`) and
 * a message showing the expected and actual values there.
 */
function firstDifference(got: Value, expected: Value, path: string): { path: string; message: string } | undefined {
  if (got === ABSENT && expected === ABSENT) return undefined;
  if (Array.isArray(got) && Array.isArray(expected)) {
    for (let i = 0; i < Math.min(got.length, expected.length); i++) {
      const d = firstDifference(got[i] as Json, expected[i] as Json, `${path}[${i}]`);
      if (d) return d;
    }
    if (got.length === expected.length) return undefined;
    const i = Math.min(got.length, expected.length);
    const first = i < expected.length ? `expected ${show(expected[i] as Json)}, got (absent)` : `expected (absent), got ${show(got[i] as Json)}`;
    return { path, message: `expected ${items(expected.length)}, got ${items(got.length)}; at [${i}]: ${first}` };
  }
  if (isRecord(got) && isRecord(expected)) {
    for (const key of Object.keys(expected)) {
      const d = firstDifference(key in got ? (got[key] as Json) : ABSENT, expected[key] as Json, `${path}.${key}`);
      if (d) return d;
    }
    for (const key of Object.keys(got)) if (!(key in expected)) return { path: `${path}.${key}`, message: `expected (absent), got ${show(got[key] as Json)}` };
    return undefined;
  }
  if (typeof got === 'string' && typeof expected === 'string') {
    if (got === expected) return undefined;
    if (got.length <= WHOLE && expected.length <= WHOLE) return { path, message: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}` };
    let i = 0;
    while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
    const around = (s: string) => `${i > CONTEXT ? '…' : ''}${JSON.stringify(s.slice(Math.max(0, i - CONTEXT), i + CONTEXT))}${i + CONTEXT < s.length ? '…' : ''}`;
    return {
      path,
      message: `differs at character ${i} (length ${expected.length} expected, ${got.length} got): expected ${around(expected)}, got ${around(got)}`,
    };
  }
  if (got !== ABSENT && expected !== ABSENT && canonicalJson(got) === canonicalJson(expected)) return undefined;
  return { path, message: `expected ${show(expected)}, got ${show(got)}` };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A file's vectors that are objects (the completeness check reports any other entry). */
const vectorsOf = (f: Obj) => (Array.isArray(f.vectors) ? (f.vectors as unknown[]).filter(isObject) : []);

async function checkKeys(c: Checker, f: Obj): Promise<void> {
  for (const v of vectorsOf(f)) {
    await c.vector(String(v.id), async () => {
      const id = await importPrivateKeys(fromHex(`${v.identity_private_hex}${v.signing_private_hex}`));
      const vid = String(v.id);
      c.eq(vid, 'private_blob_b64', encodeBase64(fromHex(`${v.identity_private_hex}${v.signing_private_hex}`)), v.private_blob_b64);
      c.eq(vid, 'identity_public_sec1_b64', encodeBase64(id.identityPublicKey), v.identity_public_sec1_b64);
      c.eq(vid, 'identity_public_spki_b64', encodeBase64(sec1ToSpki(id.identityPublicKey)), v.identity_public_spki_b64);
      c.eq(vid, 'signing_public_sec1_b64', encodeBase64(id.signingPublicKey), v.signing_public_sec1_b64);
      c.eq(vid, 'signing_public_spki_b64', encodeBase64(sec1ToSpki(id.signingPublicKey)), v.signing_public_spki_b64);
      c.eq(vid, 'fingerprint', await publicKeyFingerprint(id.identityPublicKey), v.fingerprint);
      const reg = await buildKeyRegistration(id, { version: String(v.registration_version) });
      c.eq(vid, 'registration', reg, v.registration);
      const pk = (v.registration as { public_key: Record<string, string> }).public_key;
      c.eq(vid, 'registration binding verifies', await verifyKeyBinding(pk.public_key as string, pk.signing_public_key as string, pk.identity_public_key_signature as string), true);
    });
  }
}

async function checkEcies(c: Checker, f: Obj): Promise<void> {
  for (const v of vectorsOf(f)) {
    const vid = String(v.id);
    await c.vector(vid, async () => {
      const recipient = p256.getPublicKey(fromHex(String(v.recipient_private_hex)), false);
      const e = fromHex(String(v.ephemeral_private_hex));
      const plaintext = fromHex(String(v.plaintext_hex));
      c.eq(vid, 'recipient_public_sec1_hex', toHex(recipient), v.recipient_public_sec1_hex);
      const E = p256.getPublicKey(e, false);
      c.eq(vid, 'ephemeral_public_sec1_hex', toHex(E), v.ephemeral_public_sec1_hex);
      const Z = p256.getSharedSecret(e, recipient, true).slice(1);
      c.eq(vid, 'shared_secret_hex', toHex(Z), v.shared_secret_hex);
      const input = Uint8Array.from([...Z, 0, 0, 0, 1, ...E]);
      c.eq(vid, 'kdf_input_hex', toHex(input), v.kdf_input_hex);
      const km = sha256(input);
      c.eq(vid, 'kdf_output_hex', toHex(km), v.kdf_output_hex);
      c.eq(vid, 'aes_key_hex', toHex(km.subarray(0, 16)), v.aes_key_hex);
      c.eq(vid, 'iv_hex', toHex(km.subarray(16)), v.iv_hex);
      const sealed = gcm(km.subarray(0, 16), km.subarray(16)).encrypt(plaintext);
      c.eq(vid, 'ciphertext_hex', toHex(sealed.subarray(0, sealed.length - 16)), v.ciphertext_hex);
      c.eq(vid, 'tag_hex', toHex(sealed.subarray(sealed.length - 16)), v.tag_hex);
      c.eq(vid, 'wrapped_b64', await wrapConversationKey(plaintext, recipient, withTestingHooks({}, { random: () => Uint8Array.from(e) })), v.wrapped_b64);
      c.eq(vid, 'unwrap', toHex(await unwrapConversationKey(String(v.wrapped_b64), fromHex(String(v.recipient_private_hex)))), v.plaintext_hex);
    });
  }
}

function signatureInputsFromJson(j: Obj): ReturnType<typeof signatureInputs> {
  const kc = j.key_change as Obj;
  const mc = j.message_create as Obj;
  return {
    keyChange: { ...(kc as Obj), conversationKey: fromHex(String(kc.conversationKey)) } as never,
    groupCreate: j.group_create as never,
    groupMemberAdd: j.group_member_add as never,
    groupMemberAddInvite: j.group_member_add_invite as never,
    messageCreate: { ...(mc as Obj), contents: fromHex(String(mc.contents)) } as never,
  };
}

async function checkSignatures(c: Checker, f: Obj): Promise<void> {
  const backend = await resolveBackend();
  await c.vector('(signer)', async () => {
    c.eq('(signer)', 'signer_public_sec1_b64', encodeBase64(p256.getPublicKey(fromHex(String(f.signer_private_hex)), false)), f.signer_public_sec1_b64);
  });
  const inputs = signatureInputsFromJson((f.inputs ?? {}) as Obj);
  const priv = fromHex(String(f.signer_private_hex));
  const pub = decodeBase64(f.signer_public_sec1_b64);
  for (const v of vectorsOf(f)) {
    const vid = String(v.id);
    await c.vector(vid, async () => {
      const payload = payloadOf(String(v.event), Number(v.signature_version), inputs);
      c.eq(vid, 'payload', payload, v.payload);
      c.eq(vid, 'payload_sha256_hex', toHex(sha256(utf8(payload))), v.payload_sha256_hex);
      c.eq(vid, 'signature_b64', encodeBase64(await backend.sign(priv, utf8(payload))).replace(/=+$/, ''), v.signature_b64);
      c.eq(vid, 'signature verifies', await backend.verify(pub, utf8(String(v.payload)), decodeBase64(v.signature_b64)), true);
    });
  }
}

function encodeDetail(kind: string, fields: Obj): Uint8Array {
  const big = (x: unknown) => (x === undefined ? undefined : BigInt(String(x)));
  switch (kind) {
    case 'ConversationKeyChangeEvent': return encodeKeyChangeDetail(fields as never);
    case 'GroupChangeEvent.GroupCreate': return encodeGroupCreateDetail({ ...fields, ttlMsec: big(fields.ttlMsec) } as never);
    case 'GroupChangeEvent.GroupMemberAddChange': return encodeGroupMemberAddDetail({ ...fields, currentTtlMsec: big(fields.currentTtlMsec) } as never);
    default: throw new Error(`unknown detail kind ${kind}`);
  }
}

async function checkEvents(c: Checker, f: Obj): Promise<void> {
  const byId = new Map(vectorsOf(f).map((v) => [String(v.id), v]));
  for (const v of vectorsOf(f)) {
    const vid = String(v.id);
    await c.vector(vid, async () => {
      const bytes = fromHex(String(v.hex));
      c.eq(vid, 'base64', encodeBase64(bytes), v.base64);
      const fields = v.fields as Obj;
      if (v.kind === 'MessageEvent') {
        const ev = decodeMessageEvent(bytes);
        const detail = byId.get(String(fields.detail));
        const rebuilt = encodeMessageEvent({
          sequenceId: String(fields.sequence_id),
          messageId: String(fields.message_id),
          senderId: String(fields.sender_id),
          conversationId: String(fields.conversation_id),
          createdAtMsec: String(fields.created_at_msec),
          detail: fromHex(String(detail?.hex)),
          signature: { signature: String(fields.signature), publicKeyVersion: String(fields.public_key_version), signatureVersion: String(fields.signature_version) },
        });
        c.eq(vid, 'hex', toHex(rebuilt), v.hex);
        c.eq(vid, 'decoded sender_id', ev.senderId, fields.sender_id);
        c.eq(vid, 'decoded detail', JSON.parse(toJson(ev.detail)), detail?.fields);
        return;
      }
      c.eq(vid, 'hex', toHex(encodeDetail(String(v.kind), { ...fields })), v.hex);
      c.eq(vid, 'fields', detailJson(bytes), fields);
      c.eq(vid, 'kind', decodeEventDetail(bytes).type, { 'ConversationKeyChangeEvent': 'keyChange', 'GroupChangeEvent.GroupCreate': 'groupCreate', 'GroupChangeEvent.GroupMemberAddChange': 'groupMemberAdd' }[String(v.kind)]);
    });
  }
}

interface RequestVector extends Obj {
  id: string;
  random_seed: string;
  message_ids_from: number;
  sender_signing_private_hex: string;
  params: Obj;
  body: Obj;
  verify: { sender_id: string; conversation_id: string; valid: boolean; recipients: { user_id: string; identity_private_hex: string; conversation_key_hex: string }[] };
}

async function rebuildBody(v: RequestVector, publicKeys: PublicKeyInput[]): Promise<unknown> {
  const p = v.params;
  const sender = { userId: String(p.sender_user_id), signingKeyVersion: String(p.sender_signing_key_version), signingPrivateKey: fromHex(v.sender_signing_private_hex) };
  const options = deterministic(v.random_seed, v.message_ids_from);
  switch (v.function) {
    case 'prepareGroupCreate':
      return createGroupRequest(
        await prepareGroupCreate(
          { publicKeys, sender, conversationId: String(p.conversation_id), memberIds: p.member_ids as string[], adminIds: p.admin_ids as string[], title: p.title as string, ttlMsec: p.ttl_msec as number },
          options,
        ),
      );
    case 'prepareConversationKeyChange': {
      const of = new Set(p.public_keys_of as string[]);
      return addConversationKeysRequest(await prepareConversationKeyChange({ publicKeys: publicKeys.filter((k) => of.has(k.userId)), sender, conversationId: String(p.conversation_id), memberIds: [...of] }, options));
    }
    case 'prepareGroupMembersChange':
      return addMembersRequest(
        await prepareGroupMembersChange(
          {
            publicKeys,
            sender,
            conversationId: String(p.conversation_id),
            newMemberIds: p.new_member_ids as string[],
            currentMemberIds: p.current_member_ids as string[],
            currentAdminIds: p.current_admin_ids as string[],
            currentTitle: p.current_title as string,
            currentTtlMsec: p.current_ttl_msec as number,
          },
          options,
        ),
      );
    default:
      throw new Error(`unknown function ${String(v.function)}`);
  }
}

function verifyBody(v: RequestVector, body: unknown, senderId: string, signingKeys: SigningKeyEntry[], recipient: { user_id: string; identity_private_hex: string }): Promise<VerificationReport> {
  const opts = { senderId, signingKeys, recipient: { userId: recipient.user_id, identityPrivateKey: fromHex(recipient.identity_private_hex) } };
  if (v.function === 'prepareGroupCreate') return verifyCreateGroupRequest(body, opts);
  if (v.function === 'prepareConversationKeyChange') return verifyAddConversationKeysRequest(body, { ...opts, conversationId: v.verify.conversation_id });
  return verifyAddMembersRequest(body, { ...opts, conversationId: v.verify.conversation_id });
}

async function checkRequests(c: Checker, f: Obj): Promise<void> {
  const publicKeys = (f.public_keys ?? []) as PublicKeyInput[];
  const signingKeys = (f.signing_keys ?? []) as SigningKeyEntry[];
  for (const raw of vectorsOf(f)) {
    const v = raw as RequestVector;
    await c.vector(v.id, async () => {
      c.eq(v.id, 'body', await rebuildBody(v, publicKeys), v.body);
      for (const r of v.verify.recipients) {
        const report = await verifyBody(v, v.body, v.verify.sender_id, signingKeys, r);
        c.eq(v.id, `verify as ${r.user_id}: problems`, report.problems.map((p) => p.code), []);
        c.eq(v.id, `verify as ${r.user_id}: valid`, report.valid, v.verify.valid);
        c.eq(v.id, `verify as ${r.user_id}: conversation key`, report.conversationKey ? toHex(report.conversationKey) : null, r.conversation_key_hex);
      }
    });
  }
}

function rotationFromJson(j: Obj): KeyRotation {
  const info = j.memberKeyInfo as Obj[] | undefined;
  return {
    ...(j as unknown as KeyRotation),
    ...(info
      ? {
          memberKeyInfo: info.map((k) => ({
            userId: String(k.userId),
            ...(k.identityPublicKey ? { identityPublicKey: fromHex(String(k.identityPublicKey)) } : {}),
            ...(k.signingPublicKey ? { signingPublicKey: fromHex(String(k.signingPublicKey)) } : {}),
            ...(k.identityKeySignature ? { identityKeySignature: fromHex(String(k.identityKeySignature)) } : {}),
          })),
        }
      : {}),
  };
}

async function checkRotation(c: Checker, f: Obj): Promise<void> {
  for (const v of vectorsOf(f)) {
    const vid = String(v.id);
    await c.vector(vid, () => {
      const b64 = buildKeyRotation(rotationFromJson(v.input as Obj));
      c.eq(vid, 'payload_b64', b64, v.payload_b64);
      c.eq(vid, 'hex', toHex(decodeBase64(v.payload_b64)), v.hex);
      c.eq(vid, 'parsed', rotationJson(parseKeyRotation(String(v.payload_b64))), v.input);
    });
  }
}

async function negativeOutcome(v: Obj, requests: RequestVector[], signingKeys: SigningKeyEntry[]): Promise<Obj> {
  const i = v.input as Obj;
  try {
    switch (v.function) {
      case 'parsePublicKey': parsePublicKey(fromHex(String(i.public_key_hex)), 'publicKey'); break;
      case 'decodeBase64': decodeBase64(i.text); break;
      case 'importPrivateKeys': await importPrivateKeys(fromHex(String(i.blob_hex))); break;
      case 'unwrapConversationKey': await unwrapConversationKey(String(i.wrapped_b64), fromHex(String(i.identity_private_hex))); break;
      case 'decodeEventDetail': decodeEventDetail(fromHex(String(i.hex))); break;
      case 'parseKeyRotation': parseKeyRotation(String(i.payload_b64)); break;
      case 'verifyCreateGroupRequest': {
        const req = requests.find((r) => r.id === i.request_id);
        const recipient = req?.verify.recipients.find((r) => r.user_id === i.recipient_user_id);
        if (!req || !recipient) return { error: `request_id ${String(i.request_id)} with recipient ${String(i.recipient_user_id)} not found in requests.json` };
        const r = await verifyCreateGroupRequest(i.body, { senderId: String(i.sender_id), signingKeys, recipient: { userId: recipient.user_id, identityPrivateKey: fromHex(recipient.identity_private_hex) } });
        return { valid: r.valid, problem_codes: [...new Set(r.problems.map((p) => p.code))].sort() };
      }
      default:
        return { error: `unknown function ${String(v.function)}` };
    }
    return { error: 'no error was raised' };
  } catch (e) {
    return e instanceof KeykitError ? { error_code: e.code } : { error: `untyped ${e instanceof Error ? e.name : typeof e}` };
  }
}

async function checkNegative(c: Checker, f: Obj, requests: Obj | undefined): Promise<void> {
  const reqs = (requests ? vectorsOf(requests) : []) as RequestVector[];
  const signingKeys = ((requests?.signing_keys ?? []) as SigningKeyEntry[]);
  for (const v of vectorsOf(f)) {
    const vid = String(v.id);
    await c.vector(vid, async () => {
      const expected = v.expect as Obj;
      const got = await negativeOutcome(v, reqs, signingKeys);
      if (typeof got.error === 'string') c.fail(vid, 'expect', `${got.error} (expected ${short(JSON.stringify(expected) ?? 'nothing')})`);
      else c.eq(vid, 'expect', got, 'problem_codes' in expected ? { valid: false, problem_codes: [...(expected.problem_codes as string[])].sort() } : expected);
    });
  }
}

/**
 * The fields each file's checks recompute (top level and per vector). Every other field except
 * `description` is compared with the generated file: the ids, the inputs and parameters, the user
 * and signer ids, the recipient lists.
 */
const RECOMPUTED: Record<VectorFileName, { top: string[]; vector: string[] }> = {
  'keys.json': {
    top: [],
    vector: ['private_blob_b64', 'identity_public_sec1_b64', 'identity_public_spki_b64', 'signing_public_sec1_b64', 'signing_public_spki_b64', 'fingerprint', 'registration'],
  },
  'ecies.json': {
    top: [],
    vector: ['recipient_public_sec1_hex', 'ephemeral_public_sec1_hex', 'shared_secret_hex', 'kdf_input_hex', 'kdf_output_hex', 'aes_key_hex', 'iv_hex', 'ciphertext_hex', 'tag_hex', 'wrapped_b64'],
  },
  'signatures.json': { top: ['signer_public_sec1_b64'], vector: ['payload', 'payload_sha256_hex', 'signature_b64'] },
  'events.json': { top: [], vector: ['hex', 'base64'] },
  'requests.json': { top: [], vector: ['body'] },
  'rotation.json': { top: [], vector: ['payload_b64', 'hex'] },
  'negative.json': { top: [], vector: ['expect'] },
};
/** Top-level fields with checks of their own (the header) or none (free text). */
const HEADER_CHECKED = ['protocol', 'format_version', 'vectors', 'description'];

/** The generated files, parsed (generated once: generation is deterministic). */
let generated: Promise<Map<string, Obj>> | undefined;
function generatedFiles(): Promise<Map<string, Obj>> {
  if (!generated) {
    generated = generateVectors().then((m) => new Map([...m].map(([name, text]) => [name, JSON.parse(text) as Obj])));
    generated.catch(() => (generated = undefined));
  }
  return generated;
}

const keysOf = (...objects: Obj[]) => [...new Set(objects.flatMap((o) => Object.keys(o)))];
const idOf = (v: unknown) => (v && typeof v === 'object' && typeof (v as Obj).id === 'string' ? ((v as Obj).id as string) : undefined);

/**
 * Compares a file with the generated one: the vector ids (missing, extra, duplicated, reordered),
 * then every field that is not recomputed. As everywhere, `expected` is the file's value.
 */
function checkAgainstGenerated(c: Checker, name: VectorFileName, f: Obj, g: Obj): void {
  const recomputed = RECOMPUTED[name];
  const skipTop = new Set([...HEADER_CHECKED, ...recomputed.top]);
  for (const key of keysOf(g, f)) if (!skipTop.has(key)) c.eq('(file)', key, g[key], f[key]);

  const fileVectors: unknown[] = Array.isArray(f.vectors) ? f.vectors : [];
  const generatedVectors = vectorsOf(g);
  const generatedIds = generatedVectors.map(idOf) as string[];
  const fileIds: string[] = [];
  fileVectors.forEach((v, i) => {
    const id = idOf(v);
    if (id === undefined) c.fail(`(vector [${i}])`, 'id', 'missing or not a string');
    else fileIds.push(id);
  });
  const count = new Map<string, number>();
  for (const id of fileIds) count.set(id, (count.get(id) ?? 0) + 1);
  let sameSet = fileVectors.length === fileIds.length;
  for (const [id, n] of count) {
    if (n > 1) {
      c.fail(id, 'id', `appears ${n} times`);
      sameSet = false;
    }
  }
  for (const id of generatedIds) {
    if (!count.has(id)) {
      c.fail(id, '(vector)', 'missing: generated by this implementation, absent from the file');
      sameSet = false;
    }
  }
  for (const id of count.keys()) {
    if (!generatedIds.includes(id)) {
      c.fail(id, '(vector)', 'extra: not generated by this implementation');
      sameSet = false;
    }
  }
  if (sameSet) c.eq('(file)', 'vector ids in order', generatedIds, fileIds);

  const skip = new Set(['id', 'description', ...recomputed.vector]);
  for (const gv of generatedVectors) {
    const id = idOf(gv) as string;
    const fv = fileVectors.find((x) => idOf(x) === id) as Obj | undefined;
    if (!fv) continue;
    for (const key of keysOf(gv, fv)) if (!skip.has(key)) c.eq(id, key, gv[key], fv[key]);
  }
}

/**
 * Checks a set of vector files against the implementation: complete (exactly the generated
 * vectors, with the generated inputs) and correct (every derived value recomputed).
 * @param files - file name → content (as `generateVectors` returns, or as read from a directory)
 */
export async function verifyVectors(files: Map<string, string>): Promise<VectorReport> {
  const c = new Checker('');
  const parsed = new Map<string, Obj>();
  for (const [name, text] of files) {
    c.at(name);
    if (!(VECTOR_FILES as readonly string[]).includes(name)) {
      c.fail('(file)', 'name', 'not a vector file of this format');
      continue;
    }
    let f: unknown;
    try {
      f = JSON.parse(text);
    } catch {
      c.fail('(file)', '(json)', 'not valid JSON');
      continue;
    }
    if (!f || typeof f !== 'object' || Array.isArray(f)) {
      c.fail('(file)', '(json)', 'not a JSON object');
      continue;
    }
    const o = f as Obj;
    c.eq('(file)', 'protocol', o.protocol, PROTOCOL);
    c.eq('(file)', 'format_version', o.format_version, FORMAT_VERSION);
    if (!Array.isArray(o.vectors) || o.vectors.length === 0) c.fail('(file)', 'vectors', 'missing or empty');
    parsed.set(name, o);
  }
  for (const name of VECTOR_FILES) if (!files.has(name)) c.at(name).fail('(file)', '(missing)', 'expected in the vector set');
  let reference: Map<string, Obj> | undefined;
  try {
    reference = await generatedFiles();
  } catch (e) {
    c.at('(all)').fail('(generator)', '(generate)', `this implementation failed to generate the vectors: ${e instanceof Error ? e.message : String(e)}`);
  }
  const run: Record<VectorFileName, (f: Obj) => Promise<void>> = {
    'keys.json': (f) => checkKeys(c, f),
    'ecies.json': (f) => checkEcies(c, f),
    'signatures.json': (f) => checkSignatures(c, f),
    'events.json': (f) => checkEvents(c, f),
    'requests.json': (f) => checkRequests(c, f),
    'rotation.json': (f) => checkRotation(c, f),
    'negative.json': (f) => checkNegative(c, f, parsed.get('requests.json')),
  };
  for (const name of VECTOR_FILES) {
    const f = parsed.get(name);
    c.at(name);
    if (!f) continue;
    const g = reference?.get(name);
    if (g) checkAgainstGenerated(c, name, f, g);
    await run[name](f).catch((e: unknown) => c.fail('(file)', '(checker)', String(e)));
  }
  return { ok: c.failures.length === 0, checked: c.checked, failures: c.failures };
}
