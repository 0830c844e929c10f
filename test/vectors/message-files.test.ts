/**
 * The message-layer vector files (metadata.json, media.json, messages.json, received.json,
 * messages-negative.json): `vectors verify` catches a change of any derived field, naming file,
 * vector and field, and names a field of the wrong shape (test/vectors/files.test.ts covers
 * determinism, staleness and completeness for every file).
 */
import { describe, expect, test } from 'vitest';
import { verifyVectors } from '../../src/vectors/index.js';
import { mutated, type Obj } from './committed.js';

/** The first hex digit changed. */
const flipHex = (h: string) => h.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
/** One base64 character changed (not the last, whose low bits may be padding). */
const flipB64 = (s: string, at = 10) => `${s.slice(0, at)}${s[at] === 'A' ? 'B' : 'A'}${s.slice(at + 1)}`;

const failuresOf = async (name: string, change: (f: Obj) => void) => {
  const r = await verifyVectors(mutated(name, change));
  expect(r.ok).toBe(false);
  expect(r.failures.filter((x) => /TypeError|Cannot read|is not a function/.test(x))).toEqual([]);
  return r.failures;
};

describe('vectors verify fails on a changed derived field of the message-layer files', () => {
  const mutations: [string, string, (f: Obj) => void, RegExp][] = [
    [
      'metadata.json',
      'a nonce',
      (f) => (f.vectors[0].nonce_hex = flipHex(f.vectors[0].nonce_hex)),
      /^metadata\.json metadata-title nonce_hex/,
    ],
    [
      'metadata.json',
      'a ciphertext',
      (f) => (f.vectors[3].ciphertext_b64 = flipB64(f.vectors[3].ciphertext_b64, 40)),
      /^metadata\.json metadata-non-ascii ciphertext_b64/,
    ],
    [
      'metadata.json',
      'the plaintext bytes',
      (f) => (f.vectors[1].plaintext_hex = '00'),
      /^metadata\.json metadata-avatar-url plaintext_hex/,
    ],
    ['media.json', 'a header', (f) => (f.vectors[2].header_hex = flipHex(f.vectors[2].header_hex)), /^media\.json media-1023 header_hex/],
    [
      'media.json',
      'a whole ciphertext',
      (f) => (f.vectors[4].ciphertext_hex = f.vectors[4].ciphertext_hex.replace(/..$/, '00')),
      /^media\.json media-1025 ciphertext_hex/,
    ],
    [
      'media.json',
      'the hash of a large ciphertext',
      (f) => (f.vectors[6].ciphertext_sha256_hex = flipHex(f.vectors[6].ciphertext_sha256_hex)),
      /^media\.json media-5000 ciphertext_sha256_hex/,
    ],
    ['media.json', 'a frame tag', (f) => (f.vectors[5].frames[0].tag = 'FINAL'), /^media\.json media-2048 frames\[0\]\.tag/],
    [
      'messages.json',
      'an encrypted content',
      (f) => (f.vectors[0].result.encryptedContent = flipB64(f.vectors[0].result.encryptedContent, 20)),
      /^messages\.json message-plain result\.encryptedContent/,
    ],
    [
      'messages.json',
      'a signed payload',
      (f) => (f.vectors[1].signed_payload = f.vectors[1].signed_payload.replace('333', '111')),
      /^messages\.json message-rich signed_payload/,
    ],
    [
      'messages.json',
      'a signature',
      (f) => (f.vectors[4].result.signature = f.vectors[5].result.signature),
      /^messages\.json edit signature verifies over signed_payload: expected true, got false/,
    ],
    ['messages.json', 'an entry', (f) => (f.vectors[3].entry_hex = flipHex(f.vectors[3].entry_hex)), /^messages\.json reply entry_hex/],
    [
      'messages.json',
      'a request body',
      (f) => (f.vectors[7].request_body.delete_message_action = 'delete_for_self'),
      /^messages\.json delete-for-all request_body\.delete_message_action/,
    ],
    [
      'messages.json',
      'a delivered event',
      (f) => (f.vectors[6].delivered_b64 = f.vectors[5].delivered_b64),
      /^messages\.json reaction-remove delivered_b64/,
    ],
    [
      'messages.json',
      'an input (the text)',
      (f) => (f.vectors[0].params.text = 'Hello, world!'),
      /^messages\.json message-plain (params|result)/,
    ],
    [
      'received.json',
      'an expected error code',
      (f) => (f.vectors[0].expect.errors[0].code = 'ERR_SIGNATURE_INVALID'),
      /^received\.json group-stream expect\.errors\[0\]\.code: expected "ERR_SIGNATURE_INVALID", got "ERR_DUPLICATE_EVENT"/,
    ],
    [
      'received.json',
      'an expected decrypted text',
      (f) => (f.vectors[0].expect.messages[2].event.content.text = 'Hello, world!'),
      /^received\.json group-stream expect\.messages\[2\]\.event\.content\.text/,
    ],
    [
      'received.json',
      'the expected state',
      (f) => (f.vectors[0].expect.state.latestVersions.g1234567890123456789 = '1'),
      /^received\.json group-stream expect\.state\.latestVersions\.g1234567890123456789/,
    ],
    [
      'received.json',
      'an event (a message moved)',
      (f) => (f.vectors[0].events[3].event_b64 = f.vectors[0].events[2].event_b64),
      /^received\.json group-stream expect\./,
    ],
    [
      'messages-negative.json',
      'an expected event error code',
      (f) => (f.vectors[0].expect.errors[0].code = 'ERR_DECRYPT_FAILED'),
      /^messages-negative\.json events-tampered-contents expect\.errors\[0\]\.code: expected "ERR_DECRYPT_FAILED", got "ERR_SIGNATURE_INVALID"/,
    ],
    [
      'messages-negative.json',
      'an older key change expected to roll the version back',
      (f) => (f.vectors[11].expect.latest_version = '1795357034165'),
      /^messages-negative\.json events-older-key-change expect\.latest_version/,
    ],
    [
      'messages-negative.json',
      'a media stream that is actually whole',
      (f) => (f.vectors[12].input.ciphertext_hex = f.vectors[16].input.ciphertext_hex),
      /^messages-negative\.json media-truncated expect: no error was raised/,
    ],
    [
      'messages-negative.json',
      'metadata that is actually valid',
      (f) => (f.vectors[20].input.key_hex = f.vectors[19].input.key_hex),
      /^messages-negative\.json metadata-wrong-key expect: no error was raised/,
    ],
  ];
  test.each(mutations)('%s: %s', async (name, _what, change, message) => {
    const failures = await failuresOf(name, change);
    expect(
      failures.some((x) => message.test(x)),
      failures.join('\n'),
    ).toBe(true);
  });
});

describe('vectors verify names a message-layer field of the wrong shape', () => {
  const shapes: [string, string, (f: Obj) => void, string][] = [
    [
      'media.json',
      'a length that is a string',
      (f) => (f.vectors[1].plaintext_length = '1'),
      'media.json media-1 plaintext_length: must be a number, is "1"',
    ],
    [
      'messages.json',
      'an entity that is not a triple',
      (f) => (f.vectors[1].params.entities[0] = [0, 4]),
      'messages.json message-rich params.entities[0]: must be [start, end, type], is [0,4]',
    ],
    [
      'messages.json',
      'an unknown function',
      (f) => (f.vectors[0].function = 'encryptPoll'),
      'messages.json message-plain function: must be one of "encryptMessage", "encryptReply", "encryptEdit", "encryptAddReaction", "encryptRemoveReaction", "prepareMessageDelete", is "encryptPoll"',
    ],
    [
      'metadata.json',
      'a key that is not hex',
      (f) => (f.conversation_key_hex = 'key'),
      'metadata.json (file) conversation_key_hex: must be lowercase hex, is "key"',
    ],
    [
      'received.json',
      'an event list that is not a list',
      (f) => (f.vectors[0].events = 'none'),
      'received.json group-stream events: must be a list, is "none"',
    ],
  ];
  test.each(shapes)('%s: %s', async (name, _what, change, message) => {
    expect(await failuresOf(name, change)).toContain(message);
  });
});

test('messages-negative.json’s event vectors need received.json’s recipient, and say so when it is missing', async () => {
  const files = mutated('received.json', () => {});
  files.delete('received.json');
  const r = await verifyVectors(files);
  expect(r.failures).toContain(
    'messages-negative.json events-tampered-contents expect: received.json (recipient, signing keys, clock) is missing or malformed',
  );
});
