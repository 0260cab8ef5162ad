import { correctorWeights, solveFractionalRiccati } from './adams.js';
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
 * The characteristic function at u is w = i u. `n` Adams steps.
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
  const sol = solveFractionalRiccati({ m, c0re, c0im, c1re, c1im, c2: 0.5 * nu * nu }, model.alpha, T, n);
  const out = { re: new Float64Array(m), im: new Float64Array(m) };
  const v = model.variance;
  if (v.kind === 'curve' && v.flat === undefined) {
    // trapezoid in s on the Adams grid
    for (let k = 0; k <= n; k++) {
      const wt = (k === 0 || k === n ? 0.5 : 1) * sol.dt * v.xi0(T - k * sol.dt);
      const off = k * m;
      for (let j = 0; j < m; j++) {
        out.re[j] += wt * (sol.fRe[off + j] + kappa * sol.psiRe[off + j]);
        out.im[j] += wt * (sol.fIm[off + j] + kappa * sol.psiIm[off + j]);
      }
    }
    return out;
  }
  // int F = I^1 F (trapezoid), int psi = I^(alpha+1) F: both exact for the piecewise-linear F the corrector assumes
  const wPsi = correctorWeights(model.alpha + 1, n - 1, sol.dt);
  const [cF, cPsi] = v.kind === 'v0' ? [v.v0, kappa * v.theta] : [v.flat!, kappa * v.flat!];
  for (let k = 0; k <= n; k++) {
    const wt = cF * (k === 0 || k === n ? 0.5 : 1) * sol.dt + cPsi * wPsi[k];
    const off = k * m;
    for (let j = 0; j < m; j++) {
      out.re[j] += wt * sol.fRe[off + j];
      out.im[j] += wt * sol.fIm[off + j];
    }
  }
  return out;
}
