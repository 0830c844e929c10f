/**
 * `chat-keykit/sendbird`: Sendbird group channels and Supergroups on the Platform API, with
 * end-to-end encryption (a signed key envelope in the channel's `data`).
 *
 * @module
 */
export * from './adapters/sendbird/index.js';
