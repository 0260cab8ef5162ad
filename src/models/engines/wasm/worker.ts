import { parentPort, workerData } from 'node:worker_threads';
import type { AdamOptions } from '../contract.js';
import { runJob, type Layout } from './fused-step.js';
import { instantiateKernel, type KernelSource } from './kernels.js';
import { CTRL, nextChunk, readJob } from './job-control.js';

/** Worker thread of WasmEngine: waits on the shared control block and runs its share of each job. */
interface WorkerInit {
  tid: number;
  layout: Layout;
  memory: WebAssembly.Memory;
  kernel: KernelSource;
  ctrl: SharedArrayBuffer;
  integralWeights: number[];
  adam: AdamOptions;
}

const init = workerData as WorkerInit;
const kernel = instantiateKernel(init.kernel, init.memory);
const ctrl = new Int32Array(init.ctrl);
parentPort!.postMessage('ready');
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.gen, gen);
  gen = Atomics.load(ctrl, CTRL.gen);
  if (Atomics.load(ctrl, CTRL.quit)) break;
  try {
    runJob(init.layout, kernel, init.memory, init.tid, readJob(ctrl, init.integralWeights, init.adam), () => nextChunk(ctrl));
  } catch (e) {
    Atomics.store(ctrl, CTRL.error, 1);
    parentPort!.postMessage(String((e as Error)?.stack ?? e));
  }
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
