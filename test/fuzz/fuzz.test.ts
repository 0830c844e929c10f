/**
 * Fuzzing of the decoders and verifiers with a seeded random-bytes and structure-aware mutator.
 * The normal test run does a bounded number of iterations per target with a fixed seed; the long
 * run is `npm run fuzz` (KEYKIT_FUZZ_ITERATIONS, KEYKIT_FUZZ_SEED). Any crash is saved under
 * test/fuzz/regressions/ and replayed by every later run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mutateBytes, mutateJson, mutateThrift, Rng, type Json } from './mutator.js';
import { makeTargets, type Target } from './targets.js';

const ITERATIONS = Number(process.env.KEYKIT_FUZZ_ITERATIONS ?? 250);
const SEED = process.env.KEYKIT_FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.KEYKIT_FUZZ_SEED ?? 20261124);
const SLOW_MS = 1000;
const REGRESSIONS = join(import.meta.dirname, 'regressions');

const targets = await makeTargets();

interface Regression {
  target: string;
  /** base64 of the bytes, or the JSON document. */
  input: string | Json;
  note?: string;
}

/**
 * JSON cannot hold the numbers the mutator makes (NaN, ±Infinity, -0): they are stored as
 * `{ "$number": "NaN" }` and revived on replay, so that a saved case reproduces exactly.
 */
const SPECIAL = '$number';
function storeNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { [SPECIAL]: Object.is(v, -0) ? '-0' : String(v) } : v;
}
function reviveNumbers(_key: string, v: unknown): unknown {
  return v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as Record<string, unknown>)[SPECIAL] === 'string'
    ? Number((v as Record<string, string>)[SPECIAL])
    : v;
}

function save(target: Target, input: Uint8Array | Json, error: unknown): string {
  mkdirSync(REGRESSIONS, { recursive: true });
  const stored: Regression = {
    target: target.name,
    input: target.kind === 'bytes' ? Buffer.from(input as Uint8Array).toString('base64') : (input as Json),
    note: String(error).slice(0, 200),
  };
  const text = `${JSON.stringify(stored, storeNumbers, 2)}\n`;
  const file = join(REGRESSIONS, `${target.name}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.json`);
  writeFileSync(file, text);
  return file;
}

async function runOne(target: Target, input: Uint8Array | Json): Promise<void> {
  const t = performance.now();
  await target.run(input);
  const ms = performance.now() - t;
  if (ms > SLOW_MS) throw new Error(`${target.name} took ${ms.toFixed(0)} ms on one input`);
}

describe('fuzz', () => {
  for (const target of targets) {
    test(
      `${target.name}: ${ITERATIONS} mutated inputs, seed ${SEED}`,
      async () => {
        const rng = new Rng(SEED ^ (target.name.length * 0x9e3779b1));
        const corpus = target.kind === 'bytes' ? (target.seeds as Uint8Array[]) : [];
        for (const seed of target.seeds) await runOne(target, seed);
        for (let i = 0; i < ITERATIONS; i++) {
          const seed = rng.pick(target.seeds);
          const input =
            target.kind === 'json'
              ? mutateJson(rng, seed as Json)
              : target.thrift && rng.int(2)
                ? mutateThrift(rng, seed as Uint8Array)
                : mutateBytes(rng, seed as Uint8Array, corpus);
          try {
            await runOne(target, input);
          } catch (e) {
            const file = save(target, input, e);
            throw new Error(`${target.name} crashed on iteration ${i} (saved to ${file}): ${String(e)}`, { cause: e });
          }
        }
      },
      Math.max(60_000, ITERATIONS * 20),
    ); // long runs (npm run fuzz) get time in proportion
  }
});

describe('fuzz regressions', () => {
  test('saved cases keep the numbers JSON cannot hold', () => {
    const doc = { a: [NaN, Infinity, -Infinity, -0, 1.5] };
    const back = JSON.parse(JSON.stringify(doc, storeNumbers), reviveNumbers) as typeof doc;
    expect(back.a.map((x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual(['NaN', 'Infinity', '-Infinity', '-0', '1.5']);
  });
  const files = readdirSync(REGRESSIONS).filter((f) => f.endsWith('.json'));
  test('there are saved cases to replay', () => expect(files.length).toBeGreaterThan(0));
  test.each(files)('%s', async (file) => {
    const r = JSON.parse(readFileSync(join(REGRESSIONS, file), 'utf8'), reviveNumbers) as Regression;
    const target = targets.find((t) => t.name === r.target);
    expect(target, `unknown target ${r.target}`).toBeDefined();
    await runOne(target!, target!.kind === 'bytes' ? Uint8Array.from(Buffer.from(r.input as string, 'base64')) : (r.input as Json));
  });
});
