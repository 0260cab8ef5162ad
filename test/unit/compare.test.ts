import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../src/problem/problem.js';
import { comparisonChart } from '../../src/report/comparison.js';
import { runRmot } from '../../src/rmot/run.js';
import { lpSolver } from '../../src/solvers/lp/index.js';
import { blackScholesPrice, gaussianCopulaPrice, sideBySide } from '../../src/solvers/sideBySide.js';
import { solveAll } from '../../src/solvers/solve.js';
import { c2, table2Payoff } from '../helpers/table2.js';

const normal = (sd: number) => ({ dist: 'normal', mean: 0, sd });
const spec = {
  name: 'g2',
  marginals: [c2.sig.map(normal), c2.rho.map(normal)],
  payoff: table2Payoff,
  prior: { model: 'gaussian', correlation: [[1, 0.5], [0.5, 1]], paths: 50000, seed: 3 },
  rmot: { atoms: 8 },
};

describe('side by side (rmot design section 5) on the Table-2 d = 2 problem', async () => {
  const problem = await parseProblem(spec, '.');
  const lp = await solveAll(problem, lpSolver, { options: { atoms: 12 } });
  const rmot = await runRmot(problem);
  const c = sideBySide(problem, [lp], rmot);
  const row = (label: string) => c.rows.find((r) => r.label === label)!;

  it('nests the rows as they must: RMOT inside the LP, the LP inside the exact bounds and those inside the transport bounds', () => {
    const exact = row('VMOT exact');
    expect(exact.upper).toBeCloseTo(c2.exact, 6);
    expect(row('VMOT lp').upper).toBeLessThanOrEqual(exact.upper + row('VMOT lp').errorUpper);
    expect(exact.upper).toBeLessThanOrEqual(row('transport bounds (last date)').upper);
    for (const r of c.rows.filter((x) => x.label.startsWith('RMOT eta'))) {
      expect(r.lower).toBeGreaterThanOrEqual(exact.lower);
      expect(r.upper).toBeLessThanOrEqual(exact.upper);
      expect(r.lower).toBeLessThanOrEqual(row('RMOT calibrated model').lower);
      expect(r.upper).toBeGreaterThanOrEqual(row('RMOT calibrated model').upper);
    }
    expect(c.checks.every((x) => x.ok)).toBe(true);
  });

  it('the Gaussian copula of normal marginals at the prior correlation prices w1 w2 E[y1 y2] = w1 w2 rho sum_t sqrt(dv_1 dv_2)', () => {
    const v = [c2.sig, c2.rho].map((r) => r.map((s: number) => s * s));
    const exact = c2.w[0] * c2.w[1] * 0.5 * (Math.sqrt(v[0][0] * v[0][1]) + Math.sqrt((v[1][0] - v[0][0]) * (v[1][1] - v[0][1])));
    const g = gaussianCopulaPrice(problem, [[1, 0.5], [0.5, 1]]);
    expect(Math.abs(g.value - exact)).toBeLessThan(4 * g.stderr);
    // marginals that reach below 0 get Bachelier, which on normal marginals is the same Gaussian martingale
    const b = blackScholesPrice(problem, [[1, 0.5], [0.5, 1]])!;
    expect(b.model).toBe('Bachelier');
    expect(Math.abs(b.value - exact)).toBeLessThan(4 * b.stderr);
  });

  it('draws every row as one bar on one price axis', () => {
    const chart = comparisonChart(c);
    expect(chart.kind).toBe('intervals');
    if (chart.kind === 'intervals') expect(chart.bars.map((b) => [b.lower, b.upper])).toEqual(c.rows.map((r) => [r.lower, r.upper]));
  });
});

describe('Black-Scholes at the ATM vols', () => {
  it('on lognormal marginals it is the Gaussian copula of those marginals (the same law), within Monte Carlo error', async () => {
    const { readFileSync: read } = await import('node:fs');
    const problem = await parseProblem(JSON.parse(read('examples/basket-call-d2.json', 'utf8')), 'examples');
    const rho = [[1, 0.5], [0.5, 1]];
    const bs = blackScholesPrice(problem, rho)!;
    const copula = gaussianCopulaPrice(problem, rho);
    console.log(`basket call: Black-Scholes ${bs.value.toFixed(4)} +- ${bs.stderr.toFixed(4)}, Gaussian copula ${copula.value.toFixed(4)} +- ${copula.stderr.toFixed(4)}`);
    expect(bs.model).toBe('Black-Scholes');
    expect(Math.abs(bs.value - copula.value)).toBeLessThan(4 * Math.hypot(bs.stderr, copula.stderr));
  });
});

describe('vmot compare', () => {
  it('prints the table and the checks, writes compare.html; a strike ladder gives monotone LP bounds and ladder.png', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-compare-'));
    const one = spawnSync(process.execPath, ['bin/vmot.js', 'compare', 'examples/gaussian-d2.json', '--no-neural', '--atoms', '10', '--out', out, '--report', '--quiet'], { encoding: 'utf8' });
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/VMOT lp\s+model-free/);
    expect(one.stdout).toMatch(/check ok: LP_lo <= L <= calibrated <= U <= LP_up/);
    expect(existsSync(join(out, 'compare.html'))).toBe(true);
    const ladderOut = mkdtempSync(join(tmpdir(), 'vmot-ladder-'));
    const ladder = spawnSync(process.execPath, ['bin/vmot.js', 'compare', 'examples/basket-call-d2.json', '--no-neural', '--atoms', '8', '--strikes', '90,100,110', '--out', ladderOut, '--json', '--quiet'], { encoding: 'utf8' });
    expect(ladder.status, ladder.stderr).toBe(0);
    const rows = (JSON.parse(ladder.stdout).ladder as { strike: number; comparison: { rows: { label: string; lower: number; upper: number }[] } }[]).map((x) => x.comparison.rows.find((r) => r.label === 'VMOT lp')!);
    // a call's price decreases in the strike: so do both bounds
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k].upper).toBeLessThan(rows[k - 1].upper);
      expect(rows[k].lower).toBeLessThan(rows[k - 1].lower);
    }
    expect(existsSync(join(ladderOut, 'ladder.png'))).toBe(true);
    expect(JSON.parse(readFileSync(join(ladderOut, 'strike-100', 'compare.json'), 'utf8')).rows.length).toBeGreaterThan(5);
  });
});
