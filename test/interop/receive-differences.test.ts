/**
 * Every intended difference between our decryptEvents and the official SDK's, run on both with the
 * same batch (docs/xchat-receiving.md §"Where decryptEvents differs from the SDK"). Each case says
 * what the SDK does and why we do otherwise; where the outcome is the same (an error on both
 * sides) only the error text differs, and receive.test.ts covers it.
 */
import { beforeAll, expect, test } from 'vitest';
import {
  decryptEvents,
  encodeBase64NoPad,
  exportPrivateKeys,
  prepareConversationKeyChange,
  withTestingHooks,
  type DecryptEventsResult,
  type PreparedKeyChange,
  type SigningKeyEntry,
} from '../helpers/kit.js';
import { actionEvent, decodeEvent, encodeEvent, sealedMessage, signedEvent, textEntry } from '../helpers/events.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { xdkWithKeys, type XdkChat } from '../helpers/xdk.js';
import type { SdkBatch } from '../helpers/compare.js';
import { messageDeletePayload } from '../../src/wire/xchat/payloads.js';

let m: Member[];
let signingKeys: SigningKeyEntry[];
let sdk: XdkChat;
let kc: PreparedKeyChange;
let kcEvent: string;
const G = 'g6';

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  signingKeys = m.map((x) => x.signingKeyEntry);
  sdk = await xdkWithKeys(exportPrivateKeys(m[1]!.identity), m[1]!.version);
  kc = await rotate(G);
  kcEvent = actionEvent(kc.actionSignatures[0]!, '111', G);
});

function rotate(conversationId: string, at?: number): Promise<PreparedKeyChange> {
  const params = { publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!), conversationId, memberIds: ['111', '222', '333'] };
  return prepareConversationKeyChange(params, at === undefined ? {} : withTestingHooks({}, { now: () => at }));
}
const say = (p: PreparedKeyChange, text: string, conversationId = G) =>
  sealedMessage(m[2]!, p.conversationKey, p.conversationKeyVersion, textEntry(text), { conversationId });
const ours = (events: string[], keys = signingKeys): Promise<DecryptEventsResult> =>
  decryptEvents(events, {
    recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, keyVersion: m[1]!.version },
    signingKeys: keys,
  });
const theirs = (events: string[], keys = signingKeys) => sdk.decryptEvents(events, keys) as SdkBatch;
const types = (r: { messages: { event: object }[] }) => r.messages.map((x) => (x.event as { type: unknown }).type);

test('an integer beyond ±2^53: the SDK throws for the whole batch; we refuse that event only', async () => {
  const late = encodeEvent({ ...decodeEvent(await say(kc, 'late')), createdAtMsec: '9007199254740993' });
  const events = [kcEvent, late, await say(kc, 'fine')];
  expect(() => theirs(events)).toThrow(/can't be represented as a JavaScript number/);
  const r = await ours(events);
  expect(r.errors).toEqual({ '1': expect.objectContaining({ code: 'ERR_UNSAFE_INTEGER' }) });
  expect(types(r)).toEqual(['keyChange', 'message']);
});

test("keys are per conversation: the SDK decrypts a message of another conversation with a key change's key of the same version; we do not", async () => {
  const elsewhere = await say(kc, 'elsewhere', 'g66');
  expect(types(theirs([kcEvent, elsewhere]))).toEqual(['keyChange', 'message']);
  expect((await ours([kcEvent, elsewhere])).errors['1']!.code).toBe('ERR_NO_CONVERSATION_KEY');
});

test('an unverifiable key change: both read its messages; the SDK makes it the latest version, we never do', async () => {
  const without111 = signingKeys.filter((k) => k.userId !== '111');
  const events = [kcEvent, await say(kc, 'hi')];
  const s = theirs(events, without111);
  const r = await ours(events, without111);
  expect([types(s), types(r)]).toEqual([['message'], ['message']]);
  expect(s.conversationKeys.latestVersion).toBe(kc.conversationKeyVersion);
  expect(r.conversationKeys.latestVersion).toBeNull();
});

test('a version 7 key change whose signature fails (without a sequence id): the SDK keeps its key, we refuse it', async () => {
  const bad = decodeEvent(kcEvent);
  bad.messageEventSignature!.signature = encodeBase64NoPad(new Uint8Array(64).fill(4));
  delete bad.sequenceId;
  const events = [encodeEvent(bad), await say(kc, 'hi')];
  expect(types(theirs(events))).toEqual(['message']);
  const r = await ours(events);
  expect([r.errors['0']!.code, r.errors['1']!.code]).toEqual(['ERR_SIGNATURE_INVALID', 'ERR_NO_CONVERSATION_KEY']);
});

test('a key version days ahead of the clock: the SDK takes it (and it would pin the latest version); we refuse it', async () => {
  const future = await rotate(G, Date.now() + 5 * 86_400_000);
  const events = [actionEvent(future.actionSignatures[0]!, '111', G), await say(future, 'from the future')];
  expect(types(theirs(events))).toEqual(['keyChange', 'message']);
  const r = await ours(events);
  expect(r.errors['0']!.code).toBe('ERR_VERSION_IN_FUTURE');
});

test('two different keys for one version, neither verifiable: the SDK takes the later one; we refuse the version', async () => {
  const at = Date.now() - 5000;
  const [a, b] = [await rotate(G, at), await rotate(G, at)];
  const onlyMine = signingKeys.filter((k) => k.userId !== '111');
  const events = [actionEvent(a.actionSignatures[0]!, '111', G), actionEvent(b.actionSignatures[0]!, '111', G), await say(b, 'which key?')];
  expect(types(theirs(events, onlyMine))).toEqual(['message']);
  expect((await ours(events, onlyMine)).errors['2']!.code).toBe('ERR_CONFLICTING_KEYS');
});

test('the same event twice: the SDK returns both; we return the first and call the second a replay', async () => {
  const hi = await say(kc, 'hi');
  expect(types(theirs([kcEvent, hi, hi]))).toEqual(['keyChange', 'message', 'message']);
  const r = await ours([kcEvent, hi, hi]);
  expect(types(r)).toEqual(['keyChange', 'message']);
  expect(r.errors['2']!.code).toBe('ERR_DUPLICATE_EVENT');
});

test('a signature without its version: the SDK reads it as 7; we refuse an unnamed layout', async () => {
  const e = decodeEvent(await say(kc, 'hi'));
  delete e.messageEventSignature!.signatureVersion;
  expect(types(theirs([kcEvent, encodeEvent(e)]))).toEqual(['keyChange', 'message']);
  expect((await ours([kcEvent, encodeEvent(e)])).errors['1']!.code).toBe('ERR_UNSUPPORTED_SIGNATURE_VERSION');
});

test('a MessageCreateEvent without contents: the SDK returns an unknown event; we refuse it', async () => {
  const e = await signedEvent(
    m[0]!,
    { messageCreateEvent: { conversationKeyVersion: kc.conversationKeyVersion } },
    (h) => `MessageCreateEvent,${h.messageId},${h.senderId},${h.conversationId},${kc.conversationKeyVersion},`,
    { conversationId: G },
  );
  expect(theirs([e]).messages[0]!.event).toMatchObject({ type: 'unknown', eventTypeId: 1 });
  expect((await ours([e])).errors['0']!.code).toBe('ERR_INVALID_ENVELOPE');
});

test('a delete whose action is neither 1 nor 2: the SDK verifies it (deleteForAll false); we refuse it', async () => {
  const e = await signedEvent(
    m[0]!,
    { messageDeleteEvent: { sequenceIds: ['1'], deleteMessageAction: 7 } },
    (h) => `MessageDeleteEvent,${h.messageId},${h.senderId},${h.conversationId},7,1`,
    { conversationId: G },
  );
  expect(theirs([e]).messages[0]!.event).toMatchObject({ type: 'messageDeleted', verified: true, deleteForAll: false });
  expect((await ours([e])).errors['0']!.code).toBe('ERR_INVALID_ENVELOPE');
  // Actions 1 and 2 are the same on both sides.
  const ok = await signedEvent(
    m[0]!,
    { messageDeleteEvent: { sequenceIds: ['1'], deleteMessageAction: 1 } },
    (h) => messageDeletePayload(7, { ...h, deleteForAll: false, sequenceIds: ['1'] }),
    { conversationId: G },
  );
  expect((await ours([ok])).messages[0]!.event).toMatchObject({ type: 'messageDeleted', deleteForAll: false });
});

test('non-canonical Thrift (fields out of order): the SDK reads it; we refuse it', async () => {
  const raw = Buffer.from(kcEvent, 'base64');
  const f1 = 3 + 4 + raw.readInt32BE(3);
  const f2 = 3 + 4 + raw.readInt32BE(f1 + 3);
  const swapped = Buffer.concat([raw.subarray(f1, f1 + f2), raw.subarray(0, f1), raw.subarray(f1 + f2)]).toString('base64');
  expect(types(theirs([swapped]))).toEqual(['keyChange']);
  expect((await ours([swapped])).errors['0']!.code).toBe('ERR_INVALID_THRIFT');
});
