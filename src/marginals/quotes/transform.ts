import type { Marginal } from '../types.js';

/** The law of Y = scale * X + shift (scale > 0): price -> return units, or a mean shift (convex order is preserved, Strassen 1965). */
export function affineMarginal(m: Marginal, scale: number, shift: number, label: string): Marginal {
  const to = (x: number) => scale * x + shift;
  const from = (y: number) => (y - shift) / scale;
  const [lo, hi] = m.range();
  return {
    dist: m.dist,
    label,
    mean: to(m.mean),
    variance: scale * scale * m.variance,
    quantile: (u) => to(m.quantile(u)),
    cdf: (y) => m.cdf(from(y)),
    // E[(sX + c - k)^+] = s E[(X - (k - c)/s)^+]
    call: (k) => scale * m.call(from(k)),
    range: () => [to(lo), to(hi)],
  };
}
