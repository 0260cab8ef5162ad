import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interrupted } from '../src/errors.js';
import { solveBound } from '../src/models/bounds.js';
import { chooseFormulation } from '../src/models/choose.js';
import { buildProblem } from '../src/problem.js';
import table2 from './fixtures/reference/gaussian-table2.json' with { type: 'json' };

const c2 = table2.cases['2'];
const normal = (sd: number) => ({ dist: 'normal', mean: 0, sd });
const gaussian = (payoff: unknown, formulation: string, training: object) =>
  buildProblem(
    { name: 'g2', marginals: [c2.sig.map(normal), c2.rho.map(normal)], payoff, formulation, training: { seed: 7, evalSamples: 1 << 15, ...training } },
    '.',
  );
const table2Payoff = { type: 'quadratic', date: 1, matrix: [[0, c2.w[0] * c2.w[1]], [0, 0]] };
// exact lower bound by the symmetry Y_2 -> -Y_2: -w1 w2 (sig1 sig2 + lam1 lam2)
const lam = c2.sig.map((s, i) => Math.sqrt(c2.rho[i] ** 2 - s ** 2));
const exactLower = -c2.w[0] * c2.w[1] * (c2.sig[0] * c2.sig[1] + lam[0] * lam[1]);

describe('formulation choice (Theorem 3.5, Corollary 3.6)', () => {
  const p = gaussian(table2Payoff, 'auto', {});
  it('supermodular cost: reduced with the monotone map for the upper bound, antitone for the lower', () => {
    expect(chooseFormulation('auto', 'upper', p.payoff, p.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'monotone', exact: true });
    expect(chooseFormulation('auto', 'lower', p.payoff, p.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'antitone', exact: true });
  });
  it('a payoff coupling the dates gets the full form, and a forced reduced form warns of the hybrid problem', () => {
    const fs = gaussian({ type: 'forward-start', asset: 0, from: 0, to: 1, strike: 1, kind: 'call' }, 'reduced', {});
    expect(chooseFormulation('auto', 'upper', fs.payoff, fs.marginals, 1).kind).toBe('full');
    const forced = chooseFormulation('reduced', 'upper', fs.payoff, fs.marginals, 1);
    expect(forced.exact).toBe(false);
    expect(forced.warning).toMatch(/hybrid problem \(4\.1\)/);
  });
  it('an expression is classified numerically', () => {
    const e = gaussian({ type: 'expression', expr: 'max(y[0] + y[1] - 1, 0)' }, 'auto', {});
    expect(chooseFormulation('auto', 'upper', e.payoff, e.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'monotone' });
  });
});

describe('neural bounds against exact values', () => {
  it('Table-2 Gaussian d=2, reduced, default training: upper and lower within 1% of Proposition 4.1', async () => {
    const p = gaussian(table2Payoff, 'reduced', {});
    const up = await solveBound(p, 'upper');
    const lo = await solveBound(p, 'lower');
    expect(Math.abs(up.value / table2.cases['2'].exact - 1)).toBeLessThan(0.01);
    expect(Math.abs(lo.value / exactLower - 1)).toBeLessThan(0.01);
    // the value of the tail-averaged potentials agrees with the batch values averaged over the tail (600 steps)
    for (const b of [up, lo]) {
      expect(b.tail.steps).toBe(600);
      expect(b.tail.stderr).toBeGreaterThan(0);
      expect(Math.abs(b.tail.mean - b.value)).toBeLessThan(0.005 * Math.abs(b.value));
    }
    // the primal estimate E_theta[beta'(c - phi) c] agrees within its Monte Carlo error
    expect(Math.abs(up.primal - up.value)).toBeLessThan(4 * up.stderr + 0.03);
  });
  it('null cost sum_i (y_i - x_i)^2, full form, 3000 steps of 4096 at gamma 10000: upper = lower = sum_i (rho_i^2 - sig_i^2) within 2%', async () => {
    const p = gaussian({ type: 'expression', expr: '(y[0] - x[0])^2 + (y[1] - x[1])^2' }, 'auto', { steps: 3000, batch: 4096, gamma: 10000 });
    const exact = lam[0] ** 2 + lam[1] ** 2;
    const up = await solveBound(p, 'upper');
    const lo = await solveBound(p, 'lower');
    expect(up.formulation).toBe('full');
    expect(Math.abs(up.value / exact - 1)).toBeLessThan(0.02);
    expect(Math.abs(lo.value / exact - 1)).toBeLessThan(0.02);
  });
});

describe('reproducible and resumable', () => {
  const p = gaussian(table2Payoff, 'reduced', { steps: 40, batch: 256, evalSamples: 4096 });
  it('the same seed gives the same numbers; another seed does not', async () => {
    const a = await solveBound(p, 'upper');
    const b = await solveBound(p, 'upper');
    expect(b.value).toBe(a.value);
    expect(b.primal).toBe(a.primal);
    const q = gaussian(table2Payoff, 'reduced', { steps: 40, batch: 256, evalSamples: 4096, seed: 8 });
    expect((await solveBound(q, 'upper')).value).not.toBe(a.value);
  });
  it('an interrupted run resumes from its checkpoint to the uninterrupted result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-resume-'));
    const whole = await solveBound(p, 'upper');
    const stop = { requested: false };
    const first = solveBound(p, 'upper', { checkpointDir: dir, stop, onProgress: (pr) => (stop.requested ||= pr.step >= 17) });
    await expect(first).rejects.toBeInstanceOf(Interrupted);
    const resumed = await solveBound(p, 'upper', { checkpointDir: dir });
    expect(resumed.value).toBe(whole.value);
    expect(resumed.trace.length).toBe(whole.trace.length);
  });
});
