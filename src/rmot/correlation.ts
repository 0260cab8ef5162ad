import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { VmotError } from '../core/errors.js';
import { indexSpotSkew, type IndexComponent } from '../rough/indexSkew.js';

/**
 * Cross-asset correlation from index or basket option quotes, never from single names (rmot design section 4):
 * the implied-correlation formula, the Fisher information and Cramer-Rao confidence set of a quote-implied
 * correlation, a model fit of one correlation to a basket price, and the rank of the Friz-Wagenhofer eq. (9)
 * Jacobian, which says how many correlation directions the index ATM variance and skew identify.
 */

/** Two-sided 95% standard normal quantile, Phi^-1(0.975). */
export const Z95 = 1.959963984540054;

/** An index I = sum_i a_i S^i with value weights w_i = a_i S^i / I (summing to 1) and Black-Scholes vols sigma_i. */
export interface FlatIndex {
  weights: readonly number[];
  vols: readonly number[];
}

const isPositive = (x: number) => Number.isFinite(x) && x > 0;

function requirePositive(values: readonly number[], field: string): void {
  const bad = values.findIndex((v) => !isPositive(v));
  if (bad >= 0) throw new VmotError(`must be positive, entry ${bad} is ${values[bad]}`, field);
}

/** Own part sum_i w_i^2 sigma_i^2 and cross part sum_{i != j} w_i w_j sigma_i sigma_j of the index variance. */
function varianceParts({ weights, vols }: FlatIndex): { own: number; cross: number } {
  if (vols.length !== weights.length) throw new VmotError(`has ${vols.length} entries for ${weights.length} weights`, 'vols');
  if (weights.length < 2) throw new VmotError(`an index needs at least 2 assets for a correlation, got ${weights.length}`, 'weights');
  requirePositive(weights, 'weights');
  const wsum = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(wsum - 1) > 1e-9) throw new VmotError(`value weights a_i S_i / I must sum to 1 (they sum to ${wsum})`, 'weights');
  requirePositive(vols, 'vols');
  const own = weights.reduce((s, w, i) => s + (w * vols[i]) ** 2, 0);
  const total = weights.reduce((s, w, i) => s + w * vols[i], 0) ** 2;
  return { own, cross: total - own };
}

/**
 * Implied correlation (CBOE implied correlation index methodology, CBOE 2009):
 * rho = (sigma_I^2 - sum_i w_i^2 sigma_i^2) / sum_{i != j} w_i w_j sigma_i sigma_j.
 * Throws when the quotes imply a value outside [-1, 1]: no single correlation reprices them.
 */
export function impliedCorrelation({ weights, vols, indexVol }: FlatIndex & { indexVol: number }): number {
  const { own, cross } = varianceParts({ weights, vols });
  if (!isPositive(indexVol)) throw new VmotError(`must be positive, got ${indexVol}`, 'indexVol');
  const rho = (indexVol ** 2 - own) / cross;
  if (!(rho >= -1 && rho <= 1)) {
    throw new VmotError(
      `index vol ${indexVol} and the component vols imply a correlation of ${rho}, outside [-1, 1]: the quotes are inconsistent with any single correlation`,
      'indexVol',
    );
  }
  return rho;
}

/** Black-Scholes index vol with all pairwise correlations rho: sigma_I^2 = sum_ij w_i w_j rho_ij sigma_i sigma_j. */
export function flatIndexVol(index: FlatIndex, rho: number): number {
  const { own, cross } = varianceParts(index);
  const variance = own + rho * cross;
  if (!(variance > 0)) throw new VmotError(`${rho} gives the index a variance of ${variance} <= 0`, 'correlation');
  return Math.sqrt(variance);
}

/** d sigma_I / d rho = sum_{i != j} w_i w_j sigma_i sigma_j / (2 sigma_I) (derivative of flatIndexVol). */
export function flatIndexVolDerivative(index: FlatIndex, rho: number): number {
  return varianceParts(index).cross / (2 * flatIndexVol(index, rho));
}

/** Central finite differences (f(rho + h) - f(rho - h)) / 2h of a vector-valued function of the correlation. */
export function centralDifference(f: (rho: number) => readonly number[], rho: number, h = 1e-6): number[] {
  const up = f(rho + h);
  const down = f(rho - h);
  if (up.length !== down.length) throw new VmotError(`returned ${up.length} and ${down.length} values at rho +- ${h}`, 'sensitivity');
  return up.map((u, k) => (u - down[k]) / (2 * h));
}

/** Fisher information of quotes q_k(rho) + e_k, e_k ~ N(0, s_k^2): I(rho) = sum_k (d q_k / d rho)^2 / s_k^2. */
export function fisherInformation(derivatives: readonly number[], noiseSds: readonly number[]): number {
  if (noiseSds.length !== derivatives.length) throw new VmotError(`has ${noiseSds.length} entries for ${derivatives.length} quotes`, 'noiseSds');
  requirePositive(noiseSds, 'noiseSds');
  const badD = derivatives.findIndex((d) => !Number.isFinite(d));
  if (badD >= 0) throw new VmotError(`entry ${badD} is ${derivatives[badD]}`, 'sensitivity');
  return derivatives.reduce((s, d, k) => s + (d / noiseSds[k]) ** 2, 0);
}

export interface CramerRao {
  /** Fisher information I(rho) at the estimate. */
  information: number;
  /** Cramer-Rao lower bound I^(-1/2) on the sd of an unbiased estimator (Infinity when I = 0). */
  sd: number;
  z: number;
  /** rho_hat -+ z sd, clipped to [-1, 1]. */
  lower: number;
  upper: number;
}

/**
 * Cramer-Rao bound sd(rho_hat) >= I(rho)^(-1/2) (Rao 1945, Cramer 1946) and the confidence interval
 * rho_hat +- z I^(-1/2) clipped to [-1, 1]. `sensitivity` is the vector d q_k / d rho, or the map rho -> (q_k(rho))_k,
 * differentiated by central differences with step `step` at the estimate.
 */
export function cramerRao(
  estimate: number,
  sensitivity: readonly number[] | ((rho: number) => readonly number[]),
  noiseSds: readonly number[],
  { z = Z95, step = 1e-6 }: { z?: number; step?: number } = {},
): CramerRao {
  if (!(estimate >= -1 && estimate <= 1)) throw new VmotError(`must lie in [-1, 1], got ${estimate}`, 'correlation');
  if (!isPositive(z)) throw new VmotError(`must be positive, got ${z}`, 'z');
  const h = Math.min(step, 1 - Math.abs(estimate)); // central differences stay inside [-1, 1]
  if (typeof sensitivity === 'function' && !(h > 0)) throw new VmotError(`is ${estimate}: central differences would leave [-1, 1]; pass the derivative vector`, 'correlation');
  const derivatives = typeof sensitivity === 'function' ? centralDifference(sensitivity, estimate, h) : sensitivity;
  const information = fisherInformation(derivatives, noiseSds);
  const sd = 1 / Math.sqrt(information);
  return { information, sd, z, lower: Math.max(-1, estimate - z * sd), upper: Math.min(1, estimate + z * sd) };
}

/**
 * Brent's method (Brent 1973, ch. 4: inverse quadratic interpolation, secant, bisection) for the correlation at
 * which priceAt(rho) = target on [lo, hi]; priceAt may increase or decrease in rho. A common-random-numbers Monte
 * Carlo price is a fine priceAt. Throws, naming `field`, when the target is outside [priceAt(lo), priceAt(hi)].
 */
export function fitCorrelation(
  priceAt: (rho: number) => number,
  target: number,
  { lo = -0.99, hi = 0.99, tol = 1e-12, field = 'target' }: { lo?: number; hi?: number; tol?: number; field?: string } = {},
): number {
  if (!(lo >= -1 && hi <= 1 && lo < hi)) throw new VmotError(`needs -1 <= lo < hi <= 1, got [${lo}, ${hi}]`, 'correlation');
  if (!Number.isFinite(target)) throw new VmotError(`must be finite, got ${target}`, field);
  const f = (rho: number) => {
    const p = priceAt(rho);
    if (!Number.isFinite(p)) throw new VmotError(`the model price at correlation ${rho} is ${p}`, field);
    return p - target;
  };
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) {
    throw new VmotError(
      `${target} is outside the model's price range [${Math.min(fa, fb) + target}, ${Math.max(fa, fb) + target}] for correlations in [${lo}, ${hi}]: no correlation reprices it`,
      field,
    );
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 0; it < 200; it++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      [a, b, c] = [b, c, b];
      [fa, fb, fc] = [fb, fc, fb];
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s; // secant
        q = 1 - s;
      } else {
        const qa = fa / fc; // inverse quadratic interpolation
        const r = fb / fc;
        p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm; // bisection
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : Math.sign(xm) * tol1;
    fb = f(b);
  }
  throw new VmotError(`no convergence in 200 Brent steps (bracket [${Math.min(b, c)}, ${Math.max(b, c)}])`, field);
}

export interface FwIdentification {
  /** d(sigma_I^2, S_I) / d rho_ij: 2 rows, one column per pair of `pairs`. */
  jacobian: number[][];
  /** The off-diagonal correlations, (i, j) with i < j, in column order. */
  pairs: [number, number][];
  /** Singular values of the Jacobian, largest first, one per unknown (zeros for the directions the index cannot see). */
  singularValues: number[];
  /** Number of singular values above 1e-8 times the largest. */
  rank: number;
  /** N(N-1)/2. */
  unknowns: number;
  identified: boolean;
  /** Unit directions in correlation space (over `pairs`) along which the index variance and skew do not move. */
  unidentifiedDirections: number[][];
  message: string;
}

/**
 * Local identifiability of the correlations from the index ATM variance and skew of Friz-Wagenhofer eq. (9): the
 * rank of the Jacobian of (sigma_I^2, S_I) in the N(N-1)/2 off-diagonal correlations (central differences, step 1e-6,
 * moving rho_ij and rho_ji together), by the singular value decomposition. Two equations: for N >= 3 at most 2 of the
 * N(N-1)/2 directions are identified, and no value of the correlations is returned.
 */
export function fwJacobianRank(components: IndexComponent[], rho: number[][]): FwIdentification {
  const N = components.length;
  if (N < 2) throw new VmotError(`an index needs at least 2 components for a correlation, got ${N}`, 'components');
  indexSpotSkew(components, rho); // validates weights and shape
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(rho[i][j] - rho[j][i]) > 1e-12) throw new VmotError(`must be symmetric: entries (${i}, ${j}) and (${j}, ${i}) differ`, 'correlation');
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) pairs.push([i, j]);
  const unknowns = pairs.length;
  const h = 1e-6;
  const at = ([i, j]: [number, number], delta: number) => {
    const moved = rho.map((row) => [...row]);
    moved[i][j] += delta;
    moved[j][i] += delta;
    const r = indexSpotSkew(components, moved);
    return [r.variance, r.varianceSkew];
  };
  const columns = pairs.map((p) => centralDifference((x) => at(p, x), 0, h));
  const jacobian = [0, 1].map((row) => columns.map((col) => col[row]));
  // zero rows pad J to at least `unknowns` rows: the same nonzero singular values, and the full right singular basis
  const padded = Matrix.zeros(Math.max(2, unknowns), unknowns);
  jacobian.forEach((row, r) => row.forEach((v, c) => padded.set(r, c, v)));
  const svd = new SingularValueDecomposition(padded);
  const singularValues = svd.diagonal.slice(0, unknowns);
  const largest = singularValues[0];
  const rank = largest > 0 ? singularValues.filter((s) => s > 1e-8 * largest).length : 0;
  const V = svd.rightSingularVectors;
  const unidentifiedDirections = Array.from({ length: unknowns - rank }, (_, k) => V.getColumn(rank + k));
  const identified = rank === unknowns;
  const message = identified
    ? `N = ${N}: the index ATM variance and skew (Friz-Wagenhofer eq. (9)) identify the ${unknowns === 1 ? 'correlation' : `${unknowns} correlations`} locally (Jacobian rank ${rank} = ${unknowns} unknown${unknowns === 1 ? '' : 's'})`
    : `N = ${N}: the index ATM variance and skew (Friz-Wagenhofer eq. (9)) identify only ${rank} of the ${unknowns} correlation directions (Jacobian rank ${rank} < ${unknowns} unknowns); refusing to return a number for the correlations: add quotes that depend on them (other indices or baskets of these assets) or fix ${unknowns - rank} of them from a prior`;
  return { jacobian, pairs, singularValues, rank, unknowns, identified, unidentifiedDirections, message };
}

/** Index option quotes: Black-Scholes index vols (one per strike, flat in strike) beside the component vols. */
export interface IndexQuotes extends FlatIndex {
  kind: 'index';
  indexVols: readonly number[];
  /** Quote noise sds s_k: weighted least squares and a Cramer-Rao interval; without them, equal weights and no interval. */
  noiseSds?: readonly number[];
  z?: number;
}

/** A basket (or index) option price and the calibrated model's price of it as a function of the one correlation. */
export interface BasketQuotes {
  kind: 'basket';
  price: number;
  priceAt: (rho: number) => number;
  /** Quote noise sd: a Cramer-Rao interval from the model's price sensitivity (central differences, step 1e-4). */
  noiseSd?: number;
  lo?: number;
  hi?: number;
  tol?: number;
  z?: number;
}

/** Options on one asset: they carry no information about its correlation with the others. */
export interface SingleAssetQuotes {
  kind: 'single';
  asset?: string;
}

export type CorrelationQuotes = IndexQuotes | BasketQuotes | SingleAssetQuotes;

export interface CorrelationEstimate {
  rho: number;
  method: 'implied-correlation formula' | 'model fit';
  cramerRao?: CramerRao;
}

/**
 * The correlation implied by option quotes (rmot design section 4). Index quotes: the implied-correlation formula at
 * the weighted-least-squares index vol sum_k q_k / s_k^2 / sum_k 1 / s_k^2 (the maximum-likelihood estimate under
 * Gaussian quote noise). Basket quotes: the model fit of fitCorrelation. Single-asset quotes: refused.
 */
export function impliedCorrelationFrom(quotes: CorrelationQuotes): CorrelationEstimate {
  switch (quotes.kind) {
    case 'single':
      throw new VmotError(
        `cannot be inferred from single-asset option quotes${quotes.asset ? ` (${quotes.asset})` : ''}: a single asset's option prices do not depend on the cross-asset correlations, so their Fisher information about them is exactly zero (the multi-asset RMOT paper's Theorem 3.1 is false); use index or basket option quotes`,
        'correlation',
      );
    case 'index': {
      const { indexVols, noiseSds } = quotes;
      if (indexVols.length === 0) throw new VmotError('needs at least one index vol quote', 'indexVols');
      requirePositive(indexVols, 'indexVols');
      const sds = noiseSds ?? indexVols.map(() => 1);
      if (sds.length !== indexVols.length) throw new VmotError(`has ${sds.length} entries for ${indexVols.length} index vols`, 'noiseSds');
      requirePositive(sds, 'noiseSds');
      const precision = sds.map((s) => 1 / s ** 2);
      const indexVol = indexVols.reduce((s, q, k) => s + q * precision[k], 0) / precision.reduce((s, p) => s + p, 0);
      const rho = impliedCorrelation({ ...quotes, indexVol });
      if (!noiseSds) return { rho, method: 'implied-correlation formula' };
      const slope = flatIndexVolDerivative(quotes, rho);
      return { rho, method: 'implied-correlation formula', cramerRao: cramerRao(rho, indexVols.map(() => slope), noiseSds, { z: quotes.z }) };
    }
    case 'basket': {
      const { priceAt, price, noiseSd, lo, hi, tol, z } = quotes;
      const rho = fitCorrelation(priceAt, price, { lo, hi, tol, field: 'price' });
      if (noiseSd === undefined) return { rho, method: 'model fit' };
      return { rho, method: 'model fit', cramerRao: cramerRao(rho, (r) => [priceAt(r)], [noiseSd], { z, step: 1e-4 }) };
    }
  }
}
