/**
 * chat-keykit: end-to-end-encryption keys for group chats, wire-compatible with X Chat.
 *
 * - crypto core (`core/`): identities, conversation keys, ECIES wrapping, signed changes,
 *   message/metadata secretboxes and media streams;
 * - wire formats (`wire/`): base64 flavours, key encodings, Thrift events, signed payloads,
 *   the key-rotation payload;
 * - adapters (`adapters/`): X API request bodies and their verifier.
 *
 * @module
 */
export {
  ErrorCodes,
  KeykitError,
  InvalidInputError,
  DecodeError,
  VerificationError,
  UnsupportedVersionError,
  InternalError,
  type ErrorCode,
} from './errors.js';

export type { BackendName, ChaCha20Poly1305, CryptoBackend } from './core/backend.js';
export { resolveBackend, setDefaultBackend, type CryptoOptions } from './core/context.js';
export { SecretBytes, wipe, constantTimeEqual } from './core/secret.js';
export {
  Identity,
  generateIdentity,
  exportPrivateKeys,
  importPrivateKeys,
  buildKeyRegistration,
  verifyKeyBinding,
  publicKeyFingerprint,
  wipeIdentity,
  type KeyRegistrationBody,
  type KeyRegistrationOptions,
} from './core/identity.js';
export {
  generateConversationKey,
  wrapConversationKey,
  unwrapConversationKey,
  CONVERSATION_KEY_LENGTH,
  WRAPPED_KEY_LENGTH,
} from './core/ecies.js';
export { sealSecretbox, openSecretbox, encryptMetadata, decryptMetadata, SECRETBOX_NONCE_LENGTH, SECRETBOX_OVERHEAD } from './core/secretbox.js';
export {
  encryptMedia,
  decryptMedia,
  createMediaEncryptor,
  createMediaDecryptor,
  mediaEncryptionStream,
  mediaDecryptionStream,
  mediaCiphertextLength,
  MEDIA_HEADER_LENGTH,
  MEDIA_CHUNK_LENGTH,
  type MediaEncryptor,
  type MediaDecryptor,
  type MediaDecryptOptions,
} from './core/secretstream.js';
export {
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  canonicalConversationId,
  type PublicKeyInput,
  type Sender,
  type ActionSignature,
  type ParticipantKey,
  type PreparedConversationChange,
  type PreparedSender,
  type PreparedKeyChange,
  type PreparedGroupCreate,
  type PreparedGroupMembersChange,
  type PreparedChange,
  type PrepareOptions,
  type ConversationKeyChangeParams,
  type GroupCreateParams,
  type GroupMembersChangeParams,
} from './core/prepare.js';

export { encodeBase64, encodeBase64NoPad, encodeBase64UrlNoPad, decodeBase64, decodeBase64Url } from './wire/base64.js';
export { parsePublicKey, sec1ToSpki, SPKI_PREFIX, type PublicKeyLike } from './wire/keys.js';
export {
  encodeKeyChangeDetail,
  encodeGroupCreateDetail,
  encodeGroupMemberAddDetail,
  decodeEventDetail,
  encodeMessageEvent,
  decodeMessageEvent,
  type EventDetail,
  type KeyChangeDetail,
  type GroupCreateDetail,
  type GroupMemberAddDetail,
  type DecodedMessageEvent,
} from './wire/events.js';
export {
  keyChangePayload,
  groupCreatePayload,
  groupMemberAddPayload,
  messageCreatePayload,
  checkSignatureVersion,
  CURRENT_SIGNATURE_VERSION,
  MIN_SIGNATURE_VERSION,
  MAX_SIGNATURE_VERSION,
} from './wire/payloads.js';
export { buildKeyRotation, parseKeyRotation, type KeyRotation, type RotationMember, type RotationKeyInfo } from './wire/rotation.js';

export {
  createGroupRequest,
  addConversationKeysRequest,
  addMembersRequest,
  type CreateGroupBody,
  type AddConversationKeysBody,
  type AddMembersBody,
  type ParticipantKeyBody,
  type ActionSignatureBody,
  type RequestOptions,
  type PreparedChangeInput,
  type CreateGroupRequestOptions,
} from './adapters/xchat/requests.js';
export {
  verifyCreateGroupRequest,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  ProblemCodes,
  type SigningKeyEntry,
  type VerificationProblem,
  type VerificationReport,
  type VerifyOptions,
  type VerifyInConversationOptions,
  type VerifyRecipient,
  type ProblemCode,
} from './adapters/xchat/verify.js';
export { keyRecordFromRegistration, keyListing, type KeyRecord, type KeyListing } from './adapters/xchat/keys.js';
export { SigningKeys, assertSigningKeys, type SigningKeyLookup } from './core/trust.js';
export { openKeyChange, type KeyChangeToOpen, type OpenKeyChangeOptions } from './core/receive.js';

export {
  createSendbirdGroupChannelRequest,
  inviteSendbirdUsersRequest,
  planSendbirdSupergroup,
  updateSendbirdChannelKeyRequest,
  openSendbirdChannelKey,
  parseChannelData,
  validateGroupChannel,
  SendbirdValidationError,
  SendbirdCodes,
  SENDBIRD_BATCH,
  ENVELOPE_FIELD,
  ENVELOPE_VERSION,
  type SendbirdOptions,
  type SendbirdRequest,
  type SupergroupPlan,
  type SupergroupPlanOptions,
  type SendbirdKeyUpdate,
  type SendbirdKeyEnvelope,
  type SendbirdChannelResource,
  type OpenSendbirdChannelKeyOptions,
  type OpenedSendbirdChannelKey,
  type SendbirdProblem,
  type SendbirdGroupChannelParams,
  type CoverFileBytes,
  type InvitationStatus,
  type HiddenStatus,
} from './adapters/sendbird/index.js';
