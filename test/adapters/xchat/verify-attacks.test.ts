/**
 * The verifiers against the attacks of the second security review: mixed group creates,
 * re-split member adds, rosters, far-future versions, the literal `null`, a recipient's key
 * version, fail-open reports, quadratic checks, unbounded problem lists and sparse arrays.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addConversationKeysRequest,
  addMembersRequest,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  keyListing,
  MAX_PROBLEMS_PER_CODE,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  type AddMembersBody,
  type CreateGroupBody,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type SigningKeyEntry,
  type VerificationReport,
  withTestingHooks,
} from '../../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

let m: Member[];
let signingKeys: SigningKeyEntry[];
beforeAll(async () => {
  m = await makeMembers(['111', '222', '333', '444']);
  signingKeys = m.map((x) => x.signingKeyEntry);
});
const me = (i: number) => ({ userId: m[i]!.id, identityPrivateKey: m[i]!.identity.identityPrivateKey });
const codes = (r: VerificationReport) => [...new Set(r.problems.map((p) => p.code))];
const clone = <T>(v: T): T => structuredClone(v);

describe('group creates: what binds the two actions', () => {
  test('two creates prepared on one clock in the same millisecond get different key versions, so they cannot be mixed', async () => {
    const clock = () => 1795357034165;
    const params = { publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!), memberIds: ['111', '222', '333'] };
    const a = await prepareGroupCreate({ ...params, conversationId: 'g1', title: 'Alpha' }, withTestingHooks({}, { now: clock }));
    const b = await prepareGroupCreate({ ...params, conversationId: 'g2', title: 'Beta' }, withTestingHooks({}, { now: clock }));
    expect(b.conversationKeyVersion).not.toBe(a.conversationKeyVersion);
    // Group g1 with g2's signed create (its title): the key change of g1 and the create of g2.
    const mixed = createGroupRequest(a);
    mixed.action_signatures[1] = createGroupRequest(b).action_signatures[1]!;
    mixed.group_name = 'Beta';
    const r = await verifyCreateGroupRequest(mixed, { senderId: '111', signingKeys, recipient: me(1) });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('KEY_VERSION_MISMATCH');
  });
});

describe('member adds: the split between new and current members is not signed', () => {
  let body: AddMembersBody;
  beforeAll(async () => {
    body = addMembersRequest(
      await prepareGroupMembersChange({
        publicKeys: m.map((x) => x.publicKeyInput),
        sender: senderOf(m[0]!),
        conversationId: 'g1',
        newMemberIds: ['333', '444'],
        currentMemberIds: ['111', '222'],
        currentAdminIds: ['111'],
      }),
    );
  });
  const verify = (b: unknown, extra: object = {}) =>
    verifyAddMembersRequest(b, { conversationId: 'g1', senderId: '111', signingKeys, recipient: me(3), ...extra });
  /** The same body with its member-add detail changed (the signature is not touched). */
  const resplit = (change: (d: GroupMemberAddDetail) => void) => {
    const b = clone(body);
    const d = decodeEventDetail(decodeBase64(b.action_signatures[1]!.encoded_message_event_detail)) as GroupMemberAddDetail;
    change(d);
    b.action_signatures[1]!.encoded_message_event_detail = encodeBase64(
      encodeGroupMemberAddDetail({
        ...d,
        memberIds: d.memberIds!,
        currentMemberIds: d.currentMemberIds!,
        currentAdminIds: d.currentAdminIds!,
        currentPendingMemberIds: d.currentPendingMemberIds ?? [],
        conversationKeyVersion: d.conversationKeyVersion!,
      }),
    );
    b.user_ids = d.memberIds!;
    return b;
  };

  test('moving an id from "new" to "current" signs the same string: only the caller\'s knowledge of the group catches it', async () => {
    // new 333,444 | current 111,222 and new 333 | current 444,111,222 both sign "…,333,444,111,222,…".
    const moved = resplit((d) => {
      d.memberIds = ['333'];
      d.currentMemberIds = ['444', '111', '222'];
    });
    // The signature still holds (this is what the protocol signs) …
    expect((await verify(moved)).problems).toEqual([]);
    // … and a caller who knows the group now refuses it.
    const r = await verify(moved, { currentMemberIds: ['111', '222'], currentAdminIds: ['111'] });
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['ROSTER_MISMATCH']);
    expect((await verify(body, { currentMemberIds: ['222', '111'], currentAdminIds: ['111'] })).valid).toBe(true);
    const admins = await verify(body, { currentMemberIds: ['111', '222'], currentAdminIds: ['111', '222'] });
    expect(codes(admins)).toEqual(['ADMINS_MISMATCH']);
  });

  test('the invariants hold whatever the caller knows: admins are current members, new members are not, no duplicates', async () => {
    const adminMoved = resplit((d) => {
      d.memberIds = ['222', '333', '444'];
      d.currentMemberIds = ['111'];
      d.currentAdminIds = ['222'];
    });
    expect(codes(await verify(adminMoved))).toContain('ADMIN_NOT_MEMBER');
    const both = resplit((d) => (d.currentMemberIds = ['111', '222', '333']));
    expect(codes(await verify(both))).toContain('DUPLICATE_MEMBER');
    const twice = resplit((d) => (d.currentMemberIds = ['111', '222', '111']));
    expect(codes(await verify(twice))).toContain('DUPLICATE_MEMBER');
    const notX = resplit((d) => (d.currentPendingMemberIds = ['bob']));
    expect(codes(await verify(notX))).toContain('MEMBER_ID_INVALID');
  });

  test('a signed current title or avatar that is the text "null" is refused', async () => {
    const b = resplit((d) => (d.currentTitle = 'null'));
    expect(codes(await verify(b, {}))).toContain('NULL_SENTINEL');
  });

  test('linear time: 100,000 new against 100,000 current members is checked in one pass (a nested scan would take hours)', async () => {
    const big = resplit((d) => {
      d.memberIds = Array.from({ length: 100_000 }, (_, i) => String(2_000_000 + i));
      d.currentMemberIds = ['111', ...Array.from({ length: 99_999 }, (_, i) => String(1_000_000 + i))];
    });
    const r = await verify(big, { limits: { maxMembers: 250_000 } });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('PARTICIPANT_KEY_MISSING');
    expect(codes(r)).not.toContain('DUPLICATE_MEMBER');
  }, 120_000);
});

describe('key changes (/keys): who gets the key', () => {
  test('a one-to-one key change wrapping for a third user is refused', async () => {
    const p = await prepareConversationKeyChange({
      publicKeys: m.map((x) => x.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: '111:222',
    });
    const b = addConversationKeysRequest(p);
    expect(
      (await verifyAddConversationKeysRequest(b, { conversationId: '111:222', senderId: '111', signingKeys, recipient: me(1) })).valid,
    ).toBe(true);
    // The same signer's key change for a group, presented for the one-to-one: wraps for 333 too.
    const g = addConversationKeysRequest(
      await prepareConversationKeyChange({
        publicKeys: m.map((x) => x.publicKeyInput),
        sender: senderOf(m[0]!),
        conversationId: 'g7',
        memberIds: ['111', '222', '333'],
      }),
    );
    const r = await verifyAddConversationKeysRequest(g, { conversationId: '111:222', senderId: '111', signingKeys });
    expect(codes(r)).toContain('PARTICIPANT_KEY_EXTRA');
  });

  test('a group rotation that still wraps for a removed member is caught against the expected roster', async () => {
    const stale = addConversationKeysRequest(
      await prepareConversationKeyChange({
        publicKeys: m.map((x) => x.publicKeyInput),
        sender: senderOf(m[0]!),
        conversationId: 'g7',
        memberIds: ['111', '222', '333'],
      }),
    );
    const ok = await verifyAddConversationKeysRequest(stale, { conversationId: 'g7', senderId: '111', signingKeys, recipient: me(1) });
    expect(ok.valid).toBe(true);
    const r = await verifyAddConversationKeysRequest(stale, {
      conversationId: 'g7',
      senderId: '111',
      signingKeys,
      recipient: me(1),
      memberIds: ['111', '222'],
    });
    expect(r.valid).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'PARTICIPANT_KEY_EXTRA', path: 'conversation_participant_keys[2].user_id' }),
    );
    const missing = await verifyAddConversationKeysRequest(stale, {
      conversationId: 'g7',
      senderId: '111',
      signingKeys,
      memberIds: ['111', '222', '333', '444'],
    });
    expect(codes(missing)).toContain('PARTICIPANT_KEY_MISSING');
    await expect(
      verifyAddConversationKeysRequest(stale, { conversationId: 'g7', senderId: '111', signingKeys, memberIds: ['111', 'bob'] }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_USER_ID', field: 'options.memberIds[1]' });
  });

  test('the conversation id must be an X form', async () => {
    const b = addConversationKeysRequest(
      await prepareConversationKeyChange({
        publicKeys: m.map((x) => x.publicKeyInput),
        sender: senderOf(m[0]!),
        conversationId: 'g7',
        memberIds: ['111', '222'],
      }),
    );
    expect(
      codes(await verifyAddConversationKeysRequest(b, { conversationId: 'room_7', senderId: '111', signingKeys, serverView: true })),
    ).toContain('CONVERSATION_ID_INVALID');
  });
});

describe('versions', () => {
  test('a validly signed key version far in the future is refused (a receiver would keep it as its floor)', async () => {
    const far = 9_007_199_254_740_000;
    const p = await prepareGroupCreate(
      { publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!), conversationId: 'g1', memberIds: ['111', '222'] },
      withTestingHooks({}, { now: () => far }),
    );
    const b = createGroupRequest(p);
    const r = await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1) });
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['KEY_VERSION_IN_FUTURE']);
    // The verifier's clock and skew are the caller's to set.
    expect((await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1), now: () => far })).valid).toBe(true);
    expect((await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1), maxFutureSkewMs: far })).valid).toBe(true);
  });

  test('versions above 2^64-1 or not canonical are refused', async () => {
    const p = await prepareGroupCreate({
      publicKeys: m.map((x) => x.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: 'g1',
      memberIds: ['111', '222'],
    });
    for (const v of ['18446744073709551616', '0' + p.conversationKeyVersion]) {
      const b = clone(createGroupRequest(p));
      b.conversation_key_version = v;
      expect(codes(await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1) }))).toContain('KEY_VERSION_INVALID');
    }
    const b = clone(createGroupRequest(p));
    b.conversation_participant_keys[1]!.public_key_version = '01700000000000';
    expect(codes(await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1) }))).toContain(
      'PARTICIPANT_KEY_MALFORMED',
    );
  });
});

describe('group creates: signed texts and the recipient', () => {
  let body: CreateGroupBody;
  beforeAll(async () => {
    body = createGroupRequest(
      await prepareGroupCreate({
        publicKeys: m.map((x) => x.publicKeyInput),
        sender: senderOf(m[0]!),
        conversationId: 'g1',
        memberIds: ['111', '222', '333'],
      }),
    );
  });

  test('a title "null" injected into a body without a title: same signature, refused', async () => {
    const b = clone(body);
    const d = decodeEventDetail(decodeBase64(b.action_signatures[1]!.encoded_message_event_detail)) as GroupCreateDetail;
    b.action_signatures[1]!.encoded_message_event_detail = encodeBase64(
      encodeGroupCreateDetail({
        ...d,
        title: 'null',
        memberIds: d.memberIds!,
        adminIds: d.adminIds!,
        conversationKeyVersion: d.conversationKeyVersion!,
      }),
    );
    b.group_name = 'null';
    const r = await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(1) });
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['NULL_SENTINEL']);
  });

  test('a recipient whose entry is wrapped to another identity-key version than theirs gets nothing', async () => {
    const r = await verifyCreateGroupRequest(body, { senderId: '111', signingKeys, recipient: { ...me(1), keyVersion: '1700000000001' } });
    expect(r.valid).toBe(false);
    expect(r.conversationKey).toBeUndefined();
    expect(codes(r)).toContain('RECIPIENT_KEY_MISMATCH');
    expect(
      (await verifyCreateGroupRequest(body, { senderId: '111', signingKeys, recipient: { ...me(1), keyVersion: '1700000000000' } })).valid,
    ).toBe(true);
  });

  test('a hole in the wrapped keys (a sparse array) is a problem, not a pass', async () => {
    const b = clone(body) as { conversation_participant_keys: unknown[] };
    const keys = [...b.conversation_participant_keys];
    b.conversation_participant_keys = [keys[0], , keys[2]]; // eslint-disable-line no-sparse-arrays
    const r = await verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient: me(0) });
    expect(r.valid).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ path: 'conversation_participant_keys[1]' }));
  });
});

describe('bounded reports', () => {
  test('a million bad member ids give the first few problems and one count, not a million problems', async () => {
    const b = {
      ...(createGroupRequest(
        await prepareGroupCreate({
          publicKeys: m.map((x) => x.publicKeyInput),
          sender: senderOf(m[0]!),
          conversationId: 'g1',
          memberIds: ['111', '222'],
        }),
      ) as CreateGroupBody),
    };
    const schemaJunk = { ...b, group_members: Array.from({ length: 1_000_000 }, () => 0) };
    const r = await verifyCreateGroupRequest(schemaJunk, { senderId: '111', signingKeys });
    const schema = r.problems.filter((p) => p.code === 'SCHEMA');
    expect(schema).toHaveLength(MAX_PROBLEMS_PER_CODE + 1);
    expect(schema.at(-1)).toMatchObject({ path: '(more)', omitted: 1_000_000 - MAX_PROBLEMS_PER_CODE });
    const ids = { ...b, group_members: ['111', ...Array.from({ length: 15_000 }, () => '')] };
    const s = await verifyCreateGroupRequest(ids, { senderId: '111', signingKeys });
    const invalid = s.problems.filter((p) => p.code === 'MEMBER_ID_INVALID');
    expect(invalid).toHaveLength(MAX_PROBLEMS_PER_CODE + 1);
    expect(invalid.at(-1)!.omitted).toBe(15_000 - MAX_PROBLEMS_PER_CODE);
    expect(s.problems.length).toBeLessThan(200);
    const huge = { ...b, group_members: Array.from({ length: 3_000_000 }, () => '') };
    const t = await verifyCreateGroupRequest(huge, { senderId: '111', signingKeys });
    expect(t.problems).toContainEqual(expect.objectContaining({ code: 'TOO_LARGE', path: 'group_members' }));
    expect(t.problems.length).toBeLessThan(200);
  });
});

describe('key listings', () => {
  test('a record whose user id contradicts the user it is listed under is refused', async () => {
    const rec = {
      user_id: '222',
      public_key: m[1]!.signingKeyEntry.identityPublicKey,
      public_key_version: '1',
      signing_public_key: m[1]!.signingKeyEntry.publicKey,
      identity_public_key_signature: m[1]!.signingKeyEntry.identityPublicKeySignature,
    };
    expect(() => keyListing({ '111': { data: [rec] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_USER_ID', field: 'keys["111"].data[0]' }),
    );
    expect(keyListing({ '222': { data: [rec] } }).publicKeys[0]!.userId).toBe('222');
    expect(() => keyListing({ '111': [{ ...m[1]!.publicKeyInput }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_USER_ID' }));
  });
});
