/**
 * The hostile inputs of bench/hostile-cases.mjs, at a tenth of their size: each is refused the
 * way it says (a bounded report or a typed error), never built in full. `npm run bench` runs them
 * at full size (16 MB) in processes whose heap is limited to 64 MB above the input, and times them.
 */
import { describe, expect, test } from 'vitest';
import * as kit from '../helpers/kit.js';
import { hostileCases, outcome } from '../../bench/hostile-cases.mjs';

const cases = await hostileCases(kit, 0.1);

describe('hostile inputs are refused within bounds', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = cases[i]!;
    const r = await outcome(c.run, await c.build());
    if (r.error !== undefined) expect(c.expect).toContain(r.error);
    else {
      expect(r.valid).toBe(false);
      expect(
        c.expect.some((code: string) => r.codes!.includes(code)),
        `${c.name}: ${r.codes}`,
      ).toBe(true);
      expect(r.problems).toBeLessThan(200);
    }
  });
});
