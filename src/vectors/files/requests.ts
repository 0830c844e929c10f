/**
 * requests.json: the three complete request bodies, from deterministic prepare calls (the clock,
 * fixed message ids, the randomness stream of `random_seed`), with what a verifier needs: the
 * signing keys as the X API serves them, each recipient's private key and the conversation key
 * they must obtain.
 *
 * The generator prepares the bodies from the very inputs the file records, with the functions
 * the check rebuilds them with.
 *
 * @module
 */
import {
  addConversationKeysRequest,
  addMembersRequest,
  createGroupRequest,
  prepareConversationKeyChange,
  prepareGroupCreate,
  prepareGroupMembersChange,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  type PreparedGroupCreate,
  type PreparedGroupMembersChange,
  type PreparedKeyChange,
  type SigningKeyEntry,
  type VerificationReport,
} from '../../index.js';
import { fromHex, GROUP, header, KEY_VERSION, NOW, toHex, toJsonValue, type Header, type Json } from '../common.js';
import type { Checker } from '../diff.js';
import { bool, hex, json, list, num, object, oneOf, str, type FieldReader, type Read } from '../read.js';
import { deterministic, readSigningKeys, userOf, type PublicKeyRecord, type VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';

/** The parameters every prepare function takes. */
export interface SenderParams {
  sender_user_id: string;
  sender_signing_key_version: string;
  conversation_id: string;
}

export interface GroupCreateParams extends SenderParams {
  member_ids: string[];
  admin_ids: string[];
  title: string;
  ttl_msec: number;
}

export interface KeyRotationParams extends SenderParams {
  /** The users of `public_keys` whose keys the call gets; it wraps for each of them. */
  public_keys_of: string[];
}

export interface MemberAddParams extends SenderParams {
  new_member_ids: string[];
  current_member_ids: string[];
  current_admin_ids: string[];
  current_title: string;
  current_ttl_msec: number;
}

/** A deterministic prepare call: the function, its randomness stream, message ids and parameters. */
interface Call<F extends string, P> {
  endpoint: string;
  function: F;
  random_seed: string;
  message_ids_from: number;
  params: P;
}
type CreateCall = Call<'prepareGroupCreate', GroupCreateParams>;
type RotationCall = Call<'prepareConversationKeyChange', KeyRotationParams>;
type MemberAddCall = Call<'prepareGroupMembersChange', MemberAddParams>;

/** A recipient: who verifies the body, with which identity key, and the conversation key they must obtain. */
export interface Recipient {
  user_id: string;
  identity_private_hex: string;
  conversation_key_hex: string;
}

/** One request body. `body` is the verifiers' input as JSON: they check its shape themselves. */
export type RequestVector = { id: string } & (CreateCall | RotationCall | MemberAddCall) & {
    sender_signing_private_hex: string;
    body: Json;
    verify: { sender_id: string; conversation_id: string; valid: boolean; recipients: Recipient[] };
  };

/** The file's own top-level fields. */
export interface RequestsTop {
  now: number;
  public_keys: PublicKeyRecord[];
  signing_keys: SigningKeyEntry[];
}

export type RequestsFile = Header & RequestsTop & { vectors: RequestVector[] };

const SENDER: SenderParams = { sender_user_id: '111', sender_signing_key_version: KEY_VERSION, conversation_id: GROUP };

/** The prepare calls of the vectors, as requests.json records them. */
const CALLS: { create: CreateCall; rotation: RotationCall; memberAdd: MemberAddCall } = {
  create: {
    endpoint: 'POST /2/chat/conversations/group',
    function: 'prepareGroupCreate',
    random_seed: 'chat-keykit vectors: group create',
    message_ids_from: 1,
    params: { ...SENDER, member_ids: ['111', '222', '333'], admin_ids: ['111', '222'], title: 'Team', ttl_msec: 86400000 },
  },
  rotation: {
    endpoint: 'POST /2/chat/conversations/{id}/keys',
    function: 'prepareConversationKeyChange',
    random_seed: 'chat-keykit vectors: key rotation',
    message_ids_from: 2,
    params: { ...SENDER, public_keys_of: ['111', '222', '333'] },
  },
  memberAdd: {
    endpoint: 'POST /2/chat/conversations/{id}/members',
    function: 'prepareGroupMembersChange',
    random_seed: 'chat-keykit vectors: member add',
    message_ids_from: 3,
    params: {
      ...SENDER,
      new_member_ids: ['444'],
      current_member_ids: ['111', '222', '333'],
      current_admin_ids: ['111', '222'],
      current_title: 'Team',
      current_ttl_msec: 86400000,
    },
  },
};

const senderOf = (p: SenderParams, signingPrivateKey: Uint8Array) => ({
  userId: p.sender_user_id,
  signingKeyVersion: p.sender_signing_key_version,
  signingPrivateKey,
});
const optionsOf = (call: Call<string, unknown>) => deterministic(call.random_seed, call.message_ids_from);

function prepareCreate(call: CreateCall, publicKeys: PublicKeyRecord[], signingPrivateKey: Uint8Array): Promise<PreparedGroupCreate> {
  const p = call.params;
  return prepareGroupCreate(
    {
      publicKeys,
      sender: senderOf(p, signingPrivateKey),
      conversationId: p.conversation_id,
      memberIds: p.member_ids,
      adminIds: p.admin_ids,
      title: p.title,
      ttlMsec: p.ttl_msec,
    },
    optionsOf(call),
  );
}

function prepareRotation(call: RotationCall, publicKeys: PublicKeyRecord[], signingPrivateKey: Uint8Array): Promise<PreparedKeyChange> {
  const p = call.params;
  const of = new Set(p.public_keys_of);
  return prepareConversationKeyChange(
    {
      publicKeys: publicKeys.filter((k) => of.has(k.userId)),
      sender: senderOf(p, signingPrivateKey),
      conversationId: p.conversation_id,
      memberIds: [...of],
    },
    optionsOf(call),
  );
}

function prepareMemberAdd(
  call: MemberAddCall,
  publicKeys: PublicKeyRecord[],
  signingPrivateKey: Uint8Array,
): Promise<PreparedGroupMembersChange> {
  const p = call.params;
  return prepareGroupMembersChange(
    {
      publicKeys,
      sender: senderOf(p, signingPrivateKey),
      conversationId: p.conversation_id,
      newMemberIds: p.new_member_ids,
      currentMemberIds: p.current_member_ids,
      currentAdminIds: p.current_admin_ids,
      currentTitle: p.current_title,
      currentTtlMsec: p.current_ttl_msec,
    },
    optionsOf(call),
  );
}

/** The three prepared changes of the request vectors (events.json and negative.json use them too). */
export async function preparedChanges(users: VectorUser[]) {
  const publicKeys = users.map((u) => u.publicKeyInput);
  const key = userOf(users, '111').identity.signingPrivateKey;
  return {
    create: await prepareCreate(CALLS.create, publicKeys, key),
    rotate: await prepareRotation(CALLS.rotation, publicKeys, key),
    add: await prepareMemberAdd(CALLS.memberAdd, publicKeys, key),
  };
}

export async function generate(users: VectorUser[]): Promise<RequestsFile> {
  const { create, rotate, add } = await preparedChanges(users);
  const recipients = (ids: string[], key: Uint8Array) =>
    ids.map((id) => ({
      user_id: id,
      identity_private_hex: toHex(userOf(users, id).identity.identityPrivateKey),
      conversation_key_hex: toHex(key),
    }));
  const signer = toHex(userOf(users, '111').identity.signingPrivateKey);
  const verify = (ids: string[], key: Uint8Array) => ({
    sender_id: '111',
    conversation_id: GROUP,
    valid: true,
    recipients: recipients(ids, key),
  });
  return {
    ...header(
      'Complete request bodies from deterministic prepare calls (clock ' +
        NOW +
        ', fixed message ids, the randomness stream of random_seed), with what a verifier needs: the signing keys as the X API serves them, each recipient’s private key and the conversation key they must obtain.',
    ),
    now: NOW,
    public_keys: users.map((u) => u.publicKeyInput),
    signing_keys: users.map((u) => u.signingKeyEntry),
    vectors: [
      {
        id: 'request-group-create',
        ...CALLS.create,
        sender_signing_private_hex: signer,
        body: toJsonValue(createGroupRequest(create)),
        verify: verify(['111', '222', '333'], create.conversationKey),
      },
      {
        id: 'request-key-rotation',
        ...CALLS.rotation,
        sender_signing_private_hex: signer,
        body: toJsonValue(addConversationKeysRequest(rotate)),
        verify: verify(['111', '222', '333'], rotate.conversationKey),
      },
      {
        id: 'request-member-add',
        ...CALLS.memberAdd,
        sender_signing_private_hex: signer,
        body: toJsonValue(addMembersRequest(add)),
        verify: verify(['111', '222', '333', '444'], add.conversationKey),
      },
    ],
  };
}

/** Rebuilds a body from the vector's inputs. */
async function rebuildBody(v: RequestVector, publicKeys: PublicKeyRecord[]): Promise<unknown> {
  const key = fromHex(v.sender_signing_private_hex);
  switch (v.function) {
    case 'prepareGroupCreate':
      return createGroupRequest(await prepareCreate(v, publicKeys, key));
    case 'prepareConversationKeyChange':
      return addConversationKeysRequest(await prepareRotation(v, publicKeys, key));
    case 'prepareGroupMembersChange':
      return addMembersRequest(await prepareMemberAdd(v, publicKeys, key));
  }
}

/** Verifies the vector's body as `recipient`, with the verifier of its endpoint. */
export function verifyBody(v: RequestVector, signingKeys: SigningKeyEntry[], recipient: Recipient): Promise<VerificationReport> {
  const opts = {
    senderId: v.verify.sender_id,
    signingKeys,
    recipient: { userId: recipient.user_id, identityPrivateKey: fromHex(recipient.identity_private_hex) },
  };
  switch (v.function) {
    case 'prepareGroupCreate':
      return verifyCreateGroupRequest(v.body, opts);
    case 'prepareConversationKeyChange':
      return verifyAddConversationKeysRequest(v.body, { ...opts, conversationId: v.verify.conversation_id });
    case 'prepareGroupMembersChange':
      return verifyAddMembersRequest(v.body, { ...opts, conversationId: v.verify.conversation_id });
  }
}

/** Rebuilds each body and verifies it as every recipient. */
export async function check(c: Checker, file: FileBody<RequestsTop, RequestVector>): Promise<void> {
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      c.eq(v.id, 'body', await rebuildBody(v, file.public_keys), v.body);
      for (const r of v.verify.recipients) {
        const report = await verifyBody(v, file.signing_keys, r);
        c.eq(
          v.id,
          `verify as ${r.user_id}: problems`,
          report.problems.map((p) => p.code),
          [],
        );
        c.eq(v.id, `verify as ${r.user_id}: valid`, report.valid, v.verify.valid);
        c.eq(
          v.id,
          `verify as ${r.user_id}: conversation key`,
          report.conversationKey ? toHex(report.conversationKey) : null,
          r.conversation_key_hex,
        );
      }
    });
  }
}

const ids = list(str);
const senderFields = (f: FieldReader): SenderParams => ({
  sender_user_id: f('sender_user_id', str),
  sender_signing_key_version: f('sender_signing_key_version', str),
  conversation_id: f('conversation_id', str),
});

const readCreateParams: Read<GroupCreateParams> = object((f) => ({
  ...senderFields(f),
  member_ids: f('member_ids', ids),
  admin_ids: f('admin_ids', ids),
  title: f('title', str),
  ttl_msec: f('ttl_msec', num),
}));
const readRotationParams: Read<KeyRotationParams> = object((f) => ({ ...senderFields(f), public_keys_of: f('public_keys_of', ids) }));
const readMemberAddParams: Read<MemberAddParams> = object((f) => ({
  ...senderFields(f),
  new_member_ids: f('new_member_ids', ids),
  current_member_ids: f('current_member_ids', ids),
  current_admin_ids: f('current_admin_ids', ids),
  current_title: f('current_title', str),
  current_ttl_msec: f('current_ttl_msec', num),
}));

const readRecipient: Read<Recipient> = object((f) => ({
  user_id: f('user_id', str),
  identity_private_hex: f('identity_private_hex', hex),
  conversation_key_hex: f('conversation_key_hex', hex),
}));

export const readVector: Read<RequestVector> = object((f): RequestVector => {
  const id = f('id', str);
  const call = { endpoint: f('endpoint', str), random_seed: f('random_seed', str), message_ids_from: f('message_ids_from', num) };
  const fn = f('function', oneOf('prepareGroupCreate', 'prepareConversationKeyChange', 'prepareGroupMembersChange'));
  const rest = {
    sender_signing_private_hex: f('sender_signing_private_hex', hex),
    body: f('body', json),
    verify: f(
      'verify',
      object((g) => ({
        sender_id: g('sender_id', str),
        conversation_id: g('conversation_id', str),
        valid: g('valid', bool),
        recipients: g('recipients', list(readRecipient)),
      })),
    ),
  };
  switch (fn) {
    case 'prepareGroupCreate':
      return { id, ...call, function: fn, params: f('params', readCreateParams), ...rest };
    case 'prepareConversationKeyChange':
      return { id, ...call, function: fn, params: f('params', readRotationParams), ...rest };
    case 'prepareGroupMembersChange':
      return { id, ...call, function: fn, params: f('params', readMemberAddParams), ...rest };
  }
});

export const readTop: Read<RequestsTop> = object((f) => ({
  now: f('now', num),
  public_keys: f(
    'public_keys',
    list(object((k) => ({ userId: k('userId', str), publicKey: k('publicKey', str), keyVersion: k('keyVersion', str) }))),
  ),
  signing_keys: f('signing_keys', readSigningKeys),
}));

export const requestsFile: VectorFile<RequestsTop, RequestVector> = {
  name: 'requests.json',
  recomputed: { top: [], vector: ['body'] },
  readTop,
  readVector,
  generate,
  check,
};
