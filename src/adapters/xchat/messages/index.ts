/**
 * The sending half of X Chat's message layer (docs/xchat-sending.md): messages, replies, edits,
 * reactions and deletes, their request bodies, and the media upload flow.
 *
 * @module
 */
export { encryptMessage } from './message.js';
export { encryptReply } from './reply.js';
export { encryptEdit, encryptAddReaction, encryptRemoveReaction } from './targets.js';
export { prepareMessageDelete } from './delete.js';
export {
  sendMessageRequest,
  deleteMessagesRequest,
  conversationPath,
  type SendMessageBody,
  type SendMessageRequestOptions,
  type DeleteMessagesBody,
  type DeleteMessagesRequestOptions,
  type ConversationEndpoint,
} from './requests.js';
export {
  mediaUploadInitializeRequest,
  mediaUploadAppendRequest,
  mediaUploadAppendRequests,
  mediaUploadFinalizeRequest,
  mediaUploadPath,
  mediaDownloadPath,
  mediaAttachment,
  MEDIA_SEGMENT_SIZE,
  MAX_MEDIA_SEGMENTS,
  type MediaUpload,
  type MediaAttachmentInput,
  type MediaUploadInitializeBody,
  type MediaUploadAppendBody,
  type MediaUploadFinalizeBody,
} from './media.js';
export type * from './types.js';
