import { describe, expect, it } from 'vitest';
import { discretizationError, richardson, type GridValue } from '../../src/lp/error.js';
import { couplingValue } from '../../src/problem/couplings.js';
import { parseProblem } from '../../src/problem/problem.js';
import { lpSolver } from '../../src/solvers/lp/index.js';

const grid = (atoms: number, value: number): GridValue => ({ atoms, value, columns: atoms ** 3, seconds: 0 });

describe('Richardson extrapolation with a fitted rate', () => {
  it('recovers the limit and the order of V(n) = V + C n^-p from three grids', () => {
    for (const p of [0.7, 1.7, 3]) {
      const V = (n: number) => 3 - 2 * n ** -p;
      const r = richardson([8, 11, 16], [V(8), V(11), V(16)])!;
      expect(r.order).toBeCloseTo(p, 8);
      expect(r.limit).toBeCloseTo(3, 8);
    }
  });
  it('gives up on values that do not move monotonically', () => {
    expect(richardson([8, 11, 16], [1, 1.2, 1.1])).toBeNull();
  });
});

describe('discretization error estimate', () => {
  const none = { atoms: {}, continuous: {} };
  it('is 1.5 times the larger of the spread over the coarser grids and the distance to the Richardson limit', () => {
    // oscillating: no rate to fit, the spread (0.2) counts
    const osc = discretizationError([grid(8, 1), grid(11, 1.2), grid(16, 1.1)], none);
    expect(osc.richardson).toBeNull();
    expect(osc.spread).toBeCloseTo(0.1, 12);
    expect(osc.error).toBeCloseTo(0.15, 12);
    // slow monotone convergence (p = 0.5): the halving difference underestimates the error, the limit does not
    const V = (n: number) => 1 - n ** -0.5;
    const slow = discretizationError([grid(8, V(8)), grid(11, V(11)), grid(16, V(16))], none);
    expect(Math.abs(slow.spread)).toBeLessThan(Math.abs(1 - V(16)));
    expect(slow.error).toBeCloseTo(1.5 * Math.abs(1 - V(16)), 8);
  });
  it('takes the continuous transport value when the LP sits on its atoms\' transport value (a kink that no grid comparison sees)', () => {
    // a plateau: every grid gives the same value, which is the comonotone value of its atoms
    const flat = [grid(8, 0.525), grid(11, 0.525), grid(16, 0.525)];
    const e = discretizationError(flat, { atoms: { comonotone: 0.525 }, continuous: { comonotone: 0.529, antitone: 0.045 } });
    expect(e.spread).toBe(0);
    expect(e.transport).toBeCloseTo(0.004, 12);
    expect(e.error).toBeCloseTo(0.004, 12);
    // not on the bound: the transport part does not apply
    expect(discretizationError(flat, { atoms: { comonotone: 0.53 }, continuous: { comonotone: 0.529 } }).transport).toBeNull();
  });
});

describe('the LP error estimate on a kinked payoff (uniform basket call, strike 10.2; transport bounds attained)', () => {
  const problem = () =>
    parseProblem(
      {
        name: 'uniform-basket',
        marginals: [
          [{ dist: 'uniform', low: 9, high: 11 }, { dist: 'uniform', low: 8.5, high: 11.5 }],
          [{ dist: 'uniform', low: 8, high: 12 }, { dist: 'uniform', low: 7, high: 13 }],
        ],
        payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 10.2 },
      },
      '.',
    );
  it('covers the exact value at fixed grids', async () => {
    const p = await problem();
    // the assets are proportional (x_i = a_i Z, y_i = b_i W with a_1/b_1 = a_2/b_2): the transport bounds are the VMOT bounds
    const exact = { upper: couplingValue(p, 'comonotone')!, lower: couplingValue(p, 'antitone')! };
    for (const atoms of [16, 26])
      for (const side of ['upper', 'lower'] as const) {
        const r = await lpSolver.solve(p, side, { options: { atoms } });
        expect(Math.abs(r.value - exact[side])).toBeLessThanOrEqual(r.error);
        expect(r.details.grids.map((g) => g.atoms)).toEqual([atoms / 2, Math.round(atoms / Math.SQRT2), atoms]);
      }
  });
  it('"auto" refines until the estimate is below the target, and says when the column budget stopped it', async () => {
    const p = await problem();
    const exact = couplingValue(p, 'comonotone')!;
    const r = await lpSolver.solve(p, 'upper', { options: { atoms: 'auto', target: 0.005 } });
    expect(r.details.stoppedBy).toBe('target');
    expect(r.error).toBeLessThanOrEqual(0.005 * r.value);
    expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.error);
    expect(r.details.grids.map((g) => g.atoms).slice(0, 4)).toEqual([4, 6, 8, 11]);
    const small = await lpSolver.solve(p, 'upper', { options: { atoms: 'auto', maxColumns: 2000 } });
    expect(small.details.stoppedBy).toBe('columns');
    expect(small.details.atoms[1][0]).toBe(11);
  });
});
