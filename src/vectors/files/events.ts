/**
 * events.json: the Thrift (TBinaryProtocol) MessageEventDetail encodings of the request vectors'
 * events with their decoded fields, and the MessageEvent envelope a member receives for the group
 * create.
 *
 * @module
 */
import {
  decodeBase64,
  decodeEventDetail,
  decodeMessageEvent,
  encodeBase64,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeKeyChangeDetail,
  encodeMessageEvent,
} from '../../wire.js';
import { fromHex, GROUP, header, NOW, toHex, toJsonValue, type Header, type Json } from '../common.js';
import type { Checker } from '../diff.js';
import { bool, decimal, hex, list, object, oneOf, optional, str, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';
import { preparedChanges } from './requests.js';

/** The decoded fields of a ConversationKeyChangeEvent detail. */
export interface KeyChangeFields {
  type: 'keyChange';
  conversationKeyVersion: string;
  participantKeys: { userId: string; encryptedKey: string; publicKeyVersion: string }[];
  forKeyRotation?: boolean;
}

/** The decoded fields of a GroupChangeEvent.GroupCreate detail (i64 as decimal strings). */
export interface GroupCreateFields {
  type: 'groupCreate';
  memberIds: string[];
  adminIds: string[];
  title?: string;
  avatarUrl?: string;
  conversationKeyVersion: string;
  isLegacyGroupUpgrade?: boolean;
  ttlMsec?: string;
  forKeyRotation?: boolean;
}

/** The decoded fields of a GroupChangeEvent.GroupMemberAddChange detail (i64 as decimal strings). */
export interface GroupMemberAddFields {
  type: 'groupMemberAdd';
  memberIds: string[];
  currentMemberIds: string[];
  currentAdminIds: string[];
  currentTitle?: string;
  currentAvatarUrl?: string;
  conversationKeyVersion: string;
  currentTtlMsec?: string;
  currentPendingMemberIds: string[];
  screenCaptureBlockingEnabled?: boolean;
  groupInviteEnable?: { expiresAtMsec?: string; inviteUrl?: string; affiliateId?: string };
  adminSettings?: {
    editGroupInfo?: boolean;
    editMessageTtl?: boolean;
    blockScreenCapture?: boolean;
    addMember?: boolean;
    sendMessage?: boolean;
    startCall?: boolean;
  };
  forKeyRotation?: boolean;
}

/** The fields of a MessageEvent envelope; `detail` is the id of the detail vector it carries. */
export interface EnvelopeFields {
  sequence_id: string;
  message_id: string;
  sender_id: string;
  conversation_id: string;
  created_at_msec: string;
  detail: string;
  signature: string;
  public_key_version: string;
  signature_version: string;
}

interface Encoding<K extends string, F> {
  id: string;
  kind: K;
  fields: F;
  hex: string;
  base64: string;
}

/** One encoding, by `kind`. */
export type EventsVector =
  | Encoding<'ConversationKeyChangeEvent', KeyChangeFields>
  | Encoding<'GroupChangeEvent.GroupCreate', GroupCreateFields>
  | Encoding<'GroupChangeEvent.GroupMemberAddChange', GroupMemberAddFields>
  | Encoding<'MessageEvent', EnvelopeFields>;

export type EventsFile = Header & { vectors: EventsVector[] };

const KINDS = [
  'ConversationKeyChangeEvent',
  'GroupChangeEvent.GroupCreate',
  'GroupChangeEvent.GroupMemberAddChange',
  'MessageEvent',
] as const;
/** The `type` of the decoded detail of each detail kind. */
const DETAIL_TYPE = {
  ConversationKeyChangeEvent: 'keyChange',
  'GroupChangeEvent.GroupCreate': 'groupCreate',
  'GroupChangeEvent.GroupMemberAddChange': 'groupMemberAdd',
} as const;

/** Decoded detail fields as JSON (bigints as decimal strings). */
const detailJson = (bytes: Uint8Array): Json => toJsonValue(decodeEventDetail(bytes));

export async function generate(users: VectorUser[]): Promise<EventsFile> {
  const { create, add } = await preparedChanges(users);
  const [keyChange, groupCreate] = create.actionSignatures;
  const memberAdd = add.actionSignatures[1];
  if (!keyChange || !groupCreate || !memberAdd) throw new Error('generator: missing actions');
  // The decoded fields are read back through this file's readers: the generator writes only what the check accepts.
  const encoding = <const K extends string, F>(id: string, kind: K, b64: string, read: Read<F>): Encoding<K, F> => {
    const bytes = decodeBase64(b64);
    return { id, kind, fields: read(detailJson(bytes), 'fields'), hex: toHex(bytes), base64: b64 };
  };
  const envelope = encodeMessageEvent({
    sequenceId: '2070276095283454003',
    messageId: groupCreate.messageId,
    senderId: '111',
    conversationId: GROUP,
    createdAtMsec: String(NOW),
    detail: decodeBase64(groupCreate.encodedMessageEventDetail),
    signature: {
      signature: groupCreate.signature,
      publicKeyVersion: groupCreate.publicKeyVersion,
      signatureVersion: groupCreate.signatureVersion,
    },
  });
  return {
    ...header(
      'Thrift (TBinaryProtocol) MessageEventDetail encodings of the request vectors’ events, with their decoded fields, and the MessageEvent envelope a member receives for the group create.',
    ),
    vectors: [
      encoding('detail-key-change', 'ConversationKeyChangeEvent', keyChange.encodedMessageEventDetail, readKeyChange),
      encoding('detail-group-create', 'GroupChangeEvent.GroupCreate', groupCreate.encodedMessageEventDetail, readGroupCreate),
      encoding('detail-member-add', 'GroupChangeEvent.GroupMemberAddChange', memberAdd.encodedMessageEventDetail, readMemberAdd),
      {
        id: 'envelope-group-create',
        kind: 'MessageEvent',
        fields: {
          sequence_id: '2070276095283454003',
          message_id: groupCreate.messageId,
          sender_id: '111',
          conversation_id: GROUP,
          created_at_msec: String(NOW),
          detail: 'detail-group-create',
          signature: groupCreate.signature,
          public_key_version: groupCreate.publicKeyVersion,
          signature_version: groupCreate.signatureVersion,
        },
        hex: toHex(envelope),
        base64: encodeBase64(envelope),
      },
    ],
  };
}

const big = (x: string | undefined) => (x === undefined ? undefined : BigInt(x));

/** Encodes a detail from its fields. */
function encodeDetail(v: Exclude<EventsVector, { kind: 'MessageEvent' }>): Uint8Array {
  switch (v.kind) {
    case 'ConversationKeyChangeEvent':
      return encodeKeyChangeDetail(v.fields);
    case 'GroupChangeEvent.GroupCreate':
      return encodeGroupCreateDetail({ ...v.fields, ttlMsec: big(v.fields.ttlMsec) });
    case 'GroupChangeEvent.GroupMemberAddChange': {
      const invite = v.fields.groupInviteEnable;
      return encodeGroupMemberAddDetail({
        ...v.fields,
        currentTtlMsec: big(v.fields.currentTtlMsec),
        groupInviteEnable: invite && { ...invite, expiresAtMsec: big(invite.expiresAtMsec) },
      });
    }
  }
}

/**
 * Encodes each detail from its fields and decodes its bytes back to them; rebuilds the envelope
 * from its fields and the bytes of the detail it names.
 */
export async function check(c: Checker, file: FileBody<object, EventsVector>): Promise<void> {
  const byId = new Map(file.vectors.map((v) => [v.id, v]));
  for (const v of file.vectors) {
    await c.vector(v.id, () => {
      const bytes = fromHex(v.hex);
      c.eq(v.id, 'base64', encodeBase64(bytes), v.base64);
      if (v.kind === 'MessageEvent') {
        const fields = v.fields;
        const ev = decodeMessageEvent(bytes);
        const detail = byId.get(fields.detail);
        if (!detail) return c.fail(v.id, 'fields.detail', `no well-formed vector ${JSON.stringify(fields.detail)} in this file`);
        const rebuilt = encodeMessageEvent({
          sequenceId: fields.sequence_id,
          messageId: fields.message_id,
          senderId: fields.sender_id,
          conversationId: fields.conversation_id,
          createdAtMsec: fields.created_at_msec,
          detail: fromHex(detail.hex),
          signature: {
            signature: fields.signature,
            publicKeyVersion: fields.public_key_version,
            signatureVersion: fields.signature_version,
          },
        });
        c.eq(v.id, 'hex', toHex(rebuilt), v.hex);
        c.eq(v.id, 'decoded sender_id', ev.senderId, fields.sender_id);
        c.eq(v.id, 'decoded detail', ev.detail && toJsonValue(ev.detail), detail.fields);
        return;
      }
      c.eq(v.id, 'hex', toHex(encodeDetail(v)), v.hex);
      c.eq(v.id, 'fields', detailJson(bytes), v.fields);
      c.eq(v.id, 'kind', decodeEventDetail(bytes).type, DETAIL_TYPE[v.kind]);
    });
  }
}

const ids = list(str);

const readKeyChange: Read<KeyChangeFields> = object((f) => ({
  type: f('type', oneOf('keyChange')),
  conversationKeyVersion: f('conversationKeyVersion', str),
  participantKeys: f(
    'participantKeys',
    list(object((p) => ({ userId: p('userId', str), encryptedKey: p('encryptedKey', str), publicKeyVersion: p('publicKeyVersion', str) }))),
  ),
  forKeyRotation: f('forKeyRotation', optional(bool)),
}));

const readGroupCreate: Read<GroupCreateFields> = object((f) => ({
  type: f('type', oneOf('groupCreate')),
  memberIds: f('memberIds', ids),
  adminIds: f('adminIds', ids),
  title: f('title', optional(str)),
  avatarUrl: f('avatarUrl', optional(str)),
  conversationKeyVersion: f('conversationKeyVersion', str),
  isLegacyGroupUpgrade: f('isLegacyGroupUpgrade', optional(bool)),
  ttlMsec: f('ttlMsec', optional(decimal)),
  forKeyRotation: f('forKeyRotation', optional(bool)),
}));

const flag = optional(bool);
const readMemberAdd: Read<GroupMemberAddFields> = object((f) => ({
  type: f('type', oneOf('groupMemberAdd')),
  memberIds: f('memberIds', ids),
  currentMemberIds: f('currentMemberIds', ids),
  currentAdminIds: f('currentAdminIds', ids),
  currentTitle: f('currentTitle', optional(str)),
  currentAvatarUrl: f('currentAvatarUrl', optional(str)),
  conversationKeyVersion: f('conversationKeyVersion', str),
  currentTtlMsec: f('currentTtlMsec', optional(decimal)),
  currentPendingMemberIds: f('currentPendingMemberIds', ids),
  screenCaptureBlockingEnabled: f('screenCaptureBlockingEnabled', flag),
  groupInviteEnable: f(
    'groupInviteEnable',
    optional(
      object((g) => ({
        expiresAtMsec: g('expiresAtMsec', optional(decimal)),
        inviteUrl: g('inviteUrl', optional(str)),
        affiliateId: g('affiliateId', optional(str)),
      })),
    ),
  ),
  adminSettings: f(
    'adminSettings',
    optional(
      object((a) => ({
        editGroupInfo: a('editGroupInfo', flag),
        editMessageTtl: a('editMessageTtl', flag),
        blockScreenCapture: a('blockScreenCapture', flag),
        addMember: a('addMember', flag),
        sendMessage: a('sendMessage', flag),
        startCall: a('startCall', flag),
      })),
    ),
  ),
  forKeyRotation: f('forKeyRotation', flag),
}));

const readEnvelope: Read<EnvelopeFields> = object((f) => ({
  sequence_id: f('sequence_id', str),
  message_id: f('message_id', str),
  sender_id: f('sender_id', str),
  conversation_id: f('conversation_id', str),
  created_at_msec: f('created_at_msec', str),
  detail: f('detail', str),
  signature: f('signature', str),
  public_key_version: f('public_key_version', str),
  signature_version: f('signature_version', str),
}));

export const readVector: Read<EventsVector> = object((f): EventsVector => {
  const id = f('id', str);
  const kind = f('kind', oneOf(...KINDS));
  const bytes = { hex: f('hex', hex), base64: f('base64', str) };
  switch (kind) {
    case 'ConversationKeyChangeEvent':
      return { id, kind, fields: f('fields', readKeyChange), ...bytes };
    case 'GroupChangeEvent.GroupCreate':
      return { id, kind, fields: f('fields', readGroupCreate), ...bytes };
    case 'GroupChangeEvent.GroupMemberAddChange':
      return { id, kind, fields: f('fields', readMemberAdd), ...bytes };
    case 'MessageEvent':
      return { id, kind, fields: f('fields', readEnvelope), ...bytes };
  }
});

export const eventsFile: VectorFile<object, EventsVector> = {
  name: 'events.json',
  recomputed: { top: [], vector: ['hex', 'base64'] },
  readTop: object(() => ({})),
  readVector,
  generate,
  check,
};
