import { describe, expect, it } from 'vitest';
import { loadProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';
import { couplingValue } from '../../src/problem/couplings.js';
import { solveAll } from '../../src/solvers/solve.js';

describe('VMOT problem with rough-Heston marginals (two assets, two dates)', () => {
  it('loads (convex-order check passes) and solves end to end with finite, ordered bounds', async () => {
    const problem = await loadProblem('examples/rough-heston-d2.json', { steps: 40 });
    expect(problem.marginals.flat().every((m) => m.dist === 'rough-heston')).toBe(true);
    const report = await solveAll(problem, neuralSolver);
    const up = report.upper!.value;
    const lo = report.lower!.value;
    expect(Number.isFinite(up) && Number.isFinite(lo)).toBe(true);
    expect(lo).toBeLessThanOrEqual(up);
    // the Frechet couplings of the last date bracket every martingale coupling's value
    const co = couplingValue(problem, 'comonotone')!;
    const anti = couplingValue(problem, 'antitone')!;
    expect(anti).toBeLessThan(co);
  }, 120000);
});
