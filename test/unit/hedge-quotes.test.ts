import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportHedge } from '../../src/hedge/export.js';
import { expiryLawFromFiles } from '../../src/marginals/quotes/pipeline.js';
import { loadProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';

describe('hedge of a problem built on option quotes', () => {
  it('lists the last-date vanillas at the listed strikes of the quotes marginals and prices them at the quotes', async () => {
    const problem = await loadProblem('examples/amzn-aapl/portfolio-variance.json', { steps: 5 });
    Object.assign(problem.training, { batch: 64, width: 16, depth: 2, evalSamples: 1000 });
    const dir = 'examples/amzn-aapl';
    const refs = [87.86, 134.51];
    // worst repricing error of each last-date law, in the marginal's (return) units, undiscounted
    const tolerance: number[] = [];
    for (const [i, name] of ['AMZN', 'AAPL'].entries()) {
      const law = await expiryLawFromFiles(join(dir, `${name}_call_price.csv`), join(dir, `${name}_put_price.csv`), 'period 2');
      const listed = problem.marginals[1][i].listed!;
      expect(listed.strikes.length).toBe(law.cleaned.strikes.length);
      law.cleaned.strikes.forEach((k, j) => expect(listed.strikes[j]).toBeCloseTo(k / refs[i] - 1, 12));
      tolerance.push(Math.max(...law.repricing.map((r) => Math.abs(r.error))) / law.parity.discount / refs[i]);
    }
    const r = await neuralSolver.solve(problem, 'upper', {});
    const doc = await exportHedge(mkdtempSync(join(tmpdir(), 'vmot-hedge-quotes-')), problem, r, { verify: { n: 256, gridPoints: 256 }, polish: { gridPoints: 256, paths: 256 } });
    for (const c of doc.components) {
      if (c.kind !== 'static' || c.date !== 1) continue;
      const listed = problem.marginals[1][c.asset].listed!;
      expect(c.strip.listed).toBe(true);
      expect(c.grid.price).toEqual([...listed.strikes].sort((a, b) => a - b));
      for (const o of [...c.strip.calls, ...c.strip.puts]) expect(listed.strikes).toContain(o.strike);
      expect(c.strip.quoted).not.toBeNull();
      // the marginal reprices every quote within its worst repricing error, so the strip prices differ by at most sum |w| x that error
      const w = [...c.strip.calls, ...c.strip.puts].reduce((a, o) => a + Math.abs(o.weight), 0);
      expect(Math.abs(c.strip.quoted! - c.strip.price)).toBeLessThanOrEqual(w * tolerance[c.asset] * (1 + 1e-9) + 1e-12);
    }
    expect(doc.cost.quoted).not.toBeNull();
  });
});
