import type { Marginal } from '../marginals/types.js';

/** Points of the static components' integrals; the hedge's cost (build.ts) and the polish LP's (polish.ts) share them, so the two agree. */
export const STATIC_QUADRATURE_POINTS = 1 << 15;

/** E_m[f] by the midpoint rule in the quantile level: the prices F^-1((j + 1/2) / n), each of weight 1 / n. */
export function quantileMidpoints(m: Marginal, n = STATIC_QUADRATURE_POINTS): Float64Array {
  return Float64Array.from({ length: n }, (_, j) => m.quantile((j + 0.5) / n));
}
