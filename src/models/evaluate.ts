import type { Rng } from '../core/random.js';
import type { Dual } from './dual.js';
import type { Engine } from './engines/contract.js';

const QUADRATURE_POINTS = 1 << 15;
const EVAL_CHUNK = 1 << 14;

/** Dual value, Eckstein-Kupper primal estimate with its Monte Carlo error, and the primal density's mass. */
export interface Evaluation {
  value: number;
  primal: number;
  stderr: number;
  mass: number;
  /** Penalty term E_theta[beta_gamma(c~ - phi~)] = E_theta[rho^2] / (2 gamma), in engine units (the cost's spread under theta). */
  penalty: number;
  /**
   * Kish's effective number [Kis65] of points carrying the penalty term, (sum p_b)^2 / sum p_b^2 over the violations p_b =
   * beta_gamma(c~ - phi~) of the n points (0 without violations): below a few dozen, P and the error bar d P rest on a
   * handful of tail points and change from one sample of theta to the next.
   */
  penaltyPoints: number;
  /** constantGap of the evaluation points, in engine units: how far the potentials are from optimal along the constant direction. */
  gap: number;
}

/**
 * The penalized objective's descent along the constant direction (4.7): J(0) - min_delta J(delta), with
 * J(delta) = -delta + mean_b beta_gamma(v_b + delta) the objective of the potentials lowered by delta, v_b = c~ - phi~ on
 * the points. Its minimizer solves mean_b gamma (v_b + delta)^+ = 1 (the primal mass is 1 at the optimum), found by
 * bisection: the mass is nondecreasing in delta, 0 at delta = -max v, and at least 1 at 1 / gamma - mean v (Jensen).
 * The mass alone is no measure of convergence when theta charges the optimal coupling: there a shift of a few 1 / gamma
 * moves it from 0 to 1 while J changes by less than 1 / gamma.
 */
export function constantGap(v: Float64Array, gamma: number): number {
  const n = v.length;
  let max = -Infinity;
  let mean = 0;
  for (const x of v) (max = Math.max(max, x)), (mean += x / n);
  const objective = (delta: number) => {
    let p = 0;
    for (const x of v) if (x + delta > 0) p += (x + delta) ** 2;
    return -delta + (gamma * p) / (2 * n);
  };
  const mass = (delta: number) => {
    let m = 0;
    for (const x of v) if (x + delta > 0) m += x + delta;
    return (gamma * m) / n;
  };
  let lo = -max;
  let hi = Math.max(lo, 1 / gamma - mean);
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (mass(mid) < 1) lo = mid;
    else hi = mid;
  }
  return Math.max(0, objective(0) - objective((lo + hi) / 2));
}

/**
 * Value: sum of the integrals of the static potentials by the midpoint rule in the quantile level (every static
 * potential is a function of one price), in engine units. Primal (Eckstein-Kupper 2021, Thm 2.2): E_theta[beta'_gamma(c~ - phi~) c]
 * = E_theta[gamma (c~ - phi~)^+ c] on fresh samples, in price units; mass E_theta[beta'_gamma], 1 at convergence; the
 * penalty term and how many points carry it; the constant direction's gap.
 */
export async function evaluate(engine: Engine, dual: Dual, gamma: number, n: number, rng: Rng): Promise<Evaluation> {
  const u = Float64Array.from({ length: QUADRATURE_POINTS }, (_, j) => (j + 0.5) / QUADRATURE_POINTS);
  let value = 0;
  for (let k = 0; k < dual.specs.length; k++) {
    if (dual.integralWeights[k] === 0) continue;
    const out = await engine.evaluate(k, dual.scalarInputs(k, u), u.length);
    let s = 0;
    for (const o of out) s += o;
    value += (dual.integralWeights[k] * s) / out.length;
  }
  let sum = 0;
  let sumSq = 0;
  let mass = 0;
  let penalty = 0;
  let penaltySq = 0;
  const slack = new Float64Array(n);
  for (let done = 0; done < n; done += EVAL_CHUNK) {
    const m = Math.min(EVAL_CHUNK, n - done);
    const { batch, cost } = dual.sample(m, rng.child(`chunk/${done}`), 0);
    const phi = new Float64Array(m);
    for (let k = 0; k < dual.specs.length; k++) {
      const out = await engine.evaluate(k, batch.inputs[k], m);
      const mult = batch.multipliers[k];
      for (let b = 0; b < m; b++) phi[b] += mult ? mult[b] * out[b] : out[b];
    }
    for (let b = 0; b < m; b++) {
      const v = (slack[done + b] = batch.cost[b] - phi[b]);
      const rho = gamma * Math.max(0, v);
      mass += rho;
      const p = (rho * rho) / (2 * gamma);
      penalty += p;
      penaltySq += p * p;
      sum += rho * cost[b];
      sumSq += (rho * cost[b]) ** 2;
    }
  }
  const primal = sum / n;
  return { value, primal, stderr: Math.sqrt(Math.max(0, sumSq / n - primal * primal) / n), mass: mass / n, penalty: penalty / n, penaltyPoints: penaltySq > 0 ? (penalty * penalty) / penaltySq : 0, gap: constantGap(slack, gamma) };
}
