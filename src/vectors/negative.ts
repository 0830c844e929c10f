/**
 * Negative vectors: inputs a conforming implementation must refuse, each with the function to
 * call and the error code (or, for request bodies, the verifier problem codes) it must give.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import {
  createGroupRequest,
  type CreateGroupBody,
} from '../index.js';
import {
  decodeBase64,
  encodeBase64,
  encodeBase64NoPad,
  sec1ToSpki,
} from '../wire.js';
import { GROUP, preparedChanges, type VectorUser } from './generate.js';
import { header, toHex } from './common.js';

/** One negative vector. */
export interface NegativeVector {
  id: string;
  description: string;
  function: 'parsePublicKey' | 'decodeBase64' | 'importPrivateKeys' | 'unwrapConversationKey' | 'decodeEventDetail' | 'parseKeyRotation' | 'verifyCreateGroupRequest';
  input: Record<string, unknown>;
  expect: { error_code: string } | { valid: false; problem_codes: string[] };
}

const P = p256.Point.Fp.ORDER;
const N = p256.Point.Fn.ORDER;
const be32 = (x: bigint) => x.toString(16).padStart(64, '0');

/** Builds the negative vectors from the users and the group-create request vector. */
export async function negativeFile(users: VectorUser[]) {
  const u1 = users[1] as VectorUser;
  const sec1 = u1.identity.identityPublicKey;
  const spki = sec1ToSpki(sec1);
  const flipped = (b: Uint8Array, i: number) => {
    const c = Uint8Array.from(b);
    c[i] = (c[i] as number) ^ 1;
    return c;
  };
  const { create } = await preparedChanges(users);
  const body = createGroupRequest(create);
  const wrapped = decodeBase64(create.participantKeys[1]?.encryptedKey);
  const detail = decodeBase64(body.action_signatures[1]?.encoded_message_event_detail);
  const key = (id: string, description: string, hex: string, code = 'ERR_INVALID_KEY'): NegativeVector => ({ id, description, function: 'parsePublicKey', input: { public_key_hex: hex }, expect: { error_code: code } });

  const tampered = (id: string, description: string, change: (b: CreateGroupBody) => void, codes: string[], senderId = '111'): NegativeVector => {
    const b = JSON.parse(JSON.stringify(body)) as CreateGroupBody;
    change(b);
    return { id, description, function: 'verifyCreateGroupRequest', input: { request_id: 'request-group-create', sender_id: senderId, recipient_user_id: '222', body: b }, expect: { valid: false, problem_codes: codes } };
  };
  const sig = (b: CreateGroupBody, i: number) => b.action_signatures[i]?.message_event_signature as { signature: string; signature_version: string };

  const vectors: NegativeVector[] = [
    key('key-64-bytes', 'a SEC1 point missing its prefix byte', toHex(sec1.subarray(1))),
    key('key-off-curve', 'y changed: not on P-256', toHex(flipped(sec1, 64))),
    key('key-infinity', 'the point at infinity (SEC1 0x00)', '00'),
    key('key-compressed', 'a compressed point (the protocol uses uncompressed only)', toHex(p256.getPublicKey(u1.identity.identityPrivateKey, true))),
    key('key-x-equals-p', 'x = p (not a field element)', `04${be32(P)}${toHex(sec1.subarray(33))}`),
    key('key-spki-secp256k1', 'SPKI whose curve OID is secp256k1', toHex(Uint8Array.from([...spki.subarray(0, 15), 0x2b, 0x81, 0x04, 0x00, 0x0a, ...spki.subarray(20)]))),
    key('key-spki-bad-tag', 'SPKI with a wrong outer DER tag', toHex(Uint8Array.from([0x31, ...spki.subarray(1)]))),
    { id: 'base64-non-canonical', description: 'non-zero trailing bits', function: 'decodeBase64', input: { text: 'AQIDBB==' }, expect: { error_code: 'ERR_INVALID_BASE64' } },
    { id: 'base64-url-alphabet', description: 'URL-safe characters in standard base64', function: 'decodeBase64', input: { text: 'AQ-_' }, expect: { error_code: 'ERR_INVALID_BASE64' } },
    { id: 'base64-bad-padding', description: 'one = where two are needed', function: 'decodeBase64', input: { text: 'AQ=' }, expect: { error_code: 'ERR_INVALID_BASE64' } },
    { id: 'blob-zero-scalar', description: 'identity scalar 0', function: 'importPrivateKeys', input: { blob_hex: `${be32(0n)}${be32(2n)}` }, expect: { error_code: 'ERR_INVALID_KEY' } },
    { id: 'blob-scalar-n', description: 'signing scalar = n', function: 'importPrivateKeys', input: { blob_hex: `${be32(1n)}${be32(N)}` }, expect: { error_code: 'ERR_INVALID_KEY' } },
    { id: 'blob-32-bytes', description: 'an identity-only blob (cannot sign)', function: 'importPrivateKeys', input: { blob_hex: be32(1n) }, expect: { error_code: 'ERR_INVALID_KEY' } },
    {
      id: 'unwrap-tag-flipped',
      description: 'the GCM tag of a wrapped key changed',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: encodeBase64(flipped(wrapped, 112)), identity_private_hex: toHex(u1.identity.identityPrivateKey) },
      expect: { error_code: 'ERR_DECRYPT_FAILED' },
    },
    {
      id: 'unwrap-wrong-recipient',
      description: 'another member’s wrapped key',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: create.participantKeys[0]?.encryptedKey, identity_private_hex: toHex(u1.identity.identityPrivateKey) },
      expect: { error_code: 'ERR_DECRYPT_FAILED' },
    },
    {
      id: 'unwrap-truncated',
      description: 'a 112-byte wrapped key',
      function: 'unwrapConversationKey',
      input: { wrapped_b64: encodeBase64(wrapped.subarray(0, 112)), identity_private_hex: toHex(u1.identity.identityPrivateKey) },
      expect: { error_code: 'ERR_INVALID_ENVELOPE' },
    },
    { id: 'thrift-truncated', description: 'the group-create detail without its last byte', function: 'decodeEventDetail', input: { hex: toHex(detail.subarray(0, detail.length - 1)) }, expect: { error_code: 'ERR_INVALID_THRIFT' } },
    { id: 'thrift-trailing', description: 'the group-create detail with a trailing byte', function: 'decodeEventDetail', input: { hex: `${toHex(detail)}00` }, expect: { error_code: 'ERR_INVALID_THRIFT' } },
    { id: 'thrift-huge-count', description: 'a list count of 2^31-1 in 17 bytes', function: 'decodeEventDetail', input: { hex: '0c00040c00010c00010f00010b7fffffff' }, expect: { error_code: 'ERR_INVALID_THRIFT' } },
    { id: 'rotation-truncated', description: 'a GroupOpData cut short', function: 'parseKeyRotation', input: { payload_b64: 'CgACAAAAAAAAAAEMAAM=' }, expect: { error_code: 'ERR_INVALID_THRIFT' } },
    tampered('body-renamed-group', 'group_name changed', (b) => (b.group_name = 'Renamed'), ['TITLE_MISMATCH']),
    tampered('body-dropped-member', 'a member removed from group_members', (b) => (b.group_members = b.group_members.slice(0, 2)), ['MEMBERS_MISMATCH', 'PARTICIPANT_KEY_EXTRA']),
    tampered('body-extra-member', 'a member added to group_members', (b) => b.group_members.push('444'), ['MEMBERS_MISMATCH', 'PARTICIPANT_KEY_MISSING']),
    tampered('body-signature-flipped', 'one byte of the group-create signature flipped', (b) => (sig(b, 1).signature = encodeBase64NoPad(flipped(decodeBase64(sig(b, 1).signature), 20))), ['SIGNATURE_INVALID']),
    tampered('body-other-key-version', 'conversation_key_version changed', (b) => (b.conversation_key_version = '1795357034166'), ['KEY_VERSION_MISMATCH']),
    tampered(
      'body-swapped-wrapped-keys',
      'the wrapped keys of two members swapped in the body',
      (b) => {
        const [x, y] = b.conversation_participant_keys;
        if (x && y) [x.encrypted_conversation_key, y.encrypted_conversation_key] = [y.encrypted_conversation_key, x.encrypted_conversation_key];
      },
      ['PARTICIPANT_KEYS_MISMATCH'],
    ),
    tampered('body-wrong-sender', 'verified as if member 222 had sent it', () => {}, ['SIGNATURE_INVALID'], '222'),
    tampered('body-ttl-differs', 'ttl_msec differs from the (unsigned) detail', (b) => (b.ttl_msec = '1000'), ['TTL_MISMATCH']),
    tampered('body-admins-differ', 'group_admins differ from the (unsigned) detail', (b) => (b.group_admins = ['111']), ['ADMINS_MISMATCH']),
    tampered('body-downgraded', 'signature version 1 (a downgrade)', (b) => (sig(b, 1).signature_version = '1'), ['SIGNATURE_VERSION_UNSUPPORTED']),
    tampered('body-future-version', 'signature version 8 (unknown layout)', (b) => (sig(b, 0).signature_version = '8'), ['SIGNATURE_VERSION_UNSUPPORTED']),
    tampered('body-other-group', 'conversation_id changed (bound by the key-change signature)', (b) => (b.conversation_id = 'g42'), ['SIGNATURE_INVALID']),
  ];
  return {
    ...header('Inputs that must be refused, with the error code (ErrorCodes) or the verifier problem codes (ProblemCodes) a conforming implementation gives. Request bodies refer to request-group-create in requests.json for their signing keys and recipient.'),
    group_conversation_id: GROUP,
    vectors,
  };
}
