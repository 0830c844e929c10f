/**
 * Reference data of the conformance suite: third-party files (the X API's OpenAPI schema, the
 * official SDK's fixture, Wycheproof vectors) that are read, never copied into this repository.
 * They live in CONFORMANCE_DIR, default ../shared/reference relative to the project root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** The directory holding the reference data. */
export const CONFORMANCE_DIR = resolve(root, process.env.CONFORMANCE_DIR ?? join('..', 'shared', 'reference'));

/** Reads and parses one reference file; a missing file is a clear error naming its path. */
export function readReference<T = unknown>(name: string): T {
  const path = join(CONFORMANCE_DIR, name);
  if (!existsSync(path)) throw new Error(`conformance data ${path} is missing (set CONFORMANCE_DIR to the reference directory)`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Hex to bytes. */
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** Wycheproof's common file shape. */
export interface WycheproofFile<G, T> {
  algorithm: string;
  numberOfTests: number;
  testGroups: (G & { tests: (T & { tcId: number; comment: string; flags: string[]; result: 'valid' | 'invalid' | 'acceptable' })[] })[];
}
