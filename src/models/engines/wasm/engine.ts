import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { VmotError } from '../../../core/errors.js';
import { moduleWorker } from '../../../core/workers.js';
import type { Engine, EngineOptions, EngineState, LossBatch, StepResult } from '../contract.js';
import { penaltyAtOutputs } from '../loss.js';
import { zerosLike } from '../weights.js';
import { groupRows, initMemory, ioLayout, Job, makeLayout, readWeights, runJob, transposeWeights, writeWeights, type JobSpec, type Kernel, type Layout, type RowGroups } from './fused-step.js';
import { CTRL, controlBlock, nextChunk, writeJob } from './job-control.js';
import { compileKernel, instantiateKernel, MAX_PAGES, type KernelKind } from './kernels.js';

export interface WasmEngineOptions {
  /** Threads including the caller's (default: VMOT_THREADS when set, as a job of a book sets it, else the available cores). */
  threads?: number;
  /** Fastest kernel flavour allowed (default native; falls back to what the runtime supports). */
  kernel?: KernelKind;
  /** Rows per tile of the fused forward/backward pass (multiple of 8). */
  tile?: number;
  /** Chunks per batch (default CHUNKS); results depend on it, not on the threads, so it must not depend on the machine. */
  chunks?: number;
}

const PAGE = 65536;
/** Default chunks per batch: fixed, so the same seed gives the same numbers on any machine (more threads than chunks idle). */
const CHUNKS = 8;

/**
 * The project's own engine: the fused step of fused-step.ts on the kernel of assembly/kernel.ts (WebAssembly SIMD) or
 * native/kernel.cc (the same primitives for this CPU, when built), the batch split over worker threads that share one
 * WebAssembly memory;
 * the same loss, Adam update and weight layout as the reference engine (../reference.ts).
 */
export class WasmEngine implements Engine {
  readonly name: string;
  readonly arithmetic: string;
  private t = 0;
  private capacity = 0;

  private constructor(
    private readonly opts: EngineOptions,
    private readonly layout: Layout,
    private readonly memory: WebAssembly.Memory,
    private readonly kernel: Kernel,
    private readonly ctrl: Int32Array,
    private readonly workers: Worker[],
    kind: KernelKind,
  ) {
    this.name = `wasm-${kind}-${layout.threads}t`;
    // the native kernel performs the relaxed-SIMD kernel's operations in its order (native/kernel.cc); a result depends
    // on the chunks and the tile, not on the threads
    this.arithmetic = `wasm-${kind === 'native' ? 'relaxed-simd' : kind}-${layout.chunks}c-${layout.tile}r`;
  }

  static async create(opts: EngineOptions, wopts: WasmEngineOptions = {}): Promise<WasmEngine> {
    const threads = wopts.threads ?? (Number(process.env.VMOT_THREADS) || availableParallelism());
    const tile = wopts.tile ?? 64;
    if (!Number.isInteger(threads) || threads < 1) throw new VmotError(`must be a positive integer, got ${threads}`, 'threads');
    if (!Number.isInteger(tile) || tile < 8 || tile % 8 !== 0) throw new VmotError(`must be a positive multiple of 8, got ${tile}`, 'tile');
    const kernel = compileKernel(wopts.kernel);
    const chunks = wopts.chunks ?? CHUNKS;
    if (!Number.isInteger(chunks) || chunks < 1) throw new VmotError(`must be a positive integer, got ${chunks}`, 'chunks');
    const layout = makeLayout(opts.specs, threads, tile, chunks);
    if (Math.ceil(layout.io / PAGE) + 1 > MAX_PAGES)
      throw new VmotError(`the networks need ${(layout.io / 2 ** 20).toFixed(0)} MiB of the engine's ${MAX_PAGES / 16} MiB memory; use fewer or smaller layers`, 'training.width');
    const memory = new WebAssembly.Memory({ initial: Math.ceil(layout.io / PAGE) + 1, maximum: MAX_PAGES, shared: true });
    const f32 = new Float32Array(memory.buffer);
    initMemory(layout, f32);
    const ctrl = controlBlock(opts.specs.length);
    const workers = await Promise.all(
      Array.from({ length: threads - 1 }, (_, i) =>
        startWorker({ tid: i + 1, layout, memory, kernel, ctrl: ctrl.buffer, integralWeights: opts.loss.integralWeights, adam: opts.adam }),
      ),
    );
    const engine = new WasmEngine(opts, layout, memory, instantiateKernel(kernel, memory), ctrl, workers, kernel.kind);
    engine.setState({ weights: opts.weights, adam: { m: zerosLike(opts.weights), v: zerosLike(opts.weights), t: 0 } });
    return engine;
  }

  async step(batch: LossBatch, lr: number, gamma = this.opts.loss.gamma, work?: () => boolean): Promise<StepResult> {
    const B = batch.size;
    this.checkBatch(batch);
    const w = new CallerWork(work);
    const groups = groupRows(this.opts.specs, batch.inputs, B, batch.groups);
    const r = groups ? this.groupedStep(batch, groups, lr, gamma, w) : this.fusedStep(batch, lr, gamma, w);
    w.finish();
    return r;
  }

  /** The fused step (fused-step.ts Train) on every batch row. */
  private fusedStep(batch: LossBatch, lr: number, gamma: number, work: CallerWork): StepResult {
    const B = batch.size;
    const io = this.reserve(B);
    const f32 = new Float32Array(this.memory.buffer);
    batch.inputs.forEach((x, k) => f32.set(x.subarray(0, B * this.opts.specs[k].inputs), io.x[k] / 4));
    batch.multipliers.forEach((m, k) => m && f32.set(m.subarray(0, B), io.mult[k] / 4));
    f32.set(batch.cost.subarray(0, B), io.cost / 4);
    this.run({ job: Job.Train, net: 0, rows: B, gamma, hasMult: batch.multipliers.map((m) => m !== null) }, work);
    const stats = new Float64Array(this.memory.buffer, this.layout.stats, 2 * this.layout.chunks);
    let sumSq = 0;
    let sumValue = 0;
    for (let c = 0; c < this.layout.chunks; c++) (sumSq += stats[2 * c], (sumValue += stats[2 * c + 1]));
    return this.adamStep(lr, gamma, B, sumSq, sumValue, work);
  }

  /**
   * The same step when many rows share inputs (groupRows): outputs of each distinct input, the loss and
   * its gradient per batch row summed per distinct input, then forward and backward per distinct input whose seed is not zero (keepSeeded).
   */
  private groupedStep(batch: LossBatch, groups: RowGroups[], lr: number, gamma: number, work: CallerWork): StepResult {
    const B = batch.size;
    const { integralWeights } = this.opts.loss;
    const io = this.reserve(B);
    const rows = groups.map((g, k) => g.values.length / this.opts.specs[k].inputs);
    const f32 = new Float32Array(this.memory.buffer);
    groups.forEach((g, k) => f32.set(g.values, io.x[k] / 4));
    // one job for all networks' outputs, each at its multiplier slot (the seeds overwrite them below)
    this.run({ job: Job.Eval, net: -1, rows: 0, netRows: rows }, work);
    const outs = rows.map((n, k) => f32.slice(io.mult[k] / 4, io.mult[k] / 4 + n));
    const seeds = rows.map((n) => new Float64Array(n));
    const { sumSq, sumValue } = penaltyAtOutputs(batch, outs, groups.map((g) => g.index), integralWeights, gamma, seeds);
    const kept = seeds.map((sd, k) => keepSeeded(f32, io.x[k] / 4, io.mult[k] / 4, this.opts.specs[k].inputs, sd));
    this.run({ job: Job.Backprop, net: 0, rows: B, gamma, netRows: kept }, work);
    return this.adamStep(lr, gamma, B, sumSq, sumValue, work);
  }

  /** Sums the chunks' gradients into one Adam step (a job over the networks, which also transposes their weights); returns the loss and value from the batch sums. */
  private adamStep(lr: number, gamma: number, B: number, sumSq: number, sumValue: number, work: CallerWork): StepResult {
    this.t += 1;
    const { beta1, beta2 } = this.opts.adam;
    this.run({ job: Job.Adam, net: 0, rows: 0, alpha: (lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t) }, work);
    const value = sumValue / B;
    return { loss: value + (gamma / 2) * (sumSq / B), value };
  }

  async evaluate(k: number, inputs: Float32Array, n: number): Promise<Float32Array> {
    if (!Number.isInteger(k) || k < 0 || k >= this.opts.specs.length) throw new VmotError(`no network ${k}`, 'evaluate.k');
    if (inputs.length < n * this.opts.specs[k].inputs) throw new VmotError(`needs ${n} x ${this.opts.specs[k].inputs} values, got ${inputs.length}`, 'evaluate.inputs');
    const io = this.reserve(n);
    new Float32Array(this.memory.buffer).set(inputs.subarray(0, n * this.opts.specs[k].inputs), io.x[k] / 4);
    this.run({ job: Job.Eval, net: k, rows: n });
    return new Float32Array(this.memory.buffer).slice(io.out / 4, io.out / 4 + n);
  }

  getState(): EngineState {
    const f32 = new Float32Array(this.memory.buffer);
    const L = this.layout;
    return { weights: readWeights(L, f32, L.params), adam: { m: readWeights(L, f32, L.m), v: readWeights(L, f32, L.v), t: this.t } };
  }

  setState(state: EngineState): void {
    const L = this.layout;
    for (const [field, group] of [['weights', state.weights], ['adam.m', state.adam.m], ['adam.v', state.adam.v]] as const)
      L.nets.forEach((net, k) =>
        net.forEach((l, j) => {
          const g = group[k]?.[j];
          if (!g || g.w.length !== l.in * l.out || g.b.length !== l.out) throw new VmotError(`network ${k} layer ${j} must be ${l.in} x ${l.out}`, field);
        }),
      );
    const f32 = new Float32Array(this.memory.buffer);
    writeWeights(L, f32, L.params, state.weights);
    writeWeights(L, f32, L.m, state.adam.m);
    writeWeights(L, f32, L.v, state.adam.v);
    transposeWeights(L, this.kernel);
    this.t = state.adam.t;
  }

  dispose(): void {
    Atomics.store(this.ctrl, CTRL.quit, 1);
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
    for (const w of this.workers) void w.terminate();
  }

  private checkBatch(batch: LossBatch): void {
    const { specs } = this.opts;
    const B = batch.size;
    if (!Number.isInteger(B) || B < 1) throw new VmotError(`must be a positive integer, got ${B}`, 'batch.size');
    if (batch.inputs.length !== specs.length || batch.multipliers.length !== specs.length) throw new VmotError(`needs ${specs.length} networks`, 'batch.inputs');
    batch.inputs.forEach((x, k) => {
      if (x.length < B * specs[k].inputs) throw new VmotError(`network ${k} needs ${B * specs[k].inputs} values, got ${x.length}`, 'batch.inputs');
    });
    batch.multipliers.forEach((m, k) => {
      if (m && m.length < B) throw new VmotError(`network ${k} needs ${B} values, got ${m.length}`, 'batch.multipliers');
    });
    if (batch.cost.length < B) throw new VmotError(`needs ${B} values, got ${batch.cost.length}`, 'batch.cost');
  }

  /** Makes room for n rows in the batch region, growing the shared memory if needed. */
  private reserve(n: number) {
    if (n > this.capacity) {
      const end = ioLayout(this.layout, n).end;
      const pages = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
      if (Math.ceil(end / PAGE) > MAX_PAGES) throw new VmotError(`${n} rows do not fit in the engine's ${MAX_PAGES / 16} MiB memory with these networks; use a smaller batch`, 'training.batch');
      if (pages > 0) this.memory.grow(pages);
      this.capacity = n;
    }
    return ioLayout(this.layout, this.capacity);
  }

  /**
   * Runs a job on all threads (the caller is thread 0), then waits for the workers. With `work`, this thread first runs
   * pieces of the caller's work while the workers compute, and joins the job when it has none left; the chunks, not the
   * threads that take them, fix the numbers.
   */
  private run(job: Pick<JobSpec, 'job' | 'net' | 'rows'> & Partial<JobSpec>, work?: CallerWork): void {
    const K = this.opts.specs.length;
    const spec: JobSpec = {
      hasMult: Array(K).fill(false),
      netRows: Array(K).fill(0),
      gamma: this.opts.loss.gamma,
      alpha: 0,
      ...job,
      adam: this.opts.adam,
      capacity: this.capacity,
      integralWeights: this.opts.loss.integralWeights,
    };
    const ctrl = this.ctrl;
    writeJob(ctrl, spec);
    Atomics.store(ctrl, CTRL.done, 0);
    Atomics.add(ctrl, CTRL.gen, 1);
    Atomics.notify(ctrl, CTRL.gen);
    while (this.workers.length > 0 && Atomics.load(ctrl, CTRL.done) < this.workers.length && work?.piece());
    runJob(this.layout, this.kernel, this.memory, 0, spec, () => nextChunk(ctrl));
    for (let d = Atomics.load(ctrl, CTRL.done); d < this.workers.length; d = Atomics.load(ctrl, CTRL.done)) Atomics.wait(ctrl, CTRL.done, d);
    if (Atomics.load(ctrl, CTRL.error)) throw new Error('a WasmEngine worker failed (see its message)');
  }
}

/**
 * The caller's work of a step (Engine.step): pieces run until none is left. A piece that throws ends the work; the error
 * is thrown by finish(), after the step, so that no job is left running on the workers.
 */
class CallerWork {
  private more: boolean;
  private failure: { error: unknown } | undefined;
  constructor(private readonly work?: () => boolean) {
    this.more = work !== undefined;
  }
  /** Runs one piece; false once none is left. */
  piece(): boolean {
    try {
      return (this.more &&= this.work!());
    } catch (error) {
      this.failure = { error };
      return (this.more = false);
    }
  }
  finish(): void {
    while (this.piece());
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Moves the distinct rows of one network whose seed is not zero to the front of its input region (`x`, `inputs` floats
 * a row) and writes their seeds at `mult`; returns how many. A row of seed 0 adds exactly nothing to the gradient, so
 * the backward pass skips it: a holding's seed is zero wherever the penalty is (late in training, all but a few dozen
 * of 8192 rows), as the fused pass's seedRows finds row by row.
 */
function keepSeeded(f32: Float32Array, x: number, mult: number, inputs: number, seeds: Float64Array): number {
  let m = 0;
  for (let j = 0; j < seeds.length; j++) {
    if (seeds[j] === 0) continue;
    if (m !== j) f32.copyWithin(x + m * inputs, x + j * inputs, x + (j + 1) * inputs);
    f32[mult + m] = seeds[j];
    m += 1;
  }
  return m;
}

/** Starts one worker (the compiled .js next to this file, or the .ts source through tsx) and waits until it listens. */
function startWorker(data: object): Promise<Worker> {
  const worker = moduleWorker(import.meta.url, 'worker', data);
  worker.unref();
  return new Promise((resolve, reject) => {
    worker.once('message', () => {
      worker.on('message', (msg) => process.stderr.write(`WasmEngine worker: ${msg}\n`));
      worker.on('error', (e) => process.stderr.write(`WasmEngine worker: ${e}\n`));
      resolve(worker);
    });
    worker.once('error', reject);
  });
}
