/**
 * A member's key history of one channel (docs/sendbird.md §"Key history"): the channel's key
 * envelopes the member has accepted, oldest first, as plain JSON without a secret. A channel's
 * `data` only ever holds its current envelope; the history keeps the earlier ones, so that older
 * messages still open after rotations (each envelope is opened again with the member's identity
 * key), tells which key was current when, and sets the replay floor: an envelope older than the
 * newest recorded is refused.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError, VerificationError } from '../../errors.js';
import { assertArray, assertObject } from '../../guards.js';
import { assertNotInFuture, compareVersions } from '../../rules.js';
import { clockOf, readClock, skewOf } from '../../core/clock.js';
import type { CryptoBackend } from '../../core/backend.js';
import { resolveBackend, type CryptoOptions } from '../../core/context.js';
import { assertSigningKeys, SigningKeys, type SigningKeyEntry } from '../../core/trust.js';
import { listedMembers, verifyEnvelope, type SendbirdChannelResource } from './channel-key.js';
import { channelData, parseChannelData, type SendbirdKeyEnvelope } from './envelope.js';
import { assertChannelUrl } from './rules.js';

/** The history format's version. */
export const KEY_HISTORY_VERSION = 1;

/** A member's key history of one channel: plain, serialisable, public data. */
export interface SendbirdKeyHistory {
  v: 1;
  channelUrl: string;
  /**
   * The envelopes accepted, by strictly increasing `ckv`: each the `ckk` object exactly as the
   * channel's `data` held it (signed, and verified when it was recorded). The last one's `ckv` is
   * the replay floor.
   */
  envelopes: SendbirdKeyEnvelope[];
}

/** The newest key version of a history (its replay floor), or undefined when it is empty. */
export function floorOf(history: SendbirdKeyHistory | undefined): string | undefined {
  return history?.envelopes.at(-1)?.ckv;
}

/**
 * Checks a history passed in by a caller and returns a copy: the format, the channel, every
 * envelope in the canonical form the channel's `data` holds, versions strictly increasing.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_CONVERSATION_ID`
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` for a malformed envelope
 */
export function checkKeyHistory(value: unknown, field: string): SendbirdKeyHistory {
  const h = assertObject(value, field);
  if (h.v !== KEY_HISTORY_VERSION)
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected a key history of version ${KEY_HISTORY_VERSION}`, `${field}.v`);
  for (const k of Object.keys(h))
    if (k !== 'v' && k !== 'channelUrl' && k !== 'envelopes')
      throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `unknown member "${k}"`, field);
  const channelUrl = assertChannelUrl(h.channelUrl, `${field}.channelUrl`);
  const envelopes = assertArray(h.envelopes, `${field}.envelopes`).map((e, i) => {
    const f = `${field}.envelopes[${i}]`;
    assertObject(e, f);
    try {
      return parseChannelData(channelData(e as SendbirdKeyEnvelope, undefined)).envelope;
    } catch {
      throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, 'not a key envelope as a channel holds it (the `ckk` object)', f);
    }
  });
  for (let i = 1; i < envelopes.length; i++) {
    if (compareVersions((envelopes[i - 1] as SendbirdKeyEnvelope).ckv, (envelopes[i] as SendbirdKeyEnvelope).ckv) >= 0) {
      throw new InvalidInputError(
        ErrorCodes.INVALID_ARGUMENT,
        'the envelopes must have strictly increasing key versions (ckv)',
        `${field}.envelopes[${i}].ckv`,
      );
    }
  }
  return { v: KEY_HISTORY_VERSION, channelUrl, envelopes };
}

/** Options of {@link recordSendbirdChannelKey}. */
export interface RecordSendbirdChannelKeyOptions extends CryptoOptions {
  /** Trusted signing keys: the envelope's sender's is picked by id and version. */
  signingKeys: SigningKeyEntry[];
  /** The history so far (none: a new history of this channel). */
  state?: SendbirdKeyHistory;
  /** The clock in milliseconds, for refusing key versions far in the future. Default `Date.now`. */
  now?: () => number;
  /** How far ahead of the clock a key version may be (default one day). */
  maxFutureSkewMs?: number;
}

/**
 * Records a channel's current key envelope in a member's key history, after checking it: its
 * signature (the sender's trusted signing key, over the channel URL and every field), its version
 * against the floor (an older envelope than the newest recorded is a replay), its sender among the
 * channel's members when the resource lists them. The member's own copy is not opened here, so a
 * removed member records the rotation that left them out, and learns which messages they can no
 * longer read. Returns a new history; the one given is not changed.
 * @param channel - the group channel resource Sendbird returns (`channel_url`, `data`, `members`)
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE`, `ERR_TOO_LARGE`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION`
 * @throws {VerificationError} `ERR_STALE_KEY_VERSION` (older than the history's newest, or another
 * envelope with the same version), `ERR_NOT_A_MEMBER` (the sender is not a listed member),
 * `ERR_SIGNING_KEY_NOT_FOUND`, `ERR_KEY_BINDING_INVALID`, `ERR_SIGNATURE_INVALID`
 * @throws {InvalidInputError} `ERR_VERSION_IN_FUTURE`, `ERR_INVALID_CONVERSATION_ID`, a history of another channel, malformed options
 * @example
 * let state = await recordSendbirdChannelKey(channel, { signingKeys });          // at create
 * state = await recordSendbirdChannelKey(rotatedChannel, { signingKeys, state }); // after each rotation
 * localStorage.setItem(channel.channel_url, JSON.stringify(state));
 */
export async function recordSendbirdChannelKey(
  channel: SendbirdChannelResource,
  options: RecordSendbirdChannelKeyOptions,
): Promise<SendbirdKeyHistory> {
  const ch = assertObject(channel, 'channel');
  const o = assertObject(options, 'options');
  const channelUrl = assertChannelUrl(ch.channel_url, 'channel.channel_url');
  const { envelope } = parseChannelData(ch.data);
  const entries = assertSigningKeys(o.signingKeys, 'options.signingKeys');
  const state =
    o.state === undefined
      ? ({ v: KEY_HISTORY_VERSION, channelUrl, envelopes: [] } satisfies SendbirdKeyHistory)
      : checkKeyHistory(o.state, 'options.state');
  if (state.channelUrl !== channelUrl)
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `the history is of channel ${state.channelUrl}, not ${channelUrl}`,
      'options.state.channelUrl',
    );
  const now = readClock(clockOf(o.now, 'options.now'), 'options.now');
  assertNotInFuture(envelope.ckv, now, skewOf(o.maxFutureSkewMs, 'options.maxFutureSkewMs'), 'channel.data.ckk.ckv');
  const backend = await resolveBackend(options.backend);
  const verified = await verifiedEnvelope(channelUrl, envelope, state, listedMembers(ch), new SigningKeys(entries, backend), backend);
  return verified === 'recorded' ? state : { ...state, envelopes: [...state.envelopes, envelope] };
}

/**
 * The checks of {@link recordSendbirdChannelKey} on a parsed envelope: `'recorded'` when the
 * history already ends with this very envelope, `'new'` when it verifies and may be appended.
 */
export async function verifiedEnvelope(
  channelUrl: string,
  envelope: SendbirdKeyEnvelope,
  state: SendbirdKeyHistory,
  members: Set<string> | undefined,
  signingKeys: SigningKeys,
  backend: CryptoBackend,
): Promise<'recorded' | 'new'> {
  if (members && !members.has(envelope.sender)) {
    throw new VerificationError(
      ErrorCodes.NOT_A_MEMBER,
      `the key was distributed by ${envelope.sender}, who is not a member of the channel`,
      'channel.data.ckk.sender',
    );
  }
  const last = state.envelopes.at(-1);
  if (last !== undefined) {
    const order = compareVersions(envelope.ckv, last.ckv);
    if (order < 0)
      throw new VerificationError(
        ErrorCodes.STALE_KEY_VERSION,
        `the envelope's key version ${envelope.ckv} is older than ${last.ckv}, the newest recorded (a replayed envelope?)`,
        'channel.data.ckk.ckv',
      );
    if (order === 0) {
      if (channelData(envelope, undefined) === channelData(last, undefined)) return 'recorded';
      throw new VerificationError(
        ErrorCodes.STALE_KEY_VERSION,
        `another envelope with key version ${envelope.ckv} is already recorded`,
        'channel.data.ckk.ckv',
      );
    }
  }
  await verifyEnvelope(backend, signingKeys, channelUrl, envelope);
  return 'new';
}
