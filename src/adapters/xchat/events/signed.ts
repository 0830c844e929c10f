/**
 * What a signed event's signature must cover (docs/xchat-messages.md §"5.1 Signature verification
 * per detail"): the signature part of the envelope, checked, and the payload rebuilt from the
 * detail with the envelope's message id, sender and conversation id, verbatim. An event whose
 * payload cannot be built (a GroupAdminSettingsChange, a change without a variant, a required
 * field missing, a comma in a component) cannot be verified and is refused.
 *
 * @module
 */
import { DecodeError, ErrorCodes, InternalError, InvalidInputError, UnsupportedVersionError, VerificationError } from '../../../errors.js';
import { decodeBase64 } from '../../../wire/base64.js';
import { checkSignatureVersion, messageCreatePayload, messageDeletePayload } from '../../../wire/xchat/payloads.js';
import {
  conversationDeletePayload,
  groupChangePayload,
  markConversationReadPayload,
  markConversationUnreadPayload,
  metadataChangePayload,
  type ActionHead,
} from '../../../wire/xchat/action-payloads.js';
import type { Envelope, Kind } from './envelope.js';

/** The SDK's label of each signed kind, for messages. */
const LABEL: Partial<Record<Kind, string>> = {
  message: 'message',
  keyChange: 'key change',
  groupChange: 'group change',
  messageDeleted: 'message delete',
  conversationDeleted: 'conversation delete',
  settingsChange: 'settings change',
  readReceipt: 'read receipt',
  markedUnread: 'marked-unread',
};

/** Is an event of this kind signed (and so returned only when its signature verifies)? */
export function isSigned(kind: Kind): boolean {
  return LABEL[kind] !== undefined;
}

/** The checked signature part of a signed event. */
export interface Signature {
  head: ActionHead;
  /** The signer's user id (the envelope's sender) and signing-key version. */
  signer: string;
  keyVersion: string;
  version: number;
  bytes: Uint8Array;
}

/** A signature check to run: the payload and who must have signed it. */
export interface SignedAction {
  signature: Signature;
  payload: string;
}

/**
 * Checks the envelope fields and signature of a signed event.
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` without a sender, message id or conversation id
 * @throws {VerificationError} `ERR_UNVERIFIED_EVENT` without a signature (or its key version),
 * `ERR_SIGNATURE_INVALID` for a signature that is not base64 of 64 bytes
 * @throws {UnsupportedVersionError} `ERR_UNSUPPORTED_SIGNATURE_VERSION` for a missing version,
 * one below 2 (a downgrade) or above 7
 */
export function signatureOf(env: Envelope, kind: Kind): Signature {
  const label = LABEL[kind] ?? kind;
  for (const [name, v] of [
    ['sender id', env.senderId],
    ['message id', env.messageId],
    ['conversation id', env.conversationId],
  ] as const) {
    if (!v)
      throw new DecodeError(
        ErrorCodes.INVALID_ENVELOPE,
        `the ${label} event has no ${name}, so its signature cannot be checked`,
        env.index,
      );
  }
  const s = env.signature;
  if (!s) throw new VerificationError(ErrorCodes.UNVERIFIED_EVENT, `the ${label} event is not signed`, env.index);
  if (s.signatureVersion === undefined) {
    throw new UnsupportedVersionError(
      ErrorCodes.UNSUPPORTED_SIGNATURE_VERSION,
      `the ${label} signature names no signature version`,
      env.index,
    );
  }
  const version = checkSignatureVersion(s.signatureVersion, `${env.index}.signatureVersion`);
  if (s.signature === undefined || s.publicKeyVersion === undefined) {
    throw new VerificationError(
      ErrorCodes.UNVERIFIED_EVENT,
      `the ${label} signature lacks its ${s.signature === undefined ? 'signature' : 'signing-key version'}`,
      env.index,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(s.signature, 'signature');
  } catch {
    bytes = new Uint8Array(0);
  }
  if (bytes.length !== 64)
    throw new VerificationError(ErrorCodes.SIGNATURE_INVALID, `the ${label} signature is not base64 of a 64-byte r‖s`, env.index);
  const head = { messageId: env.messageId as string, senderId: env.senderId as string, conversationId: env.conversationId as string };
  return { head, signer: head.senderId, keyVersion: s.publicKeyVersion, version, bytes };
}

/** Runs a payload builder; a payload that cannot be built means an event that cannot be verified. */
export function build(env: Envelope, kind: Kind, f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidInputError) {
      throw new VerificationError(
        ErrorCodes.UNVERIFIED_EVENT,
        `the signed payload of the ${LABEL[kind]} event cannot be built (${e.message}), so it cannot be verified`,
        env.index,
      );
    }
    throw e;
  }
}

/**
 * The signature check of a signed event other than a key change (whose payload needs the key it
 * carries, see keychanges.ts).
 * @throws as {@link signatureOf}; also `ERR_INVALID_ENVELOPE` for a message without contents or a
 * delete whose action is neither 1 nor 2, `ERR_UNENCRYPTED_MESSAGE` for a message without a key
 * version, `ERR_UNVERIFIED_EVENT` when the payload cannot be built
 */
export function signedAction(env: Envelope, kind: Kind): SignedAction {
  const d = env.detail ?? {};
  if (kind === 'message') {
    const m = d.messageCreateEvent ?? {};
    if (m.contents === undefined) throw new DecodeError(ErrorCodes.INVALID_ENVELOPE, 'the message has no contents', env.index);
    if (m.conversationKeyVersion === undefined)
      throw new VerificationError(ErrorCodes.UNENCRYPTED_MESSAGE, 'the message is not encrypted (it names no key version)', env.index);
  }
  const action = d.messageDeleteEvent?.deleteMessageAction;
  if (kind === 'messageDeleted' && action !== 1 && action !== 2) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `a delete's action is 1 (for the sender) or 2 (for everyone), got ${action ?? 'none'}`,
      env.index,
    );
  }
  const signature = signatureOf(env, kind);
  const { head, version } = signature;
  const payload = build(env, kind, () => {
    switch (kind) {
      case 'message': {
        const m = d.messageCreateEvent ?? {};
        return messageCreatePayload(version, {
          ...head,
          conversationKeyVersion: m.conversationKeyVersion ?? '',
          contents: m.contents ?? new Uint8Array(0),
        });
      }
      case 'messageDeleted': {
        const ids = d.messageDeleteEvent?.sequenceIds;
        if (!ids)
          throw new InvalidInputError(
            ErrorCodes.INVALID_ARGUMENT,
            'absent: the signed payload cannot be built without it',
            'messageDeleteEvent.sequenceIds',
          );
        return messageDeletePayload(version, { ...head, deleteForAll: action === 2, sequenceIds: ids });
      }
      case 'groupChange':
        return groupChangePayload(version, head, d.groupChangeEvent?.groupChange ?? {});
      case 'settingsChange':
        return metadataChangePayload(version, head, d.conversationMetadataChangeEvent?.conversationMetadataChange ?? {});
      case 'conversationDeleted':
        return conversationDeletePayload(version, head, d.conversationDeleteEvent ?? {});
      case 'readReceipt':
        return markConversationReadPayload(version, head, d.markConversationReadEvent ?? {});
      case 'markedUnread':
        return markConversationUnreadPayload(version, head, d.markConversationUnreadEvent ?? {});
      default:
        throw new InternalError(ErrorCodes.INTERNAL, `no payload for ${kind}`, env.index);
    }
  });
  return { signature, payload };
}
