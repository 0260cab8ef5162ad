import { decodeNets, encodeNets, type Enc } from '../../models/engines/weights.js';
import type { TailSummary } from '../../models/tail.js';
import { trainBound, type TrainedDual } from '../../models/train.js';
import { chooseFormulation } from '../formulation.js';
import type { Solver } from '../solver.js';

/** What only the neural dual has: the training tail, the penalty term, the primal density, and the trained networks (for the hedge). */
export interface NeuralDetails {
  /** sum of the integrals of the trained static potentials (price units): what the trained hedge costs. */
  potentials: number;
  /**
   * Eckstein-Kupper's primal estimate E_theta[beta'_gamma(c - phi) c] with its Monte Carlo error: a diagnostic only. The
   * density beta'_gamma = gamma (c - phi)^+ is heavy-tailed at the defaults' gamma, so on fresh samples the estimate
   * missed the bound by 6-90% on the oracle cases (and its mass read 0.885 and 0.998 for the same potentials): it is
   * not reported as an estimate of the bound.
   */
  primalDensity: { value: number; stderr: number };
  /** Dual value on the training batches averaged over the tail of training, with its batch-means standard error. */
  tail: TailSummary;
  /** E_theta[beta'_gamma(c - phi)]: total mass of the primal density, 1 at convergence (a diagnostic: see gap). */
  mass: number;
  /**
   * How much lowering (or raising) every potential by one constant would lower the penalized objective on the evaluation
   * points (src/models/evaluate.ts constantGap), in price units: 0 at convergence. It is part of the error bar, and a
   * bound whose gap exceeds the rest of the bar is not converged. Absent in results saved before it was added.
   */
  gap?: number;
  /** E_theta[beta_gamma(c - phi)] in price units: what the penalty charges the trained potentials (src/models/evaluate.ts). */
  penalty: number;
  /** Kish's effective number of evaluation points that carry the penalty term (src/models/evaluate.ts); absent from results saved before vmot recorded it. */
  penaltyPoints?: number;
  /** The training schedule as resolved for this bound (defaults by formulation and dimension). */
  training: { steps: number; batch: number; gamma: number; holdingsWidth: number };
  networks: TrainedDual;
}


/**
 * The penalized neural dual (Eckstein-Kupper 2021) of the VMOT problem, Hiew-Lim-Pass-Souza (2023) (2.8)-(2.9) or
 * the reduced form (4.5)-(4.10), trained on the engine of training.engine (src/models).
 * Value: the penalized objective J = int phi + P at the trained potentials, P = E_theta[beta_gamma(c - phi)] (the
 * estimate of the penalized value V_gamma; int phi alone is V_gamma - P). Error bar (docs/bibliography.md, "penalty
 * bias"): by the envelope theorem dV_gamma/dgamma = P / gamma, so a bias V - V_gamma = C gamma^-alpha has
 * V - V_gamma = P / alpha; alpha >= 1/d (1 where theta's structured rows lie on the optimal coupling, the Gaussian
 * cases; the smoothing rate 2/(d + 1) for an optimum of codimension d - 1 in them), so error = d P + 2 tail stderr (the training noise) + the objective's gap along the
 * constant direction (constantGap: J exceeds the penalized optimum by at least that much). Converged: that gap no
 * larger than the rest of the bar.
 */
/** Largest d at which the full form's error bar was checked against exact values (Table 2; README "Scaling of the full form with d"). */
const FULL_FORM_CHECKED_D = 5;

/** The warning of a full-form bound beyond the dimensions its error bar was checked at. */
export const uncheckedDimension = (d: number) =>
  `the full form's error bar is checked against exact values up to d = ${FULL_FORM_CHECKED_D}; at d = ${d} it may not cover the error (Table-2-like cases at the defaults: d = 7 0.36% high with a bar of 1.2%, d = 10 0.41% high with a bar of 0.45%, one seed each; at batch 8192 the d = 10 bar missed): check the bound another way (the reduced form where it is exact, more steps, another seed)`;

/** Below this many effective points the penalty term's relative Monte Carlo error, about 1 / sqrt(points), exceeds 20%. */
const MIN_PENALTY_POINTS = 25;

/** The warning of a bound whose penalty term (and the error bar's d P) rests on a handful of evaluation points. */
export const fewPenaltyPoints = (points: number, samples: number) =>
  `the penalty term, and with it the error bar's d P, rests on ${points.toFixed(1)} effective points of the ${samples} evaluation points (relative Monte Carlo error about ${Math.round(100 / Math.sqrt(points))}%): it is a statistic of theta's tail that another sample can change by more than its size; check the bound another way (more training.evalSamples, another seed, the LP at small d)`;

export const neuralSolver: Solver<NeuralDetails> = {
  name: 'neural',
  async solve(problem, side, ctx) {
    const choice = chooseFormulation(problem.formulation, side, problem.payoff, problem.marginals, problem.training.seed);
    const sign = side === 'upper' ? 1 : -1;
    const t = await trainBound(problem, side, choice, { checkpointDir: ctx.workDir, onProgress: ctx.onProgress, stop: ctx.stop, checkpointSeconds: ctx.checkpointSeconds, onNotice: ctx.onNotice });
    // a tail of fewer than 2 steps has no batch-means stderr: the penalty term is then the whole bar
    const bias = problem.d * t.penalty + 2 * (Number.isFinite(t.tail.stderr) ? t.tail.stderr : 0);
    return {
      solver: 'neural',
      side,
      value: t.value + sign * t.penalty,
      primal: null,
      stderr: 0,
      discretizationError: null,
      error: bias + t.gap,
      converged: t.gap <= bias,
      formulation: choice.kind,
      map: choice.map ?? null,
      exact: choice.exact,
      reason: choice.reason,
      warnings: [
        ...(choice.warning ? [choice.warning] : []),
        ...(choice.kind === 'full' && problem.d > FULL_FORM_CHECKED_D ? [uncheckedDimension(problem.d)] : []),
        ...(t.penalty > 0 && t.penaltyPoints < MIN_PENALTY_POINTS ? [fewPenaltyPoints(t.penaltyPoints, problem.training.evalSamples)] : []),
      ],
      engine: t.engine,
      steps: t.steps,
      seconds: t.seconds,
      trace: t.trace,
      averaged: { from: t.steps - t.tail.steps, to: t.steps },
      details: { potentials: t.value, primalDensity: { value: t.primal, stderr: t.stderr }, tail: t.tail, mass: t.mass, gap: t.gap, penalty: t.penalty, penaltyPoints: t.penaltyPoints, training: { steps: t.steps, batch: t.batch, gamma: t.networks.gamma, holdingsWidth: t.networks.specs[t.networks.roles.findIndex((r) => r.kind === 'h')].hidden[0] }, networks: t.networks },
    };
  },
  summary: (r) => [
    `potentials ${r.details.potentials.toPrecision(6)} + penalty ${r.details.penalty.toPrecision(3)}${r.details.penaltyPoints === undefined ? '' : ` (carried by ${r.details.penaltyPoints.toFixed(1)} effective points)`}; over the last ${r.details.tail.steps} steps ${r.details.tail.mean.toPrecision(6)} +- ${r.details.tail.stderr.toPrecision(2)}`,
    `primal density (diagnostic, not an estimate): mass ${r.details.mass.toPrecision(3)}, E[rho c] ${r.details.primalDensity.value.toPrecision(4)} +- ${r.details.primalDensity.stderr.toPrecision(2)}${r.details.gap === undefined ? '' : `; gap along the constant direction ${r.details.gap.toPrecision(2)} (in the error bar; converged while within the rest of it)`}`,
  ],
  detailsJson: (d) => ({ potentials: d.potentials, penalty: d.penalty, penaltyPoints: d.penaltyPoints, tail: d.tail, mass: d.mass, gap: d.gap, primalDensity: d.primalDensity, training: d.training }),
  store: {
    encode: (d) => ({ ...d, networks: { ...d.networks, weights: encodeNets(d.networks.weights) } }),
    decode: (raw) => {
      const d = raw as Omit<NeuralDetails, 'networks'> & { networks: Omit<TrainedDual, 'weights'> & { weights: Enc<TrainedDual['weights']> } };
      return { ...d, networks: { ...d.networks, weights: decodeNets(d.networks.weights) } };
    },
  },
};
