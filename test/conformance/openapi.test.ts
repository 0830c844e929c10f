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
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
} from '../helpers/kit.js';
import { AddConversationKeysSchema, AddMembersSchema, checkSchema, CreateGroupSchema, type Rule } from '../../src/adapters/xchat/verify/schema.js';
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
  const rotation = buildKeyRotation({ treeVersion: '1', actionBy: { userId: '111', keyVersion: '1700000000000' }, opType: 'genGroup', initialMembers: [{ userId: '111', keyVersion: '1700000000000' }] });
  const full = await prepareGroupCreate({ publicKeys, sender, conversationId: 'g1234567890123456789', memberIds: ['111', '222', '333'], adminIds: ['111', '222'], title: 'Team', avatarUrl: 'https://example.com/a.png', ttlMsec: 86_400_000 });
  const minimal = await prepareGroupCreate({ publicKeys, sender, conversationId: 'g1', memberIds: ['111', '222'] });
  const keys = await prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g1', memberIds: ['111', '222', '333', '444'] });
  const oneToOne = await prepareConversationKeyChange({ publicKeys: publicKeys.slice(0, 2), sender });
  const add = await prepareGroupMembersChange({ publicKeys, sender, conversationId: 'g1', newMemberIds: ['444'], currentMemberIds: ['111', '222', '333'], currentAdminIds: ['111'], currentTitle: 'Team' });
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
});

describe('our bodies validate against the X API schema', () => {
  for (const path of ['/2/chat/conversations/group', '/2/chat/conversations/{id}/keys', '/2/chat/conversations/{id}/members', '/2/users/{id}/public_keys']) {
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
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, (x) => set(x === undefined ? v.filter((_, j) => j !== i) : v.map((y, j) => (j === i ? x : y)))));
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
