/**
 * Delivered events a reply embeds and quotes (docs/xchat-messages.md §"1.5 ReplyingToPreview"): the
 * original message, its edit, and key changes for an original under another key version.
 *
 * Embedded events are re-serialised, as the SDK does: decoded with the full MessageEvent
 * description, unknown fields dropped at every level (not kept in `$unknown`), and written back
 * with the known fields in id order. An event whose re-encoding would not be a valid Thrift value
 * (a union holding only variants unknown here) is refused.
 *
 * The original is decrypted only to copy what the preview quotes. Its key is the reply's own when
 * the versions match, else the caller's `conversationKeys`, else a key change from `replyToCkces`
 * opened with the replier's identity key. Those key changes are not verified: the key they give
 * only decrypts the original, and a wrong key cannot produce a wrong plaintext (the secretbox
 * authenticates); receivers verify the original's own signature before trusting the preview.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InternalError, InvalidInputError, KeykitError, VerificationError } from '../../../errors.js';
import { assertObject, isDetached, typeName } from '../../../guards.js';
import { assertVersion } from '../../../rules.js';
import type { CryptoBackend } from '../../../core/backend.js';
import { openWrappedKey } from '../../../core/ecies.js';
import { entryOf, type CheckedRecipient } from '../../../core/recipient.js';
import { wipe } from '../../../core/secret.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { decodeStruct, encodeStruct, type Infer } from '../../../wire/thrift/index.js';
import type { MessageEntryHolderValue } from '../../../wire/xchat/contents.js';
import { MessageEvent } from '../../../wire/xchat/events.js';
import { openEntry } from './entry.js';

/** A delivered event, decoded without unknown fields, ready to embed. */
export type RawEvent = Infer<typeof MessageEvent>;

/**
 * Decodes a delivered event (standard base64, padded or not) for embedding.
 * @throws {DecodeError} `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`, `ERR_TOO_LARGE`
 */
export function parseRawEvent(value: unknown, field: string): RawEvent {
  const event = decodeStruct(MessageEvent, decodeBase64(value, field), { field, keepUnknown: false });
  try {
    encodeStruct(MessageEvent, event);
  } catch (e) {
    if (!(e instanceof InternalError)) throw e;
    throw new DecodeError(
      ErrorCodes.INVALID_THRIFT,
      'holds a union whose only variant is unknown here, so it cannot be re-serialised for the reply preview',
      field,
    );
  }
  return event;
}

/**
 * Checks that an embedded event belongs to the reply's conversation: receivers compare it with the
 * reply's envelope byte for byte, and quoting a message of another conversation would leak it.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 */
export function assertSameConversation(event: RawEvent, conversationId: string, field: string): void {
  if (event.conversationId !== conversationId) {
    const got =
      event.conversationId === undefined ? 'no conversation id' : `conversation ${JSON.stringify(event.conversationId.slice(0, 60))}`;
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `belongs to ${got}, not to ${conversationId}: a reply quotes messages of its own conversation only`,
      field,
    );
  }
}

/** The encrypted contents of a message event and their key version. */
export function encryptedContents(event: RawEvent, field: string): { contents: Uint8Array; version: string } {
  const create = event.detail?.messageCreateEvent;
  if (!create) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'is not a message (MessageCreateEvent)', field);
  if (create.contents === undefined) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'has no contents', field);
  if (create.conversationKeyVersion === undefined) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      'is not encrypted (no conversation-key version): receivers can never verify it, so its preview could never be valid',
      field,
    );
  }
  return { contents: create.contents, version: create.conversationKeyVersion };
}

/** Checks the caller's `conversationKeys` (a record or a Map of version → 32-byte key). */
export function checkConversationKeys(value: unknown, field: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (value === undefined || value === null) return out;
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>).entries()] : Object.entries(assertObject(value, field));
  for (const [version, key] of entries) {
    const f = `${field}[${JSON.stringify(typeof version === 'string' ? version.slice(0, 30) : typeName(version))}]`;
    assertVersion(version, f);
    if (!(key instanceof Uint8Array) || isDetached(key) || key.length !== 32) {
      throw new InvalidInputError(ErrorCodes.INVALID_KEY, `expected a 32-byte conversation key, got ${typeName(key)}`, f);
    }
    out.set(version as string, key);
  }
  return out;
}

/** Where the key of an original may come from. */
export interface KeySources {
  backend: CryptoBackend;
  /** The reply's own key and version. */
  replyKey: { key: Uint8Array; version: string };
  keys: ReadonlyMap<string, Uint8Array>;
  /** The parsed `replyToCkces`, with their fields for errors. */
  keyChanges: readonly { event: RawEvent; field: string }[];
  recipient: CheckedRecipient | undefined;
}

/**
 * Opens a key from a key change of that version, if one opens: entries for the recipient only,
 * unverified (see the module comment). Null when none opens.
 */
async function keyFromKeyChanges(version: string, s: KeySources): Promise<Uint8Array | null> {
  const candidates = s.keyChanges.filter((k) => k.event.detail?.conversationKeyChangeEvent?.conversationKeyVersion === version);
  if (candidates.length === 0) return null;
  if (!s.recipient) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `is required to open the key change of version ${version} in params.replyToCkces`,
      'params.recipient',
    );
  }
  for (const { event, field } of candidates) {
    const keys = event.detail?.conversationKeyChangeEvent?.participantKeys ?? [];
    try {
      const { entry, index } = entryOf(keys, s.recipient, `${field}.participantKeys`);
      return await openWrappedKey(
        s.backend,
        entry.encryptedKey,
        s.recipient.identityPrivateKey,
        `${field}.participantKeys[${index}].encryptedKey`,
      );
    } catch (e) {
      if (!(e instanceof KeykitError)) throw e; // not for us (another version, not a member, tampered): try the next
    }
  }
  return null;
}

/**
 * Decrypts a message event with the first key that applies (the reply's, the caller's, a key
 * change's), as the SDK does, and decodes its entry without unknown fields.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when no key of its version is available
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` when the key of its version does not open it
 */
export async function decryptRawEvent(event: RawEvent, s: KeySources, field: string): Promise<MessageEntryHolderValue> {
  const { contents, version } = encryptedContents(event, field);
  if (version === s.replyKey.version) return openEntry(s.replyKey.key, contents, field, false);
  const given = s.keys.get(version);
  if (given) return openEntry(given, contents, field, false);
  const opened = await keyFromKeyChanges(version, s);
  if (!opened) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `no conversation key for version ${version} of this event: pass it in params.conversationKeys, or its key change in params.replyToCkces with params.recipient`,
      field,
    );
  }
  try {
    return openEntry(opened, contents, field, false);
  } catch (e) {
    if (KeykitError.is(e, ErrorCodes.DECRYPT_FAILED)) {
      throw new VerificationError(
        ErrorCodes.DECRYPT_FAILED,
        `does not open with the key of version ${version} from params.replyToCkces`,
        field,
      );
    }
    throw e;
  } finally {
    wipe(opened);
  }
}
