import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportReport } from '../../src/hedge/export.js';
import { loadProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';
import { solveAll } from '../../src/solvers/solve.js';

describe('hedges that hedge', () => {
  it('Gaussian d = 2 (examples/gaussian-d2.json), defaults: the polished super- and subhedge hold on every tested path at a price within 3% of the exact bound', async () => {
    const problem = await loadProblem('examples/gaussian-d2.json');
    // Proposition 4.1 by hand: a sum_t sqrt(dv_t1 dv_t2) for the cost a y1 y2 at the last date
    const sd = problem.marginals.map((row) => row.map((m) => Math.sqrt(m.variance)));
    const a = 0.22352713784627523;
    const exact = a * (sd[0][0] * sd[0][1] + Math.sqrt((sd[1][0] ** 2 - sd[0][0] ** 2) * (sd[1][1] ** 2 - sd[0][1] ** 2)));
    expect(exact).toBeCloseTo(1.472853, 5);
    const report = await solveAll(problem, neuralSolver);
    const docs = await exportReport(mkdtempSync(join(tmpdir(), 'vmot-hedge-train-')), problem, report);
    expect(docs.map((d) => d.side)).toEqual(['upper', 'lower']);
    for (const doc of docs) {
      const target = doc.side === 'upper' ? exact : -exact;
      const v = doc.verification!;
      // polished: no path of its pool falls short; verified on other paths (a finer grid, fresh samples)
      expect(doc.polish!.worstAfter).toBeLessThan(1e-4);
      expect(Math.abs(v.conservative / target - 1)).toBeLessThan(0.03);
      // weak duality: a hedge that holds on every path costs at least the bound (upper), at most it (lower)
      const sign = doc.side === 'upper' ? 1 : -1;
      expect(sign * (v.conservative - target)).toBeGreaterThan(-1e-3 * exact);
    }
  });
});
