/**
 * The `content` of a decrypted message (docs/xchat-messages.md §"4.3 `content` of a message —
 * snake_case at this level [confirmed: fed-back]"), in camelCase: which of the sixteen
 * MessageEntryContents variants it is, and its fields as the SDK surfaces them (optional parts of
 * a text message only when the message has them, `null` inside them when absent).
 *
 * @module
 */
import type { Infer } from '../../../wire/thrift/index.js';
import type { MessageContents, MessageEntryHolderValue, QuickReply, ReplyingToPreview } from '../../../wire/xchat/contents.js';
import { contentAttachmentsOf, entityOf } from './attachments.js';
import type { MessageContent, QuickReplyInfo, ReplyPreview, SentFrom, TextContent } from './shapes.js';

const SENT_FROM: readonly SentFrom[] = [
  'conversationScreenComposer',
  'notificationReply',
  'shareSheet',
  'paymentsSupportComposer',
  'messageForwardSheet',
];

const str = (v: string | undefined): string | null => v ?? null;

/** The preview of a reply as its sender claims it (fields 8 to 12 are not surfaced). */
export function previewOf(p: Infer<typeof ReplyingToPreview>, field: string): ReplyPreview {
  return {
    senderId: p.senderId === undefined ? null : p.senderId.toString(),
    messageText: str(p.messageText),
    entities: p.entities ? p.entities.map(entityOf) : null,
    attachments: p.attachments ? contentAttachmentsOf(p.attachments, `${field}.attachments`) : null,
    senderDisplayName: str(p.senderDisplayName),
    replyingToMessageSequenceId: str(p.replyingToMessageSequenceId),
    replyingToMessageId: str(p.replyingToMessageId),
  };
}

function quickReplyOf(q: Infer<typeof QuickReply>): QuickReplyInfo | undefined {
  const req = q.request?.options;
  if (req) {
    const options = req.options
      ? req.options.map((o) => ({ id: str(o.id), label: str(o.label), metadata: str(o.metadata), description: str(o.description) }))
      : null;
    return { request: { options: { id: str(req.id), options } } };
  }
  const res = q.response?.options;
  if (res)
    return {
      response: { options: { requestId: str(res.requestId), metadata: str(res.metadata), selectedOptionId: str(res.selectedOptionId) } },
    };
  return undefined;
}

function textOf(m: Infer<typeof MessageContents>, field: string): TextContent {
  const out: TextContent = { contentType: 'text', text: m.messageText ?? '' };
  if (m.entities) out.entities = m.entities.map(entityOf);
  if (m.attachments) out.attachments = contentAttachmentsOf(m.attachments, `${field}.attachments`);
  if (m.replyingToPreview) out.replyingToPreview = previewOf(m.replyingToPreview, `${field}.replyingToPreview`);
  if (m.forwardedMessage) {
    const f = m.forwardedMessage;
    out.forwardedMessage = { messageText: str(f.messageText), entities: f.entities ? f.entities.map(entityOf) : null };
  }
  if (m.sentFrom !== undefined) out.sentFrom = SENT_FROM[m.sentFrom - 1] ?? m.sentFrom;
  if (m.quickReply) {
    const q = quickReplyOf(m.quickReply);
    if (q) out.quickReply = q;
  }
  if (m.ctas) out.ctas = m.ctas.map((c) => ({ label: str(c.label), url: str(c.url) }));
  return out;
}

/**
 * The content of a decrypted entry.
 * @throws {DecodeError} `ERR_UNSAFE_INTEGER` for an attachment size, duration or dimension beyond ±2^53
 */
export function contentOf(holder: MessageEntryHolderValue, field: string): MessageContent {
  const c = holder.contents;
  if (c?.message) return textOf(c.message, `${field}.message`);
  const reaction = c?.reactionAdd ?? c?.reactionRemove;
  if (reaction)
    return {
      contentType: c?.reactionAdd ? 'reaction' : 'reactionRemoved',
      emoji: reaction.emoji ?? '',
      targetMessageId: reaction.messageSequenceId ?? '',
    };
  if (c?.messageEdit) {
    const e = c.messageEdit;
    return {
      contentType: 'edit',
      targetMessageId: e.messageSequenceId ?? '',
      newText: e.updatedText ?? '',
      ...(e.entities ? { entities: e.entities.map(entityOf) } : {}),
    };
  }
  if (c?.markConversationRead) return { contentType: 'markRead' };
  if (c?.markConversationUnread) return { contentType: 'markUnread' };
  return { contentType: 'unknown', typeId: null };
}
