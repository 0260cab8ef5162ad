import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Interrupted, VmotError } from '../core/errors.js';
import { stepwise } from '../core/pieces.js';
import type { Progress, StopFlag } from '../core/progress.js';
import { Rng } from '../core/random.js';
import type { BoundSide, FirstDateMap, FormulationChoice, FormulationKind } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { loadCheckpoint, saveCheckpoint, type TracePoint } from './checkpoint.js';
import { defaultBatch, defaultGamma, defaultSteps } from './defaults.js';
import { divergence } from './divergence.js';
import type { CostScaling, NetRole } from './dual.js';
import type { Engine, NetSpec, NetWeights } from './engines/contract.js';
import { createEngine } from './engines/registry.js';
import { initWeights } from './engines/weights.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { learningRate, penaltyGamma } from './schedule.js';
import { setupDual } from './setup.js';
import { TailAverage, type TailSummary } from './tail.js';

/** The trained dual: what each network stands for, its weights, and the cost scaling it was trained on. */
export interface TrainedDual {
  kind: FormulationKind;
  map?: FirstDateMap;
  roles: NetRole[];
  specs: NetSpec[];
  scaling: CostScaling;
  gamma: number;
  weights: NetWeights[];
}

/** One trained bound: the evaluation of the tail-averaged potentials (value, primal and penalty in price units) and the training record. */
export interface TrainedBound extends Evaluation {
  /** Dual value on the training batches averaged over the tail of training, with its batch-means standard error. */
  tail: TailSummary;
  engine: string;
  /** The schedule as resolved (defaults by formulation and dimension filled in). */
  steps: number;
  batch: number;
  seconds: number;
  trace: TracePoint[];
  networks: TrainedDual;
}

export interface TrainOptions {
  /** Folder for checkpoints; a rerun with the same job resumes from it. */
  checkpointDir?: string;
  onProgress?: (p: Progress) => void;
  /** Set to true (e.g. by SIGINT) to stop after the current step with a checkpoint saved. */
  stop?: StopFlag;
  /** Seconds between checkpoints (default 10). */
  checkpointSeconds?: number;
  /** Hears what the caller should know but is not an error (e.g. a checkpoint that could not be used). */
  onNotice?: (message: string) => void;
}

const CHECKPOINT_SECONDS = 10;

/**
 * Trains the penalized neural dual of one bound (Eckstein-Kupper 2021; Hiew-Lim-Pass-Souza 2023 (4.7)/(4.10)) by Adam
 * with the penalty continuation and learning-rate decay of schedule.ts, averages the weights over the tail of training
 * (Polyak-Ruppert), then evaluates value and primal on fresh points. Checkpoints every 10 s and on a stop request.
 */
export async function trainBound(problem: Problem, side: BoundSide, choice: FormulationChoice, options: TrainOptions = {}): Promise<TrainedBound> {
  const opts = problem.training;
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
  // resolved defaults go into the checkpoint's fingerprint: a default that changes between versions does not resume
  const steps = opts.steps ?? defaultSteps(choice.kind);
  const batchSize = opts.batch ?? defaultBatch(choice.kind, problem.d);
  try {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ problem: problem.fingerprint, side, kind: choice.kind, map: choice.map, theta: choice.thetaMap, engine: engine.arithmetic, specs: dual.specs, steps, batch: batchSize, gamma }))
      .digest('hex');
    const cpFile = options.checkpointDir ? join(options.checkpointDir, `checkpoint-${side}.json`) : undefined;
    const cp = cpFile ? loadCheckpoint(cpFile, fingerprint, options.onNotice) : undefined;
    let step = 0;
    let trace: TracePoint[] = [];
    let secondsBefore = 0;
    let tail = new TailAverage();
    if (cp) {
      engine.setState(cp.state);
      ({ step, trace } = cp);
      secondsBefore = cp.seconds;
      tail = TailAverage.decode(cp.tail);
      options.onNotice?.(`resuming the ${side} bound from ${cpFile} at step ${step}`);
    }
    const t0 = performance.now();
    let lastSave = t0;
    let savedStep = step;
    const save = () => {
      if (cpFile) saveCheckpoint(cpFile, { fingerprint, step, seconds: secondsBefore + (performance.now() - t0) / 1000, trace, state: engine.getState(), tail: tail.encode() });
      lastSave = performance.now();
      savedStep = step;
    };
    const every = Math.max(1, Math.floor(steps / 200));
    const tailStart = steps - Math.max(1, Math.round(steps * opts.tailFraction));
    // step s trains on the batch drawn from its own seed; the next one is drawn while the engine's threads compute
    const draw = (s: number) => stepwise(dual.sampling(batchSize, rng.child(`batch/${side}/${s}`)));
    let next = draw(step);
    while (step < steps) {
      const lr = learningRate(step, steps, opts.learningRate, opts.decayFraction, opts.lrFinal);
      const { batch } = next.result();
      next = draw(step + 1);
      const g = penaltyGamma(step, steps, Math.min(opts.gammaStart, gamma), gamma, opts.gammaRamp);
      const r = await engine.step(batch, lr, g, step + 1 < steps ? next.work : undefined);
      const diverged = divergence(r, g);
      if (diverged)
        // the checkpoint on disk (if any) is from before this step: states are saved only after passing this check
        throw new VmotError(
          `the ${side} bound diverged at step ${step + 1}: ${diverged}; lower training.learningRate (${opts.learningRate}) or training.gamma (${gamma})${cpFile && savedStep > 0 ? `; ${cpFile} holds step ${savedStep}, from before it` : ''}`,
          'training',
        );
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
      if ((performance.now() - lastSave) / 1000 > (options.checkpointSeconds ?? CHECKPOINT_SECONDS)) save();
    }
    save();
    const state = engine.getState();
    engine.setState({ ...state, weights: tail.weights });
    const ev = await evaluate(engine, dual, gamma, opts.evalSamples, rng.child(`eval/${side}`));
    if (!Number.isFinite(toPrice(ev.value))) throw new VmotError(`the ${side} bound's dual value is ${toPrice(ev.value)}; the trained potentials are not finite`, 'training');
    return {
      value: toPrice(ev.value),
      primal: ev.primal,
      stderr: ev.stderr,
      mass: ev.mass,
      penalty: ev.penalty * scaling.scale,
      penaltyPoints: ev.penaltyPoints,
      gap: ev.gap * scaling.scale,
      tail: tail.summary(),
      engine: engine.name,
      steps,
      batch: batchSize,
      seconds: secondsBefore + (performance.now() - t0) / 1000,
      trace,
      networks: { kind: dual.kind, map: dual.map, roles: dual.roles, specs: dual.specs, scaling, gamma, weights: tail.weights },
    };
  } finally {
    engine.dispose();
  }
}
