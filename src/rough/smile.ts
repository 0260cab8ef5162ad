import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import { forwardCalls, type FourierPlan } from './fourier.js';
import { impliedVol } from './impliedVol.js';
import { normalize, roughHestonSchema, type RoughHeston } from './params.js';

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
}

export interface Smile {
  maturity: number;
  forward: number;
  rows: SmileRow[];
  plan: FourierPlan;
  /** Error estimate of the (undiscounted) prices, NaN when the step count was fixed. */
  priceError: number;
}

/** Discounted call and put prices (Lewis, fourier.ts) and Black-Scholes implied volatilities at one maturity. */
export function computeSmile(input: SmileInput, maturity: number, strikes: number[], opts: { tol?: number; steps?: number } = {}): Smile {
  if (!(maturity > 0) || !Number.isFinite(maturity)) throw new VmotError(`must be a positive number, got ${maturity}`, 'maturity');
  if (strikes.length === 0) throw new VmotError('needs at least one strike', 'strikes');
  const forward = input.spot * Math.exp((input.rate - input.dividend) * maturity);
  const df = Math.exp(-input.rate * maturity);
  const tol = opts.tol ?? 1e-6 * forward;
  const { calls, plan, error } = forwardCalls(input.model, maturity, forward, strikes, { tol, steps: opts.steps });
  const rows = strikes.map((K, i) => ({ strike: K, call: df * calls[i], put: df * (calls[i] - forward + K), impliedVol: impliedVol(forward, K, maturity, calls[i]) }));
  return { maturity, forward, rows, plan, priceError: df * error };
}
