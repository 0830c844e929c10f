/**
 * Verifying X API request bodies the way the server and the receiving members do
 * (docs/xchat-keys.md §"Verifying a body"). Each verifier returns a report, never throws for a bad
 * body: every problem with its code and JSON path, a record per action signature of what was
 * checked, and a verdict that says how much was verified.
 *
 * @module
 */
export { verifyCreateGroupRequest } from './create-group.js';
export { verifyAddConversationKeysRequest, type VerifyKeysOptions } from './add-keys.js';
export { verifyAddMembersRequest, type VerifyMembersOptions } from './add-members.js';
export { identifySender, bodyKind, type BodyKind, type IdentifySenderOptions, type SenderIdentification } from './sender.js';
export {
  DEFAULT_LIMITS,
  type VerifyOptions,
  type VerifyInConversationOptions,
  type VerifyRecipient,
  type VerifyLimits,
} from './context.js';
export {
  ProblemCodes,
  MAX_PROBLEMS_PER_CODE,
  type ProblemCode,
  type VerificationProblem,
  type VerificationReport,
  type ActionCheck,
  type Verdict,
} from './report.js';
