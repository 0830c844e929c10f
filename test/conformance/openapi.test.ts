/**
 * Request bodies against the X API's own OpenAPI schemas (ajv), and our restated structural
 * checks (src/adapters/xchat/schema.ts) against ajv in both directions on mutated bodies.
 */
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  addConversationKeysRequest,
  addMembersRequest,
  buildKeyRegistration,
  buildKeyRotation,
  createGroupRequest,
  conversationPath,
  deleteMessagesRequest,
  encryptAddReaction,
  encryptMedia,
  encryptMessage,
  encryptMetadata,
  encryptReply,
  mediaDownloadPath,
  mediaUploadAppendRequests,
  mediaUploadFinalizeRequest,
  mediaUploadInitializeRequest,
  mediaUploadPath,
  prepareMessageDelete,
  sendMessageRequest,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
} from '../helpers/kit.js';
import {
  AddConversationKeysSchema,
  AddMembersSchema,
  checkSchema,
  CreateGroupSchema,
  type Rule,
} from '../../src/adapters/xchat/verify/schema.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { readReference } from './data.js';

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
  components: { schemas: Record<string, unknown> };
}
const api = readReference<OpenApi>('x-api-chat-openapi.json');
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'x-api', components: api.components });
const validator = (name: string) => ajv.getSchema(`x-api#/components/schemas/${name}`)!;

/** The request schema the OpenAPI document names for an endpoint. */
function requestSchema(path: string): string {
  const ref = api.paths[path]?.post?.requestBody?.content['application/json']?.schema.$ref;
  expect(ref, path).toBeDefined();
  return ref!.split('/').at(-1)!;
}

let m: Member[];
const bodies: Record<string, { path: string; body: unknown }[]> = {};

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333', '444']);
  const publicKeys = m.map((x) => x.publicKeyInput);
  const sender = senderOf(m[0]!);
  const rotation = buildKeyRotation({
    treeVersion: '1',
    actionBy: { userId: '111', keyVersion: '1700000000000' },
    opType: 'genGroup',
    initialMembers: [{ userId: '111', keyVersion: '1700000000000' }],
  });
  const full = await prepareGroupCreate({
    publicKeys,
    sender,
    conversationId: 'g1234567890123456789',
    memberIds: ['111', '222', '333'],
    adminIds: ['111', '222'],
    title: 'Team',
    avatarUrl: 'https://example.com/a.png',
    ttlMsec: 86_400_000,
  });
  const minimal = await prepareGroupCreate({ publicKeys, sender, conversationId: 'g1', memberIds: ['111', '222'] });
  const keys = await prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g1', memberIds: ['111', '222', '333', '444'] });
  const oneToOne = await prepareConversationKeyChange({ publicKeys: publicKeys.slice(0, 2), sender });
  const add = await prepareGroupMembersChange({
    publicKeys,
    sender,
    conversationId: 'g1',
    newMemberIds: ['444'],
    currentMemberIds: ['111', '222', '333'],
    currentAdminIds: ['111'],
    currentTitle: 'Team',
  });
  bodies['/2/chat/conversations/group'] = [
    { path: 'full', body: createGroupRequest(full, { description: 'd' }) },
    { path: 'minimal', body: createGroupRequest(minimal) },
    { path: 'with rotation', body: createGroupRequest(minimal, { keyRotation: rotation, includeSigningPublicKey: false }) },
  ];
  bodies['/2/chat/conversations/{id}/keys'] = [
    { path: 'group rotation', body: addConversationKeysRequest(keys) },
    { path: 'one-to-one', body: addConversationKeysRequest(oneToOne, { keyRotation: rotation }) },
  ];
  bodies['/2/chat/conversations/{id}/members'] = [{ path: 'member add', body: addMembersRequest(add) }];
  bodies['/2/users/{id}/public_keys'] = [{ path: 'registration', body: await buildKeyRegistration(m[0]!.identity) }];
  bodies['/2/chat/conversations/{id}/members'].push({
    path: 'member add with encrypted metadata',
    body: addMembersRequest(add, {
      encryptedTitle: await encryptMetadata('Team', add.conversationKey),
      encryptedAvatarUrl: await encryptMetadata('https://example.com/a.png', add.conversationKey),
    }),
  });

  // The message endpoints.
  const key = { conversationKey: new Uint8Array(32).fill(4), conversationKeyVersion: '1700000000500', sender };
  const message = await encryptMessage({ conversationId: '222', text: 'hi', ...key });
  const reply = await encryptReply({ conversationId: 'g1', text: 're', replyToSequenceId: '5', ...key });
  const reaction = await encryptAddReaction({ emoji: '👍', conversationId: 'g1', targetMessageSequenceId: '5', ...key });
  bodies['/2/chat/conversations/{id}/messages'] = [
    { path: 'message', body: sendMessageRequest(message) },
    { path: 'reply with a conversation token', body: sendMessageRequest(reply, { conversationToken: 'tok' }) },
    { path: 'reaction', body: sendMessageRequest(reaction) },
  ];
  const forAll = await prepareMessageDelete({ conversationId: '222', sequenceIds: ['5', '6'], deleteForAll: true, sender });
  const forSelf = await prepareMessageDelete({ conversationId: 'g1', sequenceIds: ['7'], deleteForAll: false, sender });
  bodies['/2/chat/conversations/{id}/messages/delete'] = [
    { path: 'for all, with media', body: deleteMessagesRequest(forAll, { mediaHashKeys: ['abc123'] }) },
    { path: 'for self, without the payload', body: deleteMessagesRequest(forSelf, { includeSignaturePayload: false }) },
  ];
  const encrypted = await encryptMedia(new Uint8Array(5000).fill(1), key.conversationKey);
  const upload = { conversationId: '111:222', mediaHashKey: 'abc123' };
  bodies['/2/chat/media/upload/initialize'] = [
    { path: 'one-to-one', body: mediaUploadInitializeRequest({ conversationId: '222-111', totalBytes: encrypted.length }) },
    { path: 'group', body: mediaUploadInitializeRequest({ conversationId: 'g1', totalBytes: 0 }) },
  ];
  bodies['/2/chat/media/upload/{id}/append'] = [...mediaUploadAppendRequests(upload, encrypted, { segmentSize: 2048 })].map((body, i) => ({
    path: `segment ${i}`,
    body,
  }));
  bodies['/2/chat/media/upload/{id}/finalize'] = [
    { path: 'minimal', body: mediaUploadFinalizeRequest({ ...upload, numParts: 3 }) },
    { path: 'full', body: mediaUploadFinalizeRequest({ ...upload, numParts: 1000, messageId: message.messageId, ttlMsec: 86_400_000 }) },
  ];
});

describe('our paths match the path patterns of the X API schema', () => {
  const pattern = (path: string, method: string, name: string) => {
    const params = (api.paths[path] as Record<string, { parameters?: { name: string; schema: { pattern?: string } }[] }>)[method]!
      .parameters!;
    const p = params.find((x) => x.name === name)!.schema.pattern;
    expect(p, `${path} ${name}`).toBeDefined();
    return new RegExp(p!);
  };
  test('conversation paths, the download path, the upload session paths', () => {
    const conversation = pattern('/2/chat/conversations/{id}/messages', 'post', 'id');
    expect(pattern('/2/chat/conversations/{id}/messages/delete', 'post', 'id').source).toBe(conversation.source);
    const ids = ['111:222', '222:111', '111-222', '222', '9223372036854775807:1', 'g1234567890123456789'];
    for (const id of ids) {
      for (const endpoint of ['messages', 'messages/delete'] as const) {
        const path = conversationPath(id, endpoint);
        const m = /^\/2\/chat\/conversations\/([^/]+)\/(messages|messages\/delete)$/.exec(path);
        expect(m, path).not.toBeNull();
        expect(conversation.test(m![1]!), path).toBe(true);
      }
      const download = /^\/2\/chat\/media\/([^/]+)\/([^/]+)$/.exec(mediaDownloadPath(id, 'abc123'))!;
      expect(pattern('/2/chat/media/{id}/{media_hash_key}', 'get', 'id').test(download[1]!)).toBe(true);
      expect(pattern('/2/chat/media/{id}/{media_hash_key}', 'get', 'media_hash_key').test(download[2]!)).toBe(true);
    }
    const finalize = /^\/2\/chat\/media\/upload\/([^/]+)\/finalize$/.exec(mediaUploadPath('finalize', '1234567890123456789'))!;
    expect(pattern('/2/chat/media/upload/{id}/finalize', 'post', 'id').test(finalize[1]!)).toBe(true);
    expect(mediaUploadPath('initialize')).toBe('/2/chat/media/upload/initialize');
    expect(api.paths['/2/chat/media/upload/initialize']).toBeDefined();
  });
});

describe('our bodies validate against the X API schema', () => {
  for (const path of [
    '/2/chat/conversations/group',
    '/2/chat/conversations/{id}/keys',
    '/2/chat/conversations/{id}/members',
    '/2/users/{id}/public_keys',
    '/2/chat/conversations/{id}/messages',
    '/2/chat/conversations/{id}/messages/delete',
    '/2/chat/media/upload/initialize',
    '/2/chat/media/upload/{id}/append',
    '/2/chat/media/upload/{id}/finalize',
  ]) {
    test(path, () => {
      const v = validator(requestSchema(path));
      expect(bodies[path]!.length).toBeGreaterThan(0);
      for (const { path: label, body } of bodies[path]!) {
        const ok = v(body);
        expect(v.errors ?? [], label).toEqual([]);
        expect(ok).toBe(true);
      }
    });
  }
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every single-step mutation of a body: each field removed, retyped, or its string broken. */
function mutations(body: Json): Json[] {
  const out: Json[] = [];
  const walk = (v: Json, set: (x: Json | undefined) => Json): void => {
    for (const replacement of [undefined, null, 42, true, [], {}, '', 'not base64!', '-1', 'x']) out.push(set(replacement as Json));
    if (Array.isArray(v))
      v.forEach((item, i) => walk(item, (x) => set(x === undefined ? v.filter((_, j) => j !== i) : v.map((y, j) => (j === i ? x : y)))));
    else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        walk(v[k] as Json, (x) => {
          const c = { ...v };
          if (x === undefined) delete c[k];
          else c[k] = x;
          return set(c);
        });
      }
    }
  };
  walk(body, (x) => x as Json);
  return out.filter((x) => x !== undefined);
}

describe('our structural checks agree with ajv on every single-step mutation', () => {
  const cases: [string, string, Rule][] = [
    ['/2/chat/conversations/group', 'CreateChatConversationRequest', CreateGroupSchema],
    ['/2/chat/conversations/{id}/keys', 'AddConversationKeysRequest', AddConversationKeysSchema],
    ['/2/chat/conversations/{id}/members', 'AddChatGroupMembersRequest', AddMembersSchema],
  ];
  test.each(cases)('%s (%s)', (path, name, rule) => {
    expect(requestSchema(path)).toBe(name);
    const v = validator(name);
    let accepted = 0;
    let rejected = 0;
    for (const { body } of bodies[path]!) {
      for (const mutated of mutations(body as Json)) {
        const ajvOk = v(mutated) === true;
        const ours = checkSchema(mutated, rule, false);
        expect(ours.length === 0, JSON.stringify(v.errors?.[0] ?? ours[0])).toBe(ajvOk);
        if (ajvOk) accepted++;
        else rejected++;
      }
    }
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(10);
  });
});
