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
  openSendbirdChannelKey,
  parseChannelData,
  ENVELOPE_FIELD,
  ENVELOPE_VERSION,
  type SendbirdKeyEnvelope,
  type SendbirdChannelResource,
  type OpenSendbirdChannelKeyOptions,
  type OpenedSendbirdChannelKey,
} from './envelope.js';
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
