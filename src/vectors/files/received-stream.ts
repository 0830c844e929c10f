/**
 * The event stream of received.json: what member 222 of the group of request-group-create receives,
 * one event of every kind `decryptEvents` handles, in sequence order. The key change and the group
 * create of request-group-create; the delivered events of messages.json (messages of each content
 * kind, deletes); the member add of request-member-add; every group change with a signed payload
 * and every settings change, read markers and a conversation delete, signed by their senders; the
 * unsigned backend notices (typing, failures, a member's account deletion, an event of an unknown
 * kind, an event without detail); messages with entries no send call makes (a forwarded text, read
 * markers, an entry of another kind); and four events a receiver must refuse: a replayed message,
 * a message under a key version nobody announced, a read marker signed with another member's key,
 * and a group admin-settings change (no signed payload is defined for it, so no signature can be
 * checked).
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
  messageCreatePayload,
  metadataChangePayload,
  XChatStructs,
  type ActionHead,
  type Infer,
} from '../../wire.js';
import { sealEntry } from '../../adapters/xchat/messages/entry.js';
import { signPayload } from '../../core/signing.js';
import type { MessageEntryHolderValue } from '../../wire/xchat/contents.js';
import { GROUP, KEY_VERSION, NOW, stream } from '../common.js';
import { userOf, type VectorUser } from '../users.js';
import { CKV, conversationKeyOf, deliverDetail, deliverSent, type Delivery } from './conversation.js';
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

type GroupChangeValue = NonNullable<NonNullable<Detail['groupChangeEvent']>['groupChange']>;
type SettingsValue = NonNullable<NonNullable<Detail['conversationMetadataChangeEvent']>['conversationMetadataChange']>;

/** The group changes, signed by admin 111 (sequence numbers from 202). */
const GROUP_CHANGES: [string, GroupChangeValue][] = [
  ['title changed', { groupTitleChange: { customTitle: 'Team 2', conversationKeyVersion: CKV } }],
  ['avatar changed', { groupAvatarUrlChange: { customAvatarUrl: 'https://pbs.twimg.com/g.jpg', conversationKeyVersion: CKV } }],
  ['admins added', { groupAdminAddChange: { adminIds: ['333'] } }],
  ['admins removed', { groupAdminRemoveChange: { adminIds: ['222'] } }],
  ['members removed', { groupMemberRemoveChange: { memberIds: ['444'] } }],
  ['invite enabled', { groupInviteEnable: { inviteUrl: 'https://x.com/i/chat/join/abc', expiresAtMsec: BigInt(NOW + 86400000) } }],
  ['invite disabled', { groupInviteDisable: { disabledByMemberId: '111' } }],
  ['join requested', { groupJoinRequest: { requestingUserId: '444' } }],
  ['join rejected', { groupJoinReject: { rejectedUserIds: ['444'] } }],
];

/** The settings changes, signed by 111 (sequence numbers from 211). */
const SETTINGS: [string, SettingsValue][] = [
  ['message duration set', { messageDurationChange: { ttlMsec: 3600000n, applyToAllMessages: true } }],
  ['message duration removed', { messageDurationRemove: { currentTtlMsec: 3600000n } }],
  ['muted', { muteConversation: { mutedConversationIds: [GROUP] } }],
  ['unmuted', { unmuteConversation: { unmutedConversationIds: [GROUP] } }],
  ['screen-capture detection enabled', { enableScreenCaptureDetection: {} }],
  ['screen-capture detection disabled', { disableScreenCaptureDetection: {} }],
  ['screen-capture blocking enabled', { enableScreenCaptureBlocking: {} }],
  ['screen-capture blocking disabled', { disableScreenCaptureBlocking: {} }],
];

/** Entries no send call makes, sealed and signed by 333 (sequence numbers from 231). */
const ENTRIES: [string, MessageEntryHolderValue][] = [
  [
    'forwarded text, sent from the share sheet, with a call to action',
    {
      contents: {
        message: {
          messageText: 'look at this',
          forwardedMessage: { messageText: 'the original' },
          sentFrom: 3,
          ctas: [{ label: 'Open', url: 'https://example.com' }],
        },
      },
    },
  ],
  ['read marker inside a message', { contents: { markConversationRead: { seenUntilSequenceId: String(SEQUENCE + 101n) } } }],
  ['unread marker inside a message', { contents: { markConversationUnread: { seenUntilSequenceId: String(SEQUENCE + 101n) } } }],
  ['an entry of another kind (a conversation pin)', { contents: { pinConversation: { conversationId: GROUP } } }],
];

/** The stream, in order. */
export async function groupStream(users: VectorUser[]): Promise<StreamEvent[]> {
  const { create, add } = await preparedChanges(users);
  const sent = await generateMessages(users);
  const key = await conversationKeyOf(users);
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
  for (const [i, [label, change]] of GROUP_CHANGES.entries()) {
    const detail = { groupChangeEvent: { groupChange: change } };
    push(label, await action(users, 202 + i, '111', detail, (h) => groupChangePayload(7, h, change)));
  }
  for (const [i, [label, change]] of SETTINGS.entries()) {
    const detail = { conversationMetadataChangeEvent: { conversationMetadataChange: change } };
    push(label, await action(users, 211 + i, '111', detail, (h) => metadataChangePayload(7, h, change)));
  }
  const read = { seenUntilSequenceId: String(SEQUENCE + 109n), seenAtMillis: BigInt(NOW) };
  push('read', await action(users, 219, '333', { markConversationReadEvent: read }, (h) => markConversationReadPayload(7, h, read)));
  const unread = { seenUntilSequenceId: String(SEQUENCE + 101n) };
  const unreadEvent = { markConversationUnreadEvent: unread };
  push('marked unread', await action(users, 220, '333', unreadEvent, (h) => markConversationUnreadPayload(7, h, unread)));
  const del = { conversationId: GROUP, clearConversationOptions: { clearAllMessages: true } };
  push(
    'conversation deleted',
    await action(users, 221, '222', { conversationDeleteEvent: del }, (h) => conversationDeletePayload(7, h, del)),
  );

  push('typing (unsigned)', await action(users, 222, '333', { messageTypingEvent: { conversationId: GROUP } }, null));
  push('failure (unsigned)', await action(users, 223, '222', { messageFailureEvent: { failureType: 6 } }, null));
  const limited = { messageFailureEvent: { failureType: 12, rateLimitTier: 3 } };
  push('failure with a rate-limit tier (unsigned)', await action(users, 224, '222', limited, null));
  push('member account deleted (unsigned)', await action(users, 225, '333', { memberAccountDeleteEvent: { memberId: '333' } }, null));
  const grok = { grokSearchResponseEvent: { searchResponseId: 'r1' } };
  push('unknown kind: a Grok search response (unsigned)', await action(users, 226, '111', grok, null));
  push('no detail at all (unsigned)', await action(users, 227, '111', undefined, null));

  for (const [i, [label, holder]] of ENTRIES.entries()) {
    const contents = sealEntry(key, holder, stream(`chat-keykit vectors: received entry ${i}`));
    const detail = { messageCreateEvent: { contents, conversationKeyVersion: CKV, shouldNotify: true } };
    push(
      label,
      await action(users, 231 + i, '333', detail, (h) => messageCreatePayload(7, { ...h, conversationKeyVersion: CKV, contents })),
    );
  }

  // Four events to refuse.
  const plain = sent.vectors[0];
  if (!plain) throw new Error('generator: no message-plain');
  push('message-plain again (a replay)', plain.delivered_b64);
  const unknown = await encryptMessage(
    {
      conversationId: GROUP,
      text: 'under a version nobody announced',
      conversationKey: stream('chat-keykit vectors: an unannounced key')(32),
      conversationKeyVersion: String(NOW + 1),
      sender: { userId: '333', signingKeyVersion: KEY_VERSION, signingPrivateKey: userOf(users, '333').identity.signingPrivateKey },
    },
    withTestingHooks(
      { backend: 'noble' as const },
      { random: stream('chat-keykit vectors: received unknown version'), messageId: () => messageId(301) },
    ),
  );
  push('a message under an unannounced key version', deliverSent(unknown, at(301, '333')));
  push(
    'read, signed with 333’s key but sent as 111',
    await action(users, 302, '111', { markConversationReadEvent: read }, (h) => markConversationReadPayload(7, h, read), '333'),
  );
  // No payload is defined for this variant, so no signature can be checked: whatever it is signed
  // over (here the text a payload of its name would start with), it is refused.
  const settings = { groupAdminSettingsChange: { editGroupInfo: true, addMember: false } };
  push(
    'admin settings changed (no signed payload exists for it)',
    await action(
      users,
      303,
      '111',
      { groupChangeEvent: { groupChange: settings } },
      (h) => `GroupChangeEvent.GroupAdminSettingsChange,${h.messageId},${h.senderId},${h.conversationId}`,
    ),
  );
  return events;
}
