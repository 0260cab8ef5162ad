import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { simulateBergomiIndex } from '../../src/rough/bergomi.js';
import { impliedVol } from '../../src/rough/impliedVol.js';
import { indexSpotSkew, kernelPairing, roughBergomiComponent } from '../../src/rough/indexSkew.js';

describe('Friz-Wagenhofer index skew (eq. 9, Example 14)', () => {
  it('<K^H 1,1> = 0.465847 at H = 0.1', () => {
    expect(kernelPairing(0.1)).toBeCloseTo(0.465847, 6);
  });

  it('N = 1 reduces to the single-asset skew 2 f0\' <K^H 1,1>', () => {
    const c = roughBergomiComponent(1, 0.25, 1.2, 0.1);
    const r = indexSpotSkew([c], [[1]]);
    expect(r.variance).toBeCloseTo(0.0625, 14);
    expect(r.varianceSkew).toBeCloseTo(2 * c.f1 * kernelPairing(0.1), 14);
    expect(r.volSkew).toBeCloseTo(-1.2 * kernelPairing(0.1), 14);
  });

  it('identical, perfectly correlated components give the component skew', () => {
    const comps = [0.2, 0.5, 0.3].map((w) => roughBergomiComponent(w, 0.25, 1.2, 0.1));
    const one = [1, 1, 1];
    const r = indexSpotSkew(comps, [one, one, one]);
    const single = indexSpotSkew([roughBergomiComponent(1, 0.25, 1.2, 0.1)], [[1]]);
    expect(r.variance).toBeCloseTo(single.variance, 14);
    expect(r.varianceSkew).toBeCloseTo(single.varianceSkew, 14);
  });

  it('Monte Carlo skew of the rough Bergomi index approaches the formula as epsilon -> 0', () => {
    const comps = [roughBergomiComponent(0.5, 0.2, 1.0, 0.1), roughBergomiComponent(0.5, 0.3, 1.5, 0.3)];
    const rho = [
      [1, 0.5],
      [0.5, 1],
    ];
    const f = indexSpotSkew(comps, rho);
    const sigmaI = Math.sqrt(f.variance);
    const errors: number[] = [];
    const ses: number[] = [];
    for (const eps of [0.8, 0.4, 0.2, 0.1]) {
      const I = simulateBergomiIndex(
        comps.map((c) => ({ weight: c.weight, sigma: c.f0, eta: -c.f1 / c.f0, H: c.H })),
        { epsilon: eps, maturity: 1, steps: 50, paths: 120000, correlation: rho, rng: new Rng(`fw-${eps}`) },
      );
      // ATM skew d sigma_impl/dx by a symmetric difference at x = +-delta, delta = eps sigma_I / 2, divided by eps;
      // its Monte Carlo error from 20 batches
      const delta = (eps * sigmaI) / 2;
      const skewOf = (paths: Float64Array) => {
        const iv = (x: number) => {
          const K = Math.exp(x);
          let s = 0;
          for (const v of paths) s += Math.max(v - K, 0);
          return impliedVol(1, K, 1, s / paths.length);
        };
        return (iv(delta) - iv(-delta)) / (2 * delta * eps);
      };
      const skew = skewOf(I);
      const batches = Array.from({ length: 20 }, (_, b) => skewOf(I.subarray((b * I.length) / 20, ((b + 1) * I.length) / 20)));
      const bm = batches.reduce((s, x) => s + x, 0) / 20;
      ses.push(Math.sqrt(batches.reduce((s, x) => s + (x - bm) ** 2, 0) / 19 / 20));
      errors.push(Math.abs(skew - f.volSkew));
      console.log(`eps ${eps}: MC skew/eps ${skew.toFixed(4)} +- ${ses[ses.length - 1].toFixed(4)}  formula S_I/(2 sigma_I) ${f.volSkew.toFixed(4)}  |diff| ${errors[errors.length - 1].toFixed(4)}`);
    }
    // the bias shrinks with eps; at the smallest eps the difference is within Monte Carlo error
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[2]).toBeLessThan(errors[1]);
    expect(errors[3]).toBeLessThan(3 * ses[3]);
  });
});
