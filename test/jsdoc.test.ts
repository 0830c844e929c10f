/**
 * The public API documents itself (the reshape issue: "Every public function has a one-line
 * JSDoc, `@throws` with its codes, and an `@example` where the use is not obvious"). Read with the
 * TypeScript compiler over the five entry points (src/index.ts, src/sendbird.ts, src/wire.ts,
 * src/backends.ts, src/testing.ts), each export followed through re-exports to its declaration:
 *
 * - every exported function, every exported class, and every public method of an exported class
 *   has a JSDoc summary (at least one line of text before the tags; an override may inherit its
 *   base member's);
 * - every one of them that can throw (its body has a `throw`, or calls a function of src/ that can,
 *   outside a `try` that swallows it; see `canThrow` in test/helpers/source.ts) has `@throws` tags,
 *   and each tag names an error class of src/ in braces and at least one `ERR_*` code of
 *   `ErrorCodes` that this class (or a subclass) throws;
 * - `@example` where the use is not obvious, read as: every exported function of the two entry
 *   points applications start from, `chat-keykit` and `chat-keykit/sendbird`, has one; the
 *   lower-level entries (`chat-keykit/wire`, `chat-keykit/backends`, `chat-keykit/testing`) and
 *   class methods may omit it (their callers read the format documents anyway).
 *
 * A failure lists every gap as `<file>:<line> <function> (<entry>): <what is missing>`.
 */
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { ErrorCodes } from '../src/errors.js';
import {
  canThrow,
  declaredOwners,
  ENTRIES,
  errorClasses,
  errorSites,
  functionsOf,
  isSubclass,
  publicExports,
  repoPath,
  sourceProgram,
} from './helpers/source.js';

/** The entries whose exported functions must each carry an `@example`. */
const EXAMPLE_REQUIRED = new Set(['src/index.ts', 'src/sendbird.ts']);

const CODES = new Set<string>(Object.values(ErrorCodes));

/** One documented thing: where it is declared, its public name, and its symbol. */
interface Documented {
  /** `src/…/x.ts:12`, the declaration's file and line. */
  file: string;
  name: string;
  entry: string;
  symbol: ts.Symbol;
  functions: ts.FunctionLikeDeclaration[];
  /** Must it have an `@example`? */
  example: boolean;
}

/** `file:line` of a declaration. */
function where(node: ts.Node): string {
  const file = node.getSourceFile();
  return `${repoPath(file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

/** The functions, classes and public class methods of the public entry points, each once. */
function documented(): Documented[] {
  const { checker } = sourceProgram();
  const seen = new Set<ts.Symbol>();
  const out: Documented[] = [];
  for (const e of publicExports()) {
    if (seen.has(e.symbol)) continue;
    const decl = e.declarations[0];
    if (!decl) continue;
    const file = where(decl);
    const entry = ENTRIES[e.entry] as string;
    const functions = functionsOf(e.declarations);
    if (functions.length > 0 && !e.declarations.some(ts.isClassDeclaration)) {
      seen.add(e.symbol);
      out.push({ file, name: e.name, entry, symbol: e.symbol, functions, example: EXAMPLE_REQUIRED.has(e.entry) });
      continue;
    }
    const cls = e.declarations.find(ts.isClassDeclaration);
    if (!cls) continue;
    seen.add(e.symbol);
    out.push({ file, name: e.name, entry, symbol: e.symbol, functions: [], example: false });
    for (const m of cls.members) {
      if (!(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) || !m.name || ts.isPrivateIdentifier(m.name)) continue;
      // Members named by a symbol (Node's inspect hook) are protocol, not API.
      if (ts.isComputedPropertyName(m.name)) continue;
      const flags = ts.getCombinedModifierFlags(m);
      if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const symbol = checker.getSymbolAtLocation(m.name);
      if (!symbol) continue;
      const isStatic = (flags & ts.ModifierFlags.Static) !== 0;
      out.push({
        file: where(m),
        name: `${e.name}${isStatic ? '.' : '#'}${symbol.getName()}`,
        entry,
        symbol,
        functions: functionsOf([m]),
        example: false,
      });
    }
  }
  return out;
}

/** The text of a tag (`{DecodeError} \`ERR_…\` when …`). */
const tagText = (t: ts.JSDocTagInfo): string => ts.displayPartsToString(t.text).trim();

describe('JSDoc of the public API', () => {
  const { checker } = sourceProgram();
  const items = documented();
  const classes = errorClasses();
  // The class that throws each code (test/errors.test.ts checks there is one), else the class
  // src/errors.ts groups it under.
  const owners = declaredOwners();
  for (const site of errorSites(ErrorCodes)) for (const code of site.codes ?? []) owners.set(code, site.cls);

  test('the walk finds the public API (functions of every entry point, classes and their methods)', () => {
    const names = items.map((d) => d.name);
    for (const expected of [
      'decodeBase64',
      'prepareGroupCreate',
      'parseChannelData',
      'resolveBackend',
      'withTestingHooks',
      'KeykitError',
      'KeykitError.is',
      'KeykitError#withField',
    ])
      expect(names).toContain(expected);
    expect(new Set(items.map((d) => d.entry))).toEqual(new Set(Object.values(ENTRIES)));
  });

  test('every exported function, class and public method has a summary', () => {
    const missing = items
      .filter((d) => ts.displayPartsToString(d.symbol.getDocumentationComment(checker)).trim() === '')
      .map((d) => `${d.file} ${d.name} (${d.entry}): no JSDoc summary`);
    expect(missing).toEqual([]);
  });

  test('every one that can throw has @throws tags naming an error class and its ERR_* codes', () => {
    const problems: string[] = [];
    for (const d of items) {
      const at = `${d.file} ${d.name} (${d.entry})`;
      const tags = d.symbol.getJsDocTags(checker).filter((t) => t.name === 'throws');
      if (tags.length === 0) {
        if (d.functions.some((f) => canThrow(f))) problems.push(`${at}: can throw but has no @throws tag`);
        continue;
      }
      for (const t of tags) {
        const text = tagText(t);
        const cls = /^\{(\w+)\}/.exec(text)?.[1];
        const codes = text.match(/\bERR_[A-Z0-9_]+/g) ?? [];
        if (cls === undefined) problems.push(`${at}: @throws "${text}" names no error class in braces`);
        else if (!classes.has(cls)) problems.push(`${at}: @throws names ${cls}, which is not an error class of src/`);
        if (codes.length === 0) problems.push(`${at}: @throws "${text}" names no ERR_* code`);
        for (const code of codes) {
          const owner = owners.get(code);
          if (!CODES.has(code) || owner === undefined) problems.push(`${at}: @throws names ${code}, which is not in ErrorCodes`);
          else if (cls !== undefined && classes.has(cls) && !isSubclass(owner, cls))
            problems.push(`${at}: @throws {${cls}} names ${code}, which ${owner} throws`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every exported function of chat-keykit and chat-keykit/sendbird has an @example', () => {
    const missing = items
      .filter((d) => d.example && d.functions.length > 0)
      .filter((d) => !d.symbol.getJsDocTags(checker).some((t) => t.name === 'example' && tagText(t) !== ''))
      .map((d) => `${d.file} ${d.name} (${d.entry}): no @example`);
    expect(missing).toEqual([]);
  });
});
