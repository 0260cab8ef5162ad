import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import { listedFromQuotes } from '../listed.js';
import type { MarginalContext } from '../context.js';
import type { Marginal } from '../types.js';
import { parsePriceTable, selectExpiry } from './chain.js';
import { parityForward } from './parity.js';
import { expiryLaw, quotesFit } from './pipeline.js';
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
export async function buildQuotesMarginal(p: QuotesSpec, ctx: Pick<MarginalContext, 'readText'>, path: string): Promise<Marginal> {
  const table = (name: 'calls' | 'puts') => {
    const { path: file, text } = ctx.readText(p[name], `${path}.${name}`);
    try {
      return parsePriceTable(text, file);
    } catch (e) {
      throw e instanceof VmotError ? new VmotError(e.message, `${path}.${name}`) : e;
    }
  };
  const calls = table('calls');
  const puts = table('puts');
  const law = await expiryLaw(selectExpiry(calls, puts, p.column, `${path}.column`), { discount: p.discount, smoothing: p.smoothing }, path);
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
  const units = p.scale === 'price' ? { scale: 1, shift: 0 } : { scale: 1 / p.reference!, shift: -1 };
  const name = p.scale === 'price' ? label : `return vs ${p.reference} of ${label}`;
  const m = shift === 0 && p.scale === 'price' ? law.marginal : affineMarginal(law.marginal, units.scale, units.scale * shift + units.shift, name);
  const fit = quotesFit(law, shift);
  // the listed vanillas (priced at the quotes by the hedge export) belong to the unshifted law only
  return shift === 0 ? { ...m, fit, listed: listedFromQuotes(law.cleaned, law.parity.discount, law.parity.forward, units) } : { ...m, fit };
}
