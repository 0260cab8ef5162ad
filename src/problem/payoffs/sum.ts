import { z } from 'zod';
import { num } from './fields.js';
import { addModularity, flipModularity, type Built, type Dims, type Payoff, type Structure } from './types.js';

export const sumSchema = z.strictObject({
  type: z.literal('sum'),
  terms: z.array(z.strictObject({ weight: num.default(1), payoff: z.unknown() }), { error: 'must be a non-empty array of {weight, payoff}' }).min(1, 'must be a non-empty array of {weight, payoff}'),
});

/** sum_j w_j c_j(s) of payoffs built by `build` (the registry); its separability and modularity (Theorem 3.5) follow from the terms' where known. */
export function sum(p: z.output<typeof sumSchema>, dims: Dims, path: string, build: (spec: unknown, dims: Dims, path: string) => Payoff): Built {
  const parts = p.terms.map((term, j) => ({ w: term.weight, payoff: build(term.payoff, dims, `${path}.terms[${j}].payoff`) }));
  let structure: Structure | undefined = { separable: true, modularity: Array(dims.T).fill('modular') };
  for (const { w, payoff } of parts) {
    if (!payoff.structure || !structure) {
      structure = undefined;
      continue;
    }
    const ps = payoff.structure;
    structure = {
      separable: structure.separable && ps.separable,
      modularity: structure.modularity.map((m, t) => addModularity(m, w >= 0 ? ps.modularity[t] : flipModularity(ps.modularity[t]))),
    };
  }
  return {
    label: parts.map(({ w, payoff }) => `${w}*${payoff.label}`).join(' + '),
    dates: [...new Set(parts.flatMap(({ payoff }) => payoff.dates))].sort((a, b) => a - b),
    value: (s) => {
      let v = 0;
      for (const { w, payoff } of parts) v += w * payoff.value(s);
      return v;
    },
    structure,
    nonnegative: parts.every(({ w, payoff }) => w >= 0 && payoff.nonnegative),
  };
}
