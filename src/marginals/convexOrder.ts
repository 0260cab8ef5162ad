import type { Marginal } from './types.js';
import { sd } from './types.js';

export interface ConvexOrderReport {
  ok: boolean;
  /** Mean difference nu - mu. */
  meanGap: number;
  /** Largest violation max_K (C_mu(K) - C_nu(K)), with its strike. */
  worstCallGap: number;
  worstStrike: number;
  reason?: string;
}

/**
 * mu <=_c nu (Strassen): equal means and C_mu(K) <= C_nu(K) for every strike K.
 * Checked on a strike grid spanning both supports plus the quantiles of both laws.
 * Tolerances are relative to the larger standard deviation.
 */
export function checkConvexOrder(
  mu: Marginal,
  nu: Marginal,
  opts: { meanTol?: number; callTol?: number; gridSize?: number } = {},
): ConvexOrderReport {
  const scale = Math.max(sd(mu), sd(nu), Number.MIN_VALUE);
  const meanTol = (opts.meanTol ?? 1e-4) * scale;
  const callTol = (opts.callTol ?? 1e-6) * scale;
  const n = opts.gridSize ?? 400;
  const meanGap = nu.mean - mu.mean;
  const [a1, b1] = mu.range();
  const [a2, b2] = nu.range();
  const lo = Math.min(a1, a2);
  const hi = Math.max(b1, b2);
  const strikes: number[] = [];
  for (let i = 0; i <= n; i++) strikes.push(lo + ((hi - lo) * i) / n);
  for (let i = 1; i < 100; i++) strikes.push(mu.quantile(i / 100), nu.quantile(i / 100));
  let worstCallGap = -Infinity;
  let worstStrike = NaN;
  for (const k of strikes) {
    // compare with the mean difference removed, so a tiny mean gap does not mask or fake a violation
    const gap = mu.call(k) - nu.call(k) + Math.max(0, meanGap);
    if (gap > worstCallGap) {
      worstCallGap = gap;
      worstStrike = k;
    }
  }
  if (Math.abs(meanGap) > meanTol) {
    return { ok: false, meanGap, worstCallGap, worstStrike, reason: `means differ (${fmt(mu.mean)} vs ${fmt(nu.mean)})` };
  }
  if (worstCallGap > callTol) {
    return {
      ok: false,
      meanGap,
      worstCallGap,
      worstStrike,
      reason: `the earlier call price exceeds the later one by ${fmt(worstCallGap)} at strike ${fmt(Math.abs(worstStrike) < 1e-6 * scale ? 0 : worstStrike)}`,
    };
  }
  return { ok: true, meanGap, worstCallGap, worstStrike };
}

function fmt(x: number): string {
  return Number(x.toPrecision(6)).toString();
}
