/**
 * The shapes of the X API v2 chat request bodies chat-keykit builds (the X API's OpenAPI schemas
 * `CreateChatConversationRequest`, `AddConversationKeysRequest` and `AddChatGroupMembersRequest`),
 * what the builders take, and their options.
 *
 * @module
 */
import type { ParticipantKey } from '../../wire/xchat/events.js';
import type { ActionSignature } from './prepare.js';

/** `conversation_participant_keys[]` item. */
export interface ParticipantKeyBody {
  user_id: string;
  encrypted_conversation_key: string;
  public_key_version: string;
}

/** `action_signatures[].message_event_signature`. */
export interface MessageEventSignatureBody {
  signature: string;
  public_key_version: string;
  signature_version: string;
  signing_public_key?: string;
}

/** `action_signatures[]` item. */
export interface ActionSignatureBody {
  message_id: string;
  encoded_message_event_detail: string;
  message_event_signature: MessageEventSignatureBody;
  signature_payload?: string;
}

/** Body of `POST /2/chat/conversations/group`. */
export interface CreateGroupBody {
  conversation_id: string;
  conversation_key_version: string;
  conversation_participant_keys: ParticipantKeyBody[];
  group_members: string[];
  group_admins?: string[];
  group_name?: string;
  group_avatar_url?: string;
  group_description?: string;
  ttl_msec?: string;
  action_signatures: ActionSignatureBody[];
  base64_encoded_key_rotation?: string;
}

/** Body of `POST /2/chat/conversations/{id}/keys`. */
export interface AddConversationKeysBody {
  conversation_key_version: string;
  conversation_participant_keys: ParticipantKeyBody[];
  action_signatures: ActionSignatureBody[];
  base64_encoded_key_rotation?: string;
}

/** Body of `POST /2/chat/conversations/{id}/members`. */
export interface AddMembersBody {
  user_ids: string[];
  conversation_key_version: string;
  conversation_participant_keys: ParticipantKeyBody[];
  action_signatures: ActionSignatureBody[];
  encrypted_title?: string;
  encrypted_avatar_url?: string;
}

/**
 * What the body builders read from a prepared change: chat-keykit's prepared changes and the
 * official SDK's `PreparedConversationChange` both fit. The conversation key is not needed.
 */
export interface PreparedChangeInput {
  conversationId: string;
  /** The new key (chat-keykit's and the SDK's prepared changes have it): encrypted metadata is checked against it. */
  conversationKey?: Uint8Array;
  conversationKeyVersion: string;
  participantKeys: ParticipantKey[];
  actionSignatures: ActionSignature[];
  /** chat-keykit's prepared changes name the signer's signing public key here. */
  sender?: { signingPublicKey?: string };
}

/** Options shared by the body builders. */
export interface RequestOptions {
  /**
   * Put the signer's signing public key (SEC1, base64) into each `message_event_signature`, as X's
   * JS example does. Informational only: verifiers never trust it. Default true when known.
   */
  includeSigningPublicKey?: boolean;
  /** Send `signature_payload` (server failure logs) where the SDK provides one. Default true. */
  includeSignaturePayload?: boolean;
  /**
   * A `base64_encoded_key_rotation` payload from `buildKeyRotation`. X has not published the
   * server's semantics for it and the official SDK never sends it: include it only if you know
   * you need it. Not valid on the members endpoint.
   */
  keyRotation?: string;
}

/** Options of {@link addMembersRequest}. */
export interface AddMembersRequestOptions extends Omit<RequestOptions, 'keyRotation'> {
  /**
   * `encrypted_title`: the group's title re-encrypted with the new conversation key, from
   * `encryptMetadata(title, prepared.conversationKey)`.
   */
  encryptedTitle?: string;
  /** `encrypted_avatar_url`: the avatar URL re-encrypted the same way. */
  encryptedAvatarUrl?: string;
}

/** Options of {@link createGroupRequest}. */
export interface CreateGroupRequestOptions extends RequestOptions {
  /** `group_description`: plain text, not signed. */
  description?: string;
}
