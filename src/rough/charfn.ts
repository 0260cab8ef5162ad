import { gradedMesh, integrateFractionalRiccati, productWeights } from './adams.js';
import type { RoughHeston } from './params.js';

/** Complex arguments w (struct of arrays). */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

/**
 * Log of the moment generating function log E[exp(w X_T)], X_T = log(S_T / F_T), for complex w
 * (El Euch-Rosenbaum 2019 Thm 2.1 / Abi Jaber-Larsson-Pulido 2019 Thm 4.3):
 *   D^alpha psi = F(w, psi) = (w^2 - w)/2 + (rho nu w - kappa) psi + nu^2/2 psi^2,  psi(0) = 0,
 *   (v0, theta):  log E = v0 int_0^T F(w, psi) ds + kappa theta int_0^T psi ds,
 *   curve xi0:    log E = int_0^T (F(w, psi(s)) + kappa psi(s)) xi0(T - s) ds.
 * The characteristic function at u is w = i u. `n` steps of the graded mesh (adams.ts).
 */
export function logMgf(model: RoughHeston, T: number, w: ComplexArray, n: number): ComplexArray {
  const m = w.re.length;
  const c0re = new Float64Array(m);
  const c0im = new Float64Array(m);
  const c1re = new Float64Array(m);
  const c1im = new Float64Array(m);
  const { rho, nu, kappa } = model;
  for (let j = 0; j < m; j++) {
    const a = w.re[j];
    const b = w.im[j];
    c0re[j] = 0.5 * (a * a - b * b - a);
    c0im[j] = b * (a - 0.5);
    c1re[j] = rho * nu * a - kappa;
    c1im[j] = rho * nu * b;
  }
  const t = gradedMesh(T, n);
  // trapezoid weights on the mesh
  const trap = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    trap[k] += (t[k + 1] - t[k]) / 2;
    trap[k + 1] += (t[k + 1] - t[k]) / 2;
  }
  const v = model.variance;
  // curve: (F + kappa psi)(s) xi0(T - s) by the trapezoid; (v0, theta): int F = I^1 F (trapezoid) and
  // int psi = I^(alpha+1) F, both exact for the piecewise-linear F the scheme assumes
  const curve = v.kind === 'curve' && v.flat === undefined;
  const [cF, cPsi] = v.kind === 'v0' ? [v.v0, kappa * v.theta] : [v.flat ?? 0, kappa * (v.flat ?? 0)];
  const wF = curve ? Float64Array.from(trap, (w, k) => w * v.xi0(T - t[k])) : trap.map((w) => cF * w);
  const wPsi = curve ? wF.map((w) => kappa * w) : new Float64Array(n + 1);
  if (!curve) {
    const w = productWeights(model.alpha + 1, t, n);
    for (let k = 0; k <= n; k++) wF[k] += cPsi * w[k];
  }
  return integrateFractionalRiccati({ m, c0re, c0im, c1re, c1im, c2: 0.5 * nu * nu }, model.alpha, T, n, wF, wPsi);
}
