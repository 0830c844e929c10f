/**
 * When a worker fails, its batch is checked on the calling thread: same results, no error.
 */
import { expect, test, vi } from 'vitest';
import { decryptEvents, prepareConversationKeyChange } from '../../../helpers/kit.js';
import { actionEvent, sealedMessage, textEntry } from '../../../helpers/events.js';
import type * as Workers from '../../../../src/core/workers.js';
import { makeMembers, senderOf } from '../../../helpers/members.js';

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../../../src/core/workers.js', async (original) => ({
  ...(await original<typeof Workers>()),
  verifyOnWorkers: () => {
    calls.n++;
    return Promise.reject(new Error('a worker crashed'));
  },
}));

test('a failing worker: the batch is verified here instead', async () => {
  const m = await makeMembers(['111', '222']);
  const kc = await prepareConversationKeyChange({
    publicKeys: m.map((x) => x.publicKeyInput),
    sender: senderOf(m[0]!),
    conversationId: 'g1',
    memberIds: ['111', '222'],
  });
  const events = [actionEvent(kc.actionSignatures[0]!, '111', 'g1')];
  for (let i = 0; i < 300; i++)
    events.push(await sealedMessage(m[0]!, kc.conversationKey, kc.conversationKeyVersion, textEntry(`m${i}`), { conversationId: 'g1' }));
  const r = await decryptEvents(events, {
    recipient: { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey },
    signingKeys: m.map((x) => x.signingKeyEntry),
    workers: 2,
    backend: 'node',
  });
  expect(calls.n).toBe(2);
  expect(r.errors).toEqual({});
  expect(r.messages).toHaveLength(301);
});
