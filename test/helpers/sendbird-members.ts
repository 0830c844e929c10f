/**
 * Test fixtures for Sendbird end-to-end encryption: members with free-form Sendbird user ids
 * (identities, registrations, key records), a channel's key, and message resources shaped as the
 * Platform API returns them.
 */
import {
  buildKeyRegistration,
  createSendbirdGroupChannelRequest,
  generateIdentity,
  prepareSendbirdChannelKey,
  sendbirdKeyRecord,
  type CryptoOptions,
  type Identity,
  type KeyRecord,
  type PreparedSendbirdChannelKey,
  type PreparedSendbirdFileMessage,
  type PreparedSendbirdMessage,
  type SendbirdChannelResource,
  type SendbirdMessageKey,
} from './kit.js';

export interface SendbirdMember extends KeyRecord {
  id: string;
  identity: Identity;
  version: string;
}

/** Members with fresh identities, registered at `version`. */
export async function makeSendbirdMembers(ids: string[], version = '1700000000000', options?: CryptoOptions): Promise<SendbirdMember[]> {
  return Promise.all(
    ids.map(async (id) => {
      const identity = await generateIdentity(options);
      return { id, identity, version, ...sendbirdKeyRecord(id, await buildKeyRegistration(identity, { version, ...options })) };
    }),
  );
}

/** The sender object of a member. */
export function sendbirdSender(m: SendbirdMember) {
  return { userId: m.id, signingKeyVersion: m.version, signingPrivateKey: m.identity.signingPrivateKey };
}

/** A channel key prepared by `by` for `members` (all of `all` who are listed). */
export function prepareKey(
  channelUrl: string,
  all: SendbirdMember[],
  memberIds: string[],
  by: SendbirdMember,
): Promise<PreparedSendbirdChannelKey> {
  return prepareSendbirdChannelKey({ channelUrl, publicKeys: all.map((m) => m.publicKeyInput), memberIds, sender: sendbirdSender(by) });
}

/** The channel resource Sendbird returns for a channel whose data holds `prepared`'s envelope. */
export function channelOf(prepared: PreparedSendbirdChannelKey, members: string[], appData?: string): SendbirdChannelResource {
  const req = createSendbirdGroupChannelRequest(
    { user_ids: members, channel_url: prepared.channelUrl, ...(appData === undefined ? {} : { data: appData }) },
    { applicationId: 'app-1', apiToken: 'token', e2ee: prepared },
  );
  return { channel_url: prepared.channelUrl, data: JSON.parse(req.body as string).data, members: members.map((user_id) => ({ user_id })) };
}

/** The key a member sends with. */
export function keyOf(prepared: PreparedSendbirdChannelKey, by: SendbirdMember): SendbirdMessageKey {
  return { conversationKey: prepared.conversationKey, conversationKeyVersion: prepared.conversationKeyVersion, sender: sendbirdSender(by) };
}

let nextId = 500_000;

/** The Platform API's resource of a sent text message. */
export function textResource(
  p: PreparedSendbirdMessage,
  o: { channelUrl: string; sender: string; createdAt: number; messageId?: number; updatedAt?: number },
) {
  return {
    type: 'MESG',
    message_id: o.messageId ?? ++nextId,
    channel_url: o.channelUrl,
    channel_type: 'group',
    custom_type: p.customType ?? '',
    data: p.data,
    created_at: o.createdAt,
    updated_at: o.updatedAt ?? 0,
    message: p.message,
    user: { user_id: o.sender, nickname: '' },
  };
}

/** The Platform API's resource of a sent file message. */
export function fileResource(
  p: PreparedSendbirdFileMessage,
  o: { channelUrl: string; sender: string; createdAt: number; url?: string; messageId?: number },
) {
  return {
    type: 'FILE',
    message_id: o.messageId ?? ++nextId,
    channel_url: o.channelUrl,
    channel_type: 'group',
    custom_type: p.customType ?? '',
    data: p.data,
    created_at: o.createdAt,
    updated_at: 0,
    user: { user_id: o.sender, nickname: '' },
    file: { url: o.url ?? 'https://example.invalid/f/encrypted.bin', name: p.fileName, type: p.mimeType, size: p.fileSize, data: p.data },
  };
}
