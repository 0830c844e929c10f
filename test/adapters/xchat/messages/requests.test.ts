/**
 * The message endpoints' bodies and paths: a send body from our SendPayload or the SDK's, a delete
 * body from the signed detail (options checked against it), the media upload bodies (segments,
 * digit strings, limits), the download path, the attachment of an upload (plaintext size), and
 * the members body's encrypted title and avatar URL. Schema validation is in
 * test/conformance/openapi.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addMembersRequest,
  conversationPath,
  decryptMedia,
  decryptMetadata,
  deleteMessagesRequest,
  encryptMedia,
  encryptMessage,
  encryptMetadata,
  mediaAttachment,
  mediaDownloadPath,
  mediaUploadAppendRequest,
  mediaUploadAppendRequests,
  mediaUploadFinalizeRequest,
  mediaUploadInitializeRequest,
  mediaUploadPath,
  MEDIA_SEGMENT_SIZE,
  prepareGroupMembersChange,
  prepareMessageDelete,
  sendMessageRequest,
  type ActionSignature,
  type SendPayload,
} from '../../../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';
import { sdkFor } from '../../../helpers/messages.js';

const KEY = new Uint8Array(randomBytes(32));
const CKV = '1700000000500';
let alice: Member;
let bob: Member;
let sent: SendPayload;

beforeAll(async () => {
  [alice, bob] = (await makeMembers(['111', '222'])) as [Member, Member];
  sent = await encryptMessage({
    conversationId: '222',
    text: 'hi',
    conversationKey: KEY,
    conversationKeyVersion: CKV,
    sender: senderOf(alice),
  });
});

describe('sendMessageRequest', () => {
  test("a body from ours and from the SDK's SendPayload, with the conversation token when given", async () => {
    expect(sendMessageRequest(sent)).toEqual({
      message_id: sent.messageId,
      encoded_message_create_event: sent.encryptedContent,
      encoded_message_event_signature: sent.encodedEventSignature,
    });
    expect(sendMessageRequest(sent, { conversationToken: 't' })).toMatchObject({ conversation_token: 't' });
    const sdk = (await sdkFor(alice)).encryptMessage({
      conversationId: '222',
      text: 'hi',
      conversationKey: Uint8Array.from(KEY),
      conversationKeyVersion: CKV,
    });
    expect(sendMessageRequest(sdk as SendPayload).message_id).toBe(sdk.messageId);
  });

  test('parts that do not belong together, or are not a signed message, are refused', async () => {
    const other = await encryptMessage({
      conversationId: '222',
      text: 'hi',
      conversationKey: KEY,
      conversationKeyVersion: '1700000000501',
      sender: senderOf(alice),
    });
    const cases: [Partial<SendPayload>, string, string][] = [
      [{ signature: other.signature }, 'sent.signature', 'ERR_INVALID_ARGUMENT'],
      [{ conversationKeyVersion: '1700000000501' }, 'sent.conversationKeyVersion', 'ERR_INVALID_ARGUMENT'],
      [{ messageId: 'a,b' }, 'sent.messageId', 'ERR_COMMA_IN_FIELD'],
      [{ messageId: '' }, 'sent.messageId', 'ERR_INVALID_ARGUMENT'],
      [{ encryptedContent: 'not base64!' }, 'sent.encryptedContent', 'ERR_INVALID_BASE64'],
      [{ encryptedContent: Buffer.from('0b006500000001310000', 'hex').toString('base64') }, 'sent.encryptedContent', 'ERR_INVALID_THRIFT'],
      [
        { encryptedContent: Buffer.from('0b00650000000131' + '00', 'hex').toString('base64') },
        'sent.encryptedContent',
        'ERR_INVALID_ARGUMENT',
      ],
      [
        { encodedEventSignature: Buffer.from('0b0001000000024141' + '00', 'hex').toString('base64') },
        'sent.encodedEventSignature',
        'ERR_INVALID_ARGUMENT',
      ],
    ];
    for (const [change, field, code] of cases)
      expect(() => sendMessageRequest({ ...sent, ...change })).toThrow(expect.objectContaining({ code, field }));
    expect(() => sendMessageRequest(sent, { conversationToken: 5 as never })).toThrow(
      expect.objectContaining({ field: 'options.conversationToken' }),
    );
  });
});

describe('conversationPath', () => {
  test.each([
    ['111:222', '/2/chat/conversations/111-222/messages'],
    ['222:111', '/2/chat/conversations/111-222/messages'],
    ['222-111', '/2/chat/conversations/111-222/messages'],
    ['222', '/2/chat/conversations/222/messages'],
    ['g123', '/2/chat/conversations/g123/messages'],
  ])('%s', (id, path) => {
    expect(conversationPath(id, 'messages')).toBe(path);
  });
  test('other endpoints; ids outside the pattern and unknown endpoints are refused', () => {
    expect(conversationPath('g1', 'messages/delete')).toBe('/2/chat/conversations/g1/messages/delete');
    expect(conversationPath('1:2', 'events')).toBe('/2/chat/conversations/1-2/events');
    for (const id of ['', 'g', '111:111', '1:2:3', 'abc', '01-2', 'g12345678901234567890', '12345678901234567890']) {
      expect(() => conversationPath(id, 'messages'), id).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONVERSATION_ID' }));
    }
    expect(() => conversationPath('g1', 'keys' as never)).toThrow(expect.objectContaining({ field: 'endpoint' }));
  });
});

describe('deleteMessagesRequest', () => {
  let forAll: ActionSignature;
  let forSelf: ActionSignature;
  beforeAll(async () => {
    forAll = await prepareMessageDelete({ conversationId: '222', sequenceIds: ['5', '6'], deleteForAll: true, sender: senderOf(alice) });
    forSelf = await prepareMessageDelete({ conversationId: '222', sequenceIds: ['7'], deleteForAll: false, sender: senderOf(alice) });
  });

  test('sequence ids and action from the signed detail; the signature as signed', () => {
    expect(deleteMessagesRequest(forAll, { sequenceIds: ['5', '6'], deleteForAll: true, mediaHashKeys: ['abc123'] })).toEqual({
      sequence_ids: ['5', '6'],
      delete_message_action: 'delete_for_all',
      action_signatures: [
        {
          message_id: forAll.messageId,
          encoded_message_event_detail: forAll.encodedMessageEventDetail,
          message_event_signature: { signature: forAll.signature, public_key_version: alice.version, signature_version: '7' },
          signature_payload: forAll.signaturePayload,
        },
      ],
      media_hash_keys: ['abc123'],
    });
    expect(deleteMessagesRequest(forSelf, { includeSignaturePayload: false })).toEqual({
      sequence_ids: ['7'],
      delete_message_action: 'delete_for_self',
      action_signatures: [
        {
          message_id: forSelf.messageId,
          encoded_message_event_detail: forSelf.encodedMessageEventDetail,
          message_event_signature: { signature: forSelf.signature, public_key_version: alice.version, signature_version: '7' },
        },
      ],
    });
  });

  test("the SDK's action signature too", async () => {
    const sdk = (await sdkFor(alice)).prepareMessageDelete({ conversationId: '222', sequenceIds: ['5'], deleteForAll: false });
    expect(deleteMessagesRequest(sdk).sequence_ids).toEqual(['5']);
  });

  test('options that disagree with what was signed, and non-delete actions, are refused', async () => {
    const cases: [ActionSignature, Record<string, unknown>, string][] = [
      [forAll, { sequenceIds: ['5'] }, 'options.sequenceIds'],
      [forAll, { sequenceIds: ['6', '5'] }, 'options.sequenceIds'],
      [forAll, { deleteForAll: false }, 'options.deleteForAll'],
      [forSelf, { mediaHashKeys: ['abc'] }, 'options.mediaHashKeys'],
      [forAll, { mediaHashKeys: ['a/b'] }, 'options.mediaHashKeys[0]'],
      [forAll, { mediaHashKeys: ['a', 'a'] }, 'options.mediaHashKeys[1]'],
      [{ ...forAll, publicKeyVersion: 'x' }, {}, 'action.publicKeyVersion'],
      [{ ...forAll, signatureVersion: '1' }, {}, 'action.signatureVersion'],
      [
        { ...forAll, encodedMessageEventDetail: Buffer.from('0c0006000000', 'hex').toString('base64') },
        {},
        'action.encodedMessageEventDetail',
      ],
      [
        { ...forAll, encodedMessageEventDetail: Buffer.from('0c00070f00010b00000000080002000000020000', 'hex').toString('base64') },
        {},
        'action.encodedMessageEventDetail',
      ],
      [
        { ...forAll, encodedMessageEventDetail: Buffer.from('0c00070f00010b0000000100000001350800020000000300', 'hex').toString('base64') },
        {},
        'action.encodedMessageEventDetail',
      ],
    ];
    for (const [action, options, field] of cases)
      expect(() => deleteMessagesRequest(action, options), field).toThrow(expect.objectContaining({ field }));
  });
});

describe('media', () => {
  test('the upload flow: initialize, append segments, finalize; the attachment has the plaintext size', async () => {
    const file = new Uint8Array(randomBytes(5000));
    const encrypted = await encryptMedia(file, KEY);
    expect(mediaUploadInitializeRequest({ conversationId: '222-111', totalBytes: encrypted.length })).toEqual({
      conversation_id: '111:222',
      total_bytes: encrypted.length,
    });
    expect(mediaUploadInitializeRequest({ conversationId: 'g9', totalBytes: 0 })).toEqual({ conversation_id: 'g9', total_bytes: 0 });
    const upload = { conversationId: '111:222', mediaHashKey: 'abc123' };
    const gen = mediaUploadAppendRequests(upload, encrypted, { segmentSize: 2048 });
    const bodies = [...gen];
    expect(bodies.map((b) => b.segment_index)).toEqual([0, 1, 2]);
    expect(bodies.every((b) => b.conversation_id === '111:222' && b.media_hash_key === 'abc123')).toBe(true);
    expect(Buffer.concat(bodies.map((b) => Buffer.from(b.media, 'base64')))).toEqual(Buffer.from(encrypted));
    expect([...mediaUploadAppendRequests(upload, encrypted)]).toHaveLength(1); // 3 MiB by default
    expect(MEDIA_SEGMENT_SIZE).toBe(3 * 1024 * 1024);
    expect(mediaUploadFinalizeRequest({ ...upload, numParts: 3, messageId: sent.messageId, ttlMsec: 86_400_000 })).toEqual({
      conversation_id: '111:222',
      media_hash_key: 'abc123',
      num_parts: '3',
      message_id: sent.messageId,
      ttl_msec: '86400000',
    });
    const attachment = mediaAttachment({
      upload: { media_hash_key: 'abc123' },
      encrypted,
      filename: 'f.bin',
      width: 10,
      height: 20,
      mediaType: 5,
    });
    expect(attachment).toEqual({
      attachment_type: 'media',
      media_hash_key: 'abc123',
      width: 10,
      height: 20,
      filesize_bytes: 5000,
      filename: 'f.bin',
      media_type: 5,
    });
    expect(mediaAttachment({ upload: 'abc123', encrypted: 24, filename: 'empty', width: 0, height: 0 }).filesize_bytes).toBe(0);
    // The size is what the receiver checks the download against.
    expect((await decryptMedia(encrypted, KEY, { expectedLength: attachment.filesize_bytes })).length).toBe(5000);
    await expect(
      encryptMessage({
        conversationId: '222',
        text: '',
        attachments: [attachment],
        conversationKey: KEY,
        conversationKeyVersion: CKV,
        sender: senderOf(alice),
      }),
    ).resolves.toBeDefined();
  });

  test('paths', () => {
    expect(mediaUploadPath('initialize')).toBe('/2/chat/media/upload/initialize');
    expect(mediaUploadPath('append', '123')).toBe('/2/chat/media/upload/123/append');
    expect(mediaUploadPath('finalize', '123')).toBe('/2/chat/media/upload/123/finalize');
    expect(mediaDownloadPath('222:111', 'abc123')).toBe('/2/chat/media/111-222/abc123');
    expect(mediaDownloadPath('g5', 'Z9')).toBe('/2/chat/media/g5/Z9');
    expect(() => mediaUploadPath('finalize', '12a')).toThrow(expect.objectContaining({ field: 'sessionId' }));
    expect(() => mediaUploadPath('finalize')).toThrow(expect.objectContaining({ field: 'sessionId' }));
    expect(() => mediaUploadPath('delete' as never)).toThrow(expect.objectContaining({ field: 'step' }));
    expect(() => mediaDownloadPath('222:111', 'a'.repeat(51))).toThrow(expect.objectContaining({ field: 'mediaHashKey' }));
    expect(() => mediaDownloadPath('a:b', 'abc')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONVERSATION_ID' }));
  });

  test('limits and malformed inputs', () => {
    const upload = { conversationId: 'g1', mediaHashKey: 'abc' };
    const cases: [() => unknown, string][] = [
      [() => mediaUploadInitializeRequest({ conversationId: '222', totalBytes: 1 }), 'params.conversationId'],
      [() => mediaUploadInitializeRequest({ conversationId: 'g1', totalBytes: -1 }), 'params.totalBytes'],
      [() => mediaUploadInitializeRequest({ conversationId: 'g1', totalBytes: 1.5 }), 'params.totalBytes'],
      [() => mediaUploadAppendRequest(upload, 1000, new Uint8Array(1)), 'segmentIndex'],
      [() => mediaUploadAppendRequest(upload, -1, new Uint8Array(1)), 'segmentIndex'],
      [() => mediaUploadAppendRequest(upload, 0, new Uint8Array(0)), 'segment'],
      [() => mediaUploadAppendRequest({ ...upload, mediaHashKey: '' }, 0, new Uint8Array(1)), 'upload.mediaHashKey'],
      [() => [...mediaUploadAppendRequests(upload, new Uint8Array(1001), { segmentSize: 1 })], 'encrypted'],
      [() => [...mediaUploadAppendRequests(upload, new Uint8Array(0))], 'encrypted'],
      [() => [...mediaUploadAppendRequests(upload, new Uint8Array(10), { segmentSize: 0 })], 'options.segmentSize'],
      [() => mediaUploadFinalizeRequest({ ...upload, numParts: 0 }), 'params.numParts'],
      [() => mediaUploadFinalizeRequest({ ...upload, numParts: 1001 }), 'params.numParts'],
      [() => mediaUploadFinalizeRequest({ ...upload, numParts: 1, ttlMsec: -5 }), 'params.ttlMsec'],
      [() => mediaUploadFinalizeRequest({ ...upload, numParts: 1, messageId: 'a,b' }), 'params.messageId'],
      [() => mediaAttachment({ upload: 'abc', encrypted: 30, filename: 'f', width: 1, height: 1 }), 'ciphertext'],
      [() => mediaAttachment({ upload: 'abc', encrypted: 24, filename: '', width: 1, height: 1 }), 'input.filename'],
      [
        () => mediaAttachment({ upload: 'abc', encrypted: 24, filename: 'f', width: 1, height: 1, mediaType: 7 as never }),
        'input.mediaType',
      ],
      [() => mediaAttachment({ upload: {} as never, encrypted: 24, filename: 'f', width: 1, height: 1 }), 'input.upload'],
    ];
    for (const [f, field] of cases) expect(f, field).toThrow(expect.objectContaining({ field }));
    expect([...mediaUploadAppendRequests(upload, new Uint8Array(1000), { segmentSize: 1 })]).toHaveLength(1000);
  });
});

describe('addMembersRequest: the title and avatar URL re-encrypted with the new key', () => {
  test('written when they open with the new key; refused when they do not', async () => {
    const [, , carol] = await makeMembers(['111', '222', '333']);
    const prepared = await prepareGroupMembersChange({
      publicKeys: [alice.publicKeyInput, bob.publicKeyInput, carol!.publicKeyInput],
      sender: senderOf(alice),
      conversationId: 'g1',
      newMemberIds: ['333'],
      currentMemberIds: ['111', '222'],
      currentAdminIds: ['111'],
      currentTitle: 'Team',
    });
    const encryptedTitle = await encryptMetadata('Team', prepared.conversationKey);
    const encryptedAvatarUrl = await encryptMetadata('https://example.com/a.png', prepared.conversationKey);
    const body = addMembersRequest(prepared, { encryptedTitle, encryptedAvatarUrl });
    expect(body).toMatchObject({ encrypted_title: encryptedTitle, encrypted_avatar_url: encryptedAvatarUrl });
    expect(await decryptMetadata(body.encrypted_title!, prepared.conversationKey)).toBe('Team');
    expect('encrypted_title' in addMembersRequest(prepared)).toBe(false);
    const stale = await encryptMetadata('Team', KEY);
    expect(() => addMembersRequest(prepared, { encryptedTitle: stale })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.encryptedTitle' }),
    );
    expect(() => addMembersRequest(prepared, { encryptedAvatarUrl: 'AAAA' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.encryptedAvatarUrl' }),
    );
    expect(() => addMembersRequest(prepared, { encryptedTitle: 'Team!' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_BASE64', field: 'options.encryptedTitle' }),
    );
    // Without the key (a prepared change from elsewhere, key dropped), only the form is checked.
    const { conversationKey: _key, ...withoutKey } = prepared;
    expect(addMembersRequest(withoutKey, { encryptedTitle: stale }).encrypted_title).toBe(stale);
  });
});
