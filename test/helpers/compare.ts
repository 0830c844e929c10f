/**
 * Side-by-side results of the official SDK's decryptEvents and ours, per input index: the SDK's
 * events converted to our casing (snake_case keys to camelCase), its errors as messages, ours as
 * `{ code, message }`.
 */
import type { DecryptEventsResult, ReceivedEvent } from './kit.js';
import { camelize } from './events.js';

/** The SDK's batch result, as the WASM build returns it. */
export interface SdkBatch {
  messages: { event: Record<string, unknown> }[];
  conversationKeys: { keys: Record<string, Uint8Array>; latestVersion: string | null };
  errors: Record<string, string>;
}

/** One index: an event or an error, from each side. */
export interface Row {
  index: number;
  sdk: { event: Record<string, unknown> } | { error: string };
  ours: { event: ReceivedEvent } | { error: { code: string; message: string } };
}

/** Pairs both results index by index (the SDK's events carry no index: they come in input order, errors skipped). */
export function rows(count: number, sdk: SdkBatch, ours: DecryptEventsResult): Row[] {
  const out: Row[] = [];
  let s = 0;
  for (let i = 0; i < count; i++) {
    const key = String(i);
    const sdkSide =
      key in sdk.errors
        ? { error: sdk.errors[key] as string }
        : { event: camelize((sdk.messages[s++] as { event: Record<string, unknown> }).event) };
    const mine = ours.messages.find((m) => m.index === key);
    const oursSide = mine ? { event: mine.event } : { error: ours.errors[key] as { code: string; message: string } };
    out.push({ index: i, sdk: sdkSide, ours: oursSide });
  }
  return out;
}
