/**
 * messages-negative.json: message-layer inputs a conforming receiver must refuse, each with the
 * function to run and the error codes it must give: event streams (as received.json's recipient,
 * with its keys) with one altered event, altered media streams, bad metadata.
 *
 * @module
 */
import { decryptMedia, decryptMetadata, KeykitError } from '../../index.js';
import { fromHex, GROUP, header, short, toHex, type Header } from '../common.js';
import type { Checker } from '../diff.js';
import { decimal, hex, list, num, object, oneOf, optional, ShapeError, str, type FieldReader, type Read } from '../read.js';
import type { VectorUser } from '../users.js';
import type { FileBody, FreeText, OtherFiles, VectorFile } from '../vector-file.js';
import { CKV, conversationKeyOf } from './conversation.js';
import { sources } from './negative-cases.js';
import { receive, receivedFile } from './received.js';

/** The receiver state a `decryptEvents` vector starts from. */
interface StateInput {
  version: 1;
  latestVersions: { conversationId: string; version: string }[];
}

/** A function to run, its input, and what it must give. */
type Case =
  | {
      function: 'decryptEvents';
      input: { events: string[]; state?: StateInput };
      expect: { errors: { index: string; code: string }[]; latest_version: string | null };
    }
  | {
      function: 'decryptMedia';
      input: { ciphertext_hex: string; key_hex: string; expected_length?: number };
      expect: { error_code: string };
    }
  | { function: 'decryptMetadata'; input: { ciphertext_b64: string; key_hex: string }; expect: { error_code: string } };

export type MessagesNegativeVector = { id: string } & Case;

export type MessagesNegativeFile = Header & { vectors: (MessagesNegativeVector & FreeText)[] };

export async function generate(users: VectorUser[]): Promise<MessagesNegativeFile> {
  const key = await conversationKeyOf(users);
  const s = await sources(users, key);
  const k = toHex(key);
  type Described = MessagesNegativeVector & FreeText;
  /** The key change, then `event`, which must be refused with `code`. */
  const refused = (id: string, description: string, event: string, code: string): Described => ({
    id,
    description,
    function: 'decryptEvents',
    input: { events: [s.events.keyChange, event] },
    expect: { errors: [{ index: '1', code }], latest_version: CKV },
  });
  const media = (
    id: string,
    description: string,
    bytes: Uint8Array,
    code: string,
    extra: { key_hex?: string; expected_length?: number } = {},
  ): Described => ({
    id,
    description,
    function: 'decryptMedia',
    input: {
      ciphertext_hex: toHex(bytes),
      key_hex: extra.key_hex ?? k,
      ...(extra.expected_length === undefined ? {} : { expected_length: extra.expected_length }),
    },
    expect: { error_code: code },
  });
  const metadata = (id: string, description: string, ciphertext_b64: string, code: string, key_hex = k): Described => ({
    id,
    description,
    function: 'decryptMetadata',
    input: { ciphertext_b64, key_hex },
    expect: { error_code: code },
  });
  const e = s.events;
  const vectors: Described[] = [
    refused(
      'events-tampered-contents',
      'a byte of the encrypted contents flipped, the signature kept',
      e.tamperedContents,
      'ERR_SIGNATURE_INVALID',
    ),
    refused(
      'events-tampered-contents-resigned',
      'a byte of the contents flipped and the message signed again by its sender: the secretbox tag fails',
      e.tamperedResigned,
      'ERR_DECRYPT_FAILED',
    ),
    refused('events-other-key', 'sealed with another key under the announced version, correctly signed', e.otherKey, 'ERR_DECRYPT_FAILED'),
    refused(
      'events-other-key-version',
      'the key version changed to one nobody announced, the signature kept',
      e.otherVersion,
      'ERR_SIGNATURE_INVALID',
    ),
    refused(
      'events-other-conversation',
      'delivered in another conversation, the signature kept',
      e.otherConversation,
      'ERR_SIGNATURE_INVALID',
    ),
    refused('events-wrong-signing-key', 'sent as 111 but signed with 333’s signing key', e.signedBy333, 'ERR_SIGNATURE_INVALID'),
    refused(
      'events-non-member',
      'sent and signed by 444, whose signing key the recipient does not hold (not a member)',
      e.byNonMember,
      'ERR_SIGNING_KEY_NOT_FOUND',
    ),
    refused(
      'events-unknown-signing-key-version',
      'a signing-key version the recipient has no key for',
      e.unknownSigningKeyVersion,
      'ERR_SIGNING_KEY_NOT_FOUND',
    ),
    refused('events-unsigned', 'a message without its signature', e.unsigned, 'ERR_UNVERIFIED_EVENT'),
    refused('events-signature-version-1', 'signature version 1 (a downgrade)', e.signatureVersion1, 'ERR_UNSUPPORTED_SIGNATURE_VERSION'),
    refused('events-replayed-key-change', 'the key change delivered twice', e.keyChange, 'ERR_DUPLICATE_EVENT'),
    {
      id: 'events-older-key-change',
      description:
        'a validly signed key change older than the state’s latest version: its key is taken, but the latest version does not go back',
      function: 'decryptEvents',
      input: { events: [e.keyChange, e.plain], state: { version: 1, latestVersions: [{ conversationId: GROUP, version: s.floor }] } },
      expect: { errors: [], latest_version: s.floor },
    },
    media('media-truncated', 'the last (FINAL) frame dropped', s.media.truncated, 'ERR_DECRYPT_FAILED'),
    media('media-reordered', 'the first two frames swapped', s.media.reordered, 'ERR_DECRYPT_FAILED'),
    media('media-extended', 'a frame appended after the FINAL one', s.media.extended, 'ERR_DECRYPT_FAILED'),
    media('media-tampered', 'a byte of the second frame flipped', s.media.tampered, 'ERR_DECRYPT_FAILED'),
    media('media-wrong-key', 'decrypted with another key', s.media.whole, 'ERR_DECRYPT_FAILED', { key_hex: toHex(s.otherKey) }),
    media('media-header-only', 'cut back to its header, with the announced length', s.media.headerOnly, 'ERR_DECRYPT_FAILED', {
      expected_length: 2049,
    }),
    media('media-impossible-length', 'a last frame of 10 bytes, shorter than any frame', s.media.impossibleLength, 'ERR_INVALID_ENVELOPE'),
    metadata('metadata-tampered', 'a ciphertext byte flipped', s.metadata.tampered, 'ERR_DECRYPT_FAILED'),
    metadata('metadata-wrong-key', 'decrypted with another key', s.metadata.title, 'ERR_DECRYPT_FAILED', toHex(s.otherKey)),
    metadata('metadata-too-short', '39 bytes, shorter than nonce and tag', s.metadata.tooShort, 'ERR_INVALID_ENVELOPE'),
    metadata('metadata-url-safe-base64', 'the URL-safe base64 alphabet', s.metadata.urlSafe, 'ERR_INVALID_BASE64'),
    metadata('metadata-not-utf8', 'decrypts to bytes that are not UTF-8', s.metadata.notUtf8, 'ERR_INVALID_UTF8'),
  ];
  return {
    ...header(
      'Message-layer inputs that must be refused, with the error codes a conforming implementation gives. Event streams are received as in received.json (its recipient, signing keys and clock).',
    ),
    vectors,
  };
}

/** The error code of a call, or a reason it could not be compared. */
async function codeOf(run: () => Promise<unknown>): Promise<{ error_code: string } | { error: string }> {
  try {
    await run();
    return { error: 'no error was raised' };
  } catch (e) {
    return e instanceof KeykitError ? { error_code: e.code } : { error: `untyped ${e instanceof Error ? e.name : typeof e}` };
  }
}

/** Runs each vector's function and compares what it gives with `expect`. */
export async function check(c: Checker, file: FileBody<object, MessagesNegativeVector>, others: OtherFiles): Promise<void> {
  const received = others.get(receivedFile);
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      if (v.function === 'decryptEvents') {
        if (!received) return c.fail(v.id, 'expect', 'received.json (recipient, signing keys, clock) is missing or malformed');
        const state = v.input.state && {
          version: v.input.state.version,
          latestVersions: Object.fromEntries(v.input.state.latestVersions.map((l) => [l.conversationId, l.version])),
        };
        const got = await receive(received, v.input.events, state ? { state } : {});
        return c.eq(v.id, 'expect', { errors: got.errors, latest_version: got.conversation_keys.latestVersion }, v.expect);
      }
      const got =
        v.function === 'decryptMedia'
          ? await codeOf(() =>
              decryptMedia(fromHex(v.input.ciphertext_hex), fromHex(v.input.key_hex), { expectedLength: v.input.expected_length }),
            )
          : await codeOf(() => decryptMetadata(v.input.ciphertext_b64, fromHex(v.input.key_hex)));
      if ('error' in got) c.fail(v.id, 'expect', `${got.error} (expected ${short(JSON.stringify(v.expect))})`);
      else c.eq(v.id, 'expect', got, v.expect);
    });
  }
}

const readErrorCode = object((f) => ({ error_code: f('error_code', str) }));
const readState: Read<StateInput> = object((f) => ({
  version: f('version', (v, path): 1 => {
    if (v !== 1) throw new ShapeError(path, `must be 1, is ${short(JSON.stringify(v) ?? 'absent')}`);
    return 1;
  }),
  latestVersions: f('latestVersions', list(object((g) => ({ conversationId: g('conversationId', str), version: g('version', decimal) })))),
}));

export const readVector: Read<MessagesNegativeVector> = object((f): MessagesNegativeVector => {
  const id = f('id', str);
  const fn = f('function', oneOf('decryptEvents', 'decryptMedia', 'decryptMetadata'));
  const input = <T extends object>(read: (field: FieldReader) => T) => f('input', object(read));
  switch (fn) {
    case 'decryptEvents':
      return {
        id,
        function: fn,
        input: input((g) => ({ events: g('events', list(str)), state: g('state', optional(readState)) })),
        expect: f(
          'expect',
          object((g) => ({
            errors: g('errors', list(object((h) => ({ index: h('index', str), code: h('code', str) })))),
            latest_version: g('latest_version', (v, path) => (v === null ? null : decimal(v, path))),
          })),
        ),
      };
    case 'decryptMedia':
      return {
        id,
        function: fn,
        input: input((g) => ({
          ciphertext_hex: g('ciphertext_hex', hex),
          key_hex: g('key_hex', hex),
          expected_length: g('expected_length', optional(num)),
        })),
        expect: f('expect', readErrorCode),
      };
    case 'decryptMetadata':
      return {
        id,
        function: fn,
        input: input((g) => ({ ciphertext_b64: g('ciphertext_b64', str), key_hex: g('key_hex', hex) })),
        expect: f('expect', readErrorCode),
      };
  }
});

export const messagesNegativeFile: VectorFile<object, MessagesNegativeVector> = {
  name: 'messages-negative.json',
  recomputed: { top: [], vector: ['expect'] },
  readTop: object(() => ({})),
  readVector,
  generate,
  check,
};
