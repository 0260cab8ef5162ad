import type { ListedVanillas } from './listed.js';
import type { QuotesFit } from './quotes/fit.js';

/** A probability law on the real line, as the solver and the checks need it. */
export interface Marginal {
  /** Family name as in the problem file ("normal", "lognormal", "uniform", "empirical", ...). */
  readonly dist: string;
  /** Short description, e.g. "normal(0, 1.5)". */
  readonly label: string;
  readonly mean: number;
  readonly variance: number;
  /** Quantile function F^-1(u), u in (0,1). */
  quantile(u: number): number;
  /** Distribution function F(x). */
  cdf(x: number): number;
  /** Undiscounted call price E[(X-K)^+]. */
  call(strike: number): number;
  /** An interval that holds all but a negligible part (about 1e-9) of the mass. */
  range(): [number, number];
  /** The listed vanillas the law was built from (quotes marginals), absent otherwise. */
  readonly listed?: ListedVanillas;
  /** How the law fits the option quotes it was built from (quotes marginals), absent otherwise. */
  readonly fit?: QuotesFit;
}

/** Undiscounted put price E[(K-X)^+] by put-call parity. */
export function putPrice(m: Marginal, strike: number): number {
  return m.call(strike) - (m.mean - strike);
}

export function sd(m: Marginal): number {
  return Math.sqrt(m.variance);
}
