import { VmotError } from '../core/errors.js';

/** <K^H 1, 1> = sqrt(2H) / ((H + 1/2)(H + 3/2)) for K^H(t,s) = sqrt(2H)(t-s)^(H-1/2) (Friz-Wagenhofer sec. 3). */
export function kernelPairing(H: number): number {
  return Math.sqrt(2 * H) / ((H + 0.5) * (H + 1.5));
}

/** Components dS^i/S^i = f_i(W^_i) dW^i described by f_i(0), f_i'(0) and the Hurst index of W^_i. */
export interface IndexComponent {
  weight: number;
  f0: number;
  f1: number;
  H: number;
}

export interface IndexSmall {
  /** sigma_I^2: spot variance of the index. */
  variance: number;
  /** S_I: implied-variance skew d/dx sigma_impl^2 at x = 0 (small noise, unit time). */
  varianceSkew: number;
  /** S_I / (2 sigma_I): implied-volatility skew. */
  volSkew: number;
}

/**
 * Index spot variance and implied-variance skew in the small-noise regime, Friz-Wagenhofer eq. (9):
 *   sigma_I^2 = sum_ij w_i w_j rho_ij f_i0 f_j0,
 *   S_I = -sigma_I^2 + (sum_i w_i Sigma_i^2 (2 f'_i0 <K^H_i 1, 1> + f_i0^2)) / sigma_I^2,  Sigma_i = sum_j w_j rho_ij f_j0.
 * Weights must sum to 1 (index normalized to I_0 = 1 with S^i_0 = 1).
 */
export function indexSpotSkew(components: IndexComponent[], rho: number[][]): IndexSmall {
  const N = components.length;
  const wsum = components.reduce((s, c) => s + c.weight, 0);
  if (Math.abs(wsum - 1) > 1e-12) throw new VmotError(`must sum to 1 (they sum to ${wsum})`, 'weights');
  if (rho.length !== N || rho.some((r) => r.length !== N)) throw new VmotError(`must be a ${N}x${N} matrix`, 'correlation');
  const Sigma = components.map((_, i) => components.reduce((s, c, j) => s + c.weight * rho[i][j] * c.f0, 0));
  const variance = components.reduce((s, c, i) => s + c.weight * c.f0 * Sigma[i], 0);
  const num = components.reduce((s, c, i) => s + c.weight * Sigma[i] ** 2 * (2 * c.f1 * kernelPairing(c.H) + c.f0 ** 2), 0);
  const varianceSkew = -variance + num / variance;
  return { variance, varianceSkew, volSkew: varianceSkew / (2 * Math.sqrt(variance)) };
}

/** Rough Bergomi component sigma e^(-eta W^) (Example 14): f_i0 = sigma_i, f'_i0 = -eta_i sigma_i. */
export function roughBergomiComponent(weight: number, sigma: number, eta: number, H: number): IndexComponent {
  return { weight, f0: sigma, f1: -eta * sigma, H };
}
