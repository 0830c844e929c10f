/**
 * Deterministic test vectors for other implementations (`chat-keykit vectors generate|verify`).
 * vectors/README.md documents the files.
 *
 * @module
 */
export { generateVectors, VECTOR_FILES } from './files.js';
export { verifyVectors } from './verify.js';
