/**
 * Which keys decryptEvents adopts and trusts: verified key changes are adopted and may become the
 * latest version; an invalid signature is never adopted; a key change the caller's signing keys
 * cannot check is kept to read messages only (never the latest version, never the state); two
 * keys for one conversation and version are resolved by trust or refused; keys are scoped per
 * conversation; the state is a floor that a replayed older key change cannot lower.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decodeBase64,
  decryptEvents,
  encodeBase64,
  encodeBase64NoPad,
  encodeKeyChangeDetail,
  keyChangePayload,
  prepareConversationKeyChange,
  resolveBackend,
  withTestingHooks,
  type DecryptEventsResult,
  type PreparedKeyChange,
  type SigningKeyEntry,
} from '../../../helpers/kit.js';
import { actionEvent, decodeEvent, encodeEvent, sealedMessage, textEntry } from '../../../helpers/events.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';

let m: Member[];
let signingKeys: SigningKeyEntry[];
const G = 'g7';

beforeAll(async () => {
  m = await makeMembers(['111', '222', '333']);
  signingKeys = m.map((x) => x.signingKeyEntry);
});

/** A key change by `by` (default 111) for all three, at a fixed clock when given. */
async function rotate(conversationId = G, at?: number, by = 0): Promise<PreparedKeyChange> {
  const params = { publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[by]!), conversationId, memberIds: ['111', '222', '333'] };
  return prepareConversationKeyChange(params, at === undefined ? {} : withTestingHooks({}, { now: () => at }));
}
const event = (p: PreparedKeyChange, sender = '111', conversationId = G) => actionEvent(p.actionSignatures[0]!, sender, conversationId);
const say = (p: PreparedKeyChange, text: string, conversationId = G, who = 2) =>
  sealedMessage(m[who]!, p.conversationKey, p.conversationKeyVersion, textEntry(text), { conversationId });
const recv = (events: string[], extra: Record<string, unknown> = {}): Promise<DecryptEventsResult> =>
  decryptEvents(events, { recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey }, signingKeys, ...extra });
const texts = (r: DecryptEventsResult) =>
  r.messages.map((x) => (x.event.type === 'message' && x.event.content.contentType === 'text' ? x.event.content.text : x.event.type));

describe('adoption', () => {
  test('a verified key change: adopted, returned, the latest version, the state', async () => {
    const p = await rotate();
    const r = await recv([event(p), await say(p, 'hi')]);
    expect(texts(r)).toEqual(['keyChange', 'hi']);
    expect(r.conversationKeys.byConversation[G]).toEqual({
      keys: { [p.conversationKeyVersion]: expect.any(Uint8Array) },
      latestVersion: p.conversationKeyVersion,
      unverified: [],
    });
    expect(Buffer.from(r.conversationKeys.keys[p.conversationKeyVersion]!).equals(Buffer.from(p.conversationKey))).toBe(true);
    expect(r.state.latestVersions).toEqual({ [G]: p.conversationKeyVersion });
  });

  test('a version 6/7 signature that does not verify: never adopted', async () => {
    const p = await rotate();
    const bad = decodeEvent(event(p));
    bad.messageEventSignature!.signature = encodeBase64NoPad(new Uint8Array(64).fill(3));
    const r = await recv([encodeEvent(bad), await say(p, 'hi')]);
    expect(r.errors['0']!.code).toBe('ERR_SIGNATURE_INVALID');
    expect(r.errors['1']!.code).toBe('ERR_NO_CONVERSATION_KEY');
    // The message verified, so its conversation is listed, without keys.
    expect(r.conversationKeys).toEqual({
      keys: {},
      latestVersion: null,
      byConversation: { [G]: { keys: {}, latestVersion: null, unverified: [] } },
    });
  });

  test("a signer the caller's keys cannot check: the key reads validly signed messages, nothing more", async () => {
    const p = await rotate();
    const onlyOthers = signingKeys.filter((k) => k.userId !== '111');
    const r = await recv([event(p), await say(p, 'still readable')], { signingKeys: onlyOthers });
    expect(r.errors['0']).toEqual({ code: 'ERR_SIGNING_KEY_NOT_FOUND', message: expect.stringMatching(/kept only to read messages/) });
    expect(texts(r)).toEqual(['still readable']);
    expect(r.conversationKeys.byConversation[G]).toMatchObject({ latestVersion: null, unverified: [p.conversationKeyVersion] });
    expect(r.conversationKeys.latestVersion).toBeNull();
    expect(r.state.latestVersions).toEqual({});
    // With an unbound entry for the signer: the same, with the binding's code.
    const unbound = signingKeys.map((k) => (k.userId === '111' ? { ...k, identityPublicKey: m[2]!.signingKeyEntry.identityPublicKey } : k));
    const r2 = await recv([event(p), await say(p, 'x')], { signingKeys: unbound });
    expect(r2.errors['0']!.code).toBe('ERR_KEY_BINDING_INVALID');
    expect(texts(r2)).toEqual(['x']);
  });

  test('unsigned, downgraded and far-future key changes are not adopted', async () => {
    const p = await rotate();
    const unsigned = { ...decodeEvent(event(p)), messageEventSignature: undefined };
    const v1 = decodeEvent(event(p));
    v1.messageEventSignature!.signatureVersion = '1';
    const r = await recv([encodeEvent(unsigned), encodeEvent(v1), await say(p, 'hi')]);
    expect([r.errors['0']!.code, r.errors['1']!.code, r.errors['2']!.code]).toEqual([
      'ERR_UNVERIFIED_EVENT',
      'ERR_UNSUPPORTED_SIGNATURE_VERSION',
      'ERR_NO_CONVERSATION_KEY',
    ]);
    const future = await rotate(G, Date.now() + 3 * 86_400_000);
    const r2 = await recv([event(future), await say(future, 'later')]);
    expect([r2.errors['0']!.code, r2.errors['1']!.code]).toEqual(['ERR_VERSION_IN_FUTURE', 'ERR_NO_CONVERSATION_KEY']);
    // With a clock that far ahead it is fine.
    expect(texts(await recv([event(future), await say(future, 'later')], { now: () => Date.now() + 3 * 86_400_000 }))).toEqual([
      'keyChange',
      'later',
    ]);
  });

  test('versions 2 to 5: verified over the full list; over a trimmed list only readable', async () => {
    const p = await rotate();
    const a = p.actionSignatures[0]!;
    const backend = await resolveBackend();
    const payload = keyChangePayload(5, {
      messageId: a.messageId,
      senderId: '111',
      conversationId: G,
      conversationKeyVersion: p.conversationKeyVersion,
      participantKeys: p.participantKeys,
    });
    const signature = encodeBase64NoPad(await backend.sign(m[0]!.identity.signingPrivateKey, new TextEncoder().encode(payload)));
    const v5 = { ...a, signature, signatureVersion: '5' };
    const r = await recv([actionEvent(v5, '111', G), await say(p, 'v5')]);
    expect(texts(r)).toEqual(['keyChange', 'v5']);
    expect(r.conversationKeys.latestVersion).toBe(p.conversationKeyVersion);
    const trimmed = {
      ...v5,
      encodedMessageEventDetail: encodeBase64(
        encodeKeyChangeDetail({ conversationKeyVersion: p.conversationKeyVersion, participantKeys: [p.participantKeys[1]!] }),
      ),
    };
    const r2 = await recv([actionEvent(trimmed, '111', G), await say(p, 'v5 trimmed')]);
    expect(r2.errors['0']).toMatchObject({ code: 'ERR_UNVERIFIED_EVENT', message: expect.stringMatching(/trimmed/) });
    expect(texts(r2)).toEqual(['v5 trimmed']);
    expect(r2.conversationKeys.latestVersion).toBeNull();
  });
});

describe('conflicts and scope', () => {
  test('two keys at one version: a verified one wins over an unverifiable one; two unverifiable ones refuse the version', async () => {
    const at = Date.now() - 1000;
    const [p, q] = [await rotate(G, at), await rotate(G, at, 2)];
    expect(p.conversationKeyVersion).toBe(q.conversationKeyVersion);
    const without333 = signingKeys.filter((k) => k.userId !== '333');
    const r = await recv([event(p), event(q, '333'), await say(p, 'from p', G, 1), await say(q, 'from q', G, 1)], {
      signingKeys: without333,
    });
    expect(texts(r)).toEqual(['keyChange', 'from p']);
    expect(r.errors['1']!.code).toBe('ERR_SIGNING_KEY_NOT_FOUND');
    expect(r.errors['3']!.code).toBe('ERR_DECRYPT_FAILED');
    const onlyMine = signingKeys.filter((k) => k.userId === '222');
    const r2 = await recv([event(p), event(q, '333'), await say(p, 'from p', G, 1)], { signingKeys: onlyMine });
    expect(r2.errors['2']!.code).toBe('ERR_CONFLICTING_KEYS');
    // Two verified keys at one version: refused too, and neither is the latest.
    const r3 = await recv([event(p), event(q, '333'), await say(p, 'from p')]);
    expect(r3.errors['2']!.code).toBe('ERR_CONFLICTING_KEYS');
    expect(r3.conversationKeys.byConversation[G]!.latestVersion).toBeNull();
    expect(r3.conversationKeys.keys).toEqual({});
  });

  test('keys are per conversation: the same version in two conversations, each with its own key', async () => {
    const at = Date.now() - 2000;
    const [a, b] = [await rotate('g1', at), await rotate('g2', at)];
    const r = await recv([
      event(a, '111', 'g1'),
      event(b, '111', 'g2'),
      await say(a, 'in g1', 'g1'),
      await say(b, 'in g2', 'g2'),
      await say(a, 'g1 key in g2', 'g2'),
    ]);
    expect(texts(r)).toEqual(['keyChange', 'keyChange', 'in g1', 'in g2']);
    expect(r.errors['4']!.code).toBe('ERR_DECRYPT_FAILED');
    expect(Object.keys(r.conversationKeys.byConversation)).toEqual(['g1', 'g2']);
    // The SDK's flat map cannot hold two keys for one version: it is left out there.
    expect(r.conversationKeys.keys).toEqual({});
    expect(r.conversationKeys.latestVersion).toBe(a.conversationKeyVersion);
  });

  test("the caller's keys: trusted for reading, never the latest version; a previous result's entry keeps its unverified versions unverified", async () => {
    const p = await rotate();
    const own = { [G]: { [p.conversationKeyVersion]: Uint8Array.from(p.conversationKey) } };
    const r = await recv([await say(p, 'with my key')], { conversationKeys: own });
    expect(texts(r)).toEqual(['with my key']);
    expect(r.conversationKeys.byConversation[G]).toMatchObject({ latestVersion: null, unverified: [] });
    // A wrong trusted key and a verified key change at that version conflict.
    const wrong = { [G]: { [p.conversationKeyVersion]: new Uint8Array(32).fill(5) } };
    expect((await recv([event(p), await say(p, 'x')], { conversationKeys: wrong })).errors['1']!.code).toBe('ERR_CONFLICTING_KEYS');
    // Fed back as unverified, the wrong key yields to the verified key change.
    const fedBack = {
      [G]: {
        keys: { [p.conversationKeyVersion]: new Uint8Array(32).fill(5) },
        latestVersion: null,
        unverified: [p.conversationKeyVersion],
      },
    };
    expect(texts(await recv([event(p), await say(p, 'x')], { conversationKeys: fedBack }))).toEqual(['keyChange', 'x']);
  });
});

describe('state across batches', () => {
  test('a replayed older key change never lowers the latest version; its key still reads older messages', async () => {
    const old = await rotate(G, Date.now() - 60_000);
    const cur = await rotate(G, Date.now() - 30_000);
    const first = await recv([event(old), event(cur)]);
    expect(first.state.latestVersions[G]).toBe(cur.conversationKeyVersion);
    const json = JSON.parse(JSON.stringify(first.state));
    const replay = await recv([event(old), await say(old, 'old message')], { state: json });
    expect(texts(replay)).toEqual(['keyChange', 'old message']);
    expect(replay.conversationKeys.latestVersion).toBe(cur.conversationKeyVersion);
    expect(replay.conversationKeys.byConversation[G]!.latestVersion).toBe(cur.conversationKeyVersion);
    expect(replay.state).toEqual(first.state);
    // Without the state, the batch alone would report the older version.
    expect((await recv([event(old)])).conversationKeys.latestVersion).toBe(old.conversationKeyVersion);
  });

  test('the state keeps conversations the batch does not mention, and takes newer verified versions', async () => {
    const p = await rotate();
    const state = { version: 1 as const, latestVersions: { g99: '1700000000000', [G]: '1' } };
    const r = await recv([event(p)], { state });
    expect(r.state).toEqual({ version: 1, latestVersions: { g99: '1700000000000', [G]: p.conversationKeyVersion } });
    expect(Object.keys(r.conversationKeys.byConversation)).toEqual([G]);
  });

  test('secret bytes never print: JSON and inspect show the keys redacted', async () => {
    const p = await rotate();
    const r = await recv([event(p)]);
    const text = JSON.stringify(r);
    expect(text).toMatch(/REDACTED/);
    expect(text).not.toContain(encodeBase64(p.conversationKey));
    expect(decodeBase64(encodeBase64(r.conversationKeys.keys[p.conversationKeyVersion]!))).toHaveLength(32);
  });
});
