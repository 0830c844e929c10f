/**
 * received.json: the receive side of the message layer. A conversation's event stream as member
 * 222 receives it (received-stream.ts), with the recipient's identity key and the members' signing
 * keys as inputs, and what `decryptEvents` gives for it: the verified events in the SDK's shapes,
 * the conversation keys, the errors of the refused events with their codes, and the state.
 *
 * @module
 */
import { decryptEvents, type DecryptEventsResult, type SigningKeyEntry } from '../../index.js';
import { fromHex, header, NOW, toHex, toJsonValue, type Header, type Json } from '../common.js';
import type { Checker } from '../diff.js';
import { hex, json, list, num, object, str, type Read } from '../read.js';
import { userOf, type VectorUser } from '../users.js';
import type { FileBody, VectorFile } from '../vector-file.js';
import { readSigningKeys } from '../users.js';
import { groupStream, type StreamEvent } from './received-stream.js';

/**
 * What `decryptEvents` gives, as JSON: keys as hex, errors by their code only; maps keyed by
 * versions and indexes as lists (in the result's order), so that every key of the file is a name.
 */
export interface Outcome {
  messages: { index: string; event: Json }[];
  conversation_keys: KeySet & { byConversation: (KeySet & { conversationId: string; unverified: string[] })[] };
  errors: { index: string; code: string }[];
  state: Json;
}

/** Keys by version (hex), and the latest version. */
interface KeySet {
  keys: { version: string; key_hex: string }[];
  latestVersion: string | null;
}

/** One stream and what it gives. */
export interface ReceivedVector {
  id: string;
  events: StreamEvent[];
  expect: Json;
}

/** The file's own top-level fields: who receives, and the trusted signing keys. */
export interface ReceivedTop {
  now: number;
  recipient_user_id: string;
  recipient_identity_private_hex: string;
  signing_keys: SigningKeyEntry[];
}

export type ReceivedFile = Header & ReceivedTop & { vectors: ReceivedVector[] };

/** The members whose signing keys the recipient trusts (444 is not a member). */
export const MEMBERS = ['111', '222', '333'];

/** Secret bytes by version, as a list with the keys in hex. */
const hexKeys = (keys: Record<string, Uint8Array>): KeySet['keys'] =>
  Object.entries(keys).map(([version, key]) => ({ version, key_hex: toHex(Uint8Array.from(key)) }));

/** A result as JSON. */
export function outcomeOf(r: DecryptEventsResult): Outcome {
  const k = r.conversationKeys;
  return {
    messages: r.messages.map((m) => ({ index: m.index, event: toJsonValue(m.event) })),
    conversation_keys: {
      keys: hexKeys(k.keys),
      latestVersion: k.latestVersion,
      byConversation: Object.entries(k.byConversation).map(([conversationId, set]) => ({
        conversationId,
        keys: hexKeys(set.keys),
        latestVersion: set.latestVersion,
        unverified: set.unverified,
      })),
    },
    errors: Object.entries(r.errors).map(([index, e]) => ({ index, code: e.code })),
    state: toJsonValue(r.state),
  };
}

/** Runs `decryptEvents` as the file's recipient, on one thread, with the file's clock. */
export async function receive(
  top: ReceivedTop,
  events: string[],
  extra: { state?: { version: 1; latestVersions: Record<string, string> } } = {},
): Promise<Outcome> {
  const r = await decryptEvents(events, {
    recipient: { userId: top.recipient_user_id, identityPrivateKey: fromHex(top.recipient_identity_private_hex) },
    signingKeys: top.signing_keys,
    now: () => top.now,
    backend: 'noble',
    workers: false,
    ...extra,
  });
  return outcomeOf(r);
}

export async function topOf(users: VectorUser[]): Promise<ReceivedTop> {
  return {
    now: NOW,
    recipient_user_id: '222',
    recipient_identity_private_hex: toHex(userOf(users, '222').identity.identityPrivateKey),
    signing_keys: MEMBERS.map((id) => userOf(users, id).signingKeyEntry),
  };
}

export async function generate(users: VectorUser[]): Promise<ReceivedFile> {
  const top = await topOf(users);
  const events = await groupStream(users);
  const expect = toJsonValue(
    await receive(
      top,
      events.map((e) => e.event_b64),
    ),
  );
  return {
    ...header(
      'The receive side: a group’s event stream as member 222 receives it, one event of every kind, and what decryptEvents gives for it (events, conversation keys, error codes, state).',
    ),
    ...top,
    vectors: [{ id: 'group-stream', events, expect }],
  };
}

/** Runs `decryptEvents` on each stream and compares the whole outcome. */
export async function check(c: Checker, file: FileBody<ReceivedTop, ReceivedVector>): Promise<void> {
  for (const v of file.vectors) {
    await c.vector(v.id, async () => {
      const got = await receive(
        file,
        v.events.map((e) => e.event_b64),
      );
      c.eq(v.id, 'expect', got, v.expect);
    });
  }
}

export const readStreamEvent: Read<StreamEvent> = object((f) => ({ label: f('label', str), event_b64: f('event_b64', str) }));

export const readVector: Read<ReceivedVector> = object((f) => ({
  id: f('id', str),
  events: f('events', list(readStreamEvent)),
  expect: f('expect', json),
}));

export const readTop: Read<ReceivedTop> = object((f) => ({
  now: f('now', num),
  recipient_user_id: f('recipient_user_id', str),
  recipient_identity_private_hex: f('recipient_identity_private_hex', hex),
  signing_keys: f('signing_keys', readSigningKeys),
}));

export const receivedFile: VectorFile<ReceivedTop, ReceivedVector> = {
  name: 'received.json',
  recomputed: { top: [], vector: ['expect'] },
  readTop,
  readVector,
  generate,
  check,
};
