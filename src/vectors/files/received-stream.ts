/**
 * The event stream of received.json: what member 222 of the group of request-group-create receives,
 * one event of every kind `decryptEvents` handles, in sequence order. The key change and the group
 * create of request-group-create; the delivered events of messages.json (messages of each content
 * kind, deletes); the member add of request-member-add; group changes, settings changes, a
 * conversation delete and read markers signed by member 111; the unsigned backend notices
 * (typing, a failure, a member's account deletion, an event of an unknown kind); and three events
 * a receiver must refuse: a replayed message, a message under a key version nobody announced, and
 * a message signed with another member's key.
 *
 * @module
 */
import { encryptMessage } from '../../index.js';
import { resolveBackend } from '../../backends.js';
import { withTestingHooks } from '../../testing.js';
import {
  conversationDeletePayload,
  decodeBase64,
  encodeBase64NoPad,
  encodeStruct,
  groupChangePayload,
  markConversationReadPayload,
  markConversationUnreadPayload,
  metadataChangePayload,
  XChatStructs,
  type ActionHead,
  type Infer,
} from '../../wire.js';
import { signPayload } from '../../core/signing.js';
import { GROUP, KEY_VERSION, NOW, stream } from '../common.js';
import { userOf, type VectorUser } from '../users.js';
import { CKV, deliverDetail, deliverSent, type Delivery } from './conversation.js';
import { generate as generateMessages } from './messages.js';
import { preparedChanges } from './requests.js';

/** One event of the stream: what it is, and the MessageEvent as delivered (padded base64). */
export interface StreamEvent {
  label: string;
  event_b64: string;
}

type Detail = Infer<typeof XChatStructs.MessageEventDetail>;

const SEQUENCE = 2070276095283454000n;
const at = (n: number, sender_id: string): Delivery => ({ sequence_id: String(SEQUENCE + BigInt(n)), sender_id, conversation_id: GROUP });
const messageId = (n: number) => `00000000-0000-4000-8000-${(6000 + n).toString(16).padStart(12, '0')}`;

/** An action signed by `senderId` (version 7) over `payload(head)`; `null` delivers it unsigned. */
async function action(
  users: VectorUser[],
  n: number,
  senderId: string,
  detail: Detail | undefined,
  payload: ((h: ActionHead) => string) | null,
  signerId = senderId,
): Promise<string> {
  const id = messageId(n);
  const bytes = detail && encodeStruct(XChatStructs.MessageEventDetail, detail);
  if (!payload) return deliverDetail(id, bytes, at(n, senderId));
  const signer = userOf(users, signerId);
  const text = payload({ messageId: id, senderId, conversationId: GROUP });
  const signature = encodeBase64NoPad(await signPayload(await resolveBackend('noble'), signer.identity.signingPrivateKey, text));
  return deliverDetail(id, bytes, at(n, senderId), { signature, publicKeyVersion: KEY_VERSION, signatureVersion: '7' });
}

/** The stream, in order. */
export async function groupStream(users: VectorUser[]): Promise<StreamEvent[]> {
  const { create, add } = await preparedChanges(users);
  const sent = await generateMessages(users);
  const events: StreamEvent[] = [];
  const push = (label: string, event_b64: string) => events.push({ label, event_b64 });
  const delivered = (a: (typeof create.actionSignatures)[number] | undefined, n: number) => {
    if (!a) throw new Error('generator: a prepared change lacks an action');
    return deliverDetail(a.messageId, decodeBase64(a.encodedMessageEventDetail), at(n, '111'), a);
  };
  push('key change (request-group-create)', delivered(create.actionSignatures[0], 1));
  push('group create (request-group-create)', delivered(create.actionSignatures[1], 2));
  for (const v of sent.vectors) push(`${v.id} (messages.json)`, v.delivered_b64);
  push('members added (request-member-add, without its key change)', delivered(add.actionSignatures[1], 201));

  const g = (n: number, label: string, change: NonNullable<NonNullable<Detail['groupChangeEvent']>['groupChange']>) =>
    action(users, n, '111', { groupChangeEvent: { groupChange: change } }, (h) => groupChangePayload(7, h, change)).then((b) =>
      push(label, b),
    );
  await g(202, 'title changed', { groupTitleChange: { customTitle: 'Team 2', conversationKeyVersion: CKV } });
  await g(203, 'avatar changed', { groupAvatarUrlChange: { customAvatarUrl: 'https://pbs.twimg.com/g.jpg', conversationKeyVersion: CKV } });
  await g(204, 'admins added', { groupAdminAddChange: { adminIds: ['333'] } });
  await g(205, 'admins removed', { groupAdminRemoveChange: { adminIds: ['222'] } });
  await g(206, 'members removed', { groupMemberRemoveChange: { memberIds: ['444'] } });
  await g(207, 'invite enabled', {
    groupInviteEnable: { inviteUrl: 'https://x.com/i/chat/join/abc', expiresAtMsec: BigInt(NOW + 86400000) },
  });
  await g(208, 'invite disabled', { groupInviteDisable: { disabledByMemberId: '111' } });
  await g(209, 'join requested', { groupJoinRequest: { requestingUserId: '444' } });
  await g(210, 'join rejected', { groupJoinReject: { rejectedUserIds: ['444'] } });

  const s = (
    n: number,
    label: string,
    change: NonNullable<NonNullable<Detail['conversationMetadataChangeEvent']>['conversationMetadataChange']>,
  ) =>
    action(users, n, '111', { conversationMetadataChangeEvent: { conversationMetadataChange: change } }, (h) =>
      metadataChangePayload(7, h, change),
    ).then((b) => push(label, b));
  await s(211, 'message duration set', { messageDurationChange: { ttlMsec: 3600000n, applyToAllMessages: true } });
  await s(212, 'screen-capture blocking enabled', { enableScreenCaptureBlocking: {} });

  const read = { seenUntilSequenceId: String(SEQUENCE + 109n), seenAtMillis: BigInt(NOW) };
  push('read', await action(users, 213, '333', { markConversationReadEvent: read }, (h) => markConversationReadPayload(7, h, read)));
  const unread = { seenUntilSequenceId: String(SEQUENCE + 101n) };
  push(
    'marked unread',
    await action(users, 214, '333', { markConversationUnreadEvent: unread }, (h) => markConversationUnreadPayload(7, h, unread)),
  );
  const del = { conversationId: GROUP, clearConversationOptions: { clearAllMessages: true } };
  push(
    'conversation deleted',
    await action(users, 215, '222', { conversationDeleteEvent: del }, (h) => conversationDeletePayload(7, h, del)),
  );

  push('typing (unsigned)', await action(users, 216, '333', { messageTypingEvent: { conversationId: GROUP } }, null));
  push('failure (unsigned)', await action(users, 217, '222', { messageFailureEvent: { failureType: 6 } }, null));
  push('member account deleted (unsigned)', await action(users, 218, '333', { memberAccountDeleteEvent: { memberId: '333' } }, null));
  push(
    'unknown kind: a Grok search response (unsigned)',
    await action(users, 219, '111', { grokSearchResponseEvent: { searchResponseId: 'r1' } }, null),
  );

  const plain = sent.vectors[0];
  if (!plain) throw new Error('generator: no message-plain');
  push('message-plain again (a replay)', plain.delivered_b64);
  const key = userOf(users, '444').identity.signingPrivateKey.slice(); // any 32 bytes: nobody announced this version
  const unknown = await encryptMessage(
    {
      conversationId: GROUP,
      text: 'under a version nobody announced',
      conversationKey: key,
      conversationKeyVersion: String(NOW + 1),
      sender: { userId: '333', signingKeyVersion: KEY_VERSION, signingPrivateKey: userOf(users, '333').identity.signingPrivateKey },
    },
    withTestingHooks(
      { backend: 'noble' as const },
      { random: stream('chat-keykit vectors: received unknown version'), messageId: () => messageId(220) },
    ),
  );
  push('a message under an unannounced key version', deliverSent(unknown, at(220, '333')));
  const forged = { markConversationReadEvent: read };
  push(
    'read, signed with 333’s key but sent as 111',
    await action(users, 221, '111', forged, (h) => markConversationReadPayload(7, h, read), '333'),
  );
  return events;
}
