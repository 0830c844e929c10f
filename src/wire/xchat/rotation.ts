/**
 * The `base64_encoded_key_rotation` payload: padded standard base64 of a Thrift `GroupOpData`
 * (docs/xchat-keys.md §"The key-rotation payload", the SDK's `thrift/trees.thrift`): the ratchet-tree version, the acting member, the
 * operation type (GenGroup or Edit) and the members' key info.
 *
 * The official SDK never sets this field and X has not published what the server does with it,
 * so the request adapters include it only when asked (`keyRotation` option). Building and parsing
 * it is exact and round-trips; its meaning to the server is unknown.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError } from '../../errors.js';
import { assertArray, assertBytes, assertObject, assertString, typeName } from '../../guards.js';
import { assertI64Text } from '../../rules.js';
import { decodeBase64, encodeBase64 } from '../base64.js';
import { decodeStruct, encodeStruct, type Infer } from '../thrift/index.js';
import { GroupOpData, type Member } from './trees.js';

/** A ratchet-tree member: a user id and that user's key version (both i64 on the wire). */
export interface RotationMember {
  /** Decimal user id. */
  userId: string;
  /** Decimal key version. */
  keyVersion: string;
}

/** One member's public key info (`MemberKeyInfo`), keyed by user id. */
export interface RotationKeyInfo {
  /** Decimal user id (the map key). */
  userId: string;
  identityPublicKey?: Uint8Array;
  signingPublicKey?: Uint8Array;
  identityKeySignature?: Uint8Array;
}

/** The content of a key-rotation payload. */
export interface KeyRotation {
  groupId?: string;
  /** Ratchet-tree version (i64), decimal string. */
  treeVersion: string;
  /** The member performing the operation. */
  actionBy: RotationMember;
  /** GroupOpType: GenGroup (1) creates the tree, Edit (6) changes it. */
  opType: 'genGroup' | 'edit';
  /** GenGroup: the initial members. */
  initialMembers?: RotationMember[];
  /** Edit: members added, left and updated. */
  membersToAdd?: RotationMember[];
  membersLeft?: RotationMember[];
  membersUpdated?: RotationMember[];
  /** Members' public key info. */
  memberKeyInfo?: RotationKeyInfo[];
}

type MemberValue = Infer<typeof Member>;
type GroupOp = Infer<typeof GroupOpData>;

function i64(value: unknown, field: string): bigint {
  return BigInt(assertI64Text(assertString(value, field), field));
}

function member(value: unknown, field: string): MemberValue {
  const m = assertObject(value, field);
  return { userId: i64(m.userId, `${field}.userId`), keyVersion: i64(m.keyVersion, `${field}.keyVersion`) };
}

function members(value: unknown, field: string): MemberValue[] | undefined {
  if (value === undefined) return undefined;
  return assertArray(value, field).map((m, i) => member(m, `${field}[${i}]`));
}

function stripUndefined<V extends object>(v: V): V {
  for (const k of Object.keys(v) as (keyof V)[]) if (v[k] === undefined) delete v[k];
  return v;
}

/**
 * Builds a `base64_encoded_key_rotation` payload.
 * @returns padded standard base64 of the Thrift GroupOpData
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for ids or versions that are not decimal i64,
 * a bad op type or members of the other op type, `ERR_DUPLICATE_ID` for two key infos of one user
 * @example
 * const rotation = buildKeyRotation({ treeVersion: '1', actionBy: { userId: '111', keyVersion: '1700000000000' },
 *   opType: 'genGroup', initialMembers: [{ userId: '111', keyVersion: '1700000000000' }] });
 */
export function buildKeyRotation(rotation: KeyRotation): string {
  const r = assertObject(rotation, 'rotation');
  if (r.opType !== 'genGroup' && r.opType !== 'edit') {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected 'genGroup' or 'edit', got ${typeName(r.opType)}`, 'rotation.opType');
  }
  if (r.opType === 'genGroup' && (r.membersToAdd !== undefined || r.membersLeft !== undefined || r.membersUpdated !== undefined)) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'membersToAdd, membersLeft and membersUpdated belong to an edit',
      'rotation.opType',
    );
  }
  if (r.opType === 'edit' && r.initialMembers !== undefined) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'initialMembers belongs to a genGroup', 'rotation.opType');
  }
  const typeData: NonNullable<GroupOp['typeData']> =
    r.opType === 'genGroup'
      ? { genGroup: stripUndefined({ initialMembers: members(r.initialMembers, 'rotation.initialMembers') }) }
      : {
          edit: stripUndefined({
            membersLeft: members(r.membersLeft, 'rotation.membersLeft'),
            membersToAdd: members(r.membersToAdd, 'rotation.membersToAdd'),
            membersUpdated: members(r.membersUpdated, 'rotation.membersUpdated'),
          }),
        };
  const keyInfo =
    r.memberKeyInfo === undefined
      ? undefined
      : assertArray(r.memberKeyInfo, 'rotation.memberKeyInfo').map(
          (k, i): [bigint, { identityPublicKey?: Uint8Array; signingPublicKey?: Uint8Array; identityKeySignature?: Uint8Array }] => {
            const f = `rotation.memberKeyInfo[${i}]`;
            const o = assertObject(k, f);
            const info: { identityPublicKey?: Uint8Array; signingPublicKey?: Uint8Array; identityKeySignature?: Uint8Array } = {};
            for (const name of ['identityPublicKey', 'signingPublicKey', 'identityKeySignature'] as const) {
              if (o[name] !== undefined) info[name] = assertBytes(o[name], `${f}.${name}`);
            }
            return [i64(o.userId, `${f}.userId`), info];
          },
        );
  if (keyInfo) {
    const seen = new Set(keyInfo.map(([id]) => id));
    if (seen.size !== keyInfo.length)
      throw new InvalidInputError(ErrorCodes.DUPLICATE_ID, 'two entries for the same user', 'rotation.memberKeyInfo');
  }
  const value: GroupOp = stripUndefined({
    groupId: r.groupId === undefined ? undefined : assertString(r.groupId, 'rotation.groupId'),
    treeVersion: i64(r.treeVersion, 'rotation.treeVersion'),
    actionBy: member(r.actionBy, 'rotation.actionBy'),
    typeData,
    memberKeyInfo: keyInfo,
  });
  return encodeBase64(encodeStruct(GroupOpData, value));
}

function readMember(m: MemberValue): RotationMember {
  if (m.$unknown) rotationError('a Member has fields chat-keykit does not model');
  if (m.userId < 0n || m.keyVersion < 0n) rotationError('a Member has a negative id or version');
  return { userId: String(m.userId), keyVersion: String(m.keyVersion) };
}

function rotationError(what: string): never {
  throw new DecodeError(ErrorCodes.INVALID_THRIFT, what, 'keyRotation');
}

/** Fields of the ratchet tree that chat-keykit reads as opaque and therefore refuses to parse. */
const UNMODELLED = ['updateMap', 'newPathPks', 'fullTreeList', '$unknown'] as const;

/**
 * Parses a `base64_encoded_key_rotation` payload. The parse is lossless: whatever it accepts,
 * {@link buildKeyRotation} turns back into the same bytes. Payloads with ratchet-tree data that
 * chat-keykit does not model (update maps, path keys, the full tree list, unknown fields) are
 * refused rather than silently dropped.
 * @throws {DecodeError} `ERR_INVALID_BASE64` or `ERR_INVALID_THRIFT` for a malformed payload, one
 * missing the tree version, acting member or operation type, or one carrying unmodelled data;
 * `ERR_TOO_LARGE` when it would decode into far more memory than its size
 */
export function parseKeyRotation(b64: string): KeyRotation {
  const bytes = decodeBase64(b64, 'keyRotation');
  const v = decodeStruct(GroupOpData, bytes, { field: 'keyRotation' });
  if (v.$unknown) rotationError('GroupOpData has fields chat-keykit does not model');
  if (v.treeVersion === undefined) return rotationError('GroupOpData lacks treeVersion');
  if (v.treeVersion < 0n) rotationError('GroupOpData has a negative treeVersion');
  if (v.actionBy === undefined) return rotationError('GroupOpData lacks actionBy');
  const typeData = v.typeData;
  if (typeData?.$unknown) rotationError('GroupOpData has an operation type chat-keykit does not model');
  const op = typeData?.genGroup ?? typeData?.edit;
  if (!typeData || !op) return rotationError('GroupOpData lacks a known typeData (genGroup or edit)');
  const opName = typeData.genGroup ? 'genGroup' : 'edit';
  for (const f of UNMODELLED)
    if (f in op && (op as Record<string, unknown>)[f] !== undefined)
      rotationError(`the ${opName} operation carries ${f}, which chat-keykit does not model`);
  const out: KeyRotation = { treeVersion: String(v.treeVersion), actionBy: readMember(v.actionBy), opType: opName };
  if (v.groupId !== undefined) out.groupId = v.groupId;
  if (typeData.genGroup) {
    if (typeData.genGroup.initialMembers) out.initialMembers = typeData.genGroup.initialMembers.map(readMember);
  } else if (typeData.edit) {
    const e = typeData.edit;
    if (e.membersLeft) out.membersLeft = e.membersLeft.map(readMember);
    if (e.membersToAdd) out.membersToAdd = e.membersToAdd.map(readMember);
    if (e.membersUpdated) out.membersUpdated = e.membersUpdated.map(readMember);
  }
  if (v.memberKeyInfo !== undefined) {
    const seen = new Set<bigint>();
    out.memberKeyInfo = v.memberKeyInfo.map(([id, info]) => {
      if (id < 0n || seen.has(id)) rotationError('memberKeyInfo has a negative or repeated user id');
      if (info.$unknown) rotationError('a MemberKeyInfo has fields chat-keykit does not model');
      seen.add(id);
      const k: RotationKeyInfo = { userId: String(id) };
      if (info.identityPublicKey !== undefined) k.identityPublicKey = info.identityPublicKey;
      if (info.signingPublicKey !== undefined) k.signingPublicKey = info.signingPublicKey;
      if (info.identityKeySignature !== undefined) k.identityKeySignature = info.identityKeySignature;
      return k;
    });
  }
  return out;
}
