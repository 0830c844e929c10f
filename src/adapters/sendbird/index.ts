/**
 * The Sendbird adapter: group channels and Supergroups on Sendbird's Platform API, with
 * end-to-end encryption from chat-keykit's core.
 *
 * @module
 */
export {
  createSendbirdGroupChannelRequest,
  inviteSendbirdUsersRequest,
  planSendbirdSupergroup,
  updateSendbirdChannelKeyRequest,
  type SendbirdOptions,
  type SendbirdRequest,
  type SupergroupPlan,
  type SupergroupPlanOptions,
  type SendbirdKeyUpdate,
} from './requests.js';
export {
  prepareSendbirdChannelKey,
  openSendbirdChannelKey,
  type SendbirdChannelKeyParams,
  type PreparedSendbirdChannelKey,
  type SendbirdChannelResource,
  type OpenSendbirdChannelKeyOptions,
  type OpenedSendbirdChannelKey,
} from './channel-key.js';
export { parseChannelData, ENVELOPE_FIELD, ENVELOPE_VERSION, type SendbirdKeyEnvelope } from './envelope.js';
export { sendbirdKeyRecord } from './keys.js';
export { recordSendbirdChannelKey, type SendbirdKeyHistory, type RecordSendbirdChannelKeyOptions } from './key-history.js';
export { prepareSendbirdMessage, prepareSendbirdMessageEdit, prepareSendbirdFileMessage } from './message-prepare.js';
export {
  DEFAULT_PLACEHOLDER,
  ENCRYPTED_FILE_NAME,
  type SendbirdMessageKey,
  type SendbirdMessageOptions,
  type SendbirdMessageExtras,
  type SendbirdMessageParams,
  type SendbirdMessageEditParams,
  type SendbirdFileMessageParams,
  type PreparedSendbirdMessage,
  type PreparedSendbirdFileMessage,
} from './message-params.js';
export { sendbirdMessageRequest, sendbirdFileMessageRequest, type SendbirdMessageRequestOptions } from './message-requests.js';
export { openSendbirdMessage, openSendbirdMessages } from './message-open.js';
export {
  DEFAULT_ROTATION_GRACE_MS,
  type OpenSendbirdMessageOptions,
  type OpenedSendbirdMessage,
  type OpenedSendbirdFile,
  type OpenedSendbirdMessages,
  type SendbirdMessageResult,
} from './message-types.js';
export { openSendbirdFile, createSendbirdFileDecryptor, sendbirdFileDecryptionStream, type OpenSendbirdFileOptions } from './file-open.js';
export {
  parseMessageData,
  MESSAGE_FIELD,
  MESSAGE_VERSION,
  type SendbirdMessageDocument,
  type SendbirdMessageKind,
} from './message-data.js';
export { isChannelUrl, assertChannelUrl } from './rules.js';
export {
  validateGroupChannel,
  SendbirdValidationError,
  SendbirdCodes,
  SENDBIRD_BATCH,
  type SendbirdProblem,
  type SendbirdGroupChannelParams,
  type CoverFileBytes,
  type InvitationStatus,
  type HiddenStatus,
} from './validate.js';
