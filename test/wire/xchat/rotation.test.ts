/**
 * The key-rotation payload against bytes assembled by hand from the GroupOpData field table
 * (docs/xchat-keys.md §"Thrift structs"; `thrift/trees.thrift` of the official SDK's repository),
 * not from our encoder: a wrong field id or type that encoder and decoder shared would pass a
 * round trip, but not this. Then the properties: built payloads parse back to the same rotation,
 * and arbitrary or mutated payloads parse to a rotation that rebuilds to the same bytes, or give
 * a typed error.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildKeyRotation, decodeBase64, encodeBase64, parseKeyRotation, type KeyRotation } from '../../helpers/kit.js';
import { mutate, mutation, RUNS, typedOrValue } from '../../helpers/properties.js';

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
    const rotation: KeyRotation = {
      treeVersion: '1',
      actionBy: { userId: '111', keyVersion: '1' },
      opType: 'genGroup',
      initialMembers: [
        { userId: '111', keyVersion: '1' },
        { userId: '222', keyVersion: '1' },
      ],
    };
    const expected =
      `0a0002${i64(1)}` +
      `0c0003${member(111, 1)}` +
      '0c0004' +
      '0c0001' +
      `0f00030c${i32(2)}${member(111, 1)}${member(222, 1)}` +
      '00' +
      '00' +
      '00';
    expect(Buffer.from(decodeBase64(buildKeyRotation(rotation))).toString('hex')).toBe(expected);
    expect(parseKeyRotation(Buffer.from(expected, 'hex').toString('base64'))).toEqual(rotation);
  });
});

// Properties (moved from test/hardening/properties.test.ts).
describe('properties', () => {
  const dec = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String);
  const member = fc.record({ userId: dec, keyVersion: dec });
  const members = fc.array(member, { maxLength: 3 });
  const rotation = fc
    .oneof(
      fc.record(
        {
          treeVersion: dec,
          actionBy: member,
          opType: fc.constant('genGroup' as const),
          groupId: fc.string({ maxLength: 8 }),
          initialMembers: members,
        },
        { requiredKeys: ['treeVersion', 'actionBy', 'opType'] },
      ),
      fc.record(
        {
          treeVersion: dec,
          actionBy: member,
          opType: fc.constant('edit' as const),
          membersLeft: members,
          membersToAdd: members,
          membersUpdated: members,
        },
        { requiredKeys: ['treeVersion', 'actionBy', 'opType'] },
      ),
    )
    .chain((r) =>
      fc
        .option(
          fc.uniqueArray(
            fc.record(
              { userId: dec, identityPublicKey: fc.uint8Array({ maxLength: 8 }), identityKeySignature: fc.uint8Array({ maxLength: 8 }) },
              { requiredKeys: ['userId'] },
            ),
            { maxLength: 3, selector: (k) => k.userId },
          ),
          { nil: undefined },
        )
        .map((info) => (info === undefined ? r : { ...r, memberKeyInfo: info })),
    );
  test('built payloads parse back to the same rotation', () => {
    fc.assert(
      fc.property(rotation, (r) => {
        expect(parseKeyRotation(buildKeyRotation(r as KeyRotation))).toEqual(r);
      }),
      { numRuns: RUNS, seed: 31 },
    );
  });
  test('arbitrary bytes: a rotation that rebuilds to the same bytes, or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b64 = encodeBase64(bytes);
        const out = typedOrValue(() => parseKeyRotation(b64));
        if (out.ok) expect(buildKeyRotation(out.value)).toBe(b64);
        else expect(out.error).toMatchObject({ code: 'ERR_INVALID_THRIFT', field: 'keyRotation' });
      }),
      { numRuns: RUNS * 3, seed: 33 },
    );
  });
  test('mutated payloads: a rotation that rebuilds to the same bytes, or a typed error', () => {
    fc.assert(
      fc.property(rotation, fc.array(mutation, { minLength: 1, maxLength: 2 }), (r, ms) => {
        let bytes = decodeBase64(buildKeyRotation(r as KeyRotation));
        for (const m of ms) bytes = mutate(bytes, m);
        const b64 = encodeBase64(bytes);
        const out = typedOrValue(() => parseKeyRotation(b64));
        if (out.ok) expect(buildKeyRotation(out.value)).toBe(b64);
        else expect(out.error).toMatchObject({ code: 'ERR_INVALID_THRIFT', field: 'keyRotation' });
      }),
      { numRuns: RUNS * 3, seed: 32 },
    );
  });
});
