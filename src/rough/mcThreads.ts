import { availableParallelism } from 'node:os';
import { Rng } from '../core/random.js';
import { moduleWorker } from '../core/workers.js';
import { allocateOutput, outputBytes, planSimulation, simulateChunks, type McResult } from './mc.js';
import { normalize, type RoughHestonInput } from './params.js';

/** One asset as the problem file gives it: parameters (plain data, so that a worker thread can rebuild the model) and spot. */
export interface McAssetInput {
  params: RoughHestonInput;
  spot: number;
}

export interface McThreadsOptions {
  dates: number[];
  steps: number;
  paths: number;
  correlation: number[][];
  seed: number | string;
  /** Worker threads (default: the machine's cores); 1 runs on this thread. The numbers do not depend on it. */
  threads?: number;
}

/** What a worker of simulateRoughHestonThreads receives: the inputs, the shared output buffer and its chunks. */
export interface McWorkerData {
  assets: McAssetInput[];
  opts: Omit<McThreadsOptions, 'threads'>;
  buffer: SharedArrayBuffer;
  c0: number;
  c1: number;
}

/**
 * simulateRoughHeston (mc.ts) with the chunks of paths split over worker threads that write into one shared buffer.
 * Chunk c draws from Rng(seed).child('chunk-' + c) on whichever thread runs it: the same seed gives the same paths on
 * any number of threads.
 */
export async function simulateRoughHestonThreads(assets: McAssetInput[], opts: McThreadsOptions): Promise<McResult> {
  const models = assets.map((a) => ({ model: normalize(a.params), spot: a.spot }));
  const { threads = availableParallelism(), ...shared } = opts;
  const plan = planSimulation(models, shared);
  const T = opts.dates.length;
  const d = assets.length;
  const buffer = new SharedArrayBuffer(outputBytes(T, d, opts.paths));
  const out = allocateOutput(buffer, T, d, opts.paths);
  const n = Math.max(1, Math.min(threads, plan.chunks));
  if (n === 1) simulateChunks(models, plan, out, 0, plan.chunks, new Rng(opts.seed));
  else {
    const bounds = Array.from({ length: n + 1 }, (_, k) => Math.round((k * plan.chunks) / n));
    await Promise.all(
      bounds.slice(0, n).map(
        (c0, k) =>
          new Promise<void>((resolve, reject) => {
            const data: McWorkerData = { assets, opts: shared, buffer, c0, c1: bounds[k + 1] };
            const worker = moduleWorker(import.meta.url, 'mcWorker', data);
            worker.once('message', () => resolve());
            worker.once('error', reject);
            worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rough Heston Monte Carlo worker exited with code ${code}`))));
          }),
      ),
    );
  }
  return { dates: opts.dates, ...out, factors: plan.factors };
}
