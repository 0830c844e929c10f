/**
 * The key envelope of an end-to-end encrypted Sendbird channel (docs/sendbird.md §"The key
 * envelope"): the `ckk` member of the channel's `data` string, next to the application's own data.
 *
 * ```json
 * { "ckk": { "v": 2, "ckv": "<conversation-key version>", "sender": "<user id>",
 *            "skv": "<sender's signing-key version>", "kc": "<key commitment>",
 *            "keys": [["<user id>", "<wrapped key, padded base64>", "<recipient key version>"], …],
 *            "sig": "<unpadded base64 r‖s>" },
 *   "app": "<the application's data string, when there is one>" }
 * ```
 *
 * `sig` signs a payload of its own (its first component names it, so nothing signed for X Chat
 * can be presented here) that covers everything else: the channel URL, the key version, the
 * sender and their signing-key version, a commitment to the plaintext key, and every recipient
 * with their wrapped key and key version, counted. Changing, adding or dropping any of it fails
 * for every member. The commitment lets each member check, after unwrapping, that they hold the
 * key the sender committed to, so all members hold the same key.
 *
 * Sendbird and every member can read the envelope: it holds wrapped keys, versions, a hash and a
 * signature, never a plaintext key.
 *
 * @module
 */
import { DecodeError, ErrorCodes, UnsupportedVersionError } from '../../errors.js';
import { isSignable, isUserId, isVersion } from '../../rules.js';
import { WRAPPED_KEY_LENGTH } from '../../core/ecies.js';
import type { WrappedKey } from '../../core/wrap.js';
import { isCanonicalBase64 } from '../../wire/base64.js';
import { parseJsonStrict } from '../../wire/json.js';
import { joinPayload } from '../../wire/payload.js';

/** The envelope's key in `data`, and its version. */
export const ENVELOPE_FIELD = 'ckk';
export const ENVELOPE_VERSION = 2;

/** The first component of the signed payload: it names the payload, so no other signature fits. */
export const ENVELOPE_PAYLOAD_NAME = 'chat-keykit.SendbirdChannelKey';

/** The domain separator of the key commitment. */
export const KEY_COMMITMENT_LABEL = 'chat-keykit sendbird channel key commitment v2';

/** The key envelope (the `ckk` member of `data`). */
export interface SendbirdKeyEnvelope {
  v: 2;
  /** Conversation-key version (a millisecond timestamp). */
  ckv: string;
  /** Who distributed the key. */
  sender: string;
  /** The sender's signing-key version. */
  skv: string;
  /** Key commitment: unpadded base64 of SHA-256(label ‖ 0x00 ‖ key). */
  kc: string;
  /** Per recipient: user id, wrapped key, the identity-key version it was wrapped to. */
  keys: [userId: string, wrappedKey: string, keyVersion: string][];
  /** Unpadded base64 `r‖s` over {@link envelopePayload}. */
  sig: string;
}

/** The signed payload of an envelope for a channel (everything but the signature). */
export function envelopePayload(channelUrl: string, e: Omit<SendbirdKeyEnvelope, 'sig'>): string {
  return joinPayload([
    ['name', ENVELOPE_PAYLOAD_NAME],
    ['v', String(e.v)],
    ['channel_url', channelUrl],
    ['ckv', e.ckv],
    ['sender', e.sender],
    ['skv', e.skv],
    ['kc', e.kc],
    ['keys.length', String(e.keys.length)],
    ['keys', e.keys.flat()],
  ]);
}

/** The envelope's recipients as wrapped keys. */
export function envelopeKeys(e: SendbirdKeyEnvelope): WrappedKey[] {
  return e.keys.map(([userId, encryptedKey, publicKeyVersion]) => ({ userId, encryptedKey, publicKeyVersion }));
}

/**
 * The application part of a channel's current `data` as chat-keykit wrote it (`{"ckk":…,"app":…}`),
 * so that a key rotation keeps the application's data and replaces the old envelope. The old
 * envelope is not checked (it is being replaced); the document's shape is.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when `data` is not such a document (application
 * data without an envelope is passed as `appData` instead)
 */
export function appDataOfChannelData(data: string, field: string): string | undefined {
  if (data.length > MAX_DATA_LENGTH)
    throw new DecodeError(ErrorCodes.TOO_LARGE, `channel data longer than ${MAX_DATA_LENGTH} characters`, field);
  let doc: unknown;
  try {
    doc = parseJsonStrict(data, field);
  } catch {
    doc = undefined;
  }
  const shaped =
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    Object.keys(doc).every((k) => k === ENVELOPE_FIELD || k === 'app') &&
    typeof (doc as Record<string, unknown>)[ENVELOPE_FIELD] === 'object' &&
    (doc as Record<string, unknown>)[ENVELOPE_FIELD] !== null &&
    ['undefined', 'string'].includes(typeof (doc as Record<string, unknown>).app);
  if (!shaped)
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `expected channel data holding a key envelope ({"${ENVELOPE_FIELD}":…,"app":…})`,
      field,
    );
  return (doc as { app?: string }).app;
}

/** The channel `data` string: the envelope and the application's data. */
export function channelData(envelope: SendbirdKeyEnvelope, appData: string | undefined): string {
  const ckk = {
    v: envelope.v,
    ckv: envelope.ckv,
    sender: envelope.sender,
    skv: envelope.skv,
    kc: envelope.kc,
    keys: envelope.keys,
    sig: envelope.sig,
  };
  return JSON.stringify(appData === undefined ? { [ENVELOPE_FIELD]: ckk } : { [ENVELOPE_FIELD]: ckk, app: appData });
}

function bad(message: string, envelopeField?: string): never {
  throw new DecodeError(
    ErrorCodes.INVALID_ENVELOPE,
    message,
    envelopeField === undefined ? 'channel.data' : `channel.data.ckk.${envelopeField}`,
  );
}

const FIELDS = ['v', 'ckv', 'sender', 'skv', 'kc', 'keys', 'sig'] as const;

/** Most recipients an envelope may carry (a Supergroup's members). */
export const MAX_RECIPIENTS = 20_000;

/** Longest channel `data` read (about 210 characters per recipient, and the application's data). */
export const MAX_DATA_LENGTH = 8 * 1024 * 1024;

/**
 * Reads the envelope and the application data from a channel's `data` string. Only the exact text
 * {@link channelData} writes is accepted (member order, no whitespace, no extra members), and every
 * field is checked: versions canonical decimal, ids comma-free, the commitment and the signature
 * canonical unpadded base64 of 32 and 64 bytes, each wrapped key canonical padded base64 of 113
 * bytes. So what parses re-encodes to the same bytes, and nothing malformed reaches a check.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` when `data` is not an envelope or is malformed,
 * `ERR_TOO_LARGE` past {@link MAX_DATA_LENGTH} or {@link MAX_RECIPIENTS}
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION` for another envelope version
 * @example
 * const { envelope, appData } = parseChannelData(channel.data);
 * console.log(envelope.ckv, envelope.keys.map(([userId]) => userId));
 */
export function parseChannelData(data: unknown): { envelope: SendbirdKeyEnvelope; appData?: string } {
  if (typeof data !== 'string' || data.length === 0)
    bad('the channel has no data, so no key envelope (not an end-to-end encrypted channel)');
  if (data.length > MAX_DATA_LENGTH)
    throw new DecodeError(
      ErrorCodes.TOO_LARGE,
      `the channel data is ${data.length} characters, above the limit of ${MAX_DATA_LENGTH}`,
      'channel.data',
    );
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
    throw new UnsupportedVersionError(
      ErrorCodes.UNSUPPORTED_ENVELOPE_VERSION,
      `envelope version ${JSON.stringify(e.v)} is not supported (this is version ${ENVELOPE_VERSION})`,
      'channel.data.ckk.v',
    );
  }
  for (const k of Object.keys(d)) if (k !== ENVELOPE_FIELD && k !== 'app') bad(`unknown member "${k}" next to the envelope`);
  for (const k of Object.keys(e)) if (!(FIELDS as readonly string[]).includes(k)) bad(`unknown envelope field "${k}"`);
  const text = (f: 'ckv' | 'sender' | 'skv' | 'kc' | 'sig'): string => {
    const v = e[f];
    if (typeof v !== 'string' || v === '') bad(`the envelope's ${f} must be a non-empty string`, f);
    return v;
  };
  const [ckv, sender, skv, kc, sig] = [text('ckv'), text('sender'), text('skv'), text('kc'), text('sig')];
  if (!isVersion(ckv)) bad("the envelope's ckv must be a canonical decimal version", 'ckv');
  if (!isVersion(skv)) bad("the envelope's skv must be a canonical decimal version", 'skv');
  if (!isUserId(sender)) bad("the envelope's sender must be a comma-free user id", 'sender');
  if (!isCanonicalBase64(kc, 32, 'forbidden')) bad("the envelope's key commitment must be unpadded base64 of 32 bytes", 'kc');
  if (!isCanonicalBase64(sig, 64, 'forbidden')) bad("the envelope's signature must be unpadded base64 of a 64-byte r‖s", 'sig');
  if (!Array.isArray(e.keys) || e.keys.length === 0) bad("the envelope's keys must be a non-empty list", 'keys');
  if (e.keys.length > MAX_RECIPIENTS)
    throw new DecodeError(
      ErrorCodes.TOO_LARGE,
      `${e.keys.length} recipients, above the limit of ${MAX_RECIPIENTS}`,
      'channel.data.ckk.keys',
    );
  const seen = new Set<string>();
  const keys: SendbirdKeyEnvelope['keys'] = [];
  for (let i = 0; i < e.keys.length; i++) {
    const k: unknown = e.keys[i];
    if (!Array.isArray(k) || k.length !== 3 || typeof k[0] !== 'string' || typeof k[1] !== 'string' || typeof k[2] !== 'string')
      bad('each envelope key is [user id, wrapped key, key version]', `keys[${i}]`);
    const [u, wrapped, version] = k as [string, string, string];
    if (!isUserId(u)) bad('the user id must be a non-empty, comma-free string', `keys[${i}][0]`);
    if (seen.has(u)) bad(`user ${u} has two wrapped keys`, `keys[${i}][0]`);
    seen.add(u);
    if (!isCanonicalBase64(wrapped, WRAPPED_KEY_LENGTH, 'required'))
      bad(`the wrapped key must be padded base64 of ${WRAPPED_KEY_LENGTH} bytes`, `keys[${i}][1]`);
    if (!isVersion(version) || !isSignable(version)) bad('the key version must be a canonical decimal version', `keys[${i}][2]`);
    keys.push([u, wrapped, version]);
  }
  if (d.app !== undefined && typeof d.app !== 'string') bad('the application data ("app") must be a string');
  const envelope: SendbirdKeyEnvelope = { v: ENVELOPE_VERSION, ckv, sender, skv, kc, keys, sig };
  const appData = d.app as string | undefined;
  if (channelData(envelope, appData) !== data)
    bad('the channel data is not in the canonical form channelData writes (member order, no whitespace or escapes it would not write)');
  return { envelope, ...(appData === undefined ? {} : { appData }) };
}
