import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Interrupted } from '../../src/core/errors.js';
import type { Problem } from '../../src/problem/problem.js';
import { chooseFormulation } from '../../src/solvers/formulation.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';
import type { SolveContext } from '../../src/solvers/solver.js';
import { gaussian, table2Payoff } from '../helpers/table2.js';


describe('formulation choice (Theorem 3.5, Corollary 3.6)', () => {
  let p: Problem;
  beforeAll(async () => {
    p = await gaussian(table2Payoff, 'auto', {});
  });
  it('supermodular cost: reduced with the monotone map for the upper bound, antitone for the lower', () => {
    expect(chooseFormulation('auto', 'upper', p.payoff, p.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'monotone', exact: true });
    expect(chooseFormulation('auto', 'lower', p.payoff, p.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'antitone', exact: true });
  });
  it('a payoff coupling the dates gets the full form, and a forced reduced form warns of the hybrid problem', async () => {
    const fs = await gaussian({ type: 'forward-start', asset: 0, from: 0, to: 1, strike: 1, kind: 'call' }, 'reduced', {});
    expect(chooseFormulation('auto', 'upper', fs.payoff, fs.marginals, 1).kind).toBe('full');
    const forced = chooseFormulation('reduced', 'upper', fs.payoff, fs.marginals, 1);
    expect(forced.exact).toBe(false);
    expect(forced.warning).toMatch(/hybrid problem \(4\.1\)/);
  });
  it("full form, d = 2: theta's structured rows follow the monotone map for a supermodular signed cost, antitone for a submodular one", async () => {
    expect(chooseFormulation('full', 'upper', p.payoff, p.marginals, 1).thetaMap).toBe('monotone');
    expect(chooseFormulation('full', 'lower', p.payoff, p.marginals, 1).thetaMap).toBe('antitone');
    // a best-of call is submodular: the other way round; a payoff coupling the dates has no known map: monotone
    const best = await gaussian({ type: 'max-call', date: 1, strike: 0 }, 'full', {});
    expect(chooseFormulation('full', 'upper', best.payoff, best.marginals, 1).thetaMap).toBe('antitone');
    expect(chooseFormulation('full', 'lower', best.payoff, best.marginals, 1).thetaMap).toBe('monotone');
    const fs = await gaussian({ type: 'forward-start', asset: 0, from: 0, to: 1, strike: 1, kind: 'call' }, 'full', {});
    expect(chooseFormulation('full', 'lower', fs.payoff, fs.marginals, 1).thetaMap).toBe('monotone');
  });
  it('an expression is classified numerically', async () => {
    const e = await gaussian({ type: 'expression', expr: 'max(y[0] + y[1] - 1, 0)' }, 'auto', {});
    expect(chooseFormulation('auto', 'upper', e.payoff, e.marginals, 1)).toMatchObject({ kind: 'reduced', map: 'monotone' });
  });
});

describe('reproducible and resumable', () => {
  let p: Problem;
  beforeAll(async () => {
    p = await gaussian(table2Payoff, 'reduced', { steps: 40, batch: 256, evalSamples: 4096 });
  });
  const solveBound = (q: Problem, side: 'upper' | 'lower', ctx: SolveContext = {}) => neuralSolver.solve(q, side, ctx);
  it('the same seed gives the same numbers; another seed does not', async () => {
    const a = await solveBound(p, 'upper');
    const b = await solveBound(p, 'upper');
    expect(b.value).toBe(a.value);
    expect(b.error).toBe(a.error);
    expect(b.details.primalDensity).toEqual(a.details.primalDensity);
    const q = await gaussian(table2Payoff, 'reduced', { steps: 40, batch: 256, evalSamples: 4096, seed: 8 });
    expect((await solveBound(q, 'upper')).value).not.toBe(a.value);
  });
  it('an interrupted run resumes from its checkpoint to the uninterrupted result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-resume-'));
    const whole = await solveBound(p, 'upper');
    const stop = { requested: false };
    const first = solveBound(p, 'upper', { workDir: dir, stop, onProgress: (pr) => (stop.requested ||= pr.step >= 17) });
    await expect(first).rejects.toBeInstanceOf(Interrupted);
    const resumed = await solveBound(p, 'upper', { workDir: dir });
    expect(resumed.value).toBe(whole.value);
    expect(resumed.trace.length).toBe(whole.trace.length);
  });
  it('a checkpoint resumes on another number of threads (a book job moved to a machine with other cores), to the same result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-resume-threads-'));
    const whole = await solveBound(p, 'upper');
    const stop = { requested: false };
    const before = process.env.VMOT_THREADS;
    const notices: string[] = [];
    try {
      process.env.VMOT_THREADS = '2';
      await expect(solveBound(p, 'upper', { workDir: dir, stop, onProgress: (pr) => (stop.requested ||= pr.step >= 17) })).rejects.toBeInstanceOf(Interrupted);
      process.env.VMOT_THREADS = '1';
      const resumed = await solveBound(p, 'upper', { workDir: dir, onNotice: (m) => notices.push(m) });
      expect(resumed.engine).toMatch(/-1t$/);
      expect(notices.join('\n')).toMatch(/resuming the upper bound from .* at step 1[78]/);
      expect(resumed.value).toBe(whole.value);
    } finally {
      if (before === undefined) delete process.env.VMOT_THREADS;
      else process.env.VMOT_THREADS = before;
    }
  });
});
