import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import { forwardCalls, type FourierPlan } from './fourier.js';
import { impliedVol } from './impliedVol.js';
import { stdNormalPdf } from '../math/normal.js';
import { normalize, roughHestonSchema, typicalVariance, type RoughHeston } from './params.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** A smile parameter file: the rough Heston parameters plus the market (spot, continuously compounded rate and dividend yield). */
export const smileParamsSchema = roughHestonSchema({ spot: finite.refine((v) => v > 0, 'must be positive'), rate: finite.default(0), dividend: finite.default(0) });

export interface SmileInput {
  model: RoughHeston;
  spot: number;
  rate: number;
  dividend: number;
}

export function loadSmileParams(file: string): SmileInput {
  const p = parseWith(smileParamsSchema, readJsonFile(file, 'parameter file'), '');
  return { model: normalize(p), spot: p.spot, rate: p.rate, dividend: p.dividend };
}

export interface SmileRow {
  strike: number;
  call: number;
  put: number;
  impliedVol: number;
  /** Error estimate of impliedVol (its price's error estimate over its vega), NaN when the step count was fixed. */
  ivError: number;
  /** Held to the implied-vol tolerance (vega at least VEGA_FLOOR of the at-the-money vega), or priced to a price tolerance. */
  held: boolean;
}

export interface Smile {
  maturity: number;
  forward: number;
  rows: SmileRow[];
  plan: FourierPlan;
  /** Error estimate of the (undiscounted) prices, NaN when the step count was fixed. */
  priceError: number;
  /** Largest error estimate of the implied volatilities (price error over vega), NaN when the step count was fixed. */
  ivError: number;
  /** Strikes held to ivTol: those with a vega of at least VEGA_FLOOR of the at-the-money vega (with ivTol; all with tol). */
  held: number;
  /** The accuracy asked for: implied volatility (ivTol) or, when a price tolerance was given, price (tol). */
  target: { ivTol: number } | { tol: number };
}

/** Default accuracy of the implied volatilities (absolute, 1e-4 = 0.01 vol points). */
export const IV_TOL = 1e-4;
/**
 * Strikes whose vega is below this share of the at-the-money vega (beyond about 3 standard deviations) are priced
 * to ivTol times that floor, not to ivTol in implied vol: there a price error of 1e-9 of the forward already moves the
 * implied vol by more than 1e-4, and holding them to it would cost 20 times the rest of the smile. Each strike's
 * implied-vol error estimate is reported.
 */
export const VEGA_FLOOR = 0.01;

/** Black vega dC/dsigma of an undiscounted call. */
const vega = (F: number, K: number, T: number, sigma: number) => F * Math.sqrt(T) * stdNormalPdf((Math.log(F / K) + 0.5 * sigma * sigma * T) / (sigma * Math.sqrt(T)));

/**
 * Discounted call and put prices (Lewis, fourier.ts) and Black-Scholes implied volatilities at one maturity. The
 * accuracy is asked in implied-volatility terms (ivTol, default IV_TOL): each strike's price tolerance is ivTol times
 * its vega at its current implied volatility (at least VEGA_FLOOR of the at-the-money vega), so the Riccati steps stop
 * where the smile is accurate, not where the deep wings' prices are; `tol` asks a price accuracy instead. `ivError`
 * is the largest implied-vol error estimate of the strikes held to ivTol; each row has its own.
 */
export function computeSmile(input: SmileInput, maturity: number, strikes: number[], opts: { tol?: number; ivTol?: number; steps?: number } = {}): Smile {
  if (!(maturity > 0) || !Number.isFinite(maturity)) throw new VmotError(`must be a positive number, got ${maturity}`, 'maturity');
  if (strikes.length === 0) throw new VmotError('needs at least one strike', 'strikes');
  if (opts.tol !== undefined && opts.ivTol !== undefined) throw new VmotError('give a price tolerance (tol) or an implied-volatility tolerance (ivTol), not both', 'tol');
  const forward = input.spot * Math.exp((input.rate - input.dividend) * maturity);
  const df = Math.exp(-input.rate * maturity);
  const ivTol = opts.ivTol ?? IV_TOL;
  // the model's own level of volatility gives the at-the-money vega and the truncation's tolerance
  const level = Math.sqrt(typicalVariance(input.model, maturity));
  const floor = VEGA_FLOOR * vega(forward, forward, maturity, level);
  // each strike's implied vol, Newton started at its last one (the model's level at first): after the first round
  // mostly 3 steps (measured; 4 to 14 from mid-bracket)
  const guess = new Float64Array(strikes.length).fill(level);
  const ivs = (calls: Float64Array) =>
    Float64Array.from(strikes, (K, i) => {
      const iv = impliedVol(forward, K, maturity, calls[i], guess[i]);
      if (Number.isFinite(iv)) guess[i] = iv;
      return iv;
    });
  const vegas = (iv: Float64Array) => Float64Array.from(strikes, (K, i) => (Number.isFinite(iv[i]) ? vega(forward, K, maturity, iv[i]) : 0));
  const priceTols = (calls: Float64Array) => vegas(ivs(calls)).map((v) => ivTol * Math.max(floor, v));
  // the truncation's tail at ivTol times the floor: every held strike's vega is at least the floor, so the tail costs
  // each at most ivTol / 2 in implied vol (a vega from the model's level instead underestimated a skewed wing's)
  const truncTol = opts.tol ?? ivTol * floor;
  const { calls, plan, error, errors } = forwardCalls(input.model, maturity, forward, strikes, { tol: truncTol, steps: opts.steps, valueTol: opts.tol === undefined ? priceTols : undefined });
  const iv = ivs(calls);
  const v = vegas(iv);
  const rows = strikes.map((K, i) => ({
    strike: K,
    call: df * calls[i],
    put: df * (calls[i] - forward + K),
    impliedVol: iv[i],
    ivError: v[i] > 0 ? errors[i] / v[i] : NaN,
    held: opts.tol !== undefined || v[i] >= floor,
  }));
  const held = rows.filter((r) => r.held).length;
  const ivError = Math.max(...rows.filter((r) => r.held).map((r) => (Number.isFinite(r.ivError) ? r.ivError : 0)), 0);
  return { maturity, forward, rows, plan, priceError: df * error, ivError, held, target: opts.tol === undefined ? { ivTol } : { tol: opts.tol } };
}
