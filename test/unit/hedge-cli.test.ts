import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hedgeCommand, parsePath } from '../../src/cli/hedge.js';
import { VmotError } from '../../src/core/errors.js';
import { exportHedge, loadHedge } from '../../src/hedge/export.js';
import type { ListedVanillas } from '../../src/marginals/listed.js';
import { putPrice } from '../../src/marginals/types.js';
import { loadProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';

describe('--path parsing', () => {
  it('reads dates separated by ";" and assets by ","', () => {
    expect(Array.from(parsePath('1, 2;3,-4.5', 2, 2))).toEqual([1, 2, 3, -4.5]);
  });
  it.each([
    ['1,2', /--path: has 1 dates/],
    ['1,2;3', /--path: date 1 has 1 prices/],
    ['1,x;3,4', /--path: price of asset 1 at date 0 is not a number/],
    ['1,;3,4', /--path: price of asset 1 at date 0/],
  ])('rejects %s naming --path', (text, msg) => {
    expect(() => parsePath(text, 2, 2)).toThrow(VmotError);
    expect(() => parsePath(text, 2, 2)).toThrow(msg);
  });
});

describe('vmot hedge evaluate', () => {
  afterEach(() => vi.restoreAllMocks());
  it('prints the portfolio, its components and the payoff of one path; listed strikes flow into the export', async () => {
    const problem = await loadProblem('examples/gaussian-d2.json', { steps: 5 });
    problem.training.batch = 64;
    problem.training.width = 16;
    problem.training.depth = 2;
    problem.training.evalSamples = 1000;
    // a marginal carrying listed quotes (what a quote-built marginal exposes): psi of asset 0 uses its strikes
    const m = problem.marginals[1][0];
    const strikes = [-6, -4, -2, -1, 0, 1, 2, 4, 6];
    const listed: ListedVanillas = { strikes, call: (k) => m.call(k), put: (k) => putPrice(m, k) };
    problem.marginals[1][0] = Object.assign(Object.create(null), m, { listed });
    const r = await neuralSolver.solve(problem, 'upper', {});
    const dir = mkdtempSync(join(tmpdir(), 'vmot-hedge-cli-'));
    const doc = await exportHedge(dir, problem, r, { verify: { n: 256, gridPoints: 256 }, polish: { gridPoints: 256, paths: 256 } });
    const psi = doc.components.find((c) => c.id === 'phi-1-0');
    expect(psi?.kind === 'static' && psi.strip.listed && psi.grid.price).toEqual(strikes);
    // quotes equal to the marginal's prices: quoted cost = strip cost
    expect(doc.cost.quoted).toBeCloseTo(doc.cost.strips, 9);

    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    await hedgeCommand().parseAsync(['evaluate', join(dir, 'hedge.json'), '--path', '0.5,-1;2,0.3', '--json'], { from: 'user' });
    const res = JSON.parse(out);
    const hedge = await loadHedge(join(dir, 'hedge.json'));
    const s = Float64Array.from([0.5, -1, 2, 0.3]);
    const { total } = await hedge.portfolio(s, 1);
    expect(res.portfolio).toBeCloseTo(total[0], 9);
    expect(res.payoff).toBeCloseTo(problem.payoff.value(s), 12);
    expect(res.payoff).toBeCloseTo(0.22352713784627523 * 2 * 0.3, 12);
    expect(res.portfolio).toBeCloseTo(res.cash + res.components.reduce((a: number, c: { value: number }) => a + c.value, 0), 9);
    expect(res.margin).toBeCloseTo(res.portfolio - res.payoff, 9);
  });
});
