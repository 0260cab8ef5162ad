import { VmotError } from '../../core/errors.js';
import type { ExpiryQuotes } from './chain.js';

export interface ParityFit {
  /** Forward F (the risk-neutral mean of the underlying at expiry). */
  forward: number;
  /** Discount factor D: C - P = D (F - K). */
  discount: number;
  /** Whether D was estimated (true) or given. */
  discountEstimated: boolean;
  /** Strikes used, with the parity residual (C - P) - D (F - K) at each. */
  points: { strike: number; residual: number }[];
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

/**
 * Put-call parity C(K) - P(K) = D F - D K fitted by the Theil-Sen estimator (median of pairwise slopes,
 * median intercept) on the `nearest` strikes with both quotes positive closest to the money; with a given
 * discount D only F = median(K + (C - P)/D) is estimated.
 */
export function parityForward(q: ExpiryQuotes, opts: { discount?: number; nearest?: number } = {}, field = 'quotes'): ParityFit {
  const pairs: { k: number; y: number }[] = [];
  q.strikes.forEach((k, i) => {
    const c = q.calls[i];
    const p = q.puts[i];
    if (c !== undefined && p !== undefined && c > 0 && p > 0) pairs.push({ k, y: c - p });
  });
  if (pairs.length < 2) throw new VmotError(`put-call parity needs at least 2 strikes with both a call and a put quote, found ${pairs.length}`, field);
  // closest to the money: smallest |C - P| relative to the price level
  const near = [...pairs].sort((a, b) => Math.abs(a.y) - Math.abs(b.y)).slice(0, Math.max(2, opts.nearest ?? 8));
  let discount = opts.discount;
  let forward: number;
  if (discount === undefined) {
    const slopes: number[] = [];
    for (let i = 0; i < near.length; i++) for (let j = i + 1; j < near.length; j++) slopes.push((near[j].y - near[i].y) / (near[j].k - near[i].k));
    const slope = median(slopes);
    if (!(slope < 0)) throw new VmotError(`put-call parity gives a non-negative slope of C - P in the strike (${slope}); give the discount factor`, field);
    discount = -slope;
    forward = median(near.map((p) => p.y + discount! * p.k)) / discount;
  } else {
    const d = discount;
    forward = median(near.map((p) => p.k + p.y / d));
  }
  if (!(forward > 0)) throw new VmotError(`put-call parity gives a non-positive forward (${forward})`, field);
  if (!(discount > 0.5 && discount < 1.5)) throw new VmotError(`put-call parity gives an implausible discount factor ${discount.toFixed(4)}; give it explicitly`, field);
  const d = discount;
  const points = near.sort((a, b) => a.k - b.k).map((p) => ({ strike: p.k, residual: p.y - d * (forward - p.k) }));
  return { forward, discount: d, discountEstimated: opts.discount === undefined, points };
}
