import { Rng } from '../core/random.js';
import type { Problem } from '../problem/problem.js';
import { numericStructure } from './formulation.js';
import type { References, Transport } from './references.js';
import type { BoundResult, Check } from './result.js';

/** Relative slack of the always-valid bounds (rounding and the quadrature of the continuous transport values). */
const SLACK = 1e-6;

/** Always-valid bounds of a bound: either end null when it is not known. */
export interface Interval {
  lo: number | null;
  hi: number | null;
}

/**
 * The transport (Frechet) bounds of a payoff of the last date's prices: every coupling of the last marginals,
 * martingale or not, prices it inside them, so no VMOT bound can leave them. For a payoff supermodular in every pair
 * the comonotone coupling is the largest (Lorentz 1953; Tchen 1980 for any d), for d = 2 the antitone one the smallest;
 * the reverse for submodular payoffs (d > 2: the comonotone coupling is then the smallest, and no largest is known).
 */
export function transportInterval(problem: Problem, ref: Transport): Interval | undefined {
  const { T, d, payoff } = problem;
  if (ref.comonotone === undefined || payoff.dates.some((t) => t !== T - 1)) return undefined;
  const structure = payoff.structure ?? (T === 2 && d === 2 ? numericStructure(payoff, problem.marginals, new Rng(`${problem.training.seed}/structure`)) : undefined);
  const m = structure?.modularity[T - 1];
  const other = d === 2 && ref.antitone !== undefined ? ref.antitone : null;
  if (m === 'super' || m === 'modular') return { lo: other, hi: ref.comonotone };
  if (m === 'sub') return { lo: ref.comonotone, hi: other };
  return undefined;
}

/** Significance of a trend in the averaged window (t statistic of the least-squares slope). */
const TREND_T = 3;

/**
 * The value has settled over the window it was averaged on: the least-squares trend of the trace there either is not
 * significant (|t| < 3) or moves the value by less than its error bar across the window. A solver without such a
 * window (the LP) has nothing to check.
 */
function settledCheck(b: BoundResult): Check | undefined {
  if (!b.averaged) return undefined;
  const { from, to } = b.averaged;
  const pts = b.trace.filter((p) => p.step > from && p.step <= to);
  const n = pts.length;
  if (n < 8) return undefined;
  const mx = pts.reduce((a, p) => a + p.step, 0) / n;
  const my = pts.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) (sxx += (p.step - mx) ** 2), (sxy += (p.step - mx) * (p.value - my));
  const slope = sxy / sxx;
  const rss = pts.reduce((a, p) => a + (p.value - my - slope * (p.step - mx)) ** 2, 0);
  const se = Math.sqrt(rss / (n - 2) / sxx);
  const drift = slope * (to - from);
  const significant = Math.abs(slope) > TREND_T * se;
  const ok = !significant || Math.abs(drift) <= b.error;
  const what = `over the averaged steps ${from + 1}..${to} the value drifts by ${drift.toPrecision(2)} (t = ${(slope / se).toFixed(1)})`;
  return { name: 'settled', ok, message: ok ? `settled: ${what}, ${significant ? `within its error bar +-${b.error.toPrecision(2)}` : 'not significantly'}` : `not settled: ${what}, more than its error bar +-${b.error.toPrecision(2)}; train longer (training.steps)` };
}

/** The size of an interval's numbers (its ends and its width), for relative tolerances. */
const magnitude = (t: Interval) => Math.max(Math.abs(t.lo ?? 0), Math.abs(t.hi ?? 0), t.lo !== null && t.hi !== null ? t.hi - t.lo : 0);

/** x in [lo - tol, hi + tol], a missing end unbounded. */
const within = (x: number, t: Interval, tol: number) => (t.lo === null || x >= t.lo - tol) && (t.hi === null || x <= t.hi + tol);

/** "bounds [lo, hi]", "upper bound hi" or "lower bound lo". */
function describe(t: Interval): string {
  const f = (x: number) => x.toPrecision(6);
  if (t.lo !== null && t.hi !== null) return `bounds [${f(t.lo)}, ${f(t.hi)}]`;
  return t.hi !== null ? `upper bound ${f(t.hi)}` : `lower bound ${f(t.lo!)}`;
}

/**
 * The checks of one bound that need no solver: its solver's own convergence test; inside the transport bounds of the
 * last date (within its error bar when it converged); settled over its averaging window; a duality gap within its error
 * bar when the solver's primal and value are the two optima of one program (`opts.duality`, the LP; the neural dual
 * has no primal: NeuralDetails.primalDensity; RMOT's primal is its calibrated model's price); not below 0 for a
 * payoff that is never negative.
 */
export function checkBound(problem: Problem, b: BoundResult, ref: References, opts: { duality?: boolean } = {}): Check[] {
  const checks: Check[] = [{ name: 'converged', ok: b.converged, message: b.converged ? `${b.solver} converged` : `the ${b.solver} solver did not converge (its own test); its value and error bar mean nothing` }];
  const f = (x: number) => x.toPrecision(6);
  const slack = (scale: number) => (b.converged ? b.error : 0) + SLACK * Math.max(Math.abs(scale), Math.abs(b.value), 1e-300);
  const t = transportInterval(problem, ref);
  if (t) {
    const ok = within(b.value, t, slack(magnitude(t)));
    const where = `the transport ${describe(t)} of the last date, which every coupling respects`;
    const check: Check = { name: 'transport', ok, message: `${f(b.value)} ${ok ? 'inside' : 'outside'} ${where}` };
    // outside by less than its error bar: not a failure, but the transport bound is the tighter bound (a solver exact on
    // its own discrete laws is held to their transport bounds here)
    const own = (b.transport && transportInterval(problem, b.transport)) ?? t;
    const strictlyInside = within(b.value, own, SLACK * magnitude(own));
    if (ok && !strictlyInside) check.warning = `${f(b.value)} is outside ${own === t ? where : `the transport ${describe(own)} of its own discrete laws`}, by less than its error bar +-${b.error.toPrecision(2)}: the transport bound is the tighter bound`;
    else if (ok && t.lo !== null && t.hi !== null && b.error > t.hi - t.lo) check.warning = `its error bar +-${b.error.toPrecision(2)} is wider than the transport interval [${f(t.lo)}, ${f(t.hi)}]: it does not confirm the value`;
    checks.push(check);
  }
  const settled = settledCheck(b);
  if (settled) checks.push(settled);
  if (opts.duality && b.primal !== null) {
    // a solver whose primal is the primal optimum of its program (the LP: E_pi[c] of its coupling) is held to its duality gap
    const gap = Math.abs(b.value - b.primal);
    const ok = gap <= slack(b.primal);
    checks.push({ name: 'gap', ok, message: `duality gap ${gap.toPrecision(2)} (primal ${f(b.primal)}) ${ok ? 'within' : 'beyond'} its error bar +-${b.error.toPrecision(2)}` });
  }
  if (problem.payoff.nonnegative) {
    // a price of 0 carries the solvers' rounding: 1e-9 of the asset price level, the LP's interior-point tolerance
    const level = Math.max(...problem.marginals[problem.T - 1].map((m) => Math.abs(m.mean) + Math.sqrt(m.variance)));
    const ok = b.value >= -slack(0) - 1e-9 * level;
    checks.push({ name: 'sign', ok, message: ok ? 'not negative (the payoff is never negative)' : `${f(b.value)} is below 0, and the payoff is never negative` });
  }
  return checks;
}
