/**
 * `chat-keykit/wire`: the wire formats: base64 flavours, key encodings, the typed Thrift codec, X
 * Chat's Thrift structs and event details, signed payload strings and the key-rotation payload.
 *
 * @module
 */
export { encodeBase64, encodeBase64NoPad, encodeBase64UrlNoPad, decodeBase64, decodeBase64Url, isCanonicalBase64 } from './wire/base64.js';
export { parsePublicKey, sec1ToSpki, SEC1_LENGTH, SPKI_LENGTH, type PublicKeyLike } from './wire/keys.js';
export { parseJsonStrict, findDuplicateKey } from './wire/json.js';
export {
  struct,
  union,
  field,
  required,
  T,
  encodeStruct,
  decodeStruct,
  MAX_DEPTH,
  MAX_DECODE_ALLOCATION,
  type StructDef,
  type ThriftType,
  type DecodeOptions,
  type Infer,
  type RawField,
  type FieldSpec,
  type StructOf,
  type UnionOf,
  type FieldEntry,
} from './wire/thrift/index.js';
import * as structs from './wire/xchat/events.js';

/** X Chat's Thrift struct descriptions (`MessageEvent`, `MessageEventDetail`, `GroupOpData`, …), frozen. */
export const XChatStructs = /* @__PURE__ */ Object.freeze({ ...structs });
export {
  encodeKeyChangeDetail,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  encodeMessageDeleteDetail,
  decodeEventDetail,
  encodeMessageEvent,
  decodeMessageEvent,
  type EventDetail,
  type KeyChangeDetail,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type OtherDetail,
  type DecodedMessageEvent,
  type EnvelopeFields,
} from './wire/xchat/details.js';
export {
  keyChangePayload,
  groupCreatePayload,
  groupMemberAddPayload,
  messageCreatePayload,
  messageDeletePayload,
  checkSignatureVersion,
  CURRENT_SIGNATURE_VERSION,
  MIN_SIGNATURE_VERSION,
  MAX_SIGNATURE_VERSION,
  type MessageCreatePayloadInput,
  type MessageDeletePayloadInput,
} from './wire/xchat/payloads.js';
export {
  conversationDeletePayload,
  markConversationReadPayload,
  markConversationUnreadPayload,
  groupChangePayload,
  metadataChangePayload,
  type ActionHead,
} from './wire/xchat/action-payloads.js';
export { buildKeyRotation, parseKeyRotation, type KeyRotation, type RotationMember, type RotationKeyInfo } from './wire/xchat/rotation.js';
