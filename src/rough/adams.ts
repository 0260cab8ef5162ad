import gamma from '@stdlib/math-base-special-gamma';
import { fractionalKernelSoe } from './soe.js';

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
  const c = dt ** beta / gamma(beta + 2);
  const w = new Float64Array(k + 2);
  w[0] = c * (k ** (beta + 1) - (k - beta) * (k + 1) ** beta);
  for (let j = 1; j <= k; j++) w[j] = c * ((k - j + 2) ** (beta + 1) + (k - j) ** (beta + 1) - 2 * (k - j + 1) ** (beta + 1));
  w[k + 1] = c;
  return w;
}

/** Intervals nearest the current time whose weights are exact in the fast history scheme (the kernel's singularity). */
const LOCAL = 16;
/** Relative accuracy of the kernel's sum of exponentials: far below the Adams scheme's own error, with fewer modes than 1e-10. */
const SOE_TOL = 1e-8;
/** Above this many steps the fast history scheme is cheaper than the direct sums. */
const FAST_ABOVE = 400;

/**
 * Solves the batch on n uniform steps: by the direct O(n^2) history sums (solveExact) up to FAST_ABOVE steps or
 * with `history: 'exact'`, by the O(n) sum-of-exponentials history (solveFast) above, which agrees with it to about
 * 1e-8 relative (the kernel approximation's accuracy, SOE_TOL).
 */
export function solveFractionalRiccati(b: RiccatiBatch, alpha: number, T: number, n: number, history: 'auto' | 'exact' | 'fast' = 'auto'): AdamsResult {
  return history === 'exact' || (history === 'auto' && (n <= FAST_ABOVE || alpha === 1)) ? solveExact(b, alpha, T, n) : solveFast(b, alpha, T, n);
}

function solveExact(b: RiccatiBatch, alpha: number, T: number, n: number): AdamsResult {
  const m = b.m;
  const dt = T / n;
  const psiRe = new Float64Array((n + 1) * m);
  const psiIm = new Float64Array((n + 1) * m);
  const fRe = new Float64Array((n + 1) * m);
  const fIm = new Float64Array((n + 1) * m);
  // predictor weights depend on k-j only: bw[l] = dt^a/Gamma(a+1) ((l+1)^a - l^a)
  const ga1 = gamma(alpha + 1);
  const bw = new Float64Array(n);
  for (let l = 0; l < n; l++) bw[l] = (dt ** alpha / ga1) * ((l + 1) ** alpha - l ** alpha);
  // corrector weights for 1 <= j <= k depend on k-j only: aw[l] = c ((l+2)^(a+1) + l^(a+1) - 2 (l+1)^(a+1))
  const ca = dt ** alpha / gamma(alpha + 2);
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
  const sums: Sums = { pRe, pIm, qRe, qIm };
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
    // predicted F, then corrected psi and its F
    correct(b, sums, ca, fRe, fIm, psiRe, psiIm, (k + 1) * m);
  }
  return { n, dt, psiRe, psiIm, fRe, fIm };
}

/**
 * The same predictor-corrector, interval by interval: on [t_i, t_i+1] at distance l = k - i from t_k+1 the predictor
 * integrates the kernel against F_i (weight bw[l]) and the corrector against the linear interpolant of F_i, F_i+1
 * (weights W0[l], W1[l]). Intervals at distance >= LOCAL go through a sum of exponentials of the kernel
 * (soe.ts, valid on [LOCAL dt, T]), whose history is updated in O(1) per step and exponential
 * (Jiang-Zhang-Zhang-Zhang 2017, applied to the product-integration weights of Diethelm-Ford-Freed 2002).
 */
function solveFast(b: RiccatiBatch, alpha: number, T: number, n: number): AdamsResult {
  const m = b.m;
  const dt = T / n;
  const L = LOCAL;
  const psiRe = new Float64Array((n + 1) * m);
  const psiIm = new Float64Array((n + 1) * m);
  const fRe = new Float64Array((n + 1) * m);
  const fIm = new Float64Array((n + 1) * m);
  const ga = gamma(alpha);
  const ga1 = gamma(alpha + 1);
  const bw = new Float64Array(L);
  const W0 = new Float64Array(L);
  const W1 = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    bw[l] = (dt ** alpha / ga1) * ((l + 1) ** alpha - l ** alpha);
    const d1 = ((l + 1) ** alpha - l ** alpha) / alpha;
    const d2 = ((l + 1) ** (alpha + 1) - l ** (alpha + 1)) / (alpha + 1);
    W0[l] = (dt ** alpha / ga) * (d2 - l * d1);
    W1[l] = (dt ** alpha / ga) * ((l + 1) * d1 - d2);
  }
  const soe = fractionalKernelSoe(alpha, L * dt, T, SOE_TOL);
  const N = soe.x.length;
  // per mode: decay over a step, the step integrals against a constant and the two linear pieces, the weight at lag L
  const decay = new Float64Array(N);
  const g = new Float64Array(N);
  const A = new Float64Array(N);
  const B = new Float64Array(N);
  const cw = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const z = soe.x[j] * dt;
    decay[j] = Math.exp(-z);
    g[j] = z < 1e-8 ? dt : (-Math.expm1(-z) / z) * dt;
    if (z < 1e-2) {
      A[j] = dt * (1 / 2 - z / 3 + (z * z) / 8 - (z * z * z) / 30 + (z * z * z * z) / 144 - (z * z * z * z * z) / 840);
      B[j] = dt * (1 / 2 - z / 6 + (z * z) / 24 - (z * z * z) / 120 + (z * z * z * z) / 720 - (z * z * z * z * z) / 5040);
    } else {
      A[j] = (dt * (1 - Math.exp(-z) * (1 + z))) / (z * z);
      B[j] = (dt * (z - 1 + Math.exp(-z))) / (z * z);
    }
    cw[j] = soe.c[j] * Math.exp(-soe.x[j] * L * dt);
  }
  const hpRe = new Float64Array(N * m);
  const hpIm = new Float64Array(N * m);
  const hcRe = new Float64Array(N * m);
  const hcIm = new Float64Array(N * m);
  for (let j = 0; j < m; j++) {
    fRe[j] = b.c0re[j];
    fIm[j] = b.c0im[j];
  }
  const pRe = new Float64Array(m);
  const pIm = new Float64Array(m);
  const qRe = new Float64Array(m);
  const qIm = new Float64Array(m);
  const hist: History = { N, decay, g, A, B, cw, hpRe, hpIm, hcRe, hcIm };
  const sums: Sums = { pRe, pIm, qRe, qIm };
  const ca = W1[0];
  for (let k = 0; k < n; k++) {
    const first = k - L + 1;
    // interval [t_{first-1}, t_first] leaves the local window: into the history of every mode
    if (first >= 1) historyStep(hist, sums, fRe, fIm, (first - 1) * m, m);
    else sums.pRe.fill(0), sums.pIm.fill(0), sums.qRe.fill(0), sums.qIm.fill(0);
    // the local window: intervals i = max(0, first) .. k at distance l = k - i
    for (let i = Math.max(0, first); i <= k; i++) localStep(sums, fRe, fIm, i * m, m, bw[k - i], W0[k - i], i < k ? W1[k - i] : 0);
    correct(b, sums, ca, fRe, fIm, psiRe, psiIm, (k + 1) * m);
  }
  return { n, dt, psiRe, psiIm, fRe, fIm };
}

interface History {
  N: number;
  decay: Float64Array;
  g: Float64Array;
  A: Float64Array;
  B: Float64Array;
  cw: Float64Array;
  hpRe: Float64Array;
  hpIm: Float64Array;
  hcRe: Float64Array;
  hcIm: Float64Array;
}

interface Sums {
  pRe: Float64Array;
  pIm: Float64Array;
  qRe: Float64Array;
  qIm: Float64Array;
}

/** Moves the interval starting at offset o0 (F there and at o0 + m) into every mode's history; sets the sums to the history's share. */
function historyStep(h: History, s: Sums, fRe: Float64Array, fIm: Float64Array, o0: number, m: number): void {
  const { N, decay, g, A, B, cw, hpRe, hpIm, hcRe, hcIm } = h;
  const o1 = o0 + m;
  for (let j = 0; j < m; j++) {
    const f0r = fRe[o0 + j];
    const f0i = fIm[o0 + j];
    const f1r = fRe[o1 + j];
    const f1i = fIm[o1 + j];
    let sPr = 0;
    let sPi = 0;
    let sCr = 0;
    let sCi = 0;
    const base = j * N;
    for (let q = 0; q < N; q++) {
      const e = decay[q];
      const pr = e * hpRe[base + q] + g[q] * f0r;
      const pi = e * hpIm[base + q] + g[q] * f0i;
      const cr = e * hcRe[base + q] + A[q] * f0r + B[q] * f1r;
      const ci = e * hcIm[base + q] + A[q] * f0i + B[q] * f1i;
      hpRe[base + q] = pr;
      hpIm[base + q] = pi;
      hcRe[base + q] = cr;
      hcIm[base + q] = ci;
      const w = cw[q];
      sPr += w * pr;
      sPi += w * pi;
      sCr += w * cr;
      sCi += w * ci;
    }
    s.pRe[j] = sPr;
    s.pIm[j] = sPi;
    s.qRe[j] = sCr;
    s.qIm[j] = sCi;
  }
}

/** Adds one local interval (F at offset o0 and o0 + m) with its exact weights: predictor wb, corrector w0 and w1. */
function localStep(s: Sums, fRe: Float64Array, fIm: Float64Array, o0: number, m: number, wb: number, w0: number, w1: number): void {
  const { pRe, pIm, qRe, qIm } = s;
  const o1 = o0 + m;
  for (let j = 0; j < m; j++) {
    const fr = fRe[o0 + j];
    const fi = fIm[o0 + j];
    pRe[j] += wb * fr;
    pIm[j] += wb * fi;
    qRe[j] += w0 * fr + w1 * fRe[o1 + j];
    qIm[j] += w0 * fi + w1 * fIm[o1 + j];
  }
}

/** Predicts psi from the predictor sums, evaluates F, corrects with weight ca on the predicted F, stores psi and F at offset off. */
function correct(b: RiccatiBatch, s: Sums, ca: number, fRe: Float64Array, fIm: Float64Array, psiRe: Float64Array, psiIm: Float64Array, off: number): void {
  const { pRe, pIm, qRe, qIm } = s;
  for (let j = 0; j < b.m; j++) {
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
