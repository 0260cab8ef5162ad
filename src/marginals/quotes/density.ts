import { VmotError } from '../../core/errors.js';
import type { Marginal } from '../types.js';
import type { OptionType } from './clean.js';
import { INF, type QpSolver, type Row } from './qp.js';

/** A density linear between the nodes x_0 < ... < x_N of a grid and zero outside (continuous: f_0 = f_N = 0). */
export interface GridDensity {
  x: Float64Array;
  f: Float64Array;
}

/** [int f, int x f, int x^2 f] over [s, t] inside the cell [x0, x1] where f is linear from f0 to f1. */
function cellMoments(x0: number, x1: number, f0: number, f1: number, s: number, t: number): [number, number, number] {
  const beta = (f1 - f0) / (x1 - x0);
  const alpha = f0 - beta * x0;
  const p = (e: number) => t ** e - s ** e;
  return [alpha * p(1) + (beta * p(2)) / 2, (alpha * p(2)) / 2 + (beta * p(3)) / 3, (alpha * p(3)) / 3 + (beta * p(4)) / 4];
}

/** Undiscounted price E[(X - K)^+] (call) or E[(K - X)^+] (put) of each hat basis function: a row of the Breeden-Litzenberger map. */
function payoffRow(x: Float64Array, k: number, option: OptionType): Float64Array {
  const row = new Float64Array(x.length);
  for (let j = 0; j + 1 < x.length; j++) {
    const [s, t] = option === 'call' ? [Math.max(k, x[j]), x[j + 1]] : [x[j], Math.min(k, x[j + 1])];
    if (t <= s) continue;
    for (const [node, f0, f1] of [[j, 1, 0], [j + 1, 0, 1]] as const) {
      const [m0, m1] = cellMoments(x[j], x[j + 1], f0, f1, s, t);
      row[node] += option === 'call' ? m1 - k * m0 : k * m0 - m1;
    }
  }
  return row;
}

export interface DensityFitInput {
  /** Strikes, option types and discounted prices of the cleaned (arbitrage-free) quotes, with the pricing tolerance of each. */
  strikes: number[];
  option: OptionType[];
  prices: number[];
  tolerance: number[];
  discount: number;
  forward: number;
  /** Grid nodes (default 201) and roughness weight (default 0.1, in forward-normalized units). */
  nodes?: number;
  smoothing?: number;
}

/**
 * Breeden-Litzenberger density f = C''/D of a C^2 convex piecewise-cubic call-price spline that reprices the cleaned
 * quotes: a piecewise-linear density on a grid wider than the strikes (tails decaying monotonically), minimizing
 * sum |pricing error / tolerance| + smoothing * int |f''| subject to f >= 0, int f = 1, int x f = F and
 * |pricing error| <= tolerance / 2. An LP, solved by HiGHS' simplex (its active-set QP solver failed on some of the
 * AMZN/AAPL expiries with a squared-error / int f''^2 objective).
 */
export function fitDensity(inp: DensityFitInput, solveQp: QpSolver, field = 'quotes'): GridDensity {
  const { forward: F, discount: D } = inp;
  const N = (inp.nodes ?? 201) - 1;
  const lambda = inp.smoothing ?? 0.1;
  const k = inp.strikes.map((s) => s / F);
  const span = k[k.length - 1] - k[0];
  const a = Math.max(0, k[0] - 0.5 * span);
  const b = k[k.length - 1] + 2 * span;
  const h = (b - a) / N;
  const z = Float64Array.from({ length: N + 1 }, (_, j) => a + j * h);
  const n = k.length;
  // columns: g_0..g_N (density at the nodes), r+_i, r-_i (pricing errors in tolerance units), d+_j, d-_j (second differences)
  const R = N + 1;
  const D2 = R + 2 * n;
  const cols = D2 + 2 * (N - 1);
  const rows: Row[] = [];
  const mass: number[] = [];
  const first: number[] = [];
  for (let j = 0; j <= N; j++) {
    let m0 = 0;
    let m1 = 0;
    if (j > 0) [m0, m1] = cellMoments(z[j - 1], z[j], 0, 1, z[j - 1], z[j]);
    if (j < N) {
      const [c0, c1] = cellMoments(z[j], z[j + 1], 1, 0, z[j], z[j + 1]);
      m0 += c0;
      m1 += c1;
    }
    mass.push(m0);
    first.push(m1);
  }
  const all = Array.from({ length: R }, (_, j) => j);
  rows.push({ idx: all, val: mass, lo: 1, hi: 1 });
  rows.push({ idx: all, val: first, lo: 1, hi: 1 });
  const tau = inp.tolerance.map((t) => t / (D * F));
  k.forEach((ki, i) => {
    // puts are priced as puts (not converted to in-the-money calls) to avoid cancellation
    const c = Array.from(payoffRow(z, ki, inp.option[i]));
    const target = inp.prices[i] / (D * F);
    rows.push({ idx: [...all, R + 2 * i, R + 2 * i + 1], val: [...c, -tau[i], tau[i]], lo: target, hi: target });
  });
  for (let j = 1; j < N; j++) rows.push({ idx: [j - 1, j, j + 1, D2 + 2 * (j - 1), D2 + 2 * (j - 1) + 1], val: [1, -2, 1, -1, 1], lo: 0, hi: 0 });
  // tails beyond the quoted strikes decay monotonically (no bumps of mass far out)
  for (let j = 0; j < N; j++) {
    if (z[j + 1] <= k[0]) rows.push({ idx: [j + 1, j], val: [1, -1], lo: 0, hi: INF });
    if (z[j] >= k[n - 1]) rows.push({ idx: [j, j + 1], val: [1, -1], lo: 0, hi: INF });
  }
  // objective sum |r_i| + smoothing * sum_j |g_{j-1} - 2 g_j + g_{j+1}| / h (= smoothing * int |g''|)
  const lin = new Array<number>(cols).fill(0);
  const lo = new Array<number>(cols).fill(0);
  const hi = new Array<number>(cols).fill(INF);
  hi[0] = 0;
  hi[N] = 0;
  for (let c = R; c < D2; c++) {
    lin[c] = 1;
    hi[c] = 0.5;
  }
  for (let c = D2; c < cols; c++) lin[c] = lambda / h;
  const { x: sol, status } = solveQp({ n: cols, hessian: [], lin, lo, hi, rows });
  if (!sol) throw new VmotError(`no smooth density reprices the cleaned quotes within half their tolerance (HiGHS status "${status}")`, field);
  // back to price units; clip solver round-off below zero and renormalize the mass to exactly 1
  const f = Float64Array.from({ length: R }, (_, j) => Math.max(0, sol[j]) / F);
  const x = Float64Array.from(z, (v) => v * F);
  let total = 0;
  for (let j = 0; j < N; j++) total += cellMoments(x[j], x[j + 1], f[j], f[j + 1], x[j], x[j + 1])[0];
  for (let j = 0; j <= N; j++) f[j] /= total;
  return { x, f };
}

/** The law with a grid density: exact CDF (piecewise quadratic), quantile (closed-form root in the cell), calls. */
export function gridDensityMarginal(d: GridDensity, label: string): Marginal {
  const { x, f } = d;
  const N = x.length - 1;
  // cumulative mass and first moment at each node
  const M0 = new Float64Array(N + 1);
  const M1 = new Float64Array(N + 1);
  let m2 = 0;
  for (let j = 0; j < N; j++) {
    const [c0, c1, c2] = cellMoments(x[j], x[j + 1], f[j], f[j + 1], x[j], x[j + 1]);
    M0[j + 1] = M0[j] + c0;
    M1[j + 1] = M1[j] + c1;
    m2 += c2;
  }
  const mean = M1[N];
  const cell = (v: number) => {
    let lo = 0;
    let hi = N - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (x[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const partial = (v: number) => {
    const j = cell(v);
    const [c0, c1] = cellMoments(x[j], x[j + 1], f[j], f[j + 1], x[j], v);
    return [M0[j] + c0, M1[j] + c1];
  };
  let first = 0;
  let last = N;
  while (first < N && f[first + 1] === 0) first++;
  while (last > 0 && f[last - 1] === 0) last--;
  return {
    dist: 'quotes',
    label,
    mean,
    variance: m2 - mean * mean,
    cdf: (v) => (v <= x[0] ? 0 : v >= x[N] ? 1 : Math.min(1, partial(v)[0])),
    call: (k) => {
      if (k <= x[0]) return mean - k;
      if (k >= x[N]) return 0;
      const [p0, p1] = partial(k);
      return Math.max(0, mean - p1 - k * (1 - p0));
    },
    quantile: (u) => {
      // cell with M0[j] < u <= M0[j+1], then F(x_j + t) = M0[j] + f_j t + s t^2 / 2 solved stably for t
      let lo = 0;
      let hi = N - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (M0[mid + 1] < u) lo = mid + 1;
        else hi = mid;
      }
      const j = lo;
      const s = (f[j + 1] - f[j]) / (x[j + 1] - x[j]);
      const du = Math.max(0, u - M0[j]);
      const disc = Math.max(0, f[j] * f[j] + 2 * s * du);
      const den = f[j] + Math.sqrt(disc);
      const t = den > 0 ? (2 * du) / den : 0;
      return Math.min(x[j + 1], x[j] + t);
    },
    range: () => [x[first], x[last]],
  };
}
