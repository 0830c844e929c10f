/**
 * noble's AES-GCM alone, for the noble backend to load on first use (noble.ts): a module of its
 * own, so that a bundler's lazy chunk holds GCM and not every mode @noble/ciphers/aes.js has.
 *
 * @module
 */
export { gcm } from '@noble/ciphers/aes.js';
