/**
 * signatures.json: the signed payload strings of five events at every signature version 2–7,
 * all signed by user 111's signing key, with the inputs they are built from.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { resolveBackend } from '../../backends.js';
import {
  decodeBase64,
  encodeBase64,
  encodeBase64NoPad,
  groupCreatePayload,
  groupMemberAddPayload,
  keyChangePayload,
  messageCreatePayload,
} from '../../wire.js';
import { fromHex, GROUP, header, NOW, stream, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { bool, hex, list, num, object, oneOf, optional, str, type Read } from '../read.js';
import { userOf, type VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';

/** The inputs of the key-change payloads. */
export interface KeyChangeInput {
  messageId: string;
  senderId: string;
  conversationId: string;
  conversationKeyVersion: string;
  /** Hex: signed by versions 6 and 7. */
  conversationKey: string;
  /** The wrapped keys signed by versions 2 to 5. */
  participantKeys: { userId: string; encryptedKey: string; publicKeyVersion: string }[];
}

/** The inputs of the group-create payloads. */
export interface GroupCreateInput {
  messageId: string;
  senderId: string;
  conversationKeyVersion: string;
  memberIds: string[];
  isLegacyGroupUpgrade?: boolean;
  title?: string;
  avatarUrl?: string;
}

/** The inputs of the member-add payloads (JSON numbers where the SDK takes numbers). */
export interface GroupMemberAddInput {
  messageId: string;
  senderId: string;
  conversationId: string;
  memberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentPendingMemberIds: string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  currentTtlMsec?: number;
  conversationKeyVersion: string;
  screenCaptureBlockingEnabled?: boolean;
  groupInviteEnable?: { inviteUrl?: string; affiliateId?: string; expiresAtMsec?: number };
}

/** The inputs of the message-create payloads. */
export interface MessageCreateInput {
  messageId: string;
  senderId: string;
  conversationId: string;
  conversationKeyVersion: string;
  /** Hex: 64 random bytes standing in for the encrypted message. */
  contents: string;
}

/** The values the payloads are built from, one object per event, camelCase. */
export interface SignatureInputs {
  key_change: KeyChangeInput;
  group_create: GroupCreateInput;
  group_member_add: GroupMemberAddInput;
  group_member_add_invite: GroupMemberAddInput;
  message_create: MessageCreateInput;
}

/** The signed events, in the file's order. */
export const SIGNED_EVENTS = [
  'ConversationKeyChangeEvent',
  'GroupChangeEvent.GroupCreate',
  'GroupChangeEvent.GroupMemberAddChange',
  'GroupChangeEvent.GroupMemberAddChange+invite',
  'MessageCreateEvent',
] as const;
export type SignedEvent = (typeof SIGNED_EVENTS)[number];

/** The file's own top-level fields. */
export interface SignaturesTop {
  signer_user_id: string;
  signer_private_hex: string;
  signer_public_sec1_b64: string;
  inputs: SignatureInputs;
}

/** One payload and its signature. */
export interface SignatureVector {
  id: string;
  event: SignedEvent;
  signature_version: number;
  payload: string;
  payload_sha256_hex: string;
  signature_b64: string;
}

export type SignaturesFile = Header & SignaturesTop & { vectors: SignatureVector[] };

/** The inputs of the signature vectors. */
function signatureInputs(users: VectorUser[]): SignatureInputs {
  const random = stream('chat-keykit vectors: signatures');
  const key = random(32);
  const wrapped = users.slice(0, 2).map((u, i) => ({
    userId: u.userId,
    encryptedKey: encodeBase64(Uint8Array.from([4, ...random(112)])),
    publicKeyVersion: String(1700000000000 + i),
  }));
  return {
    key_change: {
      messageId: 'msg-key-change',
      senderId: '111',
      conversationId: GROUP,
      conversationKeyVersion: String(NOW),
      conversationKey: toHex(key),
      participantKeys: wrapped,
    },
    group_create: {
      messageId: 'msg-group-create',
      senderId: '111',
      conversationKeyVersion: String(NOW),
      memberIds: ['111', '222', '333'],
      title: 'Team',
      avatarUrl: 'https://example.com/a.png',
    },
    group_member_add: {
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
    group_member_add_invite: {
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
    message_create: {
      messageId: 'msg-message',
      senderId: '111',
      conversationId: '111:222',
      conversationKeyVersion: String(NOW),
      contents: toHex(random(64)),
    },
  };
}

/** The payload of `event` at signature `version`, from the inputs. */
function payloadOf(event: SignedEvent, version: number, inputs: SignatureInputs): string {
  switch (event) {
    case 'ConversationKeyChangeEvent':
      return keyChangePayload(version, { ...inputs.key_change, conversationKey: fromHex(inputs.key_change.conversationKey) });
    case 'GroupChangeEvent.GroupCreate':
      return groupCreatePayload(version, inputs.group_create);
    case 'GroupChangeEvent.GroupMemberAddChange':
      return groupMemberAddPayload(version, inputs.group_member_add);
    case 'GroupChangeEvent.GroupMemberAddChange+invite':
      return groupMemberAddPayload(version, inputs.group_member_add_invite);
    case 'MessageCreateEvent':
      return messageCreatePayload(version, { ...inputs.message_create, contents: fromHex(inputs.message_create.contents) });
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function generate(users: VectorUser[]): Promise<SignaturesFile> {
  const backend = await resolveBackend('noble');
  const signer = userOf(users, '111');
  const inputs = signatureInputs(users);
  const vectors: SignatureVector[] = [];
  for (const event of SIGNED_EVENTS) {
    for (let version = 2; version <= 7; version++) {
      const payload = payloadOf(event, version, inputs);
      const sig = await backend.sign(signer.identity.signingPrivateKey, utf8(payload));
      vectors.push({
        id: `${event}-v${version}`,
        event,
        signature_version: version,
        payload,
        payload_sha256_hex: toHex(sha256(utf8(payload))),
        signature_b64: encodeBase64NoPad(sig),
      });
    }
  }
  return {
    ...header(
      'Signed payload strings for every signature version the verifier accepts (2 to 7) and their ECDSA-P256-SHA256 RFC 6979 signatures (raw r‖s, not low-S normalised).',
    ),
    signer_user_id: signer.userId,
    signer_private_hex: toHex(signer.identity.signingPrivateKey),
    signer_public_sec1_b64: encodeBase64(signer.identity.signingPublicKey),
    inputs,
    vectors,
  };
}

/** Rebuilds each payload from the inputs, re-signs it (RFC 6979 is deterministic) and verifies the file's signature. */
export async function check(c: Checker, file: FileBody<SignaturesTop, SignatureVector>): Promise<void> {
  const backend = await resolveBackend();
  const priv = fromHex(file.signer_private_hex);
  await c.vector('(signer)', async () => {
    const noble = await resolveBackend('noble');
    c.eq('(signer)', 'signer_public_sec1_b64', encodeBase64(await noble.getPublicKey(priv)), file.signer_public_sec1_b64);
  });
  const pub = decodeBase64(file.signer_public_sec1_b64);
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const payload = payloadOf(v.event, v.signature_version, file.inputs);
      c.eq(v.id, 'payload', payload, v.payload);
      c.eq(v.id, 'payload_sha256_hex', toHex(sha256(utf8(payload))), v.payload_sha256_hex);
      c.eq(v.id, 'signature_b64', encodeBase64NoPad(await backend.sign(priv, utf8(payload))), v.signature_b64);
      c.eq(v.id, 'signature verifies', await backend.verify(pub, utf8(v.payload), decodeBase64(v.signature_b64)), true);
    });
  }
}

const ids = list(str);

const readMemberAdd: Read<GroupMemberAddInput> = object((f) => ({
  messageId: f('messageId', str),
  senderId: f('senderId', str),
  conversationId: f('conversationId', str),
  memberIds: f('memberIds', ids),
  currentMemberIds: f('currentMemberIds', ids),
  currentAdminIds: f('currentAdminIds', ids),
  currentPendingMemberIds: f('currentPendingMemberIds', ids),
  currentTitle: f('currentTitle', optional(str)),
  currentAvatarUrl: f('currentAvatarUrl', optional(str)),
  currentTtlMsec: f('currentTtlMsec', optional(num)),
  conversationKeyVersion: f('conversationKeyVersion', str),
  screenCaptureBlockingEnabled: f('screenCaptureBlockingEnabled', optional(bool)),
  groupInviteEnable: f(
    'groupInviteEnable',
    optional(
      object((g) => ({
        inviteUrl: g('inviteUrl', optional(str)),
        affiliateId: g('affiliateId', optional(str)),
        expiresAtMsec: g('expiresAtMsec', optional(num)),
      })),
    ),
  ),
}));

const readInputs: Read<SignatureInputs> = object((f) => ({
  key_change: f(
    'key_change',
    object((k) => ({
      messageId: k('messageId', str),
      senderId: k('senderId', str),
      conversationId: k('conversationId', str),
      conversationKeyVersion: k('conversationKeyVersion', str),
      conversationKey: k('conversationKey', hex),
      participantKeys: k(
        'participantKeys',
        list(
          object((p) => ({ userId: p('userId', str), encryptedKey: p('encryptedKey', str), publicKeyVersion: p('publicKeyVersion', str) })),
        ),
      ),
    })),
  ),
  group_create: f(
    'group_create',
    object((g) => ({
      messageId: g('messageId', str),
      senderId: g('senderId', str),
      conversationKeyVersion: g('conversationKeyVersion', str),
      memberIds: g('memberIds', ids),
      isLegacyGroupUpgrade: g('isLegacyGroupUpgrade', optional(bool)),
      title: g('title', optional(str)),
      avatarUrl: g('avatarUrl', optional(str)),
    })),
  ),
  group_member_add: f('group_member_add', readMemberAdd),
  group_member_add_invite: f('group_member_add_invite', readMemberAdd),
  message_create: f(
    'message_create',
    object((m) => ({
      messageId: m('messageId', str),
      senderId: m('senderId', str),
      conversationId: m('conversationId', str),
      conversationKeyVersion: m('conversationKeyVersion', str),
      contents: m('contents', hex),
    })),
  ),
}));

export const readTop: Read<SignaturesTop> = object((f) => ({
  signer_user_id: f('signer_user_id', str),
  signer_private_hex: f('signer_private_hex', hex),
  signer_public_sec1_b64: f('signer_public_sec1_b64', str),
  inputs: f('inputs', readInputs),
}));

export const readVector: Read<SignatureVector> = object((f) => ({
  id: f('id', str),
  event: f('event', oneOf(...SIGNED_EVENTS)),
  signature_version: f('signature_version', num),
  payload: f('payload', str),
  payload_sha256_hex: f('payload_sha256_hex', hex),
  signature_b64: f('signature_b64', str),
}));

export const signaturesFile: VectorFile<SignaturesTop, SignatureVector> = {
  name: 'signatures.json',
  recomputed: { top: ['signer_public_sec1_b64'], vector: ['payload', 'payload_sha256_hex', 'signature_b64'] },
  readTop,
  readVector,
  generate,
  check,
};
