import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Interrupted } from '../errors.js';
import type { BoundSide, Problem } from '../problem.js';
import { Rng } from '../random.js';
import { loadCheckpoint, saveCheckpoint, type TracePoint } from './checkpoint.js';
import { chooseFormulation, type Choice } from './choose.js';
import { initWeights, type Engine, type NetSpec, type NetWeights } from './engine.js';
import { buildDual, type CostScaling, type Dual, type FirstDateMap, type NetRole } from './formulation.js';
import { learningRate, penaltyGamma } from './schedule.js';
import { createEngine } from './engines.js';
import { TailAverage, type TailSummary } from './tail.js';

export interface BoundResult {
  side: BoundSide;
  /** Dual value: cost of the super- (sub-) hedge, sum of the integrals of the (tail-averaged) static potentials (2.8). */
  value: number;
  /** Dual value on the training batches averaged over the tail of training, with its batch-means standard error. */
  tail: TailSummary;
  /** Eckstein-Kupper primal estimate E_theta[beta'_gamma(c - phi) c] on fresh samples. */
  primal: number;
  /** Monte Carlo standard error of the primal estimate. */
  stderr: number;
  /** E_theta[beta'_gamma(c - phi)]: total mass of the primal density, 1 at convergence. */
  mass: number;
  formulation: 'full' | 'reduced';
  map?: string;
  exact: boolean;
  reason: string;
  warning?: string;
  engine: string;
  steps: number;
  seconds: number;
  trace: TracePoint[];
  /** The trained dual: what each network stands for, its weights, and the cost scaling it was trained on. */
  networks: TrainedDual;
}

export interface TrainedDual {
  kind: 'full' | 'reduced';
  map?: FirstDateMap;
  roles: NetRole[];
  specs: NetSpec[];
  scaling: CostScaling;
  gamma: number;
  weights: NetWeights[];
}

export interface Progress {
  side: BoundSide;
  step: number;
  steps: number;
  value: number;
}

export interface SolveOptions {
  /** Folder for checkpoints; a rerun with the same job resumes from it. */
  checkpointDir?: string;
  onProgress?: (p: Progress) => void;
  /** Set to true (e.g. by SIGINT) to stop after the current step with a checkpoint saved. */
  stop?: { requested: boolean };
}

const QUADRATURE_POINTS = 1 << 15;
const EVAL_CHUNK = 1 << 14;
const CHECKPOINT_SECONDS = 10;
/** Default training steps: 3000 for the reduced form; 6000 max(1, d - 3) for the full form (its d-input holdings learn slower). */
function defaultSteps(kind: 'full' | 'reduced', d: number): number {
  return kind === 'reduced' ? 3000 : 6000 * Math.max(1, d - 3);
}
const DEFAULT_BATCH = { reduced: 16384, full: 8192 } as const;

/**
 * Default final penalty, fitted on Table 2 and the null cost: reduced form 40000 (k - 2)^2 for its k = 1 + (T - 1) d
 * quantile variables; full form 40000 (d - 1)^3 up to 8e5: its 2d-dimensional theta is further from the singular optimal
 * coupling (at d = 2 a larger gamma loses the null-cost identity); with the comonotone share of theta a larger gamma leaves
 * the potentials unconverged (d = 5: +1.9% / +2.8% at 1.6e6, -0.7% / -1.0% at 8e5, seeds 7 / 8).
 */
export function defaultGamma(kind: 'full' | 'reduced', T: number, d: number): number {
  return kind === 'reduced' ? 40000 * Math.max(1, (T - 1) * d - 1) ** 2 : Math.min(8e5, 40000 * Math.max(1, d - 1) ** 3);
}

/** Builds the dual and the cost scaling for one side: the lower bound maximises -c; the engine sees (sign c - mean) / sd under theta. */
export function setupDual(problem: Problem, side: BoundSide, choice: Choice): { dual: Dual; scaling: CostScaling } {
  const sign = side === 'upper' ? 1 : -1;
  const hidden = Array(problem.training.depth).fill(problem.training.width);
  const { grid, thetaComonotone: comonotoneShare } = problem.training;
  const base = { marginals: problem.marginals, payoff: problem.payoff.value, hidden, grid, comonotoneShare };
  const pilot = buildDual(choice.kind, { ...base, scaling: { sign, shift: 0, scale: 1 } }, choice.map);
  const { cost } = pilot.sample(1 << 14, new Rng(`${problem.training.seed}/pilot`));
  let m = 0;
  for (const c of cost) m += c;
  m /= cost.length;
  let v = 0;
  for (const c of cost) v += (c - m) ** 2;
  const s = Math.sqrt(v / cost.length);
  const scaling: CostScaling = { sign, shift: sign * m, scale: s > 0 ? s : 1 };
  return { dual: buildDual(choice.kind, { ...base, scaling }, choice.map), scaling };
}

/** Solves one bound: trains the penalized neural dual, then evaluates value and primal on fresh points. */
export async function solveBound(problem: Problem, side: BoundSide, options: SolveOptions = {}): Promise<BoundResult> {
  const opts = problem.training;
  const choice = chooseFormulation(problem.formulation, side, problem.payoff, problem.marginals, opts.seed);
  const { dual, scaling } = setupDual(problem, side, choice);
  const toPrice = (v: number) => scaling.sign * (scaling.shift + scaling.scale * v);
  const rng = new Rng(opts.seed);
  const gamma = opts.gamma ?? defaultGamma(choice.kind, problem.T, problem.d);
  const engine: Engine = await createEngine(opts.engine, {
    specs: dual.specs,
    loss: { integralWeights: dual.integralWeights, gamma },
    adam: { beta1: opts.betas[0], beta2: opts.betas[1], eps: 1e-8 },
    weights: initWeights(dual.specs, rng.child(`init/${side}`)),
  });
  try {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ problem: problem.fingerprint, side, choice, engine: engine.name }))
      .digest('hex');
    const cpFile = options.checkpointDir ? join(options.checkpointDir, `checkpoint-${side}.json`) : undefined;
    const cp = cpFile ? loadCheckpoint(cpFile, fingerprint) : undefined;
    let step = 0;
    let trace: TracePoint[] = [];
    let secondsBefore = 0;
    let tail = new TailAverage();
    if (cp) {
      engine.setState(cp.state);
      ({ step, trace } = cp);
      secondsBefore = cp.seconds;
      tail = TailAverage.decode(cp.tail);
    }
    const t0 = performance.now();
    let lastSave = t0;
    const save = () => {
      if (cpFile) saveCheckpoint(cpFile, { fingerprint, step, seconds: secondsBefore + (performance.now() - t0) / 1000, trace, state: engine.getState(), tail: tail.encode() });
      lastSave = performance.now();
    };
    const steps = opts.steps ?? defaultSteps(choice.kind, problem.d);
    const every = Math.max(1, Math.floor(steps / 200));
    const tailStart = steps - Math.max(1, Math.round(steps * opts.tailFraction));
    while (step < steps) {
      const lr = learningRate(step, steps, opts.learningRate, opts.decayFraction, opts.lrFinal);
      const { batch } = dual.sample(opts.batch ?? DEFAULT_BATCH[choice.kind], rng.child(`batch/${side}/${step}`));
      const r = await engine.step(batch, lr, penaltyGamma(step, steps, Math.min(opts.gammaStart, gamma), gamma, opts.gammaRamp));
      if (!Number.isFinite(r.loss)) throw new Error(`training diverged at step ${step} (loss ${r.loss}); lower training.learningRate or training.gamma`);
      step += 1;
      if (step > tailStart) tail.add(engine.getState().weights, toPrice(r.value));
      if (step % every === 0 || step === steps) {
        trace.push({ step, value: toPrice(r.value), loss: r.loss * scaling.scale });
        options.onProgress?.({ side, step, steps, value: toPrice(r.value) });
      }
      // let signal handlers run: a synchronous engine never returns to the event loop by itself
      await new Promise((resolve) => setImmediate(resolve));
      if (options.stop?.requested) {
        save();
        throw new Interrupted(step);
      }
      if ((performance.now() - lastSave) / 1000 > CHECKPOINT_SECONDS) save();
    }
    save();
    const state = engine.getState();
    engine.setState({ ...state, weights: tail.weights });
    const ev = await evaluate(engine, dual, gamma, opts.evalSamples, rng.child(`eval/${side}`));
    const networks: TrainedDual = {
      kind: dual.kind,
      map: dual.map,
      roles: dual.roles,
      specs: dual.specs,
      scaling,
      gamma,
      weights: tail.weights,
    };
    return {
      side,
      value: toPrice(ev.value),
      tail: tail.summary(),
      primal: ev.primal,
      stderr: ev.stderr,
      mass: ev.mass,
      formulation: choice.kind,
      map: choice.map,
      exact: choice.exact,
      reason: choice.reason,
      warning: choice.warning,
      engine: engine.name,
      steps,
      seconds: secondsBefore + (performance.now() - t0) / 1000,
      trace,
      networks,
    };
  } finally {
    engine.dispose();
  }
}

/**
 * Value: sum of the integrals of the static potentials by the midpoint rule in the quantile level
 * (every static potential has one scalar input). Primal: E_theta[gamma (c~ - phi~)^+ c] on fresh samples.
 */
async function evaluate(engine: Engine, dual: Dual, gamma: number, n: number, rng: Rng) {
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
      sum += rho * cost[b];
      sumSq += (rho * cost[b]) ** 2;
    }
  }
  const primal = sum / n;
  return { value, primal, stderr: Math.sqrt(Math.max(0, sumSq / n - primal * primal) / n), mass: mass / n };
}
