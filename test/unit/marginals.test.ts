import { describe, expect, it } from 'vitest';
import { checkConvexOrder } from '../../src/marginals/convexOrder.js';
import { empiricalMarginal } from '../../src/marginals/empirical.js';
import { lognormalMarginal, normalMarginal, uniformMarginal } from '../../src/marginals/parametric.js';
import type { Marginal } from '../../src/marginals/types.js';
import { Rng } from '../../src/core/random.js';

/** Independent oracle: E[g(X)] = int_0^1 g(F^-1(u)) du by the midpoint rule. */
function quantileIntegral(m: Marginal, g: (x: number) => number, n = 200_000): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += g(m.quantile((j + 0.5) / n));
  return s / n;
}

describe('parametric marginals', () => {
  const cases: [string, Marginal][] = [
    ['normal', normalMarginal(0.5, 1.7)],
    ['lognormal', lognormalMarginal(100, 0.3)],
    ['uniform', uniformMarginal(-1, 3)],
  ];
  for (const [name, m] of cases) {
    it(`${name}: mean, variance and call prices agree with quantile integrals`, () => {
      expect(quantileIntegral(m, (x) => x)).toBeCloseTo(m.mean, 3);
      const v = quantileIntegral(m, (x) => (x - m.mean) ** 2);
      expect(Math.abs(v / m.variance - 1)).toBeLessThan(2e-3);
      for (const q of [0.1, 0.5, 0.9]) {
        const k = m.quantile(q);
        const c = quantileIntegral(m, (x) => Math.max(0, x - k));
        expect(Math.abs(m.call(k) - c)).toBeLessThan(2e-4 * Math.sqrt(m.variance));
      }
    });
    it(`${name}: cdf inverts the quantile`, () => {
      for (const u of [0.01, 0.3, 0.77, 0.999]) expect(m.cdf(m.quantile(u))).toBeCloseTo(u, 9);
    });
  }
});

describe('empirical marginal', () => {
  const rng = new Rng(3);
  const xs = Array.from({ length: 501 }, () => rng.normal() * 2 + 1);
  const m = empiricalMarginal(xs);
  it('has the sample mean and population variance', () => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(m.mean).toBeCloseTo(mean, 12);
    expect(m.variance).toBeCloseTo(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length, 10);
  });
  it('prices calls as the sample average of the payoff', () => {
    for (const k of [-2, 0.3, 1, 4]) {
      const direct = xs.reduce((a, x) => a + Math.max(0, x - k), 0) / xs.length;
      expect(m.call(k)).toBeCloseTo(direct, 10);
    }
  });
  it('quantile at (j - 1/2)/n returns the j-th order statistic', () => {
    const sorted = [...xs].sort((a, b) => a - b);
    for (const j of [1, 17, 250, 501]) expect(m.quantile((j - 0.5) / xs.length)).toBe(sorted[j - 1]);
  });
});

describe('convex order', () => {
  it('accepts N(0,1) <= N(0,2) and lognormals with growing total vol', () => {
    expect(checkConvexOrder(normalMarginal(0, 1), normalMarginal(0, 2)).ok).toBe(true);
    expect(checkConvexOrder(lognormalMarginal(100, 0.2), lognormalMarginal(100, 0.3)).ok).toBe(true);
  });
  it('rejects a decreasing variance and locates the violation at the mean', () => {
    const r = checkConvexOrder(normalMarginal(0, 2), normalMarginal(0, 1));
    expect(r.ok).toBe(false);
    // C_mu - C_nu = (2 - 1) phi(0) at K = 0, the largest gap
    expect(r.worstCallGap).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 2);
    expect(Math.abs(r.worstStrike)).toBeLessThan(0.1);
    expect(r.reason).toMatch(/exceeds/);
  });
  it('rejects different means', () => {
    const r = checkConvexOrder(normalMarginal(0, 1), normalMarginal(0.1, 2));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/means differ/);
  });
});
