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
