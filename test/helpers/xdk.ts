/**
 * Loads the official SDK (`@xdevplatform/chat-xdk`, Rust compiled to WASM) in Node from its
 * `pkg/` build, the reference peer of the interop tests. Test-only: never imported by src/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface XdkChat {
  generateKeypairs(): { publicKey: Record<string, string>; version?: string; generateVersion: boolean };
  importKeys(keys: Uint8Array, version?: string | null): void;
  exportKeys(): Uint8Array;
  setIdentity(userId: string, signingKeyVersion: string): void;
  setRejectUnverified(reject: boolean): void;
  getPublicKeys(): { identity: string; signing: string; version: string };
  getPublicKeyFingerprint(): string;
  decryptConversationKey(encryptedKeyB64: string): Uint8Array;
  extractConversationKeys(events: string[]): { keys: Record<string, Uint8Array>; latestVersion: string | null };
  decryptEvents(
    events: string[],
    signingKeys?: unknown[],
  ): {
    messages: { event: Record<string, unknown> }[];
    conversationKeys: { keys: Record<string, Uint8Array>; latestVersion: string | null };
    errors: Record<string, string>;
  };
  decryptEvent(eventB64: string, conversationKeys?: Record<string, Uint8Array> | null, signingKeys?: unknown[]): Record<string, unknown>;
  sign(data: Uint8Array): Uint8Array;
  verify(publicKeyB64: string, signature: Uint8Array, data: Uint8Array): boolean;
  verifyKeyBinding(identityPublicKeyB64: string, signingPublicKeyB64: string, identityPublicKeySignatureB64: string): boolean;
  encryptMessage(params: Record<string, unknown>): SdkSent;
  encryptReply(params: Record<string, unknown>): SdkSent;
  encryptEdit(params: Record<string, unknown>): SdkSent;
  encryptAddReaction(params: Record<string, unknown>): SdkSent;
  encryptRemoveReaction(params: Record<string, unknown>): SdkSent;
  prepareMessageDelete(params: Record<string, unknown>): SdkPrepared['actionSignatures'][number];
  prepareConversationKeyChange(params: Record<string, unknown>): SdkPrepared;
  prepareGroupCreate(params: Record<string, unknown>): SdkPrepared;
  prepareGroupMembersChange(params: Record<string, unknown>): SdkPrepared;
  free(): void;
}

/** The SDK's `SendPayload`. */
export interface SdkSent {
  messageId: string;
  encryptedContent: string;
  signature: string;
  encodedEventSignature: string;
  signatureInfo: { publicKeyVersion: string; signatureVersion: string };
  conversationKeyVersion: string;
  shouldNotify: boolean;
}

export interface SdkPrepared {
  conversationId: string;
  conversationKey: Uint8Array;
  conversationKeyVersion: string;
  participantKeys: { userId: string; encryptedKey: string; publicKeyVersion: string }[];
  actionSignatures: {
    messageId: string;
    encodedMessageEventDetail: string;
    signature: string;
    signatureVersion: string;
    publicKeyVersion: string;
    signaturePayload?: string;
  }[];
}

interface XdkModule {
  default: (init: { module_or_path: Uint8Array }) => Promise<unknown>;
  Chat: new () => XdkChat;
}

let loaded: Promise<XdkModule> | undefined;

/** The SDK's WASM module, initialised once per test file. */
export function loadXdk(): Promise<XdkModule> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('@xdevplatform/chat-xdk'));
    const mod = (await import(join(root, 'pkg', 'chat_xdk_wasm.js'))) as XdkModule;
    await mod.default({ module_or_path: readFileSync(join(root, 'pkg', 'chat_xdk_wasm_bg.wasm')) });
    return mod;
  })();
  return loaded;
}

/** A fresh SDK instance holding the given 64-byte private blob (copied: the SDK zeroes its input). */
export async function xdkWithKeys(blob: Uint8Array, version?: string): Promise<XdkChat> {
  const { Chat } = await loadXdk();
  const chat = new Chat();
  chat.importKeys(Uint8Array.from(blob), version ?? null);
  return chat;
}

/** A fresh SDK instance with newly generated keys. */
export async function xdkGenerated(): Promise<{ chat: XdkChat; registration: ReturnType<XdkChat['generateKeypairs']> }> {
  const { Chat } = await loadXdk();
  const chat = new Chat();
  const registration = chat.generateKeypairs();
  return { chat, registration };
}

/** An SDK-made member: its instance, and its key records as the X API would serve them. */
export interface SdkMember {
  id: string;
  version: string;
  chat: XdkChat;
  publicKeyInput: { userId: string; publicKey: string; keyVersion: string };
  signingKeyEntry: {
    userId: string;
    publicKeyVersion: string;
    publicKey: string;
    identityPublicKey: string;
    identityPublicKeySignature: string;
  };
}

/** Members whose keys the official SDK generated; each SDK instance has its session identity set. */
export async function sdkMembers(ids: string[], version = '1700000000001'): Promise<SdkMember[]> {
  const out: SdkMember[] = [];
  for (const id of ids) {
    const { chat, registration } = await xdkGenerated();
    chat.setIdentity(id, version);
    const pk = registration.publicKey as { publicKey: string; signingPublicKey: string; identityPublicKeySignature: string };
    out.push({
      id,
      version,
      chat,
      publicKeyInput: { userId: id, publicKey: pk.publicKey, keyVersion: version },
      signingKeyEntry: {
        userId: id,
        publicKeyVersion: version,
        publicKey: pk.signingPublicKey,
        identityPublicKey: pk.publicKey,
        identityPublicKeySignature: pk.identityPublicKeySignature,
      },
    });
  }
  return out;
}

/** Wraps action signatures into the MessageEvent envelopes the backend delivers, as base64. */
export function envelopes(
  actions: {
    messageId: string;
    encodedMessageEventDetail: string;
    signature: string;
    signatureVersion: string;
    publicKeyVersion: string;
  }[],
  senderId: string,
  conversationId: string,
  encode: (e: {
    sequenceId: string;
    messageId: string;
    senderId: string;
    conversationId: string;
    createdAtMsec: string;
    detail: Uint8Array;
    signature: { signature: string; publicKeyVersion: string; signatureVersion: string };
  }) => Uint8Array,
  firstSequence = 1,
): string[] {
  return actions.map((a, i) =>
    Buffer.from(
      encode({
        sequenceId: String(firstSequence + i),
        messageId: a.messageId,
        senderId,
        conversationId,
        createdAtMsec: '1700000000000',
        detail: Buffer.from(a.encodedMessageEventDetail, 'base64'),
        signature: { signature: a.signature, publicKeyVersion: a.publicKeyVersion, signatureVersion: a.signatureVersion },
      }),
    ).toString('base64'),
  );
}
