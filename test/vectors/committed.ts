/**
 * The committed vector files (vectors/*.json and vectors/README.md), for the vector tests, and
 * copies of them with one change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const dir = join(resolve(import.meta.dirname, '..', '..'), 'vectors');

/** A parsed vector file, to change freely. */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** File name → exact content of every committed vector file. */
export const committed: ReadonlyMap<string, string> = new Map(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
);

/** A fresh parse of a committed file. */
export const file = (name: string): Obj => JSON.parse(committed.get(name)!);

/** The committed files with one file changed. */
export function mutated(name: string, change: (f: Obj) => void): Map<string, string> {
  const f = file(name);
  change(f);
  return new Map(committed).set(name, JSON.stringify(f, null, 2));
}

/** vectors/README.md. */
export const readme = (): string => readFileSync(join(dir, 'README.md'), 'utf8');
