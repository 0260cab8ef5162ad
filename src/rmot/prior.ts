import type { Rng } from '../core/random.js';
import type { Marginal } from '../marginals/types.js';
import { correlationFactor } from '../rough/mc.js';

/** Simulated paths of a prior model at the problem's dates: s[n * T * d + t * d + i] = asset i at date t on path n. */
export interface PriorPaths {
  T: number;
  d: number;
  paths: number;
  s: Float64Array;
  /** What the prior is, for reports. */
  label: string;
}

/**
 * The Gaussian martingale prior with the marginals' means and variances: s_t = m + sum_{u <= t} D_u^(1/2) Z_u, Z_u
 * ~ N(0, R) independent across dates, D_u = diag(Var_u - Var_{u-1}) (non-negative by the convex order).
 */
export function gaussianPrior(marginals: Marginal[][], correlation: number[][], paths: number, rng: Rng): PriorPaths {
  const T = marginals.length;
  const d = marginals[0].length;
  const L = correlationFactor(correlation, d, 'prior.correlation');
  const sd = marginals.map((row, t) => row.map((m, i) => Math.sqrt(Math.max(0, m.variance - (t > 0 ? marginals[t - 1][i].variance : 0)))));
  const s = new Float64Array(paths * T * d);
  const z = new Float64Array(d);
  for (let n = 0; n < paths; n++) {
    const o = n * T * d;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) z[i] = rng.normal();
      for (let i = 0; i < d; i++) {
        let w = 0;
        for (let j = 0; j <= i; j++) w += L[i][j] * z[j];
        s[o + t * d + i] = (t > 0 ? s[o + (t - 1) * d + i] : marginals[0][i].mean) + sd[t][i] * w;
      }
    }
  }
  return { T, d, paths, s, label: `Gaussian martingale, correlation ${JSON.stringify(correlation)}` };
}
