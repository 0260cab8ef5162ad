import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { VmotError } from '../core/errors.js';
import type { Marginal } from '../marginals/types.js';
import { forwardCalls } from '../rough/fourier.js';
import { impliedVol } from '../rough/impliedVol.js';
import { normalize, type RoughHestonInput } from '../rough/params.js';

/** Black implied volatilities of one expiry. */
export interface SmileQuotes {
  maturity: number;
  forward: number;
  strikes: number[];
  vols: number[];
}

export interface RoughFit {
  /** Standard parametrization, kappa fixed, a forward variance xi0 linear from its value at 0 to its value at the last expiry. */
  params: Extract<RoughHestonInput, { parametrization: 'standard' }>;
  /** The fitted forward variance at 0 and at the last expiry. */
  curve: [number, number];
  /** Root mean square and largest implied-vol error over all quotes, and the RMS per expiry. */
  rmse: number;
  maxError: number;
  perMaturity: { maturity: number; quotes: number; rmse: number }[];
  iterations: number;
  seconds: number;
}

/**
 * The out-of-the-money cleaned quotes of a marginal built from option quotes (its QuotesFit), as Black implied vols in
 * the quotes' own price units: puts below the parity forward, calls at and above it.
 */
export function quotesSmile(m: Marginal, maturity: number, field: string): SmileQuotes {
  const fit = m.fit;
  if (!fit) throw new VmotError('is not built from option quotes: no smile to fit', field);
  const strikes: number[] = [];
  const vols: number[] = [];
  for (const r of fit.repricing) {
    const otm = r.option === 'put' ? r.strike < fit.forward : r.strike >= fit.forward;
    if (!otm) continue;
    const price = r.quote / fit.discount;
    const call = r.option === 'put' ? price + fit.forward - r.strike : price;
    const v = impliedVol(fit.forward, r.strike, maturity, call);
    if (Number.isFinite(v)) strikes.push(r.strike), vols.push(v);
  }
  if (strikes.length < 3) throw new VmotError(`has ${strikes.length} out-of-the-money quotes with an implied vol: too few to fit`, field);
  return { maturity, forward: fit.forward, strikes, vols };
}

/** Parameter order of the fit and its box: H, nu, rho, xi0(0), xi0(last expiry). */
const LOWER = [0.02, 0.05, -0.95, 0.001, 0.001];
const UPPER = [0.5, 3, 0.5, 2, 2];

/**
 * Rough Heston (standard parametrization, mean reversion `kappa` fixed) fitted to Black implied vols of one or more
 * expiries by least squares in implied vol: Levenberg-Marquardt (ml-levenberg-marquardt) on (H, nu, rho) and the
 * forward variance at 0 and at the last expiry (linear between)
 * within a box, model vols from the Fourier prices (fourier.ts, Lewis' formula) at tolerance `tol` x forward.
 */
export function fitRoughHeston(smiles: SmileQuotes[], opts: { kappa?: number; tol?: number; maxIterations?: number; initial?: number[] } = {}): RoughFit {
  const t0 = performance.now();
  const kappa = opts.kappa ?? 0.3;
  const last = Math.max(...smiles.map((s) => s.maturity));
  const toParams = (p: ArrayLike<number>): RoughFit['params'] => ({ parametrization: 'standard', H: p[0], nu: p[1], rho: p[2], kappa, forwardVariance: { times: [0, last], values: [p[3], p[4]] } });
  const index = smiles.flatMap((s, k) => s.strikes.map((_, j) => [k, j] as const));
  let cache: { key: string; vols: number[][] } | undefined;
  /** Model implied vols of every quote at parameters p (one Fourier solve per expiry, memoized for the Jacobian's points). */
  const modelVols = (p: ArrayLike<number>): number[][] => {
    const key = Array.from(p).join(',');
    if (cache?.key === key) return cache.vols;
    const model = normalize(toParams(p));
    const vols = smiles.map((s) => {
      try {
        const calls = forwardCalls(model, s.maturity, s.forward, s.strikes, { tol: (opts.tol ?? 1e-5) * s.forward }).calls;
        return s.strikes.map((K, j) => impliedVol(s.forward, K, s.maturity, calls[j]));
      } catch {
        // parameters where the pricer cannot converge are far from the quotes: a large error steers the fit away
        return s.strikes.map(() => 10);
      }
    });
    cache = { key, vols };
    return vols;
  };
  const model = (p: number[]) => (x: number) => {
    const [k, j] = index[x];
    const v = modelVols(p)[k][j];
    return Number.isFinite(v) ? v : 10;
  };
  const y = index.map(([k, j]) => smiles[k].vols[j]);
  const atm = Math.min(...smiles[0].vols) ** 2;
  const r = levenbergMarquardt({ x: index.map((_, i) => i), y }, model, {
    initialValues: opts.initial ?? [0.1, 0.5, -0.6, atm, atm],
    minValues: LOWER,
    maxValues: UPPER,
    gradientDifference: [1e-3, 1e-3, 1e-3, 1e-5, 1e-5],
    centralDifference: false,
    maxIterations: opts.maxIterations ?? 40,
    errorTolerance: 1e-12,
  });
  const fitted = modelVols(r.parameterValues);
  const errors = index.map(([k, j]) => fitted[k][j] - smiles[k].vols[j]);
  const rms = (e: number[]) => Math.sqrt(e.reduce((s, x) => s + x * x, 0) / e.length);
  return {
    params: toParams(r.parameterValues),
    curve: [r.parameterValues[3], r.parameterValues[4]],
    rmse: rms(errors),
    maxError: Math.max(...errors.map(Math.abs)),
    perMaturity: smiles.map((s, k) => ({ maturity: s.maturity, quotes: s.strikes.length, rmse: rms(errors.filter((_, i) => index[i][0] === k)) })),
    iterations: r.iterations,
    seconds: (performance.now() - t0) / 1000,
  };
}
