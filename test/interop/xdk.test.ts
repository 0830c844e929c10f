/**
 * Interop with the official SDK (@xdevplatform/chat-xdk 0.4.3, Rust compiled to WASM), in both
 * directions: the SDK accepts everything we produce, and we accept everything it produces.
 */
import { describe, expect, test } from 'vitest';
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRegistration,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeBase64NoPad,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeKeyChangeDetail,
  encodeMessageEvent,
  exportPrivateKeys,
  groupCreatePayload,
  groupMemberAddPayload,
  importPrivateKeys,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  publicKeyFingerprint,
  unwrapConversationKey,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  verifyKeyBinding,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type KeyChangeDetail,
} from '../helpers/kit.js';
import { flip } from '../helpers/bytes.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { envelopes, loadXdk, sdkMembers, xdkWithKeys, type XdkChat } from '../helpers/xdk.js';

const GROUP = 'g1234567890123456789';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function sdkFor(m: Member): Promise<XdkChat> {
  const chat = await xdkWithKeys(exportPrivateKeys(m.identity), m.version);
  chat.setIdentity(m.id, m.version);
  return chat;
}

describe('our identities in the SDK', () => {
  test('the SDK imports our private blob and derives the same public keys and fingerprint', async () => {
    const [alice] = await makeMembers(['111']);
    const chat = await sdkFor(alice!);
    const pub = chat.getPublicKeys();
    expect(pub.identity).toBe(encodeBase64(alice!.identity.identityPublicKey));
    expect(pub.signing).toBe(encodeBase64(alice!.identity.signingPublicKey));
    expect(chat.getPublicKeyFingerprint()).toBe(await publicKeyFingerprint(alice!.identity.identityPublicKey));
    expect(hex(chat.exportKeys())).toBe(hex(exportPrivateKeys(alice!.identity)));
  });

  test('the SDK accepts our registration: key binding and the cross signature verify', async () => {
    const [alice] = await makeMembers(['111']);
    const reg = alice!.registration.public_key;
    const chat = await sdkFor(alice!);
    expect(chat.verifyKeyBinding(reg.public_key, reg.signing_public_key, reg.identity_public_key_signature)).toBe(true);
    // signing_public_key_signature: the identity key signs the signing key's SPKI.
    expect(chat.verify(reg.public_key, decodeBase64(reg.signing_public_key_signature), decodeBase64(reg.signing_public_key))).toBe(true);
    // And a tampered binding is refused by the SDK too.
    const sig = decodeBase64(reg.identity_public_key_signature);
    flip(sig, 10, 1);
    expect(chat.verifyKeyBinding(reg.public_key, reg.signing_public_key, encodeBase64(sig))).toBe(false);
  });
});

describe('our group create, as SDK members see it', () => {
  test('every member unwraps the key; the SDK verifies and decrypts both events in their envelopes', async () => {
    const members = await makeMembers(['111', '222', '333', '444']);
    const prepared = await prepareGroupCreate({
      publicKeys: members.map((m) => m.publicKeyInput),
      sender: senderOf(members[0]!),
      conversationId: GROUP,
      memberIds: members.map((m) => m.id),
      adminIds: ['111', '222'],
      title: 'Team',
      avatarUrl: 'https://example.com/a.png',
      ttlMsec: 86_400_000,
    });
    const events = envelopes(prepared.actionSignatures, '111', GROUP, encodeMessageEvent);
    const signingKeys = members.map((m) => m.signingKeyEntry);
    for (const m of members) {
      const chat = await sdkFor(m);
      const mine = prepared.participantKeys.find((k) => k.userId === m.id)!;
      expect(hex(chat.decryptConversationKey(mine.encryptedKey))).toBe(hex(prepared.conversationKey));
      const result = chat.decryptEvents(events, signingKeys);
      expect(result.errors).toEqual({});
      expect(result.messages).toHaveLength(2);
      const [kc, gc] = result.messages.map((x) => x.event);
      expect(kc).toMatchObject({ type: 'keyChange', verified: true, keyVersion: prepared.conversationKeyVersion, senderId: '111' });
      expect(gc).toMatchObject({
        type: 'groupChange',
        verified: true,
        change: {
          change_type: 'created',
          member_ids: ['111', '222', '333', '444'],
          admin_ids: ['111', '222'],
          title: 'Team',
          avatar_url: 'https://example.com/a.png',
        },
      });
      expect(result.conversationKeys.latestVersion).toBe(prepared.conversationKeyVersion);
      expect(hex(result.conversationKeys.keys[prepared.conversationKeyVersion]!)).toBe(hex(prepared.conversationKey));
    }
  });

  test('the SDK rejects our events once tampered with or checked against the wrong signer', async () => {
    const members = await makeMembers(['111', '222']);
    const prepared = await prepareGroupCreate({
      publicKeys: members.map((m) => m.publicKeyInput),
      sender: senderOf(members[0]!),
      conversationId: GROUP,
      memberIds: ['111', '222'],
      title: 'Team',
    });
    const chat = await sdkFor(members[1]!);
    const signingKeys = members.map((m) => m.signingKeyEntry);
    const sig = decodeBase64(prepared.actionSignatures[1]!.signature);
    flip(sig, 5, 0x80);
    const flipped = [prepared.actionSignatures[0]!, { ...prepared.actionSignatures[1]!, signature: encodeBase64(sig).replace(/=+$/, '') }];
    const r1 = chat.decryptEvents(envelopes(flipped, '111', GROUP, encodeMessageEvent), signingKeys);
    expect(Object.keys(r1.errors)).toEqual(['1']);
    // The same events claimed by user 222 do not verify against 222's key.
    const r2 = chat.decryptEvents(envelopes(prepared.actionSignatures, '222', GROUP, encodeMessageEvent), signingKeys);
    expect(Object.keys(r2.errors).sort()).toEqual(['0', '1']);
  });
});

describe('our key change and member add, as SDK members see them', () => {
  test('one-to-one key change: conversation id derived as min:max, verified by the SDK', async () => {
    const [a, b] = await makeMembers(['9007199254740993', '222']);
    const prepared = await prepareConversationKeyChange({ publicKeys: [a!.publicKeyInput, b!.publicKeyInput], sender: senderOf(b!) });
    expect(prepared.conversationId).toBe('222:9007199254740993');
    const body = addConversationKeysRequest(prepared);
    expect(body.action_signatures).toHaveLength(1);
    const chat = await sdkFor(a!);
    const r = chat.decryptEvents(envelopes(prepared.actionSignatures, '222', prepared.conversationId, encodeMessageEvent), [
      a!.signingKeyEntry,
      b!.signingKeyEntry,
    ]);
    expect(r.errors).toEqual({});
    expect(r.messages[0]!.event).toMatchObject({ type: 'keyChange', verified: true });
    expect(hex(r.conversationKeys.keys[prepared.conversationKeyVersion]!)).toBe(hex(prepared.conversationKey));
  });

  test('member add: the whole new roster unwraps, both events verify in the SDK', async () => {
    const members = await makeMembers(['111', '222', '333']);
    const prepared = await prepareGroupMembersChange({
      publicKeys: members.map((m) => m.publicKeyInput),
      sender: senderOf(members[0]!),
      conversationId: GROUP,
      newMemberIds: ['333'],
      currentMemberIds: ['111', '222'],
      currentAdminIds: ['111'],
      currentTitle: 'Team',
      currentTtlMsec: 86_400_000,
      currentScreenCaptureBlockingEnabled: false,
    });
    const body = addMembersRequest(prepared);
    expect(body.user_ids).toEqual(['333']);
    const events = envelopes(prepared.actionSignatures, '111', GROUP, encodeMessageEvent);
    for (const m of members) {
      const chat = await sdkFor(m);
      const r = chat.decryptEvents(
        events,
        members.map((x) => x.signingKeyEntry),
      );
      expect(r.errors).toEqual({});
      expect(r.messages.map((x) => x.event.verified)).toEqual([true, true]);
      expect(hex(r.conversationKeys.keys[prepared.conversationKeyVersion]!)).toBe(hex(prepared.conversationKey));
    }
  });
});

describe('the SDK’s identities and changes, as we see them', () => {
  test('we import the SDK’s private blob and verify its key bindings', async () => {
    const [s] = await sdkMembers(['111']);
    const id = await importPrivateKeys(s!.chat.exportKeys());
    expect(encodeBase64(id.identityPublicKey)).toBe(s!.chat.getPublicKeys().identity);
    expect(encodeBase64(id.signingPublicKey)).toBe(s!.chat.getPublicKeys().signing);
    const e = s!.signingKeyEntry;
    expect(await verifyKeyBinding(e.identityPublicKey, e.publicKey, e.identityPublicKeySignature)).toBe(true);
    // SDK semantics: the binding signs the SPKI as served; the SEC1 form of the same key fails.
    expect(await verifyKeyBinding(s!.chat.getPublicKeys().identity, e.publicKey, e.identityPublicKeySignature)).toBe(false);
    expect(s!.chat.verifyKeyBinding(s!.chat.getPublicKeys().identity, e.publicKey, e.identityPublicKeySignature)).toBe(false);
  });

  test('we accept the SDK’s group create, rebuild its details and payload byte for byte, and unwrap every key', async () => {
    const sdk = await sdkMembers(['111', '222', '333']);
    const prepared = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: sdk.map((m) => m.publicKeyInput),
      conversationId: GROUP,
      memberIds: ['111', '222', '333'],
      adminIds: ['111'],
      title: 'Team',
      ttlMsec: 86_400_000,
    });
    // Details: decode, re-encode with our encoders, compare bytes.
    const kcBytes = decodeBase64(prepared.actionSignatures[0]!.encodedMessageEventDetail);
    const kc = decodeEventDetail(kcBytes) as KeyChangeDetail;
    expect(hex(encodeKeyChangeDetail({ conversationKeyVersion: kc.conversationKeyVersion!, participantKeys: kc.participantKeys! }))).toBe(
      hex(kcBytes),
    );
    const gcBytes = decodeBase64(prepared.actionSignatures[1]!.encodedMessageEventDetail);
    const gc = decodeEventDetail(gcBytes) as GroupCreateDetail;
    expect(gc).toMatchObject({ memberIds: ['111', '222', '333'], adminIds: ['111'], title: 'Team', ttlMsec: 86_400_000n });
    expect(
      hex(
        encodeGroupCreateDetail({
          memberIds: gc.memberIds!,
          adminIds: gc.adminIds!,
          title: gc.title,
          conversationKeyVersion: gc.conversationKeyVersion!,
          ttlMsec: gc.ttlMsec,
        }),
      ),
    ).toBe(hex(gcBytes));
    expect(
      groupCreatePayload(7, {
        messageId: prepared.actionSignatures[1]!.messageId,
        senderId: '111',
        conversationKeyVersion: prepared.conversationKeyVersion,
        memberIds: gc.memberIds!,
        title: 'Team',
      }),
    ).toBe(prepared.actionSignatures[1]!.signaturePayload);

    const body = createGroupRequest(prepared);
    const signingKeys = sdk.map((m) => m.signingKeyEntry);
    for (const m of sdk) {
      const me = await importPrivateKeys(m.chat.exportKeys());
      const report = await verifyCreateGroupRequest(body, {
        senderId: '111',
        signingKeys,
        recipient: { userId: m.id, identityPrivateKey: me.identityPrivateKey },
      });
      expect(report.problems).toEqual([]);
      expect(report.valid).toBe(true);
      expect(hex(report.conversationKey!)).toBe(hex(prepared.conversationKey));
      const mine = prepared.participantKeys.find((k) => k.userId === m.id)!;
      expect(hex(await unwrapConversationKey(mine.encryptedKey, me.identityPrivateKey))).toBe(hex(prepared.conversationKey));
    }
  });

  test('our registration body for the SDK’s keys is the SDK’s own, field for field', async () => {
    const { Chat } = await loadXdk();
    const chat = new Chat();
    const g = chat.generateKeypairs();
    const reg = await buildKeyRegistration(await importPrivateKeys(chat.exportKeys()), {
      version: g.version!,
      generateVersion: g.generateVersion,
    });
    expect(reg).toEqual({
      public_key: {
        public_key: g.publicKey.publicKey,
        signing_public_key: g.publicKey.signingPublicKey,
        identity_public_key_signature: g.publicKey.identityPublicKeySignature,
        signing_public_key_signature: g.publicKey.signingPublicKeySignature,
        public_key_fingerprint: g.publicKey.publicKeyFingerprint,
        registration_method: g.publicKey.registrationMethod,
      },
      version: g.version,
      generate_version: g.generateVersion,
    });
    chat.free();
  });

  test('every tampering of a body made from the SDK’s group create is rejected', async () => {
    const sdk = await sdkMembers(['111', '222', '333']);
    const prepared = sdk[0]!.chat.prepareGroupCreate({
      publicKeys: sdk.map((m) => m.publicKeyInput),
      conversationId: GROUP,
      memberIds: ['111', '222', '333'],
      adminIds: ['111'],
      title: 'Team',
      ttlMsec: 86_400_000,
    });
    const body = createGroupRequest(prepared);
    const signingKeys = sdk.map((m) => m.signingKeyEntry);
    const member = await importPrivateKeys(sdk[2]!.chat.exportKeys());
    const verify = (b: unknown, senderId = '111') =>
      verifyCreateGroupRequest(b, { senderId, signingKeys, recipient: { userId: '333', identityPrivateKey: member.identityPrivateKey } });
    expect((await verify(body)).valid).toBe(true);
    const tamper = (f: (b: typeof body) => void) => {
      const b = structuredClone(body);
      f(b);
      return b;
    };
    const flipped = (b: typeof body, i: number) => {
      const sig = decodeBase64(b.action_signatures[i]!.message_event_signature.signature);
      flip(sig, 5, 0x04);
      b.action_signatures[i]!.message_event_signature.signature = encodeBase64NoPad(sig);
    };
    const cases: [string, unknown, string, string?][] = [
      ['renamed group', tamper((b) => (b.group_name = 'Other')), 'TITLE_MISMATCH'],
      ['dropped member', tamper((b) => b.group_members.pop()), 'MEMBERS_MISMATCH'],
      ['extra member', tamper((b) => b.group_members.push('444')), 'MEMBERS_MISMATCH'],
      ['flipped key-change signature byte', tamper((b) => flipped(b, 0)), 'SIGNATURE_INVALID'],
      ['flipped group-create signature byte', tamper((b) => flipped(b, 1)), 'SIGNATURE_INVALID'],
      [
        'other key version',
        tamper((b) => (b.conversation_key_version = String(BigInt(b.conversation_key_version) + 1n))),
        'KEY_VERSION_MISMATCH',
      ],
      [
        'swapped wrapped keys',
        tamper((b) => {
          const [x, y] = b.conversation_participant_keys;
          [x!.encrypted_conversation_key, y!.encrypted_conversation_key] = [y!.encrypted_conversation_key, x!.encrypted_conversation_key];
        }),
        'PARTICIPANT_KEYS_MISMATCH',
      ],
      ['TTL differing from the detail', tamper((b) => (b.ttl_msec = '1000')), 'TTL_MISMATCH'],
      ['admin list differing from the detail', tamper((b) => (b.group_admins = ['111', '222'])), 'ADMINS_MISMATCH'],
      ['wrong sender', body, 'SIGNATURE_INVALID', '222'],
    ];
    for (const [name, b, code, sender] of cases) {
      const r = await verify(b, sender);
      expect(r.valid, name).toBe(false);
      expect(
        r.problems.map((p) => p.code),
        name,
      ).toContain(code);
    }
  });

  test('we accept the SDK’s key change and member add', async () => {
    const sdk = await sdkMembers(['111', '222', '333']);
    const signingKeys = sdk.map((m) => m.signingKeyEntry);
    const me = await importPrivateKeys(sdk[1]!.chat.exportKeys());
    const recipient = { userId: '222', identityPrivateKey: me.identityPrivateKey };

    const rotation = sdk[0]!.chat.prepareConversationKeyChange({ publicKeys: sdk.map((m) => m.publicKeyInput), conversationId: GROUP });
    const r1 = await verifyAddConversationKeysRequest(addConversationKeysRequest(rotation), {
      senderId: '111',
      conversationId: GROUP,
      signingKeys,
      recipient,
    });
    expect(r1.problems).toEqual([]);
    expect(hex(r1.conversationKey!)).toBe(hex(rotation.conversationKey));

    const add = sdk[0]!.chat.prepareGroupMembersChange({
      publicKeys: sdk.map((m) => m.publicKeyInput),
      conversationId: GROUP,
      newMemberIds: ['333'],
      currentMemberIds: ['111', '222'],
      currentAdminIds: ['111'],
      currentPendingMemberIds: [],
      currentTitle: 'Team',
    });
    const addBytes = decodeBase64(add.actionSignatures[1]!.encodedMessageEventDetail);
    const d = decodeEventDetail(addBytes) as GroupMemberAddDetail;
    expect(
      hex(
        encodeGroupMemberAddDetail({
          memberIds: d.memberIds!,
          currentMemberIds: d.currentMemberIds!,
          currentAdminIds: d.currentAdminIds!,
          currentPendingMemberIds: d.currentPendingMemberIds!,
          currentTitle: d.currentTitle,
          conversationKeyVersion: d.conversationKeyVersion!,
        }),
      ),
    ).toBe(hex(addBytes));
    expect(
      groupMemberAddPayload(7, {
        messageId: add.actionSignatures[1]!.messageId,
        senderId: '111',
        conversationId: GROUP,
        memberIds: ['333'],
        currentMemberIds: ['111', '222'],
        currentAdminIds: ['111'],
        currentPendingMemberIds: [],
        currentTitle: 'Team',
        conversationKeyVersion: add.conversationKeyVersion,
      }),
    ).toBe(add.actionSignatures[1]!.signaturePayload);
    const r2 = await verifyAddMembersRequest(addMembersRequest(add), { senderId: '111', conversationId: GROUP, signingKeys, recipient });
    expect(r2.problems).toEqual([]);
    expect(hex(r2.conversationKey!)).toBe(hex(add.conversationKey));
  });

  test('a mixed group: SDK members and ours in one create, each side reads the other', async () => {
    const ours = await makeMembers(['111', '222']);
    const theirs = await sdkMembers(['333', '444']);
    const publicKeys = [...ours.map((m) => m.publicKeyInput), ...theirs.map((m) => m.publicKeyInput)];
    const signingKeys = [...ours.map((m) => m.signingKeyEntry), ...theirs.map((m) => m.signingKeyEntry)];
    const memberIds = ['111', '222', '333', '444'];
    // We create; SDK members verify.
    const mine = await prepareGroupCreate({ publicKeys, sender: senderOf(ours[0]!), conversationId: GROUP, memberIds });
    const r = theirs[0]!.chat.decryptEvents(envelopes(mine.actionSignatures, '111', GROUP, encodeMessageEvent), signingKeys);
    expect(r.errors).toEqual({});
    expect(r.messages.every((x) => x.event.verified === true)).toBe(true);
    // The SDK creates; our members verify.
    const sdkPrepared = theirs[0]!.chat.prepareGroupCreate({
      publicKeys,
      conversationId: 'g42',
      memberIds: ['333', '111', '222', '444'],
      adminIds: ['333'],
    });
    const report = await verifyCreateGroupRequest(createGroupRequest(sdkPrepared), {
      senderId: '333',
      signingKeys,
      recipient: { userId: '111', identityPrivateKey: ours[0]!.identity.identityPrivateKey },
    });
    expect(report.problems).toEqual([]);
    expect(hex(report.conversationKey!)).toBe(hex(sdkPrepared.conversationKey));
  });
});
