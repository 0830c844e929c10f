/**
 * The test-vector generator (`chat-keykit vectors generate`). Fully deterministic: fixed scalars,
 * the documented randomness stream, a fixed clock and fixed message ids, so that two runs give
 * byte-identical files. vectors/README.md documents every field.
 *
 * ECIES intermediates are computed here with noble directly, independently of `core/ecies.ts`,
 * and the generator checks that the implementation produces the same final bytes.
 *
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRegistration,
  createGroupRequest,
  exportPrivateKeys,
  importPrivateKeys,
  keyRecordFromRegistration,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  publicKeyFingerprint,
  wrapConversationKey,
  type Identity,
  type KeyRecord,
  type KeyRegistrationBody,
} from '../index.js';
import {
  buildKeyRotation,
  decodeBase64,
  decodeEventDetail,
  encodeBase64,
  encodeBase64NoPad,
  encodeMessageEvent,
  groupCreatePayload,
  groupMemberAddPayload,
  keyChangePayload,
  messageCreatePayload,
  parseKeyRotation,
  sec1ToSpki,
  type KeyRotation,
} from '../wire.js';
import {
  resolveBackend,
} from '../backends.js';
import { withTestingHooks } from '../testing.js';
import { canonicalJson, header, KEY_VERSION, messageIds, NOW, scalar, stream, toHex, toJson, USERS } from './common.js';

/** A vector user: identity scalar 2i-1, signing scalar 2i. */
export interface VectorUser extends KeyRecord {
  userId: string;
  identity: Identity;
  registration: KeyRegistrationBody;
}

/** The users of the vectors, rebuilt from their fixed scalars. */
export async function vectorUsers(): Promise<VectorUser[]> {
  return Promise.all(
    USERS.map(async (userId, i) => {
      const identity = await importPrivateKeys(Uint8Array.from([...scalar(2 * i + 1), ...scalar(2 * i + 2)]), { backend: 'noble' });
      const registration = await buildKeyRegistration(identity, { version: KEY_VERSION, backend: 'noble' });
      return { userId, identity, registration, ...keyRecordFromRegistration(userId, registration) };
    }),
  );
}

/** The common inputs of the request vectors. */
export const GROUP = 'g1234567890123456789';

/** Options making a prepare call deterministic for the vector `seed`. */
export function deterministic(seed: string, ids: number) {
  return withTestingHooks({ backend: 'noble' as const, workers: 0 }, { now: () => NOW, random: stream(seed), messageId: messageIds(ids) });
}

export async function keysFile(users: VectorUser[]) {
  return {
    ...header('Identities of fixed scalars and their registration bodies (POST /2/users/{id}/public_keys).'),
    vectors: await Promise.all(
      users.map(async (u) => ({
        id: `identity-${u.userId}`,
        user_id: u.userId,
        identity_private_hex: toHex(u.identity.identityPrivateKey),
        signing_private_hex: toHex(u.identity.signingPrivateKey),
        private_blob_b64: encodeBase64(exportPrivateKeys(u.identity)),
        identity_public_sec1_b64: encodeBase64(u.identity.identityPublicKey),
        identity_public_spki_b64: encodeBase64(sec1ToSpki(u.identity.identityPublicKey)),
        signing_public_sec1_b64: encodeBase64(u.identity.signingPublicKey),
        signing_public_spki_b64: encodeBase64(sec1ToSpki(u.identity.signingPublicKey)),
        fingerprint: await publicKeyFingerprint(u.identity.identityPublicKey),
        registration_version: KEY_VERSION,
        registration: u.registration,
      })),
    ),
  };
}

/** ECIES by hand with noble (as vectors/README.md describes it), every intermediate exposed. */
function eciesByHand(plaintext: Uint8Array, recipient: Uint8Array, e: Uint8Array) {
  const E = p256.getPublicKey(e, false);
  const Z = p256.getSharedSecret(e, recipient, true).slice(1);
  const kdfInput = Uint8Array.from([...Z, 0, 0, 0, 1, ...E]);
  const km = sha256(kdfInput);
  const sealed = gcm(km.subarray(0, 16), km.subarray(16, 32)).encrypt(plaintext);
  return { E, Z, kdfInput, km, ciphertext: sealed.subarray(0, sealed.length - 16), tag: sealed.subarray(sealed.length - 16), blob: Uint8Array.from([...E, ...sealed]) };
}

export async function eciesFile(users: VectorUser[]) {
  const random = stream('chat-keykit vectors: ecies');
  const vectors = [];
  for (const u of users) {
    const plaintext = random(32);
    let e = random(32);
    while (!p256.utils.isValidSecretKey(e)) e = random(32);
    const v = eciesByHand(plaintext, u.identity.identityPublicKey, e);
    const wrapped = await wrapConversationKey(plaintext, u.identity.identityPublicKey, withTestingHooks({ backend: 'noble' as const }, { random: () => Uint8Array.from(e) }));
    if (wrapped !== encodeBase64(v.blob)) throw new Error(`generator: the implementation's wrap differs from the by-hand ECIES for ${u.userId}`);
    vectors.push({
      id: `wrap-for-${u.userId}`,
      recipient_user_id: u.userId,
      recipient_private_hex: toHex(u.identity.identityPrivateKey),
      recipient_public_sec1_hex: toHex(u.identity.identityPublicKey),
      ephemeral_private_hex: toHex(e),
      ephemeral_public_sec1_hex: toHex(v.E),
      shared_secret_hex: toHex(v.Z),
      kdf_input_hex: toHex(v.kdfInput),
      kdf_output_hex: toHex(v.km),
      aes_key_hex: toHex(v.km.subarray(0, 16)),
      iv_hex: toHex(v.km.subarray(16, 32)),
      plaintext_hex: toHex(plaintext),
      ciphertext_hex: toHex(v.ciphertext),
      tag_hex: toHex(v.tag),
      wrapped_b64: wrapped,
    });
  }
  return { ...header('ECIES wraps of 32-byte conversation keys (P-256 ECDH, X9.63 KDF with SHA-256, AES-128-GCM with a 16-byte IV), with every intermediate.'), vectors };
}

/** The inputs of the signature vectors, one per event type. */
export function signatureInputs(users: VectorUser[]) {
  const random = stream('chat-keykit vectors: signatures');
  const key = random(32);
  const wrapped = users.slice(0, 2).map((u, i) => ({ userId: u.userId, encryptedKey: encodeBase64(Uint8Array.from([4, ...random(112)])), publicKeyVersion: String(1700000000000 + i) }));
  return {
    keyChange: { messageId: 'msg-key-change', senderId: '111', conversationId: GROUP, conversationKeyVersion: String(NOW), conversationKey: key, participantKeys: wrapped },
    groupCreate: { messageId: 'msg-group-create', senderId: '111', conversationKeyVersion: String(NOW), memberIds: ['111', '222', '333'], title: 'Team', avatarUrl: 'https://example.com/a.png' },
    groupMemberAdd: {
      messageId: 'msg-member-add',
      senderId: '111',
      conversationId: GROUP,
      memberIds: ['444'],
      currentMemberIds: ['111', '222', '333'],
      currentAdminIds: ['111'],
      currentPendingMemberIds: ['555'],
      currentTitle: 'Team',
      currentTtlMsec: 86400000,
      conversationKeyVersion: String(NOW),
      screenCaptureBlockingEnabled: false,
    },
    groupMemberAddInvite: {
      messageId: 'msg-member-add-invite',
      senderId: '111',
      conversationId: GROUP,
      memberIds: ['444'],
      currentMemberIds: ['111'],
      currentAdminIds: [],
      currentPendingMemberIds: [],
      conversationKeyVersion: String(NOW),
      groupInviteEnable: { inviteUrl: 'https://x.com/i/chat/group_join/g1', expiresAtMsec: 1795400000000 },
    },
    messageCreate: { messageId: 'msg-message', senderId: '111', conversationId: '111:222', conversationKeyVersion: String(NOW), contents: random(64) },
  };
}

/** Builds the payload of a signature vector (shared with the checker). */
export function payloadOf(event: string, version: number, inputs: ReturnType<typeof signatureInputs>): string {
  switch (event) {
    case 'ConversationKeyChangeEvent': return keyChangePayload(version, inputs.keyChange);
    case 'GroupChangeEvent.GroupCreate': return groupCreatePayload(version, inputs.groupCreate);
    case 'GroupChangeEvent.GroupMemberAddChange': return groupMemberAddPayload(version, inputs.groupMemberAdd);
    case 'GroupChangeEvent.GroupMemberAddChange+invite': return groupMemberAddPayload(version, inputs.groupMemberAddInvite);
    case 'MessageCreateEvent': return messageCreatePayload(version, inputs.messageCreate);
    default: throw new Error(`unknown event ${event}`);
  }
}

/** The signature vectors' event list. */
export const SIGNED_EVENTS = ['ConversationKeyChangeEvent', 'GroupChangeEvent.GroupCreate', 'GroupChangeEvent.GroupMemberAddChange', 'GroupChangeEvent.GroupMemberAddChange+invite', 'MessageCreateEvent'] as const;

function jsonInputs(inputs: ReturnType<typeof signatureInputs>) {
  return {
    key_change: { ...inputs.keyChange, conversationKey: toHex(inputs.keyChange.conversationKey) },
    group_create: inputs.groupCreate,
    group_member_add: inputs.groupMemberAdd,
    group_member_add_invite: inputs.groupMemberAddInvite,
    message_create: { ...inputs.messageCreate, contents: toHex(inputs.messageCreate.contents) },
  };
}

export async function signaturesFile(users: VectorUser[]) {
  const backend = await resolveBackend('noble');
  const signer = users[0] as VectorUser;
  const inputs = signatureInputs(users);
  const vectors = [];
  for (const event of SIGNED_EVENTS) {
    for (let version = 2; version <= 7; version++) {
      const payload = payloadOf(event, version, inputs);
      const sig = await backend.sign(signer.identity.signingPrivateKey, new TextEncoder().encode(payload));
      vectors.push({ id: `${event}-v${version}`, event, signature_version: version, payload, payload_sha256_hex: toHex(sha256(new TextEncoder().encode(payload))), signature_b64: encodeBase64NoPad(sig) });
    }
  }
  return {
    ...header('Signed payload strings for every signature version the verifier accepts (2 to 7) and their ECDSA-P256-SHA256 RFC 6979 signatures (raw r‖s, not low-S normalised).'),
    signer_user_id: signer.userId,
    signer_private_hex: toHex(signer.identity.signingPrivateKey),
    signer_public_sec1_b64: encodeBase64(signer.identity.signingPublicKey),
    inputs: jsonInputs(inputs),
    vectors,
  };
}

/** The three prepared changes of the request vectors. */
export async function preparedChanges(users: VectorUser[]) {
  const sender = { userId: '111', signingKeyVersion: KEY_VERSION, signingPrivateKey: (users[0] as VectorUser).identity.signingPrivateKey };
  const publicKeys = users.map((u) => u.publicKeyInput);
  const create = await prepareGroupCreate(
    { publicKeys, sender, conversationId: GROUP, memberIds: ['111', '222', '333'], adminIds: ['111', '222'], title: 'Team', ttlMsec: 86400000 },
    deterministic('chat-keykit vectors: group create', 1),
  );
  const rotate = await prepareConversationKeyChange({ publicKeys: publicKeys.slice(0, 3), sender, conversationId: GROUP, memberIds: ['111', '222', '333'] }, deterministic('chat-keykit vectors: key rotation', 2));
  const add = await prepareGroupMembersChange(
    { publicKeys, sender, conversationId: GROUP, newMemberIds: ['444'], currentMemberIds: ['111', '222', '333'], currentAdminIds: ['111', '222'], currentTitle: 'Team', currentTtlMsec: 86400000 },
    deterministic('chat-keykit vectors: member add', 3),
  );
  return { create, rotate, add };
}

/** The request vectors' inputs, as recorded in requests.json. */
export const REQUEST_INPUTS = {
  'request-group-create': {
    endpoint: 'POST /2/chat/conversations/group',
    function: 'prepareGroupCreate',
    random_seed: 'chat-keykit vectors: group create',
    message_ids_from: 1,
    params: { sender_user_id: '111', sender_signing_key_version: KEY_VERSION, conversation_id: GROUP, member_ids: ['111', '222', '333'], admin_ids: ['111', '222'], title: 'Team', ttl_msec: 86400000 },
  },
  'request-key-rotation': {
    endpoint: 'POST /2/chat/conversations/{id}/keys',
    function: 'prepareConversationKeyChange',
    random_seed: 'chat-keykit vectors: key rotation',
    message_ids_from: 2,
    params: { sender_user_id: '111', sender_signing_key_version: KEY_VERSION, conversation_id: GROUP, public_keys_of: ['111', '222', '333'] },
  },
  'request-member-add': {
    endpoint: 'POST /2/chat/conversations/{id}/members',
    function: 'prepareGroupMembersChange',
    random_seed: 'chat-keykit vectors: member add',
    message_ids_from: 3,
    params: { sender_user_id: '111', sender_signing_key_version: KEY_VERSION, conversation_id: GROUP, new_member_ids: ['444'], current_member_ids: ['111', '222', '333'], current_admin_ids: ['111', '222'], current_title: 'Team', current_ttl_msec: 86400000 },
  },
} as const;

export async function requestsFile(users: VectorUser[]) {
  const { create, rotate, add } = await preparedChanges(users);
  const recipients = (ids: string[], key: Uint8Array) =>
    ids.map((id) => ({ user_id: id, identity_private_hex: toHex((users.find((u) => u.userId === id) as VectorUser).identity.identityPrivateKey), conversation_key_hex: toHex(key) }));
  const signingKeys = users.map((u) => u.signingKeyEntry);
  const sender = (users[0] as VectorUser).identity.signingPrivateKey;
  return {
    ...header('Complete request bodies from deterministic prepare calls (clock ' + NOW + ', fixed message ids, the randomness stream of random_seed), with what a verifier needs: the signing keys as the X API serves them, each recipient’s private key and the conversation key they must obtain.'),
    now: NOW,
    public_keys: users.map((u) => u.publicKeyInput),
    signing_keys: signingKeys,
    vectors: [
      { id: 'request-group-create', ...REQUEST_INPUTS['request-group-create'], sender_signing_private_hex: toHex(sender), body: createGroupRequest(create), verify: { sender_id: '111', conversation_id: GROUP, valid: true, recipients: recipients(['111', '222', '333'], create.conversationKey) } },
      { id: 'request-key-rotation', ...REQUEST_INPUTS['request-key-rotation'], sender_signing_private_hex: toHex(sender), body: addConversationKeysRequest(rotate), verify: { sender_id: '111', conversation_id: GROUP, valid: true, recipients: recipients(['111', '222', '333'], rotate.conversationKey) } },
      { id: 'request-member-add', ...REQUEST_INPUTS['request-member-add'], sender_signing_private_hex: toHex(sender), body: addMembersRequest(add), verify: { sender_id: '111', conversation_id: GROUP, valid: true, recipients: recipients(['111', '222', '333', '444'], add.conversationKey) } },
    ],
  };
}

/** Decoded detail fields as JSON (bigints as decimal strings). */
export function detailJson(bytes: Uint8Array): unknown {
  return JSON.parse(toJson(decodeEventDetail(bytes)));
}

export async function eventsFile(users: VectorUser[]) {
  const { create, add } = await preparedChanges(users);
  const details = [
    { id: 'detail-key-change', kind: 'ConversationKeyChangeEvent', b64: create.actionSignatures[0]?.encodedMessageEventDetail as string },
    { id: 'detail-group-create', kind: 'GroupChangeEvent.GroupCreate', b64: create.actionSignatures[1]?.encodedMessageEventDetail as string },
    { id: 'detail-member-add', kind: 'GroupChangeEvent.GroupMemberAddChange', b64: add.actionSignatures[1]?.encodedMessageEventDetail as string },
  ].map((d) => {
    const bytes = decodeBase64(d.b64);
    return { id: d.id, kind: d.kind, fields: detailJson(bytes), hex: toHex(bytes), base64: d.b64 };
  });
  const a = create.actionSignatures[1];
  if (!a) throw new Error('generator: missing group-create action');
  const envelope = encodeMessageEvent({
    sequenceId: '2070276095283454003',
    messageId: a.messageId,
    senderId: '111',
    conversationId: GROUP,
    createdAtMsec: String(NOW),
    detail: decodeBase64(a.encodedMessageEventDetail),
    signature: { signature: a.signature, publicKeyVersion: a.publicKeyVersion, signatureVersion: a.signatureVersion },
  });
  return {
    ...header('Thrift (TBinaryProtocol) MessageEventDetail encodings of the request vectors’ events, with their decoded fields, and the MessageEvent envelope a member receives for the group create.'),
    vectors: [
      ...details,
      {
        id: 'envelope-group-create',
        kind: 'MessageEvent',
        fields: { sequence_id: '2070276095283454003', message_id: a.messageId, sender_id: '111', conversation_id: GROUP, created_at_msec: String(NOW), detail: 'detail-group-create', signature: a.signature, public_key_version: a.publicKeyVersion, signature_version: a.signatureVersion },
        hex: toHex(envelope),
        base64: encodeBase64(envelope),
      },
    ],
  };
}

/** The rotation vectors' inputs. */
export const ROTATIONS: { id: string; input: KeyRotation }[] = [
  {
    id: 'rotation-gen-group',
    input: { groupId: GROUP, treeVersion: '1', actionBy: { userId: '111', keyVersion: KEY_VERSION }, opType: 'genGroup', initialMembers: ['111', '222', '333'].map((userId) => ({ userId, keyVersion: KEY_VERSION })) },
  },
  {
    id: 'rotation-edit',
    input: { treeVersion: '2', actionBy: { userId: '111', keyVersion: KEY_VERSION }, opType: 'edit', membersToAdd: [{ userId: '444', keyVersion: KEY_VERSION }], membersLeft: [{ userId: '333', keyVersion: KEY_VERSION }] },
  },
];

/** A rotation's JSON form (key info bytes in hex). */
export function rotationJson(r: KeyRotation): unknown {
  return {
    ...r,
    ...(r.memberKeyInfo
      ? {
          memberKeyInfo: r.memberKeyInfo.map((k) => ({
            userId: k.userId,
            ...(k.identityPublicKey ? { identityPublicKey: toHex(k.identityPublicKey) } : {}),
            ...(k.signingPublicKey ? { signingPublicKey: toHex(k.signingPublicKey) } : {}),
            ...(k.identityKeySignature ? { identityKeySignature: toHex(k.identityKeySignature) } : {}),
          })),
        }
      : {}),
  };
}

export async function rotationFile(users: VectorUser[]) {
  const withKeys: KeyRotation = {
    treeVersion: '3',
    actionBy: { userId: '111', keyVersion: KEY_VERSION },
    opType: 'edit',
    membersUpdated: [{ userId: '222', keyVersion: KEY_VERSION }],
    memberKeyInfo: users.slice(0, 2).map((u) => ({
      userId: u.userId,
      identityPublicKey: u.identity.identityPublicKey,
      signingPublicKey: u.identity.signingPublicKey,
      identityKeySignature: decodeBase64(u.registration.public_key.identity_public_key_signature),
    })),
  };
  const all = [...ROTATIONS, { id: 'rotation-edit-with-key-info', input: withKeys }];
  return {
    ...header('base64_encoded_key_rotation payloads: padded standard base64 of a Thrift GroupOpData (trees.thrift). The official SDK never sends this field; its server semantics are unpublished.'),
    vectors: all.map(({ id, input }) => {
      const b64 = buildKeyRotation(input);
      if (canonicalJson(rotationJson(parseKeyRotation(b64))) !== canonicalJson(rotationJson(input))) throw new Error(`generator: ${id} does not round-trip`);
      return { id, input: rotationJson(input), payload_b64: b64, hex: toHex(decodeBase64(b64)) };
    }),
  };
}
