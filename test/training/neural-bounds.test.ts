import { describe, expect, it } from 'vitest';
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

