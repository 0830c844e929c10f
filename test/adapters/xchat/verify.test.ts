/**
 * The request verifier: a valid body passes as the server and every member see it, and every
 * tampering is caught with a problem that names it.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addConversationKeysRequest,
  addMembersRequest,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeBase64NoPad,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeKeyChangeDetail,
  groupCreatePayload,
  groupMemberAddPayload,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  resolveBackend,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  type AddConversationKeysBody,
  type AddMembersBody,
  type CreateGroupBody,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type KeyChangeDetail,
  type PreparedGroupCreate,
  type ProblemCode,
  type SigningKeyEntry,
  type VerificationReport,
} from '../../helpers/kit.js';
import { encodeStruct, field, struct, T, union } from '../../../src/wire/thrift/index.js';
import { flip } from '../../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

const GROUP = 'g1234567890123456789';
let members: Member[];
let outsider: Member;
let prepared: PreparedGroupCreate;
let body: CreateGroupBody;
let signingKeys: SigningKeyEntry[];

beforeAll(async () => {
  members = await makeMembers(['111', '222', '333', '444']);
  outsider = (await makeMembers(['999']))[0]!;
  prepared = await prepareGroupCreate({
    publicKeys: members.map((m) => m.publicKeyInput),
    sender: senderOf(members[0]!),
    conversationId: GROUP,
    memberIds: ['111', '222', '333', '444'],
    adminIds: ['111', '222'],
    title: 'Team',
    avatarUrl: 'https://example.com/a.png',
    ttlMsec: 86_400_000,
  });
  body = createGroupRequest(prepared);
  signingKeys = [...members, outsider!].map((m) => m.signingKeyEntry);
});

const clone = <T>(v: T): T => structuredClone(v);
const recipient = (i: number) => ({ userId: members[i]!.id, identityPrivateKey: members[i]!.identity.identityPrivateKey });

async function verify(
  b: unknown,
  opts: { senderId?: string; recipient?: number | null; keys?: SigningKeyEntry[]; serverView?: boolean } = {},
): Promise<VerificationReport> {
  return verifyCreateGroupRequest(b, {
    senderId: opts.senderId ?? '111',
    signingKeys: opts.keys ?? signingKeys,
    ...(opts.recipient === null ? {} : { recipient: recipient(opts.recipient ?? 1) }),
    ...(opts.serverView ? { serverView: true } : {}),
  });
}

function codes(r: VerificationReport): ProblemCode[] {
  return [...new Set(r.problems.map((p) => p.code))].sort();
}

function expectRejected(r: VerificationReport, ...expected: ProblemCode[]): void {
  expect(r.valid).toBe(false);
  expect(r.conversationKey).toBeUndefined();
  for (const c of expected) expect(codes(r)).toContain(c);
}

/** Re-encodes the group-create detail of a body with some fields changed (without re-signing). */
function withCreateDetail(b: CreateGroupBody, change: (d: GroupCreateDetail) => void): CreateGroupBody {
  const out = clone(b);
  const d = decodeEventDetail(decodeBase64(out.action_signatures[1]!.encoded_message_event_detail)) as GroupCreateDetail;
  change(d);
  out.action_signatures[1]!.encoded_message_event_detail = encodeBase64(
    encodeGroupCreateDetail({ ...d, memberIds: d.memberIds!, adminIds: d.adminIds!, conversationKeyVersion: d.conversationKeyVersion! }),
  );
  return out;
}

describe('valid bodies', () => {
  test('every member accepts the body and gets the conversation key', async () => {
    for (let i = 0; i < members.length; i++) {
      const r = await verify(body, { recipient: i });
      expect(r.problems).toEqual([]);
      expect(r.valid).toBe(true);
      expect(Buffer.from(r.conversationKey!).equals(Buffer.from(prepared.conversationKey))).toBe(true);
    }
  });

  test('every member: verdict verified, every action signature checked', async () => {
    const r = await verify(body);
    expect(r.verdict).toBe('verified');
    expect(r.actions).toEqual([
      {
        path: 'action_signatures[0]',
        type: 'keyChange',
        messageId: prepared.actionSignatures[0]!.messageId,
        signatureVersion: 7,
        signature: 'verified',
      },
      {
        path: 'action_signatures[1]',
        type: 'groupCreate',
        messageId: prepared.actionSignatures[1]!.messageId,
        signatureVersion: 7,
        signature: 'verified',
      },
    ]);
    expect(r.notes).toEqual([]);
  });

  test('without a recipient: not valid (fail-closed), verdict server-view, the v7 key-change signature recorded as needing a member', async () => {
    const r = await verify(body, { recipient: null });
    expect(r.valid).toBe(false);
    expect(r.verdict).toBe('server-view');
    expect(r.problems).toEqual([]);
    expect(r.conversationKey).toBeUndefined();
    expect(r.actions.map((a) => a.signature)).toEqual(['needs-recipient', 'verified']);
    expect(r.notes.join(' ')).toMatch(/action_signatures\[0\].*recipient/);
    // The server's view is an explicit choice.
    const s = await verify(body, { recipient: null, serverView: true });
    expect(s).toMatchObject({ valid: true, verdict: 'server-view' });
  });

  test('a minimal group (no title, avatar, TTL; admins default to the creator) verifies', async () => {
    const p = await prepareGroupCreate({
      publicKeys: members.map((m) => m.publicKeyInput),
      sender: senderOf(members[0]!),
      conversationId: 'g1',
      memberIds: ['111', '222'],
    });
    const b = createGroupRequest(p);
    expect(b.group_admins).toEqual(['111']);
    expect(b).not.toHaveProperty('group_name');
    expect(b).not.toHaveProperty('ttl_msec');
    const r = await verify(b);
    expect(r.problems).toEqual([]);
    // The server defaults absent admins to the creator, which matches this detail.
    const { group_admins: _, ...noAdmins } = b;
    expect((await verify(noAdmins)).valid).toBe(true);
  });
});

describe('every tampering is rejected with a problem that names it', () => {
  test('renamed group in the body', async () => {
    const b = clone(body);
    b.group_name = 'Team!';
    expectRejected(await verify(b), 'TITLE_MISMATCH');
    const r = await verify(b);
    expect(r.problems.find((p) => p.code === 'TITLE_MISMATCH')!.path).toBe('group_name');
  });

  test('renamed group in body and detail: the signature no longer verifies', async () => {
    const b = withCreateDetail(body, (d) => (d.title = 'Pwned'));
    b.group_name = 'Pwned';
    const r = await verify(b);
    expectRejected(r, 'SIGNATURE_INVALID');
    expect(r.problems.find((p) => p.code === 'SIGNATURE_INVALID')!.path).toBe('action_signatures[1].message_event_signature.signature');
  });

  test('signed title removed from the body, or a title added', async () => {
    const b = clone(body);
    delete b.group_name;
    expectRejected(await verify(b), 'TITLE_MISMATCH');
    const c = clone(body);
    c.group_avatar_url = 'https://evil.example/x.png';
    expectRejected(await verify(c), 'AVATAR_MISMATCH');
  });

  test('dropped member', async () => {
    const b = clone(body);
    b.group_members = ['111', '222', '333'];
    expectRejected(await verify(b), 'MEMBERS_MISMATCH', 'PARTICIPANT_KEY_EXTRA');
    // Dropping the member's wrapped key as well still disagrees with the signed detail.
    b.conversation_participant_keys = b.conversation_participant_keys.filter((k) => k.user_id !== '444');
    expectRejected(await verify(b), 'MEMBERS_MISMATCH', 'PARTICIPANT_KEYS_MISMATCH');
  });

  test('extra member, in the body only and in body and detail', async () => {
    const b = clone(body);
    b.group_members = [...b.group_members, '999'];
    expectRejected(await verify(b), 'MEMBERS_MISMATCH', 'PARTICIPANT_KEY_MISSING');
    const c = withCreateDetail(body, (d) => d.memberIds!.push('999'));
    c.group_members.push('999');
    expectRejected(await verify(c), 'SIGNATURE_INVALID', 'PARTICIPANT_KEY_MISSING');
  });

  test('members reordered', async () => {
    const b = clone(body);
    b.group_members = ['222', '111', '333', '444'];
    expectRejected(await verify(b), 'MEMBERS_MISMATCH');
  });

  test('flipped signature byte, on each action', async () => {
    for (const i of [0, 1]) {
      const b = clone(body);
      const sig = decodeBase64(b.action_signatures[i]!.message_event_signature.signature);
      flip(sig, 20, 0x01);
      b.action_signatures[i]!.message_event_signature.signature = encodeBase64NoPad(sig);
      const r = await verify(b);
      expectRejected(r, 'SIGNATURE_INVALID');
      expect(r.problems.some((p) => p.path.startsWith(`action_signatures[${i}]`))).toBe(true);
    }
  });

  test('other key version in the body', async () => {
    const b = clone(body);
    b.conversation_key_version = String(BigInt(b.conversation_key_version) + 1n);
    expectRejected(await verify(b), 'KEY_VERSION_MISMATCH');
  });

  test('other key version in the group-create detail: signed, so the signature fails', async () => {
    const b = withCreateDetail(body, (d) => (d.conversationKeyVersion = '1'));
    expectRejected(await verify(b), 'SIGNATURE_INVALID', 'KEY_VERSION_MISMATCH');
  });

  test('swapped wrapped keys, in the body only', async () => {
    const b = clone(body);
    const [k0, k1] = b.conversation_participant_keys;
    [k0!.encrypted_conversation_key, k1!.encrypted_conversation_key] = [k1!.encrypted_conversation_key, k0!.encrypted_conversation_key];
    expectRejected(await verify(b), 'PARTICIPANT_KEYS_MISMATCH');
  });

  test('swapped wrapped keys in body and key-change detail: the affected member cannot unwrap', async () => {
    const b = clone(body);
    const [k0, k1] = b.conversation_participant_keys;
    [k0!.encrypted_conversation_key, k1!.encrypted_conversation_key] = [k1!.encrypted_conversation_key, k0!.encrypted_conversation_key];
    const d = decodeEventDetail(decodeBase64(b.action_signatures[0]!.encoded_message_event_detail)) as KeyChangeDetail;
    b.action_signatures[0]!.encoded_message_event_detail = encodeBase64(
      encodeKeyChangeDetail({
        conversationKeyVersion: d.conversationKeyVersion!,
        participantKeys: b.conversation_participant_keys.map((k) => ({
          userId: k.user_id,
          encryptedKey: k.encrypted_conversation_key,
          publicKeyVersion: k.public_key_version,
        })),
      }),
    );
    // At v7 the wrapped keys are not signed; member 222 (index 1) is the one who notices.
    expectRejected(await verify(b, { recipient: 1 }), 'UNWRAP_FAILED');
  });

  test('wrong sender: another member, and a user without a known key', async () => {
    expectRejected(await verify(body, { senderId: '222' }), 'SIGNATURE_INVALID');
    expectRejected(await verify(body, { senderId: '555' }), 'SENDER_NOT_MEMBER', 'SIGNING_KEY_NOT_FOUND');
  });

  test('an outsider re-signs the body with their own key and embeds it: embedded keys are never trusted', async () => {
    const b = clone(body);
    const backend = await resolveBackend('noble');
    const a = b.action_signatures[1]!;
    const d = decodeEventDetail(decodeBase64(a.encoded_message_event_detail)) as GroupCreateDetail;
    const payload = groupCreatePayload(7, {
      messageId: a.message_id,
      senderId: '111',
      conversationKeyVersion: d.conversationKeyVersion!,
      memberIds: d.memberIds!,
      title: d.title,
      avatarUrl: d.avatarUrl,
    });
    a.message_event_signature.signature = encodeBase64NoPad(
      await backend.sign(outsider.identity.signingPrivateKey, new TextEncoder().encode(payload)),
    );
    a.message_event_signature.signing_public_key = encodeBase64(outsider.identity.signingPublicKey);
    expectRejected(await verify(b), 'SIGNATURE_INVALID');
  });

  test('TTL that differs from the detail, is removed, or is added (not signed at v7: the detail is its anchor)', async () => {
    const b = clone(body);
    b.ttl_msec = '1000';
    expectRejected(await verify(b), 'TTL_MISMATCH');
    delete b.ttl_msec;
    expectRejected(await verify(b), 'TTL_MISMATCH');
    const p = await prepareGroupCreate({
      publicKeys: members.map((m) => m.publicKeyInput),
      sender: senderOf(members[0]!),
      conversationId: GROUP,
      memberIds: ['111', '222'],
    });
    const c = createGroupRequest(p);
    c.ttl_msec = '5';
    expectRejected(await verify(c), 'TTL_MISMATCH');
    c.ttl_msec = '-5';
    expectRejected(await verify(c), 'TTL_INVALID');
  });

  test('admin list that differs from the detail (not signed at v7: the detail is its anchor)', async () => {
    const b = clone(body);
    b.group_admins = ['111', '222', '333'];
    expectRejected(await verify(b), 'ADMINS_MISMATCH');
    delete b.group_admins; // the server would default to the creator alone
    expectRejected(await verify(b), 'ADMINS_MISMATCH');
    const c = clone(body);
    c.group_admins = ['111', '999'];
    expectRejected(await verify(c), 'ADMINS_MISMATCH', 'ADMIN_NOT_MEMBER');
  });

  test('signature version below the minimum (downgrade) or above the maximum', async () => {
    for (const v of ['0', '1', '8', '70']) {
      const b = clone(body);
      b.action_signatures[1]!.message_event_signature.signature_version = v;
      const r = await verify(b);
      expectRejected(r, 'SIGNATURE_VERSION_UNSUPPORTED');
      expect(r.problems.find((p) => p.code === 'SIGNATURE_VERSION_UNSUPPORTED')!.path).toBe(
        'action_signatures[1].message_event_signature.signature_version',
      );
    }
    // A lower but accepted version is checked with that version's payload, so the v7 signature fails.
    const b = clone(body);
    b.action_signatures[1]!.message_event_signature.signature_version = '3';
    expectRejected(await verify(b), 'SIGNATURE_INVALID');
  });

  test('signing-key version that the sender does not have, and a key whose binding fails', async () => {
    const b = clone(body);
    b.action_signatures[1]!.message_event_signature.public_key_version = '1';
    expectRejected(await verify(b), 'SIGNING_KEY_NOT_FOUND');
    const keys = signingKeys.map((k) =>
      k.userId === '111' ? { ...k, identityPublicKey: members[1]!.signingKeyEntry.identityPublicKey } : k,
    );
    expectRejected(await verify(body, { keys }), 'KEY_BINDING_INVALID');
  });

  test('conversation id changed: only a member can tell (bound by the v7 key-change signature)', async () => {
    const b = clone(body);
    b.conversation_id = 'g42';
    expect(await verify(b, { recipient: null })).toMatchObject({ valid: false, verdict: 'server-view', problems: [] });
    expectRejected(await verify(b), 'SIGNATURE_INVALID');
    b.conversation_id = '111-222';
    expectRejected(await verify(b, { recipient: null }), 'CONVERSATION_ID_INVALID');
  });

  test('without a recipient the key-change signing key is still selected and its binding checked', async () => {
    const b = clone(body);
    b.action_signatures[0]!.message_event_signature.public_key_version = '999';
    expectRejected(await verify(b, { recipient: null }), 'SIGNING_KEY_NOT_FOUND');
    expect((await verify(b, { recipient: null })).problems[0]!.path).toBe(
      'action_signatures[0].message_event_signature.public_key_version',
    );
    const keys = signingKeys.map((k) =>
      k.userId === '111' ? { ...k, identityPublicKey: members[1]!.signingKeyEntry.identityPublicKey } : k,
    );
    expectRejected(await verify(body, { recipient: null, keys }), 'KEY_BINDING_INVALID');
  });

  test('actions out of the SDK order (group create before key change)', async () => {
    const b = clone(body);
    b.action_signatures.reverse();
    const r = await verify(b);
    expectRejected(r, 'ACTION_SIGNATURE_ORDER');
    expect(r.problems.map((p) => p.code)).toEqual(['ACTION_SIGNATURE_ORDER']);
  });

  test('a key-change entry carrying signature_payload (the plaintext key) is refused; the builder never writes one', async () => {
    const b = clone(body);
    b.action_signatures[0]!.signature_payload = 'ConversationKeyChangeEvent,...';
    const r = await verify(b);
    expectRejected(r, 'SIGNATURE_PAYLOAD_EXPOSES_KEY');
    expect(r.problems[0]!.path).toBe('action_signatures[0].signature_payload');
    // A hand-made prepared change with a payload on its key change: the body leaves it out.
    const leaky = {
      ...prepared,
      actionSignatures: [{ ...prepared.actionSignatures[0]!, signaturePayload: 'secret' }, prepared.actionSignatures[1]!],
    };
    const built = createGroupRequest(leaky);
    expect(built.action_signatures[0]).not.toHaveProperty('signature_payload');
    expect(built.action_signatures[1]).toHaveProperty('signature_payload');
  });

  test('key-change signature tampered: caught by a member, noted as unchecked without one', async () => {
    const b = clone(body);
    const sig = decodeBase64(b.action_signatures[0]!.message_event_signature.signature);
    flip(sig, 0, 0x40);
    b.action_signatures[0]!.message_event_signature.signature = encodeBase64NoPad(sig);
    const server = await verify(b, { recipient: null, serverView: true });
    expect(server).toMatchObject({ valid: true, verdict: 'server-view' });
    expect(server.notes).toHaveLength(1);
    const member = await verify(b);
    expectRejected(member, 'SIGNATURE_INVALID');
    expect(member.verdict).toBe('invalid');
    expect(member.actions.map((a) => a.signature)).toEqual(['failed', 'verified']);
  });

  test('missing, duplicated or extra actions and participant keys', async () => {
    const b = clone(body);
    delete (b as Partial<CreateGroupBody>).action_signatures;
    expectRejected(await verify(b), 'ACTION_SIGNATURE_MISSING');
    const c = clone(body);
    c.action_signatures = [c.action_signatures[1]!];
    expectRejected(await verify(c), 'ACTION_SIGNATURE_MISSING');
    const d = clone(body);
    d.action_signatures.push(clone(d.action_signatures[1]!));
    expectRejected(await verify(d), 'ACTION_SIGNATURE_UNEXPECTED', 'DUPLICATE_MESSAGE_ID');
    const e = clone(body);
    e.conversation_participant_keys.push(clone(e.conversation_participant_keys[0]!));
    expectRejected(await verify(e), 'PARTICIPANT_KEY_DUPLICATE');
    const f = clone(body);
    f.group_members = [...f.group_members, '111'];
    expectRejected(await verify(f), 'DUPLICATE_MEMBER');
  });

  test('schema problems and unknown fields', async () => {
    const b = clone(body) as Partial<CreateGroupBody> & Record<string, unknown>;
    delete b.group_members;
    b.group_nmae = 'typo';
    const r = await verify(b);
    expectRejected(r, 'SCHEMA', 'UNKNOWN_FIELD');
    expect(r.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['group_members', 'group_nmae']));
    for (const junk of [null, 42, 'body', [], {}]) expect((await verify(junk)).valid).toBe(false);
  });

  test('recipient who is not a member, or who holds the wrong key', async () => {
    const r = await verifyCreateGroupRequest(body, {
      senderId: '111',
      signingKeys,
      recipient: { userId: '999', identityPrivateKey: outsider.identity.identityPrivateKey },
    });
    expectRejected(r, 'RECIPIENT_NOT_MEMBER');
    const w = await verifyCreateGroupRequest(body, {
      senderId: '111',
      signingKeys,
      recipient: { userId: '222', identityPrivateKey: outsider.identity.identityPrivateKey },
    });
    expectRejected(w, 'UNWRAP_FAILED');
  });

  test('undecodable detail and malformed signature', async () => {
    const b = clone(body);
    b.action_signatures[1]!.encoded_message_event_detail = 'AAAA';
    expectRejected(await verify(b), 'DETAIL_UNDECODABLE');
    const c = clone(body);
    c.action_signatures[1]!.message_event_signature.signature = 'AAAA';
    expectRejected(await verify(c), 'SIGNATURE_MALFORMED');
  });

  test('malformed options throw typed errors instead of reporting', async () => {
    await expect(verifyCreateGroupRequest(body, { senderId: 'abc', signingKeys })).rejects.toMatchObject({
      code: 'ERR_INVALID_USER_ID',
      field: 'options.senderId',
    });
    await expect(verifyCreateGroupRequest(body, { senderId: '111', signingKeys: 'x' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'options.signingKeys',
    });
    await expect(
      verifyCreateGroupRequest(body, {
        senderId: '111',
        signingKeys,
        recipient: { userId: '222', identityPrivateKey: new Uint8Array(32) },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
  });
});

describe('the base64 pattern of event details', () => {
  test('a long detail (past 64 KiB) with a character outside the pattern is SCHEMA once, from its decoding; a short one once, from the schema', async () => {
    for (const text of ['A'.repeat(70_000) + '!', 'AAAA!']) {
      const b = clone(body);
      b.action_signatures[1]!.encoded_message_event_detail = text;
      const r = await verify(b);
      const at = r.problems.filter((p) => p.path === 'action_signatures[1].encoded_message_event_detail');
      expect(
        at.filter((p) => p.code === 'SCHEMA'),
        String(text.length),
      ).toHaveLength(1);
      expect(at.map((p) => p.code)).toContain('DETAIL_UNDECODABLE');
      expect(r.valid).toBe(false);
    }
  });
});

describe('member-add and key-change bodies: every tampering is rejected too', () => {
  let addBody: AddMembersBody;
  let keysBody: AddConversationKeysBody;
  let newcomer: Member;
  let addKeys: SigningKeyEntry[];
  beforeAll(async () => {
    newcomer = (await makeMembers(['555']))[0]!;
    const all = [...members, newcomer];
    addKeys = all.map((m) => m.signingKeyEntry);
    addBody = addMembersRequest(
      await prepareGroupMembersChange({
        publicKeys: all.map((m) => m.publicKeyInput),
        sender: senderOf(members[0]!),
        conversationId: GROUP,
        newMemberIds: ['555'],
        currentMemberIds: ['111', '222', '333', '444'],
        currentAdminIds: ['111'],
        currentTitle: 'Team',
      }),
    );
    keysBody = addConversationKeysRequest(
      await prepareConversationKeyChange({
        publicKeys: members.map((m) => m.publicKeyInput),
        sender: senderOf(members[0]!),
        conversationId: GROUP,
        memberIds: ['111', '222', '333', '444'],
      }),
    );
  });
  const verifyAdd = (b: unknown, recipientIndex: number | null = 4, senderId = '111') =>
    verifyAddMembersRequest(b, {
      conversationId: GROUP,
      senderId,
      signingKeys: addKeys,
      ...(recipientIndex === null
        ? {}
        : {
            recipient:
              recipientIndex === 4
                ? { userId: '555', identityPrivateKey: newcomer.identity.identityPrivateKey }
                : recipient(recipientIndex),
          }),
    });
  const verifyKeys = (b: unknown, opts: { recipientIndex?: number | null; conversationId?: string; senderId?: string } = {}) =>
    verifyAddConversationKeysRequest(b, {
      conversationId: opts.conversationId ?? GROUP,
      senderId: opts.senderId ?? '111',
      signingKeys,
      ...(opts.recipientIndex === null ? {} : { recipient: recipient(opts.recipientIndex ?? 2) }),
    });
  const flipSig = <B extends { action_signatures?: { message_event_signature: { signature: string } }[] }>(b: B, i: number): B => {
    const out = clone(b);
    const sig = decodeBase64(out.action_signatures![i]!.message_event_signature.signature);
    flip(sig, 7, 0x10);
    out.action_signatures![i]!.message_event_signature.signature = encodeBase64NoPad(sig);
    return out;
  };

  test('the valid bodies pass, for the new member and an old one', async () => {
    for (const r of [await verifyAdd(addBody), await verifyAdd(addBody, 2), await verifyKeys(keysBody)]) {
      expect(r.problems).toEqual([]);
      expect(r.conversationKey).toHaveLength(32);
    }
  });

  test('member add: no wrapped keys or no key version (optional in the schema, but the key rotates)', async () => {
    const { conversation_participant_keys: _k, ...noKeys } = addBody;
    expectRejected(await verifyAdd(noKeys, null), 'PARTICIPANT_KEY_MISSING');
    const { conversation_key_version: _v, ...noVersion } = addBody;
    expectRejected(await verifyAdd(noVersion, null), 'KEY_VERSION_MISSING');
  });

  test('member add: renamed new member, dropped or extra wrapped key, flipped signatures, wrong sender', async () => {
    const renamed = clone(addBody);
    renamed.user_ids = ['556'];
    expectRejected(await verifyAdd(renamed), 'MEMBERS_MISMATCH');
    const dropped = clone(addBody);
    dropped.conversation_participant_keys = dropped.conversation_participant_keys!.filter((k) => k.user_id !== '333');
    expectRejected(await verifyAdd(dropped), 'PARTICIPANT_KEY_MISSING', 'PARTICIPANT_KEYS_MISMATCH');
    const extra = clone(addBody);
    extra.conversation_participant_keys!.push({ ...extra.conversation_participant_keys![0]!, user_id: '999' });
    expectRejected(await verifyAdd(extra), 'PARTICIPANT_KEY_EXTRA');
    expectRejected(await verifyAdd(flipSig(addBody, 1), null), 'SIGNATURE_INVALID');
    expectRejected(await verifyAdd(flipSig(addBody, 0)), 'SIGNATURE_INVALID');
    expectRejected(await verifyAdd(addBody, null, '222'), 'SIGNATURE_INVALID');
    const version = clone(addBody);
    version.conversation_key_version = '1';
    expectRejected(await verifyAdd(version, null), 'KEY_VERSION_MISMATCH');
  });

  test('member add: a validly signed add that names no new member', async () => {
    const b = clone(addBody);
    const a = b.action_signatures![1]!;
    const d = decodeEventDetail(decodeBase64(a.encoded_message_event_detail)) as Required<GroupMemberAddDetail>;
    a.encoded_message_event_detail = encodeBase64(encodeGroupMemberAddDetail({ ...d, memberIds: [] }));
    const payload = groupMemberAddPayload(7, {
      messageId: a.message_id,
      senderId: '111',
      conversationId: GROUP,
      memberIds: [],
      currentMemberIds: d.currentMemberIds,
      currentAdminIds: d.currentAdminIds,
      currentPendingMemberIds: d.currentPendingMemberIds ?? [],
      currentTitle: d.currentTitle,
      conversationKeyVersion: d.conversationKeyVersion,
      screenCaptureBlockingEnabled: d.screenCaptureBlockingEnabled,
    });
    const sig = await (await resolveBackend()).sign(members[0]!.identity.signingPrivateKey, new TextEncoder().encode(payload));
    a.message_event_signature.signature = encodeBase64NoPad(sig);
    b.user_ids = [];
    const r = await verifyAdd(b, null);
    expectRejected(r, 'NO_NEW_MEMBERS');
    // The signature itself is sound: the refusal is about what was signed.
    expect(codes(r)).not.toContain('SIGNATURE_INVALID');
  });

  test('key change: flipped signature, dropped key, other version, other conversation, wrong sender', async () => {
    expectRejected(await verifyKeys(flipSig(keysBody, 0)), 'SIGNATURE_INVALID');
    const dropped = clone(keysBody);
    dropped.conversation_participant_keys.pop();
    expectRejected(await verifyKeys(dropped, { recipientIndex: 0 }), 'PARTICIPANT_KEY_MISSING');
    const version = clone(keysBody);
    version.conversation_key_version = '1';
    expectRejected(await verifyKeys(version), 'KEY_VERSION_MISMATCH');
    expectRejected(await verifyKeys(keysBody, { conversationId: 'g42' }), 'SIGNATURE_INVALID');
    expectRejected(await verifyKeys(keysBody, { senderId: '222' }), 'SIGNATURE_INVALID');
  });

  test('a signed detail whose participant key lacks its user id is reported, not thrown', async () => {
    const b = clone(keysBody);
    const d = decodeEventDetail(decodeBase64(b.action_signatures![0]!.encoded_message_event_detail)) as KeyChangeDetail;
    // A description with every field optional, to write what no honest encoder writes.
    const Key = struct('ConversationParticipantKey', {
      userId: field(1, T.string),
      encryptedKey: field(2, T.string),
      publicKeyVersion: field(3, T.string),
    });
    const Change = struct('ConversationKeyChangeEvent', {
      conversationKeyVersion: field(1, T.string),
      participantKeys: field(2, T.list(T.struct(() => Key))),
      forKeyRotation: field(5, T.bool),
    });
    const Detail = union('MessageEventDetail', {
      change: field(
        3,
        T.struct(() => Change),
      ),
    });
    const raw = {
      change: {
        conversationKeyVersion: d.conversationKeyVersion,
        participantKeys: d.participantKeys!.map((k, i) => ({
          ...(i === 0 ? {} : { userId: k.userId }),
          encryptedKey: k.encryptedKey,
          publicKeyVersion: k.publicKeyVersion,
        })),
        forKeyRotation: false,
      },
    };
    b.action_signatures![0]!.encoded_message_event_detail = encodeBase64(encodeStruct(Detail, raw));
    for (const recipientIndex of [null, 2]) expectRejected(await verifyKeys(b, { recipientIndex }), 'DETAIL_UNDECODABLE');
  });
});
