import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';
import { c2, gaussian, table2Payoff } from '../helpers/table2.js';

// exact lower bound by the symmetry Y_2 -> -Y_2: -w1 w2 (sig1 sig2 + lam1 lam2)
const lam = c2.sig.map((s, i) => Math.sqrt(c2.rho[i] ** 2 - s ** 2));
const exactLower = -c2.w[0] * c2.w[1] * (c2.sig[0] * c2.sig[1] + lam[0] * lam[1]);
const solveBound = async (p: ReturnType<typeof gaussian>, side: 'upper' | 'lower') => neuralSolver.solve(await p, side, {});

describe('neural bounds against exact values', () => {
  it('Table-2 Gaussian d=2, reduced, default training: upper and lower within 1% of Proposition 4.1', async () => {
    const p = gaussian(table2Payoff, 'reduced', {});
    const up = await solveBound(p, 'upper');
    const lo = await solveBound(p, 'lower');
    expect(Math.abs(up.value / c2.exact - 1)).toBeLessThan(0.01);
    expect(Math.abs(lo.value / exactLower - 1)).toBeLessThan(0.01);
    // the tail-averaged potentials price like the batch values averaged over the tail (600 steps); the reported error
    // (2 x the penalty term + 2 tail stderr) contains the exact value and is below 1% of it
    for (const [b, exact] of [[up, c2.exact], [lo, exactLower]] as const) {
      expect(b.details.tail.steps).toBe(600);
      expect(b.details.tail.stderr).toBeGreaterThan(0);
      expect(Math.abs(b.details.tail.mean - b.details.potentials)).toBeLessThan(0.005 * Math.abs(b.value));
      expect(Math.abs(b.value - exact)).toBeLessThanOrEqual(b.error);
      expect(b.error).toBeLessThan(0.01 * Math.abs(exact));
    }
  });
  it('Gaussian T = 3, d = 2, full form, default training: upper and lower within 1% of the T-date Proposition 4.1, each inside its error bar', async () => {
    const sds = [[1, 1.2], [1.5, 1.6], [2, 2.3]];
    const p = await parseProblem({ name: 'g3', marginals: sds.map((row) => row.map((sd) => ({ dist: 'normal', mean: 0, sd }))), payoff: { type: 'quadratic', date: 2, matrix: [[0, 1], [0, 0]] }, training: { seed: 7 } }, '.');
    // sum_t sqrt(dv_t1 dv_t2) by hand: 1 x 1.2 + sqrt(1.25 x 1.12) + sqrt(1.75 x 2.73)
    const exact = 1.2 + Math.sqrt(1.25 * 1.12) + Math.sqrt(1.75 * 2.73);
    expect(exact).toBeCloseTo(4.568965, 6);
    for (const [side, target] of [['upper', exact], ['lower', -exact]] as const) {
      const b = await neuralSolver.solve(p, side, {});
      expect(b.formulation).toBe('full');
      expect(Math.abs(b.value / target - 1)).toBeLessThan(0.01);
      expect(Math.abs(b.value - target)).toBeLessThanOrEqual(b.error);
    }
  });
  it('null cost sum_i (y_i - x_i)^2, full form, 3000 steps of 4096 at gamma 10000: upper = lower = sum_i (rho_i^2 - sig_i^2) within 2%', async () => {
    const p = gaussian({ type: 'expression', expr: '(y[0] - x[0])^2 + (y[1] - x[1])^2' }, 'auto', { steps: 3000, batch: 4096, gamma: 10000 });
    const exact = lam[0] ** 2 + lam[1] ** 2;
    const up = await solveBound(p, 'upper');
    const lo = await solveBound(p, 'lower');
    expect(up.formulation).toBe('full');
    expect(Math.abs(up.value / exact - 1)).toBeLessThan(0.02);
    expect(Math.abs(lo.value / exact - 1)).toBeLessThan(0.02);
  });
});

