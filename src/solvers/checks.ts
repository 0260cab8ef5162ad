import { Rng } from '../core/random.js';
import type { Problem } from '../problem/problem.js';
import { numericStructure } from './formulation.js';
import type { References, Transport } from './references.js';
import type { BoundResult, Check } from './result.js';

/** Relative slack of the always-valid bounds (rounding and the quadrature of the continuous transport values). */
const SLACK = 1e-6;

/**
 * The transport (Frechet) bounds [lo, hi] of a payoff of the last date's prices: every coupling of the last marginals,
 * martingale or not, prices it inside them, so no VMOT bound can leave them. Known for d = 2 when the payoff is
 * super- or submodular there (Lorentz 1953: the comonotone coupling maximises a supermodular payoff, the antitone
 * one minimises it; the reverse for submodular).
 */
export function transportInterval(problem: Problem, ref: Transport): { lo: number; hi: number } | undefined {
  const { T, d, payoff } = problem;
  if (d !== 2 || ref.comonotone === undefined || ref.antitone === undefined || payoff.dates.some((t) => t !== T - 1)) return undefined;
  const structure = payoff.structure ?? (T === 2 ? numericStructure(payoff, problem.marginals, new Rng(`${problem.training.seed}/structure`)) : undefined);
  const m = structure?.modularity[T - 1];
  if (m === 'super' || m === 'modular') return { lo: ref.antitone, hi: ref.comonotone };
  if (m === 'sub') return { lo: ref.comonotone, hi: ref.antitone };
  return undefined;
}

/**
 * The checks of one bound that need no solver: its solver's own convergence test; inside the transport bounds of the
 * last date (within its error bar when it converged); not below 0 for a payoff that is never negative.
 */
export function checkBound(problem: Problem, b: BoundResult, ref: References): Check[] {
  const checks: Check[] = [{ name: 'converged', ok: b.converged, message: b.converged ? `${b.solver} converged` : `the ${b.solver} solver did not converge (its own test); its value and error bar mean nothing` }];
  const f = (x: number) => x.toPrecision(6);
  const slack = (scale: number) => (b.converged ? b.error : 0) + SLACK * Math.max(Math.abs(scale), Math.abs(b.value), 1e-300);
  const t = transportInterval(problem, ref);
  if (t) {
    const scale = Math.max(Math.abs(t.lo), Math.abs(t.hi), t.hi - t.lo);
    const tol = slack(scale);
    const ok = b.value >= t.lo - tol && b.value <= t.hi + tol;
    const where = `the transport bounds [${f(t.lo)}, ${f(t.hi)}] of the last date, which every coupling respects`;
    const check: Check = { name: 'transport', ok, message: `${f(b.value)} ${ok ? 'inside' : 'outside'} ${where}` };
    // outside by less than its error bar: not a failure, but the transport bound is the tighter bound (a solver exact on
    // its own discrete laws is held to their transport bounds here)
    const own = (b.transport && transportInterval(problem, b.transport)) ?? t;
    const ownScale = Math.max(Math.abs(own.lo), Math.abs(own.hi), own.hi - own.lo);
    const strictlyInside = b.value >= own.lo - SLACK * ownScale && b.value <= own.hi + SLACK * ownScale;
    if (ok && !strictlyInside) check.warning = `${f(b.value)} is outside ${own === t ? where : `the transport bounds [${f(own.lo)}, ${f(own.hi)}] of its own discrete laws`}, by less than its error bar +-${b.error.toPrecision(2)}: the transport bound is the tighter bound`;
    else if (ok && b.error > t.hi - t.lo) check.warning = `its error bar +-${b.error.toPrecision(2)} is wider than the transport interval [${f(t.lo)}, ${f(t.hi)}]: it does not confirm the value`;
    checks.push(check);
  }
  if (problem.payoff.nonnegative) {
    // a price of 0 carries the solvers' rounding: 1e-9 of the asset price level, the LP's interior-point tolerance
    const level = Math.max(...problem.marginals[problem.T - 1].map((m) => Math.abs(m.mean) + Math.sqrt(m.variance)));
    const ok = b.value >= -slack(0) - 1e-9 * level;
    checks.push({ name: 'sign', ok, message: ok ? 'not negative (the payoff is never negative)' : `${f(b.value)} is below 0, and the payoff is never negative` });
  }
  return checks;
}
