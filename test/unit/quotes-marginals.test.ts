import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCallPrices } from '../../src/marginals/quotes/arbitrage.js';
import { quoteTolerance } from '../../src/marginals/quotes/clean.js';
import { expiryLawFromFiles, type ExpiryLaw } from '../../src/marginals/quotes/pipeline.js';

// Must-show of issue 4: every expiry of both assets of the paper's AMZN/AAPL chains.
const dir = fileURLToPath(new URL('../../examples/amzn-aapl/', import.meta.url));
const cases = ['AMZN', 'AAPL'].flatMap((a) => ['period 1', 'period 2', 'period 3'].map((c) => [a, c] as const));
const laws = new Map<string, ExpiryLaw>();
beforeAll(async () => {
  for (const [a, c] of cases) laws.set(`${a} ${c}`, await expiryLawFromFiles(`${dir}${a}_call_price.csv`, `${dir}${a}_put_price.csv`, c));
});
const law = (a: string, c: string) => laws.get(`${a} ${c}`)!;

/** Density by linear interpolation of the grid values at v (the law's own representation, read independently). */
function densityAt(l: ExpiryLaw, v: number): number {
  const { x, f } = l.density;
  if (v <= x[0] || v >= x[x.length - 1]) return 0;
  let j = 0;
  while (x[j + 1] < v) j++;
  return f[j] + ((f[j + 1] - f[j]) * (v - x[j])) / (x[j + 1] - x[j]);
}

/** int g(x) f(x) dx by the trapezoid rule on a uniform grid of 40 001 points (finer than and offset from the law's grid). */
function integrate(l: ExpiryLaw, g: (x: number) => number): number {
  const { x } = l.density;
  const a = x[0];
  const b = x[x.length - 1];
  const n = 40_000;
  const h = (b - a) / n;
  let s = 0;
  let j = 0;
  for (let i = 0; i <= n; i++) {
    const v = a + i * h;
    while (j + 2 < x.length && x[j + 1] < v) j++;
    const { f } = l.density;
    const fv = v <= x[j] ? f[j] : f[j] + ((f[j + 1] - f[j]) * (v - x[j])) / (x[j + 1] - x[j]);
    s += (i === 0 || i === n ? 0.5 : 1) * fv * g(v);
  }
  return s * h;
}

describe.each(cases)('%s %s', (asset, column) => {
  it('density is non-negative and integrates to 1 within 1e-6', () => {
    const l = law(asset, column);
    expect(Math.min(...l.density.f)).toBeGreaterThanOrEqual(0);
    for (let v = l.density.x[0]; v < l.density.x[l.density.x.length - 1]; v += 0.37) expect(densityAt(l, v)).toBeGreaterThanOrEqual(0);
    expect(Math.abs(integrate(l, () => 1) - 1)).toBeLessThan(1e-6);
  });

  it('mean equals the parity forward within 0.1% (by quadrature and by the quantile function)', () => {
    const l = law(asset, column);
    const F = l.parity.forward;
    expect(Math.abs(integrate(l, (x) => x) / F - 1)).toBeLessThan(1e-3);
    // E[X] = int_0^1 F^-1(u) du, midpoint rule
    const n = 100_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += l.marginal.quantile((i + 0.5) / n);
    expect(Math.abs(s / n / F - 1)).toBeLessThan(1e-3);
  });

  it('reprices every cleaned quote within max(0.05, 2%)', () => {
    const l = law(asset, column);
    const D = l.parity.discount;
    expect(l.cleaned.strikes.length).toBeGreaterThanOrEqual(10);
    l.cleaned.strikes.forEach((k, i) => {
      const call = l.cleaned.option[i] === 'call';
      const model = D * integrate(l, (x) => Math.max(0, call ? x - k : k - x));
      const quote = l.cleaned.prices[i];
      expect(Math.abs(model - quote), `${l.cleaned.option[i]} ${k}: model ${model} vs ${quote}`).toBeLessThanOrEqual(quoteTolerance(quote));
    });
  });

  it('quantile inverts the CDF to 1e-6 in probability', () => {
    const m = law(asset, column).marginal;
    const us = [1e-6, 1e-4, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-4, 1 - 1e-6];
    for (let i = 1; i < 1000; i++) us.push(i / 1000);
    for (const u of us) expect(Math.abs(m.cdf(m.quantile(u)) - u)).toBeLessThan(1e-6);
  });

  it('cleaned quotes are free of static arbitrage and every quote is accounted for once', () => {
    const l = law(asset, column);
    const bad = checkCallPrices(l.cleaned.strikes, l.cleaned.calls, l.parity.discount, l.parity.forward).filter((v) => Math.abs(v.amount) > 1e-7);
    expect(bad).toEqual([]);
    const table = l.cleaned.notes.map((n) => `${n.option} ${n.strike}`);
    expect(new Set(table).size).toBe(table.length);
    for (const n of l.cleaned.notes.filter((q) => q.action === 'moved')) expect(Math.abs(n.change!)).toBeGreaterThan(0);
  });
});

describe('cleaning report on the raw chains', () => {
  it('does not use the AMZN period-1 calls at 75 and 80 (the 5.80 drop of the README: in the money)', () => {
    const notes = law('AMZN', 'period 1').cleaned.notes.filter((n) => n.option === 'call' && (n.strike === 75 || n.strike === 80));
    expect(notes.map((n) => n.action)).toEqual(['removed', 'removed']);
    expect(notes[0].reason).toMatch(/in the money/);
  });

  it('drops stale minimum-tick AAPL period-1 quotes and reports moved ones with their amount', () => {
    const notes = law('AAPL', 'period 1').cleaned.notes;
    const call230 = notes.find((n) => n.option === 'call' && n.strike === 230)!;
    expect(call230.action).toBe('removed');
    expect(call230.reason).toMatch(/stale/);
    const moved = notes.filter((n) => n.action === 'moved');
    expect(moved.length).toBeGreaterThan(0);
    for (const n of moved) expect(n.cleaned! - n.quote).toBeCloseTo(n.change!, 12);
  });
});
