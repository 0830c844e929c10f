/**
 * Opening Sendbird messages (docs/sendbird.md §"Reading messages"): one message, or a page of
 * history, in any of the shapes Sendbird hands them out (`message-resource.ts`). Each message is
 * checked, fail-closed, in the order of that section's table: its document, its bindings to the
 * resource (channel, sender, kind, edit target), the sender's signature, replays within the batch,
 * its key version against the key history, then the key and the contents.
 *
 * Keys come from the caller (`conversationKeys`, version → key), or are opened from the
 * channel's envelopes (the current one in `channel`, earlier ones in the key history) with the
 * reader's identity key, once per version per call.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError, KeykitError, VerificationError } from '../../errors.js';
import { assertArray, assertBytes, assertObject } from '../../guards.js';
import { assertNotInFuture, assertVersion, compareVersions } from '../../rules.js';
import { clockOf, skewOf } from '../../core/clock.js';
import type { CryptoBackend } from '../../core/backend.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { mediaCiphertextLength } from '../../core/media/index.js';
import { checkRecipient, type CheckedRecipient } from '../../core/recipient.js';
import { constantTimeEqual, SecretBytes, wipe } from '../../core/secret.js';
import { verifyPayload } from '../../core/signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import { decodeBase64 } from '../../wire/base64.js';
import { openEntry } from '../xchat/messages/entry.js';
import { commitment, listedMembers, openSendbirdChannelKey, type SendbirdChannelResource } from './channel-key.js';
import { channelData, parseChannelData, type SendbirdKeyEnvelope } from './envelope.js';
import { checkKeyHistory, KEY_HISTORY_VERSION, verifiedEnvelope, type SendbirdKeyHistory } from './key-history.js';
import { readEntry, type SendbirdFileInfo } from './message-contents.js';
import { messagePayload, parseMessageData, type SendbirdMessageDocument, type SendbirdMessageKind } from './message-data.js';
import { readMessage, type MessageView } from './message-resource.js';
import { assertChannelUrl, SENDBIRD_USER_ID } from './rules.js';

/** How long after a rotation a message under the key before it is still accepted, by default: five minutes. */
export const DEFAULT_ROTATION_GRACE_MS = 300_000;

/** Options of {@link openSendbirdMessage} and {@link openSendbirdMessages}. */
export interface OpenSendbirdMessageOptions extends CryptoOptions {
  /** The channel the messages must belong to (default: the channel of the history, the channel resource, or the first message). */
  channelUrl?: string;
  /** Trusted signing keys (the SDK's `SigningKeyEntry[]`): a sender's is picked by id and version. */
  signingKeys: SigningKeyEntry[];
  /** Conversation keys the caller holds, by version (`{ [version]: key }`, as the X Chat side returns them). */
  conversationKeys?: Readonly<Record<string, Uint8Array>>;
  /** The reader's key history of the channel (`recordSendbirdChannelKey`): earlier envelopes and when each key was replaced. */
  state?: SendbirdKeyHistory;
  /**
   * The channel resource as Sendbird returns it: its current envelope is checked and recorded
   * (as `recordSendbirdChannelKey` does) for this call, and returned in the batch's `state`.
   */
  channel?: SendbirdChannelResource;
  /** The reader, to open envelopes (the current one and the history's) for keys not in `conversationKeys`. */
  userId?: string;
  identityPrivateKey?: Uint8Array;
  /** The version of the reader's identity key. */
  keyVersion?: string;
  /**
   * How long after a newer key's version a message under an older key is still accepted, in
   * milliseconds (Sendbird's `created_at`, or `updated_at` for an edit, against the newer key's
   * version, which is its creation time). Default {@link DEFAULT_ROTATION_GRACE_MS}.
   */
  rotationGraceMs?: number;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
}

/** A file message's file, as its signed, encrypted contents describe it. */
export interface OpenedSendbirdFile extends SendbirdFileInfo {
  /** Where Sendbird serves the encrypted blob (its `url`, unauthenticated: the hash decides). */
  url: string;
  /** The size the encrypted blob must have. */
  encryptedSize: number;
}

/** An opened message: its plaintext and who sent it, all checked. */
export interface OpenedSendbirdMessage {
  kind: SendbirdMessageKind;
  channelUrl: string;
  /** Sendbird's `message_id`. */
  sendbirdMessageId: number;
  /** chat-keykit's message id (signed). */
  messageId: string;
  senderId: string;
  signingKeyVersion: string;
  conversationKeyVersion: string;
  /** Sendbird's times, in milliseconds (not signed). */
  createdAt: number;
  updatedAt: number;
  /** The text, a file's caption, or an edit's new text. */
  text?: string;
  file?: OpenedSendbirdFile;
}

/** One message of a batch: opened, or refused with the error that says why. */
export type SendbirdMessageResult =
  | { ok: true; index: number; message: OpenedSendbirdMessage }
  | { ok: false; index: number; sendbirdMessageId?: number; error: KeykitError };

/** What {@link openSendbirdMessages} returns. */
export interface OpenedSendbirdMessages {
  /** One result per message, in order. */
  results: SendbirdMessageResult[];
  /** The key history with the channel's current envelope recorded, when a `state` or a `channel` was given. */
  state?: SendbirdKeyHistory;
}

/** How many messages of a batch are checked up to their signature at the same time. */
const CHECK_WINDOW = 16;

/** What stands in a batch's list of checks for a message already finished. */
const DONE: Promise<undefined> = Promise.resolve(undefined);

/** The key each opened file message was sealed under (a copy), for `openSendbirdFile`. */
const fileKeys = new WeakMap<object, SecretBytes>();

/** The key an opened file message was sealed under, if this process opened it. */
export function fileKeyOf(opened: object): SecretBytes | undefined {
  return fileKeys.get(opened);
}


/** Everything a call checks once: keys, history, reader; and the caches of one batch. */
class Opener {
  private readonly seen = new Map<string, number>();
  private readonly keys = new Map<string, Promise<SecretBytes>>();
  private readonly envelopes = new Map<string, SendbirdKeyEnvelope>();
  private readonly versions: string[];

  /** The backend the signatures of a batch are checked with: verifying off the main thread when it can. */
  private verifier: CryptoBackend;

  private constructor(
    private readonly backend: CryptoBackend,
    private readonly entries: SigningKeyEntry[],
    private readonly signingKeys: SigningKeys,
    private channelUrl: string | undefined,
    private readonly given: Map<string, SecretBytes>,
    readonly history: SendbirdKeyHistory | undefined,
    private readonly recipient: CheckedRecipient | undefined,
    private readonly grace: bigint,
    private readonly clock: { now: () => number; maxFutureSkewMs: number },
  ) {
    for (const e of history?.envelopes ?? []) this.envelopes.set(e.ckv, e);
    this.versions = [...this.envelopes.keys()];
    this.verifier = backend;
  }

  /** Checks signatures off the main thread from now on, when the backend can (a batch, with several in flight). */
  concurrently(): void {
    const off = this.backend.verifyOffThread;
    if (off) this.verifier = { ...this.backend, verify: (k, m, s) => off.call(this.backend, k, m, s) };
  }

  static async create(options: OpenSendbirdMessageOptions): Promise<Opener> {
    const o = assertObject(options, 'options');
    const backend = await resolveBackend(options.backend);
    const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
    const signingKeys = new SigningKeys(entries, backend);
    let channelUrl = o.channelUrl === undefined ? undefined : assertChannelUrl(o.channelUrl, 'options.channelUrl');
    const agree = (url: string, field: string) => {
      if (channelUrl !== undefined && url !== channelUrl) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `is of channel ${url}, not ${channelUrl}`, field);
      channelUrl = url;
    };
    const now = clockOf(o.now, 'options.now');
    const maxFutureSkewMs = skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs');
    const grace = o.rotationGraceMs === undefined ? DEFAULT_ROTATION_GRACE_MS : o.rotationGraceMs;
    if (typeof grace !== 'number' || !Number.isSafeInteger(grace) || grace < 0) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, 'expected a non-negative integer number of milliseconds', 'options.rotationGraceMs');
    let history = o.state === undefined ? undefined : checkKeyHistory(o.state, 'options.state');
    if (history) agree(history.channelUrl, 'options.state.channelUrl');
    if (o.channel !== undefined) {
      const ch = assertObject(o.channel, 'options.channel');
      const url = assertChannelUrl(ch.channel_url, 'options.channel.channel_url');
      agree(url, 'options.channel.channel_url');
      const { envelope } = parseChannelData(ch.data);
      assertNotInFuture(envelope.ckv, now(), maxFutureSkewMs, 'options.channel.data.ckk.ckv');
      history ??= { v: KEY_HISTORY_VERSION, channelUrl: url, envelopes: [] };
      if ((await verifiedEnvelope(url, envelope, history, listedMembers(ch), signingKeys, backend)) === 'new') history = { ...history, envelopes: [...history.envelopes, envelope] };
    }
    const given = new Map<string, SecretBytes>();
    const recipient = o.userId === undefined && o.identityPrivateKey === undefined ? undefined : checkRecipient({ userId: o.userId, identityPrivateKey: o.identityPrivateKey, keyVersion: o.keyVersion }, SENDBIRD_USER_ID, 'options');
    try {
      if (o.conversationKeys !== undefined) {
        const keys = assertObject(o.conversationKeys, 'options.conversationKeys');
        for (const [version, key] of Object.entries(keys)) {
          const f = `options.conversationKeys[${JSON.stringify(version)}]`;
          assertVersion(version, f);
          assertBytes(key, f, 32);
          const copy = new SecretBytes(32);
          copy.set(key as Uint8Array);
          given.set(version, copy);
        }
      }
    } catch (e) {
      for (const k of given.values()) wipe(k);
      wipe(recipient?.identityPrivateKey);
      throw e;
    }
    return new Opener(backend, entries, signingKeys, channelUrl, given, history, recipient, BigInt(grace), { now, maxFutureSkewMs });
  }

  /** Wipes every key this call held. */
  dispose(): void {
    for (const k of this.given.values()) wipe(k);
    for (const p of this.keys.values()) p.then(wipe, () => undefined);
    wipe(this.recipient?.identityPrivateKey);
  }

  /** The first known key version above `version`: the key that replaced it. */
  private successor(version: string): string | undefined {
    let best: string | undefined;
    for (const v of this.versions) if (compareVersions(v, version) > 0 && (best === undefined || compareVersions(v, best) < 0)) best = v;
    return best;
  }

  private async keyFor(version: string, envelope: SendbirdKeyEnvelope | undefined): Promise<SecretBytes> {
    let p = this.keys.get(version);
    if (p === undefined) {
      p = this.resolveKey(version, envelope);
      p.catch(() => undefined);
      this.keys.set(version, p);
    }
    return p;
  }

  private async resolveKey(version: string, envelope: SendbirdKeyEnvelope | undefined): Promise<SecretBytes> {
    const given = this.given.get(version);
    if (given !== undefined) {
      const key = new SecretBytes(32);
      key.set(given);
      if (envelope && !constantTimeEqual(decodeBase64(await commitment(this.backend, key)), decodeBase64(envelope.kc))) {
        wipe(key);
        throw new VerificationError(ErrorCodes.DECRYPT_FAILED, `the key given for version ${version} is not the one its envelope committed to`, `options.conversationKeys[${JSON.stringify(version)}]`);
      }
      return key;
    }
    if (envelope === undefined || this.recipient === undefined) {
      throw new VerificationError(
        ErrorCodes.NO_CONVERSATION_KEY,
        envelope === undefined
          ? `no key for conversation-key version ${version}: pass it in conversationKeys, or a key history or channel holding its envelope`
          : `no key for conversation-key version ${version}: pass it in conversationKeys, or the reader's userId and identityPrivateKey to open its envelope`,
        'ckv',
      );
    }
    const opened = await openSendbirdChannelKey(
      { channel_url: this.channelUrl as string, data: channelData(envelope, undefined) },
      { userId: this.recipient.userId, identityPrivateKey: this.recipient.identityPrivateKey, ...(this.recipient.keyVersion === undefined ? {} : { keyVersion: this.recipient.keyVersion }), signingKeys: this.entries, backend: this.backend, now: this.clock.now, maxFutureSkewMs: this.clock.maxFutureSkewMs },
    );
    return opened.conversationKey;
  }

  /** Opens one message: {@link Opener.check}, then {@link Opener.finish}. */
  async openView(view: MessageView): Promise<OpenedSendbirdMessage> {
    return this.finish(view, await this.check(view));
  }

  /** Fixes the call's channel from a message when nothing else named it. */
  adoptChannel(view: MessageView): void {
    this.channelUrl ??= view.channelUrl;
  }

  /**
   * The checks that depend on the message alone (steps 2 to 9 of docs/sendbird.md §"Reading
   * messages"): its channel, its document, its bindings to the resource, its signature. Messages
   * of a batch may run these at the same time.
   */
  async check(view: MessageView): Promise<SendbirdMessageDocument> {
    const f = view.fields;
    this.adoptChannel(view);
    if (view.channelUrl !== this.channelUrl) throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the message belongs to channel ${view.channelUrl}, not ${this.channelUrl}`, f.channelUrl);
    const doc = parseMessageData(view.data, f.data);
    const df = `${f.data}.ckm`;
    // Bindings: the signed document against what Sendbird says of the message.
    if (doc.ch !== view.channelUrl) throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the message was signed for channel ${doc.ch}, not ${view.channelUrl} (moved from another channel?)`, f.channelUrl);
    if (doc.sender !== view.senderId) throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the message was signed by ${doc.sender}, but Sendbird attributes it to ${view.senderId}`, f.senderId);
    if ((doc.kind === 'file') !== (view.type === 'FILE')) {
      throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, `a ${doc.kind} message's data in a ${view.type} message`, f.type);
    }
    if (doc.kind === 'edit' && doc.target !== String(view.messageId)) throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the edit was signed for message ${doc.target}, not ${view.messageId}`, f.messageId);
    // The signature.
    const found = await this.signingKeys.lookup(doc.sender, doc.skv);
    if (!found.ok) throw new VerificationError(found.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID, found.message, `${df}.skv`);
    if (!(await verifyPayload(this.verifier, found.key, messagePayload(doc), decodeBase64(doc.sig)))) {
      throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the message's signature does not verify for ${doc.sender}: it was changed, or someone else signed it`, `${df}.sig`);
    }
    return doc;
  }

  /**
   * The checks that depend on the messages before (steps 10 to 15): replays, the key version
   * against the history, the key and the contents. Run in the order of the messages.
   */
  async finish(view: MessageView, doc: SendbirdMessageDocument): Promise<OpenedSendbirdMessage> {
    const f = view.fields;
    const df = `${f.data}.ckm`;
    // Replays: one message id, one Sendbird message.
    const earlier = this.seen.get(doc.mid);
    if (earlier !== undefined && earlier !== view.messageId) throw new VerificationError(ErrorCodes.DUPLICATE_EVENT, `message ${doc.mid} was already seen as Sendbird message ${earlier}`, `${df}.mid`);
    this.seen.set(doc.mid, view.messageId);
    // The key version against the history.
    const envelope = this.envelopes.get(doc.ckv);
    if (envelope && !envelope.keys.some((k) => k[0] === doc.sender)) {
      throw new VerificationError(ErrorCodes.NOT_A_MEMBER, `${doc.sender} does not hold the key of version ${doc.ckv} (the envelope does not include them)`, `${df}.sender`);
    }
    const next = this.successor(doc.ckv);
    const edited = doc.kind === 'edit' && view.updatedAt > 0;
    const at = edited ? view.updatedAt : view.createdAt;
    if (next !== undefined && BigInt(at) >= BigInt(next) + this.grace) {
      throw new VerificationError(ErrorCodes.STALE_KEY_VERSION, `the message uses key version ${doc.ckv}, but Sendbird dates it ${at}, after key ${next} replaced it (sent or replayed after a rotation)`, edited ? f.updatedAt : f.createdAt);
    }
    let key: SecretBytes;
    try {
      key = await this.keyFor(doc.ckv, envelope);
    } catch (e) {
      throw e instanceof KeykitError ? e.withField(`${df}.ckv`) : e;
    }
    const contents = readEntry(doc.kind, openEntry(key, decodeBase64(doc.ct, `${df}.ct`), `${df}.ct`), doc.target, `${df}.ct`);
    const opened: OpenedSendbirdMessage = {
      kind: doc.kind,
      channelUrl: view.channelUrl,
      sendbirdMessageId: view.messageId,
      messageId: doc.mid,
      senderId: doc.sender,
      signingKeyVersion: doc.skv,
      conversationKeyVersion: doc.ckv,
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      ...(contents.text === undefined ? {} : { text: contents.text }),
    };
    if (contents.file) {
      opened.file = { ...contents.file, url: view.file?.url ?? '', encryptedSize: mediaCiphertextLength(contents.file.size) };
      const copy = new SecretBytes(32);
      copy.set(key);
      fileKeys.set(opened, copy);
    }
    return opened;
  }
}

/**
 * Opens one Sendbird message: checks it fail-closed and returns its plaintext, sender, ids, key
 * version and Sendbird's times. `message` is the message as Sendbird hands it out: the Platform
 * API's resource (snake_case), the Chat SDK's `UserMessage`/`FileMessage`, or a webhook body
 * (`group_channel:message_send` or `…:message_update`, whose `channel` is then used as
 * `options.channel` when none is given). A file message's file is opened with `openSendbirdFile`.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for malformed options or a value that is no
 * Sendbird user or file message
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` (not an end-to-end encrypted message, malformed
 * data or contents, a file's data in a text message or the reverse), `ERR_TOO_LARGE`,
 * `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION`
 * @throws {VerificationError} `ERR_SIGNATURE_INVALID` (changed, moved to another channel,
 * attributed to another user, an edit of another message), `ERR_SIGNING_KEY_NOT_FOUND`,
 * `ERR_KEY_BINDING_INVALID`, `ERR_STALE_KEY_VERSION` (an older key after a rotation),
 * `ERR_NOT_A_MEMBER` (the sender did not hold that key; the reader has no copy of it),
 * `ERR_NO_CONVERSATION_KEY`, `ERR_DECRYPT_FAILED`
 * @example
 * const opened = await openSendbirdMessage(message, { signingKeys, conversationKeys: { [version]: key } });
 * console.log(opened.senderId, opened.text);
 */
export async function openSendbirdMessage(message: unknown, options: OpenSendbirdMessageOptions): Promise<OpenedSendbirdMessage> {
  const view = readMessage(message, 'message');
  const o = assertObject(options, 'options');
  const withChannel = o.channel === undefined && view.channel !== undefined && typeof view.channel.data === 'string' && view.channel.data !== '' ? { ...options, channel: webhookChannel(message, view) } : options;
  const opener = await Opener.create(withChannel);
  try {
    return await opener.openView(view);
  } finally {
    opener.dispose();
  }
}

/** The channel resource a webhook body carries: its URL, data and, when included, members. */
function webhookChannel(body: unknown, view: MessageView): SendbirdChannelResource {
  const members = (body as { members?: unknown }).members;
  return { ...(view.channel as Record<string, unknown>), channel_url: view.channelUrl, ...(Array.isArray(members) ? { members: members as SendbirdChannelResource['members'] } : {}) } as SendbirdChannelResource;
}

/**
 * Opens a page of a channel's history: the `messages` of `GET /v3/group_channels/{channel_url}/messages`
 * (the response itself, or its list), or Chat SDK messages. Every message is checked as
 * {@link openSendbirdMessage} checks one; a message that fails does not stop the others: its
 * result carries the error. Keys are opened once per version, and a message id seen on two
 * Sendbird messages is refused the second time (`ERR_DUPLICATE_EVENT`).
 * @returns one result per message, and the key history with the channel's envelope recorded
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for malformed options or a value that is not a
 * list of messages; the errors of `recordSendbirdChannelKey` for the `channel` option
 * @example
 * const page = await (await fetch(listRequestUrl, { headers })).json();
 * const { results, state: next } = await openSendbirdMessages(page, { signingKeys, channel, state, userId, identityPrivateKey });
 * for (const r of results) console.log(r.ok ? r.message.text : r.error.code);
 */
export async function openSendbirdMessages(messages: readonly unknown[] | { messages: readonly unknown[] }, options: OpenSendbirdMessageOptions): Promise<OpenedSendbirdMessages> {
  const list = Array.isArray(messages) ? assertArray(messages, 'messages') : assertArray(assertObject(messages, 'messages').messages, 'messages.messages');
  const base = Array.isArray(messages) ? 'messages' : 'messages.messages';
  const opener = await Opener.create(options);
  try {
    // Each message's own checks (up to its signature) run CHECK_WINDOW at a time, so that a
    // backend that verifies off the main thread verifies several at once; the rest runs in order.
    const views: (MessageView | KeykitError)[] = list.map((m, i) => {
      try {
        return readMessage(m, `${base}[${i}]`);
      } catch (e) {
        if (!(e instanceof KeykitError)) throw e;
        return e;
      }
    });
    const first = views.find((v): v is MessageView => !(v instanceof KeykitError));
    if (first) opener.adoptChannel(first);
    opener.concurrently();
    const checked: Promise<SendbirdMessageDocument | KeykitError | undefined>[] = [];
    const checkOne = (i: number): Promise<SendbirdMessageDocument | KeykitError> => {
      const v = views[i] as MessageView | KeykitError;
      return v instanceof KeykitError ? Promise.resolve(v) : opener.check(v).catch((e: unknown) => (e instanceof KeykitError ? e : Promise.reject(e)));
    };
    const results: SendbirdMessageResult[] = [];
    for (let i = 0; i < list.length; i++) {
      for (let j = checked.length; j < Math.min(list.length, i + CHECK_WINDOW); j++) {
        const p = checkOne(j);
        p.catch(() => undefined); // awaited in its turn; a bug's rejection is not left unhandled meanwhile
        checked.push(p);
      }
      const v = views[i] as MessageView | KeykitError;
      const doc = (await checked[i]) as SendbirdMessageDocument | KeykitError;
      checked[i] = DONE; // let the document go, keeping the array packed
      const fail = (e: KeykitError) => results.push({ ok: false, index: i, ...(v instanceof KeykitError ? {} : { sendbirdMessageId: v.messageId }), error: e });
      if (doc instanceof KeykitError) {
        fail(doc);
        continue;
      }
      try {
        results.push({ ok: true, index: i, message: await opener.finish(v as MessageView, doc) });
      } catch (e) {
        if (!(e instanceof KeykitError)) throw e;
        fail(e);
      }
    }
    return { results, ...(opener.history === undefined ? {} : { state: opener.history }) };
  } finally {
    opener.dispose();
  }
}
