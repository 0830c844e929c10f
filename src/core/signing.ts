/**
 * ECDSA over payload strings: P-256, SHA-256 of the UTF-8 bytes, raw 64-byte `r‖s`, RFC 6979
 * nonces, no low-S normalisation on signing, high-S accepted on verification (docs/xchat-keys.md
 * §"Signed payloads").
 *
 * @module
 */
import type { CryptoBackend } from './backend.js';
import { wipe } from './secret.js';

const utf8 = /* @__PURE__ */ new TextEncoder();

/** Signs the UTF-8 bytes of a payload string; the encoded bytes are wiped afterwards. */
export async function signPayload(backend: CryptoBackend, privateKey: Uint8Array, payload: string): Promise<Uint8Array> {
  const bytes = utf8.encode(payload);
  try {
    return await backend.sign(privateKey, bytes);
  } finally {
    wipe(bytes);
  }
}

/** Verifies a raw `r‖s` signature over the UTF-8 bytes of a payload string. */
export async function verifyPayload(
  backend: CryptoBackend,
  publicKey: Uint8Array,
  payload: string,
  signature: Uint8Array,
): Promise<boolean> {
  const bytes = utf8.encode(payload);
  try {
    return await backend.verify(publicKey, bytes, signature);
  } finally {
    wipe(bytes);
  }
}
