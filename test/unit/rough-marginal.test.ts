import { beforeAll, describe, expect, it } from 'vitest';
import { checkConvexOrder } from '../../src/marginals/convexOrder.js';
import { newMarginalContext } from '../../src/marginals/context.js';
import { buildMarginal } from '../../src/marginals/spec.js';
import type { Marginal } from '../../src/marginals/types.js';
import { forwardCalls } from '../../src/rough/fourier.js';
import { normalize } from '../../src/rough/params.js';

const params = { parametrization: 'standard', H: 0.2, nu: 0.3, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 } as const;

describe('rough-heston marginal', () => {
  const spec = (maturity: number) => ({ dist: 'rough-heston', forward: 100, maturity, ...params });
  // one context, as in one problem: the later date is kept in convex order with the earlier one
  const ctx = newMarginalContext('.');
  let m1: Marginal;
  let m2: Marginal;
  beforeAll(async () => {
    m1 = await buildMarginal(spec(0.5), ctx, 'm[0][0]');
    m2 = await buildMarginal(spec(1), ctx, 'm[1][0]');
  });

  it('its call prices match the Fourier pricer and its mean is the forward', () => {
    const ks = [70, 90, 100, 110, 140];
    const ref = forwardCalls(normalize(params), 1, 100, ks, { tol: 1e-4 }).calls;
    // atoms every h = 0.8 (1000 grid points up to 800): between nodes the call is interpolated, error <= h^2 max(density)/8 ~ 2e-3
    ks.forEach((k, i) => expect(Math.abs(m2.call(k) - ref[i])).toBeLessThan(4e-3));
    expect(m2.mean).toBe(100);
  });

  it('quantile inverts the distribution function and the two dates pass the solver convex-order check', () => {
    for (const u of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) {
      const x = m1.quantile(u);
      expect(m1.cdf(x)).toBeGreaterThanOrEqual(u - 1e-12);
      expect(m1.cdf(x - 1e-9)).toBeLessThan(u);
    }
    expect(checkConvexOrder(m1, m2).ok).toBe(true);
  });

  it('rejects a spec with both variance forms, naming the field', async () => {
    await expect(buildMarginal({ ...spec(1), forwardVariance: 0.04 }, newMarginalContext('.'), 'm[1][0]')).rejects.toThrow(/m\[1\]\[0\]\.forwardVariance/);
  });
});
