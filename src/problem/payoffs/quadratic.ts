import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import { checkDate, matrix, num } from './fields.js';
import { pairwiseModularity, singleDate, type Built, type Dims } from './types.js';

export const quadraticSchema = z.strictObject({ type: z.literal('quadratic'), date: num, matrix });

/** sum_ij M_ij s_i s_j at one date: the cost (2.4)/(2.7) of Hiew-Lim-Pass-Souza (Table 2 uses the upper triangle). */
export function quadratic(p: z.output<typeof quadraticSchema>, dims: Dims, path: string): Built {
  const { d } = dims;
  const t = checkDate(p.date, dims, `${path}.date`);
  const M = p.matrix;
  if (M.length !== d || M.some((r) => r.length !== d)) throw new VmotError(`must be ${d} x ${d}`, `${path}.matrix`);
  const o = t * d;
  return {
    label: `quadratic(date ${t})`,
    dates: [t],
    value: (s) => {
      let v = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) v += M[i][j] * s[o + i] * s[o + j];
      return v;
    },
    structure: singleDate(dims, t, pairwiseModularity(d, (i, j) => M[i][j] + M[j][i])),
  };
}
