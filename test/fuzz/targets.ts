/**
 * Fuzz targets: every public function that parses outside data. A target "crashes" when it
 * throws anything but our typed KeykitError, takes too long, or (decoders) accepts input that does
 * not re-encode to the same bytes. The verifiers must never throw on a body at all.
 */
import { expect } from 'vitest';
import {
  buildKeyRotation,
  createGroupRequest,
  decodeBase64,
  decodeEventDetail,
  decodeMessageEvent,
  encodeBase64,
  encodeMessageEvent,
  keyListing,
  KeykitError,
  parseKeyRotation,
  parsePublicKey,
  prepareConversationKeyChange,
  prepareGroupCreate,
  unwrapConversationKey,
  verifyAddConversationKeysRequest,
  verifyAddMembersRequest,
  verifyCreateGroupRequest,
  addConversationKeysRequest,
  addMembersRequest,
  prepareGroupMembersChange,
  createSendbirdGroupChannelRequest,
  decryptEvents,
  openSendbirdChannelKey,
  prepareSendbirdChannelKey,
  prepareSendbirdMessage,
  prepareSendbirdFileMessage,
  openSendbirdMessages,
  type VerificationReport,
} from '../helpers/kit.js';
import { decodeStruct, encodeStruct } from '../../src/wire/thrift/index.js';
import { MessageEvent, MessageEventDetail } from '../../src/wire/xchat/events.js';
import { makeMembers, senderOf } from '../helpers/members.js';
import { decodeEvent, sealedMessage, textEntry } from '../helpers/events.js';
import type { Json } from './mutator.js';

export interface Target {
  name: string;
  kind: 'bytes' | 'json';
  /** Bytes that are Thrift structs: half the mutations change a whole field. */
  thrift?: boolean;
  seeds: (Uint8Array | Json)[];
  run(input: Uint8Array | Json): Promise<void>;
}

/** Runs f; only our typed errors may escape, and only where `typedAllowed`. */
async function guarded(f: () => unknown, typedAllowed = true): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!(typedAllowed && e instanceof KeykitError)) throw e;
    // Typed errors must be well formed and secret-free by construction (checked elsewhere).
    expect(typeof e.code).toBe('string');
  }
}

function checkReport(r: VerificationReport): void {
  expect(typeof r.valid).toBe('boolean');
  // Fail-closed: valid only without problems and with every signature checked.
  if (r.valid) expect([r.problems.length, r.verdict]).toEqual([0, 'verified']);
  if (r.problems.length > 0) expect(r.verdict).toBe('invalid');
  for (const p of r.problems) expect([typeof p.code, typeof p.path, typeof p.message]).toEqual(['string', 'string', 'string']);
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** The decoded event details of a body's actions. */
function actionDetails(body: Json): Uint8Array[] {
  return (body as { action_signatures: { encoded_message_event_detail: string }[] }).action_signatures.map((a) =>
    decodeBase64(a.encoded_message_event_detail),
  );
}

/** Builds the targets with valid seeds (a real group create, key change, rotation, keys). */
export async function makeTargets(): Promise<Target[]> {
  const m = await makeMembers(['111', '222', '333']);
  const newcomer = (await makeMembers(['444']))[0]!;
  const signingKeys = m.map((x) => x.signingKeyEntry);
  const prepared = await prepareGroupCreate({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g42',
    memberIds: ['111', '222', '333'],
    title: 'T',
    ttlMsec: 5,
  });
  const body = createGroupRequest(prepared) as unknown as Json;
  const rotation = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g42',
    memberIds: m.map((x) => x.id),
  });
  const keysBody = addConversationKeysRequest(rotation) as unknown as Json;
  const membersBody = addMembersRequest(
    await prepareGroupMembersChange({
      publicKeys: [...m, newcomer].map((x) => x.publicKeyInput),
      sender: senderOf(m[0]!),
      conversationId: 'g42',
      newMemberIds: ['444'],
      currentMemberIds: ['111', '222', '333'],
      currentAdminIds: ['111'],
      currentTitle: 'T',
      currentTtlMsec: 5,
    }),
  ) as unknown as Json;
  const details = prepared.actionSignatures.map((a) => decodeBase64(a.encodedMessageEventDetail));
  const envelopes = prepared.actionSignatures.map((a) =>
    encodeMessageEvent({
      sequenceId: '1',
      messageId: a.messageId,
      senderId: '111',
      conversationId: 'g42',
      createdAtMsec: '1',
      detail: decodeBase64(a.encodedMessageEventDetail),
      signature: { signature: a.signature, publicKeyVersion: a.publicKeyVersion, signatureVersion: '7' },
    }),
  );
  const rot = decodeBase64(
    buildKeyRotation({
      groupId: 'g42',
      treeVersion: '3',
      actionBy: { userId: '111', keyVersion: '1' },
      opType: 'edit',
      membersToAdd: [{ userId: '333', keyVersion: '1' }],
      memberKeyInfo: [{ userId: '333', identityPublicKey: m[2]!.identity.identityPublicKey }],
    }),
  );
  const wrapped = prepared.participantKeys.map((k) => decodeBase64(k.encryptedKey));
  const listing = Object.fromEntries(
    m.map((x) => [
      x.id,
      {
        data: [
          {
            public_key: x.signingKeyEntry.identityPublicKey,
            signing_public_key: x.signingKeyEntry.publicKey,
            identity_public_key_signature: x.signingKeyEntry.identityPublicKeySignature,
            public_key_version: x.version,
          },
        ],
      },
    ]),
  ) as Json;
  const recipient = { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey };
  const sendbirdChange = await prepareSendbirdChannelKey({
    channelUrl: 'fuzz_room',
    publicKeys: m.map((x) => x.publicKeyInput),
    memberIds: m.map((x) => x.id),
    sender: senderOf(m[0]!),
  });
  const sendbirdBody = JSON.parse(
    createSendbirdGroupChannelRequest(
      { user_ids: ['111', '222', '333'], channel_url: 'fuzz_room', data: 'app' },
      { applicationId: 'app', apiToken: 't', e2ee: sendbirdChange },
    ).body as string,
  );
  const sendbirdChannel = {
    channel_url: 'fuzz_room',
    data: sendbirdBody.data,
    members: ['111', '222', '333'].map((user_id) => ({ user_id, role: '', state: '' })),
  } as Json;
  const sendbirdKey = {
    conversationKey: sendbirdChange.conversationKey,
    conversationKeyVersion: sendbirdChange.conversationKeyVersion,
    sender: senderOf(m[0]!),
  };
  const sbText = await prepareSendbirdMessage({ channelUrl: 'fuzz_room', text: 'hello', customType: 'c' }, sendbirdKey);
  const sbFile = await prepareSendbirdFileMessage(
    { channelUrl: 'fuzz_room', file: new Uint8Array(40), fileName: 'a.jpg', mimeType: 'image/jpeg', width: 2, height: 3 },
    sendbirdKey,
  );
  const sbPage = {
    messages: [
      {
        type: 'MESG',
        message_id: 7,
        channel_url: 'fuzz_room',
        user: { user_id: '111' },
        message: sbText.message,
        data: sbText.data,
        created_at: 1,
        updated_at: 0,
      },
      {
        type: 'FILE',
        message_id: 8,
        channel_url: 'fuzz_room',
        user: { user_id: '111' },
        data: sbFile.data,
        created_at: 2,
        updated_at: 0,
        file: { url: 'u', name: sbFile.fileName, type: sbFile.mimeType, size: sbFile.fileSize, data: sbFile.data },
      },
      {
        messageId: 9,
        messageType: 'user',
        channelUrl: 'fuzz_room',
        sender: { userId: '111' },
        data: sbText.data,
        createdAt: 3,
        updatedAt: 0,
      },
    ],
  } as Json;

  // decryptEvents as member 222 of g42: the key change, a message, and a reply quoting it.
  const kcEvent = encodeBase64(envelopes[0]!);
  const message = await sealedMessage(m[0]!, prepared.conversationKey, prepared.conversationKeyVersion, textEntry('hello'), {
    conversationId: 'g42',
    sequenceId: '2',
  });
  const reply = await sealedMessage(
    m[2]!,
    prepared.conversationKey,
    prepared.conversationKeyVersion,
    {
      contents: {
        message: {
          messageText: 'hi',
          replyingToPreview: { senderId: 111n, messageText: 'he', rawEventMessageCreate: decodeEvent(message) },
        },
      },
    },
    { conversationId: 'g42', sequenceId: '3' },
  );
  const receive = (events: unknown) => decryptEvents(events as string[], { recipient, signingKeys });
  /** Whatever the fuzzed event was: an event only when authentic, an error with one of our codes otherwise. */
  const checkBatch = (r: Awaited<ReturnType<typeof decryptEvents>>) => {
    for (const e of Object.values(r.errors)) expect([typeof e.code, e.code === 'ERR_INTERNAL']).toEqual(['string', false]);
    for (const { event } of r.messages)
      expect('verified' in event ? event.verified : ['typing', 'failure', 'memberDeleted', 'unknown'].includes(event.type)).toBe(true);
  };

  return [
    {
      name: 'decryptEvents',
      kind: 'bytes',
      thrift: true,
      seeds: [decodeBase64(message), decodeBase64(reply), envelopes[0]!],
      async run(input) {
        await guarded(async () => checkBatch(await receive([kcEvent, encodeBase64(input as Uint8Array)])), false);
      },
    },
    {
      name: 'decryptEventsResponse',
      kind: 'json',
      seeds: [
        {
          data: [
            { id: '2', encoded_event: message },
            { id: '3', encoded_event: reply },
          ],
          meta: { conversation_key_events: [kcEvent], result_count: 2 },
        } as Json,
      ],
      async run(input) {
        await guarded(async () => checkBatch(await receive(input)));
      },
    },
    {
      name: 'decodeEventDetail',
      kind: 'bytes',
      thrift: true,
      seeds: details,
      async run(input) {
        const bytes = input as Uint8Array;
        await guarded(() => {
          decodeEventDetail(bytes);
          expect(Buffer.from(encodeStruct(MessageEventDetail, decodeStruct(MessageEventDetail, bytes))).equals(Buffer.from(bytes))).toBe(
            true,
          );
        });
      },
    },
    {
      name: 'decodeMessageEvent',
      kind: 'bytes',
      thrift: true,
      seeds: envelopes,
      async run(input) {
        const bytes = input as Uint8Array;
        await guarded(() => {
          decodeMessageEvent(bytes);
          expect(Buffer.from(encodeStruct(MessageEvent, decodeStruct(MessageEvent, bytes))).equals(Buffer.from(bytes))).toBe(true);
        });
      },
    },
    {
      name: 'parseKeyRotation',
      kind: 'bytes',
      thrift: true,
      seeds: [rot],
      async run(input) {
        const b64 = encodeBase64(input as Uint8Array);
        await guarded(() => expect(buildKeyRotation(parseKeyRotation(b64))).toBe(b64));
      },
    },
    {
      name: 'decodeBase64',
      kind: 'bytes',
      seeds: [new TextEncoder().encode(prepared.participantKeys[0]!.encryptedKey)],
      async run(input) {
        await guarded(() => decodeBase64(latin1(input as Uint8Array)));
      },
    },
    {
      name: 'parsePublicKey',
      kind: 'bytes',
      seeds: [m[0]!.identity.identityPublicKey, decodeBase64(m[0]!.signingKeyEntry.identityPublicKey)],
      async run(input) {
        await guarded(() => parsePublicKey(input as Uint8Array, 'k'));
      },
    },
    {
      name: 'unwrapConversationKey',
      kind: 'bytes',
      seeds: wrapped,
      async run(input) {
        await guarded(() => unwrapConversationKey(encodeBase64(input as Uint8Array), m[1]!.identity.identityPrivateKey));
      },
    },
    {
      name: 'verifyCreateGroupRequest',
      kind: 'json',
      seeds: [body],
      async run(input) {
        await guarded(async () => checkReport(await verifyCreateGroupRequest(input, { senderId: '111', signingKeys, recipient })), false);
      },
    },
    {
      name: 'verifyAddConversationKeysRequest',
      kind: 'json',
      seeds: [keysBody],
      async run(input) {
        await guarded(
          async () =>
            checkReport(await verifyAddConversationKeysRequest(input, { senderId: '111', conversationId: 'g42', signingKeys, recipient })),
          false,
        );
      },
    },
    {
      // Event details mutated field by field (missing, doubled, retyped fields), put into every
      // action slot of the three bodies: what the JSON walk reaches only rarely.
      name: 'detailsInBodies',
      kind: 'bytes',
      thrift: true,
      seeds: [
        ...details,
        decodeBase64(
          (keysBody as { action_signatures: { encoded_message_event_detail: string }[] }).action_signatures[0]!
            .encoded_message_event_detail,
        ),
        ...actionDetails(membersBody),
      ],
      async run(input) {
        const detail = encodeBase64(input as Uint8Array);
        const slots: [Json, (b: Json) => Promise<VerificationReport>][] = [
          [body, (b) => verifyCreateGroupRequest(b, { senderId: '111', signingKeys, recipient })],
          [keysBody, (b) => verifyAddConversationKeysRequest(b, { senderId: '111', conversationId: 'g42', signingKeys, recipient })],
          [membersBody, (b) => verifyAddMembersRequest(b, { senderId: '111', conversationId: 'g42', signingKeys, recipient })],
        ];
        for (const [seed, verify] of slots) {
          const actions = (seed as { action_signatures: unknown[] }).action_signatures;
          for (let i = 0; i < actions.length; i++) {
            const b = structuredClone(seed) as { action_signatures: { encoded_message_event_detail: string }[] };
            b.action_signatures[i]!.encoded_message_event_detail = detail;
            await guarded(async () => checkReport(await verify(b as unknown as Json)), false);
          }
        }
      },
    },
    {
      name: 'verifyAddMembersRequest',
      kind: 'json',
      seeds: [membersBody],
      async run(input) {
        await guarded(
          async () => checkReport(await verifyAddMembersRequest(input, { senderId: '111', conversationId: 'g42', signingKeys, recipient })),
          false,
        );
      },
    },
    {
      name: 'openSendbirdChannelKey',
      kind: 'json',
      seeds: [sendbirdChannel],
      async run(input) {
        await guarded(() =>
          openSendbirdChannelKey(input as never, { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, signingKeys }),
        );
      },
    },
    {
      name: 'openSendbirdMessages',
      kind: 'json',
      seeds: [sbPage],
      async run(input) {
        await guarded(async () => {
          const { results } = await openSendbirdMessages(input as never, {
            signingKeys,
            channel: sendbirdChannel as never,
            userId: '222',
            identityPrivateKey: m[1]!.identity.identityPrivateKey,
          });
          // Fail-closed, one result per message, each opened or a typed error.
          for (const r of results)
            expect(r.ok ? typeof r.message.messageId : r.error).toSatisfy((x: unknown) => x === 'string' || x instanceof KeykitError);
        });
      },
    },
    {
      name: 'keyListing',
      kind: 'json',
      seeds: [listing],
      async run(input) {
        await guarded(() => keyListing(input));
      },
    },
  ];
}
