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
}

/**
 * Value: sum of the integrals of the static potentials by the midpoint rule in the quantile level (every static
 * potential has one scalar input), in engine units. Primal (Eckstein-Kupper 2021, Thm 2.2): E_theta[beta'_gamma(c~ - phi~) c]
 * = E_theta[gamma (c~ - phi~)^+ c] on fresh samples, in price units; mass E_theta[beta'_gamma], 1 at convergence; the
 * penalty term and how many points carry it.
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
      const rho = gamma * Math.max(0, batch.cost[b] - phi[b]);
      mass += rho;
      const p = (rho * rho) / (2 * gamma);
      penalty += p;
      penaltySq += p * p;
      sum += rho * cost[b];
      sumSq += (rho * cost[b]) ** 2;
    }
  }
  const primal = sum / n;
  return { value, primal, stderr: Math.sqrt(Math.max(0, sumSq / n - primal * primal) / n), mass: mass / n, penalty: penalty / n, penaltyPoints: penaltySq > 0 ? (penalty * penalty) / penaltySq : 0 };
}
