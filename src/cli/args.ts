/**
 * A small, strict command-line parser: `--flag value`, `--flag=value`, list flags that take
 * comma-separated values, repeated flags or several following words, boolean switches, and
 * positionals. Unknown flags and missing values are usage errors (exit code 2).
 *
 * @module
 */

/** A flag's kind. */
export type FlagKind = 'string' | 'list' | 'boolean';

/** One flag of a command. */
export interface FlagSpec {
  kind: FlagKind;
  help: string;
  required?: boolean;
  /** Allowed values (string flags). */
  values?: readonly string[];
  /** Placeholder shown in help. */
  arg?: string;
}

/** A command's interface, used for parsing and for `--help`. */
export interface CommandSpec {
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  positionals?: { name: string; help: string; min: number; max: number };
  /** Extra help text (examples, notes). */
  details?: string;
}

/** Parsed arguments. */
export interface Parsed {
  strings: Record<string, string>;
  lists: Record<string, string[]>;
  booleans: Record<string, boolean>;
  positionals: string[];
  help: boolean;
}

/** A usage error: the message is printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `argv` (after the command name) against a spec. */
export function parseArgs(argv: readonly string[], spec: CommandSpec): Parsed {
  const out: Parsed = { strings: {}, lists: {}, booleans: {}, positionals: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === '--help' || tok === '-h') {
      out.help = true;
      continue;
    }
    if (tok === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!tok.startsWith('--') || tok === '-') {
      out.positionals.push(tok);
      continue;
    }
    const eq = tok.indexOf('=');
    const name = tok.slice(2, eq < 0 ? undefined : eq);
    const f = spec.flags[name];
    if (!f || !Object.hasOwn(spec.flags, name)) throw new UsageError(`unknown option --${name}`);
    const inline = eq < 0 ? undefined : tok.slice(eq + 1);
    if (f.kind === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new UsageError(`--${name} takes no value (or =true/=false)`);
      out.booleans[name] = inline !== 'false';
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else if (f.kind === 'string') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      values.push(next);
      i++;
    } else {
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) values.push(argv[++i] as string);
      if (values.length === 0) throw new UsageError(`--${name} needs at least one value`);
    }
    if (f.kind === 'string') {
      if (Object.hasOwn(out.strings, name)) throw new UsageError(`--${name} given twice`);
      const v = values[0] as string;
      if (f.values && !f.values.includes(v)) throw new UsageError(`--${name} must be one of ${f.values.join(', ')}`);
      out.strings[name] = v;
    } else {
      const items = values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      (out.lists[name] ??= []).push(...items);
    }
  }
  if (out.help) return out;
  for (const [name, f] of Object.entries(spec.flags)) {
    const present = Object.hasOwn(out.strings, name) || Object.hasOwn(out.lists, name) || Object.hasOwn(out.booleans, name);
    if (f.required && !present) throw new UsageError(`--${name} is required`);
  }
  const p = spec.positionals;
  const min = p?.min ?? 0;
  const max = p?.max ?? 0;
  if (out.positionals.length < min) throw new UsageError(`missing ${p?.name ?? 'argument'}`);
  if (out.positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(out.positionals[max])}`);
  return out;
}

/** The `--help` text of a command. */
export function helpText(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags);
  // Flags are printed with their "--", positionals without: both columns end at width + 2.
  const width = Math.max(
    ...flags.map(([n, f]) => n.length + (f.kind === 'boolean' ? 0 : (f.arg ?? 'VALUE').length + 1)),
    (spec.positionals?.name.length ?? 0) - 2,
    10,
  );
  const lines = [
    `chat-keykit ${spec.name}: ${spec.summary}`,
    '',
    `usage: chat-keykit ${spec.name}${flags.length ? ' [options]' : ''}${spec.positionals ? ` ${spec.positionals.min ? spec.positionals.name : `[${spec.positionals.name}]`}` : ''}`,
    '',
  ];
  if (spec.positionals) lines.push(`  ${spec.positionals.name.padEnd(width + 2)}  ${spec.positionals.help}`);
  for (const [name, f] of flags) {
    const left = `--${name}${f.kind === 'boolean' ? '' : ` ${f.arg ?? 'VALUE'}`}`;
    lines.push(
      `  ${left.padEnd(width + 2)}  ${f.help}${f.required ? ' (required)' : ''}${f.kind === 'list' ? ' (comma-separated, or several values)' : ''}`,
    );
  }
  lines.push(`  ${'--help'.padEnd(width + 2)}  this text`);
  if (spec.details) lines.push('', spec.details);
  return `${lines.join('\n')}\n`;
}
