// Hostile inputs of up to 16 MB for every function that reads outside data: each case builds its
// input and runs the function on it. `npm run bench` (bench/hostile.mjs) times each one in a
// fresh process under a heap limit of 64 MB above its input; test/hardening/hostile.test.ts
// checks that each is refused the way it says (or verified), at a smaller size.
//
// `kit` is the library (dist or src): every entry point's exports merged.

import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

const MB = 1024 * 1024;

// --- raw Thrift pieces for hostile plaintexts (the wire module describes envelopes, not plaintexts) ---
const be32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const tString = (id, bytes) => [11, 0, id, ...be32(bytes.length), ...bytes];

/** A text message's holder around `inner` bytes of MessageContents fields: holder{1: contents{1: message{…}}}. */
function messageHolder(inner) {
  const head = Uint8Array.of(12, 0, 1, 12, 0, 1);
  const out = new Uint8Array(head.length + inner.length + 3);
  out.set(head);
  out.set(inner, head.length);
  return out;
}

/** MessageContents field 2: a list of `count` empty entities. */
function emptyEntities(count) {
  const out = new Uint8Array(3 + 5 + count);
  out.set([15, 0, 2, 12, ...be32(count)]);
  return out;
}

/** A list<STRUCT> of `count` empty structs inside GroupOpData{4: TypeData{6: EditOpData{6: …}}}. */
function emptyTree(count) {
  const head = [12, 0, 4, 12, 0, 6, 15, 0, 6, 12, (count >>> 24) & 0xff, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff];
  const out = new Uint8Array(head.length + count + 3);
  out.set(head);
  return out;
}

/** A key-change detail (MessageEventDetail variant 3) with a version and a ratchet tree of `count` empty nodes. */
function keyChangeWithTree(count) {
  const tree = emptyTree(count);
  const ckv = [11, 0, 1, 0, 0, 0, 1, 0x31];
  const out = new Uint8Array(3 + ckv.length + 3 + tree.length + 2);
  out.set([12, 0, 3], 0);
  out.set(ckv, 3);
  out.set([12, 0, 4], 3 + ckv.length);
  out.set(tree, 6 + ckv.length);
  return out;
}

/** A key-change detail declaring `count` participant keys, all empty structs. */
function emptyParticipants(count) {
  const out = new Uint8Array(3 + 3 + 5 + count + 2);
  out.set([12, 0, 3, 15, 0, 2, 12, (count >>> 24) & 0xff, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]);
  return out;
}

/**
 * The cases. `scale` (0 < scale ≤ 1) shrinks every input for quick runs; at 1 each is about 16 MB.
 * Each case: `build()` makes the input (not timed), `run(input)` is the measured call, `expect` says
 * what a bounded implementation gives: a report's problem codes (any of them) or an error code.
 */
export async function hostileCases(kit, scale = 1) {
  const n = (x) => Math.max(1, Math.floor(x * scale));
  const ids = ['111', '222'];
  const users = await Promise.all(
    ids.map(async (id) => {
      const identity = await kit.generateIdentity();
      return { id, identity, ...kit.keyRecordFromRegistration(id, await kit.buildKeyRegistration(identity, { version: '1' })) };
    }),
  );
  const signingKeys = users.map((u) => u.signingKeyEntry);
  const sender = { userId: '111', signingKeyVersion: '1', signingPrivateKey: users[0].identity.signingPrivateKey };
  const publicKeys = users.map((u) => u.publicKeyInput);
  const create = kit.createGroupRequest(await kit.prepareGroupCreate({ publicKeys, sender, conversationId: 'g1', memberIds: ids }));
  const keys = kit.addConversationKeysRequest(
    await kit.prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g1', memberIds: ids }),
  );
  const verifyCreate = (b) => kit.verifyCreateGroupRequest(b, { senderId: '111', signingKeys });
  const verifyKeys = (b) => kit.verifyAddConversationKeysRequest(b, { senderId: '111', signingKeys, conversationId: 'g1' });
  const withDetail = (detail) => ({
    ...keys,
    action_signatures: [{ ...keys.action_signatures[0], encoded_message_event_detail: kit.encodeBase64(detail) }],
  });
  const channelKey = await kit.prepareSendbirdChannelKey({ channelUrl: 'hostile_room', publicKeys, memberIds: ids, sender });
  const envelope = JSON.parse(
    JSON.parse(
      kit.createSendbirdGroupChannelRequest(
        { user_ids: ids, channel_url: 'hostile_room' },
        { applicationId: 'app', apiToken: 't', e2ee: channelKey },
      ).body,
    ).data,
  );
  const openChannel = (data) =>
    kit.openSendbirdChannelKey(
      { channel_url: 'hostile_room', data },
      { userId: '222', identityPrivateKey: users[1].identity.identityPrivateKey, signingKeys },
    );

  // decryptEvents, as member 222 of g1: a genuine key change, and helpers for events by 111.
  const { MessageEvent, MessageEventDetail } = kit.XChatStructs;
  const backend = await kit.resolveBackend();
  const kc = await kit.prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g1', memberIds: ids });
  const kcAction = kc.actionSignatures[0];
  const kcDetail = kit.decodeStruct(MessageEventDetail, kit.decodeBase64(kcAction.encodedMessageEventDetail));
  const eventOf = (fields) =>
    kit.encodeBase64(kit.encodeStruct(MessageEvent, { senderId: '111', conversationId: 'g1', createdAtMsec: '1700000000000', ...fields }));
  const kcEvent = eventOf({
    sequenceId: '1',
    messageId: kcAction.messageId,
    detail: kcDetail,
    messageEventSignature: { signature: kcAction.signature, publicKeyVersion: '1', signatureVersion: '7' },
  });
  const signed = async (messageId, contents) => {
    const payload = kit.messageCreatePayload(7, {
      messageId,
      senderId: '111',
      conversationId: 'g1',
      conversationKeyVersion: kc.conversationKeyVersion,
      contents,
    });
    return kit.encodeBase64NoPad(await backend.sign(sender.signingPrivateKey, new TextEncoder().encode(payload)));
  };
  const sealed = async (messageId, plaintext) => {
    const nonce = backend.randomBytes(24);
    const contents = new Uint8Array(24 + 16 + plaintext.length);
    contents.set(nonce);
    contents.set(xsalsa20poly1305(kc.conversationKey, nonce).encrypt(plaintext), 24);
    const detail = { messageCreateEvent: { contents, conversationKeyVersion: kc.conversationKeyVersion } };
    return eventOf({
      sequenceId: '2',
      messageId,
      detail,
      messageEventSignature: { signature: await signed(messageId, contents), publicKeyVersion: '1', signatureVersion: '7' },
    });
  };
  // A report of a batch: the distinct error codes, and RETURNED when events came back.
  const receive = async (events) => {
    const r = await kit.decryptEvents(events, {
      recipient: { userId: '222', identityPrivateKey: users[1].identity.identityPrivateKey },
      signingKeys,
    });
    const codes = [...new Set(Object.values(r.errors).map((e) => e.code)), ...(r.messages.length > 0 ? ['RETURNED'] : [])];
    return { valid: false, problems: codes.map((code) => ({ code })) };
  };
  return [
    {
      name: 'group create: 5 million empty member ids',
      build: () => ({ ...create, group_members: Array.from({ length: n(5_000_000) }, () => '') }),
      run: verifyCreate,
      expect: ['TOO_LARGE'],
    },
    {
      name: 'group create: 3 million numbers as member ids (schema)',
      build: () => ({ ...create, group_members: Array.from({ length: n(3_000_000) }, () => 0) }),
      run: verifyCreate,
      expect: ['SCHEMA'],
    },
    {
      name: 'group create: 20,000 distinct non-X member ids',
      build: () => ({ ...create, group_members: Array.from({ length: 20_000 }, (_, i) => `user_${i}_${'x'.repeat(n(700))}`) }),
      run: verifyCreate,
      expect: ['MEMBER_ID_INVALID'],
    },
    {
      name: 'keys: 500,000 junk wrapped keys',
      build: () => ({
        ...keys,
        conversation_participant_keys: Array.from({ length: n(500_000) }, (_, i) => ({
          user_id: String(i),
          encrypted_conversation_key: 'AAAA',
          public_key_version: '1',
        })),
      }),
      run: verifyKeys,
      expect: ['TOO_LARGE'],
    },
    {
      name: 'keys: a 5 MB ratchet tree of empty nodes in the key-change detail',
      build: () => withDetail(keyChangeWithTree(n(5 * MB))),
      run: verifyKeys,
      expect: ['DETAIL_INCOMPLETE'],
    },
    {
      name: 'keys: a 12 MB detail (16 MB of base64)',
      build: () => withDetail(keyChangeWithTree(n(12 * MB))),
      run: verifyKeys,
      expect: ['TOO_LARGE', 'DETAIL_INCOMPLETE'],
    },
    {
      name: 'keys: a detail declaring 5 million empty participant keys',
      build: () => withDetail(emptyParticipants(n(5 * MB))),
      run: verifyKeys,
      expect: ['DETAIL_UNDECODABLE'],
    },
    {
      name: 'keys: 200,000 junk action signatures',
      build: () => ({
        ...keys,
        action_signatures: Array.from({ length: n(200_000) }, () => ({
          message_id: 'm',
          encoded_message_event_detail: 'AA==',
          message_event_signature: { signature: 'AA', public_key_version: '1', signature_version: '7' },
        })),
      }),
      run: verifyKeys,
      expect: ['ACTION_SIGNATURE_UNEXPECTED'],
    },
    {
      name: 'keys: a 16 MB key-rotation payload',
      build: () => ({ ...keys, base64_encoded_key_rotation: kit.encodeBase64(emptyTree(n(12 * MB))) }),
      run: verifyKeys,
      expect: ['TOO_LARGE', 'KEY_ROTATION_INVALID'],
    },
    {
      name: 'Thrift: 12 MB of empty tree nodes, decoded losslessly',
      build: () => kit.encodeBase64(emptyTree(n(12 * MB))),
      run: async (b64) => kit.parseKeyRotation(b64),
      expect: ['ERR_TOO_LARGE'],
    },
    {
      name: 'Sendbird: 16 MB of channel data',
      build: () =>
        JSON.stringify({
          ckk: { ...envelope.ckk, keys: Array.from({ length: n(80_000) }, (_, i) => [String(i), envelope.ckk.keys[0][1], '1']) },
        }),
      run: openChannel,
      // Past 8 MiB the data is refused unread; smaller, the signature no longer holds.
      expect: ['ERR_TOO_LARGE', 'ERR_SIGNATURE_INVALID'],
    },
    {
      name: 'events: one 16 MB event of garbage text',
      build: () => ['!'.repeat(n(16 * MB))],
      run: receive,
      expect: ['ERR_INVALID_BASE64'],
    },
    {
      name: 'events: 100,000 events of 160 bytes of junk base64',
      build: () =>
        Array.from({ length: n(100_000) }, (_, i) => kit.encodeBase64(Uint8Array.from({ length: 120 }, (_, j) => (i + j) & 0xff))),
      run: receive,
      expect: ['ERR_INVALID_THRIFT'],
    },
    {
      name: 'events: an 11 MB message signed by a known sender, its signature forged',
      build: () => {
        const contents = new Uint8Array(n(11 * MB));
        const detail = { messageCreateEvent: { contents, conversationKeyVersion: kc.conversationKeyVersion } };
        return [
          kcEvent,
          eventOf({
            sequenceId: '2',
            messageId: 'big',
            detail,
            messageEventSignature: { signature: kcAction.signature, publicKeyVersion: '1', signatureVersion: '7' },
          }),
        ];
      },
      run: receive,
      expect: ['ERR_SIGNATURE_INVALID'],
    },
    {
      name: 'events: a genuine key change padded to 60,000 participant entries',
      build: () => {
        const junk = kc.participantKeys[0].encryptedKey;
        const padded = structuredClone(kcDetail);
        padded.conversationKeyChangeEvent.participantKeys = [
          ...Array.from({ length: n(60_000) }, (_, i) => ({ userId: String(1000 + i), encryptedKey: junk, publicKeyVersion: '1' })),
          ...kcDetail.conversationKeyChangeEvent.participantKeys,
        ];
        return [
          eventOf({
            sequenceId: '1',
            messageId: kcAction.messageId,
            detail: padded,
            messageEventSignature: { signature: kcAction.signature, publicKeyVersion: '1', signatureVersion: '7' },
          }),
        ];
      },
      run: receive,
      // Version 7 signs the key, not the list: the recipient's entry opens and the signature holds.
      expect: ['RETURNED'],
    },
    {
      name: 'events: 5,000 key changes, each a distinct wrapped key for the recipient',
      build: async () => {
        const out = [];
        for (let i = 0; i < n(5000); i++) {
          const wrapped = await kit.wrapConversationKey(kc.conversationKey, users[1].identity.identityPublicKey);
          const detail = {
            conversationKeyChangeEvent: {
              conversationKeyVersion: String(1_700_000_000_000 + i),
              participantKeys: [{ userId: '222', encryptedKey: wrapped, publicKeyVersion: '1' }],
            },
          };
          out.push(
            eventOf({
              sequenceId: String(i),
              messageId: `k${i}`,
              detail,
              messageEventSignature: { signature: kcAction.signature, publicKeyVersion: '9', signatureVersion: '7' },
            }),
          );
        }
        return out;
      },
      run: receive,
      // At most 4,096 distinct wrapped keys are opened per call.
      expect: ['ERR_TOO_LARGE', 'ERR_SIGNING_KEY_NOT_FOUND'],
    },
    {
      name: 'events: a genuine message whose plaintext declares 10 million empty entities',
      build: async () => [kcEvent, await sealed('entities', messageHolder(emptyEntities(n(10 * MB))))],
      run: receive,
      expect: ['ERR_TOO_LARGE'],
    },
    {
      name: 'events: a genuine reply embedding 20,000 key changes in its preview',
      build: async () => {
        const one = kit.encodeStruct(MessageEvent, {
          senderId: '111',
          conversationId: 'g1',
          detail: {
            conversationKeyChangeEvent: {
              conversationKeyVersion: '5',
              participantKeys: [{ userId: '222', encryptedKey: kc.participantKeys[0].encryptedKey, publicKeyVersion: '1' }],
            },
          },
        });
        const count = n(20_000);
        const list = new Uint8Array(3 + 5 + count * one.length);
        list.set([15, 0, 10, 12, ...be32(count)]);
        for (let i = 0; i < count; i++) list.set(one, 8 + i * one.length);
        const raw = kit.decodeBase64(await sealed('original', messageHolder(Uint8Array.from([...tString(1, [104, 105]), 0]))));
        // preview{8: the quoted event, 10: the key changes}
        const preview = new Uint8Array(3 + 3 + raw.length + list.length + 1);
        preview.set([12, 0, 4, 12, 0, 8]);
        preview.set(raw, 6);
        preview.set(list, 6 + raw.length);
        const text = Uint8Array.from(tString(1, [114]));
        const inner = new Uint8Array(text.length + preview.length);
        inner.set(text);
        inner.set(preview, text.length);
        return [kcEvent, await sealed('reply', messageHolder(inner))];
      },
      run: receive,
      expect: ['RETURNED'],
    },
    {
      name: 'JSON: 16 MB body text with a duplicate key at the end',
      build: () => `{"group_members":[${Array.from({ length: n(3_000_000) }, () => '"1"').join(',')}],"a":1,"a":2}`,
      run: async (text) => kit.parseJsonStrict(text, 'body'),
      expect: ['ERR_INVALID_ENVELOPE'],
    },
  ];
}

/** What a case's run gave: the problem codes of a report, or an error code. */
export async function outcome(run, input) {
  try {
    const r = await run(input);
    if (r && typeof r === 'object' && Array.isArray(r.problems))
      return { valid: r.valid, codes: [...new Set(r.problems.map((p) => p.code))], problems: r.problems.length };
    return { value: true };
  } catch (e) {
    return { error: e && typeof e === 'object' && 'code' in e ? e.code : String(e) };
  }
}
