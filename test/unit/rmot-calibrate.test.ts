import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { empiricalMarginal } from '../../src/marginals/empirical.js';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { calibrate, type RmotResult } from '../../src/rmot/calibrate.js';
import { iProjection } from '../../src/rmot/iprojection.js';
import { pathConstraints } from '../../src/rmot/paths.js';
import { gaussianPrior, type PriorPaths } from '../../src/rmot/prior.js';
import { c2, gaussian, table2Payoff } from '../helpers/table2.js';

/**
 * Oracle (rmot design section 2, computed by hand): the I-projection of N(0, [[1, rho], [rho, 1]]) onto the marginals
 * N(0, s1^2), N(0, s2^2) is Gaussian with correlation r = 2k s1 s2 / (1 + sqrt(1 + 4 k^2 s1^2 s2^2)), k = rho / (1 - rho^2)
 * (the tilt exp(a x1^2 + b x2^2) keeps the precision's off-diagonal -k fixed); for x1 x2 the price is s1 s2 r, and the
 * ball ends are s1 s2 r' with KL(r' | r) = r (r - r') / (1 - r^2) + (1/2) ln((1 - r^2) / (1 - r'^2)) = eta.
 */
const [s1, s2, rho] = [1, 1.2, 0.5];
const k = rho / (1 - rho * rho);
const r = (2 * k * s1 * s2) / (1 + Math.sqrt(1 + 4 * k * k * s1 * s1 * s2 * s2));
const klGauss = (rp: number) => (r * (r - rp)) / (1 - r * r) + 0.5 * Math.log((1 - r * r) / (1 - rp * rp));
/** The root of KL(r' | r) = eta on the side of r: bisection on the monotone branch. */
function gaussEnd(eta: number, side: 'upper' | 'lower'): number {
  let [a, b] = side === 'upper' ? [r, 1 - 1e-15] : [-1 + 1e-15, r];
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    const above = klGauss(m) > eta;
    if (side === 'upper' === above) b = m;
    else a = m;
  }
  return s1 * s2 * ((a + b) / 2);
}

function priorPaths(paths: number, seed: number): PriorPaths {
  const rng = new Rng(seed);
  const s = new Float64Array(paths * 2);
  for (let n = 0; n < paths; n++) {
    const z1 = rng.normal();
    s[2 * n] = z1;
    s[2 * n + 1] = rho * z1 + Math.sqrt(1 - rho * rho) * rng.normal();
  }
  return { T: 1, d: 2, paths, s, label: 'N(0, [[1, 0.5], [0.5, 1]])' };
}

const product = (x: Float64Array) => x[0] * x[1];
const oneDate = [[normalMarginal(0, s1), normalMarginal(0, s2)]];
const ladder = [1e-3, 1e-2, 1e-1];
const end = (res: RmotResult, eta: number, side: 'upper' | 'lower') => res.intervals.find((i) => i.eta === eta && i.source === 'ladder')![side].value;

describe('RMOT calibration: one date, two assets, Gaussian prior (closed form)', () => {
  const exact = s1 * s2 * r;
  const prior = priorPaths(100_000, 3);

  it('paths mode: the calibrated price and the ball ends are within Monte Carlo error of the closed form', async () => {
    const res = await calibrate(oneDate, product, prior, { mode: 'paths', atoms: 0, eta: ladder, strikes: 19, bins: 4 });
    const se = res.calibratedStderr;
    console.log(`exact ${exact.toFixed(6)}  paths ${res.calibrated.toFixed(6)} +- ${se.toFixed(6)}  ESS ${res.calibration.ess.toFixed(0)}  ${res.calibration.iterations} Newton steps`);
    expect(res.approximate).toBe(true);
    expect(res.calibration.residual).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(res.calibrated - exact)).toBeLessThan(4 * se);
    for (const eta of ladder)
      for (const side of ['lower', 'upper'] as const) {
        const v = end(res, eta, side);
        console.log(`eta ${eta} ${side}: exact ${gaussEnd(eta, side).toFixed(6)}  paths ${v.toFixed(6)}`);
        expect(Math.abs(v - gaussEnd(eta, side))).toBeLessThan(4 * se);
      }
    expect(res.checks.every((c) => c.ok)).toBe(true);
  });

  it('grid mode converges to the closed form as the atoms grow (the table)', async () => {
    const rows: { n: number; calibrated: number; lower: number; upper: number; lp: [number, number] }[] = [];
    for (const n of [10, 20, 40]) {
      const res = await calibrate(oneDate, product, prior, { mode: 'grid', atoms: n, eta: [1e-2], strikes: 0, bins: 0 });
      expect(res.calibration.residual).toBeLessThanOrEqual(1e-12);
      expect(res.checks.every((c) => c.ok)).toBe(true);
      rows.push({ n, calibrated: res.calibrated, lower: end(res, 1e-2, 'lower'), upper: end(res, 1e-2, 'upper'), lp: [res.lp!.lower, res.lp!.upper] });
    }
    console.log(`atoms  calibrated (exact ${exact.toFixed(5)})  L(1e-2) (exact ${gaussEnd(1e-2, 'lower').toFixed(5)})  U(1e-2) (exact ${gaussEnd(1e-2, 'upper').toFixed(5)})  LP bounds`);
    for (const x of rows) console.log(`${String(x.n).padStart(5)}  ${x.calibrated.toFixed(5)}  ${x.lower.toFixed(5)}  ${x.upper.toFixed(5)}  [${x.lp[0].toFixed(4)}, ${x.lp[1].toFixed(4)}]`);
    const err = rows.map((x) => Math.abs(x.calibrated - exact));
    expect(err[1]).toBeLessThan(err[0]);
    expect(err[2]).toBeLessThan(err[1]);
    // the grid's quantization error (about 1/n of the price) plus the binned prior's Monte Carlo error
    expect(err[2] / exact).toBeLessThan(0.01);
    expect(Math.abs(rows[2].upper - gaussEnd(1e-2, 'upper')) / exact).toBeLessThan(0.01);
    expect(Math.abs(rows[2].lower - gaussEnd(1e-2, 'lower')) / exact).toBeLessThan(0.01);
  });
});

describe('RMOT calibration: a prior that already satisfies the constraints', () => {
  it('keeps uniform weights: zero multipliers, no Newton step, ESS = paths', async () => {
    // antithetic increments: every path (s1, s2) has a twin (s1, 2 s1 - s2), so the martingale rows hold exactly, and
    // the marginals are the prior's own empirical laws, so the forward and call rows hold exactly
    const half = 2000;
    const rng = new Rng(5);
    const s = new Float64Array(2 * half * 4);
    for (let n = 0; n < half; n++) {
      const x = [rng.normal(), rng.normal()];
      const inc = [rng.normal(), 0.3 * rng.normal()];
      for (const [m, sign] of [
        [2 * n, 1],
        [2 * n + 1, -1],
      ]) {
        s.set([x[0], x[1], x[0] + sign * inc[0], x[1] + sign * inc[1]], m * 4);
      }
    }
    const prior: PriorPaths = { T: 2, d: 2, paths: 2 * half, s, label: 'antithetic' };
    const marginals = [0, 1].map((t) => [0, 1].map((i) => empiricalMarginal(Array.from({ length: prior.paths }, (_, n) => s[n * 4 + t * 2 + i]))));
    const { constraints } = pathConstraints(marginals, prior, { strikes: 9, bins: 3 });
    const p0 = new Float64Array(prior.paths).fill(1 / prior.paths);
    const proj = iProjection(constraints, p0.map(Math.log), { tol: 1e-12 });
    expect(proj.iterations).toBe(0);
    expect(proj.y.every((v) => v === 0)).toBe(true);
    expect(proj.pi.every((p) => p === 1 / prior.paths)).toBe(true);
    const res = await calibrate(marginals, (x) => Math.max(x[2] + x[3], 0), prior, { mode: 'paths', atoms: 0, eta: [1e-2], strikes: 9, bins: 3 });
    expect(res.calibration.ess).toBeCloseTo(prior.paths, 6);
    expect(res.calibration.kl).toBe(0);
    expect(res.calibrated).toBeCloseTo(res.prior.price, 12);
  });
});

describe('RMOT calibration: a prior that cannot be calibrated', () => {
  it('fails with a clear error when the prior puts no mass where the constraints need it', async () => {
    // every simulated increment is positive: no reweighting of these paths is a martingale
    const rng = new Rng(9);
    const paths = 2000;
    const s = new Float64Array(paths * 2);
    for (let n = 0; n < paths; n++) {
      s[2 * n] = rng.normal();
      s[2 * n + 1] = s[2 * n] + Math.abs(rng.normal());
    }
    const marginals = [[normalMarginal(0, 1)], [normalMarginal(0, Math.SQRT2)]];
    await expect(calibrate(marginals, (x) => x[1], { T: 2, d: 1, paths, s, label: 'drifting' }, { mode: 'paths', atoms: 0, eta: [1e-2], strikes: 5, bins: 2 })).rejects.toThrow(
      /^rmot: the I-projection did not converge \(largest constraint residual .* after 100 Newton steps at most\): the prior puts no mass where the constraints need it/,
    );
  });
});

describe('RMOT calibration: two dates, the Table-2 d = 2 Gaussian marginals on the LP grid', async () => {
  const problem = await gaussian(table2Payoff, 'full', {});
  const prior = gaussianPrior(problem.marginals, [
    [1, 0.5],
    [0.5, 1],
  ], 100_000, new Rng(11));
  const etas = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];
  const res = await calibrate(problem.marginals, problem.payoff.value, prior, { mode: 'grid', atoms: 10, eta: etas, strikes: 0, bins: 0 });
  const ladder = res.intervals.filter((i) => i.source === 'ladder');

  it('calibrates to a residual <= 1e-12 and the interval holds LP_lo <= L <= calibrated <= U <= LP_up', () => {
    console.log(`Table-2 d = 2 (exact VMOT value ${c2.exact}): ${res.columns} columns, ${res.rows} rows, ${res.calibration.iterations} Newton steps, residual ${res.calibration.residual.toExponential(1)}, KL ${res.calibration.kl.toFixed(4)}, ESS ${res.calibration.ess.toFixed(0)}`);
    console.log(`prior ${res.prior.price.toFixed(5)} +- ${res.prior.stderr.toFixed(5)}, calibrated ${res.calibrated.toFixed(5)}, LP on the same atoms [${res.lp!.lower.toFixed(5)}, ${res.lp!.upper.toFixed(5)}]`);
    for (const i of ladder) console.log(`eta ${i.eta.toExponential(0)}: [${i.lower.value.toFixed(5)}, ${i.upper.value.toFixed(5)}]${i.upper.edge ? ' (edge)' : ''}`);
    expect(res.calibration.residual).toBeLessThanOrEqual(1e-12);
    for (const c of res.checks) expect(c.ok, c.message).toBe(true);
  });

  it('is nested in eta', () => {
    for (let k = 1; k < ladder.length; k++) {
      expect(ladder[k].upper.value).toBeGreaterThanOrEqual(ladder[k - 1].upper.value);
      expect(ladder[k].lower.value).toBeLessThanOrEqual(ladder[k - 1].lower.value);
    }
  });

  it('has half-width sqrt(2 eta V) at small eta (V: variance of the payoff off the span of the constraints)', () => {
    for (const i of ladder.filter((x) => x.eta <= 1e-4)) {
      const predicted = Math.sqrt(2 * i.eta * res.residualVariance);
      const half = (i.upper.value - i.lower.value) / 2;
      console.log(`eta ${i.eta}: half-width ${half.toExponential(4)}, sqrt(2 eta V) ${predicted.toExponential(4)}`);
      // the next term of the expansion is O(eta): relative O(sqrt(eta))
      expect(Math.abs(half / predicted - 1)).toBeLessThan(20 * Math.sqrt(i.eta));
    }
  });

  it('reaches the LP bounds on the same atoms as eta grows', () => {
    const widest = ladder[ladder.length - 1];
    const scale = res.lp!.upper - res.lp!.lower;
    expect((res.lp!.upper - widest.upper.value) / scale).toBeLessThan(0.01);
    expect((widest.lower.value - res.lp!.lower) / scale).toBeLessThan(0.01);
  });
});
