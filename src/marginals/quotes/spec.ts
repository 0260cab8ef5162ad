import { resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from '../../errors.js';
import type { Marginal } from '../types.js';
import { readPriceTable, selectExpiry } from './chain.js';
import { parityForward } from './parity.js';
import { expiryLaw } from './pipeline.js';
import { affineMarginal } from './transform.js';

const positive = z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number');

/** Problem-file schema of a marginal built from option quotes (README "Marginals from option quotes"). */
export const quotesSchema = z
  .strictObject({
    dist: z.literal('quotes'),
    /** Calls and puts files (CSV or JSON), relative to the problem file. */
    calls: z.string().min(1),
    puts: z.string().min(1),
    /** Expiry column: exact name, or a part of it that names one column in each file (e.g. "period 1"). */
    column: z.string().min(1),
    /** "price" (default) or "return" = price / reference - 1. */
    scale: z.enum(['price', 'return']).default('price'),
    reference: positive.optional(),
    /** Known discount factor of the expiry (default: estimated by put-call parity). */
    discount: positive.optional(),
    /** Explicit calendar repair: shift this law so its mean is the parity forward of that expiry column. */
    shiftMeanTo: z.string().min(1).optional(),
    /** Roughness weight of the density fit. */
    smoothing: positive.optional(),
  })
  .refine((p) => p.scale === 'price' || p.reference !== undefined, { message: 'is required with "scale": "return"', path: ['reference'] });

export type QuotesSpec = z.output<typeof quotesSchema>;

/** Builds the `quotes` marginal of a problem file; `path` names the field in errors (e.g. "marginals[0][1]"). */
export function buildQuotesMarginal(p: QuotesSpec, baseDir: string, path: string): Marginal {
  const table = (name: 'calls' | 'puts') => {
    try {
      return readPriceTable(resolve(baseDir, p[name]));
    } catch (e) {
      throw e instanceof VmotError ? new VmotError(e.message, `${path}.${name}`) : e;
    }
  };
  const calls = table('calls');
  const puts = table('puts');
  const law = expiryLaw(selectExpiry(calls, puts, p.column, `${path}.column`), { discount: p.discount, smoothing: p.smoothing }, path);
  let shift = 0;
  let label = `quotes(${law.expiry.calls}, F=${law.parity.forward.toFixed(3)}`;
  if (p.shiftMeanTo !== undefined) {
    const target = parityForward(selectExpiry(calls, puts, p.shiftMeanTo, `${path}.shiftMeanTo`), { discount: p.discount }, `${path}.shiftMeanTo`);
    shift = target.forward - law.parity.forward;
    if (Math.abs(shift) > 0.02 * law.parity.forward) {
      throw new VmotError(`shifting the mean by ${shift.toFixed(3)} (more than 2% of the forward) is not a small repair`, `${path}.shiftMeanTo`);
    }
    label += ` shifted by ${shift.toFixed(3)}`;
  }
  label += ')';
  if (p.scale === 'price') return shift === 0 ? law.marginal : affineMarginal(law.marginal, 1, shift, label);
  const ref = p.reference!;
  return affineMarginal(law.marginal, 1 / ref, shift / ref - 1, `return vs ${ref} of ${label}`);
}
