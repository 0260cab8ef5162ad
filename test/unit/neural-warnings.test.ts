import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../src/problem/problem.js';
import { fewPenaltyPoints, neuralSolver, uncheckedDimension } from '../../src/solvers/neural/index.js';

const problem = (d: number, formulation: 'full' | 'reduced') =>
  parseProblem(
    {
      name: `warn-d${d}`,
      marginals: [Array.from({ length: d }, () => ({ dist: 'normal', mean: 0, sd: 1 })), Array.from({ length: d }, () => ({ dist: 'normal', mean: 0, sd: 2 }))],
      payoff: { type: 'basket-call', date: 1, weights: Array(d).fill(1 / d), strike: 0 },
      formulation,
      // a few tiny steps: the warning depends on the form and d only
      training: { steps: 4, batch: 256, width: 4, depth: 1, evalSamples: 1000 },
    },
    '.',
  );

describe('full form beyond the dimensions its error bar was checked at', () => {
  it('warns from d = 6 in the full form, not at d = 5 nor in the reduced form', async () => {
    const warned = async (d: number, form: 'full' | 'reduced') => (await neuralSolver.solve(await problem(d, form), 'upper', {})).warnings.includes(uncheckedDimension(d));
    expect(await warned(6, 'full')).toBe(true);
    expect(await warned(5, 'full')).toBe(false);
    expect(await warned(6, 'reduced')).toBe(false);
    expect(uncheckedDimension(6)).toMatch(/checked against exact values up to d = 5; at d = 6/);
  });
});

describe('a penalty term carried by a handful of points', () => {
  it('is warned of exactly when the penalty is positive and fewer than 25 effective points carry it', async () => {
    // the bound's own figures decide: the warning appears if and only if its condition holds on them
    // (evaluate.test.ts checks the count itself against hand-computed cases)
    const r = await neuralSolver.solve(await problem(2, 'full'), 'upper', {});
    const points = r.details.penaltyPoints!;
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThanOrEqual(1000);
    expect(r.warnings.includes(fewPenaltyPoints(points, 1000))).toBe(r.details.penalty > 0 && points < 25);
    expect(fewPenaltyPoints(1, 262144)).toMatch(/rests on 1\.0 effective points of the 262144 evaluation points \(relative Monte Carlo error about 100%\)/);
  });
});
