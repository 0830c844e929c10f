/**
 * chat-keykit: end-to-end-encryption keys for group chats, wire-compatible with X Chat.
 *
 * The root entry is the main flow: identities and their registration, conversation keys, the
 * prepare functions, sending messages (replies, edits, reactions, deletes), the X API request
 * bodies and their verifiers, encrypted metadata and media, errors and `SecretBytes`.
 * The rest is behind subpaths: `chat-keykit/sendbird` (the Sendbird adapter), `chat-keykit/wire`
 * (encodings and codecs), `chat-keykit/backends` (crypto backends), `chat-keykit/testing`
 * (deterministic hooks for tests, never for production).
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
export { SecretBytes, wipe, constantTimeEqual } from './core/secret.js';
export { encryptMetadata, decryptMetadata } from './core/secretbox.js';
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
} from './core/media/index.js';
export type { CryptoOptions } from './core/context.js';
export {
  Identity,
  generateIdentity,
  exportPrivateKeys,
  importPrivateKeys,
  verifyKeyBinding,
  publicKeyFingerprint,
  wipeIdentity,
} from './core/identity.js';
export {
  generateConversationKey,
  wrapConversationKey,
  unwrapConversationKey,
  CONVERSATION_KEY_LENGTH,
  WRAPPED_KEY_LENGTH,
} from './core/ecies.js';
export type { SigningKeyEntry } from './core/trust.js';
export type { RecipientKey } from './core/recipient.js';
export type { WrappingReport, WrappingPlace } from './core/wrap.js';

export { buildKeyRegistration, type KeyRegistrationBody, type KeyRegistrationOptions } from './adapters/xchat/registration.js';
export { keyRecordFromRegistration, keyListing, type KeyRecord, type KeyListing } from './adapters/xchat/keys.js';
export {
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  type PublicKeyInput,
  type Sender,
  type PreparedSender,
  type PrepareOptions,
  type ActionSignature,
  type ParticipantKey,
  type PreparedConversationChange,
  type PreparedKeyChange,
  type PreparedGroupCreate,
  type PreparedGroupMembersChange,
  type PreparedChange,
  type PreparedWrapping,
  type ConversationKeyChangeParams,
  type GroupCreateParams,
  type GroupMembersChangeParams,
} from './adapters/xchat/prepare.js';
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
  type AddMembersRequestOptions,
} from './adapters/xchat/requests.js';
export * from './adapters/xchat/messages/index.js';
export {
  verifyCreateGroupRequest,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  identifySender,
  bodyKind,
  ProblemCodes,
  DEFAULT_LIMITS,
  MAX_PROBLEMS_PER_CODE,
  type BodyKind,
  type IdentifySenderOptions,
  type SenderIdentification,
  type VerifyOptions,
  type VerifyInConversationOptions,
  type VerifyKeysOptions,
  type VerifyMembersOptions,
  type VerifyRecipient,
  type VerifyLimits,
  type VerificationProblem,
  type VerificationReport,
  type ActionCheck,
  type Verdict,
  type ProblemCode,
} from './adapters/xchat/verify/index.js';
export { openKeyChange, type KeyChangeToOpen, type OpenKeyChangeOptions } from './adapters/xchat/receive.js';
export { decryptEvents } from './adapters/xchat/events/decrypt.js';
export type {
  DecryptEventsOptions,
  DecryptEventsResult,
  DecryptedEvent,
  EventError,
  EventsResponse,
  EventsResponseItem,
  ConversationKeysInput,
  ConversationKeysResult,
  ConversationKeySet,
  ReceiverState,
} from './adapters/xchat/events/types.js';
export type {
  ReceivedEvent,
  ReceivedMessage,
  MessageContent,
  TextContent,
  Entity,
  Dimensions,
  UrlImage,
  ContentAttachment,
  AttachmentInfo,
  MediaHashReference,
  MediaTypeName,
  ReplyPreview,
  SentFrom,
  QuickReplyInfo,
  GroupChangeInfo,
  SettingsChangeInfo,
  FailureType,
  RateLimitTier,
  EventBase,
} from './adapters/xchat/events/shapes.js';
