/**
 * The two inputs `decryptEvents` takes (docs/xchat-receiving.md §"Input"): an array of base64
 * MessageEvents, or the whole response of `GET /2/chat/conversations/{id}/events`, whose
 * `meta.conversation_key_events` and `data[].encoded_event` are read. Each event gets the index
 * its result or error is reported under: its array position, or `meta.conversation_key_events[i]`
 * / `data[i]`.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InvalidInputError } from '../../../errors.js';
import { typeName } from '../../../guards.js';
import { failure } from './report.js';
import type { EventError } from './types.js';

/** One input event: its text, or why it has none. */
export type InputItem = { index: string; b64: string } | { index: string; error: EventError };

/** Most events per call: a bound on work and memory, a thousand pages of the X API (100 events each). */
export const MAX_EVENTS = 100_000;

/** Longest accepted base64 text of one event (16 MiB): a key change for a 10,000-member group is about 2.6 MB. */
export const MAX_EVENT_LENGTH = 16 * 1024 * 1024;

function item(index: string, value: unknown, what: string): InputItem {
  if (typeof value !== 'string') {
    return { index, error: failure(ErrorCodes.INVALID_ARGUMENT, `${index}: ${what} must be a base64 string, got ${typeName(value)}`) };
  }
  if (value.length > MAX_EVENT_LENGTH) {
    return {
      index,
      error: failure(ErrorCodes.TOO_LARGE, `${index}: the event is ${value.length} characters, above the limit of ${MAX_EVENT_LENGTH}`),
    };
  }
  return { index, b64: value };
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an array, got ${typeName(value)}`, field);
  return value;
}

function bounded(n: number): void {
  if (n > MAX_EVENTS) throw new DecodeError(ErrorCodes.TOO_LARGE, `${n} events in one call, above the limit of ${MAX_EVENTS}`, 'events');
}

/**
 * Reads the events of one call, in order: for a response, the key-change events first (they
 * belong before the messages, although order does not matter to the receiver), then `data`.
 * Holes, non-strings, over-long texts and `data` items without `encoded_event` become errors of
 * their index; the call itself is refused only when the input has neither form.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` when `events` is neither an array nor a
 * response object, or `data` / `meta.conversation_key_events` is not an array
 * @throws {DecodeError} `ERR_TOO_LARGE` above {@link MAX_EVENTS} events
 */
export function readInput(events: unknown): InputItem[] {
  if (Array.isArray(events)) {
    bounded(events.length);
    const out: InputItem[] = [];
    for (let i = 0; i < events.length; i++) out.push(item(String(i), i in events ? events[i] : undefined, 'the event'));
    return out;
  }
  if (typeof events !== 'object' || events === null || events instanceof Uint8Array) {
    throw new InvalidInputError(
      ErrorCodes.INVALID_ARGUMENT,
      `expected an array of base64 events or an events response, got ${typeName(events)}`,
      'events',
    );
  }
  const r = events as Record<string, unknown>;
  const meta = r.meta;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, `expected an object, got ${typeName(meta)}`, 'events.meta');
  }
  const keyEvents = list(
    (meta as Record<string, unknown> | undefined | null)?.conversation_key_events,
    'events.meta.conversation_key_events',
  );
  const data = list(r.data, 'events.data');
  bounded(keyEvents.length + data.length);
  const out: InputItem[] = [];
  for (let i = 0; i < keyEvents.length; i++) {
    const index = `meta.conversation_key_events[${i}]`;
    out.push(item(index, i in keyEvents ? keyEvents[i] : undefined, 'a key event'));
  }
  for (let i = 0; i < data.length; i++) {
    const index = `data[${i}]`;
    const d = i in data ? data[i] : undefined;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) {
      out.push({ index, error: failure(ErrorCodes.INVALID_ARGUMENT, `${index}: expected an event object, got ${typeName(d)}`) });
    } else if ((d as Record<string, unknown>).encoded_event === undefined) {
      out.push({
        index,
        error: failure(ErrorCodes.INVALID_ARGUMENT, `${index}: no encoded_event (ask for it with chat_message_event.fields=encoded_event)`),
      });
    } else {
      out.push(item(index, (d as Record<string, unknown>).encoded_event, 'encoded_event'));
    }
  }
  return out;
}
