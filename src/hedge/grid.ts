import { stdNormalCdf } from '../math/normal.js';
import type { Marginal } from '../marginals/types.js';

/** A grid of all T d prices: `levels` per price at evenly spaced normal scores in [-scoreRange, scoreRange], levels^(T d) paths. */
export interface ScoreGrid {
  levels: number;
  points: number;
  scoreRange: number;
}

/**
 * The price levels of each coordinate k = t d + i of the grid: L = floor(maxPoints^(1 / T d)) levels (2 to 64) at the
 * quantiles of normal scores evenly spaced over [-scoreRange, scoreRange], end points included; or, with `shift` in
 * [0, 1), at -scoreRange + (l + shift) of L equal cells of it (shifts 0 and 0.5 give two grids staggered by half a cell).
 */
export function gridAxes(marginals: Marginal[][], maxPoints: number, scoreRange: number, shift?: number): { axes: number[][]; grid: ScoreGrid } {
  const d = marginals[0].length;
  const W = marginals.length * d;
  const L = Math.min(64, Math.max(2, Math.floor(maxPoints ** (1 / W))));
  const z = (l: number) => (shift === undefined ? -scoreRange + (2 * scoreRange * l) / (L - 1) : -scoreRange + (2 * scoreRange * (l + shift)) / L);
  const axes = Array.from({ length: W }, (_, k) => Array.from({ length: L }, (_, l) => marginals[Math.floor(k / d)][k % d].quantile(stdNormalCdf(z(l)))));
  return { axes, grid: { levels: L, points: L ** W, scoreRange } };
}
