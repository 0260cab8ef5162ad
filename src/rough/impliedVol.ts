import { blackCallTotal } from '../math/black.js';
import { stdNormalPdf } from '../math/normal.js';

/** Black (1976) undiscounted call E[(F e^(sigma sqrt(T) Z - sigma^2 T/2) - K)^+]. */
export function blackCall(forward: number, strike: number, T: number, sigma: number): number {
  if (sigma <= 0) return Math.max(forward - strike, 0);
  return blackCallTotal(forward, strike, sigma * Math.sqrt(T));
}

/**
 * Black-Scholes implied volatility of an undiscounted call price: safeguarded Newton on the out-of-the-money
 * option (put by parity when K < F), bisection whenever Newton leaves the bracket. NaN when the price is
 * outside the no-arbitrage interval (max(F-K, 0), F) or too deep in the wings to carry information. Newton starts at
 * `guess` when it lies in the bracket (a nearby volatility saves most of the steps), else mid-bracket.
 */
export function impliedVol(forward: number, strike: number, T: number, call: number, guess?: number): number {
  const intrinsic = Math.max(forward - strike, 0);
  if (!(call > intrinsic) || !(call < forward)) return NaN;
  const otm = call - intrinsic; // OTM price: call if K >= F, put otherwise (parity)
  const price = (s: number) => blackCall(forward, strike, T, s) - intrinsic;
  let lo = 0;
  let hi = 1;
  while (price(hi) < otm) {
    hi *= 2;
    if (hi > 1e3) return NaN;
  }
  let s = guess !== undefined && guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
  for (let it = 0; it < 100; it++) {
    const f = price(s) - otm;
    if (f > 0) hi = s;
    else lo = s;
    const d1 = (Math.log(forward / strike) + 0.5 * s * s * T) / (s * Math.sqrt(T));
    const vega = forward * Math.sqrt(T) * stdNormalPdf(d1);
    let next = s - f / vega;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - s) < 1e-14 * Math.max(1, s)) return next;
    s = next;
  }
  return s;
}
