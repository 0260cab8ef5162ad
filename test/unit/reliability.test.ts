import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStrikes } from '../../src/cli/smile.js';
import { VmotError } from '../../src/core/errors.js';
import { lockFolder } from '../../src/core/lock.js';
import { Rng } from '../../src/core/random.js';
import { lognormalMarginal } from '../../src/marginals/parametric.js';
import { stdNormalCdf, stdNormalPdf } from '../../src/math/normal.js';
import { parsePriceTable, selectExpiry } from '../../src/marginals/quotes/chain.js';
import { expiryLaw } from '../../src/marginals/quotes/pipeline.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/models/checkpoint.js';
import { initWeights, zerosLike } from '../../src/models/engines/weights.js';
import { parseProblem } from '../../src/problem/problem.js';
import { neuralSolver } from '../../src/solvers/neural/index.js';
import { checkBound } from '../../src/solvers/checks.js';
import { references } from '../../src/solvers/references.js';
import type { BoundResult } from '../../src/solvers/result.js';
import { solveAll } from '../../src/solvers/solve.js';

const normal = (sd: number, mean = 0) => ({ dist: 'normal', mean, sd });
const good = () => ({
  name: 'r',
  marginals: [[normal(1.5488), normal(1.7152)], [normal(2.6028), normal(2.5449)]],
  payoff: { type: 'quadratic', date: 1, matrix: [[0, 0.2235], [0, 0]] },
  formulation: 'reduced',
  bounds: ['upper'],
});
/** The message of the VmotError that building `spec` ends with. */
const refusal = async (spec: unknown, dir = '.', opts = {}) => {
  const e = await parseProblem(spec, dir, opts).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VmotError);
  return (e as Error).message;
};

describe('limits: checked before any work, naming the field', () => {
  it.each([
    [{ steps: 1e12 }, /^training\.steps: must be at most 1,000,000/],
    [{ width: 1e9 }, /^training\.width: must be at most 1024/],
    [{ evalSamples: 1e15 }, /^training\.evalSamples: must be at most 16,777,216/],
    [{ learningRate: 10 }, /^training\.learningRate: must be at most 0\.1/],
    [{ gamma: 1e12 }, /^training\.gamma: must be at most 1e9/],
    [{ betas: [1, 0.9] }, /^training\.betas\[0\]: must be below 1/],
    [{ batch: 1e8 }, /^training\.batch: must be at most 1,048,576/],
  ])('training %j', async (training, re) => {
    expect(await refusal({ ...good(), training })).toMatch(re);
  });
  it('values that overflow double precision: the marginal or the payoff is named', async () => {
    const big = { ...good(), marginals: [[{ dist: 'empirical', samples: [1e200, -1e200, 0] }, normal(1)], [{ dist: 'empirical', samples: [2e200, -2e200, 0] }, normal(2)]] };
    expect(await refusal(big)).toMatch(/^marginals\[0\]\[0\]: its mean, variance or range is not finite/);
    const huge = { ...good(), marginals: [[normal(1, 1e308), normal(1, 1e308)], [normal(2, 1e308), normal(2, 1e308)]] };
    expect(await refusal(huge)).toMatch(/^payoff: is Infinity at prices/);
    expect(await refusal({ ...good(), payoff: { type: 'quadratic', date: 1, matrix: [[0, 1e308], [1e308, 0]] }, marginals: [[normal(1, 1e154), normal(1, 1e154)], [normal(2, 1e154), normal(2, 1e154)]] })).toMatch(/^payoff: is Infinity/);
  });
  it('expressions: size and nesting', async () => {
    const expr = (e: string) => ({ ...good(), payoff: { type: 'expression', expr: e } });
    expect(await refusal(expr('x[0]+'.repeat(250_000) + '1'))).toMatch(/^payoff\.expr: has 1250001 characters; at most 10000/);
    expect(await refusal(expr(`${'('.repeat(4000)}x[0]${')'.repeat(4000)}`))).toMatch(/^payoff\.expr: is nested too deeply/);
  });
  it('smile strikes', () => {
    expect(() => parseStrikes('1:2:1000000000')).toThrow(/2 <= count <= 10000/);
  });
});

describe("files: the problem file's folder and below, unless allowed", () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmot-files-'));
  const outside = mkdtempSync(join(tmpdir(), 'vmot-outside-'));
  writeFileSync(join(outside, 'x.txt'), '-1\n1\n');
  writeFileSync(join(dir, 'y.txt'), '-2\n0\n0\n2\n');
  const spec = (file: string) => ({ ...good(), marginals: [[{ dist: 'empirical', file }], [{ dist: 'empirical', file: 'y.txt' }]], payoff: { type: 'expression', expr: 'y[0]^2' } });
  it('refuses absolute paths and ../ escapes, naming the field, without echoing the file', async () => {
    for (const f of [join(outside, 'x.txt'), `../${join(outside, 'x.txt').split('/').slice(-2).join('/')}`, '/etc/passwd'])
      expect(await refusal(spec(f), dir)).toMatch(/^marginals\[0\]\[0\]\.file: ".*" is outside the problem file's folder .*; pass --allow-files-outside/);
    const passwd = await refusal(spec('/etc/passwd'), dir, { allowFilesOutside: true });
    expect(passwd).toMatch(/line 1 of \/etc\/passwd is not a number: ".{0,40}(\.\.\.)?"$/);
  });
  it('reads them when allowed', async () => {
    const p = await parseProblem(spec(join(outside, 'x.txt')), dir, { allowFilesOutside: true });
    expect(p.marginals[0][0].variance).toBe(1);
    expect(p.inputs.map((x) => x.file)).toContain(join(outside, 'x.txt'));
  });
});

describe('quotes', () => {
  const F = 100;
  const truth = lognormalMarginal(F, 0.3);
  /** n strikes from 40 to 160, lognormal prices with relative noise `noise`, in cents. */
  const chain = (n: number, calls: (k: number, c: number) => number, seed: string, noise: number) => {
    const rng = new Rng(seed);
    const ks = Array.from({ length: n }, (_, i) => 40 + (120 * i) / (n - 1));
    const r = (x: number) => Math.max(0, Math.round(x * (1 + noise * rng.normal()) * 100) / 100);
    const csv = (f: (k: number) => number) => `strike,price\n${ks.map((k) => `${k.toFixed(4)},${r(f(k))}`).join('\n')}\n`;
    return selectExpiry(parsePriceTable(csv((k) => calls(k, truth.call(k))), 'calls.csv'), parsePriceTable(csv((k) => truth.call(k) - F + k), 'puts.csv'), 'price');
  };
  it('a 2000-strike chain on which the least-squares QP stalls is cleaned in seconds, saying how', async () => {
    const t0 = performance.now();
    const law = await expiryLaw(chain(2000, (_k, c) => c, '4', 0.002));
    expect((performance.now() - t0) / 1000).toBeLessThan(60);
    expect(law.cleaned.projection).toMatch(/^least absolute deviations \(the least-squares QP did not finish in 5 s\)/);
    expect(Math.abs(law.parity.forward / F - 1)).toBeLessThan(0.002);
  }, 120_000);
  it('arbitrage in the quotes the parity fit reads is refused with the strikes and amounts', async () => {
    // calls rising with the strike above 100: the parity fit would read a wrong discount
    const e = await expiryLaw(chain(33, (k, c) => c + Math.max(0, k - 100) * 1.2, '3', 0.002)).catch((x) => x);
    expect(e).toBeInstanceOf(VmotError);
    // (here the parity fit itself fails on them, and the arbitrage is what is reported)
    expect(e.message).toMatch(/^quotes: arbitrage in the quotes of "price" \/ "price".*: call [\d.]+ at [\d.]+ and [\d.]+ at [\d.]+ \(rises by [\d.]+\)/);
  });
});

describe('training: divergence and unreliable bounds', () => {
  it('a finite blow-up stops the bound with a message naming the likely cause', async () => {
    const p = await parseProblem({ ...good(), training: { learningRate: 0.1, steps: 200, batch: 2048 } }, '.');
    await expect(neuralSolver.solve(p, 'upper', {})).rejects.toThrow(/^training: the upper bound diverged at step \d+: the dual value is .* lower training\.learningRate \(0\.1\) or training\.gamma/);
  });
  it('a bound outside the transport bounds, or not converged, is marked UNRELIABLE with the reasons', async () => {
    const p = await parseProblem({ ...good(), training: { gamma: 1e9, steps: 300, batch: 2048, evalSamples: 1 << 14 } }, '.');
    const r = await solveAll(p, neuralSolver);
    expect(r.upper!.reliable).toBe(false);
    const failed = r.upper!.checks!.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain('transport');
    expect(r.warnings.join('\n')).toMatch(/upper bound UNRELIABLE: .* outside the transport bounds \[-1\.48\d*, 1\.48\d*\]/);
  });
});

describe('checks of a bound against the transport bounds of the last date', () => {
  it('outside them within the error bar is a warning; an error bar wider than them is a warning; inside is neither; an LP is held to its own atoms', async () => {
    const p = await parseProblem(good(), '.');
    const ref = references(p);
    const hi = ref.comonotone!;
    const bound = (value: number, error: number) => ({ solver: 'neural', side: 'upper', value, error, converged: true }) as BoundResult;
    const transport = (value: number, error: number) => checkBound(p, bound(value, error), ref).find((c) => c.name === 'transport')!;
    // the 600-step run of issue 19: 2.027 above the comonotone bound 1.4806 with an error bar of 10
    const loose = transport(2.027, 10);
    expect(loose.ok).toBe(true);
    expect(loose.warning).toMatch(/^2\.02700 is outside the transport bounds \[-1\.48\d*, 1\.48\d*\] .* by less than its error bar \+-10: the transport bound is the tighter bound$/);
    expect(transport(1.3, 5).warning).toMatch(/^its error bar \+-5\.0 is wider than the transport interval .*: it does not confirm the value$/);
    expect(transport(1.47, 0.01).ok).toBe(true);
    expect(transport(1.47, 0.01).warning).toBeUndefined();
    expect(transport(hi + 0.1, 0.01).ok).toBe(false);
    // a bound that failed its own convergence test (its constant-direction gap above its error bar) fails the converged check,
    // and its error bar no longer widens the transport check: hi + 0.01 is then outside [-1.48, 1.48]
    const stuck = checkBound(p, { ...bound(hi + 0.01, 0.05), converged: false }, ref);
    expect(stuck.find((c) => c.name === 'converged')).toMatchObject({ ok: false, message: 'the neural solver did not converge (its own test); its value and error bar mean nothing' });
    expect(stuck.find((c) => c.name === 'transport')!.ok).toBe(false);
    expect(checkBound(p, bound(hi + 0.01, 0.05), ref).every((c) => c.ok)).toBe(true);
    // an LP above the continuous bound but inside its own atoms' transport bounds: no warning; above those: a warning naming them
    const lp = (value: number, own: number) => checkBound(p, { ...bound(value, 1e-3), solver: 'lp', transport: { comonotone: own, antitone: -own } }, ref).find((c) => c.name === 'transport')!;
    expect(lp(hi + 1e-4, hi + 2e-4).warning).toBeUndefined();
    expect(lp(hi + 3e-4, hi + 2e-4).warning).toMatch(/is outside the transport bounds \[-1\.48\d*, 1\.48\d*\] of its own discrete laws, by less than its error bar/);
  });
});

describe('always-valid bounds for any d, and a value that has not settled', () => {
  const three = (payoff: unknown) =>
    parseProblem({ name: 'b3', marginals: [[normal(1), normal(1.2), normal(0.8)], [normal(1.5), normal(1.6), normal(1)]], payoff, formulation: 'full', bounds: ['upper'] }, '.');
  const bound = (value: number, error: number, extra: Partial<BoundResult> = {}) => ({ solver: 'neural', side: 'upper', value, error, converged: true, trace: [], ...extra }) as BoundResult;
  it('d = 3: a basket call (supermodular in every pair) is held below its comonotone price, which is below the sum of the calls', async () => {
    const p = await three({ type: 'basket-call', date: 1, weights: [1, 1, 1], strike: 0.5 });
    expect(p.payoff.structure!.modularity[1]).toBe('super');
    const ref = references(p);
    // the comonotone basket is normal with sd 1.5 + 1.6 + 1: E(X - 0.5)^+ by the closed form, against the quadrature
    const call = (sd: number, strike: number) => sd * (stdNormalPdf(strike / sd) - (strike / sd) * (1 - stdNormalCdf(strike / sd)));
    const exact = call(4.1, 0.5);
    expect(ref.comonotone!).toBeCloseTo(exact, 4);
    // (sum x_i - 0.5)^+ <= sum (x_i - 1/6)^+: the sum of the calls struck at 1/6 is a static superhedge, above the comonotone price
    expect(ref.comonotone!).toBeLessThan([1.5, 1.6, 1].reduce((a, sd) => a + call(sd, 1 / 6), 0));
    const t = checkBound(p, bound(exact + 0.5, 0.01), ref).find((c) => c.name === 'transport')!;
    expect(t.ok).toBe(false);
    expect(t.message).toMatch(/outside the transport upper bound 1\.39781 of the last date/);
    expect(checkBound(p, bound(exact - 0.1, 0.01), ref).find((c) => c.name === 'transport')!.ok).toBe(true);
  });
  it('d = 3: mixed weights are neither super- nor submodular: no transport check; a worst-of call is submodular: held above the comonotone price', async () => {
    const spread = await three({ type: 'basket-call', date: 1, weights: [1, -1, 1], strike: 0 });
    expect(checkBound(spread, bound(100, 0.01), references(spread)).some((c) => c.name === 'transport')).toBe(false);
    const worst = await three({ type: 'max-call', date: 1, strike: 0 });
    expect(worst.payoff.structure!.modularity[1]).toBe('sub');
    const ref = references(worst);
    expect(checkBound(worst, bound(ref.comonotone! - 0.05, 0.01), ref).find((c) => c.name === 'transport')!.ok).toBe(false);
  });
  it('a value still drifting over its averaged window by more than its error bar has not settled; noise alone has', async () => {
    const p = await parseProblem(good(), '.');
    const ref = references(p);
    const rng = new Rng('drift');
    const trace = (slope: number) => Array.from({ length: 60 }, (_, k) => ({ step: 10 * (k + 1), value: 1 + slope * 10 * (k + 1) + 0.01 * rng.normal() }));
    const settled = (slope: number, error: number) => checkBound(p, bound(1, error, { trace: trace(slope), averaged: { from: 400, to: 600 } }), ref).find((c) => c.name === 'settled')!;
    const drifting = settled(1e-3, 0.05);
    expect(drifting.ok).toBe(false);
    expect(drifting.message).toMatch(/^not settled: over the averaged steps 401\.\.600 the value drifts by 0\.(19|2\d*) \(t = \d+\.\d\), more than its error bar \+-0\.050/);
    expect(settled(1e-3, 0.5).ok).toBe(true);
    expect(settled(0, 0.001).ok).toBe(true);
    // the LP has no averaged window: nothing to check
    expect(checkBound(p, bound(1, 0.01, { solver: 'lp' }), ref).some((c) => c.name === 'settled')).toBe(false);
  });
  it('a solver whose value and primal are the optima of one program is held to its duality gap: within the error bar passes, beyond it fails; no primal, no check', async () => {
    const p = await parseProblem(good(), '.');
    const ref = references(p);
    const gap = (primal: number | null, error: number, duality = true) => checkBound(p, bound(1, error, { solver: 'lp', primal }), ref, { duality }).find((c) => c.name === 'gap');
    expect(gap(1 - 5e-3, 0.01)!.ok).toBe(true);
    const wide = gap(0.9, 0.01)!;
    expect(wide.ok).toBe(false);
    expect(wide.message).toMatch(/^duality gap 0\.10 \(primal 0\.900000\) beyond its error bar \+-0\.010$/);
    expect(gap(null, 0.01)).toBeUndefined();
    // a primal that is not the program's optimum (RMOT's calibrated price): no gap to check
    expect(gap(0.9, 0.01, false)).toBeUndefined();
  });
});

describe('checkpoints and the results folder', () => {
  const specs = [{ inputs: 1, hidden: [4] }];
  const state = (w = initWeights(specs, new Rng(1))) => ({ weights: w, adam: { m: zerosLike(w), v: zerosLike(w), t: 3 } });
  it('a damaged or non-finite checkpoint is reported by name and not used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-cp-'));
    const file = join(dir, 'checkpoint-upper.json');
    const notes: string[] = [];
    saveCheckpoint(file, { fingerprint: 'f', step: 5, seconds: 1, trace: [], state: state() });
    expect(loadCheckpoint(file, 'f', (m) => notes.push(m))?.step).toBe(5);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
    expect(loadCheckpoint(file, 'f', (m) => notes.push(m))).toBeUndefined();
    const w = initWeights(specs, new Rng(1));
    w[0][0].w[0] = NaN;
    saveCheckpoint(file, { fingerprint: 'f', step: 5, seconds: 1, trace: [], state: state(w) });
    expect(loadCheckpoint(file, 'f', (m) => notes.push(m))).toBeUndefined();
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.step = 9;
    writeFileSync(file, JSON.stringify(edited));
    expect(loadCheckpoint(file, 'f', (m) => notes.push(m))).toBeUndefined();
    expect(notes).toEqual([
      `checkpoint ${file} is not readable JSON (truncated?); training starts again from step 0`,
      `checkpoint ${file} holds weights that are not finite; training starts again from step 0`,
      `checkpoint ${file} fails its checksum (modified or damaged); training starts again from step 0`,
    ]);
  });
  it('a second process is refused a results folder, naming the holder; a dead holder\'s lock is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-lock-'));
    const release = await lockFolder(dir);
    await expect(lockFolder(dir)).rejects.toThrow(new RegExp(`^${dir}: is in use by process ${process.pid} on .*, since `));
    await release();
    // a holder that was killed: its owner file names a process that is gone
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const again = await lockFolder(dir);
    writeFileSync(join(dir, '.vmot.lock.owner.json'), JSON.stringify({ pid: Number(child.stdout), host: (await import('node:os')).hostname(), started: 'then' }));
    const notes: string[] = [];
    const taken = await lockFolder(dir, (m) => notes.push(m));
    expect(notes[0]).toMatch(/was locked by process \d+, which has ended; taking the lock over/);
    await taken();
    await again().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  it('--out naming a file fails at once, before any training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-outfile-'));
    writeFileSync(join(dir, 'file'), 'x');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/vmot.js', 'bounds', 'examples/gaussian-d2.json', '--out', join(dir, 'file')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmot: error: --out: .*file is not a folder vmot can write to/);
    expect((performance.now() - t0) / 1000).toBeLessThan(30);
  });
});
