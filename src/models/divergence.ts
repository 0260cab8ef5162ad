import type { StepResult } from './engines/contract.js';

/**
 * Finite blow-ups of training, in the engine's units: the cost is (sign c - mean) / sd under theta, so a sound dual
 * value is a few units and a sound residual (c - phi)^+ below one. Beyond these the run has diverged (too large a
 * learning rate or penalty): it is stopped, never reported as a bound.
 */
const MAX_DUAL = 1e3;
const MAX_MEAN_SQUARE_RESIDUAL = 1e4;

/** Why this step shows a diverged run, or undefined when it does not. */
export function divergence(r: StepResult, gamma: number): string | undefined {
  if (!Number.isFinite(r.loss) || !Number.isFinite(r.value)) return `the loss is ${r.loss}`;
  if (Math.abs(r.value) > MAX_DUAL) return `the dual value is ${r.value.toExponential(2)} cost standard deviations (a sound one is a few)`;
  const meanSquare = (2 * (r.loss - r.value)) / gamma;
  if (meanSquare > MAX_MEAN_SQUARE_RESIDUAL) return `the mean squared hedge shortfall is ${meanSquare.toExponential(2)} squared cost standard deviations`;
  return undefined;
}
