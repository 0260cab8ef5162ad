import type { FormulationKind } from '../problem/formulation.js';

/** Default training steps (fitted on Table 2 of HLPS23, docs/bibliography.md): 3000 for the reduced form, 6000 for the full form (its d-input holdings learn slower). */
export function defaultSteps(kind: FormulationKind): number {
  return kind === 'reduced' ? 3000 : 6000;
}

/**
 * Default width of the holdings networks h: the full form's d-input holdings see every row of the batch (the scalar
 * networks only the grid's distinct levels) and dominate a step's cost; from d = 5 they get half the width (Table 2 at
 * d = 5: 35 ms a step instead of 66, and 6000 steps at width 32 as accurate as 12000 at 64).
 */
export function defaultHoldingsWidth(kind: FormulationKind, d: number, width: number): number {
  return kind === 'full' && d >= 5 ? Math.max(1, Math.floor(width / 2)) : width;
}

/** Default batch: the reduced form's networks are scalar (cheap on the stratified grid); the full form's holdings see every row. */
export const DEFAULT_BATCH = { reduced: 16384, full: 8192 } as const;

/**
 * Default final penalty, fitted on Table 2 and the null cost: reduced form 40000 (k - 2)^2 for its k = 1 + (T - 1) d
 * quantile variables; full form 40000 (d - 1)^3 up to 8e5: its 2d-dimensional theta is further from the singular optimal
 * coupling (at d = 2 a larger gamma loses the null-cost identity); with the comonotone share of theta a larger gamma leaves
 * the potentials unconverged (d = 5: +1.9% / +2.8% at 1.6e6, -0.7% / -1.0% at 8e5, seeds 7 / 8).
 */
export function defaultGamma(kind: FormulationKind, T: number, d: number): number {
  return kind === 'reduced' ? 40000 * Math.max(1, (T - 1) * d - 1) ** 2 : Math.min(8e5, 40000 * Math.max(1, d - 1) ** 3);
}
