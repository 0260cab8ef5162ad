import { VmotError } from '../core/errors.js';
import type { Marginal } from '../marginals/types.js';
import type { PathFn } from '../problem/payoffs/types.js';
import { runLp } from '../lp/run.js';
import { binnedPrior, binPaths, makeGrid } from './grid.js';
import { iProjection, klDivergence, residualVariance, type Constraints } from './iprojection.js';
import { ballEnd, type BallEnd } from './interval.js';
import { pathConstraints } from './paths.js';
import type { PriorPaths } from './prior.js';

export interface RmotOptions {
  /** "grid": the LP's feasible set, exact; "paths": weights on the simulated paths, approximate. */
  mode: 'grid' | 'paths';
  /** Grid mode: atoms per marginal. */
  atoms: number;
  /** The ladder of radii, always reported beside the default radius. */
  eta: number[];
  /**
   * Grid mode: the prior at the corners of a correlation confidence set (same seed, other correlation matrices). Adds
   * the radius max_k KL(pi*_k | pi*) between the calibrated laws at the corners and at the estimate (design section 3).
   */
  corners?: PriorPaths[];
  /** Hears each finished stage: the calibration, every end of every radius, the LP bounds (done of total, what). */
  onProgress?: (done: number, total: number, what: string) => void;
  /** Paths mode: call strikes per marginal and quantile bins of the martingale test functions. */
  strikes: number;
  bins: number;
}

export interface RmotInterval {
  eta: number;
  /**
   * "default": chi2_{1,0.95} / (2 ESS), the Monte Carlo error of the prior only; "correlation": the largest KL between
   * the calibrated laws at the corners of the correlation confidence set and at the estimate; "ladder": a fixed radius.
   */
  source: 'default' | 'correlation' | 'ladder';
  lower: BallEnd;
  upper: BallEnd;
}

export interface RmotCheck {
  name: 'calibration' | 'containment' | 'nesting';
  ok: boolean;
  message: string;
}

export interface RmotResult {
  mode: 'grid' | 'paths';
  /** Paths mode tests the martingale condition on a finite family only. */
  approximate: boolean;
  /** Grid mode: atoms per date and asset; null in paths mode. */
  atoms: number[][] | null;
  columns: number;
  rows: number;
  prior: { label: string; paths: number; price: number; stderr: number };
  calibration: { iterations: number; residual: number; kl: number; ess: number; essShare: number; seconds: number };
  /** E_pi*[c]: the price under the calibrated law. */
  calibrated: number;
  /** V = Var_pi*(c - Proj c), the variance of the payoff not spanned by the constraints. */
  residualVariance: number;
  /** Monte Carlo error of the calibrated price from the prior's paths, sqrt(V / ESS) (weighted Monte Carlo, Glasserman and Yu 2005). */
  calibratedStderr: number;
  /** The default radius chi2_{1,0.95} / (2 ESS). */
  radius: number;
  intervals: RmotInterval[];
  /** Grid mode: the LP bounds on the same atoms, which contain every interval; null in paths mode. */
  lp: { lower: number; upper: number } | null;
  checks: RmotCheck[];
  warnings: string[];
  seconds: number;
}

/** 95% quantile of chi-square with one degree of freedom. */
const CHI2_1_95 = 3.841458820694124;

/** Below this share of the paths, the effective sample size of the calibrated weights gets a warning. */
const ESS_WARNING = 0.1;

/**
 * RMOT (rmot design sections 2-3): the I-projection pi* of the prior onto the problem's constraints (grid or paths
 * mode), the calibrated price E_pi*[c], and the relative-entropy ball interval [L(eta), U(eta)] at the default radius
 * and at each radius of the ladder, with the checks of section 5 that need no other solver.
 */
export async function calibrate(marginals: Marginal[][], payoff: PathFn, prior: PriorPaths, opts: RmotOptions): Promise<RmotResult> {
  const t0 = performance.now();
  const { T, d, paths, s } = prior;
  const pathCost = Float64Array.from({ length: paths }, (_, n) => payoff(s.subarray(n * T * d, (n + 1) * T * d)));
  const priorPrice = mean(pathCost);
  const priorStderr = Math.sqrt(pathCost.reduce((a, v) => a + (v - priorPrice) ** 2, 0) / (paths - 1) / paths);
  let A: Constraints;
  let p0: Float64Array;
  let cost: Float64Array;
  let groups: number[][] = [];
  /** Weight of path n relative to its prior weight, from the calibrated law. */
  let pathWeights: (pi: Float64Array) => Float64Array;
  let grid: ReturnType<typeof makeGrid> | undefined;
  if (opts.mode === 'grid') {
    grid = makeGrid(marginals, payoff, opts.atoms);
    const columns = binPaths(marginals, grid, prior);
    p0 = binnedPrior(grid, columns);
    A = grid.constraints;
    groups = grid.groups;
    cost = grid.lp.colCost;
    pathWeights = (pi) => Float64Array.from(columns, (j) => pi[j] / p0[j]);
  } else {
    A = pathConstraints(marginals, prior, { strikes: opts.strikes, bins: opts.bins }).constraints;
    p0 = new Float64Array(paths).fill(1 / paths);
    cost = pathCost;
    pathWeights = (pi) => pi;
  }
  const tol = opts.mode === 'grid' ? 1e-12 : 1e-10;
  const t1 = performance.now();
  const logP0 = p0.map(Math.log);
  const cal = iProjection(A, logP0, { groups, tol });
  const w = pathWeights(cal.pi);
  const total = w.reduce((a, v) => a + v, 0);
  const ess = total ** 2 / w.reduce((a, v) => a + v * v, 0);
  const calibration = { iterations: cal.iterations, residual: cal.residual, kl: cal.kl, ess, essShare: ess / paths, seconds: (performance.now() - t1) / 1000 };
  const calibrated = cal.pi.reduce((a, p, j) => a + p * cost[j], 0);
  const V = residualVariance(A, cal.pi, cost, groups);
  const radius = CHI2_1_95 / (2 * ess);
  const radii: { eta: number; source: RmotInterval['source'] }[] = [{ eta: radius, source: 'default' }];
  if (opts.corners?.length) {
    if (!grid) throw new VmotError('a correlation confidence set needs grid mode (the calibrated laws must share their columns)', 'prior.correlationSet');
    const g = grid;
    const kl = opts.corners.map((corner) => {
      const r = iProjection(A, binnedPrior(g, binPaths(marginals, g, corner)).map(Math.log), { groups, tol });
      return klDivergence(r.pi, r.logPi, cal.logPi);
    });
    radii.push({ eta: Math.max(...kl), source: 'correlation' });
  }
  radii.push(...opts.eta.map((eta) => ({ eta, source: 'ladder' as const })));
  const stages = 1 + 2 * radii.length + (grid ? 2 : 0);
  let done = 1;
  const tell = (what: string) => opts.onProgress?.(done++, stages, what);
  tell(`calibrated in ${cal.iterations} Newton steps`);
  const end = (eta: number, side: 'lower' | 'upper') => {
    const e = ballEnd(A, logP0, cal, cost, V, eta, side, groups);
    tell(`${side} end at eta ${eta.toExponential(1)}`);
    return e;
  };
  const intervals = radii.map(({ eta, source }) => ({ eta, source, lower: end(eta, 'lower'), upper: end(eta, 'upper') }));
  const lpBound = async (sense: 'minimize' | 'maximize') => {
    const v = (await runLp(grid!.lp, { sense })).objective;
    tell(`LP ${sense === 'minimize' ? 'lower' : 'upper'} bound on the same atoms`);
    return v;
  };
  const lp = grid ? { lower: await lpBound('minimize'), upper: await lpBound('maximize') } : null;
  const warnings = [...(grid?.notes ?? [])];
  if (calibration.essShare < ESS_WARNING)
    warnings.push(`the calibrated weights keep ${(100 * calibration.essShare).toFixed(1)}% of the prior's ${paths} paths (effective sample size ${ess.toFixed(0)}): the prior is far from the marginals`);
  if (opts.mode === 'paths') warnings.push(`paths mode is approximate: the martingale condition is tested on ${opts.bins} quantile bins per asset only`);
  return {
    mode: opts.mode,
    approximate: opts.mode === 'paths',
    atoms: grid ? grid.atoms.map((row) => row.map((a) => a.x.length)) : null,
    columns: A.numCols,
    rows: A.numRows,
    prior: { label: prior.label, paths, price: priorPrice, stderr: priorStderr },
    calibration,
    calibrated,
    residualVariance: V,
    calibratedStderr: Math.sqrt(V / ess),
    radius,
    intervals,
    lp,
    checks: rmotChecks(cal.residual, tol, calibrated, intervals, lp),
    warnings,
    seconds: (performance.now() - t0) / 1000,
  };
}

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

/** Design section 5, the checks that need no other solver: calibration residual, LP_lo <= L <= calibrated <= U <= LP_up, nesting in eta. */
function rmotChecks(residual: number, tol: number, calibrated: number, intervals: RmotInterval[], lp: RmotResult['lp']): RmotCheck[] {
  const f = (x: number) => x.toPrecision(7);
  const scale = Math.max(Math.abs(calibrated), ...intervals.map((i) => Math.abs(i.upper.value) + Math.abs(i.lower.value)), 1e-300);
  // the LP is solved by an interior-point method to 1e-9: its values carry that tolerance
  const slack = 1e-7 * scale;
  const checks: RmotCheck[] = [{ name: 'calibration', ok: residual <= tol, message: `largest constraint residual ${residual.toExponential(1)} (tolerance ${tol.toExponential(0)})` }];
  const bad = intervals.filter((i) => !(i.lower.value <= calibrated + slack && calibrated <= i.upper.value + slack && (!lp || (lp.lower <= i.lower.value + slack && i.upper.value <= lp.upper + slack))));
  checks.push({
    name: 'containment',
    ok: bad.length === 0,
    message: lp
      ? `LP_lo ${f(lp.lower)} <= L <= calibrated ${f(calibrated)} <= U <= LP_up ${f(lp.upper)} for every eta${bad.length ? `: FAILS at eta ${bad.map((i) => i.eta.toExponential(1)).join(', ')}` : ''}`
      : `L <= calibrated ${f(calibrated)} <= U for every eta${bad.length ? `: FAILS at eta ${bad.map((i) => i.eta.toExponential(1)).join(', ')}` : ''} (paths mode: no LP on the same feasible set)`,
  });
  const sorted = [...intervals].sort((a, b) => a.eta - b.eta);
  const nested = sorted.every((x, k) => k === 0 || (x.lower.value <= sorted[k - 1].lower.value + slack && x.upper.value >= sorted[k - 1].upper.value - slack));
  checks.push({ name: 'nesting', ok: nested, message: `the intervals grow with eta${nested ? '' : ': FAILS'}` });
  return checks;
}
