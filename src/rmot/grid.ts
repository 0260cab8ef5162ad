import { countAtMost } from '../marginals/empirical.js';
import { discretize, scoreLevels, type Atoms } from '../lp/discretize.js';
import { encodePath, makeLayout, type Layout } from '../lp/layout.js';
import { buildLp, type LpData } from '../lp/model.js';
import type { Marginal } from '../marginals/types.js';
import type { PathFn } from '../problem/payoffs/types.js';
import type { Constraints } from './iprojection.js';
import type { PriorPaths } from './prior.js';

/** The LP's discretization of a problem, as the calibration's feasible set: the same atoms, columns and rows. */
export interface Grid {
  atoms: Atoms[][];
  layout: Layout;
  lp: LpData;
  constraints: Constraints;
  /** The martingale rows of the last transition, one group per prefix state (block-diagonal in the Newton system). */
  groups: number[][];
  notes: string[];
}

/**
 * The full-form LP of n atoms per marginal of marginals[t][i] with payoff c (src/lp; rmot design section 2: the
 * feasible set is exactly the LP's). One date is allowed: then only the marginal rows constrain.
 */
export function makeGrid(marginals: Marginal[][], payoff: PathFn, n: number): Grid {
  const disc = discretize(marginals, Array(marginals.length).fill(n));
  const layout = makeLayout('full', disc.atoms);
  const lp = buildLp(layout, disc.atoms, payoff, false);
  const groups: number[][] = [];
  const { T, d } = layout;
  if (T >= 2) {
    const offset = lp.rows.martingaleOffset[T - 2];
    // the last prefix has no rows (left out as redundant by rowMap)
    for (let p = 0; p + 1 < lp.rows.prefixes[T - 2]; p++) groups.push(Array.from({ length: d }, (_, i) => offset + p * d + i));
  }
  const constraints = { numRows: lp.numRows, numCols: lp.numCols, starts: lp.starts, indices: lp.indices, values: lp.values, b: lp.rowLower };
  return { atoms: disc.atoms, layout, lp, constraints, groups, notes: disc.notes };
}

/** Column of every prior path: each price goes to the atom of its quantile bin under the problem's marginal. */
export function binPaths(marginals: Marginal[][], grid: Grid, prior: PriorPaths): Int32Array {
  const { T, d } = grid.layout;
  const levels = grid.atoms.map((row) => row.map((a) => scoreLevels(a.x.length).subarray(1, a.x.length)));
  const col = new Int32Array(prior.paths);
  const idx = new Int32Array(T * d);
  for (let n = 0; n < prior.paths; n++) {
    for (let t = 0; t < T; t++)
      for (let i = 0; i < d; i++) idx[t * d + i] = countAtMost(levels[t][i], marginals[t][i].cdf(prior.s[n * T * d + t * d + i]));
    col[n] = encodePath(grid.layout, idx);
  }
  return col;
}

/** Share of the product of the atom weights mixed into the binned prior, so that every column has mass (design section 2). */
export const PRODUCT_SHARE = 1e-3;

/** p0_j = (1 - e) (paths in column j) / paths + e prod_{t,i} w_{t,i}(k_{t,i}(j)). */
export function binnedPrior(grid: Grid, columns: Int32Array, share = PRODUCT_SHARE): Float64Array {
  const { layout, atoms } = grid;
  const p0 = new Float64Array(layout.numCols);
  // the product law, column by column in the layout's mixed radix (last date and asset fastest)
  p0.fill(1);
  let stride = layout.numCols;
  for (let t = 0; t < layout.T; t++)
    for (let i = 0; i < layout.d; i++) {
      const w = atoms[t][i].w;
      stride /= w.length;
      for (let j = 0; j < p0.length; j++) p0[j] *= w[Math.floor(j / stride) % w.length];
    }
  for (let j = 0; j < p0.length; j++) p0[j] *= share;
  for (const j of columns) p0[j] += (1 - share) / columns.length;
  return p0;
}
