/**
 * The worked examples of docs/xchat-keys.md §"Worked examples" (real output of the official SDK): payload
 * strings, signatures (RFC 6979 reproduces them exactly) and Thrift details byte for byte.
 */
import { describe, expect, test } from 'vitest';
import {
  conversationDeletePayload,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeMessageDeleteDetail,
  groupCreatePayload,
  groupMemberAddPayload,
  keyChangePayload,
  messageDeletePayload,
  groupChangePayload,
  markConversationReadPayload,
  markConversationUnreadPayload,
  metadataChangePayload,
  resolveBackend,
  unwrapConversationKey,
} from '../../helpers/kit.js';

const scalar = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? n : 0));
const SIGNING_PUBLIC = 'BHzyexiNA09+ilI4AwS1GsPAiWnid/IbNaYLSPxHZpl4B3dVENuO0EApPZrGn3Qw27p9reY86YIpngS3nSJ4c9E=';
const utf8 = (s: string) => new TextEncoder().encode(s);
const backend = await resolveBackend();

/** Verifies a published signature, and checks that RFC 6979 signing reproduces it exactly. */
async function checkSignature(payload: string, signatureB64: string): Promise<void> {
  const sig = decodeBase64(signatureB64);
  expect(await backend.verify(decodeBase64(SIGNING_PUBLIC), utf8(payload), sig)).toBe(true);
  expect(encodeBase64(await backend.sign(scalar(2), utf8(payload))).replace(/=+$/, '')).toBe(signatureB64);
}

describe('Example A: a group create', () => {
  const ckv = '1795357034165';
  const key = decodeBase64('noruyzBd4ZCJmvyQhIZ7yvm/Or+Go9D30gEXJLVvH8c=');

  test('A1 key change: payload, high-S signature, and the wrapped copy of user 111', async () => {
    const payload = keyChangePayload(7, {
      messageId: 'a6a5914a-9b03-4f32-9192-92a456fdc073',
      senderId: '111',
      conversationId: 'g1234567890123456789',
      conversationKeyVersion: ckv,
      conversationKey: key,
    });
    expect(payload).toBe(
      'ConversationKeyChangeEvent,a6a5914a-9b03-4f32-9192-92a456fdc073,111,g1234567890123456789,1795357034165,noruyzBd4ZCJmvyQhIZ7yvm/Or+Go9D30gEXJLVvH8c',
    );
    const sig = 'gf0g4nO36J1O+nl4da21vUkkbA/wu/041847EOOgzWSx/UU2P/mBqP7Z7BHA0RUUIYAFz4Myq6ik05prMnw+pQ';
    await checkSignature(payload, sig);
    const s = BigInt(`0x${Buffer.from(decodeBase64(sig).subarray(32)).toString('hex')}`);
    expect(s > 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n).toBe(true); // high-S, accepted
    const wrapped =
      'BD2C6vBoVjH4vs+eXZnjNvRk8+0ESIFhnz9Q1OftSW7h0vhUFrjwdroR9fOyBQRIbObVjOwEMszYWpSTuk7SjFMzEaeCQmuYibYfaEJXkwBSJeBraDlmW/KhuLobWdpNHulFfT75/HvM/iviG98kGWI=';
    expect(encodeBase64(await unwrapConversationKey(wrapped, scalar(1)))).toBe(encodeBase64(key));
  });

  test('A2 group create: payload, signature, and the annotated 103-byte detail', async () => {
    const payload = groupCreatePayload(7, {
      messageId: '85dc96a5-fab3-43f1-87a9-36b02bfd0f86',
      senderId: '111',
      conversationKeyVersion: ckv,
      memberIds: ['111', '222', '333'],
      title: 'Team',
    });
    expect(payload).toBe('GroupChangeEvent.GroupCreate,85dc96a5-fab3-43f1-87a9-36b02bfd0f86,111,1795357034165,111,222,333,null,Team,null');
    await checkSignature(payload, 'PvzDM+gHkVFMJh6ah44pCQgKUTl3L5yALJSGEmHJvAJSlU0oeOOnesPH+50NNJa5Ukl1MN3YJ5l4aOFhoNnafQ');
    const published =
      'DAAEDAABDAABDwABCwAAAAMAAAADMTExAAAAAzIyMgAAAAMzMzMPAAILAAAAAQAAAAMxMTELAAMAAAAEVGVhbQsABQAAAA0xNzk1MzU3MDM0MTY1CgAHAAAAAAUmXAAAAAIAAgAAAA==';
    const ours = encodeGroupCreateDetail({
      memberIds: ['111', '222', '333'],
      adminIds: ['111'],
      title: 'Team',
      conversationKeyVersion: ckv,
      ttlMsec: 86_400_000n,
    });
    expect(ours).toHaveLength(103);
    expect(encodeBase64(ours)).toBe(published);
    // The annotated hex dump of docs/xchat-keys.md §"Worked examples", piece by piece.
    const hex = Buffer.from(ours).toString('hex');
    expect(hex.startsWith('0c00040c00010c0001' + '0f00010b00000003' + '00000003313131' + '00000003323232' + '00000003333333')).toBe(true);
    expect(hex.endsWith('0a00070000000005265c00' + '00' + '00' + '02000200' + '00' + '00')).toBe(true);
    expect(decodeEventDetail(ours)).toEqual({
      type: 'groupCreate',
      memberIds: ['111', '222', '333'],
      adminIds: ['111'],
      title: 'Team',
      conversationKeyVersion: ckv,
      ttlMsec: 86_400_000n,
      forKeyRotation: false,
    });
  });
});

describe('Example B: a member add', () => {
  test('payload, signature and detail (with the empty, unsigned pending list)', async () => {
    const input = {
      messageId: '0878e8a6-fe4d-4d44-8ea1-8c9b09e15c43',
      senderId: '111',
      conversationId: 'g1234567890123456789',
      memberIds: ['444'],
      currentMemberIds: ['111', '222', '333'],
      currentAdminIds: ['111'],
      currentPendingMemberIds: [],
      currentTitle: 'Team',
      currentTtlMsec: 86_400_000,
      conversationKeyVersion: '1795357315129',
    };
    const payload = groupMemberAddPayload(7, input);
    expect(payload).toBe(
      'GroupChangeEvent.GroupMemberAddChange,0878e8a6-fe4d-4d44-8ea1-8c9b09e15c43,111,g1234567890123456789,444,111,222,333,111,Team,null,86400000,1795357315129,null',
    );
    await checkSignature(payload, 'ONCOU5mSPwOWKJ7Q+I2svE+V1jFCwEf2sNPPvWPOx04Nu0Y/mlg+JItsPsFJaX8WFHLpUbPRc5EaFsKAf/Ww4Q');
    const ours = encodeGroupMemberAddDetail({ ...input, currentTtlMsec: 86_400_000n });
    expect(encodeBase64(ours)).toBe(
      'DAAEDAABDAAFDwABCwAAAAEAAAADNDQ0DwACCwAAAAMAAAADMTExAAAAAzIyMgAAAAMzMzMPAAMLAAAAAQAAAAMxMTELAAQAAAAEVGVhbQsABgAAAA0xNzk1MzU3MzE1MTI5CgAHAAAAAAUmXAAPAAgLAAAAAAAAAgACAAAA',
    );
  });
});

describe('MessageDeleteEvent (docs/xchat-messages.md §"2.8 prepareMessageDelete")', () => {
  test('the detail, byte for byte as the SDK writes it, and the payload', () => {
    expect(encodeBase64(encodeMessageDeleteDetail({ sequenceIds: ['5', '6'], deleteForAll: true }))).toBe(
      'DAAHDwABCwAAAAIAAAABNQAAAAE2CAACAAAAAgAA',
    );
    const self = decodeEventDetail(encodeMessageDeleteDetail({ sequenceIds: ['7'], deleteForAll: false }));
    expect(self).toEqual({ type: 'other', value: { messageDeleteEvent: { sequenceIds: ['7'], deleteMessageAction: 1 } } });
    const p = { messageId: 'm', senderId: '111', conversationId: '111:222', sequenceIds: ['5', '6'] };
    expect(messageDeletePayload(7, { ...p, deleteForAll: true })).toBe('MessageDeleteEvent,m,111,111:222,2,5,6');
    expect(messageDeletePayload(7, { ...p, deleteForAll: false })).toBe('MessageDeleteEvent,m,111,111:222,1,5,6');
    expect(() => messageDeletePayload(7, { ...p, deleteForAll: true, sequenceIds: ['5,6'] })).toThrow(
      expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD', field: 'sequenceIds[0]' }),
    );
    expect(() => messageDeletePayload(1, { ...p, deleteForAll: true })).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_SIGNATURE_VERSION' }),
    );
  });
});

describe('the receiver-side payloads of the other signed actions (confirmed against the SDK in test/interop/receive-payloads.test.ts)', () => {
  const h = { messageId: 'm1', senderId: '111', conversationId: 'g9' };

  test('exact texts: absent values left out, empty or null as the SDK signs them', () => {
    expect(conversationDeletePayload(7, h, {})).toBe('ConversationDeleteEvent,m1,111,g9');
    expect(conversationDeletePayload(7, h, { clearConversationOptions: { clearAllMessages: false, sortOrderMsec: 99n } })).toBe(
      'ConversationDeleteEvent,m1,111,g9,false,99',
    );
    expect(markConversationReadPayload(7, h, { seenUntilSequenceId: '7', seenAtMillis: -1n })).toBe(
      'MarkConversationReadEvent,m1,111,g9,7,-1',
    );
    expect(markConversationUnreadPayload(7, h, {})).toBe('MarkConversationUnreadEvent,m1,111,g9');
    expect(groupChangePayload(7, h, { groupTitleChange: { conversationKeyVersion: '5' } })).toBe(
      'GroupChangeEvent.GroupTitleChange,m1,111,g9,5,',
    );
    expect(groupChangePayload(7, h, { groupInviteEnable: { inviteUrl: 'u', affiliateId: 'a' } })).toBe(
      'GroupChangeEvent.GroupInviteEnable,m1,111,g9,u,null,a',
    );
    expect(groupChangePayload(7, h, { groupJoinReject: { rejectedUserIds: ['1', '2'] } })).toBe(
      'GroupChangeEvent.GroupJoinReject,m1,111,g9,1,2',
    );
    expect(groupChangePayload(4, h, { groupCreate: { memberIds: ['1'], conversationKeyVersion: '5' } })).toBe(
      'GroupChangeEvent.GroupCreate,m1,111,5,1,null,null,null',
    );
    expect(metadataChangePayload(7, h, { messageDurationChange: { ttlMsec: 1000n } })).toBe(
      'ConversationMetadataChangeEvent.MessageDurationChange,m1,111,g9,1000',
    );
    expect(metadataChangePayload(7, h, { muteConversation: {} })).toBe('ConversationMetadataChangeEvent.MuteConversation,m1,111,g9');
    expect(metadataChangePayload(7, h, { disableScreenCaptureBlocking: {} })).toBe(
      'ConversationMetadataChangeEvent.DisableScreenCaptureBlocking,m1,111,g9',
    );
  });

  test('refusals: no payload, a required field absent, a comma, a downgrade', () => {
    expect(() => groupChangePayload(7, h, { groupAdminSettingsChange: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'groupChange' }),
    );
    expect(() => groupChangePayload(7, h, {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => groupChangePayload(7, h, { groupTitleChange: { customTitle: 't' } })).toThrow(
      expect.objectContaining({ field: 'groupTitleChange.conversationKeyVersion' }),
    );
    expect(() => markConversationReadPayload(7, h, {})).toThrow(
      expect.objectContaining({ field: 'markConversationReadEvent.seenUntilSequenceId' }),
    );
    expect(() => metadataChangePayload(7, h, {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => metadataChangePayload(7, h, { messageDurationChange: {} })).toThrow(
      expect.objectContaining({ field: 'messageDurationChange.ttlMsec' }),
    );
    expect(() => groupChangePayload(7, h, { groupAdminAddChange: { adminIds: ['1,2'] } })).toThrow(
      expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD' }),
    );
    expect(() => conversationDeletePayload(1, h, {})).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_SIGNATURE_VERSION' }));
  });
});
