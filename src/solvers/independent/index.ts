import { independentValue } from '../references.js';
import type { Solver } from '../solver.js';

/** Toy solver: E[c] under the independent coupling of all marginals (Monte Carlo); a price, not a bound. */
export const independentSolver: Solver<Record<string, never>> = {
  name: 'independent',
  async solve(problem, side) {
    const t0 = performance.now();
    const r = independentValue(problem, 1 << 16, `${problem.training.seed}/independent`);
    return {
      solver: 'independent', side, value: r.value, primal: r.value, stderr: r.stderr, discretizationError: null, error: 2 * r.stderr,
      converged: true, formulation: 'full', map: null, exact: false, reason: 'independent coupling (not a martingale in general)',
      warnings: [], engine: 'monte-carlo', steps: 1 << 16, seconds: (performance.now() - t0) / 1000, trace: [], details: {},
    };
  },
  summary: () => ['the independent coupling of all marginals, 65536 Monte Carlo paths'],
};
