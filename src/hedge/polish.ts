import { Rng } from '../core/random.js';
import { highsRuntime } from '../math/highs.js';
import type { Marginal } from '../marginals/types.js';
import type { NetWeights } from '../models/engines/contract.js';
import { forwardLayers } from '../models/engines/reference.js';
import type { PathFn } from '../problem/payoffs/types.js';
import { gridAxes, type ScoreGrid } from './grid.js';
import { pathSets } from './paths.js';
import { increment, type PriceHedge } from './price-space.js';
import { quantileMidpoints } from './quadrature.js';

/**
 * Pathwise polish of a trained hedge of (2.9): the networks' hidden layers are kept and their output layers (weights w,
 * bias b of every network) re-fitted by the linear program
 *
 *   min over (w, b)  sign (cash + sum_static factor (E_mu[F] w + b))
 *   s.t.             sign (cash + sum_static factor (F(s) w + b) + sum_holding factor (F(s) w + b) (s_{t+1,i} - s_{t,i}) - c(s)) >= 0
 *
 * for every path s of a pool (a grid of all T d prices at evenly spaced normal scores, and sampled paths of every path
 * set), sign = +1 for the superhedge of the upper bound, -1 for the subhedge of the lower; F = the last hidden layer.
 * The portfolio is linear in (w, b), so the problem is an LP; it is solved by cutting planes [Kel60]: HiGHS' dual
 * simplex on the paths added so far, warm-started as each round adds the most violated paths of the pool, until no
 * path of the pool falls short by more than the tolerance. Each output weight stays within a box around its trained
 * value (the LP on few paths is otherwise unbounded).
 */

export interface PolishOptions {
  /** The grid's levels are cell midpoints of [-scoreRange, scoreRange] in normal scores (default 5). */
  scoreRange?: number;
  /** Bound on the grid's levels^(T d) paths (default 2^21); beyond it the pool has sampled paths only. */
  gridPoints?: number;
  /** Sampled paths per path set (default 2^13). */
  paths?: number;
  seed?: string;
  /** Most cutting-plane rounds (default 60), paths added per round (default 2000). */
  rounds?: number;
  perRound?: number;
  /** Largest shortfall left on the pool, relative to the hedge's cost scale (default 1e-5). */
  tolerance?: number;
  /** Half-width of the box of each output weight, in multiples of the largest trained output weight of its network (default 20); static biases are free. */
  box?: number;
  /** Hears each round: the worst shortfall left on the pool and the hedge's cost. */
  onRound?: (round: number, rounds: number, worst: number, cost: number) => void;
}

export interface PolishReport {
  /** Hedge cost before and after (price units). */
  costBefore: number;
  costAfter: number;
  /** Worst shortfall on the pool before and after. */
  worstBefore: number;
  worstAfter: number;
  /** The pool: `grids` grids staggered by half a cell (each `grid`), and `pathsPerSet` paths of each path set. */
  grid: ScoreGrid | null;
  grids: number;
  pathsPerSet: number;
  rounds: number;
  /** Paths in the final LP. */
  constraints: number;
  /** Output weights at their box. */
  atBox: number;
  status: string;
  solver: string;
  seconds: number;
}

/** A pool of paths: the features of every component on its own rows, and each path's row of each component. */
interface Pool {
  n: number;
  /** Feature rows shared by many paths (the grid): the LP gets one column per feature row and component, its network's output. */
  shared: boolean;
  /** Features (rows x H of the component's network) and the row of path p. */
  features: Float32Array[];
  row(c: number, p: number): number;
  /** Writes path p into s. */
  path(p: number, s: Float64Array): void;
}

/** The last hidden layer of `net` (after its ReLU) on n input rows. */
function hidden(net: NetWeights, x: Float32Array, n: number): Float32Array {
  return forwardLayers(net, x, n)[net.length - 1];
}

/** Polishes the output layers of the networks of `hedge` (weights by network id); returns the new weights and what it did. */
export async function polishHedge(hedge: PriceHedge, weights: Map<string, NetWeights>, marginals: Marginal[][], payoff: PathFn, opts: PolishOptions = {}): Promise<{ weights: Map<string, NetWeights>; report: PolishReport }> {
  const t0 = performance.now();
  const { doc } = hedge;
  const { T, d } = doc;
  const W = T * d;
  const sign = doc.side === 'upper' ? 1 : -1;
  const comps = doc.components;
  // columns: per network its H output weights, then its bias
  const ids = [...new Set(comps.map((c) => c.network))];
  const offset = new Map<string, number>();
  let nVars = 0;
  for (const id of ids) {
    offset.set(id, nVars);
    nVars += weights.get(id)!.at(-1)!.in + 1;
  }
  const H = comps.map((c) => weights.get(c.network)!.at(-1)!.in);
  const features = (c: number, s: Float64Array, n: number) => hidden(weights.get(comps[c].network)!, hedge.inputs(c, s, n), n);

  // pools: the grid (features on each component's sub-grid) and the sampled paths of every path set
  const scoreRange = opts.scoreRange ?? 5;
  const maxPoints = opts.gridPoints ?? 1 << 21;
  const pools: Pool[] = [];
  let grid: ScoreGrid | null = null;
  // two grids staggered by half a cell: the portfolio - payoff dips most between the levels of one grid, at the other's
  for (const shift of 2 ** W <= 8 * maxPoints ? [0.5, 0] : []) {
    const g = gridAxes(marginals, maxPoints, scoreRange, shift);
    grid = g.grid;
    const L = g.grid.levels;
    const prefix = comps.map((c) => L ** (c.kind === 'static' ? 1 : (c.date + 1) * d));
    const coord = comps.map((c) => c.date * d + c.asset);
    // a static's row is the digit of its coordinate: floor(p / L^coord) % L, the power taken once
    const stride = coord.map((k) => L ** k);
    pools.push({
      n: g.grid.points,
      shared: true,
      features: comps.map((c, k) => {
        const m = c.kind === 'static' ? 1 : (c.date + 1) * d;
        const rows = L ** m;
        const s = new Float64Array(rows * W);
        for (let r = 0; r < rows; r++)
          if (c.kind === 'static') s[r * W + coord[k]] = g.axes[coord[k]][r];
          else for (let j = 0, q = r; j < m; j++, q = Math.floor(q / L)) s[r * W + j] = g.axes[j][q % L];
        return features(k, s, rows);
      }),
      row: (c, p) => (comps[c].kind === 'static' ? Math.floor(p / stride[c]) % L : p % prefix[c]),
      path: (p, s) => {
        for (let j = 0, q = p; j < W; j++, q = Math.floor(q / L)) s[j] = g.axes[j][q % L];
      },
    });
  }
  const perSet = opts.paths ?? (grid ? 1 << 13 : 1 << 15);
  const seed = opts.seed ?? 'polish';
  for (const set of pathSets(marginals)) {
    const s = set.draw(perSet, new Rng(`${seed}/${set.name}`));
    pools.push({ n: perSet, shared: false, features: comps.map((_, k) => features(k, s, perSet)), row: (_c, p) => p, path: (p, out) => out.set(s.subarray(p * W, (p + 1) * W)) });
  }

  // E_mu[F] of every static component (midpoint rule in the quantile level, as the hedge's cost)
  const cost = new Float64Array(nVars);
  comps.forEach((c, k) => {
    if (c.kind !== 'static') return;
    const m = marginals[c.date][c.asset];
    const x = quantileMidpoints(m);
    const s = new Float64Array(x.length * W);
    for (let j = 0; j < x.length; j++) s[j * W + c.date * d + c.asset] = x[j];
    const F = features(k, s, x.length);
    const o = offset.get(c.network)!;
    for (let r = 0; r < x.length; r++) for (let j = 0; j < H[k]; j++) cost[o + j] += (sign * c.factor * F[r * H[k] + j]) / x.length;
    cost[o + H[k]] += sign * c.factor;
  });

  // the trained output layers, and the box around them
  const x = new Float64Array(nVars);
  const lower = new Float64Array(nVars);
  const upper = new Float64Array(nVars);
  const box = opts.box ?? 20;
  for (const id of ids) {
    const last = weights.get(id)!.at(-1)!;
    const o = offset.get(id)!;
    const h = last.in;
    let big = Math.abs(last.b[0]);
    for (let j = 0; j < h; j++) big = Math.max(big, Math.abs(last.w[j]));
    for (let j = 0; j <= h; j++) {
      x[o + j] = j < h ? last.w[j] : last.b[0];
      lower[o + j] = x[o + j] - box * big;
      upper[o + j] = x[o + j] + box * big;
    }
  }
  // a static bias is cash: free, so the LP is always feasible
  for (const c of comps)
    if (c.kind === 'static') {
      const j = offset.get(c.network)! + weights.get(c.network)!.at(-1)!.in;
      lower[j] = -Infinity;
      upper[j] = Infinity;
    }
  const costOf = (v: Float64Array) => doc.cash + sign * cost.reduce((a, cj, j) => a + cj * v[j], 0);

  // margins sign (portfolio - c) on a pool at output weights v
  const s = new Float64Array(W);
  const margins = (pool: Pool, v: Float64Array): Float64Array => {
    const values = comps.map((c, k) => {
      const F = pool.features[k];
      const h = H[k];
      const o = offset.get(c.network)!;
      const rows = F.length / h;
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let z = v[o + h];
        for (let j = 0; j < h; j++) z += F[r * h + j] * v[o + j];
        out[r] = c.factor * z;
      }
      return out;
    });
    const m = new Float64Array(pool.n);
    for (let p = 0; p < pool.n; p++) {
      pool.path(p, s);
      let total = doc.cash;
      comps.forEach((c, k) => {
        const val = values[k][pool.row(k, p)];
        total += c.kind === 'static' ? val : val * increment(s, 0, d, c.date, c.asset);
      });
      m[p] = sign * (total - payoff(s));
    }
    return m;
  };
  // shared feature rows: column aux[k] + r is the output of component k's network on feature row r, defined by the
  // equality row F_r w + b - v = 0; a grid path's row then has one entry per component
  const aux = pools.map(() => [] as number[]);
  let nCols = nVars;
  const define = { starts: [0], index: [] as number[], value: [] as number[] };
  pools.forEach((pool, q) => {
    if (!pool.shared) return;
    comps.forEach((c, k) => {
      aux[q].push(nCols);
      const F = pool.features[k];
      const o = offset.get(c.network)!;
      const rows = F.length / H[k];
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < H[k]; j++) {
          if (F[r * H[k] + j] === 0) continue;
          define.index.push(o + j);
          define.value.push(F[r * H[k] + j]);
        }
        define.index.push(o + H[k], nCols + r);
        define.value.push(1, -1);
        define.starts.push(define.index.length);
      }
      nCols += rows;
    });
  });
  // the LP row of path p of a pool: sign * (portfolio - cash) >= sign * (c - cash)
  const dense = new Float64Array(nVars);
  const rowOf = (q: number, p: number) => {
    const pool = pools[q];
    pool.path(p, s);
    const index: number[] = [];
    const value: number[] = [];
    const coef = (c: (typeof comps)[number]) => sign * c.factor * (c.kind === 'static' ? 1 : increment(s, 0, d, c.date, c.asset));
    if (pool.shared)
      comps.forEach((c, k) => {
        index.push(aux[q][k] + pool.row(k, p));
        value.push(coef(c));
      });
    else {
      dense.fill(0);
      comps.forEach((c, k) => {
        const a = coef(c);
        const F = pool.features[k];
        const r = pool.row(k, p);
        const o = offset.get(c.network)!;
        for (let j = 0; j < H[k]; j++) dense[o + j] += a * F[r * H[k] + j];
        dense[o + H[k]] += a;
      });
      dense.forEach((a, j) => {
        if (a !== 0) {
          index.push(j);
          value.push(a);
        }
      });
    }
    return { lower: sign * (payoff(s) - doc.cash), index, value };
  };

  const scale = Math.max(1e-12, Math.abs(costOf(x)));
  const tol = (opts.tolerance ?? 1e-5) * scale;
  const perRound = opts.perRound ?? 2000;
  const maxRounds = opts.rounds ?? 60;
  const worstOf = (ms: Float64Array[]) => Math.max(0, ...ms.map((m) => -m.reduce((a, v) => Math.min(a, v), Infinity)));
  const costBefore = costOf(x);
  let ms = pools.map((pool) => margins(pool, x));
  const worstBefore = worstOf(ms);

  const h = await highsRuntime();
  const pad = (a: Float64Array, v: number) => {
    const out = new Float64Array(nCols).fill(v);
    out.set(a);
    return out;
  };
  const model = h.createModel({
    numCols: nCols,
    numRows: 0,
    sense: h.constants.objectiveSense.minimize,
    colCost: pad(cost, 0),
    colLower: pad(lower.map((v) => (Number.isFinite(v) ? v : -h.infinity)), -h.infinity),
    colUpper: pad(upper.map((v) => (Number.isFinite(v) ? v : h.infinity)), h.infinity),
    rowLower: new Float64Array(0),
    rowUpper: new Float64Array(0),
    matrix: { format: 'csc', numRows: 0, numCols: nCols, starts: new Int32Array(nCols + 1), indices: new Int32Array(0), values: new Float64Array(0) },
  });
  const definitions = define.starts.length - 1;
  if (definitions > 0)
    model.addRows({
      lower: new Float64Array(definitions),
      upper: new Float64Array(definitions),
      matrix: { format: 'csr', numRows: definitions, numCols: nCols, starts: Int32Array.from(define.starts), indices: Int32Array.from(define.index), values: Float64Array.from(define.value) },
    });
  const added = pools.map(() => new Set<number>());
  let rounds = 0;
  let constraints = 0;
  let status = 'not run';
  try {
    model.options.set({ output_flag: false, solver: 'simplex', simplex_strategy: 1, presolve: 'off' });
    const rng = new Rng(`${seed}/rows`);
    for (; rounds < maxRounds; rounds++) {
      // the most violated paths not yet in the LP (the first round also takes a spread of grid paths)
      const candidates: { pool: number; p: number; m: number }[] = [];
      ms.forEach((m, q) => m.forEach((v, p) => v < -tol && !added[q].has(p) && candidates.push({ pool: q, p, m: v })));
      if (candidates.length === 0) break;
      candidates.sort((a, b) => a.m - b.m);
      const pick = candidates.slice(0, perRound);
      if (rounds === 0 && grid) for (let k = 0; k < perRound; k++) pick.push({ pool: 0, p: Math.floor(rng.uniform() * pools[0].n), m: 0 });
      const lo: number[] = [];
      const starts = [0];
      const index: number[] = [];
      const value: number[] = [];
      for (const c of pick) {
        if (added[c.pool].has(c.p)) continue;
        added[c.pool].add(c.p);
        const r = rowOf(c.pool, c.p);
        lo.push(r.lower);
        index.push(...r.index);
        value.push(...r.value);
        starts.push(index.length);
      }
      constraints += lo.length;
      model.addRows({
        lower: Float64Array.from(lo),
        upper: new Float64Array(lo.length).fill(h.infinity),
        matrix: { format: 'csr', numRows: lo.length, numCols: nCols, starts: Int32Array.from(starts), indices: Int32Array.from(index), values: Float64Array.from(value) },
      });
      const { modelStatus } = model.run();
      status = Object.entries(h.constants.modelStatus).find(([, v]) => v === modelStatus)?.[0] ?? String(modelStatus);
      if (status !== 'optimal') break;
      x.set(model.getSolution().colValue.subarray(0, nVars));
      ms = pools.map((pool) => margins(pool, x));
      opts.onRound?.(rounds + 1, maxRounds, worstOf(ms), costOf(x));
    }
  } finally {
    model.dispose();
  }
  let atBox = 0;
  for (let j = 0; j < nVars; j++) if (Number.isFinite(lower[j]) && (x[j] <= lower[j] + 1e-9 * (upper[j] - lower[j]) || x[j] >= upper[j] - 1e-9 * (upper[j] - lower[j]))) atBox += 1;

  const out = new Map<string, NetWeights>();
  for (const id of ids) {
    const net = weights.get(id)!;
    const last = net.at(-1)!;
    const o = offset.get(id)!;
    out.set(id, [...net.slice(0, -1), { ...last, w: Float32Array.from(x.subarray(o, o + last.in)), b: Float32Array.of(x[o + last.in]) }]);
  }
  return {
    weights: out,
    report: {
      costBefore,
      costAfter: costOf(x),
      worstBefore,
      worstAfter: worstOf(ms),
      grid,
      grids: pools.filter((q) => q.shared).length,
      pathsPerSet: perSet,
      rounds,
      constraints,
      atBox,
      status,
      solver: `HiGHS ${h.version.string} dual simplex`,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}
