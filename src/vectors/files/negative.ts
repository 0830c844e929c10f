/**
 * negative.json: inputs a conforming implementation must refuse, each with the function to call
 * and the error code (or, for request bodies, the verifier problem codes) it must give.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import {
  createGroupRequest,
  importPrivateKeys,
  KeykitError,
  unwrapConversationKey,
  verifyCreateGroupRequest,
  type CreateGroupBody,
  type SigningKeyEntry,
} from '../../index.js';
import {
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeBase64NoPad,
  parseKeyRotation,
  parsePublicKey,
  sec1ToSpki,
} from '../../wire.js';
import { fromHex, GROUP, header, short, toHex, toJsonValue, type Header, type Json } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, isFalse, json, list, object, oneOf, str, type FieldReader, type Read } from '../read.js';
import { userOf, type VectorUser } from '../users.js';
import type { FileBody, FreeText, OtherFiles, VectorFile } from '../vector-file.js';
import { preparedChanges, requestsFile, type RequestVector } from './requests.js';

/** A function to run and its input. */
type Case =
  | { function: 'parsePublicKey'; input: { public_key_hex: string } }
  | { function: 'decodeBase64'; input: { text: string } }
  | { function: 'importPrivateKeys'; input: { blob_hex: string } }
  | { function: 'unwrapConversationKey'; input: { wrapped_b64: string; identity_private_hex: string } }
  | { function: 'decodeEventDetail'; input: { hex: string } }
  | { function: 'parseKeyRotation'; input: { payload_b64: string } }
  | { function: 'verifyCreateGroupRequest'; input: { request_id: string; sender_id: string; recipient_user_id: string; body: Json } };

/** What the function must give: an error code, or for a request body, invalid with these problem codes. */
export type Expectation = { error_code: string } | { valid: false; problem_codes: string[] };

/** One input to refuse. */
export type NegativeVector = { id: string } & Case & { expect: Expectation };

/** The file's own top-level fields. */
export interface NegativeTop {
  /** The group the request-body vectors belong to. */
  group_conversation_id: string;
}

export type NegativeFile = Header & NegativeTop & { vectors: (NegativeVector & FreeText)[] };

const P = p256.Point.Fp.ORDER;
const N = p256.Point.Fn.ORDER;
const be32 = (x: bigint) => x.toString(16).padStart(64, '0');

/** Builds the negative vectors from the users and the group-create request vector. */
export async function generate(users: VectorUser[]): Promise<NegativeFile> {
  const u1 = userOf(users, '222');
  const sec1 = u1.identity.identityPublicKey;
  const spki = sec1ToSpki(sec1);
  const flipped = (b: Uint8Array, i: number) => {
    const c = Uint8Array.from(b);
    c[i] = (c[i] ?? 0) ^ 1;
    return c;
  };
  const { create } = await preparedChanges(users);
  const body = createGroupRequest(create);
  const [own, others] = [create.participantKeys[1]?.encryptedKey, create.participantKeys[0]?.encryptedKey];
  const groupCreate = body.action_signatures[1]?.encoded_message_event_detail;
  if (own === undefined || others === undefined || groupCreate === undefined)
    throw new Error('generator: the group create lacks a wrapped key or an action');
  const wrapped = decodeBase64(own);
  const detail = decodeBase64(groupCreate);
  const identity = toHex(u1.identity.identityPrivateKey);
  type Described = NegativeVector & FreeText;
  const key = (id: string, description: string, hex: string): Described => ({
    id,
    description,
    function: 'parsePublicKey',
    input: { public_key_hex: hex },
    expect: { error_code: 'ERR_INVALID_KEY' },
  });
  const tampered = (
    id: string,
    description: string,
    change: (b: CreateGroupBody) => void,
    codes: string[],
    senderId = '111',
  ): Described => {
    const b = structuredClone(body);
    change(b);
    return {
      id,
      description,
      function: 'verifyCreateGroupRequest',
      input: { request_id: 'request-group-create', sender_id: senderId, recipient_user_id: '222', body: toJsonValue(b) },
      expect: { valid: false, problem_codes: codes },
    };
  };
  /** The message_event_signature of action `i`, to tamper with. */
  const sig = (b: CreateGroupBody, i: number) => {
    const s = b.action_signatures[i]?.message_event_signature;
    if (!s) throw new Error(`generator: no action ${i}`);
    return s;
  };

  const vectors: Described[] = [
    key('key-64-bytes', 'a SEC1 point missing its prefix byte', toHex(sec1.subarray(1))),
    key('key-off-curve', 'y changed: not on P-256', toHex(flipped(sec1, 64))),
    key('key-infinity', 'the point at infinity (SEC1 0x00)', '00'),
    key(
      'key-compressed',
      'a compressed point (the protocol uses uncompressed only)',
      toHex(p256.getPublicKey(u1.identity.identityPrivateKey, true)),
    ),
    key('key-x-equals-p', 'x = p (not a field element)', `04${be32(P)}${toHex(sec1.subarray(33))}`),
    key(
      'key-spki-secp256k1',
      'SPKI whose curve OID is secp256k1',
      toHex(Uint8Array.from([...spki.subarray(0, 15), 0x2b, 0x81, 0x04, 0x00, 0x0a, ...spki.subarray(20)])),
    ),
    key('key-spki-bad-tag', 'SPKI with a wrong outer DER tag', toHex(Uint8Array.from([0x31, ...spki.subarray(1)]))),
    {
      id: 'base64-non-canonical',
      description: 'non-zero trailing bits',
      function: 'decodeBase64',
      input: { text: 'AQIDBB==' },
      expect: { error_code: 'ERR_INVALID_BASE64' },
    },
    {
      id: 'base64-url-alphabet',
      description: 'URL-safe characters in standard base64',
      function: 'decodeBase64',
      input: { text: 'AQ-_' },
      expect: { error_code: 'ERR_INVALID_BASE64' },
    },
    {
      id: 'base64-bad-padding',
      description: 'one = where two are needed',
      function: 'decodeBase64',
      input: { text: 'AQ=' },
      expect: { error_code: 'ERR_INVALID_BASE64' },
    },
    {
      id: 'blob-zero-scalar',
      description: 'identity scalar 0',
      function: 'importPrivateKeys',
      input: { blob_hex: `${be32(0n)}${be32(2n)}` },
      expect: { error_code: 'ERR_INVALID_KEY' },
    },
    {
      id: 'blob-scalar-n',
      description: 'signing scalar = n',
      function: 'importPrivateKeys',
      input: { blob_hex: `${be32(1n)}${be32(N)}` },
      expect: { error_code: 'ERR_INVALID_KEY' },
    },
    {
      id: 'blob-32-bytes',
      description: 'an identity-only blob (cannot sign)',
      function: 'importPrivateKeys',
      input: { blob_hex: be32(1n) },
      expect: { error_code: 'ERR_INVALID_KEY' },
    },
    {
      id: 'unwrap-tag-flipped',
      description: 'the GCM tag of a wrapped key changed',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: encodeBase64(flipped(wrapped, 112)), identity_private_hex: identity },
      expect: { error_code: 'ERR_DECRYPT_FAILED' },
    },
    {
      id: 'unwrap-wrong-recipient',
      description: 'another member’s wrapped key',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: others, identity_private_hex: identity },
      expect: { error_code: 'ERR_DECRYPT_FAILED' },
    },
    {
      id: 'unwrap-truncated',
      description: 'a 112-byte wrapped key',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: encodeBase64(wrapped.subarray(0, 112)), identity_private_hex: identity },
      expect: { error_code: 'ERR_INVALID_ENVELOPE' },
    },
    {
      id: 'thrift-truncated',
      description: 'the group-create detail without its last byte',
      function: 'decodeEventDetail',
      input: { hex: toHex(detail.subarray(0, detail.length - 1)) },
      expect: { error_code: 'ERR_INVALID_THRIFT' },
    },
    {
      id: 'thrift-trailing',
      description: 'the group-create detail with a trailing byte',
      function: 'decodeEventDetail',
      input: { hex: `${toHex(detail)}00` },
      expect: { error_code: 'ERR_INVALID_THRIFT' },
    },
    {
      id: 'thrift-huge-count',
      description: 'a list count of 2^31-1 in 17 bytes',
      function: 'decodeEventDetail',
      input: { hex: '0c00040c00010c00010f00010b7fffffff' },
      expect: { error_code: 'ERR_INVALID_THRIFT' },
    },
    {
      id: 'rotation-truncated',
      description: 'a GroupOpData cut short',
      function: 'parseKeyRotation',
      input: { payload_b64: 'CgACAAAAAAAAAAEMAAM=' },
      expect: { error_code: 'ERR_INVALID_THRIFT' },
    },
    tampered('body-renamed-group', 'group_name changed', (b) => (b.group_name = 'Renamed'), ['TITLE_MISMATCH']),
    tampered('body-dropped-member', 'a member removed from group_members', (b) => (b.group_members = b.group_members.slice(0, 2)), [
      'MEMBERS_MISMATCH',
      'PARTICIPANT_KEY_EXTRA',
    ]),
    tampered('body-extra-member', 'a member added to group_members', (b) => b.group_members.push('444'), [
      'MEMBERS_MISMATCH',
      'PARTICIPANT_KEY_MISSING',
    ]),
    tampered(
      'body-signature-flipped',
      'one byte of the group-create signature flipped',
      (b) => (sig(b, 1).signature = encodeBase64NoPad(flipped(decodeBase64(sig(b, 1).signature), 20))),
      ['SIGNATURE_INVALID'],
    ),
    tampered('body-other-key-version', 'conversation_key_version changed', (b) => (b.conversation_key_version = '1795357034166'), [
      'KEY_VERSION_MISMATCH',
    ]),
    tampered(
      'body-swapped-wrapped-keys',
      'the wrapped keys of two members swapped in the body',
      (b) => {
        const [x, y] = b.conversation_participant_keys;
        if (x && y)
          [x.encrypted_conversation_key, y.encrypted_conversation_key] = [y.encrypted_conversation_key, x.encrypted_conversation_key];
      },
      ['PARTICIPANT_KEYS_MISMATCH'],
    ),
    tampered('body-wrong-sender', 'verified as if member 222 had sent it', () => {}, ['SIGNATURE_INVALID'], '222'),
    tampered('body-ttl-differs', 'ttl_msec differs from the (unsigned) detail', (b) => (b.ttl_msec = '1000'), ['TTL_MISMATCH']),
    tampered('body-admins-differ', 'group_admins differ from the (unsigned) detail', (b) => (b.group_admins = ['111']), [
      'ADMINS_MISMATCH',
    ]),
    tampered('body-downgraded', 'signature version 1 (a downgrade)', (b) => (sig(b, 1).signature_version = '1'), [
      'SIGNATURE_VERSION_UNSUPPORTED',
    ]),
    tampered('body-future-version', 'signature version 8 (unknown layout)', (b) => (sig(b, 0).signature_version = '8'), [
      'SIGNATURE_VERSION_UNSUPPORTED',
    ]),
    tampered('body-other-group', 'conversation_id changed (bound by the key-change signature)', (b) => (b.conversation_id = 'g42'), [
      'SIGNATURE_INVALID',
    ]),
  ];
  return {
    ...header(
      'Inputs that must be refused, with the error code (ErrorCodes) or the verifier problem codes (ProblemCodes) a conforming implementation gives. Request bodies refer to request-group-create in requests.json for their signing keys and recipient.',
    ),
    group_conversation_id: GROUP,
    vectors,
  };
}

/** What running a vector's function gave: its error code or verdict, or a reason it could not be compared. */
type Outcome = { error_code: string } | { valid: boolean; problem_codes: string[] } | { error: string };

async function outcome(v: NegativeVector, requests: RequestVector[], signingKeys: SigningKeyEntry[]): Promise<Outcome> {
  try {
    switch (v.function) {
      case 'parsePublicKey':
        parsePublicKey(fromHex(v.input.public_key_hex), 'publicKey');
        break;
      case 'decodeBase64':
        decodeBase64(v.input.text);
        break;
      case 'importPrivateKeys':
        await importPrivateKeys(fromHex(v.input.blob_hex));
        break;
      case 'unwrapConversationKey':
        await unwrapConversationKey(v.input.wrapped_b64, fromHex(v.input.identity_private_hex));
        break;
      case 'decodeEventDetail':
        decodeEventDetail(fromHex(v.input.hex));
        break;
      case 'parseKeyRotation':
        parseKeyRotation(v.input.payload_b64);
        break;
      case 'verifyCreateGroupRequest': {
        const i = v.input;
        const req = requests.find((r) => r.id === i.request_id);
        const recipient = req?.verify.recipients.find((r) => r.user_id === i.recipient_user_id);
        if (!req || !recipient)
          return { error: `request_id ${i.request_id} with recipient ${i.recipient_user_id} not found in requests.json` };
        const r = await verifyCreateGroupRequest(i.body, {
          senderId: i.sender_id,
          signingKeys,
          recipient: { userId: recipient.user_id, identityPrivateKey: fromHex(recipient.identity_private_hex) },
        });
        return { valid: r.valid, problem_codes: [...new Set(r.problems.map((p) => p.code))].sort() };
      }
    }
    return { error: 'no error was raised' };
  } catch (e) {
    return e instanceof KeykitError ? { error_code: e.code } : { error: `untyped ${e instanceof Error ? e.name : typeof e}` };
  }
}

/** Runs each vector's function and compares what it gives with `expect` (problem codes in any order). */
export async function check(c: Checker, file: FileBody<NegativeTop, NegativeVector>, others: OtherFiles): Promise<void> {
  const requests = others.get(requestsFile);
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const got = await outcome(v, requests?.vectors ?? [], requests?.signing_keys ?? []);
      const expected = 'problem_codes' in v.expect ? { ...v.expect, problem_codes: [...v.expect.problem_codes].sort() } : v.expect;
      if ('error' in got) c.fail(v.id, 'expect', `${got.error} (expected ${short(JSON.stringify(v.expect))})`);
      else c.eq(v.id, 'expect', got, expected);
    });
  }
}

const readProblems = object((f) => ({ valid: f('valid', isFalse), problem_codes: f('problem_codes', list(str)) }));
const readErrorCode = object((f) => ({ error_code: f('error_code', str) }));
/** `{ valid: false, problem_codes }` when it has problem codes, else `{ error_code }`. */
const readExpect: Read<Expectation> = (v, path) =>
  typeof v === 'object' && v !== null && 'problem_codes' in v ? readProblems(v, path) : readErrorCode(v, path);

const FUNCTIONS = [
  'parsePublicKey',
  'decodeBase64',
  'importPrivateKeys',
  'unwrapConversationKey',
  'decodeEventDetail',
  'parseKeyRotation',
  'verifyCreateGroupRequest',
] as const;

export const readVector: Read<NegativeVector> = object((f): NegativeVector => {
  const id = f('id', str);
  const fn = f('function', oneOf(...FUNCTIONS));
  const expect = f('expect', readExpect);
  const input = <T extends object>(read: (field: FieldReader) => T) => f('input', object(read));
  switch (fn) {
    case 'parsePublicKey':
      return { id, function: fn, input: input((g) => ({ public_key_hex: g('public_key_hex', hex) })), expect };
    case 'decodeBase64':
      return { id, function: fn, input: input((g) => ({ text: g('text', str) })), expect };
    case 'importPrivateKeys':
      return { id, function: fn, input: input((g) => ({ blob_hex: g('blob_hex', hex) })), expect };
    case 'unwrapConversationKey':
      return {
        id,
        function: fn,
        input: input((g) => ({ wrapped_b64: g('wrapped_b64', str), identity_private_hex: g('identity_private_hex', hex) })),
        expect,
      };
    case 'decodeEventDetail':
      return { id, function: fn, input: input((g) => ({ hex: g('hex', hex) })), expect };
    case 'parseKeyRotation':
      return { id, function: fn, input: input((g) => ({ payload_b64: g('payload_b64', str) })), expect };
    case 'verifyCreateGroupRequest':
      return {
        id,
        function: fn,
        input: input((g) => ({
          request_id: g('request_id', str),
          sender_id: g('sender_id', str),
          recipient_user_id: g('recipient_user_id', str),
          body: g('body', json),
        })),
        expect,
      };
  }
});

export const negativeFile: VectorFile<NegativeTop, NegativeVector> = {
  name: 'negative.json',
  recomputed: { top: [], vector: ['expect'] },
  readTop: object((f) => ({ group_conversation_id: f('group_conversation_id', str) })),
  readVector,
  generate,
  check,
};
