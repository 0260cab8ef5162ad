import { Rng } from '../core/random.js';
import { stdNormalCdf, stdNormalQuantile } from '../math/normal.js';
import type { Problem } from '../problem/problem.js';
import { gaussianPrior } from '../rmot/prior.js';
import type { RmotRun } from '../rmot/run.js';
import { references, type References } from './references.js';
import type { BoundResult, SolveReport } from './result.js';

/** One row of the side-by-side table: an interval (model-free bounds, a model's interval) or a single price. */
export interface ComparisonRow {
  label: string;
  /** model-free: holds under every arbitrage-free model with these marginals; model: a model's answer; reference: a coupling's value. */
  kind: 'model-free' | 'model' | 'reference';
  lower: number;
  upper: number;
  /** Error bars of the ends (equal for a single price). */
  errorLower: number;
  errorUpper: number;
  note: string;
}

export interface ComparisonCheck {
  name: string;
  ok: boolean;
  message: string;
}

/** The comparison of rmot design section 5 for one payoff. */
export interface SideBySide {
  name: string;
  payoff: string;
  rows: ComparisonRow[];
  checks: ComparisonCheck[];
  references: References;
  gaussianCopula: { value: number; stderr: number; correlation: number[][] };
}

/** Paths of the Gaussian-copula price. */
const COPULA_PATHS = 200_000;

/**
 * The Gaussian-copula price: the problem's marginals coupled by a Brownian motion with the prior's correlation, each
 * coordinate mapped through its marginal, s_ti = F_ti^-1(Phi(W_ti / sd W_ti)) with W the Gaussian martingale of the
 * marginals' variances (for normal marginals, the Gaussian martingale itself; the Black-Scholes analogue for others).
 */
export function gaussianCopulaPrice(problem: Problem, correlation: number[][], seed: number | string = 'copula'): { value: number; stderr: number } {
  const { T, d, marginals } = problem;
  const prior = gaussianPrior(marginals, correlation, COPULA_PATHS, new Rng(seed));
  const sd = marginals.map((row) => row.map((m) => Math.sqrt(m.variance)));
  const s = Float64Array.from(prior.s, (x, k) => {
    const t = Math.floor(k / d) % T;
    const i = k % d;
    return marginals[t][i].quantile(Math.min(1 - 1e-12, Math.max(1e-12, stdNormalCdf((x - marginals[0][i].mean) / sd[t][i]))));
  });
  return pathMean(problem, s, prior.paths);
}

/**
 * Black-Scholes with each asset's at-the-money vol and the prior's correlation: at date t asset i is lognormal with
 * mean F_i and total variance w_ti from its marginal's ATM call, C = F (2 Phi(sqrt(w) / 2) - 1) (Black 1976), the
 * increments of w correlated across assets; for marginals that reach 0 or below (returns, Gaussian laws) Bachelier with the
 * marginals' sd instead. Undefined (null) when the ATM total variance decreases between dates.
 */
export function blackScholesPrice(problem: Problem, correlation: number[][], seed: number | string = 'black-scholes'): { value: number; stderr: number; model: 'Black-Scholes' | 'Bachelier' } | null {
  const { T, d, marginals } = problem;
  // lognormal only for prices: every marginal lives on (0, inf) (returns and Gaussian marginals reach below 0)
  const lognormal = marginals.every((row) => row.every((m) => m.range()[0] > 0));
  if (!lognormal) {
    // Bachelier with the marginals' variances: the Gaussian martingale of gaussianPrior
    const g = gaussianPrior(marginals, correlation, COPULA_PATHS, new Rng(seed));
    return { ...pathMean(problem, g.s, g.paths), model: 'Bachelier' };
  }
  const F = marginals[0].map((m) => m.mean);
  const w = marginals.map((row) => row.map((m, i) => (2 * stdNormalQuantile(Math.min(1 - 1e-15, (m.call(F[i]) / F[i] + 1) / 2))) ** 2));
  if (w.some((row, t) => t > 0 && row.some((v, i) => v < w[t - 1][i]))) return null;
  // the log-price martingale part: a Gaussian martingale with variances w_t
  const g = gaussianPrior(w.map((row) => row.map((variance) => ({ mean: 0, variance }))), correlation, COPULA_PATHS, new Rng(seed));
  const s = Float64Array.from(g.s, (x, k) => {
    const t = Math.floor(k / d) % T;
    const i = k % d;
    return F[i] * Math.exp(x - w[t][i] / 2);
  });
  return { ...pathMean(problem, s, g.paths), model: 'Black-Scholes' };
}

/** Mean of the payoff over paths s (path-major, T d per path) and its Monte Carlo error. */
function pathMean(problem: Problem, s: Float64Array, paths: number): { value: number; stderr: number } {
  const n = problem.T * problem.d;
  let sum = 0;
  let sumSq = 0;
  for (let p = 0; p < paths; p++) {
    const c = problem.payoff.value(s.subarray(p * n, (p + 1) * n));
    sum += c;
    sumSq += c * c;
  }
  const value = sum / paths;
  return { value, stderr: Math.sqrt(Math.max(0, sumSq / paths - value * value) / paths) };
}

const fmt = (x: number) => x.toPrecision(6);

/**
 * Rmot design section 5: every interval and price of one payoff in one table, model-free rows first, and the checks:
 * LP_lo <= L <= calibrated <= U <= LP_up on RMOT's atoms, nesting in eta, and [L, U] inside the neural bounds within
 * their error bars (plus RMOT's discretization: its atoms are not the continuous marginals).
 */
export function sideBySide(problem: Problem, vmot: SolveReport[], rmot: RmotRun): SideBySide {
  const refs = vmot[0]?.references ?? references(problem);
  const rows: ComparisonRow[] = [];
  const bound = (b: BoundResult | undefined) => (b ? { value: b.value, error: b.error, reliable: b.reliable !== false } : undefined);
  for (const r of vmot) {
    const lo = bound(r.lower);
    const hi = bound(r.upper);
    if (!lo || !hi) continue;
    const what = r.solver === 'lp' ? 'discretization error' : 'error bar';
    rows.push({
      label: `VMOT ${r.solver}`,
      kind: 'model-free',
      lower: lo.value,
      upper: hi.value,
      errorLower: lo.error,
      errorUpper: hi.error,
      note: `${what}s ${lo.error.toPrecision(2)} / ${hi.error.toPrecision(2)}${lo.reliable && hi.reliable ? '' : '; UNRELIABLE (failed its checks)'}`,
    });
  }
  const ex = refs.exact;
  if (ex?.upper !== undefined && ex.lower !== undefined)
    rows.push({ label: 'VMOT exact', kind: 'model-free', lower: ex.lower, upper: ex.upper, errorLower: 0, errorUpper: 0, note: ex.source });
  const { comonotone, antitone } = refs;
  if (comonotone !== undefined && antitone !== undefined)
    rows.push({ label: 'transport bounds (last date)', kind: 'model-free', lower: Math.min(comonotone, antitone), upper: Math.max(comonotone, antitone), errorLower: 0, errorUpper: 0, note: 'antitone / comonotone coupling of the last date; the martingale condition ignored' });
  else if (comonotone !== undefined)
    rows.push({ label: 'comonotone coupling (last date)', kind: 'reference', lower: comonotone, upper: comonotone, errorLower: 0, errorUpper: 0, note: 'no antitone coupling for d > 2: a transport bound only where the payoff is supermodular' });
  for (const i of rmot.intervals)
    rows.push({
      label: `RMOT eta ${i.eta.toExponential(1)}`,
      kind: 'model',
      lower: i.lower.value,
      upper: i.upper.value,
      errorLower: rmot.calibratedStderr,
      errorUpper: rmot.calibratedStderr,
      note: `${{ default: 'default radius chi2(1, 0.95) / (2 ESS)', correlation: 'radius of the correlation confidence set', ladder: 'ladder' }[i.source]}${i.lower.edge || i.upper.edge ? '; reaches the LP bound' : ''}`,
    });
  const single = (label: string, kind: ComparisonRow['kind'], value: number, error: number, note: string) => rows.push({ label, kind, lower: value, upper: value, errorLower: error, errorUpper: error, note });
  single('RMOT calibrated model', 'model', rmot.calibrated, rmot.calibratedStderr, `the prior reweighted to the marginals (${rmot.mode} mode)`);
  single('prior model', 'model', rmot.prior.price, rmot.prior.stderr, `${rmot.prior.label}, uncalibrated Monte Carlo`);
  const copula = gaussianCopulaPrice(problem, rmot.correlation.matrix);
  single('Gaussian copula', 'model', copula.value, copula.stderr, 'the marginals coupled by Brownian motion at the prior correlation');
  const bs = blackScholesPrice(problem, rmot.correlation.matrix);
  if (bs) single(bs.model, 'model', bs.value, bs.stderr, bs.model === 'Black-Scholes' ? 'each asset lognormal at its ATM vol, the prior correlation' : 'each asset normal with its marginal sd (prices not positive), the prior correlation');
  single('independent coupling', 'reference', refs.independent.value, refs.independent.stderr, 'not a bound when the martingale condition binds');
  return { name: problem.name, payoff: problem.payoff.label, rows, checks: comparisonChecks(vmot, rmot), references: refs, gaussianCopula: { ...copula, correlation: rmot.correlation.matrix } };
}

function comparisonChecks(vmot: SolveReport[], rmot: RmotRun): ComparisonCheck[] {
  const checks: ComparisonCheck[] = rmot.checks.filter((c) => c.name !== 'calibration').map((c) => ({ name: c.name === 'containment' ? 'LP_lo <= L <= calibrated <= U <= LP_up' : 'nesting in eta', ok: c.ok, message: c.message }));
  const neural = vmot.find((r) => r.solver === 'neural');
  if (neural?.lower && neural.upper) {
    // RMOT's atoms approximate the marginals: its values may leave the continuous bounds by the LP's discretization error on those atoms
    const lp = vmot.find((r) => r.solver === 'lp');
    const disc = Math.max(lp?.upper?.discretizationError ?? 0, lp?.lower?.discretizationError ?? 0);
    const lo = neural.lower.value - neural.lower.error - disc;
    const hi = neural.upper.value + neural.upper.error + disc;
    const out = rmot.intervals.filter((i) => i.lower.value < lo || i.upper.value > hi);
    const strict = rmot.intervals.every((i) => i.lower.value >= neural.lower!.value && i.upper.value <= neural.upper!.value);
    checks.push({
      name: '[L, U] inside the neural bounds',
      ok: out.length === 0,
      message: strict
        ? `every [L(eta), U(eta)] inside the neural bounds [${fmt(neural.lower.value)}, ${fmt(neural.upper.value)}] themselves`
        : `every [L(eta), U(eta)] inside the neural bounds [${fmt(neural.lower.value)}, ${fmt(neural.upper.value)}] widened by their error bars and the LP discretization error to [${fmt(lo)}, ${fmt(hi)}]${out.length ? `: FAILS at eta ${out.map((i) => i.eta.toExponential(1)).join(', ')}` : ''}`,
    });
  }
  return checks;
}
