import type { Rng } from '../core/random.js';
import { stdNormalCdf, stdNormalQuantile } from '../math/normal.js';

type Levels = { u: Float64Array; index: Int32Array };

/**
 * Full-form theta as a mixture (Eckstein-Kupper: theta should charge the optimal coupling's support): rows b < m take
 * the first asset's level cell for every first-date variable, so their prices lie on the comonotone curve
 * u -> (F_i^-1(u))_i of Theorem 3.5 / [14, Thm 5.3] (to within one grid cell), or for `antitone` (d = 2, Corollary 3.6)
 * the second asset takes the mirrored cell; the other rows stay independent, so theta keeps full support and the
 * penalized problem still converges to (2.3). Every row's level stays uniform.
 */
export function comonotoneRows(first: Levels[], m: number, onGrid: boolean, antitone = false): void {
  const [lead, ...rest] = first;
  const grid = lead.u.length;
  for (const [k, v] of rest.entries()) {
    const flip = antitone && k === 0;
    for (let b = 0; b < m; b++) {
      if (onGrid) v.index[b] = flip ? grid - 1 - lead.index[b] : lead.index[b];
      else v.u[b] = flip ? 1 - lead.u[b] : lead.u[b];
    }
  }
}

/**
 * The same rows b < m at the later dates 1..T-1: the levels of a martingale whose increments are
 * comonotone across assets (antitone for the second asset with `antitone`), in the Gaussian copula: with shared
 * standard normals Z_0 (the first-date level) .. Z_t, asset i at date t has level Phi(sum_{s<=t} sqrt(dv_si) Z_s / sqrt(v_ti)),
 * v_ti its marginal's variance and dv_si = v_si - v_{s-1,i}. For normal marginals this is the optimal coupling of
 * Proposition 4.1 (perfectly correlated increments); otherwise theta charges a neighbourhood of it. Each level is still
 * uniform (snapped to its cell on a grid). `dates[t][i]` are the levels of date t, `variance[t][i]` the variances.
 */
export function incrementRows(dates: Levels[][], variance: number[][], m: number, onGrid: boolean, antitone: boolean, rng: Rng): void {
  const T = dates.length;
  const d = dates[0].length;
  const lead = dates[0][0];
  const grid = lead.u.length;
  const sign = (i: number) => (antitone && i === 1 ? -1 : 1);
  const x = new Float64Array(d);
  for (let b = 0; b < m; b++) {
    const z0 = stdNormalQuantile(onGrid ? lead.u[lead.index[b]] : lead.u[b]);
    for (let i = 0; i < d; i++) x[i] = Math.sqrt(variance[0][i]) * z0 * sign(i);
    for (let t = 1; t < T; t++) {
      const z = rng.normal();
      for (let i = 0; i < d; i++) {
        x[i] += Math.sqrt(Math.max(0, variance[t][i] - variance[t - 1][i])) * z * sign(i);
        const u = stdNormalCdf(x[i] / Math.sqrt(variance[t][i]));
        const v = dates[t][i];
        if (onGrid) v.index[b] = Math.min(grid - 1, Math.floor(u * grid));
        else v.u[b] = u;
      }
    }
  }
}

/**
 * Quantile levels of one variable for n rows. grid = 0: n independent uniforms. grid = G > 0: the G levels
 * (j + e) / G with one uniform offset e, row b taking cell j = pi(b) mod G for a uniform random permutation pi
 * (each cell n/G times, rounded). Every row is still exactly uniform and rows of different variables are
 * independent, so theta is unchanged; the batch has at most G distinct inputs per scalar network (the engine
 * then evaluates each once: groupRows) and its marginal integrals are stratified.
 */
export function quantileLevels(n: number, grid: number, rng: Rng): Levels {
  if (grid <= 0) return { u: Float64Array.from({ length: n }, () => rng.uniform()), index: Int32Array.from({ length: n }, (_, b) => b) };
  const e = rng.uniform();
  const u = new Float64Array(grid);
  for (let j = 0; j < grid; j++) u[j] = (j + e) / grid;
  const index = new Int32Array(n);
  for (let b = 0; b < n; b++) index[b] = b % grid;
  // Fisher-Yates, from the last row down
  for (let b = n - 1; b > 0; b--) {
    const a = Math.floor(rng.uniform() * (b + 1));
    const swap = index[a];
    index[a] = index[b];
    index[b] = swap;
  }
  return { u, index };
}
