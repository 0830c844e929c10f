/**
 * vectors/README.md: it documents every vector file, every field of each (and none the files
 * lack), the randomness stream, and the Thrift structs of events.json exactly as
 * src/wire/xchat/events.ts defines them; it is self-contained.
 */
import { describe, expect, test } from 'vitest';
import {
  ConversationKeyChangeEvent,
  ConversationParticipantKey,
  GroupChange,
  GroupChangeEvent,
  GroupCreate,
  GroupMemberAddChange,
  MessageEvent,
  MessageEventDetail,
  MessageEventSignature,
} from '../../src/wire/xchat/events.js';
import type { AnyStructDef, TypeDesc } from '../../src/wire/thrift/index.js';
import { VECTOR_FILES } from '../../src/vectors/index.js';
import { committed, file, readme } from './committed.js';

describe('vectors/README.md', () => {
  test('vectors/README.md documents every file and the randomness stream', () => {
    for (const name of VECTOR_FILES) expect(readme()).toContain(`## ${name}`);
    expect(readme()).toMatch(/SHA-256\(seed ‖ counter\)/);
  });

  test('vectors/README.md is self-contained: no reference to a protocol file outside the repository', () => {
    expect(readme()).not.toMatch(/PROTOCOL/);
    for (const [name, text] of committed) expect(JSON.parse(text).protocol, name).not.toMatch(/PROTOCOL|\.md\b/);
  });

  /**
   * Every JSON key of a file appears in a code span of that file's README section (the header keys
   * in Conventions), and every name in the first column of a section's tables is a key (or a
   * value, such as a `function`) of that file: the README neither misses nor invents fields.
   */
  test('vectors/README.md documents every field of every file, and no field the files lack', () => {
    const sections = new Map<string, string>();
    for (const part of readme().split(/^## /m).slice(1)) sections.set(part.slice(0, part.indexOf('\n')).trim(), part);
    const names = (text: string) =>
      new Set(
        [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`]+)`/g)].flatMap(
          (m) => (m[1] as string).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [],
        ),
      );
    const header = ['protocol', 'format_version', 'generator', 'description', 'vectors', 'id'];
    const conventions = names(sections.get('Conventions') ?? '');
    for (const key of header) expect(conventions.has(key), `Conventions documents ${key}`).toBe(true);
    for (const name of VECTOR_FILES) {
      const keys = new Set<string>();
      const values = new Set<string>();
      const walk = (v: unknown): void => {
        if (typeof v === 'string') values.add(v);
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            keys.add(k);
            walk(x);
          }
        }
      };
      walk(file(name));
      const section = sections.get(name) ?? '';
      const documented = names(section);
      const missing = [...keys].filter((k) => !header.includes(k) && !documented.has(k));
      expect(missing, `fields of ${name} missing from its README section`).toEqual([]);
      const firstColumn = section.split('\n').flatMap((line) => [...names(/^\|([^|]*)\|/.exec(line)?.[1] ?? '')]);
      expect(firstColumn.length, `${name} has a field table`).toBeGreaterThan(0);
      const invented = firstColumn.filter((n) => !keys.has(n) && !values.has(n));
      expect(invented, `names in the tables of ${name} that the file lacks`).toEqual([]);
    }
  });
});

describe('vectors/README.md Thrift tables', () => {
  /** A Thrift type as the README writes it. */
  const typeName = (t: TypeDesc): string =>
    t.k === 'struct'
      ? t.def().name
      : t.k === 'list'
        ? `list<${typeName(t.elem)}>`
        : t.k === 'map'
          ? `map<${typeName(t.key)}, ${typeName(t.value)}>`
          : t.k;

  test('the struct table of events.json gives the ids, names and types of src/wire/events.ts', () => {
    const section =
      readme()
        .split(/^## /m)
        .find((part) => part.startsWith('events.json')) ?? '';
    const rows: { struct: string; id: number; name: string; type: string }[] = [];
    let struct = '';
    for (const line of section.split('\n')) {
      const m = /^\| *([^|]*?) *\| *(\d+) *\| *([a-z_]+) *\| *(.*?) *\|$/.exec(line);
      if (!m) continue;
      struct = m[1] ? (m[1] as string).replace(/ \(union\)$/, '') : struct;
      rows.push({
        struct,
        id: Number(m[2]),
        name: m[3] as string,
        type: (m[4] as string).replace(/ *\{[^}]*\}/g, '').replace(/ *\(.*\)$/, ''),
      });
    }
    const defs: Record<string, AnyStructDef> = {
      MessageEventDetail,
      ConversationKeyChangeEvent,
      ConversationParticipantKey,
      GroupChangeEvent,
      GroupChange,
      GroupCreate,
      GroupMemberAddChange,
      MessageEvent,
      MessageEventSignature,
    };
    expect(new Set(rows.map((r) => r.struct))).toEqual(new Set(Object.keys(defs)));
    // The README gives the IDL's names; ours are camelCase, and three follow the SDK's JavaScript names.
    const SDK_NAMES: Record<string, string> = {
      conversation_participant_keys: 'participantKeys',
      encrypted_conversation_key: 'encryptedKey',
      group_change: 'groupChange',
    };
    const ours = (idl: string) => SDK_NAMES[idl] ?? idl.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    for (const r of rows) {
      const field = defs[r.struct]?.fields.find((f) => f.id === r.id);
      expect(field?.name, `${r.struct} field ${r.id}`).toBe(ours(r.name));
      expect(r.type, `${r.struct}.${r.name} type`).toBe(typeName(field!.type));
    }
    // Structs are documented whole; of the two unions, the variants the vectors use.
    for (const [name, def] of Object.entries(defs)) {
      if (def.union) continue;
      expect(
        rows.filter((r) => r.struct === name).map((r) => r.id),
        name,
      ).toEqual(def.fields.map((f) => f.id));
    }
    expect(rows.filter((r) => r.struct === 'MessageEventDetail').map((r) => r.id)).toEqual([3, 4]);
    expect(rows.filter((r) => r.struct === 'GroupChange').map((r) => r.id)).toEqual([1, 5]);
  });
});
