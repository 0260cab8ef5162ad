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

/**
 * Default batch: 16384 for the reduced form, whose networks are scalar (cheap on the stratified grid); the full form's
 * holdings see every row, so 8192 up to d = 4 and 16384 from d = 5, where the gradient noise of 8192 left the
 * potentials above their minimum (Table 2 at d = 5, seeds 7 / 8 / 9: +1.19% / +0.50% / +0.28% at 8192 in 112-127 s,
 * +0.90% / +0.37% / +0.17% at 16384 in 196-212 s; drawn d = 7 +1.63% to +0.36%, d = 10 +0.43% to +0.41% in 476 s;
 * timed at 414c961, before the next batch was drawn during the step: d = 5 and 10 at 16384 now take 156 s and 301 s).
 */
export function defaultBatch(kind: FormulationKind, d: number): number {
  return kind === 'full' && d < 5 ? 8192 : 16384;
}

/**
 * Default final penalty, fitted on Table 2 and the null cost: reduced form 40000 (k - 2)^2 for its k = 1 + (T - 1) d
 * quantile variables; full form 40000 at any d: theta's structured rows lie on the Gaussian optimum at every date
 * (sampler.ts), so the Gaussian optimal coupling pi has a bounded density against theta and the penalty's bias, at most
 * E_theta[beta*(d pi / d theta)] / gamma (the dual of (4.7) at mu = pi), is small without a large gamma; a larger one
 * makes the potentials overshoot as it rises (Table 2 drawn at d = 10: +0.46% at 40000, +5.6% at 8e5).
 */
export function defaultGamma(kind: FormulationKind, T: number, d: number): number {
  return kind === 'reduced' ? 40000 * Math.max(1, (T - 1) * d - 1) ** 2 : 40000;
}
