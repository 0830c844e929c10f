/**
 * Conversation keys on the command line: read from a file, never from a flag (a flag's value is
 * visible in the process list). The file is either what `unwrap --show-key` prints (JSON with
 * `conversation_key`, `format` and `conversation_key_version`), or the key alone as base64 or hex
 * text.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SecretBytes, wipe } from '../index.js';
import { decodeBase64 } from '../wire/base64.js';
import { parseJsonStrict } from '../wire/json.js';
import { UsageError } from './args.js';
import { fileError, type CliIO } from './io.js';

const HEX = /^[0-9a-fA-F]{64}$/;

/** The 32 bytes of a key written as base64 or hex, or undefined. */
function keyBytes(text: string, format: string | undefined): Uint8Array | undefined {
  if ((format === undefined || format === 'hex') && HEX.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (format === undefined || format === 'base64') {
    try {
      const bytes = decodeBase64(text, 'key');
      if (bytes.length === 32) return bytes;
      wipe(bytes);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A key read from a file, and its version when the file names it. */
export interface KeyFile {
  key: SecretBytes;
  version?: string;
}

/**
 * Reads a conversation key file.
 * @returns the key (wipe it when done) and, from JSON, its `conversation_key_version`
 */
export async function readKeyFile(io: CliIO, path: string): Promise<KeyFile> {
  let text: string;
  try {
    text = (await readFile(resolve(io.cwd, path), 'utf8')).trim();
  } catch (e) {
    throw fileError(e, 'read', 'key file', path);
  }
  let key: Uint8Array | undefined;
  let version: string | undefined;
  if (text.startsWith('{')) {
    let doc: unknown;
    try {
      doc = parseJsonStrict(text, 'key file');
    } catch {
      throw new UsageError(`key file ${path} is not valid JSON (or has a key twice)`);
    }
    const d = doc as { conversation_key?: unknown; format?: unknown; conversation_key_version?: unknown };
    if (typeof d.conversation_key === 'string') key = keyBytes(d.conversation_key, typeof d.format === 'string' ? d.format : undefined);
    if (typeof d.conversation_key_version === 'string') version = d.conversation_key_version;
  } else {
    key = keyBytes(text, undefined);
  }
  if (!key) throw new UsageError(`key file ${path} holds no 32-byte conversation key (base64 or hex, or the JSON of unwrap --show-key)`);
  const out = new SecretBytes(key);
  wipe(key);
  return version === undefined ? { key: out } : { key: out, version };
}
