/**
 * What `decryptEvents` takes and returns around the events (docs/xchat-receiving.md §"What comes
 * back"): the input forms, the options, the receiver state, the conversation keys per conversation,
 * errors as `{ code, message }`, and the official SDK's `DecryptEventsResult` with `state`. The
 * events themselves are in `shapes.ts`.
 *
 * @module
 */
import type { ErrorCode } from '../../../errors.js';
import type { CryptoOptions } from '../../../core/context.js';
import type { RecipientKey } from '../../../core/recipient.js';
import type { SecretBytes } from '../../../core/secret.js';
import type { SigningKeyEntry } from '../../../core/trust.js';
import type { ReceivedEvent } from './shapes.js';

/** One item of `GET /2/chat/conversations/{id}/events`' `data`. Other fields are ignored. */
export interface EventsResponseItem {
  /** The base64 Thrift MessageEvent. */
  encoded_event?: string;
  [field: string]: unknown;
}

/** The response of `GET /2/chat/conversations/{id}/events` (fields other than these are ignored). */
export interface EventsResponse {
  data?: EventsResponseItem[];
  meta?: { conversation_key_events?: string[]; [field: string]: unknown };
  [field: string]: unknown;
}

/**
 * Conversation keys the caller already holds and trusts, per conversation id (exactly as in the
 * events): either a map from key version to the 32-byte key, or an entry of a previous result's
 * `conversationKeys.byConversation` (`{ keys, … }`).
 * @example
 * { g1234: { '1700000000000': key } }
 */
export type ConversationKeysInput = Record<
  string,
  Record<string, Uint8Array> | { keys: Record<string, Uint8Array>; latestVersion?: string | null; unverified?: string[] }
>;

/** What `decryptEvents` remembers between batches: plain JSON, to be stored by the caller and passed back. */
export interface ReceiverState {
  /** Layout version of the state (1). */
  version: 1;
  /** Per conversation id, the highest key version taken from a verified key change: a floor that never goes down. */
  latestVersions: Record<string, string>;
}

/** Options of `decryptEvents`. */
export interface DecryptEventsOptions extends CryptoOptions {
  /** Who receives: their user id, identity private key and, if known, its version (key changes wrapped to another version are not theirs). */
  recipient: RecipientKey;
  /** Trusted signing keys from the key API; the only keys signatures are checked with, after their binding verifies. */
  signingKeys: SigningKeyEntry[];
  /** Keys the caller already holds (trusted), per conversation. */
  conversationKeys?: ConversationKeysInput;
  /** The state a previous call returned. */
  state?: ReceiverState;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
  /**
   * Signature checks off the calling thread: `true`/`undefined` lets the library decide (worker
   * threads for large batches on node, a few checks in flight with WebCrypto and noble), a number
   * asks for that many worker threads (node) or checks in flight (the others), `false` or 0 keeps
   * every check on the calling thread.
   */
  workers?: boolean | number;
}

/** A failed event: a stable code (see `ErrorCodes`) and a message without secrets or plaintext. */
export interface EventError {
  code: ErrorCode;
  message: string;
}

/** The keys of one conversation. */
export interface ConversationKeySet {
  /** Key version → key (printed as `[REDACTED]`). */
  keys: Record<string, SecretBytes>;
  /** The version to encrypt new messages with: the highest verified one, never below the state's floor (it may be absent from `keys`). */
  latestVersion: string | null;
  /** Versions in `keys` whose key change could not be verified: usable to read, never to be trusted or stored as trusted. */
  unverified: string[];
}

/** The conversation keys of a batch. */
export interface ConversationKeysResult {
  /** As the SDK: every version → key of the batch; a version two conversations hold different keys for is left out. */
  keys: Record<string, SecretBytes>;
  /** The highest `latestVersion` among the batch's conversations (the SDK's rule); use `byConversation` for several. */
  latestVersion: string | null;
  /** Per conversation id. */
  byConversation: Record<string, ConversationKeySet>;
}

/** One returned event, as the SDK's `DecryptedMessage`, plus the input index its errors would use. */
export interface DecryptedEvent {
  event: ReceivedEvent;
  /** The input text of the event. */
  originalB64: string;
  /** Where it came from: the array index, or `data[i]` / `meta.conversation_key_events[i]` of a response. */
  index: string;
}

/** The result of `decryptEvents`. */
export interface DecryptEventsResult {
  /** Verified events (and unsigned notices), in input order. */
  messages: DecryptedEvent[];
  conversationKeys: ConversationKeysResult;
  /** Every event not returned, by input index. */
  errors: Record<string, EventError>;
  /** The state to pass to the next call. */
  state: ReceiverState;
}
