/**
 * rotation.json: `base64_encoded_key_rotation` payloads, padded standard base64 of a Thrift
 * `GroupOpData` (trees.thrift). The official SDK never sends this field; its server semantics are
 * unpublished.
 *
 * @module
 */
import { buildKeyRotation, decodeBase64, parseKeyRotation, type KeyRotation, type RotationMember } from '../../wire.js';
import { canonicalJson, fromHex, GROUP, header, KEY_VERSION, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, list, object, oneOf, optional, str, type Read } from '../read.js';
import { userOf, type VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';

/** One member's key info, keys as hex. */
export interface KeyInfoJson {
  userId: string;
  identityPublicKey?: string;
  signingPublicKey?: string;
  identityKeySignature?: string;
}

/** A `KeyRotation` as JSON: its member key info in hex. */
export type RotationJson = Omit<KeyRotation, 'memberKeyInfo'> & { memberKeyInfo?: KeyInfoJson[] };

/** One payload. */
export interface RotationVector {
  id: string;
  input: RotationJson;
  payload_b64: string;
  hex: string;
}

export type RotationFile = Header & { vectors: RotationVector[] };

/** A rotation's JSON form (key info bytes in hex). */
function rotationJson(r: KeyRotation): RotationJson {
  const opt = (b: Uint8Array | undefined) => (b ? toHex(b) : undefined);
  return {
    ...r,
    memberKeyInfo: r.memberKeyInfo?.map((k) => ({
      userId: k.userId,
      identityPublicKey: opt(k.identityPublicKey),
      signingPublicKey: opt(k.signingPublicKey),
      identityKeySignature: opt(k.identityKeySignature),
    })),
  };
}

/** A rotation from its JSON form. */
function rotationFromJson(j: RotationJson): KeyRotation {
  const opt = (h: string | undefined) => (h === undefined ? undefined : fromHex(h));
  return {
    ...j,
    memberKeyInfo: j.memberKeyInfo?.map((k) => ({
      userId: k.userId,
      identityPublicKey: opt(k.identityPublicKey),
      signingPublicKey: opt(k.signingPublicKey),
      identityKeySignature: opt(k.identityKeySignature),
    })),
  };
}

const member = (userId: string): RotationMember => ({ userId, keyVersion: KEY_VERSION });

export async function generate(users: VectorUser[]): Promise<RotationFile> {
  const rotations: { id: string; input: KeyRotation }[] = [
    {
      id: 'rotation-gen-group',
      input: {
        groupId: GROUP,
        treeVersion: '1',
        actionBy: member('111'),
        opType: 'genGroup',
        initialMembers: ['111', '222', '333'].map(member),
      },
    },
    {
      id: 'rotation-edit',
      input: { treeVersion: '2', actionBy: member('111'), opType: 'edit', membersToAdd: [member('444')], membersLeft: [member('333')] },
    },
    {
      id: 'rotation-edit-with-key-info',
      input: {
        treeVersion: '3',
        actionBy: member('111'),
        opType: 'edit',
        membersUpdated: [member('222')],
        memberKeyInfo: ['111', '222'].map((id) => {
          const u = userOf(users, id);
          return {
            userId: u.userId,
            identityPublicKey: u.identity.identityPublicKey,
            signingPublicKey: u.identity.signingPublicKey,
            identityKeySignature: decodeBase64(u.registration.public_key.identity_public_key_signature),
          };
        }),
      },
    },
  ];
  return {
    ...header(
      'base64_encoded_key_rotation payloads: padded standard base64 of a Thrift GroupOpData (trees.thrift). The official SDK never sends this field; its server semantics are unpublished.',
    ),
    vectors: rotations.map(({ id, input }) => {
      const b64 = buildKeyRotation(input);
      if (canonicalJson(rotationJson(parseKeyRotation(b64))) !== canonicalJson(rotationJson(input)))
        throw new Error(`generator: ${id} does not round-trip`);
      return { id, input: rotationJson(input), payload_b64: b64, hex: toHex(decodeBase64(b64)) };
    }),
  };
}

/** Builds each payload from its input and parses it back. */
export async function check(c: Checker, file: FileBody<object, RotationVector>): Promise<void> {
  for (const v of file.vectors) {
    await c.vector(v.id, () => {
      c.eq(v.id, 'payload_b64', buildKeyRotation(rotationFromJson(v.input)), v.payload_b64);
      c.eq(v.id, 'hex', toHex(decodeBase64(v.payload_b64)), v.hex);
      c.eq(v.id, 'parsed', rotationJson(parseKeyRotation(v.payload_b64)), v.input);
    });
  }
}

const readMember: Read<RotationMember> = object((f) => ({ userId: f('userId', str), keyVersion: f('keyVersion', str) }));
const members = optional(list(readMember));

const readInput: Read<RotationJson> = object((f) => ({
  groupId: f('groupId', optional(str)),
  treeVersion: f('treeVersion', str),
  actionBy: f('actionBy', readMember),
  opType: f('opType', oneOf('genGroup', 'edit')),
  initialMembers: f('initialMembers', members),
  membersToAdd: f('membersToAdd', members),
  membersLeft: f('membersLeft', members),
  membersUpdated: f('membersUpdated', members),
  memberKeyInfo: f(
    'memberKeyInfo',
    optional(
      list(
        object((k) => ({
          userId: k('userId', str),
          identityPublicKey: k('identityPublicKey', optional(hex)),
          signingPublicKey: k('signingPublicKey', optional(hex)),
          identityKeySignature: k('identityKeySignature', optional(hex)),
        })),
      ),
    ),
  ),
}));

export const readVector: Read<RotationVector> = object((f) => ({
  id: f('id', str),
  input: f('input', readInput),
  payload_b64: f('payload_b64', str),
  hex: f('hex', hex),
}));

export const rotationFile: VectorFile<object, RotationVector> = {
  name: 'rotation.json',
  recomputed: { top: [], vector: ['payload_b64', 'hex'] },
  readTop: object(() => ({})),
  readVector,
  generate,
  check,
};
