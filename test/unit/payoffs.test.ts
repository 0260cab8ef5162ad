import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { buildPayoff } from '../../src/problem/payoffs/registry.js';
import { numericStructure } from '../../src/solvers/formulation.js';
import { Rng } from '../../src/core/random.js';

const dims = { T: 2, d: 2 };
// s[t*d + i]: x = (1, 2), y = (3, 5)
const path = Float64Array.from([1, 2, 3, 5]);

describe('payoff values', () => {
  it('quadratic: sum_ij M_ij s_i s_j at the date', () => {
    expect(buildPayoff({ type: 'quadratic', date: 1, matrix: [[1, 2], [0, 3]] }, dims).value(path)).toBe(9 + 30 + 75);
  });
  it('basket, max and min options', () => {
    const v = (spec: object) => buildPayoff(spec, dims).value(path);
    expect(v({ type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 3 })).toBe(1);
    expect(v({ type: 'basket-put', date: 0, weights: [1, -1], strike: 0 })).toBe(1);
    expect(v({ type: 'max-call', date: 1, strike: 4 })).toBe(1);
    expect(v({ type: 'max-put', date: 0, strike: 4 })).toBe(2);
    expect(v({ type: 'min-call', date: 1, strike: 1 })).toBe(2);
    expect(v({ type: 'min-put', date: 1, strike: 4 })).toBe(1);
  });
  it('forward-start on S_to - k S_from', () => {
    const v = (kind: string) => buildPayoff({ type: 'forward-start', asset: 1, from: 0, to: 1, strike: 2, kind }, dims).value(path);
    expect([v('call'), v('put'), v('straddle')]).toEqual([1, 0, 1]);
  });
  it('expression indexes s[t][i] from 0, with x and y for two dates', () => {
    const e = buildPayoff({ type: 'expression', expr: 's[1][0] * 10 + y[1] - x[0] + max(x[1], 0)' }, dims);
    expect(e.value(path)).toBe(30 + 5 - 1 + 2);
    expect(e.dates).toEqual([0, 1]);
  });
  it('sum combines weighted terms', () => {
    const s = buildPayoff(
      { type: 'sum', terms: [{ weight: 2, payoff: { type: 'max-call', date: 1, strike: 4 } }, { weight: -1, payoff: { type: 'expression', expr: 'y[0]' } }] },
      dims,
    );
    expect(s.value(path)).toBe(2 - 3);
  });
});

describe('payoff errors name the field', () => {
  const cases: [object, RegExp][] = [
    [{ type: 'rainbow' }, /payoff\.type: unknown payoff type "rainbow"/],
    [{ type: 'quadratic', date: 2, matrix: [[0]] }, /payoff\.date: must be an integer date in 0\.\.1/],
    [{ type: 'quadratic', date: 1, matrix: [[0, 1]] }, /payoff\.matrix: must be 2 x 2/],
    [{ type: 'basket-call', date: 1, weights: [1], strike: 1 }, /payoff\.weights: has 1 entries/],
    [{ type: 'expression', expr: 'z[0] + 1' }, /payoff\.expr: unknown variable "z"/],
    [{ type: 'expression', expr: 'y[0] +' }, /payoff\.expr: cannot parse/],
    [{ type: 'expression', expr: 'f(a) = 1' }, /payoff\.expr: .*not allowed/],
    [{ type: 'sum', terms: [{ weight: 'a', payoff: { type: 'max-call', date: 1, strike: 1 } }] }, /payoff\.terms\[0\]\.weight: must be a number/],
  ];
  for (const [spec, re] of cases)
    it(JSON.stringify(spec), () => {
      expect(() => buildPayoff(spec, dims)).toThrow(VmotError);
      expect(() => buildPayoff(spec, dims)).toThrow(re);
    });
});

describe('declared structure agrees with the numerical check on random rectangles', () => {
  const marginals = [
    [normalMarginal(1, 1), normalMarginal(1, 1.2)],
    [normalMarginal(1, 2), normalMarginal(1, 2.1)],
  ];
  const specs = [
    { type: 'quadratic', date: 1, matrix: [[0, 0.3], [0, 0]] },
    { type: 'quadratic', date: 0, matrix: [[1, -0.3], [0, 2]] },
    { type: 'basket-call', date: 1, weights: [1, 1], strike: 2 },
    { type: 'basket-put', date: 1, weights: [1, -1], strike: 0 },
    { type: 'max-call', date: 1, strike: 1 },
    { type: 'max-put', date: 1, strike: 1 },
    { type: 'min-call', date: 1, strike: 1 },
    { type: 'min-put', date: 1, strike: 1 },
    { type: 'forward-start', asset: 0, from: 0, to: 1, strike: 1, kind: 'call' },
  ];
  for (const spec of specs)
    it(`${spec.type} ${JSON.stringify(spec.type === 'quadratic' ? spec.matrix : '')}`, () => {
      const p = buildPayoff(spec, dims);
      const num = numericStructure(p, marginals, new Rng(1));
      expect(num.separable).toBe(p.structure!.separable);
      if (p.structure!.separable) expect(num.modularity).toEqual(p.structure!.modularity);
    });
});

describe('d = 3: declared modularity in every pair agrees with mixed differences on random rectangles', () => {
  const dims3 = { T: 2, d: 3 };
  const rng = new Rng('pairs');
  /** 'super' / 'sub' / 'modular' / 'unknown' from the signs of 3000 mixed differences in random pairs at date 1. */
  const measured = (value: (s: Float64Array) => number) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let n = 0; n < 3000; n++) {
      const s = Float64Array.from({ length: 6 }, () => 1 + 2 * rng.normal());
      const i = Math.floor(3 * rng.uniform());
      const j = (i + 1 + Math.floor(2 * rng.uniform())) % 3;
      const [a0, a1] = [s[3 + i], s[3 + i] + Math.abs(rng.normal())];
      const [b0, b1] = [s[3 + j], s[3 + j] + Math.abs(rng.normal())];
      const at = (a: number, b: number) => {
        const x = Float64Array.from(s);
        x[3 + i] = a;
        x[3 + j] = b;
        return value(x);
      };
      const mixed = at(a1, b1) + at(a0, b0) - at(a1, b0) - at(a0, b1);
      lo = Math.min(lo, mixed);
      hi = Math.max(hi, mixed);
    }
    const tol = 1e-9;
    return lo >= -tol && hi <= tol ? 'modular' : lo >= -tol ? 'super' : hi <= tol ? 'sub' : 'unknown';
  };
  const specs = [
    { type: 'quadratic', date: 1, matrix: [[0, 0.3, 0.1], [0, 0, 0.2], [0, 0, 0]] },
    { type: 'quadratic', date: 1, matrix: [[0, 0.3, -0.1], [0, 0, 0.2], [0, 0, 0]] },
    { type: 'quadratic', date: 1, matrix: [[1, 0, 0], [0, 2, 0], [0, 0, 3]] },
    { type: 'basket-call', date: 1, weights: [1, 2, 0.5], strike: 3 },
    { type: 'basket-put', date: 1, weights: [1, -1, 1], strike: 0 },
    { type: 'max-call', date: 1, strike: 2 },
    { type: 'min-call', date: 1, strike: 0 },
    { type: 'min-put', date: 1, strike: 2 },
  ];
  for (const spec of specs)
    it(`${spec.type} ${JSON.stringify(spec.type === 'quadratic' ? spec.matrix : (spec.weights ?? ''))}`, () => {
      const p = buildPayoff(spec, dims3);
      expect(p.structure!.modularity[1]).toBe(measured(p.value));
    });
});
