/**
 * Opening Sendbird messages (docs/sendbird.md §"Reading messages"): one message, or a page of
 * history, in any of the shapes Sendbird hands them out (`message-resource.ts`). Each message is
 * checked, fail-closed, in the order of that section's table: its document, its bindings to the
 * resource (channel, sender, kind, edit target), the sender's signature, replays within the batch,
 * its key version against the key history, then the key and the contents.
 *
 * Keys come from the caller (`conversationKeys`, version → key), or are opened from the
 * channel's envelopes (the current one in `channel`, earlier ones in the key history) with the
 * reader's identity key, once per version per call.
 *
 * @module
 */
import { KeykitError } from '../../errors.js';
import { assertArray, assertObject } from '../../guards.js';
import type { SendbirdChannelResource } from './channel-key.js';
import type { SendbirdMessageDocument } from './message-data.js';
import { readMessage, type MessageView } from './message-resource.js';
import { Opener } from './message-opener.js';
import type { OpenedSendbirdMessage, OpenedSendbirdMessages, OpenSendbirdMessageOptions, SendbirdMessageResult } from './message-types.js';

/** How many messages of a batch are checked up to their signature at the same time. */
const CHECK_WINDOW = 16;

/** What stands in a batch's list of checks for a message already finished. */
const DONE: Promise<undefined> = Promise.resolve(undefined);

/**
 * Opens one Sendbird message: checks it fail-closed and returns its plaintext, sender, ids, key
 * version and Sendbird's times. `message` is the message as Sendbird hands it out: the Platform
 * API's resource (snake_case), the Chat SDK's `UserMessage`/`FileMessage`, or a webhook body
 * (`group_channel:message_send` or `…:message_update`, whose `channel` is then used as
 * `options.channel` when none is given). A file message's file is opened with `openSendbirdFile`.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for malformed options or a value that is no
 * Sendbird user or file message
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` (not an end-to-end encrypted message, malformed
 * data or contents, a file's data in a text message or the reverse), `ERR_TOO_LARGE`,
 * `ERR_INVALID_BASE64`, `ERR_INVALID_THRIFT`
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_ENVELOPE_VERSION`
 * @throws {VerificationError} `ERR_SIGNATURE_INVALID` (changed, moved to another channel,
 * attributed to another user, an edit of another message), `ERR_SIGNING_KEY_NOT_FOUND`,
 * `ERR_KEY_BINDING_INVALID`, `ERR_STALE_KEY_VERSION` (an older key after a rotation),
 * `ERR_NOT_A_MEMBER` (the sender did not hold that key; the reader has no copy of it),
 * `ERR_NO_CONVERSATION_KEY`, `ERR_DECRYPT_FAILED`
 * @example
 * const opened = await openSendbirdMessage(message, { signingKeys, conversationKeys: { [version]: key } });
 * console.log(opened.senderId, opened.text);
 */
export async function openSendbirdMessage(message: unknown, options: OpenSendbirdMessageOptions): Promise<OpenedSendbirdMessage> {
  const view = readMessage(message, 'message');
  const o = assertObject(options, 'options');
  const withChannel =
    o.channel === undefined && view.channel !== undefined && typeof view.channel.data === 'string' && view.channel.data !== ''
      ? { ...options, channel: webhookChannel(message, view) }
      : options;
  const opener = await Opener.create(withChannel);
  try {
    return await opener.openView(view);
  } finally {
    opener.dispose();
  }
}

/** The channel resource a webhook body carries: its URL, data and, when included, members. */
function webhookChannel(body: unknown, view: MessageView): SendbirdChannelResource {
  const members = (body as { members?: unknown }).members;
  return {
    ...(view.channel as Record<string, unknown>),
    channel_url: view.channelUrl,
    ...(Array.isArray(members) ? { members: members as SendbirdChannelResource['members'] } : {}),
  } as SendbirdChannelResource;
}

/**
 * Opens a page of a channel's history: the `messages` of `GET /v3/group_channels/{channel_url}/messages`
 * (the response itself, or its list), or Chat SDK messages. Every message is checked as
 * {@link openSendbirdMessage} checks one; a message that fails does not stop the others: its
 * result carries the error. Keys are opened once per version, and a message id seen on two
 * Sendbird messages is refused the second time (`ERR_DUPLICATE_EVENT`).
 * @returns one result per message, and the key history with the channel's envelope recorded
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` for malformed options or a value that is not a
 * list of messages; the errors of `recordSendbirdChannelKey` for the `channel` option
 * @example
 * const page = await (await fetch(listRequestUrl, { headers })).json();
 * const { results, state: next } = await openSendbirdMessages(page, { signingKeys, channel, state, userId, identityPrivateKey });
 * for (const r of results) console.log(r.ok ? r.message.text : r.error.code);
 */
export async function openSendbirdMessages(
  messages: readonly unknown[] | { messages: readonly unknown[] },
  options: OpenSendbirdMessageOptions,
): Promise<OpenedSendbirdMessages> {
  const list = Array.isArray(messages)
    ? assertArray(messages, 'messages')
    : assertArray(assertObject(messages, 'messages').messages, 'messages.messages');
  const base = Array.isArray(messages) ? 'messages' : 'messages.messages';
  const opener = await Opener.create(options);
  try {
    // Each message's own checks (up to its signature) run CHECK_WINDOW at a time, so that a
    // backend that verifies off the main thread verifies several at once; the rest runs in order.
    const views: (MessageView | KeykitError)[] = list.map((m, i) => {
      try {
        return readMessage(m, `${base}[${i}]`);
      } catch (e) {
        if (!(e instanceof KeykitError)) throw e;
        return e;
      }
    });
    const first = views.find((v): v is MessageView => !(v instanceof KeykitError));
    if (first) opener.adoptChannel(first);
    opener.concurrently();
    const checked: Promise<SendbirdMessageDocument | KeykitError | undefined>[] = [];
    const checkOne = (i: number): Promise<SendbirdMessageDocument | KeykitError> => {
      const v = views[i] as MessageView | KeykitError;
      return v instanceof KeykitError
        ? Promise.resolve(v)
        : opener.check(v).catch((e: unknown) => (e instanceof KeykitError ? e : Promise.reject(e)));
    };
    const results: SendbirdMessageResult[] = [];
    for (let i = 0; i < list.length; i++) {
      for (let j = checked.length; j < Math.min(list.length, i + CHECK_WINDOW); j++) {
        const p = checkOne(j);
        p.catch(() => undefined); // awaited in its turn; a bug's rejection is not left unhandled meanwhile
        checked.push(p);
      }
      const v = views[i] as MessageView | KeykitError;
      const doc = (await checked[i]) as SendbirdMessageDocument | KeykitError;
      checked[i] = DONE; // let the document go, keeping the array packed
      const fail = (e: KeykitError) =>
        results.push({ ok: false, index: i, ...(v instanceof KeykitError ? {} : { sendbirdMessageId: v.messageId }), error: e });
      if (doc instanceof KeykitError) {
        fail(doc);
        continue;
      }
      try {
        results.push({ ok: true, index: i, message: await opener.finish(v as MessageView, doc) });
      } catch (e) {
        if (!(e instanceof KeykitError)) throw e;
        fail(e);
      }
    }
    return { results, ...(opener.history === undefined ? {} : { state: opener.history }) };
  } finally {
    opener.dispose();
  }
}
