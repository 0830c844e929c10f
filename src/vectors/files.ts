/**
 * The vector files as this implementation generates them: the generator's output and the
 * reference the checker compares a directory against (ids, identifying inputs).
 *
 * @module
 */
import { toJson } from './common.js';
import { eciesFile, eventsFile, keysFile, requestsFile, rotationFile, signaturesFile, vectorUsers } from './generate.js';
import { negativeFile } from './negative.js';

/** The vector files, in the order they are documented. */
export const VECTOR_FILES = ['keys.json', 'ecies.json', 'signatures.json', 'events.json', 'requests.json', 'rotation.json', 'negative.json'] as const;

/** A vector file name. */
export type VectorFileName = (typeof VECTOR_FILES)[number];

/**
 * Generates every vector file. Deterministic: two calls give byte-identical content.
 * @returns file name → exact content (pretty JSON, trailing newline)
 */
export async function generateVectors(): Promise<Map<string, string>> {
  const users = await vectorUsers();
  const content: Record<VectorFileName, unknown> = {
    'keys.json': await keysFile(users),
    'ecies.json': await eciesFile(users),
    'signatures.json': await signaturesFile(users),
    'events.json': await eventsFile(users),
    'requests.json': await requestsFile(users),
    'rotation.json': await rotationFile(users),
    'negative.json': await negativeFile(users),
  };
  return new Map(VECTOR_FILES.map((name) => [name, toJson(content[name])]));
}
