/** Path of prices: s[t * d + i] is asset i at date t. */
export type PathFn = (s: Float64Array) => number;

/** Super/submodularity in the asset prices of one date: the sign of the mixed difference in every pair of assets (the others fixed). */
export type Modularity = 'super' | 'sub' | 'modular' | 'unknown';

/** What the payoff is as a function of the path: used by `auto` to decide whether the reduced form is exact. */
export interface Structure {
  /** c(s) = sum_t c_t(s_t): no term couples two dates. */
  separable: boolean;
  /** Per date: modularity of c_t in every pair (s_ti, s_tj), the other prices fixed ('unknown' when the pairs differ). */
  modularity: Modularity[];
}

export interface PayoffSpec {
  type: string;
  [k: string]: unknown;
}

/** The instrument: the payoff c of the exotic as a function of the price path. */
export interface Payoff {
  readonly label: string;
  readonly value: PathFn;
  /** The problem-file spec it was built from. */
  readonly spec: PayoffSpec;
  /** The dates whose prices the payoff reads. */
  readonly dates: number[];
  /** Known from the payoff type, or undefined when it must be checked numerically. */
  readonly structure?: Structure;
  /** True when the payoff is >= 0 on every path (calls, puts, straddles): then no bound can be negative. */
  readonly nonnegative?: boolean;
}

/** Number of dates T and assets d of the problem the payoff belongs to. */
export interface Dims {
  T: number;
  d: number;
}

/** What a payoff kind builds: everything of Payoff but the spec (buildPayoff adds it). */
export type Built = Omit<Payoff, 'spec'>;

export const flipModularity = (m: Modularity): Modularity => (m === 'super' ? 'sub' : m === 'sub' ? 'super' : m);

/** Modularity of a sum of two terms. */
export function addModularity(a: Modularity, b: Modularity): Modularity {
  if (a === 'modular') return b;
  if (b === 'modular') return a;
  return a === b ? a : 'unknown';
}

/** Structure of a payoff of the prices at one date with the given modularity there. */
export function singleDate(dims: Dims, date: number, m: Modularity): Structure {
  return { separable: true, modularity: Array.from({ length: dims.T }, (_, t) => (t === date ? m : 'modular')) };
}

export const signModularity = (x: number): Modularity => (x > 0 ? 'super' : x < 0 ? 'sub' : 'modular');

/** Modularity in every pair of d assets, given the sign of each pair's mixed difference (i < j). */
export function pairwiseModularity(d: number, mixed: (i: number, j: number) => number): Modularity {
  let m: Modularity = 'modular';
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) m = addModularity(m, signModularity(mixed(i, j)));
  return m;
}
