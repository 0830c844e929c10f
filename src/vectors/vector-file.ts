/**
 * What a vector file module provides (`files/*.ts`, one per file of vectors/): its name, the JSON
 * shape of its top level and of its vectors with a reader for each, the generator, and the check
 * that recomputes every derived value. Adding a vector file is adding such a module and listing
 * it in `index.ts`.
 *
 * @module
 */
import type { Header, JsonObject } from './common.js';
import type { Checker } from './diff.js';
import { ShapeError, type Read } from './read.js';
import type { VectorUser } from './users.js';

/** What every vector has: an id, unique in its file. */
export interface VectorBase {
  id: string;
}

/** Free text any vector may carry: never read, never compared. */
export interface FreeText {
  description?: string;
}

/** A vector file as its check sees it: its own top-level fields and its vectors. */
export type FileBody<Top extends object, V extends VectorBase> = Top & { vectors: V[] };

/** The other files of the set being checked, read through their own readers. */
export interface OtherFiles {
  /** The file `file.name` of the set, or undefined when it is missing or its top level is malformed. */
  get<Top extends object, V extends VectorBase>(file: VectorFile<Top, V>): FileBody<Top, V> | undefined;
}

/** One vector file: `Top` is the shape of its own top-level fields, `V` that of a vector. */
export interface VectorFile<Top extends object, V extends VectorBase> {
  /** The file name (`keys.json`). */
  readonly name: string;
  /**
   * The fields its check recomputes (top level and per vector). Every other field except
   * `description` is compared with the generated file: the ids, the inputs and parameters, the
   * user and signer ids, the recipient lists.
   */
  readonly recomputed: { readonly top: readonly string[]; readonly vector: readonly string[] };
  /** Reads the file's own top-level fields (not the header, not `vectors`). */
  readonly readTop: Read<Top>;
  /** Reads one vector. */
  readonly readVector: Read<V>;
  /** Generates the file, header first. Deterministic. */
  generate(users: VectorUser[]): Promise<Header & Top & { vectors: (V & FreeText)[] }>;
  /** Recomputes every derived value of the file's well-formed vectors. */
  check(c: Checker, file: FileBody<Top, V>, others: OtherFiles): Promise<void>;
}

/** The id of a vector, if it is an object with a string `id`. */
export function idOf(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string' ? v.id : undefined;
}

/**
 * Reads a parsed file through the file's readers. A shape error is reported to `c` (when given):
 * at the top level it leaves the file unread (undefined), in a vector it leaves out that vector.
 * Vectors without a string id are left out unreported (the completeness check reports them).
 */
export function readVectorFile<Top extends object, V extends VectorBase>(
  file: VectorFile<Top, V>,
  raw: JsonObject,
  c?: Checker,
): FileBody<Top, V> | undefined {
  let top: Top;
  try {
    top = file.readTop(raw, '');
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    c?.fail('(file)', e.path, e.problem);
    return undefined;
  }
  const vectors: V[] = [];
  for (const v of Array.isArray(raw.vectors) ? raw.vectors : []) {
    const id = idOf(v);
    if (id === undefined) continue;
    try {
      vectors.push(file.readVector(v, ''));
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      c?.fail(id, e.path, e.problem);
    }
  }
  return { ...top, vectors };
}
