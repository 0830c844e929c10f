/**
 * End-to-end encryption for Sendbird group channels, which have none of their own: the channel's
 * `data` string carries a versioned key envelope next to the application's own data.
 *
 * ```json
 * { "ckk": { "v": 1, "ckv": "<conversation-key version>", "sender": "<user id>",
 *            "skv": "<sender's signing-key version>", "mid": "<message id>", "sv": "7",
 *            "sig": "<unpadded base64 r‖s>",
 *            "keys": [["<user id>", "<wrapped key, padded base64>", "<recipient key version>"], …] },
 *   "app": "<the application's data string, when there is one>" }
 * ```
 *
 * `sig` is the X Chat key-change signature (PROTOCOL.md §6.2, version 7) with the channel URL as
 * the conversation id: `ConversationKeyChangeEvent,mid,sender,channel_url,ckv,b64nopad(key)`. It
 * covers the plaintext key, so a member checks it after unwrapping; moving the envelope to another
 * channel, changing the version or the sender, or swapping wrapped keys all fail. Sendbird and
 * every member can read the envelope: it holds only wrapped keys, versions and a signature.
 *
 * What the signature does not cover (as in X Chat at version 7): the list of recipients. Whoever
 * can write `data` can drop a member's wrapped key (that member then cannot open the key), and
 * an envelope keeps opening for a user who left until someone rotates; the opener returns the
 * recipient list so that an application can see both. Nobody can add a working copy for an
 * outsider without the plaintext key. A replayed older envelope verifies too: pass the last
 * version you accepted as `minConversationKeyVersion` to refuse rollbacks.
 *
 * @module
 */
import { DecodeError, ErrorCodes, KeykitError, UnsupportedVersionError, VerificationError, type ErrorCode } from '../../errors.js';
import { assertObject, assertSignable, assertString, assertUserId, assertVersion } from '../../guards.js';
import { WRAPPED_KEY_LENGTH } from '../../core/ecies.js';
import { isCanonicalBase64 } from '../../wire/base64.js';
import { CURRENT_SIGNATURE_VERSION } from '../../wire/payloads.js';
import type { CryptoOptions } from '../../core/context.js';
import type { PreparedKeyChange } from '../../core/prepare.js';
import { openKeyChange } from '../../core/receive.js';
import type { SecretBytes } from '../../core/secret.js';
import type { SigningKeyEntry } from '../../core/trust.js';
import type { SendbirdProblem } from './validate.js';

/** The envelope's key in `data`, and its version. */
export const ENVELOPE_FIELD = 'ckk';
export const ENVELOPE_VERSION = 1;

/** The key envelope (the `ckk` member of `data`). */
export interface SendbirdKeyEnvelope {
  v: 1;
  ckv: string;
  sender: string;
  skv: string;
  mid: string;
  sv: string;
  sig: string;
  keys: [userId: string, wrappedKey: string, keyVersion: string][];
}

/** Checks that a prepared change fits a channel: a key change, for this URL, for exactly these users. */
export function e2eeProblems(prepared: unknown, channelUrl: string | undefined, userIds: readonly string[], path: string): SendbirdProblem[] {
  const out: SendbirdProblem[] = [];
  const add = (p: string, m: string) => out.push({ path: `${path}${p}`, message: m, sendbirdCode: null });
  const p = prepared as Partial<PreparedKeyChange> | null;
  if (typeof p !== 'object' || p === null || p.kind !== 'keyChange' || !Array.isArray(p.actionSignatures) || p.actionSignatures.length !== 1 || !p.sender) {
    add('', 'expected the result of prepareConversationKeyChange (one key-change action signature)');
    return out;
  }
  if (channelUrl === undefined) add('', 'end-to-end encryption needs an explicit channel_url: the key change is signed for it');
  else if (p.conversationId !== channelUrl) add('.conversationId', `the key change is signed for "${String(p.conversationId)}", not for channel_url "${channelUrl}"`);
  const wrapped = new Set((p.participantKeys ?? []).map((k) => k.userId));
  for (const u of userIds) if (!wrapped.has(u)) add('.participantKeys', `user ${u} has no wrapped key`);
  const members = new Set(userIds);
  for (const u of wrapped) if (!members.has(u)) add('.participantKeys', `user ${u} gets the key but is not among the channel's users`);
  return out;
}

/** The envelope of a prepared key change (already checked with {@link e2eeProblems}). */
export function envelopeOf(prepared: PreparedKeyChange): SendbirdKeyEnvelope {
  const a = prepared.actionSignatures[0];
  if (!a) throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, 'the prepared change has no action signature', 'prepared');
  return {
    v: ENVELOPE_VERSION,
    ckv: prepared.conversationKeyVersion,
    sender: prepared.sender.userId,
    skv: a.publicKeyVersion,
    mid: a.messageId,
    sv: a.signatureVersion,
    sig: a.signature,
    keys: prepared.participantKeys.map((k) => [k.userId, k.encryptedKey, k.publicKeyVersion]),
  };
}

/**
 * The application part of a `data` string: the `app` member when `data` is a channel's data
 * holding an envelope (so that a rotation given the channel's current data keeps the application
 * data, not the old envelope), otherwise `data` itself.
 */
export function appDataOf(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  try {
    const doc: unknown = JSON.parse(data);
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ENVELOPE_FIELD in doc) {
      const app = (doc as { app?: unknown }).app;
      return typeof app === 'string' ? app : undefined;
    }
  } catch {
    // Not JSON: plain application data.
  }
  return data;
}

/** The channel `data` string: the envelope and the application's data. */
export function channelData(envelope: SendbirdKeyEnvelope, appData: string | undefined): string {
  return JSON.stringify(appData === undefined ? { [ENVELOPE_FIELD]: envelope } : { [ENVELOPE_FIELD]: envelope, app: appData });
}

function bad(message: string, envelopeField?: string): never {
  throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, message, envelopeField === undefined ? 'channel.data' : `channel.data.ckk.${envelopeField}`);
}

/** True when `check` passes (the guards throw; here only the verdict matters). */
function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

const ENVELOPE_FIELDS = ['v', 'ckv', 'sender', 'skv', 'mid', 'sv', 'sig', 'keys'] as const;

/**
 * Reads the envelope and the application data from a channel's `data` string. Only the exact text
 * {@link channelData} writes is accepted (field order, no whitespace, no extra members), and every
 * field is checked: versions decimal, ids comma-free, the signature canonical unpadded base64 of 64
 * bytes, each wrapped key canonical padded base64 of 113 bytes. So what parses re-encodes to the
 * same bytes, and nothing malformed reaches the signature check.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when `data` is not an envelope or is malformed
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION` for another envelope
 * version, `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a signature version other than 7
 */
export function parseChannelData(data: unknown): { envelope: SendbirdKeyEnvelope; appData?: string } {
  if (typeof data !== 'string' || data.length === 0) bad('the channel has no data, so no key envelope (not an end-to-end encrypted channel)');
  let doc: unknown;
  try {
    doc = JSON.parse(data);
  } catch {
    bad('the channel data is not JSON, so no key envelope');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('the channel data is not a JSON object');
  const d = doc as Record<string, unknown>;
  const e = d[ENVELOPE_FIELD] as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) bad(`the channel data has no "${ENVELOPE_FIELD}" key envelope`);
  if (e.v !== ENVELOPE_VERSION) {
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_ENVELOPE_VERSION, `envelope version ${JSON.stringify(e.v)} is not supported (this is version ${ENVELOPE_VERSION})`, 'channel.data.ckk.v');
  }
  for (const k of Object.keys(d)) if (k !== ENVELOPE_FIELD && k !== 'app') bad(`unknown member "${k}" next to the envelope`);
  for (const k of Object.keys(e)) if (!(ENVELOPE_FIELDS as readonly string[]).includes(k)) bad(`unknown envelope field "${k}"`);
  for (const f of ['ckv', 'sender', 'skv', 'mid', 'sv', 'sig'] as const) if (typeof e[f] !== 'string' || e[f] === '') bad(`the envelope's ${f} must be a non-empty string`, f);
  const str = (f: 'ckv' | 'sender' | 'skv' | 'mid' | 'sv' | 'sig') => e[f] as string;
  if (str('sv') !== String(CURRENT_SIGNATURE_VERSION)) {
    // Envelope version 1 is always signed at version 7; any other value is a downgrade attempt.
    throw new UnsupportedVersionError(ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION, `envelope version 1 carries signature version ${CURRENT_SIGNATURE_VERSION}, not ${JSON.stringify(e.sv)}`, 'channel.data.ckk.sv');
  }
  for (const f of ['ckv', 'skv'] as const) if (!passes(() => assertVersion(str(f), f))) bad(`the envelope's ${f} must be a canonical decimal version`, f);
  if (!passes(() => assertUserId(str('sender'), 'sender'))) bad("the envelope's sender must be a comma-free user id", 'sender');
  if (!passes(() => assertSignable(str('mid'), 'mid'))) bad("the envelope's message id must be comma-free", 'mid');
  if (!isCanonicalBase64(str('sig'), 64, 'forbidden')) bad("the envelope's signature must be unpadded base64 of a 64-byte r‖s", 'sig');
  if (!Array.isArray(e.keys) || e.keys.length === 0) bad("the envelope's keys must be a non-empty list", 'keys');
  const seen = new Set<string>();
  const keys = (e.keys as unknown[]).map((k, i): [string, string, string] => {
    if (!Array.isArray(k) || k.length !== 3 || !k.every((x) => typeof x === 'string')) bad('each envelope key is [user id, wrapped key, key version]', `keys[${i}]`);
    const [u, wrapped, version] = k as [string, string, string];
    if (!passes(() => assertUserId(u, 'user'))) bad('the user id must be a non-empty, comma-free string', `keys[${i}][0]`);
    if (seen.has(u)) bad(`user ${u} has two wrapped keys`, `keys[${i}][0]`);
    seen.add(u);
    if (!isCanonicalBase64(wrapped, WRAPPED_KEY_LENGTH, 'required')) bad(`the wrapped key must be padded base64 of ${WRAPPED_KEY_LENGTH} bytes`, `keys[${i}][1]`);
    if (!passes(() => assertVersion(version, 'version'))) bad('the key version must be a canonical decimal version', `keys[${i}][2]`);
    return [u, wrapped, version];
  });
  if (d.app !== undefined && typeof d.app !== 'string') bad('the application data ("app") must be a string');
  const envelope: SendbirdKeyEnvelope = { v: ENVELOPE_VERSION, ckv: str('ckv'), sender: str('sender'), skv: str('skv'), mid: str('mid'), sv: str('sv'), sig: str('sig'), keys };
  const appData = d.app as string | undefined;
  if (channelData(envelope, appData) !== data) bad('the channel data is not in the canonical form channelData writes (member order, no whitespace or escapes it would not write)');
  return { envelope, ...(appData === undefined ? {} : { appData }) };
}

/** The same error with its field renamed, when `fields` maps it. */
function withField(e: unknown, fields: Record<string, string>): unknown {
  if (!(e instanceof KeykitError) || e.field === undefined || fields[e.field] === undefined) return e;
  const Kind = e.constructor as new (code: ErrorCode, message: string, field?: string) => KeykitError;
  return new Kind(e.code, e.message.slice(e.field.length + 2), fields[e.field]);
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
  /** Trusted signing keys (the SDK's `SigningKeyEntry[]`); the sender's is picked by id and version. */
  signingKeys: SigningKeyEntry[];
  /**
   * The conversation-key version this member last accepted for the channel: an envelope with a
   * lower version (a replayed, validly signed older one) is refused with `ERR_STALE_KEY_VERSION`.
   * chat-keykit keeps no state; keeping this value is the application's part.
   */
  minConversationKeyVersion?: string;
}

/** What a member gets from a channel. */
export interface OpenedSendbirdChannelKey {
  conversationKey: SecretBytes;
  conversationKeyVersion: string;
  senderId: string;
  /**
   * Every user the envelope wraps the key for, in envelope order (not signed: see the module
   * comment). Compare with the channel's members: a user who left but is still listed holds the
   * key until someone rotates.
   */
  recipientIds: string[];
  /** The application's own `data`, when the channel has any. */
  appData?: string;
}

/**
 * Opens a channel's conversation key for one member, from the group channel resource Sendbird
 * returns. The key is returned only after the member's copy unwraps and the key-change signature
 * verifies with the sender's trusted signing key, for this channel URL.
 *
 * When the resource lists its `members` (Sendbird omits them for Supergroups and with
 * `show_member=false`), the user and the key's sender must be among them.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE`; {@link UnsupportedVersionError}
 * `ERR_UNSUPPORTED_ENVELOPE_VERSION`, `ERR_UNSUPPORTED_SIGNATURE_VERSION`
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` (the user is not a listed member, has no
 * wrapped key, or the copy does not open), `ERR_SIGNATURE_INVALID`, `ERR_SIGNING_KEY_NOT_FOUND`,
 * `ERR_KEY_BINDING_INVALID` (the sender is not a listed member, or is not trusted),
 * `ERR_STALE_KEY_VERSION` (older than `minConversationKeyVersion`)
 * @example
 * const { conversationKey } = await openSendbirdChannelKey(channel, { userId: 'bob', identityPrivateKey, signingKeys });
 */
export async function openSendbirdChannelKey(channel: SendbirdChannelResource, options: OpenSendbirdChannelKeyOptions): Promise<OpenedSendbirdChannelKey> {
  const ch = assertObject(channel, 'channel');
  const o = assertObject(options, 'options');
  const userId = assertUserId(o.userId, 'options.userId');
  const channelUrl = assertString(ch.channel_url, 'channel.channel_url');
  const { envelope, appData } = parseChannelData(ch.data);
  const minVersion = o.minConversationKeyVersion === undefined ? undefined : assertVersion(o.minConversationKeyVersion, 'options.minConversationKeyVersion');
  const listed = Array.isArray(ch.members) && ch.members.length > 0;
  const members = listed ? (ch.members as unknown[]).map((m) => (typeof m === 'object' && m !== null ? (m as { user_id?: unknown }).user_id : undefined)) : [];
  if (listed && !members.includes(userId)) throw new VerificationError(ErrorCodes.DECRYPT_FAILED, `user ${userId} is not a member of the channel`, 'options.userId');
  if (listed && !members.includes(envelope.sender)) {
    throw new VerificationError(ErrorCodes.KEY_BINDING_INVALID, `the key was distributed by ${envelope.sender}, who is not a member of the channel`, 'channel.data');
  }
  // parseChannelData has checked that ckv is a canonical decimal version.
  if (minVersion !== undefined && BigInt(envelope.ckv) < BigInt(minVersion)) {
    throw new VerificationError(ErrorCodes.STALE_KEY_VERSION, `the envelope's key version ${envelope.ckv} is older than ${minVersion}, the last one accepted (a replayed envelope?)`, 'channel.data');
  }
  const index = envelope.keys.findIndex((k) => k[0] === userId);
  const mine = envelope.keys[index];
  if (!mine) throw new VerificationError(ErrorCodes.DECRYPT_FAILED, `the envelope has no wrapped key for user ${userId} (the key was not rotated since they joined)`, 'channel.data');
  // Failures of the key change name the envelope's fields, which is what the caller passed.
  const fields: Record<string, string> = { 'change.signature': 'channel.data.ckk.sig', 'change.encryptedKey': `channel.data.ckk.keys[${index}][1]` };
  const conversationKey = await openKeyChange(
    {
      messageId: envelope.mid,
      senderId: envelope.sender,
      conversationId: channelUrl,
      conversationKeyVersion: envelope.ckv,
      encryptedKey: mine[1],
      signature: envelope.sig,
      signatureVersion: envelope.sv,
      publicKeyVersion: envelope.skv,
    },
    { identityPrivateKey: o.identityPrivateKey as Uint8Array, signingKeys: o.signingKeys as SigningKeyEntry[], ...(options.backend === undefined ? {} : { backend: options.backend }) },
  ).catch((e: unknown) => {
    throw withField(e, fields);
  });
  return {
    conversationKey,
    conversationKeyVersion: envelope.ckv,
    senderId: envelope.sender,
    recipientIds: envelope.keys.map((k) => k[0]),
    ...(appData === undefined ? {} : { appData }),
  };
}
