import { decodeNets, encodeNets, type Enc } from '../../models/engines/weights.js';
import type { TailSummary } from '../../models/tail.js';
import { trainBound, type TrainedDual } from '../../models/train.js';
import { chooseFormulation } from '../formulation.js';
import type { Solver } from '../solver.js';

/** What only the neural dual has: the training tail, the primal density's mass, and the trained networks (for the hedge). */
export interface NeuralDetails {
  /** Dual value on the training batches averaged over the tail of training, with its batch-means standard error. */
  tail: TailSummary;
  /** E_theta[beta'_gamma(c - phi)]: total mass of the primal density, 1 at convergence. */
  mass: number;
  /** The training schedule as resolved for this bound (defaults by formulation and dimension). */
  training: { steps: number; batch: number; gamma: number };
  networks: TrainedDual;
}

/** A neural bound whose primal density's mass is off by more than this factor has diverged: its error bar means nothing. */
const MASS_FACTOR = 2;

/**
 * The penalized neural dual (Eckstein-Kupper 2021) of the VMOT problem, Hiew-Lim-Pass-Souza (2023) (2.8)-(2.9) or
 * the reduced form (4.5)-(4.10), trained on the engine of training.engine (src/models). Error bar: |value - primal|
 * + 2 stderr; converged: the primal density's mass within a factor 2 of 1.
 */
export const neuralSolver: Solver<NeuralDetails> = {
  name: 'neural',
  async solve(problem, side, ctx) {
    const choice = chooseFormulation(problem.formulation, side, problem.payoff, problem.marginals, problem.training.seed);
    const t = await trainBound(problem, side, choice, { checkpointDir: ctx.workDir, onProgress: ctx.onProgress, stop: ctx.stop, checkpointSeconds: ctx.checkpointSeconds, onNotice: ctx.onNotice });
    return {
      solver: 'neural',
      side,
      value: t.value,
      primal: t.primal,
      stderr: t.stderr,
      discretizationError: null,
      error: Math.abs(t.value - t.primal) + 2 * t.stderr,
      converged: t.mass >= 1 / MASS_FACTOR && t.mass <= MASS_FACTOR,
      formulation: choice.kind,
      map: choice.map ?? null,
      exact: choice.exact,
      reason: choice.reason,
      warnings: choice.warning ? [choice.warning] : [],
      engine: t.engine,
      steps: t.steps,
      seconds: t.seconds,
      trace: t.trace,
      averaged: { from: t.steps - t.tail.steps, to: t.steps },
      details: { tail: t.tail, mass: t.mass, training: { steps: t.steps, batch: t.batch, gamma: t.networks.gamma }, networks: t.networks },
    };
  },
  summary: (r) => [`dual over the last ${r.details.tail.steps} steps ${r.details.tail.mean.toPrecision(6)} +- ${r.details.tail.stderr.toPrecision(2)}; primal density mass ${r.details.mass.toPrecision(3)}`],
  detailsJson: (d) => ({ tail: d.tail, mass: d.mass, training: d.training }),
  store: {
    encode: (d) => ({ ...d, networks: { ...d.networks, weights: encodeNets(d.networks.weights) } }),
    decode: (raw) => {
      const d = raw as Omit<NeuralDetails, 'networks'> & { networks: Omit<TrainedDual, 'weights'> & { weights: Enc<TrainedDual['weights']> } };
      return { ...d, networks: { ...d.networks, weights: decodeNets(d.networks.weights) } };
    },
  },
};
