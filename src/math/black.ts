import { stdNormalCdf } from './normal.js';

/**
 * Black (1976) undiscounted call E[(F e^(s Z - s^2/2) - K)^+] with total volatility s (s^2 = variance of the log):
 * F N(d1) - K N(d1 - s), d1 = (log(F/K) + s^2/2) / s; F - K for K <= 0.
 */
export function blackCallTotal(forward: number, strike: number, s: number): number {
  if (strike <= 0) return forward - strike;
  const d1 = (Math.log(forward / strike) + 0.5 * s * s) / s;
  return forward * stdNormalCdf(d1) - strike * stdNormalCdf(d1 - s);
}
