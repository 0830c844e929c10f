/**
 * The state of one direction of a media stream (libsodium's `crypto_secretstream_xchacha20poly1305`
 * state) and the sealing and opening of one chunk, by a native AEAD where the backend has one and
 * by noble's ChaCha20 and Poly1305 otherwise (the construction is described in ./index.ts).
 *
 * @module
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { chacha20, hchacha } from '@noble/ciphers/chacha.js';
import type { ChaCha20Poly1305, CryptoBackend } from '../backend.js';
import { constantTimeEqual, wipe } from '../secret.js';
import { chachaBlock } from './chacha.js';
import { ABYTES, MEDIA_CHUNK_LENGTH, MEDIA_HEADER_LENGTH, TAG_REKEY } from './format.js';

const SIGMA = /* @__PURE__ */ (() => new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer))();

const ZEROS = /* @__PURE__ */ new Uint8Array(16);

/**
 * RFC 8439 pads the ciphertext to 16 bytes, libsodium's secretstream by `|m| mod 16` bytes (after a
 * 64-byte block): the two agree when `|m| mod 16` is 0 or 8, so every full 1024-byte chunk.
 */
export const aeadFits = (length: number) => length % 16 === 0 || length % 16 === 8;

/** The backend's native ChaCha20-Poly1305 under a key, or null: the portable path is then used. */
export type Aead = ((key: Uint8Array) => ChaCha20Poly1305) | null;

export function aeadOf(backend: CryptoBackend): Aead {
  return backend.chacha20Poly1305 ? (key) => (backend as Required<Pick<CryptoBackend, 'chacha20Poly1305'>>).chacha20Poly1305(key) : null;
}

/** The secretstream state of one direction: the ChaCha20 key and nonce, and scratch buffers. */
export class StreamState {
  private readonly k = new Uint8Array(32);
  private readonly nonce = new Uint8Array(12);
  private readonly kView = new DataView(this.k.buffer);
  private readonly nonceView = new DataView(this.nonce.buffer);
  /** One ChaCha20 block: block 1 (the tag block) when opening through the AEAD, block 0 to rekey. */
  private readonly block = new Uint8Array(64);
  private readonly blockView = new DataView(this.block.buffer);
  /** Cipher input: `t ‖ 0⁶³ ‖ m` or `tag byte ‖ keystream(63) ‖ c ‖ mac` (AEAD), `0⁶⁴ ‖ that block ‖ m or c` (portable). */
  private readonly work = new Uint8Array(128 + MEDIA_CHUNK_LENGTH + 16);
  /** Cipher output (allocating it per chunk cost 17% of the throughput on Node). */
  private readonly spare = new Uint8Array(128 + MEDIA_CHUNK_LENGTH + 16);
  /** `le64(0) ‖ le64(64 + |c|)`, the end of the MAC input. */
  private readonly lengths = new Uint8Array(16);
  /** The backend's AEAD under `k` (made again after a rekey, dropped by `wipe`), or null. */
  private aead: ChaCha20Poly1305 | null;

  constructor(
    private readonly keyed: Aead,
    key: Uint8Array,
    header: Uint8Array,
  ) {
    // Copies at offset 0 for noble's word views (not `.slice()`: on a Node Buffer that is a view).
    const k = new Uint8Array(key);
    const n = new Uint8Array(header.subarray(0, 16));
    const out = new Uint32Array(8);
    hchacha(SIGMA, new Uint32Array(k.buffer), new Uint32Array(n.buffer), out);
    this.k.set(new Uint8Array(out.buffer));
    wipe(k, new Uint8Array(out.buffer));
    this.nonceView.setUint32(0, 1, true);
    this.nonce.set(header.subarray(16, MEDIA_HEADER_LENGTH), 4);
    this.aead = keyed ? keyed(this.k) : null;
  }

  /** Seals one chunk (at most 1024 bytes) with `tag` into `out` at `at` (`m.length + 17` bytes). */
  seal(tag: number, m: Uint8Array, out: Uint8Array, at: number): void {
    const w = this.work;
    const n = m.length;
    let mac: Uint8Array;
    if (this.aead && aeadFits(n)) {
      w.fill(0, 0, 64);
      w[0] = tag;
      w.set(m, 64);
      const sealed = this.aead.seal(this.nonce, w.subarray(0, 64 + n), this.spare.subarray(0, 80 + n));
      out[at] = sealed[0] as number;
      out.set(sealed.subarray(64), at + 1);
      mac = sealed.subarray(64 + n);
    } else {
      // Blocks 0, 1, 2… in one call: the Poly1305 key, the encrypted tag block, the ciphertext.
      w.fill(0, 0, 128);
      w[64] = tag;
      w.set(m, 128);
      const r = this.spare.subarray(0, 128 + n);
      chacha20(this.k, this.nonce, w.subarray(0, 128 + n), r, 0);
      out[at] = r[64] as number;
      out.set(r.subarray(128), at + 1);
      mac = this.mac(r.subarray(0, 32), r.subarray(64, 128), r.subarray(128));
      out.set(mac, at + 1 + n);
      r.fill(0, 0, 64);
    }
    this.advance(tag, mac);
  }

  /** Opens one frame into `out` at `at`; returns its tag, or -1 when its MAC does not verify. */
  open(frame: Uint8Array, out: Uint8Array, at: number): number {
    const w = this.work;
    const n = frame.length - ABYTES;
    const stored = frame.subarray(1 + n);
    let tag: number;
    if (this.aead && aeadFits(n)) {
      chachaBlock(this.kView, this.nonceView, 1, this.blockView);
      w.set(this.block, 0);
      w[0] = frame[0] as number;
      w.set(frame.subarray(1), 64);
      const opened = this.aead.open(this.nonce, w.subarray(0, 63 + frame.length));
      if (opened === null) return -1;
      tag = opened[0] as number;
      out.set(opened.subarray(64), at);
      wipe(opened);
    } else {
      w.fill(0, 0, 128);
      w[64] = frame[0] as number;
      w.set(frame.subarray(1, 1 + n), 128);
      const r = this.spare.subarray(0, 128 + n);
      chacha20(this.k, this.nonce, w.subarray(0, 128 + n), r, 0);
      tag = r[64] as number; // the tag byte decrypted; the MAC covers it encrypted, with 63 keystream bytes
      r[64] = frame[0] as number;
      const ok = constantTimeEqual(this.mac(r.subarray(0, 32), r.subarray(64, 128), frame.subarray(1, 1 + n)), stored);
      if (ok) out.set(r.subarray(128), at);
      r.fill(0);
      if (!ok) return -1;
    }
    this.advance(tag, stored);
    return tag;
  }

  /**
   * libsodium's MAC with no AD: Poly1305 over the 64-byte tag block, `c`, `|c| mod 16` zero bytes
   * (its formula `(0x10 - 64 + |c|) & 0xf`), `le64(0)` and `le64(64 + |c|)`.
   */
  private mac(polyKey: Uint8Array, tagBlock: Uint8Array, c: Uint8Array): Uint8Array {
    new DataView(this.lengths.buffer).setUint32(8, 64 + c.length, true);
    return poly1305
      .create(polyKey)
      .update(tagBlock)
      .update(c)
      .update(ZEROS.subarray(0, c.length % 16))
      .update(this.lengths)
      .digest();
  }

  private advance(tag: number, mac: Uint8Array): void {
    for (let i = 0; i < 8; i++) this.nonce[4 + i] = (this.nonce[4 + i] as number) ^ (mac[i] as number);
    const counter = (this.nonceView.getUint32(0, true) + 1) >>> 0;
    this.nonceView.setUint32(0, counter, true);
    if ((tag & TAG_REKEY) !== 0 || counter === 0) this.rekey();
  }

  /** libsodium's `crypto_secretstream_xchacha20poly1305_rekey`. */
  rekey(): void {
    chachaBlock(this.kView, this.nonceView, 0, this.blockView);
    for (let i = 0; i < 32; i++) this.k[i] = (this.k[i] as number) ^ (this.block[i] as number);
    for (let i = 0; i < 8; i++) this.nonce[4 + i] = (this.nonce[4 + i] as number) ^ (this.block[32 + i] as number);
    this.nonceView.setUint32(0, 1, true);
    if (this.keyed) this.aead = this.keyed(this.k);
  }

  /** TESTING ONLY: sets the 32-bit chunk counter, to reach the wrap without 4 TiB of input. */
  setCounter(counter: number): void {
    this.nonceView.setUint32(0, counter, true);
  }

  wipe(): void {
    wipe(this.k, this.nonce, this.block, this.work, this.spare);
    this.aead = null;
  }
}
