import { gamma } from 'mathjs';

/**
 * Fractional Adams predictor-corrector (Diethelm-Ford-Freed 2002; El Euch-Rosenbaum 2019 sec. 5.1) for
 *   D^alpha psi = F(psi),  psi(0) = 0,  F(psi) = c0 + c1 psi + c2 psi^2  (complex, one equation per argument w),
 * on the uniform grid t_k = k T/n, all arguments at once (struct of arrays, index k*m + j).
 * Returns F(psi(t_k)) at every grid point (the corrected values), from which the log-characteristic function follows.
 */
export interface RiccatiBatch {
  /** Number of equations and their coefficients (re, im). */
  m: number;
  c0re: Float64Array;
  c0im: Float64Array;
  c1re: Float64Array;
  c1im: Float64Array;
  /** c2 is real and the same for all equations (nu^2/2 in rough Heston). */
  c2: number;
}

export interface AdamsResult {
  n: number;
  dt: number;
  /** psi(t_k) and F(psi(t_k)), k = 0..n, length (n+1)*m. */
  psiRe: Float64Array;
  psiIm: Float64Array;
  fRe: Float64Array;
  fIm: Float64Array;
}

/** Product-integration weights of I^beta applied to the piecewise-linear interpolant, at t_{k+1} (Diethelm eq. for a_{j,k+1}). */
export function correctorWeights(beta: number, k: number, dt: number): Float64Array {
  const c = dt ** beta / (gamma(beta + 2) as number);
  const w = new Float64Array(k + 2);
  w[0] = c * (k ** (beta + 1) - (k - beta) * (k + 1) ** beta);
  for (let j = 1; j <= k; j++) w[j] = c * ((k - j + 2) ** (beta + 1) + (k - j) ** (beta + 1) - 2 * (k - j + 1) ** (beta + 1));
  w[k + 1] = c;
  return w;
}

export function solveFractionalRiccati(b: RiccatiBatch, alpha: number, T: number, n: number): AdamsResult {
  const m = b.m;
  const dt = T / n;
  const psiRe = new Float64Array((n + 1) * m);
  const psiIm = new Float64Array((n + 1) * m);
  const fRe = new Float64Array((n + 1) * m);
  const fIm = new Float64Array((n + 1) * m);
  // predictor weights depend on k-j only: bw[l] = dt^a/Gamma(a+1) ((l+1)^a - l^a)
  const ga1 = gamma(alpha + 1) as number;
  const bw = new Float64Array(n);
  for (let l = 0; l < n; l++) bw[l] = (dt ** alpha / ga1) * ((l + 1) ** alpha - l ** alpha);
  // corrector weights for 1 <= j <= k depend on k-j only: aw[l] = c ((l+2)^(a+1) + l^(a+1) - 2 (l+1)^(a+1))
  const ca = dt ** alpha / (gamma(alpha + 2) as number);
  const aw = new Float64Array(n);
  for (let l = 0; l < n; l++) aw[l] = ca * ((l + 2) ** (alpha + 1) + l ** (alpha + 1) - 2 * (l + 1) ** (alpha + 1));
  for (let j = 0; j < m; j++) {
    fRe[j] = b.c0re[j];
    fIm[j] = b.c0im[j];
  }
  const pRe = new Float64Array(m);
  const pIm = new Float64Array(m);
  const qRe = new Float64Array(m);
  const qIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    pRe.fill(0);
    pIm.fill(0);
    // corrector history: j = 0 weight a0, 1..k weights aw[k-j]
    const a0 = ca * (k ** (alpha + 1) - (k - alpha) * (k + 1) ** alpha);
    for (let j = 0; j < m; j++) {
      qRe[j] = a0 * fRe[j];
      qIm[j] = a0 * fIm[j];
    }
    for (let i = 0; i <= k; i++) {
      const wb = bw[k - i];
      const wa = i === 0 ? 0 : aw[k - i];
      const off = i * m;
      for (let j = 0; j < m; j++) {
        const fr = fRe[off + j];
        const fi = fIm[off + j];
        pRe[j] += wb * fr;
        pIm[j] += wb * fi;
        qRe[j] += wa * fr;
        qIm[j] += wa * fi;
      }
    }
    const off = (k + 1) * m;
    for (let j = 0; j < m; j++) {
      // predicted F, then corrected psi and its F
      let xr = pRe[j];
      let xi = pIm[j];
      let fr = b.c0re[j] + b.c1re[j] * xr - b.c1im[j] * xi + b.c2 * (xr * xr - xi * xi);
      let fi = b.c0im[j] + b.c1re[j] * xi + b.c1im[j] * xr + b.c2 * 2 * xr * xi;
      xr = qRe[j] + ca * fr;
      xi = qIm[j] + ca * fi;
      fr = b.c0re[j] + b.c1re[j] * xr - b.c1im[j] * xi + b.c2 * (xr * xr - xi * xi);
      fi = b.c0im[j] + b.c1re[j] * xi + b.c1im[j] * xr + b.c2 * 2 * xr * xi;
      psiRe[off + j] = xr;
      psiIm[off + j] = xi;
      fRe[off + j] = fr;
      fIm[off + j] = fi;
    }
  }
  return { n, dt, psiRe, psiIm, fRe, fIm };
}
