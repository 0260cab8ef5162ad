import { z } from 'zod';
import { checkDate, num } from './fields.js';
import { singleDate, type Built, type Dims, type Modularity } from './types.js';

export const extremumSchema = z.strictObject({ type: z.enum(['max-call', 'max-put', 'min-call', 'min-put']), date: num, strike: num });

/** Call or put on the best (max) or worst (min) of the assets at one date; its modularity decides the formulation (Theorem 3.5, Corollary 3.6). */
export function extremum(p: z.output<typeof extremumSchema>, dims: Dims, path: string): Built {
  const { d } = dims;
  const t = checkDate(p.date, dims, `${path}.date`);
  const k = p.strike;
  const isMax = p.type.startsWith('max');
  const call = p.type.endsWith('call');
  const o = t * d;
  // g(max) is submodular in every pair for g increasing (the others fixed fold into g), supermodular for g decreasing; the reverse for min
  const m: Modularity = isMax === call ? 'sub' : 'super';
  return {
    label: `${p.type}(date ${t}, K=${k})`,
    dates: [t],
    value: (s) => {
      let e = s[o];
      for (let i = 1; i < d; i++) e = isMax ? Math.max(e, s[o + i]) : Math.min(e, s[o + i]);
      return Math.max(0, call ? e - k : k - e);
    },
    structure: singleDate(dims, t, m),
    nonnegative: true,
  };
}
