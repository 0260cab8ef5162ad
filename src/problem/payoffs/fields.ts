import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import type { Dims } from './types.js';

/** Field schemas shared by the payoff kinds (messages say what the field must be). */
export const num = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
export const numArray = z.array(num, { error: 'must be an array of numbers' });
export const matrix = z.array(numArray, { error: 'must be a d x d matrix of numbers' });

/** A date index: an integer in 0..T-1. */
export function checkDate(t: number, dims: Dims, field: string): number {
  if (!Number.isInteger(t) || t < 0 || t >= dims.T) throw new VmotError(`must be an integer date in 0..${dims.T - 1}`, field);
  return t;
}

/** An asset index: an integer in 0..d-1. */
export function checkAsset(a: number, dims: Dims, field: string): number {
  if (!Number.isInteger(a) || a < 0 || a >= dims.d) throw new VmotError(`must be an integer asset in 0..${dims.d - 1}`, field);
  return a;
}

/** One weight per asset. */
export function checkWeights(w: number[], dims: Dims, field: string): number[] {
  if (w.length !== dims.d) throw new VmotError(`has ${w.length} entries, the problem has d = ${dims.d} assets`, field);
  return w;
}
