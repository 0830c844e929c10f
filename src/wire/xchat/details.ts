/**
 * The event details the key-management calls carry (`encoded_message_event_detail`): encoders for
 * ConversationKeyChangeEvent, GroupChangeEvent.GroupCreate and GroupChangeEvent.GroupMemberAddChange
 * wrapped in MessageEventDetail, a decoder into one discriminated {@link EventDetail}, and the
 * MessageEvent envelope receivers get.
 *
 * @module
 */
import { decodeStruct, encodeStruct, type Infer } from '../thrift/index.js';
import {
  type GroupCreate,
  type GroupMemberAddChange,
  MessageEvent,
  MessageEventDetail,
  MessageEventDetailView,
  MessageEventView,
  type ConversationKeyChangeEventView,
  type ParticipantKey,
} from './events.js';

type Plain<S> = Omit<S, '$unknown'>;

/** The fields of a ConversationKeyChangeEvent detail (without the ratchet-tree change, which no check reads). */
export type KeyChangeDetail = { type: 'keyChange' } & Plain<Infer<typeof ConversationKeyChangeEventView>>;

/** The fields of a GroupChangeEvent.GroupCreate detail, with the event's `forKeyRotation` flag. */
export type GroupCreateDetail = { type: 'groupCreate' } & Plain<Infer<typeof GroupCreate>> & { forKeyRotation?: boolean };

/** The fields of a GroupChangeEvent.GroupMemberAddChange detail, with the event's `forKeyRotation` flag. */
export type GroupMemberAddDetail = { type: 'groupMemberAdd' } & Plain<Infer<typeof GroupMemberAddChange>> & { forKeyRotation?: boolean };

/** Any other MessageEventDetail variant: its decoded union value. */
export interface OtherDetail {
  type: 'other';
  value: Infer<typeof MessageEventDetailView>;
}

/** A decoded MessageEventDetail. */
export type EventDetail = KeyChangeDetail | GroupCreateDetail | GroupMemberAddDetail | OtherDetail;

/** Removes keys whose value is undefined, so that optional Thrift fields stay absent. */
function compact<V extends object>(v: V): V {
  for (const k of Object.keys(v) as (keyof V)[]) if (v[k] === undefined) delete v[k];
  return v;
}

/**
 * Encodes a ConversationKeyChangeEvent wrapped in MessageEventDetail (variant 3).
 * @throws {InternalError} `ERR_INTERNAL` for a value that does not fit the struct (a bug in the caller)
 */
export function encodeKeyChangeDetail(d: {
  conversationKeyVersion: string;
  participantKeys: readonly ParticipantKey[];
  forKeyRotation?: boolean;
}): Uint8Array {
  return encodeStruct(MessageEventDetail, {
    conversationKeyChangeEvent: {
      conversationKeyVersion: d.conversationKeyVersion,
      participantKeys: d.participantKeys.map((p) => ({
        userId: p.userId,
        encryptedKey: p.encryptedKey,
        publicKeyVersion: p.publicKeyVersion,
      })),
      forKeyRotation: d.forKeyRotation ?? false,
    },
  });
}

/**
 * Encodes a GroupChangeEvent.GroupCreate wrapped in MessageEventDetail (variant 4 → 1).
 * @throws {InternalError} `ERR_INTERNAL` for a value that does not fit the struct (a bug in the caller)
 */
export function encodeGroupCreateDetail(
  d: Omit<GroupCreateDetail, 'type'> & { memberIds: string[]; adminIds: string[]; conversationKeyVersion: string },
): Uint8Array {
  const { forKeyRotation, ...create } = d;
  return encodeStruct(MessageEventDetail, {
    groupChangeEvent: { groupChange: { groupCreate: compact({ ...create }) }, forKeyRotation: forKeyRotation ?? false },
  });
}

/**
 * Encodes a GroupChangeEvent.GroupMemberAddChange wrapped in MessageEventDetail (variant 4 → 5).
 * @throws {InternalError} `ERR_INTERNAL` for a value that does not fit the struct (a bug in the caller)
 */
export function encodeGroupMemberAddDetail(
  d: Omit<GroupMemberAddDetail, 'type'> & {
    memberIds: string[];
    currentMemberIds: string[];
    currentAdminIds: string[];
    currentPendingMemberIds: string[];
    conversationKeyVersion: string;
  },
): Uint8Array {
  const { forKeyRotation, groupInviteEnable, ...add } = d;
  return encodeStruct(MessageEventDetail, {
    groupChangeEvent: {
      groupChange: { groupMemberAddChange: compact({ ...add, groupInviteEnable: groupInviteEnable && compact({ ...groupInviteEnable }) }) },
      forKeyRotation: forKeyRotation ?? false,
    },
  });
}

/**
 * Encodes a MessageDeleteEvent wrapped in MessageEventDetail (variant 7): action 2 deletes for
 * everyone, 1 for the sender only.
 * @throws {InternalError} `ERR_INTERNAL` for a value that does not fit the struct (a bug in the caller)
 */
export function encodeMessageDeleteDetail(d: { sequenceIds: readonly string[]; deleteForAll: boolean }): Uint8Array {
  return encodeStruct(MessageEventDetail, {
    messageDeleteEvent: { sequenceIds: [...d.sequenceIds], deleteMessageAction: d.deleteForAll ? 2 : 1 },
  });
}

/**
 * Decodes a MessageEventDetail into one typed {@link EventDetail}, as a receiver reads it: within
 * a decoding budget, with the ratchet-tree change and unknown fields checked and skipped.
 * @param field - the name of the input in error messages
 * @throws {DecodeError} `ERR_INVALID_THRIFT` for bytes that are not a canonical MessageEventDetail
 * (a participant key without one of its three fields included), `ERR_TOO_LARGE` past the budget
 */
export function decodeEventDetail(bytes: Uint8Array, field = 'detail'): EventDetail {
  return typedDetail(decodeStruct(MessageEventDetailView, bytes, { field, keepUnknown: false }));
}

function typedDetail(detail: Infer<typeof MessageEventDetailView>): EventDetail {
  const kc = detail.conversationKeyChangeEvent;
  if (kc) return { type: 'keyChange', ...kc };
  const gce = detail.groupChangeEvent;
  const create = gce?.groupChange?.groupCreate;
  if (gce && create) return compact({ type: 'groupCreate', ...create, forKeyRotation: gce.forKeyRotation });
  const add = gce?.groupChange?.groupMemberAddChange;
  if (gce && add) return compact({ type: 'groupMemberAdd', ...add, forKeyRotation: gce.forKeyRotation });
  return { type: 'other', value: detail };
}

/** The MessageEvent envelope a receiver gets (`encoded_event`, `conversation_key_events[]`), for building one. */
export interface EnvelopeFields {
  sequenceId?: string;
  messageId?: string;
  senderId?: string;
  conversationId?: string;
  createdAtMsec?: string;
  /** Encoded MessageEventDetail bytes. */
  detail?: Uint8Array;
  signature?: { signature: string; publicKeyVersion: string; signatureVersion: string; signingPublicKey?: string };
}

/**
 * Encodes a MessageEvent envelope (what the backend delivers), from an already-encoded detail.
 * @throws {DecodeError} `ERR_INVALID_THRIFT` or `ERR_TOO_LARGE` for a `detail` that does not decode
 * @throws {InternalError} `ERR_INTERNAL` for a value that does not fit the struct (a bug in the caller)
 */
export function encodeMessageEvent(e: EnvelopeFields): Uint8Array {
  const sig = e.signature;
  return encodeStruct(
    MessageEvent,
    compact({
      sequenceId: e.sequenceId,
      messageId: e.messageId,
      senderId: e.senderId,
      conversationId: e.conversationId,
      createdAtMsec: e.createdAtMsec,
      detail: e.detail && decodeStruct(MessageEventDetail, e.detail),
      messageEventSignature: sig && compact({ ...sig }),
    }),
  );
}

/** A decoded MessageEvent envelope. */
export interface DecodedMessageEvent {
  sequenceId?: string;
  messageId?: string;
  senderId?: string;
  conversationId?: string;
  createdAtMsec?: string;
  detail?: EventDetail;
  signature?: { signature?: string; publicKeyVersion?: string; signatureVersion?: string; signingPublicKey?: string };
}

/**
 * Decodes a MessageEvent envelope and its detail (the detail as {@link decodeEventDetail} reads it).
 * @throws {DecodeError} `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE`
 */
export function decodeMessageEvent(bytes: Uint8Array, field = 'event'): DecodedMessageEvent {
  const ev = decodeStruct(MessageEventView, bytes, { field, keepUnknown: false });
  const sig = ev.messageEventSignature;
  const detail = ev.detail && typedDetail(ev.detail);
  return compact({
    sequenceId: ev.sequenceId,
    messageId: ev.messageId,
    senderId: ev.senderId,
    conversationId: ev.conversationId,
    createdAtMsec: ev.createdAtMsec,
    detail,
    signature:
      sig &&
      compact({
        signature: sig.signature,
        publicKeyVersion: sig.publicKeyVersion,
        signatureVersion: sig.signatureVersion,
        signingPublicKey: sig.signingPublicKey,
      }),
  });
}
