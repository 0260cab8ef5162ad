import type { Marginal } from '../marginals/types.js';
import type { PathFn } from '../problem/payoffs/types.js';
import { Rng } from '../core/random.js';
import type { ShortfallRow, Verification } from './document.js';
import { gridAxes } from './grid.js';
import { pathSets } from './paths.js';
import { increment, type PriceHedge } from './price-space.js';

export interface VerifyOptions {
  /** Paths per path set. */
  n?: number;
  seed?: string;
  /** Bound on the number of grid paths (levels^(T d)). */
  gridPoints?: number;
  /** Grid levels span normal scores in [-scoreRange, scoreRange]. */
  scoreRange?: number;
}

/** Margin of the hedge on a path: portfolio - payoff for the upper bound (superhedge), payoff - portfolio for the lower. */
const margin = (side: 'upper' | 'lower', portfolio: number, payoff: number) => (side === 'upper' ? portfolio - payoff : payoff - portfolio);

/**
 * Out-of-sample check of the hedge inequality (2.9) (portfolio >= c for the upper bound, <= c for the lower): on fresh
 * paths of every path set, the shortfall statistics of
 * the margin, and the worst shortfall over a grid of all T d prices (levels at evenly spaced normal
 * scores); the conservative bound adds (upper) or subtracts (lower) to the hedge's cost the worst shortfall on the grid
 * and the sampled paths, i.e. the cash that makes the hedge hold on every tested path.
 */
export async function verifyHedge(hedge: PriceHedge, marginals: Marginal[][], payoff: PathFn, opts: VerifyOptions = {}): Promise<Verification> {
  const { doc } = hedge;
  const n = opts.n ?? 1 << 16;
  const seed = opts.seed ?? 'verify';
  const W = hedge.width;
  const rows: ShortfallRow[] = [];
  let eps = 0;
  for (const set of pathSets(marginals)) {
    const s = set.draw(n, new Rng(`${seed}/${set.name}`));
    const { total } = await hedge.portfolio(s, n);
    const c = Float64Array.from({ length: n }, (_, b) => payoff(s.subarray(b * W, (b + 1) * W)));
    // eps: 1e-3 of the mean absolute payoff on the first (independent) set
    if (rows.length === 0) eps = (1e-3 * c.reduce((a, v) => a + Math.abs(v), 0)) / n;
    let below = 0;
    let sum = 0;
    let worst = 0;
    for (let b = 0; b < n; b++) {
      const short = Math.max(0, -margin(doc.side, total[b], c[b]));
      if (short > eps) below += 1;
      sum += short;
      worst = Math.max(worst, short);
    }
    const mean = (a: Float64Array) => a.reduce((x, v) => x + v, 0) / n;
    rows.push({ paths: set.name, n, martingale: set.martingale, below: below / n, meanShortfall: sum / n, worstShortfall: worst, meanPortfolio: mean(total), meanPayoff: mean(c) });
  }
  const scoreRange = opts.scoreRange ?? 3.5;
  const maxPoints = opts.gridPoints ?? 1 << 21;
  // a grid needs at least 2 levels per price: beyond 2^(T d) > 8 maxPoints only the sampled paths remain
  const grid = 2 ** hedge.width <= 8 * maxPoints ? { ...(await gridShortfall(hedge, marginals, payoff, maxPoints, scoreRange)), scoreRange } : null;
  const worst = Math.max(grid?.worstShortfall ?? 0, ...rows.map((r) => r.worstShortfall));
  return { eps, seed, rows, grid, conservative: doc.cost.total + (doc.side === 'upper' ? worst : -worst) };
}

/** Worst shortfall over the full grid of levels^(T d) paths; statics and holdings are evaluated once on their own sub-grids. */
async function gridShortfall(hedge: PriceHedge, marginals: Marginal[][], payoff: PathFn, maxPoints: number, scoreRange: number) {
  const { doc } = hedge;
  const { T, d } = doc;
  const W = T * d;
  const { axes, grid } = gridAxes(marginals, maxPoints, scoreRange);
  const L = grid.levels;
  // sub-grid of the first m coordinates: row r has digit floor(r / L^k) % L in coordinate k
  const subGrid = (m: number) => {
    const rows = L ** m;
    const s = new Float64Array(rows * W);
    for (let r = 0; r < rows; r++) for (let k = 0, q = r; k < m; k++, q = Math.floor(q / L)) s[r * W + k] = axes[k][q % L];
    return s;
  };
  const values: Float64Array[] = [];
  const prefix = doc.components.map((comp) => L ** ((comp.date + 1) * d));
  for (let c = 0; c < doc.components.length; c++) {
    const comp = doc.components[c];
    if (comp.kind === 'static') {
      const s = new Float64Array(L * W);
      for (let l = 0; l < L; l++) s[l * W + comp.date * d + comp.asset] = axes[comp.date * d + comp.asset][l];
      values.push(await hedge.component(c, s, L));
    } else {
      const m = (comp.date + 1) * d;
      values.push(await hedge.component(c, subGrid(m), L ** m));
    }
  }
  const points = L ** W;
  const s = new Float64Array(W);
  const digit = new Int32Array(W);
  let worst = 0;
  for (let p = 0; p < points; p++) {
    for (let k = 0, q = p; k < W; k++, q = Math.floor(q / L)) {
      digit[k] = q % L;
      s[k] = axes[k][digit[k]];
    }
    let total = doc.cash;
    doc.components.forEach((comp, c) => {
      if (comp.kind === 'static') total += values[c][digit[comp.date * d + comp.asset]];
      else total += values[c][p % prefix[c]] * increment(s, 0, d, comp.date, comp.asset);
    });
    worst = Math.max(worst, -margin(doc.side, total, payoff(s)));
  }
  return { levels: L, points, worstShortfall: worst };
}
