/**
 * The conversation keys of one `decryptEvents` call (docs/xchat-receiving.md §"Which keys are
 * used"), scoped per conversation: a key change of one conversation never decrypts another's
 * messages, whatever the version string.
 *
 * Each (conversation, version) collects candidate keys with a trust level: `trusted` (the
 * caller's), `verified` (a key change whose signature verified) or `unverified` (a key change the
 * caller's signing keys could not check, kept to read messages that carry their own valid
 * signatures). A version resolves to one key when the trusted and verified candidates agree, or,
 * without any of those, when the unverified ones agree; otherwise it is in conflict and no message
 * of that version is decrypted. Only verified, unconflicted versions count towards `latestVersion`.
 *
 * @module
 */
import { constantTimeEqual, type SecretBytes } from '../../../core/secret.js';
import { compareVersions } from '../../../rules.js';
import { setOwn } from './report.js';
import type { ConversationKeySet, ConversationKeysResult } from './types.js';

/** How far a candidate key is trusted. */
export type Trust = 'trusted' | 'verified' | 'unverified';

interface Slot {
  /** Distinct keys of trusted or verified origin, and whether any of them came from a verified key change. */
  strong: SecretBytes[];
  verified: boolean;
  /** Distinct keys of unverified origin. */
  weak: SecretBytes[];
}

/** What a (conversation, version) resolves to. */
export type Resolved = { key: SecretBytes; unverified: boolean } | { missing: true } | { conflict: true };

function addDistinct(list: SecretBytes[], key: SecretBytes): void {
  if (!list.some((k) => constantTimeEqual(k, key))) list.push(key);
}

/** The keys of a batch, per conversation and version. */
export class KeyStore {
  private readonly slots = new Map<string, Map<string, Slot>>();

  private slot(conversationId: string, version: string): Slot {
    let byVersion = this.slots.get(conversationId);
    if (!byVersion) this.slots.set(conversationId, (byVersion = new Map()));
    let s = byVersion.get(version);
    if (!s) byVersion.set(version, (s = { strong: [], verified: false, weak: [] }));
    return s;
  }

  /** Adds a candidate key. */
  add(conversationId: string, version: string, key: SecretBytes, trust: Trust): void {
    const s = this.slot(conversationId, version);
    if (trust === 'unverified') addDistinct(s.weak, key);
    else addDistinct(s.strong, key);
    if (trust === 'verified') s.verified = true;
  }

  /** Marks a conversation as seen in the batch (it then appears in the result, with or without keys). */
  touch(conversationId: string): void {
    if (!this.slots.has(conversationId)) this.slots.set(conversationId, new Map());
  }

  /** The conversations seen, in no particular order. */
  conversations(): string[] {
    return [...this.slots.keys()];
  }

  /** The one key of a conversation at a version, or why there is none. */
  resolve(conversationId: string, version: string): Resolved {
    const s = this.slots.get(conversationId)?.get(version);
    if (!s || s.strong.length + s.weak.length === 0) return { missing: true };
    if (s.strong.length > 0) return s.strong.length === 1 ? { key: s.strong[0] as SecretBytes, unverified: false } : { conflict: true };
    return s.weak.length === 1 ? { key: s.weak[0] as SecretBytes, unverified: true } : { conflict: true };
  }

  /** The highest version of a conversation carried by a verified key change without conflict, or null. */
  latestVerified(conversationId: string): string | null {
    let best: string | null = null;
    for (const [version, s] of this.slots.get(conversationId) ?? []) {
      if (s.verified && s.strong.length === 1 && (best === null || compareVersions(version, best) > 0)) best = version;
    }
    return best;
  }

  /**
   * The result's keys: per conversation, every version that resolves to one key, the latest
   * version (the higher of the verified one and the floor) and the unverified versions; then the
   * SDK's flat view over all conversations.
   */
  result(floors: ReadonlyMap<string, string>): ConversationKeysResult {
    const byConversation: Record<string, ConversationKeySet> = {};
    const flat = new Map<string, SecretBytes | null>();
    let latestVersion: string | null = null;
    for (const conversationId of [...this.slots.keys()].sort()) {
      const keys: Record<string, SecretBytes> = {};
      const unverified: string[] = [];
      const versions = [...(this.slots.get(conversationId) as Map<string, Slot>).keys()].sort(compareVersions);
      for (const version of versions) {
        const r = this.resolve(conversationId, version);
        if (!('key' in r)) continue;
        setOwn(keys, version, r.key);
        if (r.unverified) unverified.push(version);
        const prev = flat.get(version);
        flat.set(version, prev === undefined || (prev !== null && constantTimeEqual(prev, r.key)) ? r.key : null);
      }
      const latest = floors.get(conversationId) ?? null;
      setOwn(byConversation, conversationId, { keys, latestVersion: latest, unverified });
      if (latest !== null && (latestVersion === null || compareVersions(latest, latestVersion) > 0)) latestVersion = latest;
    }
    const keys: Record<string, SecretBytes> = {};
    for (const [version, key] of [...flat].sort((a, b) => compareVersions(a[0], b[0]))) if (key) setOwn(keys, version, key);
    return { keys, latestVersion, byConversation };
  }
}
