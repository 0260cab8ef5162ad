import { parseProblem } from '../../src/problem/problem.js';
import table2 from '../fixtures/reference/gaussian-table2.json' with { type: 'json' };

/** The Table-2 Gaussian case d = 2 of Hiew-Lim-Pass-Souza (2023): marginals, cost w1 w2 y1 y2, exact values. */
export const c2 = table2.cases['2'];
const normal = (sd: number) => ({ dist: 'normal', mean: 0, sd });

/** The d = 2 Gaussian marginals of Table 2 with any payoff, formulation and training settings (seed 7, 2^15 evaluation samples). */
export const gaussian = (payoff: unknown, formulation: string, training: object) =>
  parseProblem(
    { name: 'g2', marginals: [c2.sig.map(normal), c2.rho.map(normal)], payoff, formulation, training: { seed: 7, evalSamples: 1 << 15, ...training } },
    '.',
  );

export const table2Payoff = { type: 'quadratic', date: 1, matrix: [[0, c2.w[0] * c2.w[1]], [0, 0]] };
