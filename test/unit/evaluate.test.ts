import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { createEngine } from '../../src/models/engines/registry.js';
import type { NetWeights } from '../../src/models/engines/contract.js';
import type { Dual } from '../../src/models/dual.js';
import { constantGap, evaluate } from '../../src/models/evaluate.js';

// One scalar potential with all weights 0 (so phi = 0 everywhere) and a batch whose costs repeat a pattern: the
// violations c - phi are then the positive costs, and every statistic of the evaluation is known by hand.
const spec = { inputs: 1, hidden: [4] };
const zeros: NetWeights = [
  { w: new Float32Array(4), b: new Float32Array(4), in: 1, out: 4 },
  { w: new Float32Array(4), b: new Float32Array(1), in: 4, out: 1 },
];
const dualWith = (pattern: number[]): Dual => {
  const sample = (n: number) => {
    const cost = Float32Array.from({ length: n }, (_, b) => pattern[b % pattern.length]);
    return { batch: { size: n, inputs: [new Float32Array(n)], multipliers: [null], cost }, cost: Float64Array.from(cost) };
  };
  return {
    kind: 'full',
    roles: [{ kind: 'phi', date: 0, asset: 0 }],
    specs: [spec],
    integralWeights: [1],
    sample,
    sampling: function* (n: number) {
      return sample(n);
    },
    scalarInputs: (_k: number, u: Float64Array) => new Float32Array(u.length),
  };
};

describe('evaluation of the trained potentials', () => {
  it("counts the points that carry the penalty term (Kish's effective number), beside mass and penalty", async () => {
    const gamma = 3;
    const engine = await createEngine('reference', { specs: [spec], loss: { integralWeights: [1], gamma }, adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 }, weights: [zeros] });
    try {
      // costs 1, 1, 2, -1: violations 1, 1, 2 and none; p = gamma/2 t^2 = (1, 1, 4, 0) gamma/2 per 4 points
      const n = 4000;
      const ev = await evaluate(engine, dualWith([1, 1, 2, -1]), gamma, n, new Rng('evaluate'));
      expect(ev.value).toBe(0);
      expect(ev.mass).toBeCloseTo((gamma * 4) / 4, 12);
      expect(ev.penalty).toBeCloseTo(((gamma / 2) * 6) / 4, 12);
      // (sum p)^2 / sum p^2 = (6 k)^2 / (18 k) = 2 k for k = n / 4 repeats of the pattern
      expect(ev.penaltyPoints).toBeCloseTo(n / 2, 6);
      // one large violation among small ones: the effective number falls towards 1
      const one = await evaluate(engine, dualWith([100, ...Array(999).fill(0.01)]), gamma, 1000, new Rng('evaluate'));
      expect(one.penaltyPoints).toBeCloseTo((1e4 + 999e-4) ** 2 / (1e8 + 999e-8), 6);
      expect(one.penaltyPoints).toBeLessThan(1.001);
      // no violation: no penalty and no points
      const none = await evaluate(engine, dualWith([-1, -0.5]), gamma, 1000, new Rng('evaluate'));
      expect([none.penalty, none.mass, none.penaltyPoints]).toEqual([0, 0, 0]);
      // slack 1 and 0.5 everywhere: lowering the potentials by delta = 0.75 + 1 / gamma brings the mass to 1
      // (gamma (delta - 1 + delta - 0.5) / 2 = 1) and the objective from 0 to -delta + gamma/4 ((delta - 1)^2 + (delta - 0.5)^2)
      const delta = 0.75 + 1 / gamma;
      expect(none.gap).toBeCloseTo(delta - (gamma / 4) * ((delta - 1) ** 2 + (delta - 0.5) ** 2), 10);
    } finally {
      engine.dispose();
    }
  });
});

describe('the gap along the constant direction', () => {
  const gamma = 40000;
  const objective = (v: number[], delta: number) => -delta + (gamma / (2 * v.length)) * v.reduce((a, x) => a + Math.max(0, x + delta) ** 2, 0);

  it('is a + 1 / (2 gamma) for a slack a on every point, and 0 where the mass is already 1', () => {
    for (const a of [0, 1e-3, 0.5]) expect(constantGap(Float64Array.from([-a, -a, -a]), gamma)).toBeCloseTo(a + 1 / (2 * gamma), 12);
    // mass gamma (2 / gamma) / 2 = 1 at delta = 0: the potentials are optimal along the constant direction
    expect(constantGap(Float64Array.from([2 / gamma, -1]), gamma)).toBeLessThan(1e-12);
  });

  it('matches a brute-force minimum over a fine grid of shifts, either sign', () => {
    const rng = new Rng('gap');
    for (const spread of [1e-4, 1e-2, 1]) {
      const v = Array.from({ length: 200 }, () => spread * rng.normal() - 2 * spread);
      const hi = 3 * spread + 1e-3;
      let best = Infinity;
      for (let j = 0; j <= 200000; j++) best = Math.min(best, objective(v, -hi + (2 * hi * j) / 200000));
      const gap = objective(v, 0) - best;
      expect(constantGap(Float64Array.from(v), gamma)).toBeCloseTo(gap, 6);
      // raising instead: a violation everywhere (mass far above 1)
      const up = v.map((x) => x + 4 * spread);
      let bestUp = Infinity;
      for (let j = 0; j <= 200000; j++) bestUp = Math.min(bestUp, objective(up, -8 * spread - 1e-3 + ((8 * spread + 2e-3) * j) / 200000));
      expect(constantGap(Float64Array.from(up), gamma)).toBeCloseTo(objective(up, 0) - bestUp, 6);
    }
  });
});
