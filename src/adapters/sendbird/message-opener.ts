/**
 * The checks of opening Sendbird messages, in the order of docs/sendbird.md §"Reading messages":
 * what one call checks once (keys, key history, reader) and, per message, its document, its
 * bindings to the resource, the sender's signature, replays, its key version against the history,
 * then the key and the contents. Keys come from the caller (`conversationKeys`) or are opened from
 * the channel's envelopes with the reader's identity key, once per version per call.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError, KeykitError, VerificationError } from '../../errors.js';
import { assertBytes, assertObject } from '../../guards.js';
import { assertNotInFuture, assertVersion, compareVersions } from '../../rules.js';
import { clockOf, skewOf } from '../../core/clock.js';
import type { CryptoBackend } from '../../core/backend.js';
import { resolveBackend } from '../../core/context.js';
import { mediaCiphertextLength } from '../../core/media/index.js';
import { checkRecipient, type CheckedRecipient } from '../../core/recipient.js';
import { constantTimeEqual, SecretBytes, wipe } from '../../core/secret.js';
import { verifyPayload } from '../../core/signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import { decodeBase64 } from '../../wire/base64.js';
import { openEntry } from '../xchat/messages/entry.js';
import { commitment, listedMembers, openSendbirdChannelKey } from './channel-key.js';
import { channelData, parseChannelData, type SendbirdKeyEnvelope } from './envelope.js';
import { checkKeyHistory, KEY_HISTORY_VERSION, verifiedEnvelope, type SendbirdKeyHistory } from './key-history.js';
import { readEntry } from './message-contents.js';
import { messagePayload, parseMessageData, type SendbirdMessageDocument } from './message-data.js';
import type { MessageView } from './message-resource.js';
import { assertChannelUrl, SENDBIRD_USER_ID } from './rules.js';
import { DEFAULT_ROTATION_GRACE_MS, type OpenedSendbirdMessage, type OpenSendbirdMessageOptions } from './message-types.js';

/** The key each opened file message was sealed under (a copy), for `openSendbirdFile`. */
const fileKeys = new WeakMap<object, SecretBytes>();

/** The key an opened file message was sealed under, if this process opened it. */
export function fileKeyOf(opened: object): SecretBytes | undefined {
  return fileKeys.get(opened);
}

/** Everything a call checks once: keys, history, reader; and the caches of one batch. */
export class Opener {
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
      if (channelUrl !== undefined && url !== channelUrl)
        throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `is of channel ${url}, not ${channelUrl}`, field);
      channelUrl = url;
    };
    const now = clockOf(o.now, 'options.now');
    const maxFutureSkewMs = skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs');
    const grace = o.rotationGraceMs === undefined ? DEFAULT_ROTATION_GRACE_MS : o.rotationGraceMs;
    if (typeof grace !== 'number' || !Number.isSafeInteger(grace) || grace < 0)
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        'expected a non-negative integer number of milliseconds',
        'options.rotationGraceMs',
      );
    let history = o.state === undefined ? undefined : checkKeyHistory(o.state, 'options.state');
    if (history) agree(history.channelUrl, 'options.state.channelUrl');
    if (o.channel !== undefined) {
      const ch = assertObject(o.channel, 'options.channel');
      const url = assertChannelUrl(ch.channel_url, 'options.channel.channel_url');
      agree(url, 'options.channel.channel_url');
      const { envelope } = parseChannelData(ch.data);
      assertNotInFuture(envelope.ckv, now(), maxFutureSkewMs, 'options.channel.data.ckk.ckv');
      history ??= { v: KEY_HISTORY_VERSION, channelUrl: url, envelopes: [] };
      if ((await verifiedEnvelope(url, envelope, history, listedMembers(ch), signingKeys, backend)) === 'new')
        history = { ...history, envelopes: [...history.envelopes, envelope] };
    }
    const given = new Map<string, SecretBytes>();
    const recipient =
      o.userId === undefined && o.identityPrivateKey === undefined
        ? undefined
        : checkRecipient(
            { userId: o.userId, identityPrivateKey: o.identityPrivateKey, keyVersion: o.keyVersion },
            SENDBIRD_USER_ID,
            'options',
          );
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
        throw new VerificationError(
          ErrorCodes.DECRYPT_FAILED,
          `the key given for version ${version} is not the one its envelope committed to`,
          `options.conversationKeys[${JSON.stringify(version)}]`,
        );
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
      {
        userId: this.recipient.userId,
        identityPrivateKey: this.recipient.identityPrivateKey,
        ...(this.recipient.keyVersion === undefined ? {} : { keyVersion: this.recipient.keyVersion }),
        signingKeys: this.entries,
        backend: this.backend,
        now: this.clock.now,
        maxFutureSkewMs: this.clock.maxFutureSkewMs,
      },
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
    if (view.channelUrl !== this.channelUrl)
      throw new VerificationError(
        ErrorCodes.SIGNATURE_INVALID,
        `the message belongs to channel ${view.channelUrl}, not ${this.channelUrl}`,
        f.channelUrl,
      );
    const doc = parseMessageData(view.data, f.data);
    const df = `${f.data}.ckm`;
    // Bindings: the signed document against what Sendbird says of the message.
    if (doc.ch !== view.channelUrl)
      throw new VerificationError(
        ErrorCodes.SIGNATURE_INVALID,
        `the message was signed for channel ${doc.ch}, not ${view.channelUrl} (moved from another channel?)`,
        f.channelUrl,
      );
    if (doc.sender !== view.senderId)
      throw new VerificationError(
        ErrorCodes.SIGNATURE_INVALID,
        `the message was signed by ${doc.sender}, but Sendbird attributes it to ${view.senderId}`,
        f.senderId,
      );
    if ((doc.kind === 'file') !== (view.type === 'FILE')) {
      throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, `a ${doc.kind} message's data in a ${view.type} message`, f.type);
    }
    if (doc.kind === 'edit' && doc.target !== String(view.messageId))
      throw new VerificationError(
        ErrorCodes.SIGNATURE_INVALID,
        `the edit was signed for message ${doc.target}, not ${view.messageId}`,
        f.messageId,
      );
    // The signature.
    const found = await this.signingKeys.lookup(doc.sender, doc.skv);
    if (!found.ok)
      throw new VerificationError(
        found.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID,
        found.message,
        `${df}.skv`,
      );
    if (!(await verifyPayload(this.verifier, found.key, messagePayload(doc), decodeBase64(doc.sig)))) {
      throw new VerificationError(
        ErrorCodes.SIGNATURE_INVALID,
        `the message's signature does not verify for ${doc.sender}: it was changed, or someone else signed it`,
        `${df}.sig`,
      );
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
    if (earlier !== undefined && earlier !== view.messageId)
      throw new VerificationError(
        ErrorCodes.DUPLICATE_EVENT,
        `message ${doc.mid} was already seen as Sendbird message ${earlier}`,
        `${df}.mid`,
      );
    this.seen.set(doc.mid, view.messageId);
    // The key version against the history.
    const envelope = this.envelopes.get(doc.ckv);
    if (envelope && !envelope.keys.some((k) => k[0] === doc.sender)) {
      throw new VerificationError(
        ErrorCodes.NOT_A_MEMBER,
        `${doc.sender} does not hold the key of version ${doc.ckv} (the envelope does not include them)`,
        `${df}.sender`,
      );
    }
    const next = this.successor(doc.ckv);
    const edited = doc.kind === 'edit' && view.updatedAt > 0;
    const at = edited ? view.updatedAt : view.createdAt;
    if (next !== undefined && BigInt(at) >= BigInt(next) + this.grace) {
      throw new VerificationError(
        ErrorCodes.STALE_KEY_VERSION,
        `the message uses key version ${doc.ckv}, but Sendbird dates it ${at}, after key ${next} replaced it (sent or replayed after a rotation)`,
        edited ? f.updatedAt : f.createdAt,
      );
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
