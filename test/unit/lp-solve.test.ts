import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { LP_ALGORITHMS, type LpAlgorithm } from '../../src/lp/algorithms.js';
import { atomCuts, atomQuantile } from '../../src/lp/discretize.js';
import type { BoundSide } from '../../src/problem/formulation.js';
import { parseProblem, type Problem } from '../../src/problem/problem.js';
import { lpSolver } from '../../src/solvers/lp/index.js';
import { cellCouplingValue, couplingValue } from '../../src/problem/couplings.js';
import { gaussianQuadraticExact } from '../../src/solvers/references.js';

const gaussian = () => parseProblem(JSON.parse(readFileSync('examples/gaussian-d2.json', 'utf8')), '.');
const solverFor = (algorithm: LpAlgorithm) => async (p: Problem | Promise<Problem>, side: BoundSide, options: object) => lpSolver.solve(await p, side, { options: { ...options, algorithm } });

const nonNormal = (payoff: unknown, extra: object = {}): Promise<Problem> =>
  parseProblem(
    {
      name: 'lp-test',
      marginals: [
        [{ dist: 'lognormal', forward: 1, sigma: 0.2 }, { dist: 'uniform', low: 0.7, high: 1.3 }],
        [{ dist: 'lognormal', forward: 1, sigma: 0.3 }, { dist: 'uniform', low: 0.5, high: 1.5 }],
      ],
      payoff,
      ...extra,
    },
    '.',
  );

// one suite for both algorithms (src/lp/algorithms.ts): the same oracles hold whichever solves the grid
describe.each(LP_ALGORITHMS)('LP algorithm "%s"', (algorithm) => {
  const solveLpBound = solverFor(algorithm);

  describe('LP bounds on the Table-2 Gaussian case (Proposition 4.1)', () => {
    it('upper and lower within 0.5% of the closed form, inside the transport bounds, duality and hedge tight', async () => {
      const p = await gaussian();
      const exact = gaussianQuadraticExact(p)!;
      expect(exact.upper).toBeCloseTo(1.472853, 6);
      const up = await solveLpBound(p, 'upper', { atoms: 30 });
      const lo = await solveLpBound(p, 'lower', { atoms: 30 });
      expect(up.formulation).toBe('reduced');
      expect(Math.abs(up.value / exact.upper! - 1)).toBeLessThan(0.005);
      expect(Math.abs(lo.value / exact.lower! - 1)).toBeLessThan(0.005);
      // the estimated discretization error covers the true error
      expect(up.discretizationError!).toBeGreaterThan(Math.abs(up.value - exact.upper!));
      expect(up.value).toBeLessThan(couplingValue(p, 'comonotone')!);
      expect(lo.value).toBeGreaterThan(couplingValue(p, 'antitone')!);
      for (const r of [up, lo]) {
        expect(r.primal).not.toBeNull();
        expect(Math.abs(r.value - r.primal!)).toBeLessThan(1e-7);
        expect(r.details.hedgeViolation).toBeLessThan(1e-8);
      }
      // the LP is held to the transport bounds of its own atoms; variance-matched atoms of two normal laws on the same
      // levels have the same standardized shape, so their comonotone value of y1 y2 is the continuous one (up to the
      // 2e-5 error of the continuous value's midpoint rule in the tails)
      expect(up.value).toBeLessThan(up.transport!.comonotone!);
      expect(lo.value).toBeGreaterThan(lo.transport!.antitone!);
      expect(Math.abs(up.transport!.comonotone! / couplingValue(p, 'comonotone')! - 1)).toBeLessThan(5e-5);
    });

    it('transport values of discrete laws are exact (hand-computed quantile cells)', async () => {
      // y1 y2 with laws {0, 1, 3} (weights .2 .5 .3) and {-1, 2} (.6 .4): comonotone cells [0,.2] [.2,.6] [.6,.7] [.7,1]
      const p = await parseProblem({ name: 'cells', marginals: [[{ dist: 'normal', mean: 0, sd: 1 }, { dist: 'normal', mean: 0, sd: 1 }], [{ dist: 'normal', mean: 0, sd: 2 }, { dist: 'normal', mean: 0, sd: 2 }]], payoff: { type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] } }, '.');
      const a = { x: Float64Array.of(0, 1, 3), w: Float64Array.of(0.2, 0.5, 0.3) };
      const b = { x: Float64Array.of(-1, 2), w: Float64Array.of(0.6, 0.4) };
      const q = [atomQuantile(a), atomQuantile(b)];
      const cells = (anti: boolean) => [...atomCuts(a), ...Array.from(atomCuts(b), (c) => (anti ? 1 - c : c))].sort((x, y) => x - y);
      expect(cellCouplingValue(p, 'comonotone', cells(false), (i, u) => q[i](u))).toBeCloseTo(0.2 * 0 - 0.4 * 1 + 0.1 * 2 + 0.3 * 6, 14);
      // antitone: y2 = 2 on u < .4, -1 above
      expect(cellCouplingValue(p, 'antitone', cells(true), (i, u) => q[i](u))).toBeCloseTo(0.2 * 0 + 0.2 * 2 - 0.3 * 1 - 0.3 * 3, 14);
    });
  });

  describe('discrete VMOT LP invariants', () => {
    it('null cost sum_i (Y_i - X_i)^2: upper = lower = sum of the discrete variance increments', async () => {
      const p = await nonNormal({ type: 'expression', expr: '(y[0] - x[0])^2 + (y[1] - x[1])^2' });
      const up = await solveLpBound(p, 'upper', { atoms: 6, errorEstimate: false });
      const lo = await solveLpBound(p, 'lower', { atoms: 6, errorEstimate: false });
      expect(up.formulation).toBe('full');
      const v = (t: number, i: number) => up.details.discretization.find((r) => r.date === t && r.asset === i)!.variance;
      const expected = v(1, 0) - v(0, 0) + v(1, 1) - v(0, 1);
      expect(up.value).toBeCloseTo(expected, 7);
      expect(lo.value).toBeCloseTo(expected, 7);
    });

    it('the optimal coupling has the discrete marginals and is a martingale', async () => {
      const p = await nonNormal({ type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 1.05 }, { formulation: 'full' });
      const r = await solveLpBound(p, 'upper', { atoms: 7, errorEstimate: false });
      const { paths, mass } = r.details.coupling;
      const w = 4;
      let total = 0;
      const byX = new Map<string, number[]>();
      for (let k = 0; k < mass.length; k++) {
        const s = paths.subarray(k * w, (k + 1) * w);
        total += mass[k];
        const key = `${s[0]},${s[1]}`;
        const acc = byX.get(key) ?? [0, 0, 0];
        acc[0] += mass[k];
        acc[1] += mass[k] * (s[2] - s[0]);
        acc[2] += mass[k] * (s[3] - s[1]);
        byX.set(key, acc);
      }
      expect(total).toBeCloseTo(1, 6);
      // E[Y_i - X_i | X] = 0 on every first-date state
      for (const [, [m, d0, d1]] of byX) {
        expect(Math.abs(d0)).toBeLessThan(1e-7 + 1e-6 * m);
        expect(Math.abs(d1)).toBeLessThan(1e-7 + 1e-6 * m);
      }
      expect(r.primal).not.toBeNull();
      expect(r.value).toBeCloseTo(r.primal!, 7);
      expect(r.details.hedgeViolation).toBeLessThan(1e-8);
    });

    it('full and reduced LPs agree to solver tolerance on supermodular d = 2 costs (Theorem 3.5)', async () => {
      const costs = [
        { type: 'sum', terms: [{ payoff: { type: 'quadratic', date: 0, matrix: [[0, 1], [0, 0]] } }, { weight: 0.5, payoff: { type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] } }] },
        { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 1.05 },
        { type: 'min-put', date: 1, strike: 0.9 },
      ];
      for (const payoff of costs) {
        const full = await solveLpBound(nonNormal(payoff, { formulation: 'full' }), 'upper', { atoms: 8, errorEstimate: false });
        const reduced = await solveLpBound(nonNormal(payoff, { formulation: 'auto' }), 'upper', { atoms: 8, errorEstimate: false });
        expect(full.formulation).toBe('full');
        expect(reduced.formulation).toBe('reduced');
        expect(Math.abs(full.value - reduced.value)).toBeLessThan(1e-7 * Math.max(1, Math.abs(full.value)));
      }
    });

    it('three dates: Proposition 4.1 in its T-date form within the discretization error', async () => {
      const p = await parseProblem(
        {
          name: 'gauss-T3',
          marginals: [
            [{ dist: 'normal', mean: 0, sd: 1 }, { dist: 'normal', mean: 0, sd: 1.2 }],
            [{ dist: 'normal', mean: 0, sd: 1.5 }, { dist: 'normal', mean: 0, sd: 1.6 }],
            [{ dist: 'normal', mean: 0, sd: 2 }, { dist: 'normal', mean: 0, sd: 2.1 }],
          ],
          payoff: { type: 'quadratic', date: 2, matrix: [[0, 0.5], [0.5, 0]] },
          formulation: 'reduced',
        },
        '.',
      );
      const exact = gaussianQuadraticExact(p)!.upper!;
      const r = await solveLpBound(p, 'upper', { atoms: 8 });
      expect(r.details.atoms).toEqual([[8, 8], [8, 8], [8, 8]]);
      // 8 atoms per date is coarse (2.4% low here); the error estimate must cover it
      expect(Math.abs(r.value - exact)).toBeLessThan(r.discretizationError!);
      expect(Math.abs(r.value / exact - 1)).toBeLessThan(0.1);
    });

    it('rejects bad atom counts naming the field', async () => {
      await expect(solveLpBound(gaussian(), 'upper', { atoms: 1 })).rejects.toThrow(VmotError);
      await expect(solveLpBound(gaussian(), 'upper', { atoms: 1 })).rejects.toThrow(/^atoms:/);
      await expect(solveLpBound(gaussian(), 'upper', { atoms: 3000 })).rejects.toThrow(/atoms: the LP would have/);
    });
  });
});

describe('column generation against the interior-point solve', () => {
  it('same value on every grid, potentials that price every column, a master of under a fifth of the columns', async () => {
    const p = await gaussian();
    for (const side of ['upper', 'lower'] as const) {
      // 30 atoms after 15 and 21 (the error estimate's grids): column generation starts from the 21-atom support
      const [cg, ipx] = await Promise.all(LP_ALGORITHMS.map((algorithm) => solverFor(algorithm)(p, side, { atoms: 30 })));
      expect(cg.details.grids.map((g) => g.atoms)).toEqual([15, 21, 30]);
      cg.details.grids.forEach((g, k) => expect(Math.abs(g.value - ipx.details.grids[k].value)).toBeLessThan(1e-8));
      expect(cg.details.hedgeViolation).toBeLessThan(1e-8);
      expect(cg.engine).toMatch(/column generation/);
      expect(cg.details.generated!).toBeLessThan(0.2 * cg.details.columns);
    }
  });
});
