import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/hedge/price-space.js';
import { priceStrip, projectOnStrikes, strikeGrid, stripPayoff, vanillaStrip } from '../../src/hedge/strip.js';
import { listedFromQuotes, type ListedVanillas } from '../../src/marginals/listed.js';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { putPrice } from '../../src/marginals/types.js';
import { Rng } from '../../src/core/random.js';

describe('vanilla strip', () => {
  it('replicates a piecewise-linear function everywhere, with the kinks as option weights', () => {
    // f(x) = |x - 1| + 0.5 (x - 3)^+ - 2 on knots 0..5: kinks 2 at x = 1 and 0.5 at x = 3
    const f = (x: number) => Math.abs(x - 1) + 0.5 * Math.max(0, x - 3) - 2;
    const x = [0, 1, 2, 3, 4, 5];
    const s = vanillaStrip(x, x.map(f), 2.2);
    expect(s.pivot).toBe(2);
    expect(s.forward).toBeCloseTo(1, 12);
    expect(s.calls).toEqual([{ strike: 3, weight: 0.5 }]);
    expect(s.puts).toEqual([{ strike: 1, weight: 2 }]);
    const rng = new Rng('strip');
    for (let j = 0; j < 200; j++) {
      const y = -5 + 15 * rng.uniform();
      expect(stripPayoff(s, y)).toBeCloseTo(f(y), 10);
      expect(interpolate(x, x.map(f), y)).toBeCloseTo(f(y), 10);
    }
  });

  it('prices a quadratic strip like its integral (Bachelier calls), e.g. E[X^2] = mean^2 + var', () => {
    const m = normalMarginal(1, 2);
    const { strikes } = strikeGrid(m, 801);
    const strip = priceStrip(m, strikes, strikes.map((k) => k * k), false);
    expect(strip.quoted).toBeNull();
    expect(strip.price / 5 - 1).toBeLessThan(1e-3);
    expect(strip.price).toBeGreaterThan(5);
  });

  it('uses listed strikes and prices at the quotes when the marginal has them (hook for quote-built marginals)', () => {
    const base = normalMarginal(100, 10);
    const strikes = [70, 80, 90, 95, 100, 105, 110, 120, 130];
    const listed: ListedVanillas = { strikes, call: (k) => base.call(k) + 0.01, put: (k) => putPrice(base, k) + 0.01 };
    const m = Object.assign(Object.create(null), base, { listed });
    const grid = strikeGrid(m);
    expect(grid).toEqual({ strikes, listed: true });
    const f = (x: number) => Math.max(0, x - 100) ** 1.5 / 10 + Math.max(0, 95 - x);
    const strip = priceStrip(m, strikes, strikes.map(f), true);
    for (const o of [...strip.calls, ...strip.puts]) expect(strikes).toContain(o.strike);
    // every quote is 0.01 above the marginal's price: the difference is 0.01 x the sum of option weights
    const weights = [...strip.calls, ...strip.puts].reduce((a, o) => a + o.weight, 0);
    expect(strip.quoted! - strip.price).toBeCloseTo(0.01 * weights, 10);
    const partial = Object.assign(Object.create(null), base, { listed: { ...listed, put: () => undefined } });
    expect(priceStrip(partial, strikes, strikes.map(f), true).quoted).toBeNull();
  });

  it('reads listed vanillas from cleaned quotes: undiscounted, the other option by put-call parity', () => {
    const m = normalMarginal(100, 10);
    const D = 0.98;
    const strikes = [80, 90, 100, 110, 120];
    const option: ('call' | 'put')[] = ['put', 'put', 'call', 'call', 'call'];
    const prices = strikes.map((k, j) => D * (option[j] === 'call' ? m.call(k) : putPrice(m, k)));
    const listed = listedFromQuotes({ strikes, option, prices }, D, 100);
    for (const k of strikes) {
      expect(listed.call(k)).toBeCloseTo(m.call(k), 10);
      expect(listed.put(k)).toBeCloseTo(putPrice(m, k), 10);
    }
    expect(listed.call(95)).toBeUndefined();
  });

  it('L2 projection on sparse strikes: exact for a function in the strip space, and beats interpolation in mean square', () => {
    const m = normalMarginal(0, 1);
    const strikes = [-1.5, -0.5, 0, 0.7, 2];
    const x = Array.from({ length: 4000 }, (_, j) => m.quantile((j + 0.5) / 4000));
    const knots = [0.3, -1, 2, 0.5, 1];
    const pl = (v: number) => interpolate(strikes, knots, v);
    projectOnStrikes(strikes, x, x.map(pl)).forEach((v, k) => expect(v).toBeCloseTo(knots[k], 8));
    const f = (v: number) => v * v;
    const proj = projectOnStrikes(strikes, x, x.map(f));
    const mse = (vals: number[]) => x.reduce((a, v) => a + (interpolate(strikes, vals, v) - f(v)) ** 2, 0) / x.length;
    expect(mse(proj)).toBeLessThan(mse(strikes.map(f)));
  });
});
