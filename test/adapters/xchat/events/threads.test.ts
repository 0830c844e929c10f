/**
 * Signature checks on other threads give exactly what one thread gives: a batch with genuine and
 * forged events, decrypted with `workers: false`, with two threads and with the default choice
 * (worker threads on node, a bounded number of prepared checks in flight on WebCrypto and noble).
 */
import { availableParallelism } from 'node:os';
import { afterAll, expect, test } from 'vitest';
import { decodeBase64, decryptEvents, encodeBase64NoPad, prepareConversationKeyChange, resolveBackend } from '../../../helpers/kit.js';
import { flip } from '../../../helpers/bytes.js';
import { actionEvent, decodeEvent, encodeEvent, sealedMessage, textEntry } from '../../../helpers/events.js';
import { makeMembers, senderOf } from '../../../helpers/members.js';
import { closeWorkers } from '../../../../src/core/workers.js';
import { modeFor, VERIFY_WORKER_THRESHOLD } from '../../../../src/adapters/xchat/events/verify.js';

afterAll(() => closeWorkers());

test('the same events and errors with and without threads', async () => {
  const m = await makeMembers(['111', '222', '333']);
  const kc = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g1',
    memberIds: ['111', '222', '333'],
  });
  const events = [actionEvent(kc.actionSignatures[0]!, '111', 'g1')];
  for (let i = 0; i < VERIFY_WORKER_THRESHOLD.COLD + 40; i++) {
    const e = await sealedMessage(m[i % 3]!, kc.conversationKey, kc.conversationKeyVersion, textEntry(`message ${i}`), {
      conversationId: 'g1',
      sequenceId: String(i + 2),
    });
    if (i % 97 !== 5) events.push(e);
    else {
      const bad = decodeEvent(e);
      bad.messageEventSignature!.signature = encodeBase64NoPad(flip(decodeBase64(bad.messageEventSignature!.signature!), 9));
      events.push(encodeEvent(bad));
    }
  }
  // One signer whose key the caller does not have.
  const signingKeys = m.slice(0, 2).map((x) => x.signingKeyEntry);
  const run = (workers?: boolean | number) =>
    decryptEvents(events, { recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey }, signingKeys, workers });
  const one = await run(false);
  expect(
    Object.values(one.errors)
      .map((e) => e.code)
      .sort(),
  ).toEqual(expect.arrayContaining(['ERR_SIGNATURE_INVALID', 'ERR_SIGNING_KEY_NOT_FOUND']));
  const backend = await resolveBackend();
  expect((await modeFor(backend, events.length, undefined)).kind).toBe(
    backend.name !== 'node' ? 'lanes' : availableParallelism() > 1 ? 'workers' : 'serial',
  );
  for (const workers of [2, undefined]) {
    const r = await run(workers);
    expect(r.errors).toEqual(one.errors);
    expect(r.messages).toEqual(one.messages);
  }
});
