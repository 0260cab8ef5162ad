import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { empiricalMarginal } from '../../src/marginals/empirical.js';
import { lognormalMarginal, normalMarginal } from '../../src/marginals/parametric.js';
import { stdNormalCdf, stdNormalPdf } from '../../src/math/normal.js';
import { atomMean, atomVariance, discreteCallGap, discretize, scoreLevels, uQuantize } from '../../src/lp/discretize.js';
import { Rng } from '../../src/core/random.js';

describe('U-quantization', () => {
  it('puts each atom at the conditional mean of its quantile bin (truncated-normal oracle)', () => {
    const levels = scoreLevels(12);
    const a = uQuantize(normalMarginal(1, 2), levels);
    for (let k = 0; k < 12; k++) {
      // E[Z | a < Z < b] = (phi(a) - phi(b)) / (Phi(b) - Phi(a)), with Phi(a) = p_k
      const lo = k === 0 ? -Infinity : -Math.sqrt(2 * Math.log(12)) + (2 * Math.sqrt(2 * Math.log(12)) * (k - 1)) / 10;
      const hi = k === 11 ? Infinity : -Math.sqrt(2 * Math.log(12)) + (2 * Math.sqrt(2 * Math.log(12)) * k) / 10;
      const pdf = (z: number) => (Number.isFinite(z) ? stdNormalPdf(z) : 0);
      const cond = (pdf(lo) - pdf(hi)) / ((Number.isFinite(hi) ? stdNormalCdf(hi) : 1) - (Number.isFinite(lo) ? stdNormalCdf(lo) : 0));
      expect(a.x[k]).toBeCloseTo(1 + 2 * cond, 9);
      expect(a.w[k]).toBeCloseTo(levels[k + 1] - levels[k], 15);
    }
  });

  it('keeps the mean and loses a little variance, for parametric and empirical laws', () => {
    const rng = new Rng('lp-discretize');
    const sample = Array.from({ length: 5000 }, () => Math.exp(0.3 * rng.uniform()));
    for (const m of [normalMarginal(0, 1.5), lognormalMarginal(100, 0.4), empiricalMarginal(sample)]) {
      const a = uQuantize(m, scoreLevels(40));
      expect(Math.abs(atomMean(a) - m.mean)).toBeLessThan(1e-10 * Math.max(1, Math.abs(m.mean)));
      const shortfall = 1 - atomVariance(a) / m.variance;
      expect(shortfall).toBeGreaterThan(0);
      expect(shortfall).toBeLessThan(0.02);
    }
  });

  it('loses about 0.2% of a normal variance at 40 atoms, three times less than equal-mass bins', () => {
    const m = normalMarginal(0, 1);
    const score = 1 - atomVariance(uQuantize(m, scoreLevels(40)));
    const equal = 1 - atomVariance(uQuantize(m, Float64Array.from({ length: 41 }, (_, k) => k / 40)));
    expect(score).toBeGreaterThan(0.0015);
    expect(score).toBeLessThan(0.003);
    expect(equal / score).toBeGreaterThan(3);
  });
});

describe('discrete convex order', () => {
  it('measures the worst call-price violation exactly', () => {
    const point = { x: Float64Array.of(0), w: Float64Array.of(1) };
    const spread = { x: Float64Array.of(-1, 1), w: Float64Array.of(0.5, 0.5) };
    expect(discreteCallGap(point, spread)).toBe(0);
    // C_spread(0) = 0.5 > C_point(0) = 0
    expect(discreteCallGap(spread, point)).toBeCloseTo(0.5, 15);
  });

  it('discretizes into atom sets in convex order with the report of moments', () => {
    const marginals = [[normalMarginal(0, 1)], [normalMarginal(0, 1.3)]];
    const disc = discretize(marginals, [20, 20]);
    expect(discreteCallGap(disc.atoms[0][0], disc.atoms[1][0])).toBe(0);
    expect(disc.report).toHaveLength(2);
    for (const r of disc.report) {
      expect(r.mean).toBeCloseTo(r.meanContinuous, 12);
      expect(r.varianceShortfall).toBeCloseTo(1 - r.variance / r.varianceContinuous, 15);
    }
  });

  it('names the marginal when the atom sets cannot be put in convex order', () => {
    const call = () => discretize([[normalMarginal(0, 2)], [normalMarginal(0, 1)]], [10, 10]);
    expect(call).toThrow(VmotError);
    expect(call).toThrow(/marginals\[1\]\[0\]/);
  });
});
