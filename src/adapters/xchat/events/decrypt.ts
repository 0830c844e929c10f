/**
 * `decryptEvents`: the receiving half of X Chat's message layer (docs/xchat-receiving.md), in four
 * passes over a batch — decode every event once; open the key changes addressed to the recipient
 * and verify them; check every other signature (many at once where the backend verifies on other
 * threads); then, in input order, drop replays, decrypt the verified messages with the key of
 * their own conversation and version, and map everything to the SDK's event shapes. Fail-closed:
 * an event that is not verified, or cannot be decrypted or read, is an error of its index, never a
 * returned event.
 *
 * @module
 */
import { ErrorCodes } from '../../../errors.js';
import { wipe } from '../../../core/secret.js';
import { readEnvelope, kindOf, type Envelope, type Kind } from './envelope.js';
import { readInput } from './input.js';
import { takeKeyChange, Unwrapper } from './keychanges.js';
import { KeyStore } from './keystore.js';
import { openMessage } from './message.js';
import { noticeOf } from './notices.js';
import { addCallerKeys, checkOptions } from './options.js';
import { eventError, failure, setOwn } from './report.js';
import { isSigned, signedAction } from './signed.js';
import { raiseFloor, writeState } from './state.js';
import type { ReceivedEvent } from './shapes.js';
import type { DecryptedEvent, DecryptEventsOptions, DecryptEventsResult, EventError, EventsResponse } from './types.js';
import { Checker, modeFor, type Check } from './verify.js';

/** Key changes opened at once. */
const KEY_CHANGES_AT_ONCE = 8;

type Notice = Exclude<Kind, 'message' | 'keyChange'>;

interface Slot {
  env: Envelope;
  kind: Kind;
  /** The signature check of a signed event other than a key change. */
  check?: Check;
  /** Whether that signature verified. */
  verified?: boolean;
  /** Set once the event is known to be authentic (verified, or an unsigned notice). */
  event?: ReceivedEvent;
  error?: EventError;
}

/**
 * Decrypts a batch of X Chat events as their recipient, fail-closed.
 *
 * Every returned event is authentic: signed events are returned only when their signature
 * verifies with the caller's `signingKeys` (never a key carried in an event), messages only when
 * they decrypt with the key of their own conversation and key version. Everything else is in
 * `errors`, keyed by input index, with a stable code. Key changes are opened only through the
 * recipient's own entry; `latestVersion` and the returned `state` come only from verified key
 * changes and never go below the `state` passed in.
 * @param events - base64 MessageEvents, or the response of `GET /2/chat/conversations/{id}/events`
 * @param options - the recipient, the trusted signing keys, and optionally the keys already held,
 * the previous state, the clock and the threads
 * @returns the SDK's `DecryptEventsResult` shape (camelCase throughout), with `state`
 * @throws {InvalidInputError} only for unusable options or input as a whole: `ERR_INVALID_ARGUMENT`
 * (neither an array nor a response, a malformed option), `ERR_INVALID_USER_ID`, `ERR_INVALID_KEY`,
 * `ERR_INVALID_VERSION`, `ERR_INVALID_STATE`, `ERR_VERSION_IN_FUTURE` (a state ahead of the
 * clock), `ERR_UNSUPPORTED_BACKEND`
 * @throws {DecodeError} `ERR_TOO_LARGE` for more than 100,000 events
 * @example
 * const page = await fetch(`https://api.x.com/2/chat/conversations/${id}/events`, …).then((r) => r.json());
 * const { messages, errors, state } = await decryptEvents(page, { recipient: { userId, identityPrivateKey }, signingKeys, state: saved });
 * for (const { event } of messages) if (event.type === 'message' && event.content.contentType === 'text') show(event.content.text);
 */
export async function decryptEvents(
  events: readonly string[] | EventsResponse,
  options: DecryptEventsOptions,
): Promise<DecryptEventsResult> {
  const items = readInput(events);
  const o = await checkOptions(options);
  const unwrapper = new Unwrapper(o.recipient, o.backend);
  try {
    const store = new KeyStore();
    addCallerKeys(store, (options as { conversationKeys?: unknown }).conversationKeys);
    const slots: (Slot | EventError)[] = items.map((item) => {
      if ('error' in item) return item.error;
      try {
        const env = readEnvelope(item.index, item.b64);
        return { env, kind: kindOf(env.detail) };
      } catch (e) {
        return eventError(e);
      }
    });
    const signedCount = slots.filter((s) => !('code' in s) && isSigned(s.kind)).length;
    const checker = new Checker(o.backend, o.signingKeys, await modeFor(o.backend, signedCount, o.threads));
    const ctx = { unwrapper, checker, store, now: o.now, skew: o.skew };

    // Key changes first: the messages of the whole batch may need their keys.
    const keyChanges = slots.filter((s): s is Slot => !('code' in s) && s.kind === 'keyChange');
    for (let i = 0; i < keyChanges.length; i += KEY_CHANGES_AT_ONCE) {
      await Promise.all(
        keyChanges.slice(i, i + KEY_CHANGES_AT_ONCE).map(async (s) => {
          const r = await takeKeyChange(s.env, ctx);
          if ('event' in r) s.event = r.event;
          else s.error = r.error;
        }),
      );
    }

    // Every other event: its signature checked (many at once), and as soon as it verifies, decrypted and mapped.
    const signed: Slot[] = [];
    for (const s of slots) {
      if ('code' in s || s.kind === 'keyChange') continue;
      try {
        if (isSigned(s.kind)) {
          s.check = { ...signedAction(s.env, s.kind), label: s.kind };
          signed.push(s);
        } else {
          s.event = noticeOf(s.env, s.kind as Notice);
        }
      } catch (e) {
        s.error = eventError(e);
      }
    }
    const problems = checker.checkAll(signed.map((s) => s.check as Check));
    for (let i = 0; i < signed.length; i++) {
      const s = signed[i] as Slot;
      try {
        const problem = await problems[i];
        if (problem) {
          s.error = eventError(problem.withField(s.env.index));
          continue;
        }
        s.verified = true;
        s.event = s.kind === 'message' ? await openMessage(s.env, ctx) : noticeOf(s.env, s.kind as Notice);
      } catch (e) {
        s.error = eventError(e);
      }
    }

    // In input order: the first authentic copy of an event wins, later ones are replays.
    const messages: DecryptedEvent[] = [];
    const errors: Record<string, EventError> = {};
    const seen = new Set<string>();
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i] as Slot | EventError;
      const index = (items[i] as { index: string }).index;
      if ('code' in s) {
        setOwn(errors, index, s);
        continue;
      }
      if (s.verified || (s.kind === 'keyChange' && s.event)) {
        const id = `${s.env.conversationId}\u0000${s.env.messageId}`;
        if (seen.has(id)) {
          const what = `the event ${s.env.messageId} of conversation ${s.env.conversationId}`;
          s.error = failure(ErrorCodes.DUPLICATE_EVENT, `${index}: ${what} appeared before in this batch (a replay)`);
        }
        seen.add(id);
        store.touch(s.env.conversationId as string);
      }
      if (s.error || !s.event) setOwn(errors, index, s.error ?? failure(ErrorCodes.INTERNAL, `${index}: not handled`));
      else messages.push({ event: s.event, originalB64: s.env.b64, index });
    }

    for (const conversationId of store.conversations()) {
      const latest = store.latestVerified(conversationId);
      if (latest !== null) raiseFloor(o.floors, conversationId, latest);
    }
    return { messages, conversationKeys: store.result(o.floors), errors, state: writeState(o.floors) };
  } finally {
    wipe(o.recipient.identityPrivateKey);
    await unwrapper.wipe();
  }
}
