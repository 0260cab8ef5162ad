import gamma from '@stdlib/math-base-special-gamma';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { gaussLegendre } from '../math/quadrature.js';

/** A sum of exponentials sum_j c_j exp(-x_j tau). */
export interface Soe {
  x: Float64Array;
  c: Float64Array;
  /** Largest relative error against the kernel on [delta, T], measured on a log grid of 400 points. */
  error: number;
}

/**
 * Sum-of-exponentials approximation of the fractional kernel k(tau) = tau^(alpha-1) / Gamma(alpha) on [delta, T]
 * (Jiang-Zhang-Zhang-Zhang 2017, sec. 2; Beylkin-Monzon 2010), from its Laplace form
 *   k(tau) = 1 / (Gamma(alpha) Gamma(1-alpha)) int_0^inf x^(-alpha) exp(-x tau) dx,   0 < alpha < 1:
 * on [0, 1/T] by Gauss-Jacobi with the weight x^(-alpha) (exp(-x tau) is entire there), on [1/T, X] by
 * Gauss-Legendre panels of width 2 in y = log x, with X where exp(-X delta) is below the tolerance.
 * Refines (more nodes) until the measured relative error is below `tol`.
 */
export function fractionalKernelSoe(alpha: number, delta: number, T: number, tol = 1e-10): Soe {
  if (alpha === 1) return { x: Float64Array.of(0), c: Float64Array.of(1), error: 0 };
  const C = 1 / (gamma(alpha) * gamma(1 - alpha));
  const gammaAlpha = gamma(alpha);
  const kernel = (t: number) => t ** (alpha - 1) / gammaAlpha;
  for (let order = 2; ; order += 2) {
    const x: number[] = [];
    const c: number[] = [];
    const x0 = 1 / T;
    const g = gaussJacobi(order, -alpha);
    for (let i = 0; i < order; i++) {
      x.push((x0 * (1 + g.t[i])) / 2);
      c.push(C * (x0 / 2) ** (1 - alpha) * g.w[i]);
    }
    const p = gaussLegendre(order + 4);
    const yMax = Math.log(Math.log(1 / tol) / delta) + 1;
    for (let a = Math.log(x0); a < yMax; a += 2) {
      for (let i = 0; i < p.x.length; i++) {
        const xi = Math.exp(a + 1 + p.x[i]);
        x.push(xi);
        // x^(-alpha) dx = x^(1-alpha) dy
        c.push(C * p.w[i] * xi ** (1 - alpha));
      }
    }
    const soe = { x: Float64Array.from(x), c: Float64Array.from(c), error: 0 };
    for (let k = 0; k <= 400; k++) {
      const t = delta * (T / delta) ** (k / 400);
      let s = 0;
      for (let j = 0; j < soe.x.length; j++) s += soe.c[j] * Math.exp(-soe.x[j] * t);
      soe.error = Math.max(soe.error, Math.abs(s / kernel(t) - 1));
    }
    if (soe.error <= tol || order >= 24) return soe;
  }
}

/**
 * Gauss-Jacobi nodes and weights on [-1, 1] for the weight (1 + t)^b, b > -1 (Golub-Welsch 1969: eigenvalues of
 * the Jacobi matrix of the recurrence of P^(0, b), weights from the first components of its eigenvectors).
 */
export function gaussJacobi(n: number, b: number): { t: Float64Array; w: Float64Array } {
  const J = Matrix.zeros(n, n);
  for (let k = 0; k < n; k++) {
    const s = 2 * k + b;
    J.set(k, k, (b * b) / (s * (s + 2)));
    if (k + 1 < n) {
      const m = k + 1;
      const q = 2 * m + b;
      const off = Math.sqrt((4 * m * m * (m + b) * (m + b)) / (q * q * (q + 1) * (q - 1)));
      J.set(k, k + 1, off);
      J.set(k + 1, k, off);
    }
  }
  const e = new EigenvalueDecomposition(J, { assumeSymmetric: true });
  const mu0 = 2 ** (b + 1) / (b + 1);
  const V = e.eigenvectorMatrix;
  return { t: Float64Array.from(e.realEigenvalues), w: Float64Array.from({ length: n }, (_, i) => mu0 * V.get(0, i) ** 2) };
}
