// npm run bench (hostile part): every case of bench/hostile-cases.mjs in a fresh process whose heap
// is limited to 64 MB above what its input occupies (measured by a first process), timed. A case
// passes when the process finishes within the limit with the expected outcome.
//
//   node bench/hostile.mjs            all cases;   node bench/hostile.mjs <index>   one case (child)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as root from '../dist/index.js';
import * as sendbird from '../dist/sendbird.js';
import * as wire from '../dist/wire.js';
import * as backends from '../dist/backends.js';
import { hostileCases, outcome } from './hostile-cases.mjs';

const kit = { ...root, ...sendbird, ...wire, ...backends };
const self = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

async function child(index, phase) {
  const cases = await hostileCases(kit);
  const c = cases[index];
  const input = await c.build();
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  if (phase === 'measure') return { base };
  const rss = process.resourceUsage().maxRSS;
  const t = performance.now();
  const out = await outcome(c.run, input);
  const ms = performance.now() - t;
  return { base, ms, rssGrowthKiB: Math.max(0, process.resourceUsage().maxRSS - rss), heapAfter: process.memoryUsage().heapUsed, out };
}

if (process.argv[2] !== undefined) {
  const r = await child(Number(process.argv[2]), process.argv[3]);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

const cases = await hostileCases(kit);
const rows = [];
for (let i = 0; i < cases.length; i++) {
  const c = cases[i];
  const { base } = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', self, String(i), 'measure'], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .at(-1),
  );
  const limitMb = Math.ceil((base + 64 * MB) / MB);
  let r;
  try {
    r = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', `--max-old-space-size=${limitMb}`, self, String(i), 'run'], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .trim()
        .split('\n')
        .at(-1),
    );
  } catch {
    r = { out: { error: `crashed under a ${limitMb} MB heap` } };
  }
  const got = r.out.error ?? (r.out.codes ?? []).join(',');
  const ok = r.out.error ? c.expect.includes(r.out.error) : c.expect.some((code) => r.out.codes?.includes(code));
  rows.push({
    case: c.name,
    input: `${(base / MB).toFixed(0)} MB heap`,
    'heap limit': `${limitMb} MB`,
    ms: r.ms?.toFixed(0) ?? '-',
    'RSS growth MB': r.rssGrowthKiB === undefined ? '-' : (r.rssGrowthKiB / 1024).toFixed(0),
    outcome: got.slice(0, 40),
    ok: ok ? 'yes' : 'NO',
  });
}
console.log('\nHostile inputs (each in a fresh process, heap limited to 64 MB above its input):');
console.table(rows);
