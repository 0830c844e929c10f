/**
 * A message's encrypted contents (field 100 of a MessageCreateEvent): the Thrift
 * `MessageEntryHolder` sealed in a secretbox under the conversation key of the message's own key
 * version (docs/xchat-messages.md §"2.2 encryptedContent = Thrift MessageCreateEvent (bare, not
 * wrapped in the union)"). Sending seals one; receiving, replying and validating reply previews
 * open one.
 *
 * @module
 */
import { DecodeError, ErrorCodes, VerificationError } from '../../../errors.js';
import { openSecretbox, sealSecretbox, SECRETBOX_OVERHEAD } from '../../../core/secretbox.js';
import { wipe } from '../../../core/secret.js';
import { decodeStruct, encodeStruct } from '../../../wire/thrift/index.js';
import { MessageEntryHolder, type MessageEntryHolderValue } from '../../../wire/xchat/contents.js';

/**
 * Seals an entry: `nonce(24) ‖ tag(16) ‖ XSalsa20(Thrift(holder))`. The plaintext is wiped.
 * @param key - the 32-byte conversation key
 * @param holder - the entry (a message, a reaction, an edit, …)
 * @param random - the nonce source
 */
export function sealEntry(key: Uint8Array, holder: MessageEntryHolderValue, random: (length: number) => Uint8Array): Uint8Array {
  const plaintext = encodeStruct(MessageEntryHolder, holder);
  try {
    return sealSecretbox(key, plaintext, random);
  } finally {
    wipe(plaintext);
  }
}

/**
 * Opens an entry sealed by {@link sealEntry} or by the official SDK. Like the SDK, bytes after
 * the holder's end are ignored (docs/xchat-messages.md §"5.4 Error strings (`decryptEvent` throws an
 * `Error` with this `message`; `decryptEvents` stores the same string) [confirmed: fed-back]"); the
 * holder itself must be canonical Thrift.
 * @param key - the 32-byte conversation key of the message's key version
 * @param contents - field 100 of the MessageCreateEvent
 * @param field - where the contents came from, for errors
 * @param keepUnknown - keep unknown fields in `$unknown` (default); false drops them, as the SDK
 * does when it copies a decrypted original into a reply preview
 * @throws {DecodeError} `ERR_INVALID_ENVELOPE` (shorter than 40 bytes), `ERR_INVALID_THRIFT` /
 * `ERR_TOO_LARGE` (the plaintext is not a holder)
 * @throws {VerificationError} `ERR_DECRYPT_FAILED` (another key, or tampered)
 */
export function openEntry(key: Uint8Array, contents: Uint8Array, field = 'contents', keepUnknown = true): MessageEntryHolderValue {
  if (contents.length < SECRETBOX_OVERHEAD) {
    throw new DecodeError(
      ErrorCodes.INVALID_ENVELOPE,
      `message contents have at least ${SECRETBOX_OVERHEAD} bytes, got ${contents.length}`,
      field,
    );
  }
  const plaintext = openSecretbox(key, contents);
  if (plaintext === null)
    throw new VerificationError(
      ErrorCodes.DECRYPT_FAILED,
      'does not open with the conversation key of its version (another key, or tampered)',
      field,
    );
  try {
    return decodeStruct(MessageEntryHolder, plaintext, { field: `${field} (decrypted)`, allowTrailing: true, keepUnknown });
  } finally {
    wipe(plaintext);
  }
}
