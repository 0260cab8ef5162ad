import { VmotError } from '../core/errors.js';
import type { Marginal } from '../marginals/types.js';
import { sd } from '../marginals/types.js';
import { countAtMost } from '../marginals/empirical.js';
import { stdNormalCdf } from '../math/normal.js';

/** A discrete law: atoms x (increasing) with weights w summing to 1. */
export interface Atoms {
  x: Float64Array;
  w: Float64Array;
}

/**
 * Quantile levels 0 = p_0 < ... < p_n = 1 at equally spaced normal scores: p_k = Phi(-L + 2L (k-1)/(n-2)),
 * L = sqrt(2 ln n), so the tails get finer bins than equal-mass ones (for a normal law the variance lost
 * at 40 atoms drops from 0.7% to 0.2%). Symmetric (1 - p_k = p_{n-k}), which the antitone map relies on.
 */
export function scoreLevels(n: number): Float64Array {
  if (n < 3) return Float64Array.from({ length: n + 1 }, (_, k) => k / n);
  const L = Math.sqrt(2 * Math.log(n));
  return Float64Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 0 : k === n ? 1 : stdNormalCdf(-L + (2 * L * (k - 1)) / (n - 2))));
}

/**
 * U-quantization (Pages 2015: quantization by conditional means) on the quantile bins [p_k, p_{k+1}]: atom k is the conditional mean
 * (1 / (p_{k+1} - p_k)) int F^-1(u) du, using int_p^1 F^-1(u) du = C(F^-1(p)) + F^-1(p) (1 - p).
 * The integrals telescope, so the atoms' mean is the marginal's mean to rounding, and the atoms
 * are a conditional expectation of the law, hence below it in convex order (before varianceMatched stretches them).
 */
export function uQuantize(m: Marginal, levels: Float64Array): Atoms {
  const n = levels.length - 1;
  const tail = (p: number): number => {
    if (p <= 0) return m.mean;
    if (p >= 1) return 0;
    const q = m.quantile(p);
    return m.call(q) + q * (1 - p);
  };
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  let upper = tail(levels[0]);
  for (let k = 0; k < n; k++) {
    const lower = tail(levels[k + 1]);
    w[k] = levels[k + 1] - levels[k];
    x[k] = (upper - lower) / w[k];
    upper = lower;
  }
  return { x, w };
}

export function atomMean(a: Atoms): number {
  let s = 0;
  for (let k = 0; k < a.x.length; k++) s += a.w[k] * a.x[k];
  return s;
}

export function atomVariance(a: Atoms): number {
  const m = atomMean(a);
  let s = 0;
  for (let k = 0; k < a.x.length; k++) s += a.w[k] * (a.x[k] - m) ** 2;
  return s;
}

/** Call price E[(X - K)^+] of each strike K (sorted increasing) under the discrete law, by one sweep. */
function discreteCalls(a: Atoms, strikes: Float64Array): Float64Array {
  const out = new Float64Array(strikes.length);
  // tail sums over atoms > K: sum w and sum w x
  let j = a.x.length - 1;
  let sw = 0;
  let swx = 0;
  for (let s = strikes.length - 1; s >= 0; s--) {
    const k = strikes[s];
    while (j >= 0 && a.x[j] > k) {
      sw += a.w[j];
      swx += a.w[j] * a.x[j];
      j--;
    }
    out[s] = swx - k * sw;
  }
  return out;
}

/**
 * Strassen's criterion for discrete laws: a <=_c b iff equal means and C_a(K) <= C_b(K) at every
 * atom of either law (both call functions are piecewise linear with kinks at the atoms).
 * Returns the largest violation max_K C_a(K) - C_b(K), 0 when none.
 */
export function discreteCallGap(a: Atoms, b: Atoms): number {
  const strikes = Float64Array.from([...a.x, ...b.x]).sort();
  const ca = discreteCalls(a, strikes);
  const cb = discreteCalls(b, strikes);
  let worst = 0;
  for (let s = 0; s < strikes.length; s++) worst = Math.max(worst, ca[s] - cb[s]);
  return worst;
}

/** Cumulative weights w_0, w_0 + w_1, ... of the atoms below the last: the jumps of the discrete law's CDF in (0, 1). */
export function atomCuts(a: Atoms): Float64Array {
  const cuts = new Float64Array(a.x.length - 1);
  let c = 0;
  for (let k = 0; k + 1 < a.x.length; k++) cuts[k] = c += a.w[k];
  return cuts;
}

/** Quantile function of the discrete law: the atom whose cumulative-weight interval holds u. */
export function atomQuantile(a: Atoms): (u: number) => number {
  const cuts = atomCuts(a);
  return (u) => a.x[countAtMost(cuts, u)];
}

/** Moments of one discretized marginal against the continuous law. */
export interface AtomReport {
  date: number;
  asset: number;
  atoms: number;
  mean: number;
  meanContinuous: number;
  variance: number;
  varianceContinuous: number;
  /** Relative variance shortfall 1 - Var(atoms) / Var(law) (0 up to rounding: the atoms are variance-matched). */
  varianceShortfall: number;
}

export interface Discretization {
  /** atoms[t][i]; in the reduced form the date-0 atoms of all assets sit on the same quantile bins. */
  atoms: Atoms[][];
  report: AtomReport[];
  /** What was changed to keep the atom sets in convex order across dates. */
  notes: string[];
}

/** Refinements tried (doubling the later date's atoms) before a convex-order failure is reported. */
const MAX_DOUBLINGS = 3;

/**
 * Discretizes marginals[t][i] into atoms[t] atoms each (varianceMatched), moves every
 * later date's atoms onto the date-0 mean (the problem file allows a tiny mean gap; the LP needs none),
 * then checks a_{t,i} <=_c a_{t+1,i} and doubles the later date's atoms until it holds.
 */
export function discretize(marginals: Marginal[][], atoms: number[]): Discretization {
  const T = marginals.length;
  const d = marginals[0].length;
  const notes: string[] = [];
  const out: Atoms[][] = [];
  for (let t = 0; t < T; t++) {
    out.push([]);
    for (let i = 0; i < d; i++) {
      const m = marginals[t][i];
      let n = atoms[t];
      let a = centred(varianceMatched(m, n), t === 0 ? undefined : atomMean(out[0][i]));
      for (let r = 0; t > 0 && discreteCallGap(out[t - 1][i], a) > 1e-12 * sd(m); r++) {
        if (r === MAX_DOUBLINGS)
          throw new VmotError(
            `the ${n}-atom discretization is not in convex order with date ${t - 1}; give date ${t - 1} fewer atoms or this date more`,
            `marginals[${t}][${i}]`,
          );
        n *= 2;
        a = centred(varianceMatched(m, n), atomMean(out[0][i]));
      }
      if (n !== atoms[t]) notes.push(`asset ${i} date ${t}: ${n} atoms instead of ${atoms[t]} to keep convex order with date ${t - 1}`);
      out[t].push(a);
    }
  }
  const report = out.flatMap((row, t) =>
    row.map((a, i) => {
      const m = marginals[t][i];
      const variance = atomVariance(a);
      return {
        date: t,
        asset: i,
        atoms: a.x.length,
        mean: atomMean(a),
        meanContinuous: m.mean,
        variance,
        varianceContinuous: m.variance,
        varianceShortfall: 1 - variance / m.variance,
      };
    }),
  );
  return { atoms: out, report, notes };
}

/** Shifts atoms so their mean is `target` (no-op when undefined). */
function centred(a: Atoms, target: number | undefined): Atoms {
  if (target === undefined) return a;
  const shift = target - atomMean(a);
  return { x: a.x.map((v) => v + shift), w: a.w };
}

/**
 * The n-atom law of the LP: U-quantization on the bins of scoreLevels, then stretched about the mean so that the
 * atoms' variance is the law's (matching the first two moments, as lattice methods do: Boyle 1988). U-quantization
 * alone keeps the mean but loses the within-bin variance (0.2% of it at 40 normal atoms), and the VMOT value of a
 * quadratic cost moves with the variance increments (Proposition 4.1): matching the variance removes that leading
 * error (Table-2 Gaussian, reduced form, 30 atoms: -0.44% -> -0.07%; T = 3, full form, 7 atoms: -7.6% -> -2.5%).
 */
export function varianceMatched(m: Marginal, n: number): Atoms {
  const a = uQuantize(m, scoreLevels(n));
  const v = atomVariance(a);
  if (!(v > 0)) return a;
  const mean = atomMean(a);
  const f = Math.sqrt(m.variance / v);
  return { x: a.x.map((x) => mean + f * (x - mean)), w: a.w };
}
