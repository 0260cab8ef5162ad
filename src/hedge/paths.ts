import type { Marginal } from '../marginals/types.js';
import type { Rng } from '../core/random.js';

/** A way to draw fresh price paths (row-major n x T*d, s[t*d + i]) for out-of-sample checks. */
export interface PathSet {
  name: string;
  /** True when the paths follow a martingale with the given marginals (then E[portfolio] = hedge cost). */
  martingale: boolean;
  draw(n: number, rng: Rng): Float64Array;
}

/** Prices at quantile levels; `level(rng, t, i, shared)` picks the level of asset i at date t given the date's shared uniform. */
function quantilePaths(name: string, marginals: Marginal[][], level: (u: number, t: number, i: number, rng: Rng) => number): PathSet {
  const T = marginals.length;
  const d = marginals[0].length;
  return {
    name,
    martingale: false,
    draw(n, rng) {
      const s = new Float64Array(n * T * d);
      for (let b = 0; b < n; b++)
        for (let t = 0; t < T; t++) {
          const u = rng.uniform();
          for (let i = 0; i < d; i++) s[(b * T + t) * d + i] = marginals[t][i].quantile(level(u, t, i, rng));
        }
      return s;
    },
  };
}

/** Per asset: Bachelier (all dates normal) or Black (all dates lognormal) with cumulative variances v_t, or undefined. */
function assetModel(ms: Marginal[]): { v: number[]; price: (w: number, t: number) => number } | undefined {
  if (ms.every((m) => m.dist === 'normal')) return { v: ms.map((m) => m.variance), price: (w, t) => ms[t].mean + w };
  if (ms.every((m) => m.dist === 'lognormal')) {
    const v = ms.map((m) => Math.log(1 + m.variance / (m.mean * m.mean)));
    return { v, price: (w, t) => ms[t].mean * Math.exp(w - 0.5 * v[t]) };
  }
  return undefined;
}

/**
 * Martingale paths with the given marginals: s_ti = price_i(W_ti), W_i Gaussian with independent
 * increments of variance v_t - v_{t-1}, increments of different assets with correlation rho (1, 0, or -1 for d = 2).
 */
function modelPaths(marginals: Marginal[][], rho: 1 | 0 | -1): PathSet | undefined {
  const T = marginals.length;
  const d = marginals[0].length;
  const models = Array.from({ length: d }, (_, i) => assetModel(marginals.map((row) => row[i])));
  if (models.some((m) => m === undefined) || (rho === -1 && d !== 2)) return undefined;
  return {
    name: `model paths (Gaussian increments, correlation ${rho})`,
    martingale: true,
    draw(n, rng) {
      const s = new Float64Array(n * T * d);
      const w = new Float64Array(d);
      for (let b = 0; b < n; b++) {
        w.fill(0);
        for (let t = 0; t < T; t++) {
          const common = rng.normal();
          for (let i = 0; i < d; i++) {
            const m = models[i]!;
            const g = rho === 1 ? common : rho === -1 ? (i === 0 ? common : -common) : rng.normal();
            w[i] += Math.sqrt(Math.max(0, m.v[t] - (t > 0 ? m.v[t - 1] : 0))) * g;
            s[(b * T + t) * d + i] = m.price(w[i], t);
          }
        }
      }
      return s;
    },
  };
}

/** Independent, comonotone and (d >= 2) antitone couplings of the marginals at each date (dates independent), then model paths when a model is available. */
export function pathSets(marginals: Marginal[][]): PathSet[] {
  const d = marginals[0].length;
  const sets = [
    quantilePaths('independent coupling', marginals, (_u, _t, _i, rng) => rng.uniform()),
    quantilePaths('comonotone coupling per date', marginals, (u) => u),
  ];
  if (d >= 2) sets.push(quantilePaths('antitone coupling per date (odd assets 1 - u)', marginals, (u, _t, i) => (i % 2 === 1 ? 1 - u : u)));
  for (const rho of [1, 0, -1] as const) {
    const m = modelPaths(marginals, rho);
    if (m) sets.push(m);
  }
  return sets;
}
