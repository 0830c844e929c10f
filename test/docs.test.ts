/**
 * The protocol documents under docs/ are what source comments cite: every citation
 * `docs/<file>.md §"<Heading>"` in src/ and test/ must name a `##` or `###` heading of that file, and
 * no file there may cite the notes kept outside the repository (whose names are assembled below, so
 * that this file does not mention them itself). Citations inside the documents (`<file>.md
 * §"<Heading>"`, or a bare `§"<Heading>"` for the document itself) must resolve too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const docsDir = join(root, 'docs');

/** Every file under `dir`, recursively, skipping dot-directories (generated scratch files). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out.sort();
}

/** The `##` and `###` headings of a markdown file. */
function headingsOf(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{2,3} (.+?)\s*$/.exec(line);
    if (m) out.add(m[1] as string);
  }
  return out;
}

const docs = new Map(
  readdirSync(docsDir)
    .filter((n) => n.endsWith('.md'))
    .map((n) => [n, headingsOf(join(docsDir, n))] as const),
);

/** Joins comment continuation lines (` * `, `// `), so that a citation may wrap. */
function unwrapComments(text: string): string {
  return text.replace(/[ \t]*\r?\n[ \t]*(?:\*(?!\/)|\/\/)?[ \t]*/g, ' ');
}

/** A citation: where it is, the document it names and the heading it cites. */
interface Citation {
  where: string;
  doc: string;
  heading: string;
}

/** The citations `docs/<file>.md §"<Heading>"` of a source or test file. */
function sourceCitations(file: string): Citation[] {
  const text = unwrapComments(readFileSync(file, 'utf8'));
  const where = relative(root, file);
  return [...text.matchAll(/docs\/([\w.-]+\.md)\s+§"([^"\n]+)"/g)].map((m) => ({
    where,
    doc: m[1] as string,
    heading: (m[2] as string).trim(),
  }));
}

/** The citations of a document: `<file>.md §"<Heading>"` (a link's target counts), or a bare `§"<Heading>"` for itself. */
function docCitations(name: string): Citation[] {
  const text = readFileSync(join(docsDir, name), 'utf8').replace(/\s*\n\s*/g, ' ');
  return [...text.matchAll(/§"([^"]+)"/g)].map((m) => {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 80), m.index);
    const named = /([\w.-]+\.md)\)?`?\s*$/.exec(before);
    return { where: `docs/${name}`, doc: named ? basename(named[1] as string) : name, heading: (m[1] as string).trim() };
  });
}

const sources = [...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'test'))];
const fromSources = sources.flatMap(sourceCitations);
const fromDocs = [...docs.keys()].flatMap(docCitations);

function unresolved(citations: Citation[]): string[] {
  return citations.filter((c) => !docs.get(c.doc)?.has(c.heading)).map((c) => `${c.where}: ${c.doc} §"${c.heading}"`);
}

describe('citations of docs/', () => {
  test('the key-management and Sendbird documents exist with the sections the code cites', () => {
    expect(docs.has('xchat-keys.md')).toBe(true);
    expect(docs.has('sendbird.md')).toBe(true);
    // The scan must actually find the citations it checks (a broken pattern would pass vacuously).
    expect(fromSources.length).toBeGreaterThan(25);
    expect(new Set(fromSources.map((c) => c.doc))).toEqual(
      new Set(['xchat-keys.md', 'sendbird.md', 'xchat-messages.md', 'xchat-sending.md', 'xchat-receiving.md', 'browser.md']),
    );
  });

  test('every docs/<file>.md §"<Heading>" in src/ and test/ names a ## or ### heading of that file', () => {
    expect(unresolved(fromSources)).toEqual([]);
  });

  test('every §"<Heading>" inside docs/ resolves to a heading of the document it names', () => {
    expect(fromDocs.length).toBeGreaterThan(20);
    expect(unresolved(fromDocs)).toEqual([]);
  });

  test('no file in src/, test/, docs/ or the README cites the notes kept outside the repository', () => {
    const outside = ['PROTOCOL', 'SENDBIRD'].map((n) => `${n}.md`);
    const files = [...sources, ...filesUnder(docsDir), join(root, 'README.md')];
    expect(files.length).toBeGreaterThan(sources.length + 3);
    const hits = files.filter((f) => outside.some((name) => readFileSync(f, 'utf8').includes(name))).map((f) => relative(root, f));
    expect(hits).toEqual([]);
  });

  test('the documents stand alone: no path into the reference data beside the repository', () => {
    // (Only the conformance suite reads that data, from CONFORMANCE_DIR.)
    const beside = ['..', 'shared'].join('/');
    expect(
      filesUnder(docsDir)
        .filter((f) => readFileSync(f, 'utf8').includes(beside))
        .map((f) => relative(root, f)),
    ).toEqual([]);
  });

  test('the scanner reads wrapped citations and refuses unknown headings', () => {
    const wrapped = unwrapComments('/**\n * see docs/xchat-keys.md\n * §"What binds the two\n * actions" for why\n */');
    expect([...wrapped.matchAll(/docs\/([\w.-]+\.md)\s+§"([^"\n]+)"/g)].map((m) => m[2])).toEqual(['What binds the two actions']);
    expect(unresolved([{ where: 'x', doc: 'xchat-keys.md', heading: 'No such section' }])).toHaveLength(1);
    expect(unresolved([{ where: 'x', doc: 'missing.md', heading: 'Keys' }])).toHaveLength(1);
  });
});
