import { describe, expect, it } from 'vitest';
import { lognormalMarginal } from '../../src/marginals/parametric.js';
import { checkCallPrices, checkSviButterfly, sviTotalVariance, type SviParams } from '../../src/marginals/quotes/arbitrage.js';

const vogt: SviParams = { a: -0.041, b: 0.1331, m: 0.3586, rho: 0.306, sigma: 0.4153 };
const healthy: SviParams = { a: 0.04, b: 0.4, m: 0, rho: -0.4, sigma: 0.2 };

/** Independent oracle: Black call price (forward 1) with the SVI total variance at K = e^k, then its second strike difference. */
function blackDensity(p: SviParams, k: number): number {
  const call = (K: number) => lognormalMarginal(1, Math.sqrt(sviTotalVariance(p, Math.log(K))[0])).call(K);
  const K = Math.exp(k);
  const h = 1e-3 * K;
  return (call(K + h) - 2 * call(K) + call(K - h)) / (h * h);
}

describe('SVI butterfly checker (Gatheral-Jacquier g)', () => {
  it("flags Vogt's parameters with negative density on about k in [0.643, 1.256]", () => {
    const r = checkSviButterfly(vogt);
    expect(r.ok).toBe(false);
    expect(r.intervals).toHaveLength(1);
    const [lo, hi] = r.intervals[0];
    expect(lo).toBeCloseTo(0.643, 2);
    expect(hi).toBeCloseTo(1.256, 2);
    // the Black-price density really is negative inside and positive outside
    expect(blackDensity(vogt, 0.5 * (lo + hi))).toBeLessThan(0);
    expect(blackDensity(vogt, lo - 0.05)).toBeGreaterThan(0);
    expect(blackDensity(vogt, hi + 0.05)).toBeGreaterThan(0);
  });

  it('passes an arbitrage-free smile, whose Black-price density is non-negative', () => {
    const r = checkSviButterfly(healthy);
    expect(r.ok).toBe(true);
    expect(r.wingsOk).toBe(true);
    for (let k = -1.5; k <= 1.5; k += 0.05) expect(blackDensity(healthy, k)).toBeGreaterThan(0);
  });
});

describe('call-price arbitrage checker', () => {
  const m = lognormalMarginal(100, 0.2);
  const strikes = Array.from({ length: 21 }, (_, i) => 60 + 4 * i);
  const D = 0.99;
  const prices = strikes.map((k) => D * m.call(k));

  it('finds nothing in lognormal prices', () => {
    expect(checkCallPrices(strikes, prices, D, 100)).toEqual([]);
  });

  it('locates a butterfly, an increasing price and a too-steep fall', () => {
    const bumped = [...prices];
    bumped[10] += 0.5; // strike 100: concave kink
    const v = checkCallPrices(strikes, bumped, D, 100);
    expect(v.some((x) => x.kind === 'butterfly' && x.strikes[1] === 100)).toBe(true);
    const up = [...prices];
    up[15] = up[14] + 0.1;
    expect(checkCallPrices(strikes, up, D).some((x) => x.kind === 'increasing' && x.strikes[0] === 116)).toBe(true);
    const steep = [...prices];
    steep[0] += 5;
    expect(checkCallPrices(strikes, steep, D).some((x) => x.kind === 'slope' && x.strikes[0] === 60)).toBe(true);
  });
});
