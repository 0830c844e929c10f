/**
 * The package's sources as the TypeScript compiler sees them, for tests that read the code rather
 * than run it (test/jsdoc.test.ts, test/errors.test.ts): one program over src/, the public entry
 * points, their exports followed through re-exports to the declarations, and a conservative answer
 * to "can this function throw?".
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const root = resolve(import.meta.dirname, '..', '..');

/** The public entry points: source file → the specifier users import. */
export const ENTRIES: Readonly<Record<string, string>> = {
  'src/index.ts': 'chat-keykit',
  'src/sendbird.ts': 'chat-keykit/sendbird',
  'src/wire.ts': 'chat-keykit/wire',
  'src/backends.ts': 'chat-keykit/backends',
  'src/testing.ts': 'chat-keykit/testing',
};

let cached: { program: ts.Program; checker: ts.TypeChecker } | undefined;

/** One program over the package's sources (tsconfig.json's options and files). */
export function sourceProgram(): { program: ts.Program; checker: ts.TypeChecker } {
  if (cached) return cached;
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => readFileSync(p, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true }, configPath);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  cached = { program, checker: program.getTypeChecker() };
  return cached;
}

/** A path relative to the repository root, with forward slashes. */
export function repoPath(file: string): string {
  return relative(root, file).split('\\').join('/');
}

/** Is the node's file one of the package's own sources (not a library's declarations)? */
export function inSources(node: ts.Node): boolean {
  const file = node.getSourceFile().fileName;
  return repoPath(file).startsWith('src/');
}

/** One exported name of an entry point and the declarations it stands for. */
export interface PublicExport {
  /** The source file of the entry point (`src/wire.ts`). */
  entry: string;
  name: string;
  symbol: ts.Symbol;
  declarations: readonly ts.Declaration[];
}

/** Follows an alias (an import or re-export) to the symbol it names. */
export function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Every exported name of every entry point, followed to its declarations. */
export function publicExports(): PublicExport[] {
  const { program, checker } = sourceProgram();
  const out: PublicExport[] = [];
  for (const entry of Object.keys(ENTRIES)) {
    const file = program.getSourceFile(join(root, entry));
    if (!file) throw new Error(`${entry} is not part of the program`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) throw new Error(`${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = resolveAlias(checker, exported);
      out.push({ entry, name: exported.getName(), symbol, declarations: symbol.declarations ?? [] });
    }
  }
  return out;
}

/** A function-like declaration with a body, or undefined. */
function withBody(d: ts.Declaration | undefined): ts.FunctionLikeDeclaration | undefined {
  if (d === undefined) return undefined;
  if (
    (ts.isFunctionDeclaration(d) ||
      ts.isMethodDeclaration(d) ||
      ts.isConstructorDeclaration(d) ||
      ts.isGetAccessorDeclaration(d) ||
      ts.isSetAccessorDeclaration(d) ||
      ts.isFunctionExpression(d) ||
      ts.isArrowFunction(d)) &&
    d.body
  )
    return d;
  if (ts.isVariableDeclaration(d) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)))
    return d.initializer;
  return undefined;
}

/** The functions of the package's sources that a call or `new` expression may run (none for calls through interfaces or values). */
function callees(checker: ts.TypeChecker, node: ts.CallExpression | ts.NewExpression): ts.FunctionLikeDeclaration[] {
  const expr = node.expression;
  const at = ts.isPropertyAccessExpression(expr) ? expr.name : expr;
  const found = checker.getSymbolAtLocation(at);
  if (!found) return [];
  const symbol = resolveAlias(checker, found);
  const out: ts.FunctionLikeDeclaration[] = [];
  for (const d of symbol.declarations ?? []) {
    if (!inSources(d)) continue;
    if (ts.isNewExpression(node) && ts.isClassDeclaration(d)) {
      // The constructor runs, and the base class's when this class has none of its own.
      let cls: ts.ClassDeclaration | undefined = d;
      while (cls) {
        const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
        if (ctor) {
          out.push(ctor);
          break;
        }
        cls = baseClass(checker, cls);
      }
      continue;
    }
    const f = withBody(d);
    if (f) out.push(f);
  }
  return out;
}

/** The declaration of a class's base class, when it is one of the package's sources. */
export function baseClass(checker: ts.TypeChecker, cls: ts.ClassDeclaration): ts.ClassDeclaration | undefined {
  const ext = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  if (!ext) return undefined;
  const s = checker.getSymbolAtLocation(ext.expression);
  const d = s && resolveAlias(checker, s).declarations?.find(ts.isClassDeclaration);
  return d && inSources(d) ? d : undefined;
}

const throwing = new Map<ts.Node, boolean>();

/**
 * Can `f` throw (or reject)? It can when its body has a `throw` statement, or calls a function of
 * the package's sources that can, outside a `try` whose `catch` swallows everything. Nested
 * functions count as part of the body (a callback's throw usually escapes through its caller).
 * Calls through interfaces (the crypto backend) and function values are not followed, so the
 * answer errs towards "no" there.
 */
export function canThrow(f: ts.FunctionLikeDeclaration): boolean {
  const { checker } = sourceProgram();
  const memo = throwing.get(f);
  if (memo !== undefined) return memo;
  throwing.set(f, false); // a cycle adds nothing
  const visit = (node: ts.Node): boolean => {
    if (ts.isThrowStatement(node)) return true;
    if (ts.isTryStatement(node) && node.catchClause) {
      // What the try block throws is caught; the catch and finally blocks may throw again.
      return visit(node.catchClause.block) || (node.finallyBlock !== undefined && visit(node.finallyBlock));
    }
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && callees(checker, node).some((c) => c !== f && canThrow(c))) return true;
    return ts.forEachChild(node, (child) => (visit(child) ? true : undefined)) ?? false;
  };
  const result = f.body !== undefined && visit(f.body);
  throwing.set(f, result);
  return result;
}

/** The function-like declarations (with bodies) among a symbol's declarations. */
export function functionsOf(declarations: readonly ts.Declaration[]): ts.FunctionLikeDeclaration[] {
  return declarations.map(withBody).filter((f): f is ts.FunctionLikeDeclaration => f !== undefined);
}

/** The classes of the package's sources that extend KeykitError (KeykitError included), by name. */
export function errorClasses(): ReadonlyMap<string, ts.ClassDeclaration> {
  if (classesCache) return classesCache;
  const { program, checker } = sourceProgram();
  const out = new Map<string, ts.ClassDeclaration>();
  for (const file of program.getSourceFiles()) {
    if (!inSources(file)) continue;
    ts.forEachChild(file, function visit(node) {
      if (ts.isClassDeclaration(node) && node.name) {
        for (let c: ts.ClassDeclaration | undefined = node; c; c = baseClass(checker, c)) {
          if (c.name?.text === 'KeykitError' && repoPath(c.getSourceFile().fileName) === 'src/errors.ts') {
            out.set(node.name.text, node);
            break;
          }
        }
      }
      ts.forEachChild(node, visit);
    });
  }
  classesCache = out;
  return out;
}
let classesCache: ReadonlyMap<string, ts.ClassDeclaration> | undefined;

/** Is class `sub` the class `base` or derived from it? */
export function isSubclass(sub: string, base: string): boolean {
  const { checker } = sourceProgram();
  const classes = errorClasses();
  for (let c = classes.get(sub); c; c = baseClass(checker, c)) if (c.name?.text === base) return true;
  return false;
}

/**
 * The class each code of ErrorCodes belongs to, as src/errors.ts declares it: the codes are
 * grouped under comments `// <ClassName>: …`, each group's codes belonging to that class.
 */
export function declaredOwners(): Map<string, string> {
  const { program } = sourceProgram();
  const file = program.getSourceFile(join(root, 'src', 'errors.ts'));
  if (!file) throw new Error('src/errors.ts is not part of the program');
  const text = file.getFullText();
  const out = new Map<string, string>();
  let owner: string | undefined;
  ts.forEachChild(file, function visit(node) {
    if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.initializer) && node.initializer.text.startsWith('ERR_')) {
      for (const c of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
        const m = /^\/\/\s*(\w+Error):/.exec(text.slice(c.pos, c.end));
        if (m) owner = m[1];
      }
      if (owner) out.set(node.initializer.text, owner);
      return;
    }
    ts.forEachChild(node, visit);
  });
  return out;
}

/** Where an error is constructed: file:line, the class, and the codes its first argument can be. */
export interface ErrorSite {
  where: string;
  cls: string;
  /** The codes (`ERR_…`), or null when the code is not a constant (it is passed through). */
  codes: string[] | null;
}

/**
 * Every `new <ErrorClass>(code, …)` and `super(code, …)` of an error class in the sources, with
 * the codes the first argument can take: `ErrorCodes.X`, either branch of a conditional, or a
 * parameter of the enclosing function, followed to every call of that function.
 */
export function errorSites(codeValues: Readonly<Record<string, string>>): ErrorSite[] {
  const { program, checker } = sourceProgram();
  const classes = errorClasses();
  const files = program.getSourceFiles().filter(inSources);
  // Every call of the sources, by the function it calls.
  const callsOf = new Map<ts.Symbol, ts.CallExpression[]>();
  for (const file of files) {
    ts.forEachChild(file, function collect(node) {
      if (ts.isCallExpression(node)) {
        const at = ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression;
        const found = checker.getSymbolAtLocation(at);
        if (found) {
          const s = resolveAlias(checker, found);
          callsOf.set(s, [...(callsOf.get(s) ?? []), node]);
        }
      }
      ts.forEachChild(node, collect);
    });
  }
  const codesOf = (expr: ts.Expression, depth: number): string[] | null => {
    if (ts.isParenthesizedExpression(expr)) return codesOf(expr.expression, depth);
    if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'ErrorCodes') {
      const v = codeValues[expr.name.text];
      if (v === undefined) throw new Error(`ErrorCodes.${expr.name.text} does not exist`);
      return [v];
    }
    if (ts.isConditionalExpression(expr)) {
      const a = codesOf(expr.whenTrue, depth);
      const b = codesOf(expr.whenFalse, depth);
      return a && b ? [...a, ...b] : null;
    }
    // A parameter of a helper (`fail(field, reason, code)`): the codes its callers pass.
    const param = ts.isIdentifier(expr) ? checker.getSymbolAtLocation(expr)?.valueDeclaration : undefined;
    if (param && ts.isParameter(param) && !ts.isConstructorDeclaration(param.parent) && depth < 4) {
      const fn = param.parent;
      const fnSymbol = fn.name && checker.getSymbolAtLocation(fn.name);
      const calls = fnSymbol ? (callsOf.get(fnSymbol) ?? []) : [];
      const index = fn.parameters.indexOf(param);
      const found: string[] = [];
      for (const c of calls) {
        const arg = c.arguments[index];
        const codes = arg && codesOf(arg, depth + 1);
        if (!codes) return null;
        found.push(...codes);
      }
      return calls.length > 0 ? found : null;
    }
    return null;
  };
  /** The codes a class's own constructor passes to `super`, when it fixes one. */
  const fixedCodes = (cls: ts.ClassDeclaration): string[] | null => {
    const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
    const call = ctor?.body?.statements
      .map((st) =>
        ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && st.expression.expression.kind === ts.SyntaxKind.SuperKeyword
          ? st.expression
          : undefined,
      )
      .find((c) => c !== undefined);
    const arg = call?.arguments[0];
    return arg ? codesOf(arg, 0) : null;
  };
  const out: ErrorSite[] = [];
  for (const file of files) {
    ts.forEachChild(file, function visit(node) {
      let site: Omit<ErrorSite, 'where'> | undefined;
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && classes.has(node.expression.text)) {
        const s = checker.getSymbolAtLocation(node.expression);
        const d = s && resolveAlias(checker, s).declarations?.find(ts.isClassDeclaration);
        const cls = node.expression.text;
        if (d && classes.get(cls) === d) {
          const arg = node.arguments?.[0];
          site = { cls, codes: fixedCodes(d) ?? (arg ? codesOf(arg, 0) : null) };
        }
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const cls = ts.findAncestor(node, ts.isClassDeclaration);
        const base = cls && baseClass(checker, cls);
        const arg = node.arguments[0];
        if (cls?.name && base?.name && classes.has(base.name.text)) site = { cls: cls.name.text, codes: arg ? codesOf(arg, 0) : null };
      }
      if (site) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        out.push({ where: `${repoPath(file.fileName)}:${line + 1}`, ...site });
      }
      ts.forEachChild(node, visit);
    });
  }
  return out;
}
