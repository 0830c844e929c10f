/**
 * Deterministic test vectors for other implementations (`chat-keykit vectors generate|verify`);
 * vectors/README.md documents the files. Each file of vectors/ has one module in `files/`, with
 * its JSON shape, readers, generator and check; this module lists them and runs them.
 *
 * The checker compares a directory of vector files with what this implementation generates, in
 * two ways:
 * - completeness (`completeness.ts`): each file's vector ids must be exactly the generated list,
 *   and every field the checker does not recompute must equal the generated value; only
 *   `description` texts are free;
 * - recomputation (each file's `check`): every derived value is recomputed with the
 *   implementation, field by field, and every negative vector must give exactly its expected code.
 * A failure names the file, the vector, the field (down to the first differing JSON path) and the
 * two values: `expected` is what the file says (or the outcome a check requires), `got` what this
 * implementation computes or generates. A field of the wrong shape is a failure naming it.
 *
 * @module
 */
import { FORMAT_VERSION, isJsonObject, parseJson, PROTOCOL, toJson, type Json, type JsonObject } from './common.js';
import { checkCompleteness } from './completeness.js';
import { Checker } from './diff.js';
import { eciesFile } from './files/ecies.js';
import { eventsFile } from './files/events.js';
import { keysFile } from './files/keys.js';
import { mediaFile } from './files/media.js';
import { messagesNegativeFile } from './files/messages-negative.js';
import { messagesFile } from './files/messages.js';
import { metadataFile } from './files/metadata.js';
import { negativeFile } from './files/negative.js';
import { receivedFile } from './files/received.js';
import { requestsFile } from './files/requests.js';
import { rotationFile } from './files/rotation.js';
import { signaturesFile } from './files/signatures.js';
import { vectorUsers } from './users.js';
import { readVectorFile, type OtherFiles, type VectorBase, type VectorFile } from './vector-file.js';

/** The vector files, in the order they are documented (and checked). */
const FILES: readonly VectorFile<object, VectorBase>[] = [
  keysFile,
  eciesFile,
  signaturesFile,
  eventsFile,
  requestsFile,
  rotationFile,
  negativeFile,
  metadataFile,
  mediaFile,
  messagesFile,
  receivedFile,
  messagesNegativeFile,
];

/** The vector file names, in order. */
export const VECTOR_FILES: readonly string[] = FILES.map((f) => f.name);

/** The checker's verdict. */
export interface VectorReport {
  ok: boolean;
  /** Number of individual field checks made. */
  checked: number;
  /**
   * One line per mismatch: `file vector field: expected …, got …`, where `expected` is the file's
   * value (or the outcome a check requires) and `got` what this implementation computes or
   * generates; `field` goes down to the first differing JSON path (`body.group_name`).
   */
  failures: string[];
}

/**
 * Generates every vector file. Deterministic: two calls give byte-identical content.
 * @returns file name → exact content (pretty JSON, trailing newline), in order
 */
export async function generateVectors(): Promise<Map<string, string>> {
  const users = await vectorUsers();
  const files = new Map<string, string>();
  for (const f of FILES) files.set(f.name, toJson(await f.generate(users)));
  return files;
}

/** The generated files, parsed (generated once: generation is deterministic). */
let generated: Promise<Map<string, JsonObject>> | undefined;
function generatedFiles(): Promise<Map<string, JsonObject>> {
  if (!generated) {
    generated = generateVectors().then(
      (m) =>
        new Map(
          [...m].flatMap(([name, text]) => {
            const json = parseJson(text);
            return isJsonObject(json) ? [[name, json]] : [];
          }),
        ),
    );
    generated.catch(() => (generated = undefined));
  }
  return generated;
}

/** Parses one file and checks its header; undefined (with the failure recorded) when it is not a vector file. */
function parseFile(c: Checker, name: string, text: string): JsonObject | undefined {
  if (!VECTOR_FILES.includes(name)) {
    c.fail('(file)', 'name', 'not a vector file of this format');
    return undefined;
  }
  let f: Json;
  try {
    f = parseJson(text);
  } catch {
    c.fail('(file)', '(json)', 'not valid JSON');
    return undefined;
  }
  if (!isJsonObject(f)) {
    c.fail('(file)', '(json)', 'not a JSON object');
    return undefined;
  }
  c.eq('(file)', 'protocol', f.protocol, PROTOCOL);
  c.eq('(file)', 'format_version', f.format_version, FORMAT_VERSION);
  if (!Array.isArray(f.vectors) || f.vectors.length === 0) c.fail('(file)', 'vectors', 'missing or empty');
  return f;
}

/**
 * Checks a set of vector files against the implementation: complete (exactly the generated
 * vectors, with the generated inputs) and correct (every derived value recomputed).
 * @param files - file name → content (as `generateVectors` returns, or as read from a directory)
 */
export async function verifyVectors(files: Map<string, string>): Promise<VectorReport> {
  const c = new Checker('');
  const parsed = new Map<string, JsonObject>();
  for (const [name, text] of files) {
    const f = parseFile(c.at(name), name, text);
    if (f) parsed.set(name, f);
  }
  for (const name of VECTOR_FILES) if (!files.has(name)) c.at(name).fail('(file)', '(missing)', 'expected in the vector set');
  let reference: Map<string, JsonObject> | undefined;
  try {
    reference = await generatedFiles();
  } catch (e) {
    c.at('(all)').fail(
      '(generator)',
      '(generate)',
      `this implementation failed to generate the vectors: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const others: OtherFiles = {
    get(file) {
      const raw = parsed.get(file.name);
      return raw && readVectorFile(file, raw);
    },
  };
  for (const file of FILES) {
    const raw = parsed.get(file.name);
    c.at(file.name);
    if (!raw) continue;
    const g = reference?.get(file.name);
    if (g) checkCompleteness(c, file.recomputed, raw, g);
    try {
      const body = readVectorFile(file, raw, c);
      if (body) await file.check(c, body, others);
    } catch (e) {
      c.fail('(file)', '(checker)', String(e));
    }
  }
  return { ok: c.failures.length === 0, checked: c.checked, failures: c.failures };
}
