/**
 * The key-rotation payload against bytes assembled by hand from the GroupOpData field table
 * (docs/xchat-keys.md §"Thrift structs"; `thrift/trees.thrift` of the official SDK's repository),
 * not from our encoder: a wrong field id or type that encoder and decoder shared would pass a
 * round trip, but not this.
 */
import { describe, expect, test } from 'vitest';
import { buildKeyRotation, decodeBase64, parseKeyRotation, type KeyRotation } from '../../helpers/kit.js';

const i64 = (n: number) => n.toString(16).padStart(16, '0');
const i32 = (n: number) => n.toString(16).padStart(8, '0');
const str = (s: string) => i32(s.length) + Buffer.from(s).toString('hex');
/** Member { 1: userId i64, 2: keyVersion i64 } */
const member = (user: number, version: number) => `0a0001${i64(user)}` + `0a0002${i64(version)}` + '00';

describe('key-rotation payload, byte for byte', () => {
  test('an Edit: group id, tree version, acting member, members to add, member key info', () => {
    const rotation: KeyRotation = {
      groupId: 'g1',
      treeVersion: '3',
      actionBy: { userId: '111', keyVersion: '1' },
      opType: 'edit',
      membersToAdd: [{ userId: '333', keyVersion: '2' }],
      memberKeyInfo: [{ userId: '333', identityPublicKey: Uint8Array.of(1, 2, 3) }],
    };
    const expected =
      `0b0001${str('g1')}` + // 1 groupId: string
      `0a0002${i64(3)}` + // 2 treeVersion: i64
      `0c0003${member(111, 1)}` + // 3 actionBy: Member
      '0c0004' + // 4 typeData: TypeData union
      '0c0006' + // TypeData.6 edit: EditOpData
      `0f00040c${i32(1)}${member(333, 2)}` + // EditOpData.4 membersToAdd: list<Member>
      '00' + // end EditOpData
      '00' + // end TypeData
      `0d00060a0c${i32(1)}${i64(333)}` + // 6 memberKeyInfo: map<i64, MemberKeyInfo>, key 333
      `0b0001${i32(3)}010203` + // MemberKeyInfo.1 identityPublicKey: binary
      '00' + // end MemberKeyInfo
      '00'; // end GroupOpData
    const b64 = buildKeyRotation(rotation);
    expect(Buffer.from(decodeBase64(b64)).toString('hex')).toBe(expected);
    expect(b64).toBe(Buffer.from(expected, 'hex').toString('base64')); // padded standard base64
    expect(parseKeyRotation(b64)).toEqual(rotation);
  });

  test('a GenGroup: initial members under TypeData.1', () => {
    const rotation: KeyRotation = { treeVersion: '1', actionBy: { userId: '111', keyVersion: '1' }, opType: 'genGroup', initialMembers: [{ userId: '111', keyVersion: '1' }, { userId: '222', keyVersion: '1' }] };
    const expected = `0a0002${i64(1)}` + `0c0003${member(111, 1)}` + '0c0004' + '0c0001' + `0f00030c${i32(2)}${member(111, 1)}${member(222, 1)}` + '00' + '00' + '00';
    expect(Buffer.from(decodeBase64(buildKeyRotation(rotation))).toString('hex')).toBe(expected);
    expect(parseKeyRotation(Buffer.from(expected, 'hex').toString('base64'))).toEqual(rotation);
  });
});
