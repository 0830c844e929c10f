/** The delivery helper: an SDK-sent message, delivered, is what the SDK then decrypts and verifies. */
import { expect, test } from 'vitest';
import { deliverMessage } from './deliver.js';
import { sdkMembers } from './xdk.js';

test('a message the SDK sent, delivered by the helper, verifies and decrypts in the SDK', async () => {
  const [a, b] = await sdkMembers(['111', '222']);
  const key = new Uint8Array(32).fill(7);
  const sent = a!.chat.encryptMessage({
    conversationId: '111:222',
    text: 'hello',
    conversationKey: Uint8Array.from(key),
    conversationKeyVersion: '1700000000500',
  }) as {
    messageId: string;
    encryptedContent: string;
    encodedEventSignature: string;
  };
  const event = deliverMessage(sent, { sequenceId: '104', senderId: '111', conversationId: '111:222' });
  const got = b!.chat.decryptEvent(event, { '1700000000500': Uint8Array.from(key) }, [a!.signingKeyEntry]);
  expect(got).toMatchObject({
    type: 'message',
    sequenceId: '104',
    senderId: '111',
    verified: true,
    content: { content_type: 'text', text: 'hello' },
  });
  // Delivered under the other id form, the signature no longer verifies (receivers use the id verbatim).
  const other = deliverMessage(sent, { sequenceId: '104', senderId: '111', conversationId: '111-222' });
  expect(() => b!.chat.decryptEvent(other, { '1700000000500': Uint8Array.from(key) }, [a!.signingKeyEntry])).toThrow(/ECDSA mismatch/);
});
