import gamma from '@stdlib/math-base-special-gamma';
import { roughKernel } from './wasm.js';
import { fractionalKernelSoe } from './soe.js';

/**
 * Fractional Adams-Moulton (implicit product trapezoid, [DFF02]'s corrector) on a graded mesh for the fractional
 * Riccati equation of [ER19] sec. 5.1:
 *   psi(t) = I^alpha F(psi)(t) = int_0^t (t-s)^(alpha-1)/Gamma(alpha) F(psi(s)) ds,  F(psi) = c0 + c1 psi + c2 psi^2
 * (complex, one equation per argument w). F is replaced by its piecewise-linear interpolant on the graded mesh
 * t_k = T (k/n)^GRADING ([SOG17], [LRY18]), the history before t_k by exact product integration or, for many steps,
 * by a sum of exponentials of the kernel ([JZZZ17], soe.ts), and each step's equation, quadratic in psi, is solved
 * exactly, taking the root that tends to the explicit value as the step goes to 0 (the attracting one, as in [AMST07]).
 * Being implicit it needs no step-size limit for stability (an explicit predictor diverges unless
 * dt (u nu)^(1/alpha) < 2); the mesh resolves the t^alpha start, so the error falls as n^-2 (a unit test against
 * the Mittag-Leffler solution of the linear equation).
 * Struct of arrays, index k*m + j.
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
  /** The mesh t_0 = 0 < ... < t_n = T. */
  t: Float64Array;
  /** psi(t_k) and F(psi(t_k)), k = 0..n, length (n+1)*m. */
  psiRe: Float64Array;
  psiIm: Float64Array;
  fRe: Float64Array;
  fIm: Float64Array;
}

/** Mesh grading t_k = T (k/n)^GRADING (gradedMesh): 2 gave the smallest errors at a given n among 1..4 (H = 0.1, T = 0.25, u up to 160). */
const GRADING = 2;
/** Relative accuracy of the kernel's sum of exponentials: far below the scheme's own error. */
const SOE_TOL = 1e-8;

export function gradedMesh(T: number, n: number): Float64Array {
  return Float64Array.from({ length: n + 1 }, (_, k) => T * (k / n) ** GRADING);
}

/**
 * Product-integration weights of I^beta F(t_r) = int_0^t_r k_beta(t_r - s) F(s) ds for F linear between the mesh
 * points t_0..t_r ([DFF02]'s product trapezoid, the kernel's productRow): the weight of F(t_i), i = 0..r.
 */
export function productWeights(beta: number, t: Float64Array, r: number): Float64Array {
  const kernel = roughKernel();
  const { ptr, view } = kernel.place([t.length, r + 1]);
  view[0].set(t);
  kernel.productRow(beta, gammaOf(beta), ptr[0], r, ptr[1]);
  return view[1].slice();
}

/**
 * Step counts up to this take the history exactly (O(n^2) per equation); above, from the kernel's sum of exponentials
 * (O(n N), N about 50-60 modes at SOE_TOL), which costs less from about this n on (measured with 232 equations: about
 * equal at 256 steps, the sum 1.2 times faster at 384 and 1.6 times at 512).
 */
export const EXACT_HISTORY_STEPS = 256;

/** Per-(alpha, T, n) data that recurs across frequency bands and refinements, kept for the next solve. */
const memo = new Map<string, unknown>();
function remember<V>(key: string, make: () => V): V {
  if (!memo.has(key)) {
    if (memo.size >= 64) memo.clear();
    memo.set(key, make());
  }
  return memo.get(key) as V;
}

/** Gamma(beta), once per beta. */
const gammaOf = (beta: number) => remember(`gamma/${beta}`, () => gamma(beta));

/** Where solveFractionalRiccati's arrays are in the kernel's memory (byte offsets). */
interface Placed {
  m: number;
  fRe: number;
  fIm: number;
  hRe: number;
  hIm: number;
}

/**
 * How psi(t_(k+1)) sees the past: the arrays it needs in the kernel's memory (a Float64Array is copied in, a number
 * is that many zeros); before step k, the history's share of psi(t_(k+1)) in (hRe, hIm), and the weights [w0, w1]
 * of F(t_k) and F(t_(k+1)) that the step adds.
 */
interface History {
  arrays: (Float64Array | number)[];
  before(k: number, mine: number[], at: Placed): [number, number];
}

/**
 * The history by product integration on every earlier interval: row r (at r (r + 1) / 2) weighs F(t_0..t_r) for
 * psi(t_r); the step takes its last entry, the rest is the history.
 */
function exactHistory(alpha: number, t: Float64Array): History {
  const n = t.length - 1;
  const row = (r: number) => (r * (r + 1)) / 2;
  const rows = remember(`exact/${alpha}/${t[n]}/${n}`, () => {
    const kernel = roughKernel();
    const { ptr, view } = kernel.place([t.length, row(n + 1)]);
    view[0].set(t);
    const g = gammaOf(alpha);
    for (let r = 1; r <= n; r++) kernel.productRow(alpha, g, ptr[0], r, ptr[1] + 8 * row(r));
    return view[1].slice();
  });
  return {
    arrays: [rows],
    before(k, [w], at) {
      const r = k + 1;
      roughKernel().rowSum(at.m, r, w + 8 * row(r), at.fRe, at.fIm, at.hRe, at.hIm);
      return [0, rows[row(r) + r]];
    },
  };
}

/**
 * The history by the kernel's sum of exponentials ([JZZZ17], soe.ts): N modes per equation, moved over each step
 * before the next; the step adds the last interval's weights.
 */
function soeHistory(alpha: number, t: Float64Array, m: number): History {
  const n = t.length - 1;
  const T = t[n];
  const { soe, last } = remember(`soe/${alpha}/${t[1]}/${T}`, () => ({
    soe: fractionalKernelSoe(alpha, t[1], T, SOE_TOL),
    last: Array.from({ length: n }, (_, k) => productWeights(alpha, t.subarray(k, k + 2), 1)),
  }));
  const N = soe.x.length;
  return {
    arrays: [soe.x, soe.c, 4 * N, N * m, N * m],
    before(k, [x, c, scratch, Mre, Mim], at) {
      if (k > 0) {
        const o0 = 8 * (k - 1) * m;
        const o1 = o0 + 8 * m;
        roughKernel().soeHistory(m, N, x, c, t[k] - t[k - 1], t[k + 1] - t[k], scratch, Mre, Mim, at.fRe + o0, at.fIm + o0, at.fRe + o1, at.fIm + o1, at.hRe, at.hIm);
      }
      return [last[k][0], last[k][1]];
    },
  };
}

/**
 * Runs the scheme on the graded mesh t of n steps over [0, T], the history exactly up to EXACT_HISTORY_STEPS steps
 * and by the sum of exponentials above (or as `history` says); the loops run in the kernel (wasm.ts). Places
 * `extra` arrays after its own (a Float64Array is copied in, a number is that many zeros) and returns where everything is: c0, c1 (re, im), h (re, im), psi (re, im),
 * F (re, im), then the extra arrays, then the history's.
 */
function run(b: RiccatiBatch, alpha: number, t: Float64Array, history: 'exact' | 'soe', extra: (Float64Array | number)[]): { ptr: number[]; view: Float64Array[] } {
  const m = b.m;
  const n = t.length - 1;
  const past = history === 'exact' ? exactHistory(alpha, t) : soeHistory(alpha, t, m);
  const size = (n + 1) * m;
  const own = [b.c0re, b.c0im, b.c1re, b.c1im, m, m, size, size, size, size, ...extra];
  const arrays = [...own, ...past.arrays];
  const kernel = roughKernel();
  const placed = kernel.place(arrays.map((a) => (typeof a === 'number' ? a : a.length)));
  const { ptr, view } = placed;
  arrays.forEach((a, i) => typeof a !== 'number' && view[i].set(a));
  view[8].set(b.c0re);
  view[9].set(b.c0im);
  const [c0re, c0im, c1re, c1im, hRe, hIm, psiRe, psiIm, fRe, fIm] = ptr;
  const at: Placed = { m, fRe, fIm, hRe, hIm };
  const mine = ptr.slice(own.length);
  for (let k = 0; k < n; k++) {
    const [w0, w1] = past.before(k, mine, at);
    const o0 = 8 * k * m;
    const o1 = o0 + 8 * m;
    kernel.implicitStep(m, b.c2, c0re, c0im, c1re, c1im, hRe, hIm, w0, w1, fRe + o0, fIm + o0, psiRe + o1, psiIm + o1, fRe + o1, fIm + o1);
  }
  return placed;
}

/** Which history a run of n steps takes by default. */
const historyFor = (n: number): 'exact' | 'soe' => (n <= EXACT_HISTORY_STEPS ? 'exact' : 'soe');

/** Solves the batch on the graded mesh of n steps over [0, T]: psi and F(psi) at every mesh point. */
export function solveFractionalRiccati(b: RiccatiBatch, alpha: number, T: number, n: number, history = historyFor(n)): AdamsResult {
  const t = gradedMesh(T, n);
  const { view } = run(b, alpha, t, history, []);
  return { n, t, psiRe: view[6].slice(), psiIm: view[7].slice(), fRe: view[8].slice(), fIm: view[9].slice() };
}

/**
 * sum_k wF_k F(psi(t_k)) + wPsi_k psi(t_k) over the graded mesh t_k (gradedMesh(T, n), k = 0..n) for every
 * equation of the batch, summed in the kernel without copying the solution out.
 */
export function integrateFractionalRiccati(b: RiccatiBatch, alpha: number, T: number, n: number, wF: Float64Array, wPsi: Float64Array, history = historyFor(n)): { re: Float64Array; im: Float64Array } {
  const m = b.m;
  const { ptr, view } = run(b, alpha, gradedMesh(T, n), history, [wF, wPsi, 4 * m]);
  const kernel = roughKernel();
  const [psiRe, psiIm, fRe, fIm, pF, pPsi, out] = ptr.slice(6);
  kernel.rowSum(m, n + 1, pF, fRe, fIm, out, out + 8 * m);
  kernel.rowSum(m, n + 1, pPsi, psiRe, psiIm, out + 16 * m, out + 24 * m);
  const sums = view[12];
  return { re: Float64Array.from({ length: m }, (_, j) => sums[j] + sums[2 * m + j]), im: Float64Array.from({ length: m }, (_, j) => sums[m + j] + sums[3 * m + j]) };
}
