import type { Job, JobSpec } from './fused-step.js';

/** Slots of the Int32 control block shared by WasmEngine and its workers; per-network multiplier flags follow `mult`. */
export const CTRL = { gen: 0, done: 1, quit: 2, error: 3, job: 4, net: 5, rows: 6, capacity: 7, next: 8, mult: 9 } as const;

export function controlBlock(nets: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((CTRL.mult + nets) * 4));
}

export function writeJob(ctrl: Int32Array, spec: JobSpec): void {
  ctrl[CTRL.job] = spec.job;
  ctrl[CTRL.net] = spec.net;
  ctrl[CTRL.rows] = spec.rows;
  ctrl[CTRL.capacity] = spec.capacity;
  ctrl[CTRL.next] = 0;
  spec.hasMult.forEach((m, k) => (ctrl[CTRL.mult + k] = m ? 1 : 0));
}

/** Takes the next chunk of the current job. */
export function nextChunk(ctrl: Int32Array): number {
  return Atomics.add(ctrl, CTRL.next, 1);
}

export function readJob(ctrl: Int32Array, gamma: number, integralWeights: number[]): JobSpec {
  return {
    job: ctrl[CTRL.job] as Job,
    net: ctrl[CTRL.net],
    rows: ctrl[CTRL.rows],
    capacity: ctrl[CTRL.capacity],
    gamma,
    integralWeights,
    hasMult: integralWeights.map((_, k) => ctrl[CTRL.mult + k] === 1),
  };
}
