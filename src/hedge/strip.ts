import { Matrix, solve } from 'ml-matrix';
import type { Marginal } from '../marginals/types.js';
import { putPrice } from '../marginals/types.js';
import type { Strip } from './document.js';

/**
 * Vanilla strip of the piecewise-linear interpolant of (x_j, v_j) (Carr-Madan with the kinks as
 * second derivative): f(x) = cash + forward (x - F) + sum_{x_j >= pivot} k_j (x - x_j)^+ + sum_{x_j < pivot} k_j (x_j - x)^+,
 * k_j = slope change at x_j, pivot = knot nearest F, linear beyond the end knots.
 */
export function vanillaStrip(x: ArrayLike<number>, v: ArrayLike<number>, forwardPrice: number): Omit<Strip, 'price' | 'quoted' | 'listed'> {
  const n = x.length;
  const slope = (j: number) => {
    const i = Math.min(n - 2, Math.max(0, j));
    return (v[i + 1] - v[i]) / (x[i + 1] - x[i]);
  };
  let p = 0;
  for (let j = 1; j < n; j++) if (Math.abs(x[j] - forwardPrice) < Math.abs(x[p] - forwardPrice)) p = j;
  const forward = slope(p - 1);
  const calls: Strip['calls'] = [];
  const puts: Strip['puts'] = [];
  for (let j = 1; j < n - 1; j++) {
    const weight = slope(j) - slope(j - 1);
    if (weight === 0) continue;
    (j >= p ? calls : puts).push({ strike: x[j], weight });
  }
  return { pivot: x[p], forwardPrice, cash: v[p] + forward * (forwardPrice - x[p]), forward, calls, puts };
}

/** Pays the strip at price x. */
export function stripPayoff(s: Omit<Strip, 'price' | 'quoted' | 'listed'>, x: number): number {
  let v = s.cash + s.forward * (x - s.forwardPrice);
  for (const c of s.calls) v += c.weight * Math.max(0, x - c.strike);
  for (const q of s.puts) v += q.weight * Math.max(0, q.strike - x);
  return v;
}

/** Price of the strip with given call and put prices (the forward costs nothing); undefined if one is missing. */
export function stripPrice(
  s: Omit<Strip, 'price' | 'quoted' | 'listed'>,
  call: (k: number) => number | undefined,
  put: (k: number) => number | undefined,
): number | undefined {
  let v = s.cash;
  for (const c of s.calls) {
    const p = call(c.strike);
    if (p === undefined) return undefined;
    v += c.weight * p;
  }
  for (const q of s.puts) {
    const p = put(q.strike);
    if (p === undefined) return undefined;
    v += q.weight * p;
  }
  return v;
}

/** n prices evenly spaced between the quantiles at levels tail and 1 - tail of m. */
export function evenPrices(m: Marginal, n: number, tail: number): number[] {
  const lo = m.quantile(tail);
  const hi = m.quantile(1 - tail);
  return Array.from({ length: n }, (_, j) => lo + ((hi - lo) * j) / (n - 1));
}

/** Strike grid of a static function: the listed strikes, or `n` strikes evenly spaced between the 1e-5 and 1 - 1e-5 quantiles. */
export function strikeGrid(m: Marginal, n = 401): { strikes: number[]; listed: boolean } {
  const listed = m.listed;
  if (listed && listed.strikes.length >= 2) return { strikes: [...new Set(listed.strikes)].sort((a, b) => a - b), listed: true };
  return { strikes: evenPrices(m, n, 1e-5), listed: false };
}

/** The strip of f on its strike grid, priced under the marginal and, when listed, at the quotes. */
export function priceStrip(m: Marginal, strikes: number[], values: number[], listed: boolean): Strip {
  const s = vanillaStrip(strikes, values, m.mean);
  const price = stripPrice(s, (k) => m.call(k), (k) => putPrice(m, k))!;
  const quotes = m.listed;
  const quoted = quotes ? stripPrice(s, (k) => quotes.call(k), (k) => quotes.put(k)) : undefined;
  return { ...s, price, quoted: quoted ?? null, listed };
}

/**
 * L2 projection under the marginal of f (samples f(x_j) at equally weighted quantile points x_j) onto the
 * piecewise-linear functions with knots at the strikes, linear beyond the end knots: the knot values
 * of the best strip on a sparse (listed) strike grid, where interpolating f at the strikes is too coarse.
 */
export function projectOnStrikes(strikes: number[], x: ArrayLike<number>, f: ArrayLike<number>): number[] {
  const n = strikes.length;
  const A = Matrix.zeros(n, n);
  const b = Matrix.zeros(n, 1);
  for (let j = 0; j < x.length; j++) {
    // segment [k, k+1] holding x_j (end segments extended), and the two hat weights there
    let k = 0;
    while (k < n - 2 && x[j] > strikes[k + 1]) k++;
    const t = (x[j] - strikes[k]) / (strikes[k + 1] - strikes[k]);
    const w = [1 - t, t];
    for (let a = 0; a < 2; a++) {
      b.set(k + a, 0, b.get(k + a, 0) + w[a] * f[j]);
      for (let c = 0; c < 2; c++) A.set(k + a, k + c, A.get(k + a, k + c) + w[a] * w[c]);
    }
  }
  // a tiny ridge keeps knots without nearby mass determined (by their neighbours' fit)
  const ridge = 1e-12 * A.trace();
  for (let k = 0; k < n; k++) A.set(k, k, A.get(k, k) + ridge);
  return solve(A, b).getColumn(0);
}
