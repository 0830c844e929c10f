/**
 * Reply-preview validation (docs/xchat-messages.md §"4.5 `replyPreviewValidation`"), the SDK's
 * eleven rules: a reply's preview claims what the quoted message said; it is `valid` only when the
 * embedded original (and edit, if any) is a message of the same conversation, signed by its
 * sender with the caller's signing keys, decrypted with a key of its own version (the batch's, or
 * an embedded key change unwrapped with the recipient's identity key), and says what is claimed.
 * An `invalid` preview never fails the reply itself.
 *
 * @module
 */
import { KeykitError } from '../../../errors.js';
import { wipe } from '../../../core/secret.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { MessageEntryHolderValue, ReplyingToPreview } from '../../../wire/xchat/contents.js';
import type { MessageEvent } from '../../../wire/xchat/events.js';
import { openEntry } from '../messages/entry.js';
import type { Detail, Envelope } from './envelope.js';
import type { KeyStore } from './keystore.js';
import type { Unwrapper } from './keychanges.js';
import { signedAction } from './signed.js';
import type { Checker } from './verify.js';

type RawEvent = Infer<typeof MessageEvent>;
type Preview = Infer<typeof ReplyingToPreview>;

/** Most embedded key changes tried per quoted event. */
export const MAX_PREVIEW_KEY_CHANGES = 8;

/** What validating a preview needs. */
export interface PreviewContext {
  checker: Checker;
  store: KeyStore;
  unwrapper: Unwrapper;
}

/** Structural equality of decoded Thrift values, ignoring unknown fields (as the SDK's typed structs do). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== '$unknown');
  const kb = Object.keys(b).filter((k) => k !== '$unknown');
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Every claimed item equals some item of the actual list (duplicates and an empty claim are fine). */
function subset(claimed: readonly unknown[], actual: readonly unknown[] | undefined): boolean {
  return claimed.every((c) => (actual ?? []).some((x) => sameValue(c, x)));
}

/**
 * Opens an embedded event of the reply's conversation: a MessageCreateEvent, signed by its
 * sender with the caller's keys, decrypted with the key of its own version. Null when any of that
 * fails.
 */
async function openEmbedded(
  raw: RawEvent,
  conversationId: string,
  ckces: readonly RawEvent[],
  ctx: PreviewContext,
  field: string,
): Promise<MessageEntryHolderValue | null> {
  if (raw.conversationId !== conversationId || !raw.detail?.messageCreateEvent) return null;
  const env: Envelope = {
    index: field,
    b64: '',
    base: { sequenceId: null, id: null, senderId: null, conversationId: null, createdAtMsec: null },
    messageId: raw.messageId,
    senderId: raw.senderId,
    conversationId: raw.conversationId,
    detail: raw.detail as Detail,
    signature: raw.messageEventSignature,
  };
  try {
    const action = signedAction(env, 'message');
    if ((await ctx.checker.check({ ...action, label: 'quoted message' })) !== null) return null;
  } catch (e) {
    if (e instanceof KeykitError) return null;
    throw e;
  }
  const create = raw.detail.messageCreateEvent;
  const version = create.conversationKeyVersion as string;
  const contents = create.contents as Uint8Array;
  const tryKey = (key: Uint8Array): MessageEntryHolderValue | null => {
    try {
      return openEntry(key, contents, field);
    } catch {
      return null;
    }
  };
  const known = ctx.store.resolve(conversationId, version);
  if ('key' in known) {
    const opened = tryKey(known.key);
    if (opened) return opened;
  }
  let tried = 0;
  for (const ckce of ckces) {
    const kc = ckce.detail?.conversationKeyChangeEvent;
    if (!kc || kc.conversationKeyVersion !== version) continue;
    if (tried++ >= MAX_PREVIEW_KEY_CHANGES) break;
    try {
      const key = await ctx.unwrapper.unwrap(kc, `${field}.rawEventCkces`);
      const opened = tryKey(key);
      wipe(key);
      if (opened) return opened;
    } catch (e) {
      if (!(e instanceof KeykitError)) throw e;
    }
  }
  return null;
}

/**
 * Validates a reply's preview, when it embeds the original (field 8); `undefined` otherwise (the
 * event then has no `replyPreviewValidation`).
 * @param conversationId - the reply's conversation id, from its envelope
 */
export async function validatePreview(
  p: Preview,
  conversationId: string,
  ctx: PreviewContext,
  field: string,
): Promise<'valid' | 'invalid' | undefined> {
  const raw = p.rawEventMessageCreate;
  if (!raw) return undefined;
  const ckces = p.rawEventCkces ?? [];
  const original = await openEmbedded(raw, conversationId, ckces, ctx, `${field}.rawEventMessageCreate`);
  const message = original?.contents?.message;
  if (!message) return 'invalid';
  if (p.senderId !== undefined && raw.senderId !== p.senderId.toString()) return 'invalid';
  if (p.replyingToMessageSequenceId !== undefined && raw.sequenceId !== p.replyingToMessageSequenceId) return 'invalid';
  if (p.replyingToMessageId !== undefined && raw.messageId !== p.replyingToMessageId) return 'invalid';
  let text = message.messageText;
  let entities = message.entities;
  if (p.rawEventEditMessage) {
    const edit = p.rawEventEditMessage;
    if (edit.senderId !== raw.senderId) return 'invalid';
    const opened = await openEmbedded(edit, conversationId, ckces, ctx, `${field}.rawEventEditMessage`);
    const e = opened?.contents?.messageEdit;
    if (!e) return 'invalid';
    text = e.updatedText;
    entities = e.entities;
  }
  if (p.messageText !== undefined && !(text ?? '').startsWith(p.messageText)) return 'invalid';
  if (p.entities !== undefined && !subset(p.entities, entities)) return 'invalid';
  if (p.attachments !== undefined && !subset(p.attachments, message.attachments)) return 'invalid';
  return 'valid';
}
