/**
 * Request bodies: signed values carried byte-identically, options, and refusal of prepared
 * changes that are not what the builder expects.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRotation,
  createGroupRequest,
  parseKeyRotation,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  type PreparedGroupCreate,
} from '../../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../../helpers/members.js';

let m: Member[];
let prepared: PreparedGroupCreate;
beforeAll(async () => {
  m = await makeMembers(['333', '111', '222']);
  prepared = await prepareGroupCreate({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[1]!),
    conversationId: 'g77',
    memberIds: ['333', '111', '222'],
    title: 'Ünïcode — title',
    avatarUrl: 'https://cdn.example/a.png',
    ttlMsec: 9_007_199_254_740_991,
  });
});

const rotation = buildKeyRotation({
  treeVersion: '1',
  actionBy: { userId: '111', keyVersion: '1700000000000' },
  opType: 'genGroup',
  initialMembers: [{ userId: '111', keyVersion: '1700000000000' }],
});

describe('createGroupRequest', () => {
  test('carries the signed values byte-identically', () => {
    const body = createGroupRequest(prepared, { description: 'not signed' });
    expect(body).toMatchObject({
      conversation_id: 'g77',
      conversation_key_version: prepared.conversationKeyVersion,
      group_members: ['333', '111', '222'],
      group_admins: ['111'],
      group_name: 'Ünïcode — title',
      group_avatar_url: 'https://cdn.example/a.png',
      group_description: 'not signed',
      ttl_msec: '9007199254740991',
    });
    expect(body.conversation_participant_keys).toEqual(
      prepared.participantKeys.map((k) => ({
        user_id: k.userId,
        encrypted_conversation_key: k.encryptedKey,
        public_key_version: k.publicKeyVersion,
      })),
    );
    expect(body.action_signatures.map((a) => a.message_id)).toEqual(prepared.actionSignatures.map((a) => a.messageId));
    const [kc, gc] = body.action_signatures;
    expect(kc).not.toHaveProperty('signature_payload');
    expect(gc!.signature_payload).toBe(prepared.actionSignatures[1]!.signaturePayload);
    expect(gc!.message_event_signature).toEqual({
      signature: prepared.actionSignatures[1]!.signature,
      public_key_version: '1700000000000',
      signature_version: '7',
      signing_public_key: prepared.sender.signingPublicKey,
    });
    expect(body).not.toHaveProperty('base64_encoded_key_rotation');
  });

  test('options: no signing key, no payload, the key rotation only when asked', () => {
    const body = createGroupRequest(prepared, { includeSigningPublicKey: false, includeSignaturePayload: false, keyRotation: rotation });
    expect(body.action_signatures.every((a) => !('signing_public_key' in a.message_event_signature) && !('signature_payload' in a))).toBe(
      true,
    );
    expect(body.base64_encoded_key_rotation).toBe(rotation);
    expect(parseKeyRotation(body.base64_encoded_key_rotation!).opType).toBe('genGroup');
    expect(() => createGroupRequest(prepared, { keyRotation: 'AAAA' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THRIFT' }));
    expect(() => createGroupRequest(prepared, { description: 5 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.description' }),
    );
  });

  test('refuses prepared changes of another kind, or that were altered after signing', async () => {
    const kc = await prepareConversationKeyChange({
      publicKeys: m.map((x) => x.publicKeyInput),
      sender: senderOf(m[1]!),
      conversationId: 'g77',
      memberIds: m.map((x) => x.id),
    });
    expect(() => createGroupRequest(kc)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'prepared.actionSignatures' }),
    );
    const swapped = { ...prepared, actionSignatures: [prepared.actionSignatures[1]!, prepared.actionSignatures[0]!] };
    expect(() => createGroupRequest(swapped)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const dropped = { ...prepared, participantKeys: prepared.participantKeys.slice(1) };
    expect(() => createGroupRequest(dropped)).toThrow(expect.objectContaining({ field: 'prepared.participantKeys' }));
    const otherVersion = { ...prepared, conversationKeyVersion: '1' };
    expect(() => createGroupRequest(otherVersion)).toThrow(expect.objectContaining({ field: 'prepared.conversationKeyVersion' }));
    expect(() => createGroupRequest(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'prepared' }));
  });
});

describe('addConversationKeysRequest and addMembersRequest', () => {
  test('key change body', async () => {
    const kc = await prepareConversationKeyChange({
      publicKeys: m.map((x) => x.publicKeyInput),
      sender: senderOf(m[1]!),
      conversationId: 'g77',
      memberIds: m.map((x) => x.id),
    });
    const body = addConversationKeysRequest(kc, { keyRotation: rotation });
    expect(Object.keys(body).sort()).toEqual([
      'action_signatures',
      'base64_encoded_key_rotation',
      'conversation_key_version',
      'conversation_participant_keys',
    ]);
    expect(body.action_signatures).toHaveLength(1);
    expect(() => addConversationKeysRequest(prepared)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  test('member add body: user_ids are the signed new members, keys cover the whole roster', async () => {
    const [n] = await makeMembers(['444']);
    const add = await prepareGroupMembersChange({
      publicKeys: [...m, n!].map((x) => x.publicKeyInput),
      sender: senderOf(m[1]!),
      conversationId: 'g77',
      newMemberIds: ['444'],
      currentMemberIds: ['333', '111', '222'],
      currentAdminIds: ['111'],
    });
    const body = addMembersRequest(add);
    expect(body.user_ids).toEqual(['444']);
    expect(body.conversation_participant_keys.map((k) => k.user_id)).toEqual(['333', '111', '222', '444']);
    expect(() => addMembersRequest(add, { keyRotation: rotation } as never)).toThrow(
      expect.objectContaining({ field: 'options.keyRotation' }),
    );
    expect(() => addMembersRequest(prepared)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
