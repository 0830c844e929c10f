// Message-layer inputs for the browser pages, made in Node with the packed library (`kit`, `wire`:
// the modules of chat-keykit's dist/index.js and dist/wire.js) and the official SDK
// (@xdevplatform/chat-xdk, its pkg/ WASM build, as test/helpers/xdk.ts loads it), and written next
// to a page as JSON. Used by the browser suite (test/browser/browser.test.mjs) and the browser
// benchmark (bench/browser.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const GROUP = 'g1234567890123456789';
export const VERSION = '1700000000000';
/** The version of the SDK-made member's keys. */
const SDK_VERSION = '1700000000001';

const b64 = (u) => Buffer.from(u).toString('base64');
const unb64 = (s) => Uint8Array.from(Buffer.from(s, 'base64'));

/** The folder of the official SDK's package (its pkg/ holds the WASM build). */
export function sdkRoot() {
  return dirname(createRequire(import.meta.url).resolve('@xdevplatform/chat-xdk'));
}

/** The official SDK's WASM module, initialised, in Node. */
export async function loadSdk() {
  const root = sdkRoot();
  const mod = await import(join(root, 'pkg', 'chat_xdk_wasm.js'));
  await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
  return mod;
}

/**
 * The delivered MessageEvent of a sent message (ours or the SDK's `SendPayload`), base64, as
 * `GET /2/chat/conversations/{id}/events` serves it (test/helpers/deliver.ts, on the packed wire module).
 */
export function deliver(wire, sent, { sequenceId, senderId, conversationId = GROUP, createdAtMsec = VERSION }) {
  const S = wire.XChatStructs;
  const event = wire.encodeStruct(S.MessageEvent, {
    sequenceId: String(sequenceId),
    messageId: sent.messageId,
    senderId,
    conversationId,
    createdAtMsec,
    detail: { messageCreateEvent: wire.decodeStruct(S.MessageCreateEvent, unb64(sent.encryptedContent)) },
    messageEventSignature: wire.decodeStruct(S.MessageEventSignature, unb64(sent.encodedEventSignature)),
  });
  return b64(event);
}

/** A member made by the library: identity, 64-byte private blob (base64) and key records. */
async function member(kit, userId) {
  const identity = await kit.generateIdentity({ backend: 'node' });
  const record = kit.keyRecordFromRegistration(userId, await kit.buildKeyRegistration(identity, { version: VERSION }));
  const sender = { userId, signingKeyVersion: VERSION, signingPrivateKey: identity.signingPrivateKey };
  return { userId, identity, blob: b64(kit.exportPrivateKeys(identity)), record, sender };
}

/** A member whose keys the SDK generated, with its session identity set. */
function sdkMember(sdk, userId) {
  const chat = new sdk.Chat();
  const pk = chat.generateKeypairs().publicKey;
  chat.setIdentity(userId, SDK_VERSION);
  return {
    userId,
    chat,
    record: {
      publicKeyInput: { userId, publicKey: pk.publicKey, keyVersion: SDK_VERSION },
      signingKeyEntry: {
        userId,
        publicKeyVersion: SDK_VERSION,
        publicKey: pk.signingPublicKey,
        identityPublicKey: pk.publicKey,
        identityPublicKeySignature: pk.identityPublicKeySignature,
      },
    },
  };
}

/** A group of three created by 111 (library), its key change delivered as the history's first event. */
async function group(kit, wire, members) {
  const [creator] = members;
  const g = await kit.prepareGroupCreate(
    {
      publicKeys: members.map((m) => m.record.publicKeyInput),
      sender: creator.sender,
      conversationId: GROUP,
      memberIds: members.map((m) => m.userId),
    },
    { backend: 'node' },
  );
  const kc = g.actionSignatures[0];
  const keyChange = b64(
    wire.encodeMessageEvent({
      sequenceId: '1',
      messageId: kc.messageId,
      senderId: creator.userId,
      conversationId: GROUP,
      createdAtMsec: VERSION,
      detail: unb64(kc.encodedMessageEventDetail),
      signature: { signature: kc.signature, publicKeyVersion: kc.publicKeyVersion, signatureVersion: kc.signatureVersion },
    }),
  );
  return { key: Uint8Array.from(g.conversationKey), version: g.conversationKeyVersion, keyChange };
}

/**
 * The benchmark's history of `count` events: the key change of a group create by 111, then
 * messages from 111, 222 and 333 under its key (the library's encryptMessage, node backend), every
 * 50th a reply to a text three messages back (embedding it, as replies do), every 40th a reaction
 * and every 70th an edit, as bench/events.mjs. The receiver is 222, with the three signing keys.
 */
export async function benchHistory(kit, wire, count) {
  const members = [await member(kit, '111'), await member(kit, '222'), await member(kit, '333')];
  const { key, version, keyChange } = await group(kit, wire, members);
  const events = [keyChange];
  const texts = [];
  let replies = 0;
  const options = { backend: 'node' };
  for (let i = 0; i < count - 1; i++) {
    const m = members[i % 3];
    const common = { conversationKey: key, conversationKeyVersion: version, sender: m.sender };
    const prev = texts[Math.max(0, texts.length - 3)];
    const kind = !prev ? 'text' : i % 50 === 49 ? 'reply' : i % 40 === 39 ? 'reaction' : i % 70 === 69 ? 'edit' : 'text';
    const text = `The quick brown fox jumps over the lazy dog, 0123456789! ${i}`;
    const sent =
      kind === 'reply'
        ? await kit.encryptReply({ conversationId: GROUP, text: `reply ${i}`, replyToEvent: prev, ...common }, options)
        : kind === 'reaction'
          ? await kit.encryptAddReaction({ emoji: '👍', targetEvent: prev, ...common }, options)
          : kind === 'edit'
            ? await kit.encryptEdit({ updatedText: `edited ${i}`, targetEvent: prev, ...common }, options)
            : await kit.encryptMessage({ conversationId: GROUP, text, ...common }, options);
    if (kind === 'reply') replies++;
    const event = deliver(wire, sent, { sequenceId: i + 2, senderId: m.userId });
    events.push(event);
    if (kind === 'text') texts.push(event);
  }
  return {
    events,
    replies,
    recipient: { userId: '222', blob: members[1].blob },
    signingKeys: members.map((m) => m.record.signingKeyEntry),
  };
}

/** The bytes of a test file of `n` bytes (the page makes the same). */
export function pattern(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8) * 13 + 3) & 255;
  return out;
}

/** Media sizes of the suite: empty, one byte, one chunk, one chunk and a byte, and many chunks (past a 64 KiB push). */
export const MEDIA_SIZES = [0, 1, 1024, 1025, 70_000];
export const METADATA_TEXT = 'Weekend trip ✈️ (group name)';

/**
 * The browser suite's inputs: a group of 111 (alice, library), 222 (bob, library; the page's
 * receiver and sender) and 333 (peer, keys made by the SDK); its history as the page must read it
 * (the key change, a text by alice, a text by the SDK, an SDK reply to alice's text, an edit by
 * alice, a reaction by alice to the SDK's text) with what each event must decrypt to; metadata
 * encrypted by the SDK; media of each size encrypted by the SDK. Returns the JSON for the page and,
 * for the Node side, the SDK instance of a member (to decrypt the page's output as 111).
 */
export async function suiteFixtures(kit, wire, sdk) {
  const alice = await member(kit, '111');
  const bob = await member(kit, '222');
  const peer = sdkMember(sdk, '333');
  const { key, version, keyChange } = await group(kit, wire, [alice, bob, peer]);
  const common = { conversationKey: key, conversationKeyVersion: version };
  const options = { backend: 'node' };
  const events = [keyChange];
  const expected = [{ sequenceId: '1', senderId: '111', type: 'keyChange' }];
  const add = (sent, senderId, expect) => {
    const sequenceId = String(events.length + 1);
    events.push(deliver(wire, sent, { sequenceId, senderId }));
    expected.push({ sequenceId, senderId, type: 'message', ...expect });
    return events.at(-1);
  };
  const aliceText = add(
    await kit.encryptMessage({ conversationId: GROUP, text: 'hello from the library', ...common, sender: alice.sender }, options),
    '111',
    { content: { contentType: 'text', text: 'hello from the library' } },
  );
  const peerText = add(peer.chat.encryptMessage({ conversationId: GROUP, text: 'hello from the SDK', ...common }), '333', {
    content: { contentType: 'text', text: 'hello from the SDK' },
  });
  add(peer.chat.encryptReply({ conversationId: GROUP, text: 'a reply by the SDK', replyToEvent: aliceText, ...common }), '333', {
    content: { contentType: 'text', text: 'a reply by the SDK' },
    replyingToPreview: { senderId: '111', messageText: 'hello from the library', replyingToMessageSequenceId: '2' },
  });
  add(await kit.encryptEdit({ updatedText: 'hello, edited', targetEvent: aliceText, ...common, sender: alice.sender }, options), '111', {
    content: { contentType: 'edit', newText: 'hello, edited', targetMessageId: '2' },
  });
  add(await kit.encryptAddReaction({ emoji: '🎉', targetEvent: peerText, ...common, sender: alice.sender }, options), '111', {
    content: { contentType: 'reaction', emoji: '🎉', targetMessageId: '3' },
  });
  const media = MEDIA_SIZES.map((size) => ({ size, sdkCiphertext: b64(peer.chat.encryptStream(pattern(size), key)) }));
  const fixtures = {
    conversationId: GROUP,
    conversationKeyVersion: version,
    // The page reads the key from the key change; this copy is only to check it against.
    conversationKey: b64(key),
    bob: { userId: '222', blob: bob.blob, signingKeyVersion: VERSION },
    signingKeys: [alice.record.signingKeyEntry, bob.record.signingKeyEntry, peer.record.signingKeyEntry],
    events,
    expected,
    metadata: { text: METADATA_TEXT, sdkCiphertext: peer.chat.encrypt(METADATA_TEXT, key) },
    media,
  };
  return { fixtures, key, version, peer, signingKeys: fixtures.signingKeys, keyChange };
}
