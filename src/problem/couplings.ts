import type { Marginal } from '../marginals/types.js';
import type { Problem } from './problem.js';

const QUAD = 1 << 16;

/** Values of the last-date payoff under the comonotone and (d = 2) antitone couplings: the transport (Frechet) bounds. */
export interface Transport {
  comonotone?: number;
  antitone?: number;
}

/** E[c] when the last-date prices are F_i^-1(u) (comonotone) or, for d = 2, (F_1^-1(u), F_2^-1(1-u)) (antitone); midpoint rule in u. */
export function couplingValue(problem: Problem, kind: 'comonotone' | 'antitone'): number | undefined {
  const last: Marginal[] = problem.marginals[problem.T - 1];
  const cuts = Float64Array.from({ length: QUAD - 1 }, (_, j) => (j + 1) / QUAD);
  return cellCouplingValue(problem, kind, cuts, (i, u) => last[i].quantile(u));
}

/**
 * The same coupling value when each last-date quantile function quantile(i, u) is constant between the sorted cut
 * points `cuts` in (0, 1) (exact for discrete laws, whose cuts are their cumulative weights), or by the midpoint rule.
 */
export function cellCouplingValue(
  problem: Problem,
  kind: 'comonotone' | 'antitone',
  cuts: ArrayLike<number>,
  quantile: (i: number, u: number) => number,
): number | undefined {
  const { T, d, payoff } = problem;
  if (payoff.dates.some((t) => t !== T - 1) || (kind === 'antitone' && d !== 2)) return undefined;
  const s = new Float64Array(T * d);
  let sum = 0;
  for (let k = 0; k <= cuts.length; k++) {
    const a = k === 0 ? 0 : cuts[k - 1];
    const b = k === cuts.length ? 1 : cuts[k];
    if (b <= a) continue;
    const u = (a + b) / 2;
    for (let i = 0; i < d; i++) s[(T - 1) * d + i] = quantile(i, kind === 'antitone' && i === 1 ? 1 - u : u);
    sum += (b - a) * payoff.value(s);
  }
  return sum;
}

