// Message-layer inputs for the browser pages, made in Node with the packed library (`kit`, `wire`:
// the modules of chat-keykit's dist/index.js and dist/wire.js) and the official SDK
// (@xdevplatform/chat-xdk, its pkg/ WASM build, as test/helpers/xdk.ts loads it), and written next
// to a page as JSON. Used by the browser benchmark (bench/browser.mjs).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const GROUP = 'g1234567890123456789';
export const VERSION = '1700000000000';

const b64 = (u) => Buffer.from(u).toString('base64');
const unb64 = (s) => Uint8Array.from(Buffer.from(s, 'base64'));

/** The folder of the official SDK's package (its pkg/ holds the WASM build). */
export function sdkRoot() {
  return dirname(createRequire(import.meta.url).resolve('@xdevplatform/chat-xdk'));
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
