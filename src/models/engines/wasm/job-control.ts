import type { AdamOptions } from '../contract.js';
import type { Job, JobSpec } from './fused-step.js';

/**
 * Slots of the Int32 control block shared by WasmEngine and its workers: gamma and Adam's alpha are float64s over
 * slots 10-11 and 12-13 (so every thread uses the caller's exact values); per-network multiplier flags follow
 * `mult`, then per-network row counts.
 */
export const CTRL = { gen: 0, done: 1, quit: 2, error: 3, job: 4, net: 5, rows: 6, capacity: 7, next: 8, gamma: 10, alpha: 12, mult: 14 } as const;

export function controlBlock(nets: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((CTRL.mult + 2 * nets) * 4));
}

export function writeJob(ctrl: Int32Array, spec: JobSpec): void {
  ctrl[CTRL.job] = spec.job;
  ctrl[CTRL.net] = spec.net;
  ctrl[CTRL.rows] = spec.rows;
  ctrl[CTRL.capacity] = spec.capacity;
  ctrl[CTRL.next] = 0;
  new Float64Array(ctrl.buffer)[CTRL.gamma / 2] = spec.gamma;
  new Float64Array(ctrl.buffer)[CTRL.alpha / 2] = spec.alpha;
  spec.hasMult.forEach((m, k) => (ctrl[CTRL.mult + k] = m ? 1 : 0));
  spec.netRows.forEach((n, k) => (ctrl[CTRL.mult + spec.hasMult.length + k] = n));
}

/** Takes the next chunk of the current job. */
export function nextChunk(ctrl: Int32Array): number {
  return Atomics.add(ctrl, CTRL.next, 1);
}

export function readJob(ctrl: Int32Array, integralWeights: number[], adam: AdamOptions): JobSpec {
  return {
    job: ctrl[CTRL.job] as Job,
    net: ctrl[CTRL.net],
    rows: ctrl[CTRL.rows],
    capacity: ctrl[CTRL.capacity],
    gamma: new Float64Array(ctrl.buffer)[CTRL.gamma / 2],
    alpha: new Float64Array(ctrl.buffer)[CTRL.alpha / 2],
    adam,
    integralWeights,
    hasMult: integralWeights.map((_, k) => ctrl[CTRL.mult + k] === 1),
    netRows: integralWeights.map((_, k) => ctrl[CTRL.mult + integralWeights.length + k]),
  };
}
