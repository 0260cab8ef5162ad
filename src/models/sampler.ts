import type { Rng } from '../core/random.js';

/**
 * Full-form theta as a mixture (Eckstein-Kupper: theta should charge the optimal coupling's support): rows b < m take
 * the first asset's level cell for every first-date variable, so their prices lie on the comonotone curve
 * u -> (F_i^-1(u))_i of Theorem 3.5 / [14, Thm 5.3] (to within one grid cell); the other rows stay independent, so
 * theta keeps full support and the penalized problem still converges to (2.3). Every row's level stays uniform.
 */
export function comonotoneRows(first: { u: Float64Array; index: Int32Array }[], m: number, onGrid: boolean): void {
  const [lead, ...rest] = first;
  for (const v of rest)
    for (let b = 0; b < m; b++) {
      if (onGrid) v.index[b] = lead.index[b];
      else v.u[b] = lead.u[b];
    }
}

/**
 * Quantile levels of one variable for n rows. grid = 0: n independent uniforms. grid = G > 0: the G levels
 * (j + e) / G with one uniform offset e, row b taking cell j = pi(b) mod G for a uniform random permutation pi
 * (each cell n/G times, rounded). Every row is still exactly uniform and rows of different variables are
 * independent, so theta is unchanged; the batch has at most G distinct inputs per scalar network (the engine
 * then evaluates each once: groupRows) and its marginal integrals are stratified.
 */
export function quantileLevels(n: number, grid: number, rng: Rng): { u: Float64Array; index: Int32Array } {
  if (grid <= 0) return { u: Float64Array.from({ length: n }, () => rng.uniform()), index: Int32Array.from({ length: n }, (_, b) => b) };
  const e = rng.uniform();
  const u = Float64Array.from({ length: grid }, (_, j) => (j + e) / grid);
  const index = Int32Array.from({ length: n }, (_, b) => b % grid);
  for (let b = n - 1; b > 0; b--) {
    const a = Math.floor(rng.uniform() * (b + 1));
    [index[a], index[b]] = [index[b], index[a]];
  }
  return { u, index };
}
