// Hostile inputs of up to 16 MB for every function that reads outside data: each case builds its
// input and runs the function on it. `npm run bench` (bench/hostile.mjs) times each one in a
// fresh process under a heap limit of 64 MB above its input; test/hardening/hostile.test.ts
// checks that each is refused the way it says (or verified), at a smaller size.
//
// `kit` is the library (dist or src): every entry point's exports merged.

const MB = 1024 * 1024;

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
  const users = await Promise.all(ids.map(async (id) => {
    const identity = await kit.generateIdentity();
    return { id, identity, ...kit.keyRecordFromRegistration(id, await kit.buildKeyRegistration(identity, { version: '1' })) };
  }));
  const signingKeys = users.map((u) => u.signingKeyEntry);
  const sender = { userId: '111', signingKeyVersion: '1', signingPrivateKey: users[0].identity.signingPrivateKey };
  const publicKeys = users.map((u) => u.publicKeyInput);
  const create = kit.createGroupRequest(await kit.prepareGroupCreate({ publicKeys, sender, conversationId: 'g1', memberIds: ids }));
  const keys = kit.addConversationKeysRequest(await kit.prepareConversationKeyChange({ publicKeys, sender, conversationId: 'g1', memberIds: ids }));
  const verifyCreate = (b) => kit.verifyCreateGroupRequest(b, { senderId: '111', signingKeys });
  const verifyKeys = (b) => kit.verifyAddConversationKeysRequest(b, { senderId: '111', signingKeys, conversationId: 'g1' });
  const withDetail = (detail) => ({ ...keys, action_signatures: [{ ...keys.action_signatures[0], encoded_message_event_detail: kit.encodeBase64(detail) }] });
  const channelKey = await kit.prepareSendbirdChannelKey({ channelUrl: 'hostile_room', publicKeys, memberIds: ids, sender });
  const envelope = JSON.parse(JSON.parse(kit.createSendbirdGroupChannelRequest({ user_ids: ids, channel_url: 'hostile_room' }, { applicationId: 'app', apiToken: 't', e2ee: channelKey }).body).data);
  const openChannel = (data) => kit.openSendbirdChannelKey({ channel_url: 'hostile_room', data }, { userId: '222', identityPrivateKey: users[1].identity.identityPrivateKey, signingKeys });
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
      build: () => ({ ...keys, conversation_participant_keys: Array.from({ length: n(500_000) }, (_, i) => ({ user_id: String(i), encrypted_conversation_key: 'AAAA', public_key_version: '1' })) }),
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
      build: () => ({ ...keys, action_signatures: Array.from({ length: n(200_000) }, () => ({ message_id: 'm', encoded_message_event_detail: 'AA==', message_event_signature: { signature: 'AA', public_key_version: '1', signature_version: '7' } })) }),
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
      build: () => JSON.stringify({ ckk: { ...envelope.ckk, keys: Array.from({ length: n(80_000) }, (_, i) => [String(i), envelope.ckk.keys[0][1], '1']) } }),
      run: openChannel,
      // Past 8 MiB the data is refused unread; smaller, the signature no longer holds.
      expect: ['ERR_TOO_LARGE', 'ERR_SIGNATURE_INVALID'],
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
    if (r && typeof r === 'object' && Array.isArray(r.problems)) return { valid: r.valid, codes: [...new Set(r.problems.map((p) => p.code))], problems: r.problems.length };
    return { value: true };
  } catch (e) {
    return { error: e && typeof e === 'object' && 'code' in e ? e.code : String(e) };
  }
}
