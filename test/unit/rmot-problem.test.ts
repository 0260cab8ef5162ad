import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { parseProblem } from '../../src/problem/problem.js';
import { calibrate } from '../../src/rmot/calibrate.js';
import { flatIndexVol } from '../../src/rmot/correlation.js';
import { indexSpotSkew, roughBergomiComponent } from '../../src/rough/indexSkew.js';
import { buildPrior } from '../../src/rmot/prior.js';
import { gridAtoms, runRmot } from '../../src/rmot/run.js';
import { solveAll } from '../../src/solvers/solve.js';
import { rmotSolver } from '../../src/solvers/rmot/index.js';
import { c2, table2Payoff } from '../helpers/table2.js';

const normal = (sd: number) => ({ dist: 'normal', mean: 0, sd });
const base = { name: 'g2', marginals: [c2.sig.map(normal), c2.rho.map(normal)], payoff: table2Payoff };
const gaussianPrior = { model: 'gaussian', correlation: [[1, 0.5], [0.5, 1]], paths: 20000, seed: 3 };
const rough = (over: Record<string, unknown> = {}) => ({ parametrization: 'standard', H: 0.1, nu: 0.3, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04, spot: 100, ...over });

/** The VmotError of parsing `spec`: its field and message. */
async function refusal(spec: unknown): Promise<{ field: string; message: string }> {
  try {
    await parseProblem(spec, '.');
  } catch (e) {
    if (e instanceof VmotError) return { field: e.field ?? '', message: e.message };
    throw e;
  }
  throw new Error('accepted');
}

describe('problem file: the prior and rmot blocks', () => {
  it('refuses bad priors, naming the field and the reason', async () => {
    const bad = [
      [{ ...gaussianPrior, correlation: [[1, 1.2], [1.2, 1]] }, 'prior.correlation[0][1]', /must be in \[-1, 1\]/],
      [{ ...gaussianPrior, correlation: [[1, 0.5], [0.4, 1]] }, 'prior.correlation', /symmetric/],
      [{ ...gaussianPrior, correlation: [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]] }, 'prior.correlation', /2x2/],
      [{ model: 'rough-heston', assets: [rough({ H: 0.7 }), rough()], dates: [0.5, 1], correlation: [[1, 0], [0, 1]] }, 'prior.assets[0].H', /\(0, 0.5\]/],
      [{ model: 'rough-heston', assets: [rough(), rough()], dates: [1], correlation: [[1, 0], [0, 1]] }, 'prior.dates', /T = 2/],
      [{ model: 'heston' }, 'prior.model', /./],
    ] as const;
    for (const [prior, field, message] of bad) {
      const r = await refusal({ ...base, prior });
      expect(r.field, JSON.stringify(prior)).toBe(field);
      expect(r.message).toMatch(message);
    }
  });

  it('refuses a correlation matrix that is not positive semi-definite, with its smallest eigenvalue', async () => {
    const marginals = [0, 1].map(() => [normal(1), normal(1), normal(1)]);
    const correlation = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    // eigenvalues of this matrix: 1.9, 1.9, -0.8
    const r = await refusal({ name: 'g3', marginals, payoff: { type: 'basket-call', date: 1, weights: [1, 1, 1], strike: 0 }, prior: { ...gaussianPrior, correlation } });
    expect(r.field).toBe('prior.correlation');
    expect(r.message).toMatch(/positive semi-definite.*-0\.8/);
  });

  it('runRmot without a prior, and a grid too large, are refused naming the field', async () => {
    const p = await parseProblem(base, '.');
    await expect(runRmot(p)).rejects.toMatchObject({ field: 'prior' });
    expect(() => gridAtoms('auto', 4, 3)).toThrow(/use rmot.mode "paths"/);
    expect(gridAtoms('auto', 2, 2)).toBe(21);
    expect(() => gridAtoms(40, 2, 2)).toThrow(VmotError);
  });

  it('the rmot solver gives [L, U] at the default radius inside the LP bounds; the prior is part of its fingerprint, not of the problem', async () => {
    const a = await parseProblem({ ...base, prior: gaussianPrior, rmot: { atoms: 8 } }, '.');
    const b = await parseProblem({ ...base, prior: { ...gaussianPrior, seed: 4 }, rmot: { atoms: 8 } }, '.');
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(rmotSolver.inputs!(a)).not.toEqual(rmotSolver.inputs!(b));
    const rep = await solveAll(a, rmotSolver);
    const d = rep.upper!.details;
    expect(rep.upper!.value).toBe(d.intervals[0].upper.value);
    expect(rep.lower!.value).toBe(d.intervals[0].lower.value);
    expect(rep.lower!.value).toBeLessThan(d.calibrated);
    expect(rep.upper!.value).toBeGreaterThan(d.calibrated);
    expect(rep.upper!.value).toBeLessThanOrEqual(d.lp!.upper);
    expect(rep.upper!.reliable).toBe(true);
  });
});

describe('RMOT: the radius of a correlation confidence set', () => {
  it('the interval at that radius contains the calibrated price at every corner of the set', async () => {
    const corners = [0.4, 0.6].map((r) => [
      [1, r],
      [r, 1],
    ]);
    const p = await parseProblem({ ...base, prior: { ...gaussianPrior, correlationSet: corners }, rmot: { atoms: 8, eta: [1e-2] } }, '.');
    const res = await runRmot(p);
    const set = res.intervals.find((i) => i.source === 'correlation')!;
    expect(set.eta).toBeGreaterThan(0);
    for (const correlation of corners) {
      // the corner's own calibration, independently: the same grid and seed, one correlation
      const corner = await calibrate(p.marginals, p.payoff.value, await buildPrior(p.prior!, p.marginals, correlation), { mode: 'grid', atoms: 8, eta: [1e-2], strikes: 0, bins: 0 });
      console.log(`corner rho ${correlation[0][1]}: calibrated ${corner.calibrated.toFixed(5)} in [${set.lower.value.toFixed(5)}, ${set.upper.value.toFixed(5)}] (radius ${set.eta.toExponential(2)})`);
      expect(corner.calibrated).toBeGreaterThanOrEqual(set.lower.value - 1e-9);
      expect(corner.calibrated).toBeLessThanOrEqual(set.upper.value + 1e-9);
    }
  });
});

describe('RMOT: correlation implied by quotes', () => {
  it('index vols: the formula recovers rho, and its Cramer-Rao interval becomes the correlation radius', async () => {
    const index = { weights: [0.5, 0.5], vols: [0.2, 0.3] };
    const indexVols = [0.21, 0.22, 0.2].map(() => flatIndexVol(index, 0.3));
    const p = await parseProblem({ ...base, prior: { ...gaussianPrior, correlation: { implied: { kind: 'index', ...index, indexVols, noiseSds: [0.004, 0.004, 0.004] } } }, rmot: { atoms: 6, eta: [1e-2] } }, '.');
    const r = await runRmot(p);
    expect(r.correlation.estimate!.rho).toBeCloseTo(0.3, 12);
    expect(r.correlation.matrix[0][1]).toBeCloseTo(0.3, 12);
    const cr = r.correlation.estimate!.cramerRao!;
    // I = sum_k (d sigma_I / d rho)^2 / s^2, d sigma_I / d rho = w1 w2 s1 s2 / sigma_I (two assets)
    const slope = (0.25 * 0.2 * 0.3) / flatIndexVol(index, 0.3);
    expect(cr.sd).toBeCloseTo(0.004 / (Math.sqrt(3) * slope), 10);
    expect(r.correlation.corners!.map((m) => m[0][1])).toEqual([cr.lower, cr.upper]);
    expect(r.intervals.some((i) => i.source === 'correlation' && i.eta > 0)).toBe(true);
  });

  it('a basket price: the prior fitted to it recovers the correlation that made it', async () => {
    // Gaussian prior: S_T,i = sum_t sqrt(dv_t,i) Z_t,i with corr(Z_t,1, Z_t,2) = rho, so the basket w.S_T is
    // N(0, sd_B^2) and the call struck at 0 is sd_B / sqrt(2 pi)
    const v = [c2.sig, c2.rho].map((row) => row.map((s: number) => s * s));
    const cov = (rho: number) => rho * (Math.sqrt(v[0][0] * v[0][1]) + Math.sqrt((v[1][0] - v[0][0]) * (v[1][1] - v[0][1])));
    const w = [0.6, 0.4];
    const price = Math.sqrt(w[0] ** 2 * v[1][0] + w[1] ** 2 * v[1][1] + 2 * w[0] * w[1] * cov(0.3)) / Math.sqrt(2 * Math.PI);
    const p = await parseProblem({ ...base, prior: { ...gaussianPrior, paths: 100000, correlation: { implied: { kind: 'basket', weights: w, strike: 0, price, noiseSd: 0.005 } } }, rmot: { atoms: 6, eta: [1e-2] } }, '.');
    const r = await runRmot(p);
    const e = r.correlation.estimate!;
    console.log(`basket fit: rho ${e.rho.toFixed(4)} (true 0.3), Cramer-Rao sd ${e.cramerRao!.sd.toPrecision(3)}`);
    expect(e.method).toBe('model fit');
    expect(Math.abs(e.rho - 0.3)).toBeLessThan(0.02);
  });

  it('index ATM variance and skew: N = 2 recovers rho; N = 3 is refused with the rank of the Friz-Wagenhofer Jacobian', async () => {
    const comps = [roughBergomiComponent(0.5, 0.2, 1.5, 0.1), roughBergomiComponent(0.3, 0.3, 1.2, 0.2), roughBergomiComponent(0.2, 0.25, 1, 0.3)];
    const two = [0.6, 0.4].map((w, i) => ({ ...comps[i], weight: w }));
    const indexVariance = indexSpotSkew(two, [[1, 0.4], [0.4, 1]]).variance;
    const p2 = await parseProblem({ ...base, prior: { ...gaussianPrior, correlation: { implied: { kind: 'index-skew', components: two, indexVariance } } }, rmot: { atoms: 5, eta: [1e-2] } }, '.');
    expect((await runRmot(p2)).correlation.estimate!.rho).toBeCloseTo(0.4, 12);
    const marginals = [0, 1].map((t) => [1, 1, 1].map(() => normal(1 + t)));
    const p3 = await parseProblem(
      { name: 'g3', marginals, payoff: { type: 'basket-call', date: 1, weights: [1, 1, 1], strike: 0 }, prior: { ...gaussianPrior, correlation: { implied: { kind: 'index-skew', components: comps, indexVariance: 0.04 } } } },
      '.',
    );
    await expect(runRmot(p3)).rejects.toThrow(/^prior\.correlation\.implied: N = 3: .* identify only 2 of the 3 correlation directions \(Jacobian rank 2 < 3 unknowns\); refusing/);
  });

  it('refuses correlation from single-asset options, with the reason', async () => {
    const r = await parseProblem({ ...base, prior: { ...gaussianPrior, correlation: { implied: { kind: 'single', asset: 'AMZN' } } } }, '.');
    await expect(runRmot(r)).rejects.toThrow(/^prior\.correlation\.implied: cannot be inferred from single-asset option quotes \(AMZN\).*Fisher information about them is exactly zero/);
  });
});

describe('RMOT with the rough Heston prior of the marginals\' own parameters', () => {
  it('barely moves it: KL of the order of constraints / paths, the calibrated price within the prior\'s Monte Carlo error', async () => {
    const file = JSON.parse(readFileSync('examples/rough-heston-d2.json', 'utf8'));
    const p = await parseProblem({ ...file, prior: { ...file.prior, paths: 20000, steps: 50 }, rmot: { mode: 'paths', eta: [1e-2] } }, 'examples');
    const r = await runRmot(p);
    console.log(`rough prior: price ${r.prior.price.toFixed(4)} +- ${r.prior.stderr.toFixed(4)}, calibrated ${r.calibrated.toFixed(4)}, KL ${r.calibration.kl.toExponential(2)} over ${r.rows} constraints, ESS ${(100 * r.calibration.essShare).toFixed(1)}%`);
    expect(Math.abs(r.calibrated - r.prior.price)).toBeLessThan(4 * r.prior.stderr);
    expect(r.calibration.kl).toBeLessThan((4 * r.rows) / r.prior.paths);
    expect(r.calibration.essShare).toBeGreaterThan(0.9);
  });
});

describe('vmot rmot', () => {
  it('prints the calibration, the prices and the interval per eta; --json has the same numbers', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/vmot.js', 'rmot', 'examples/gaussian-d2.json', ...args], { encoding: 'utf8' });
    const text = run();
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/calibration: \d+ Newton steps, residual/);
    expect(text.stdout).toMatch(/check containment: ok/);
    const json = JSON.parse(run('--json').stdout);
    expect(json.intervals.map((i: { eta: number }) => i.eta).slice(1)).toEqual([1e-3, 1e-2, 1e-1]);
    expect(text.stdout).toContain(`calibrated price  ${json.calibrated.toPrecision(7)}`);
    expect(json.provenance.seed).toBe(11);
    const none = spawnSync(process.execPath, ['bin/vmot.js', 'rmot', 'examples/null-cost-d2.json'], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^vmot: error: prior: is required for RMOT/);
  });
});
