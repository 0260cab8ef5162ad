import { z } from 'zod';
import { checkDate, checkWeights, num, numArray } from './fields.js';
import { pairwiseModularity, singleDate, type Built, type Dims } from './types.js';

export const basketSchema = z.strictObject({ type: z.enum(['basket-call', 'basket-put']), date: num, weights: numArray, strike: num });

/** (w.s - K)^+ or (K - w.s)^+ at one date (negative weights give spreads); its modularity decides the formulation (Theorem 3.5). */
export function basket(p: z.output<typeof basketSchema>, dims: Dims, path: string): Built {
  const { d } = dims;
  const t = checkDate(p.date, dims, `${path}.date`);
  const w = checkWeights(p.weights, dims, `${path}.weights`);
  const k = p.strike;
  const call = p.type === 'basket-call';
  const o = t * d;
  return {
    label: `${p.type}(date ${t}, K=${k})`,
    dates: [t],
    value: (s) => {
      let b = 0;
      for (let i = 0; i < d; i++) b += w[i] * s[o + i];
      return Math.max(0, call ? b - k : k - b);
    },
    // g(w.s) with g convex: the mixed difference in (s_i, s_j) has the sign of w_i w_j
    structure: singleDate(dims, t, pairwiseModularity(d, (i, j) => w[i] * w[j])),
    nonnegative: true,
  };
}
