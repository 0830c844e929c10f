/**
 * Signed payload strings for every signature version the verifier accepts (2 to 7), checked
 * against the official SDK's verifier: we sign each event with that version's layout, deliver it
 * in a MessageEvent envelope claiming that version, and the SDK must verify it; our own verifier
 * must accept the same bodies.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addMembersRequest,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeBase64NoPad,
  encodeGroupMemberAddDetail,
  encodeMessageEvent,
  exportPrivateKeys,
  groupCreatePayload,
  groupMemberAddPayload,
  keyChangePayload,
  prepareGroupCreate,
  prepareGroupMembersChange,
  resolveBackend,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  type ActionSignature,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type KeyChangeDetail,
  type PreparedGroupCreate,
  type PreparedGroupMembersChange,
} from '../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { envelopes, xdkWithKeys } from '../helpers/xdk.js';

const GROUP = 'g1234567890123456789';
const VERSIONS = [2, 3, 4, 5, 6, 7];
let m: Member[];
let create: PreparedGroupCreate;
let add: PreparedGroupMembersChange;

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333', '444']);
  const publicKeys = m.map((x) => x.publicKeyInput);
  create = await prepareGroupCreate({
    publicKeys,
    sender: senderOf(m[0]!),
    conversationId: GROUP,
    memberIds: ['111', '222', '333'],
    title: 'Team',
    avatarUrl: 'https://x.example/a.png',
    ttlMsec: 60_000,
  });
  add = await prepareGroupMembersChange({
    publicKeys,
    sender: senderOf(m[0]!),
    conversationId: GROUP,
    newMemberIds: ['444'],
    currentMemberIds: ['111', '222', '333'],
    currentAdminIds: ['111'],
    currentPendingMemberIds: ['555'],
    currentTitle: 'Team',
    currentTtlMsec: 60_000,
    currentScreenCaptureBlockingEnabled: true,
  });
});

async function resign(a: ActionSignature, payload: string, version: number): Promise<ActionSignature> {
  const backend = await resolveBackend();
  const sig = await backend.sign(m[0]!.identity.signingPrivateKey, new TextEncoder().encode(payload));
  return { ...a, signature: encodeBase64NoPad(sig), signatureVersion: String(version) };
}

function keyChangeAt(prepared: PreparedGroupCreate | PreparedGroupMembersChange, v: number): Promise<ActionSignature> {
  const a = prepared.actionSignatures[0]!;
  const d = decodeEventDetail(decodeBase64(a.encodedMessageEventDetail)) as KeyChangeDetail;
  return resign(
    a,
    keyChangePayload(v, {
      messageId: a.messageId,
      senderId: '111',
      conversationId: GROUP,
      conversationKeyVersion: d.conversationKeyVersion!,
      conversationKey: prepared.conversationKey,
      participantKeys: d.participantKeys!,
    }),
    v,
  );
}

/** Every recipient's SDK verifies both events; returns the verified flags. */
async function sdkVerifies(actions: ActionSignature[], recipients: number[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const i of recipients) {
    const chat = await xdkWithKeys(exportPrivateKeys(m[i]!.identity));
    const r = chat.decryptEvents(
      envelopes(actions, '111', GROUP, encodeMessageEvent),
      m.map((x) => x.signingKeyEntry),
    );
    expect(r.errors, `recipient ${m[i]!.id}`).toEqual({});
    out.push(...r.messages.map((x) => x.event.verified === true));
  }
  return out;
}

describe('group create and its key change at every version', () => {
  test.each(VERSIONS)('version %i: the SDK verifies both events, our verifier accepts the body', async (v) => {
    const gc = create.actionSignatures[1]!;
    const d = decodeEventDetail(decodeBase64(gc.encodedMessageEventDetail)) as GroupCreateDetail;
    const payload = groupCreatePayload(v, {
      messageId: gc.messageId,
      senderId: '111',
      conversationKeyVersion: d.conversationKeyVersion!,
      memberIds: d.memberIds!,
      title: d.title,
      avatarUrl: d.avatarUrl,
    });
    // The layouts: members only up to v3; the legacy/title/avatar trailer from v4.
    expect(payload.endsWith(v >= 4 ? ',111,222,333,null,Team,https://x.example/a.png' : ',111,222,333')).toBe(true);
    const actions = [await keyChangeAt(create, v), await resign(gc, payload, v)];
    expect(await sdkVerifies(actions, [1, 2])).toEqual([true, true, true, true]);
    const body = createGroupRequest({ ...create, actionSignatures: actions });
    const r = await verifyCreateGroupRequest(body, {
      senderId: '111',
      signingKeys: m.map((x) => x.signingKeyEntry),
      recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
    });
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual([]);
  });
});

/** The payload inputs of a member add, from its decoded detail. */
function memberAddInput(messageId: string, d: GroupMemberAddDetail) {
  return {
    messageId,
    senderId: '111',
    conversationId: GROUP,
    memberIds: d.memberIds!,
    currentMemberIds: d.currentMemberIds!,
    currentAdminIds: d.currentAdminIds!,
    currentPendingMemberIds: d.currentPendingMemberIds!,
    currentTitle: d.currentTitle,
    currentTtlMsec: d.currentTtlMsec,
    conversationKeyVersion: d.conversationKeyVersion!,
    screenCaptureBlockingEnabled: d.screenCaptureBlockingEnabled,
  };
}

describe('member add and its key change at every version', () => {
  test.each(VERSIONS)('version %i: the SDK verifies both events, our verifier accepts the body', async (v) => {
    const ad = add.actionSignatures[1]!;
    const d = decodeEventDetail(decodeBase64(ad.encodedMessageEventDetail)) as GroupMemberAddDetail;
    const payload = groupMemberAddPayload(v, memberAddInput(ad.messageId, d));
    // Pending ids are signed at versions 3 to 6 only; the screen-capture flag from version 5.
    expect(payload.includes(',111,555,Team,')).toBe(v >= 3 && v <= 6);
    expect(payload.endsWith(',true')).toBe(v >= 5);
    const actions = [await keyChangeAt(add, v), await resign(ad, payload, v)];
    expect(await sdkVerifies(actions, [1, 3])).toEqual([true, true, true, true]);
    const r = await verifyAddMembersRequest(addMembersRequest({ ...add, actionSignatures: actions }), {
      senderId: '111',
      conversationId: GROUP,
      signingKeys: m.map((x) => x.signingKeyEntry),
      recipient: { userId: '444', identityPrivateKey: m[3]!.identity.identityPrivateKey },
    });
    expect(r.problems).toEqual([]);
  });

  test('version 7 with a group invite: the invite tail is signed, and the SDK agrees', async () => {
    const ad = add.actionSignatures[1]!;
    const d = decodeEventDetail(decodeBase64(ad.encodedMessageEventDetail)) as GroupMemberAddDetail;
    const invite = { inviteUrl: 'https://x.com/i/chat/group_join/g1', expiresAtMsec: 1_800_000_000_000n };
    const detail = encodeGroupMemberAddDetail({ ...(d as Required<GroupMemberAddDetail>), groupInviteEnable: invite });
    const payload = groupMemberAddPayload(7, { ...memberAddInput(ad.messageId, d), groupInviteEnable: invite });
    expect(payload.endsWith(',true,https://x.com/i/chat/group_join/g1,null,1800000000000')).toBe(true);
    const signed = await resign({ ...ad, encodedMessageEventDetail: encodeBase64(detail) }, payload, 7);
    expect(await sdkVerifies([await keyChangeAt(add, 7), signed], [1])).toEqual([true, true]);
  });
});
