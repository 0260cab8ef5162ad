import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import { checkAsset, checkDate, num } from './fields.js';
import type { Built, Dims } from './types.js';

export const forwardStartSchema = z.strictObject({
  type: z.literal('forward-start'),
  asset: num,
  from: num,
  to: num,
  strike: num,
  kind: z.enum(['call', 'put', 'straddle'], { error: 'must be "call", "put" or "straddle"' }),
});

/** Forward-start option on z = s[to][asset] - strike s[from][asset]: z^+, (-z)^+ or |z|; it couples two dates, so the full dual (2.8) applies. */
export function forwardStart(p: z.output<typeof forwardStartSchema>, dims: Dims, path: string): Built {
  const { d } = dims;
  const a = checkAsset(p.asset, dims, `${path}.asset`);
  const from = checkDate(p.from, dims, `${path}.from`);
  const to = checkDate(p.to, dims, `${path}.to`);
  if (to <= from) throw new VmotError(`must be a later date than "from" (${from})`, `${path}.to`);
  const { strike: k, kind } = p;
  const i0 = from * d + a;
  const i1 = to * d + a;
  return {
    label: `forward-start ${kind}(asset ${a}, ${from}->${to}, K=${k})`,
    dates: [from, to],
    value: (s) => {
      const z = s[i1] - k * s[i0];
      return kind === 'call' ? Math.max(0, z) : kind === 'put' ? Math.max(0, -z) : Math.abs(z);
    },
    structure: { separable: false, modularity: Array(dims.T).fill('unknown') },
    nonnegative: true,
  };
}
