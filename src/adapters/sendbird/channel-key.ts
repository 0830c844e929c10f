/**
 * A Sendbird channel's conversation key: prepared by one member for all the channel's members
 * (a key envelope, `envelope.ts`), and opened by a member from the channel resource Sendbird
 * returns, after the envelope's signature and their own copy check out (docs/sendbird.md §"Keys").
 *
 * @module
 */
import { ErrorCodes, InvalidInputError, KeykitError, VerificationError } from '../../errors.js';
import { assertArray, assertObject } from '../../guards.js';
import { assertDistinct, assertNotInFuture, assertVersion, compareVersions } from '../../rules.js';
import { clockOf, readClock, skewOf } from '../../core/clock.js';
import type { CryptoBackend } from '../../core/backend.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { openWrappedKey } from '../../core/ecies.js';
import {
  checkSender,
  latestKeys,
  recipientsFor,
  runKeyChange,
  type PrepareOptions,
  type PreparedSender,
  type PublicKeyInput,
  type Sender,
} from '../../core/keychange.js';
import { checkRecipient, entryOf } from '../../core/recipient.js';
import { constantTimeEqual, wipe, type SecretBytes } from '../../core/secret.js';
import { verifyPayload } from '../../core/signing.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import type { WrappedKey, WrappingReport } from '../../core/wrap.js';
import { decodeBase64, encodeBase64NoPad } from '../../wire/base64.js';
import {
  ENVELOPE_VERSION,
  envelopeKeys,
  envelopePayload,
  KEY_COMMITMENT_LABEL,
  parseChannelData,
  type SendbirdKeyEnvelope,
} from './envelope.js';
import { assertChannelUrl, SENDBIRD_USER_ID } from './rules.js';

/** Parameters of {@link prepareSendbirdChannelKey}. */
export interface SendbirdChannelKeyParams {
  /** The channel the key is for (it is signed). */
  channelUrl: string;
  /** Identity keys of the members (records of other users are ignored). */
  publicKeys: PublicKeyInput[];
  /** Every member who gets the key, the sender included (after a removal, without the removed member). */
  memberIds: string[];
  sender: Sender;
}

/** A prepared channel key: the key to keep, and the envelope for the channel's `data`. */
export interface PreparedSendbirdChannelKey {
  kind: 'sendbirdChannelKey';
  channelUrl: string;
  /** The new conversation key (redacted when printed). Keep it to encrypt messages. */
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  participantKeys: WrappedKey[];
  envelope: SendbirdKeyEnvelope;
  sender: PreparedSender;
  /** How the key was wrapped: backend, where (workers or the calling thread), any fallback. */
  wrapping: WrappingReport;
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/** The key commitment: unpadded base64 of SHA-256(label ‖ 0x00 ‖ key). */
export async function commitment(backend: CryptoBackend, key: Uint8Array): Promise<string> {
  const label = utf8.encode(KEY_COMMITMENT_LABEL);
  const input = new Uint8Array(label.length + 1 + key.length);
  input.set(label);
  input.set(key, label.length + 1);
  const digest = await backend.sha256(input);
  wipe(input);
  return encodeBase64NoPad(digest);
}

/**
 * Prepares a new conversation key for a Sendbird channel: wrapped for each member, with the signed
 * key envelope that goes into the channel's `data` (create or rotation).
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID` for a bad channel URL,
 * `ERR_INVALID_USER_ID` or `ERR_COMMA_IN_FIELD` for a bad user id, `ERR_DUPLICATE_ID` for a member
 * listed twice, `ERR_INVALID_VERSION` or `ERR_INVALID_KEY` for a bad key record or sender,
 * `ERR_INVALID_ARGUMENT` for the sender missing from the members (or another malformed input),
 * `ERR_MISSING_PUBLIC_KEY` for a member without a key
 * @example
 * const prepared = await prepareSendbirdChannelKey({ channelUrl: 'team_room', publicKeys, memberIds: ['alice', 'bob'], sender });
 * const request = createSendbirdGroupChannelRequest({ channel_url: 'team_room', user_ids: ['alice', 'bob'] }, { applicationId, apiToken, e2ee: prepared });
 */
export async function prepareSendbirdChannelKey(
  params: SendbirdChannelKeyParams,
  options?: PrepareOptions,
): Promise<PreparedSendbirdChannelKey> {
  const p = assertObject(params, 'params');
  const channelUrl = assertChannelUrl(p.channelUrl, 'params.channelUrl');
  const memberIds = assertArray(p.memberIds, 'params.memberIds').map((id, i) => SENDBIRD_USER_ID.assert(id, `params.memberIds[${i}]`));
  assertDistinct(memberIds, 'params.memberIds');
  const sender = checkSender(p.sender, SENDBIRD_USER_ID);
  try {
    if (!memberIds.includes(sender.userId))
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `must include the sender ${sender.userId}`, 'params.memberIds');
    const recipients = recipientsFor(latestKeys(p.publicKeys, SENDBIRD_USER_ID), memberIds, 'params.memberIds');
    return await runKeyChange(options, sender, recipients, 0, async (k) => {
      const unsigned = {
        v: ENVELOPE_VERSION,
        ckv: k.conversationKeyVersion,
        sender: sender.userId,
        skv: sender.signingKeyVersion,
        kc: await commitment(k.backend, k.conversationKey),
        keys: k.participantKeys.map((w): [string, string, string] => [w.userId, w.encryptedKey, w.publicKeyVersion]),
      } as const;
      const sig = encodeBase64NoPad(await k.sign(envelopePayload(channelUrl, unsigned)));
      return {
        kind: 'sendbirdChannelKey',
        channelUrl,
        conversationKey: k.conversationKey,
        conversationKeyVersion: k.conversationKeyVersion,
        participantKeys: k.participantKeys,
        envelope: { ...unsigned, sig },
        sender: await k.sender(),
        wrapping: k.wrapping,
      };
    });
  } finally {
    wipe(sender.signingPrivateKey);
  }
}

/**
 * Checks an envelope's signature: the sender's trusted signing key at `skv` (its binding
 * verified), over the payload built with `channelUrl` (docs/sendbird.md §"The key envelope",
 * checks 6 and 7).
 * @throws {VerificationError} `ERR_SIGNING_KEY_NOT_FOUND`, `ERR_KEY_BINDING_INVALID`, `ERR_SIGNATURE_INVALID`
 */
export async function verifyEnvelope(
  backend: CryptoBackend,
  signingKeys: SigningKeys,
  channelUrl: string,
  envelope: SendbirdKeyEnvelope,
): Promise<void> {
  const found = await signingKeys.lookup(envelope.sender, envelope.skv);
  if (!found.ok) {
    throw new VerificationError(
      found.reason === 'not_found' ? ErrorCodes.SIGNING_KEY_NOT_FOUND : ErrorCodes.KEY_BINDING_INVALID,
      found.message,
      'channel.data.ckk.skv',
    );
  }
  if (!(await verifyPayload(backend, found.key, envelopePayload(channelUrl, envelope), decodeBase64(envelope.sig)))) {
    throw new VerificationError(
      ErrorCodes.SIGNATURE_INVALID,
      `the key envelope's signature does not verify for ${envelope.sender} on channel ${channelUrl}: it was changed, moved from another channel, or someone else signed it`,
      'channel.data.ckk.sig',
    );
  }
}

/** The parts of a Sendbird group channel resource the opener reads (others are ignored). */
export interface SendbirdChannelResource {
  channel_url: string;
  data?: string;
  members?: { user_id: string; role?: string; state?: string }[];
  [other: string]: unknown;
}

/** Options of {@link openSendbirdChannelKey}. */
export interface OpenSendbirdChannelKeyOptions extends CryptoOptions {
  userId: string;
  identityPrivateKey: Uint8Array;
  /** The version of the member's identity key; a copy wrapped to another version is not theirs. */
  keyVersion?: string;
  /** Trusted signing keys (the SDK's `SigningKeyEntry[]`); the sender's is picked by id and version. */
  signingKeys: SigningKeyEntry[];
  /**
   * The conversation-key version this member last accepted for the channel: an envelope with a
   * lower version (a replayed, validly signed older one) is refused with `ERR_STALE_KEY_VERSION`.
   * chat-keykit keeps no state; keeping this value is the application's part.
   */
  minConversationKeyVersion?: string;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
}

/** What a member gets from a channel. */
export interface OpenedSendbirdChannelKey {
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  senderId: string;
  /** Every user the envelope wraps the key for, in envelope order (signed). */
  recipientIds: string[];
  /** The application's own `data`, when the channel has any. */
  appData?: string;
}

/** The user ids of a channel resource's `members`, or undefined when it lists none. */
export function listedMembers(ch: Record<string, unknown>): Set<string> | undefined {
  if (!Array.isArray(ch.members) || ch.members.length === 0) return undefined;
  const out = new Set<string>();
  for (const m of ch.members as unknown[]) {
    const id = typeof m === 'object' && m !== null ? (m as { user_id?: unknown }).user_id : undefined;
    if (typeof id === 'string') out.add(id);
  }
  return out;
}

/**
 * Opens a channel's conversation key for one member, from the group channel resource Sendbird
 * returns. The envelope's signature is checked with the sender's trusted signing key over the
 * channel URL and every field of the envelope; then the member's own copy is unwrapped and checked
 * against the signed key commitment.
 *
 * When the resource lists its `members` (Sendbird omits them for Supergroups and with
 * `show_member=false`), the user and the key's sender must be among them.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE`, `ERR_TOO_LARGE`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION`
 * @throws {VerificationError} `ERR_NOT_A_MEMBER` (the user or the sender is not a listed member,
 * or the user has no wrapped key), `ERR_RECIPIENT_KEY_MISMATCH`, `ERR_DECRYPT_FAILED`,
 * `ERR_SIGNATURE_INVALID`, `ERR_SIGNING_KEY_NOT_FOUND`, `ERR_KEY_BINDING_INVALID`,
 * `ERR_STALE_KEY_VERSION` (older than `minConversationKeyVersion`)
 * @throws {InvalidInputError} `ERR_VERSION_IN_FUTURE`, `ERR_INVALID_CONVERSATION_ID` (a channel URL
 * Sendbird would not give), and malformed options
 * @example
 * const { conversationKey } = await openSendbirdChannelKey(channel, { userId: 'bob', identityPrivateKey, signingKeys });
 */
export async function openSendbirdChannelKey(
  channel: SendbirdChannelResource,
  options: OpenSendbirdChannelKeyOptions,
): Promise<OpenedSendbirdChannelKey> {
  const ch = assertObject(channel, 'channel');
  const o = assertObject(options, 'options');
  const channelUrl = assertChannelUrl(ch.channel_url, 'channel.channel_url');
  const { envelope, appData } = parseChannelData(ch.data);
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  const minVersion =
    o.minConversationKeyVersion === undefined ? undefined : assertVersion(o.minConversationKeyVersion, 'options.minConversationKeyVersion');
  const now = readClock(clockOf(o.now, 'options.now'), 'options.now');
  assertNotInFuture(envelope.ckv, now, skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs'), 'channel.data.ckk.ckv');
  const recipient = checkRecipient(
    { userId: o.userId, identityPrivateKey: o.identityPrivateKey, keyVersion: o.keyVersion },
    SENDBIRD_USER_ID,
    'options',
  );
  let key: SecretBytes | undefined;
  try {
    const members = listedMembers(ch);
    if (members && !members.has(recipient.userId))
      throw new VerificationError(ErrorCodes.NOT_A_MEMBER, `user ${recipient.userId} is not a member of the channel`, 'options.userId');
    if (members && !members.has(envelope.sender)) {
      throw new VerificationError(
        ErrorCodes.NOT_A_MEMBER,
        `the key was distributed by ${envelope.sender}, who is not a member of the channel`,
        'channel.data.ckk.sender',
      );
    }
    if (minVersion !== undefined && compareVersions(envelope.ckv, minVersion) < 0) {
      throw new VerificationError(
        ErrorCodes.STALE_KEY_VERSION,
        `the envelope's key version ${envelope.ckv} is older than ${minVersion}, the last one accepted (a replayed envelope?)`,
        'channel.data.ckk.ckv',
      );
    }
    const backend = await resolveBackend(options.backend);
    await verifyEnvelope(backend, new SigningKeys(entries, backend), channelUrl, envelope);
    const { entry, index } = entryOf(envelopeKeys(envelope), recipient, 'channel.data.ckk.keys');
    key = await openWrappedKey(backend, entry.encryptedKey, recipient.identityPrivateKey, `channel.data.ckk.keys[${index}][1]`).catch(
      (e: unknown) => {
        throw e instanceof KeykitError && e.code === ErrorCodes.DECRYPT_FAILED ? e.withField(`channel.data.ckk.keys[${index}][1]`) : e;
      },
    );
    if (!constantTimeEqual(decodeBase64(await commitment(backend, key)), decodeBase64(envelope.kc))) {
      throw new VerificationError(
        ErrorCodes.DECRYPT_FAILED,
        'the unwrapped key is not the one the sender committed to (the sender gave members different keys)',
        `channel.data.ckk.keys[${index}][1]`,
      );
    }
    return {
      conversationKey: key,
      conversationKeyVersion: envelope.ckv,
      senderId: envelope.sender,
      recipientIds: envelope.keys.map((k) => k[0]),
      ...(appData === undefined ? {} : { appData }),
    };
  } catch (e) {
    wipe(key);
    throw e;
  } finally {
    wipe(recipient.identityPrivateKey);
  }
}

/** Checks that a prepared key fits a channel: for this URL, for exactly these users. */
export function e2eeProblems(
  prepared: unknown,
  channelUrl: string | undefined,
  userIds: readonly string[],
  path: string,
): { path: string; message: string; sendbirdCode: null }[] {
  const out: { path: string; message: string; sendbirdCode: null }[] = [];
  const add = (p: string, m: string) => out.push({ path: `${path}${p}`, message: m, sendbirdCode: null });
  const p = prepared as Partial<PreparedSendbirdChannelKey> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    p.kind !== 'sendbirdChannelKey' ||
    typeof p.envelope !== 'object' ||
    p.envelope === null ||
    !Array.isArray(p.participantKeys)
  ) {
    add('', 'expected the result of prepareSendbirdChannelKey');
    return out;
  }
  if (channelUrl === undefined) add('', 'end-to-end encryption needs an explicit channel_url: the key envelope is signed for it');
  else if (p.channelUrl !== channelUrl)
    add('.channelUrl', `the key envelope is signed for "${String(p.channelUrl)}", not for channel_url "${channelUrl}"`);
  const wrapped = new Set(p.participantKeys.map((k) => k.userId));
  for (const u of userIds) if (!wrapped.has(u)) add('.participantKeys', `user ${u} has no wrapped key`);
  const members = new Set(userIds);
  for (const u of wrapped) if (!members.has(u)) add('.participantKeys', `user ${u} gets the key but is not among the channel's users`);
  return out;
}

export type { SendbirdKeyEnvelope };
