/**
 * Test-only determinism (src/core/testing.ts, `chat-keykit/testing`): hooks travel in options under
 * a symbol only this module hands out, so a string key, a look-alike symbol or options read from
 * JSON never carry them; hooks are checked (functions only, at run time and in the types); the
 * seeded stream is SHA-256(seed ‖ counter) as documented (vectors/README.md), whatever the read
 * sizes; numbered message ids are UUID v4 shaped. Real calls honour the hooks: the conversation key
 * is the stream's first bytes, the version is the hook clock's, the message ids are the numbered ones.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { TESTING_HOOKS, testingHooksOf } from '../../src/core/testing.js';
import {
  generateConversationKey,
  numberedMessageIds,
  prepareConversationKeyChange,
  seededRandom,
  withTestingHooks,
  type TestingHooks,
} from '../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';
import { RUNS } from '../helpers/properties.js';

/** The documented stream, written from vectors/README.md with node:crypto: SHA-256(seed ‖ be32(counter)) blocks. */
function documentedStream(seed: string, length: number): Uint8Array {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    blocks.push(createHash('sha256').update(Buffer.from(seed, 'utf8')).update(counter).digest());
  }
  return new Uint8Array(Buffer.concat(blocks).subarray(0, length));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('carrying hooks', () => {
  test('withTestingHooks adds them under the symbol, copying options and hooks, leaving both unchanged', () => {
    const options = { backend: 'noble' as const };
    const hooks: TestingHooks = { now: () => 1 };
    const out = withTestingHooks(options, hooks);
    expect(typeof TESTING_HOOKS).toBe('symbol');
    expect(Object.getOwnPropertySymbols(out)).toEqual([TESTING_HOOKS]);
    expect(out.backend).toBe('noble');
    expect(options).toEqual({ backend: 'noble' });
    expect(Object.getOwnPropertySymbols(options)).toEqual([]);
    hooks.now = () => 2;
    expect(testingHooksOf(out)?.now?.()).toBe(1);
  });

  test('only the symbol carries them: not a string key, a look-alike symbol, or options read from JSON', () => {
    const hooks = { now: () => 1 };
    const description = TESTING_HOOKS.description as string;
    for (const options of [
      { testingHooks: hooks },
      { [description]: hooks },
      { [Symbol(description)]: hooks },
      { [Symbol.for(description)]: hooks },
      JSON.parse(JSON.stringify(withTestingHooks({}, hooks))),
      structuredClone({ ...withTestingHooks({}, {}) }),
    ]) {
      expect(testingHooksOf(options)).toBeUndefined();
    }
    for (const v of [undefined, null, 1, 'x']) expect(testingHooksOf(v)).toBeUndefined();
    expect(testingHooksOf(withTestingHooks({}, hooks))?.now).toBe(hooks.now);
  });

  test('hooks that are not functions are refused, naming the hook', () => {
    for (const k of ['random', 'messageId', 'now'] as const) {
      for (const v of [1, 'x', {}, null]) {
        expect(() => testingHooksOf(withTestingHooks({}, { [k]: v } as unknown as TestingHooks))).toThrow(
          expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_ARGUMENT', field: `testing hooks: ${k}` }),
        );
      }
    }
    // And in the types (checked by `npm run typecheck`).
    // @ts-expect-error -- a clock is a function
    withTestingHooks({}, { now: 1795357034165 });
    // @ts-expect-error -- there is no such hook
    withTestingHooks({}, { seed: 'x' });
  });
});

describe('seededRandom', () => {
  test('the documented stream: SHA-256(seed ‖ big-endian 32-bit counter from 0), front to back', () => {
    const r = seededRandom('seed');
    const parts = [r(10), r(40), r(0), r(5), r(100)];
    expect(parts.map((p) => p.length)).toEqual([10, 40, 0, 5, 100]);
    expect(hex(Uint8Array.from(parts.flatMap((p) => [...p])))).toBe(hex(documentedStream('seed', 155)));
    // The seed is UTF-8.
    expect(hex(seededRandom('clé ✓')(64))).toBe(hex(documentedStream('clé ✓', 64)));
  });

  test('property: any split of reads gives the same stream; each generator starts afresh', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.array(fc.nat({ max: 70 }), { maxLength: 8 }), (seed, sizes) => {
        const r = seededRandom(seed);
        const got = sizes.flatMap((n) => [...r(n)]);
        const total = sizes.reduce((a, b) => a + b, 0);
        expect(hex(Uint8Array.from(got))).toBe(hex(documentedStream(seed, total)));
        expect(hex(seededRandom(seed)(total))).toBe(hex(documentedStream(seed, total)));
      }),
      { numRuns: RUNS, seed: 91 },
    );
  });

  test('each read is a copy: changing it does not change what follows', () => {
    const a = seededRandom('x');
    const b = seededRandom('x');
    const first = a(16);
    first.fill(0);
    expect(hex(a(16))).toBe(hex(b(32).subarray(16)));
  });
});

describe('numberedMessageIds', () => {
  test('UUID v4 shaped, lowercase, numbered from prefix·1000 + 1, one counter per generator', () => {
    const ids = numberedMessageIds(7);
    const [a, b] = [ids(), ids()];
    expect(a).toBe('00000000-0000-4000-8000-000000001b59'); // 7001
    expect(b).toBe('00000000-0000-4000-8000-000000001b5a');
    expect(numberedMessageIds(7)()).toBe(a);
    for (const id of [a, b, numberedMessageIds(0)(), numberedMessageIds(123456)()]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

describe('real calls honour the hooks', () => {
  let m: Member[];
  beforeAll(async () => {
    m = await makeMembers(['111', '222']);
  });

  test('random: a conversation key is the stream’s first 32 bytes; a look-alike key is ignored', async () => {
    const key = await generateConversationKey(withTestingHooks({}, { random: seededRandom('k') }));
    expect(hex(key)).toBe(hex(documentedStream('k', 32)));
    const ignored = await generateConversationKey({
      [Symbol.for(TESTING_HOOKS.description as string)]: { random: seededRandom('k') },
    } as object);
    expect(hex(ignored)).not.toBe(hex(key));
  });

  test('a random hook must return exactly the bytes asked for', async () => {
    await expect(generateConversationKey(withTestingHooks({}, { random: () => new Uint8Array(31) }))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      field: 'testing hooks: random',
    });
  });

  test('now and messageId: the version and the message ids of a key change; the same hooks give the same bytes', async () => {
    const hooks = () => ({ now: () => 1_795_357_034_165, random: seededRandom('change'), messageId: numberedMessageIds(3) });
    const params = { publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!) };
    const a = await prepareConversationKeyChange(params, withTestingHooks({}, hooks()));
    const b = await prepareConversationKeyChange(params, withTestingHooks({}, hooks()));
    expect(a.conversationKeyVersion).toBe('1795357034165');
    expect(a.actionSignatures[0]!.messageId).toBe('00000000-0000-4000-8000-000000000bb9'); // 3001
    expect(hex(a.conversationKey)).toBe(hex(documentedStream('change', 32)));
    // New hooks (a new clock function, a new stream): byte for byte the same change.
    expect(b).toEqual(a);
    const clock = () => 1_795_357_034_165;
    const same = () => ({ now: clock, random: seededRandom('change'), messageId: numberedMessageIds(3) });
    const c = await prepareConversationKeyChange(params, withTestingHooks({}, same()));
    const d = await prepareConversationKeyChange(params, withTestingHooks({}, same()));
    // One clock function for both: its versions strictly increase.
    expect(d.conversationKeyVersion).toBe(String(BigInt(c.conversationKeyVersion) + 1n));
  });
});
