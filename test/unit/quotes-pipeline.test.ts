import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { lognormalMarginal } from '../../src/marginals/parametric.js';
import { checkCalendar } from '../../src/marginals/quotes/calendar.js';
import { parsePriceTable, selectExpiry } from '../../src/marginals/quotes/chain.js';
import { quoteTolerance } from '../../src/marginals/quotes/clean.js';
import { parityForward } from '../../src/marginals/quotes/parity.js';
import { expiryLaw, expiryLawFromFiles, type ExpiryLaw } from '../../src/marginals/quotes/pipeline.js';
import { parseProblem, loadProblem } from '../../src/problem/problem.js';
import { couplingValue } from '../../src/problem/couplings.js';
import { independentValue } from '../../src/solvers/references.js';

// Synthetic chain: lognormal law with forward 100, total volatility 0.25, discount 0.98, plus planted defects.
const F = 100;
const D = 0.98;
const truth = lognormalMarginal(F, 0.25);
const strikes = Array.from({ length: 23 }, (_, i) => 50 + 5 * i);
const callPx = strikes.map((k) => D * truth.call(k));
const putPx = strikes.map((k) => D * (truth.call(k) - (F - k)));
callPx[strikes.indexOf(155)] = callPx[strikes.indexOf(150)]; // stale: not below the quote nearer the money
putPx[strikes.indexOf(50)] = 0; // zero
callPx[strikes.indexOf(60)] += 4; // bad in-the-money call (not used; outside the parity window)
putPx[strikes.indexOf(95)] += 0.6; // a mispriced out-of-the-money put: must be moved
const csv = (px: number[], name: string) => `strike,${name} at expiry A\n${strikes.map((k, i) => `${k},${px[i]}`).join('\n')}\n`;
const calls = parsePriceTable(csv(callPx, 'call'), 'calls.csv', 'csv');
const puts = parsePriceTable(csv(putPx, 'put'), 'puts.csv', 'csv');

describe('synthetic lognormal chain', () => {
  const q = selectExpiry(calls, puts, 'expiry A');
  let law: ExpiryLaw;
  beforeAll(async () => {
    law = await expiryLaw(q);
  });

  it('recovers forward and discount from put-call parity despite the planted outliers', () => {
    expect(law.parity.forward).toBeCloseTo(F, 2);
    expect(law.parity.discount).toBeCloseTo(D, 3);
    expect(parityForward(q, { discount: D }).forward).toBeCloseTo(F, 2);
  });

  it('reports the zero, stale, in-the-money and moved quotes', () => {
    const note = (o: string, k: number) => law.cleaned.notes.find((n) => n.option === o && n.strike === k)!;
    expect(note('put', 50)).toMatchObject({ action: 'removed', reason: 'zero price' });
    expect(note('call', 155).action).toBe('removed');
    expect(note('call', 155).reason).toMatch(/stale/);
    expect(note('call', 60).reason).toMatch(/in the money/);
    expect(note('put', 95).action).toBe('moved');
    expect(note('put', 95).change!).toBeLessThan(-0.2);
  });

  it('gives a law whose call prices match the true lognormal within the quote tolerance (half the planted error near 95)', () => {
    for (let k = 60; k <= 150; k += 2.5) {
      const err = D * Math.abs(law.marginal.call(k) - truth.call(k));
      expect(err, `strike ${k}`).toBeLessThanOrEqual(k >= 90 && k <= 100 ? 0.3 : quoteTolerance(D * truth.call(k)));
    }
    expect(Math.sqrt(law.marginal.variance) / Math.sqrt(truth.variance)).toBeGreaterThan(0.9);
    expect(Math.sqrt(law.marginal.variance) / Math.sqrt(truth.variance)).toBeLessThan(1.1);
  });

  it('reads the same chain from JSON records', async () => {
    const rec = (px: number[], name: string) => JSON.stringify(strikes.map((k, i) => ({ strike: k, [`${name} at expiry A`]: px[i] })));
    const dir = mkdtempSync(join(tmpdir(), 'vmot-quotes-'));
    writeFileSync(join(dir, 'c.json'), rec(callPx, 'call'));
    writeFileSync(join(dir, 'p.json'), rec(putPx, 'put'));
    const viaJson = await expiryLawFromFiles(join(dir, 'c.json'), join(dir, 'p.json'), 'expiry A');
    expect(viaJson.parity.forward).toBe(law.parity.forward);
    expect(viaJson.marginal.quantile(0.3)).toBe(law.marginal.quantile(0.3));
  });
});

describe('bad input names the field', () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(VmotError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  const rejection = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(VmotError);
    return (e as Error).message;
  };
  it('rejects malformed tables and unknown or ambiguous columns', () => {
    expect(err(() => parsePriceTable('k,price\n1,2\n3,4\n', 'x.csv', 'csv'))).toMatch(/x.csv: has no "strike" column/);
    expect(err(() => parsePriceTable('strike,p\n1,2\n3,abc\n', 'x.csv', 'csv'))).toMatch(/row 2 column "p" is not a number/);
    expect(err(() => parsePriceTable('strike,p\n3,2\n1,4\n', 'x.csv', 'csv'))).toMatch(/strikes must increase/);
    const dir = fileURLToPath(new URL('../../examples/amzn-aapl/', import.meta.url));
    expect(err(() => expiryLawFromFiles(`${dir}AMZN_call_price.csv`, `${dir}AMZN_put_price.csv`, 'period'))).toMatch(/column: "period" is ambiguous/);
  });

  it('names the problem-file field', async () => {
    const base = fileURLToPath(new URL('../../examples/amzn-aapl/', import.meta.url));
    const spec = (extra: object) => ({ dist: 'quotes', calls: 'AMZN_call_price.csv', puts: 'AMZN_put_price.csv', column: 'period 2', ...extra });
    const problem = (m0: object) => ({ marginals: [[m0], [spec({})]], payoff: { type: 'quadratic', date: 1, matrix: [[1]] } });
    expect(await rejection(parseProblem(problem(spec({ scale: 'return' })), base))).toMatch(/^marginals\[0\]\[0\]\.reference: is required/);
    expect(await rejection(parseProblem(problem(spec({ calls: 'nope.csv' })), base))).toMatch(/^marginals\[0\]\[0\]\.calls: .*cannot read/);
    expect(await rejection(parseProblem(problem(spec({ column: 'period 1', shiftMeanTo: 'period 9' })), base))).toMatch(/^marginals\[0\]\[0\]\.shiftMeanTo: "period 9" matches no column/);
    // without the explicit repair the differing means are refused
    expect(await rejection(parseProblem(problem(spec({ column: 'period 1' })), base))).toMatch(/not in convex order.*means differ/);
  });
});

describe('calendar check across expiries', () => {
  const dir = fileURLToPath(new URL('../../examples/amzn-aapl/', import.meta.url));
  let laws: ExpiryLaw[];
  let named: { expiry: string; marginal: ExpiryLaw['marginal'] }[];
  beforeAll(async () => {
    laws = await Promise.all(['period 1', 'period 2'].map((c) => expiryLawFromFiles(`${dir}AMZN_call_price.csv`, `${dir}AMZN_put_price.csv`, c)));
    named = laws.map((l) => ({ expiry: l.expiry.calls, marginal: l.marginal }));
  });

  it('refuses differing means naming both expiries, and repairs them only when asked', () => {
    expect(() => checkCalendar(named)).toThrow(/"call price at period 1" and "call price at period 2": means differ/);
    const r = checkCalendar(named, { alignMean: true });
    expect(r.laws[0].mean).toBeCloseTo(laws[1].parity.forward, 9);
    expect(r.shifts[0]).toBeCloseTo(laws[1].parity.forward - laws[0].parity.forward, 9);
    expect(r.pairs[0].report.ok).toBe(true);
  });
});

describe('the AMZN/AAPL example problem', () => {
  it('loads with shifted period-1 laws and orders its reference values', async () => {
    const p = await loadProblem(fileURLToPath(new URL('../../examples/amzn-aapl/portfolio-variance.json', import.meta.url)));
    expect([p.T, p.d]).toEqual([2, 2]);
    for (let i = 0; i < 2; i++) expect(p.marginals[0][i].mean).toBeCloseTo(p.marginals[1][i].mean, 9);
    // returns: AMZN forward ~94.2 vs 87.86, AAPL ~151.3 vs 134.51
    expect(p.marginals[1][0].mean).toBeCloseTo(94.233 / 87.86 - 1, 3);
    // period-2 laws carry their listed vanillas (in return units) for the hedge export; shifted period-1 laws do not
    const listed = p.marginals[1][0].listed!;
    expect(p.marginals[0][0].listed).toBeUndefined();
    const k = listed.strikes[listed.strikes.length - 1];
    expect(k).toBeCloseTo(115 / 87.86 - 1, 12);
    expect(Math.abs(listed.call(k)! - p.marginals[1][0].call(k))).toBeLessThan(quoteTolerance(listed.call(k)! * 87.86) / 87.86);
    const co = couplingValue(p, 'comonotone')!;
    const anti = couplingValue(p, 'antitone')!;
    const ind = independentValue(p, 1 << 15).value;
    expect(co).toBeGreaterThan(ind);
    expect(ind).toBeGreaterThan(anti);
  });
});
