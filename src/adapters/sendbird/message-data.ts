/**
 * The `data` of an end-to-end encrypted Sendbird message (docs/sendbird.md §"The message data"):
 * a JSON document of chat-keykit's own, the `ckm` member of the message's `data` string.
 *
 * ```json
 * { "ckm": { "v": 1, "kind": "text" | "file" | "edit", "ch": "<channel URL>", "sender": "<user id>",
 *            "skv": "<signing-key version>", "ckv": "<conversation-key version>", "mid": "<message id>",
 *            "target": "<Sendbird message_id, edits only>", "ct": "<unpadded base64 secretbox>",
 *            "sig": "<unpadded base64 r‖s>" } }
 * ```
 *
 * `ct` is the secretbox of a Thrift `MessageEntryHolder`, exactly as X Chat seals message contents
 * (`message-contents.ts` says what each kind holds). `sig` signs a payload of its own (its first
 * component names it, so nothing signed for X Chat or for a key envelope fits) over every other
 * field. Only the exact text {@link messageData} writes is read back.
 *
 * @module
 */
import { DecodeError, ErrorCodes, UnsupportedVersionError } from '../../errors.js';
import { isI64Text, isUserId, isVersion } from '../../rules.js';
import { SECRETBOX_OVERHEAD } from '../../core/secretbox.js';
import { isCanonicalBase64 } from '../../wire/base64.js';
import { joinPayload } from '../../wire/payload.js';
import { isChannelUrl } from './rules.js';

/** The document's key in a message's `data`, and its version. */
export const MESSAGE_FIELD = 'ckm';
export const MESSAGE_VERSION = 1;

/** The first component of a message's signed payload: it names the payload, so no other signature fits. */
export const MESSAGE_PAYLOAD_NAME = 'chat-keykit.SendbirdMessage';

/** Longest message `data` read or written, in characters. */
export const MAX_MESSAGE_DATA_LENGTH = 1024 * 1024;

/** What a message is: a text, a file, or an edit of an earlier text message. */
export type SendbirdMessageKind = 'text' | 'file' | 'edit';

const KINDS: readonly string[] = ['text', 'file', 'edit'];

/** The message document (the `ckm` member of `data`). */
export interface SendbirdMessageDocument {
  v: 1;
  kind: SendbirdMessageKind;
  /** The channel URL. */
  ch: string;
  sender: string;
  /** The sender's signing-key version. */
  skv: string;
  /** The conversation-key version the contents are sealed under. */
  ckv: string;
  /** chat-keykit's message id (a random UUID v4): what identifies the message, signed. */
  mid: string;
  /** Edits only: the Sendbird `message_id` of the message edited (canonical decimal). */
  target?: string;
  /** Unpadded base64 of the secretbox (`nonce ‖ tag ‖ ciphertext`). */
  ct: string;
  /** Unpadded base64 `r‖s` over {@link messagePayload}. */
  sig: string;
}

/** Is `id` a message id as chat-keykit writes and reads them: 1 to 64 letters, digits, `-` and `_`? */
export function isMessageId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

/**
 * The signed payload of a message: `chat-keykit.SendbirdMessage,1,<channel URL>,<kind>,<sender>,
 * <skv>,<ckv>,<mid>,<target or empty>,<ct>`.
 */
export function messagePayload(d: Omit<SendbirdMessageDocument, 'sig'>): string {
  return joinPayload([
    ['name', MESSAGE_PAYLOAD_NAME],
    ['v', String(d.v)],
    ['ch', d.ch],
    ['kind', d.kind],
    ['sender', d.sender],
    ['skv', d.skv],
    ['ckv', d.ckv],
    ['mid', d.mid],
    ['target', d.target ?? ''],
    ['ct', d.ct],
  ]);
}

/** The message's `data` string: the document, its members in this order, no whitespace. */
export function messageData(d: SendbirdMessageDocument): string {
  const ckm =
    d.target === undefined
      ? { v: d.v, kind: d.kind, ch: d.ch, sender: d.sender, skv: d.skv, ckv: d.ckv, mid: d.mid, ct: d.ct, sig: d.sig }
      : { v: d.v, kind: d.kind, ch: d.ch, sender: d.sender, skv: d.skv, ckv: d.ckv, mid: d.mid, target: d.target, ct: d.ct, sig: d.sig };
  return JSON.stringify({ [MESSAGE_FIELD]: ckm });
}

const FIELDS = ['v', 'kind', 'ch', 'sender', 'skv', 'ckv', 'mid', 'target', 'ct', 'sig'] as const;

/** The byte length of canonical unpadded base64 of `n` characters, or -1 when no input has that length. */
function unpaddedLength(n: number): number {
  return n % 4 === 1 ? -1 : Math.floor((n * 3) / 4);
}

/**
 * Reads a message document from a message's `data`. Only the exact text {@link messageData}
 * writes is accepted (member order, no whitespace, no escapes it would not write, no extra
 * member, no duplicate key), and every field is checked, so what parses re-encodes to the same
 * text and nothing malformed reaches a check.
 * @param data - the message's `data` string
 * @param field - where it came from, for errors (`message.data`)
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when `data` is not a message document or is
 * malformed, `ERR_TOO_LARGE` past {@link MAX_MESSAGE_DATA_LENGTH}
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION` for another version
 * @example
 * const doc = parseMessageData(message.data); // doc.kind, doc.sender, doc.ckv, …
 */
export function parseMessageData(data: unknown, field = 'message.data'): SendbirdMessageDocument {
  const bad = (reason: string, f?: string): never => {
    throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, reason, f === undefined ? field : `${field}.${MESSAGE_FIELD}.${f}`);
  };
  if (typeof data !== 'string' || data.length === 0)
    bad('the message has no data, so no encrypted contents (not an end-to-end encrypted message)');
  const text = data as string;
  if (text.length > MAX_MESSAGE_DATA_LENGTH)
    throw new DecodeError(
      ErrorCodes.TOO_LARGE,
      `the message data is ${text.length} characters, above the limit of ${MAX_MESSAGE_DATA_LENGTH}`,
      field,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    bad('the message data is not JSON, so no encrypted contents');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('the message data is not a JSON object');
  const d = doc as Record<string, unknown>;
  const m = d[MESSAGE_FIELD] as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    bad(`the message data has no "${MESSAGE_FIELD}" document (not an end-to-end encrypted message)`);
  const e = m as Record<string, unknown>;
  if (e.v !== MESSAGE_VERSION) {
    throw new UnsupportedVersionError(
      ErrorCodes.UNSUPPORTED_ENVELOPE_VERSION,
      `message version ${JSON.stringify(e.v)} is not supported (this is version ${MESSAGE_VERSION})`,
      `${field}.${MESSAGE_FIELD}.v`,
    );
  }
  for (const k of Object.keys(d)) if (k !== MESSAGE_FIELD) bad(`unknown member "${k}" next to the message document`);
  for (const k of Object.keys(e)) if (!(FIELDS as readonly string[]).includes(k)) bad(`unknown field "${k}"`);
  const str = (f: 'kind' | 'ch' | 'sender' | 'skv' | 'ckv' | 'mid' | 'ct' | 'sig'): string => {
    const v = e[f];
    if (typeof v !== 'string' || v === '') bad(`${f} must be a non-empty string`, f);
    return v as string;
  };
  const kind = str('kind');
  if (!KINDS.includes(kind)) bad('kind must be text, file or edit', 'kind');
  const [ch, sender, skv, ckv, mid, ct, sig] = [str('ch'), str('sender'), str('skv'), str('ckv'), str('mid'), str('ct'), str('sig')];
  if (!isChannelUrl(ch)) bad('ch must be a Sendbird channel URL', 'ch');
  if (!isUserId(sender)) bad('sender must be a comma-free user id of 1 to 256 characters', 'sender');
  if (!isVersion(skv)) bad('skv must be a canonical decimal version', 'skv');
  if (!isVersion(ckv)) bad('ckv must be a canonical decimal version', 'ckv');
  if (!isMessageId(mid)) bad('mid must be 1 to 64 letters, digits, "-" and "_"', 'mid');
  let target: string | undefined;
  if (kind === 'edit') {
    if (!isI64Text(e.target)) bad("an edit's target must be the Sendbird message_id it edits, in canonical decimal", 'target');
    target = e.target as string;
  } else if (e.target !== undefined) bad('only an edit has a target', 'target');
  const n = unpaddedLength(ct.length);
  if (n < SECRETBOX_OVERHEAD + 1 || !isCanonicalBase64(ct, n, 'forbidden'))
    bad(`ct must be unpadded base64 of a secretbox (at least ${SECRETBOX_OVERHEAD + 1} bytes)`, 'ct');
  if (!isCanonicalBase64(sig, 64, 'forbidden')) bad('sig must be unpadded base64 of a 64-byte r‖s', 'sig');
  const out: SendbirdMessageDocument = {
    v: MESSAGE_VERSION,
    kind: kind as SendbirdMessageKind,
    ch,
    sender,
    skv,
    ckv,
    mid,
    ...(target === undefined ? {} : { target }),
    ct,
    sig,
  };
  if (messageData(out) !== text)
    bad('the message data is not in the canonical form chat-keykit writes (member order, no whitespace or escapes it would not write)');
  return out;
}
