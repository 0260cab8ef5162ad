import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { VmotError } from '../core/errors.js';

/** Linear constraints A pi = b on a law pi over columns, A in compressed sparse columns (as HiGHS takes it). */
export interface Constraints {
  numRows: number;
  numCols: number;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  b: Float64Array;
}

export interface IProjectionOptions {
  /** Stop when max_r |(A pi - b)_r| <= tol (default 1e-12). */
  tol?: number;
  maxIterations?: number;
  /** Warm starts for the multipliers y: the one of highest dual value is used (default 0). */
  y?: Float64Array[];
  /**
   * Rows eliminated before the dense solve, in groups that share no column pairwise-across-groups (the martingale rows
   * of one transition, one group per prefix state): their Hessian block is block-diagonal (rmot design section 2).
   */
  groups?: number[][];
}

export interface IProjection {
  pi: Float64Array;
  /** log pi (finite where pi underflows to 0). */
  logPi: Float64Array;
  y: Float64Array;
  iterations: number;
  /** max_r |(A pi - b)_r| at the end. */
  residual: number;
  /** KL(pi | prior) = sum_j pi_j (A^T y)_j. */
  kl: number;
}

/**
 * The minimum-relative-entropy (I-)projection of the prior p (given as log p, so that strong tilts do not underflow) onto
 * {pi >= 0 : A pi = b} (rmot design section 2; Csiszar 1975): Newton with Armijo backtracking on the concave dual
 * D(y) = b.y - sum_j p_j exp((A^T y)_j), pi = p exp(A^T y),
 * gradient b - A pi, Hessian -A diag(pi) A^T, the rows of `groups` eliminated by their block-diagonal Schur complement.
 * Throws a VmotError when it does not reach `tol`.
 */
export function iProjection(A: Constraints, logPrior: Float64Array, opts: IProjectionOptions = {}): IProjection {
  const tol = opts.tol ?? 1e-12;
  const maxIterations = opts.maxIterations ?? 100;
  const solver = newtonSystem(A, opts.groups ?? []);
  const pi = new Float64Array(A.numCols);
  const logPi = new Float64Array(A.numCols);
  const trial = new Float64Array(A.numCols);
  const logTrial = new Float64Array(A.numCols);
  let y = new Float64Array(A.numRows);
  let dual = evaluate(A, logPrior, y, pi, logPi);
  for (const start of opts.y ?? []) {
    const value = evaluate(A, logPrior, start, trial, logTrial);
    // a finite dual beats one that overflowed (NaN)
    if (Number.isFinite(value) && !(value <= dual)) [y, dual] = [Float64Array.from(start), value];
  }
  dual = evaluate(A, logPrior, y, pi, logPi);
  let g = gradient(A, pi);
  for (let it = 0; ; it++) {
    const residual = maxAbs(g);
    if (residual <= tol) return { pi, logPi, y, iterations: it, residual, kl: klDivergence(pi, logPi, logPrior) };
    if (it === maxIterations) break;
    const step = solver.solve(pi, g);
    // Armijo on the dual, D(y + t step) >= D(y) + 1e-4 t g.step (g.step > 0: an ascent direction); near the optimum,
    // where D moves below its rounding, a step that halves the residual is taken instead
    const slope = dot(g, step);
    let t = 1;
    let accepted = false;
    const yt = new Float64Array(y.length);
    for (let k = 0; k < 60; k++, t /= 2) {
      for (let r = 0; r < y.length; r++) yt[r] = y[r] + t * step[r];
      const value = evaluate(A, logPrior, yt, trial, logTrial);
      if (!Number.isFinite(value)) continue;
      const gt = gradient(A, trial);
      if (value >= dual + 1e-4 * t * slope || maxAbs(gt) <= 0.5 * residual) {
        y.set(yt);
        pi.set(trial);
        logPi.set(logTrial);
        dual = value;
        g = gt;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  throw new VmotError(
    `the I-projection did not converge (largest constraint residual ${maxAbs(g).toExponential(2)} after ${maxIterations} Newton steps at most): the prior puts no mass where the constraints need it`,
    'rmot',
  );
}

/**
 * V = Var_pi(c - Proj c): the variance of c left after its L2(pi) projection on the span of the constraint functions
 * (the rows of A), by weighted least squares (A diag(pi) A^T) lambda = A diag(pi) c, Proj c = A^T lambda (Lam 2016:
 * U(eta) = E_pi[c] + sqrt(2 eta V) + O(eta) at small eta).
 */
export function residualVariance(A: Constraints, pi: Float64Array, c: Float64Array, groups: number[][] = []): number {
  const rhs = new Float64Array(A.numRows);
  for (let j = 0; j < A.numCols; j++) for (let e = A.starts[j]; e < A.starts[j + 1]; e++) rhs[A.indices[e]] += A.values[e] * pi[j] * c[j];
  const lambda = newtonSystem(A, groups).solve(pi, rhs);
  let v = 0;
  for (let j = 0; j < A.numCols; j++) {
    let proj = 0;
    for (let e = A.starts[j]; e < A.starts[j + 1]; e++) proj += A.values[e] * lambda[A.indices[e]];
    v += pi[j] * (c[j] - proj) ** 2;
  }
  return v;
}

/** D(y) = b.y - sum_j p_j exp(z_j), z = A^T y; writes log pi = log p + z and pi. NaN when an exponential overflows. */
function evaluate(A: Constraints, logPrior: Float64Array, y: Float64Array, pi: Float64Array, logPi: Float64Array): number {
  let mass = 0;
  for (let j = 0; j < A.numCols; j++) {
    let z = 0;
    for (let e = A.starts[j]; e < A.starts[j + 1]; e++) z += A.values[e] * y[A.indices[e]];
    logPi[j] = logPrior[j] + z;
    pi[j] = Math.exp(logPi[j]);
    mass += pi[j];
  }
  return Number.isFinite(mass) ? dot(A.b, y) - mass : NaN;
}

/** b - A pi. */
function gradient(A: Constraints, pi: Float64Array): Float64Array {
  const g = Float64Array.from(A.b);
  for (let j = 0; j < A.numCols; j++) for (let e = A.starts[j]; e < A.starts[j + 1]; e++) g[A.indices[e]] -= A.values[e] * pi[j];
  return g;
}

/** KL(p | q) = sum_j p_j (log p_j - log q_j), from the logarithms. */
export function klDivergence(p: Float64Array, logP: Float64Array, logQ: Float64Array): number {
  let s = 0;
  for (let j = 0; j < p.length; j++) if (p[j] > 0) s += p[j] * (logP[j] - logQ[j]);
  return s;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, k) => s + v * b[k], 0);
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * The Newton system (A diag(pi) A^T) step = g, with the rows of `groups` eliminated: H = [[H_KK, H_KE], [H_EK, H_EE]],
 * H_EE block-diagonal; the Schur complement S = H_KK - sum_g H_Kg H_gg^-1 H_gK is factored by Cholesky (ml-matrix).
 */
function newtonSystem(A: Constraints, groups: number[][]) {
  const groupOf = new Int32Array(A.numRows).fill(-1);
  const posOf = new Int32Array(A.numRows);
  groups.forEach((rows, g) => rows.forEach((r, p) => ((groupOf[r] = g), (posOf[r] = p))));
  const kept: number[] = [];
  const keptIndex = new Int32Array(A.numRows).fill(-1);
  for (let r = 0; r < A.numRows; r++) if (groupOf[r] < 0) keptIndex[r] = kept.push(r) - 1;
  const nK = kept.length;
  /** Solves (H + mu I) step = g by the Schur complement on the kept rows; undefined when a factor is not definite. */
  const schurSolve = (HKK: Float64Array, HKE: Float64Array[], HEE: Float64Array[], g: Float64Array, mu: number): Float64Array | undefined => {
    const S = new Matrix(nK, nK);
    for (let a = 0; a < nK; a++) for (let b = 0; b < nK; b++) S.set(a, b, HKK[a * nK + b] + (a === b ? mu : 0));
    const rhs = Matrix.columnVector(kept.map((r) => g[r]));
    // per group: X = H_gg^-1 [H_gK | g_g]; S -= H_Kg X_K, rhs -= H_Kg X_g
    const solved: { XK: Matrix; Xg: Matrix }[] = [];
    for (const [q, rows] of groups.entries()) {
      const m = rows.length;
      const Hgg = new Matrix(m, m);
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) Hgg.set(a, b, HEE[q][a * m + b] + (a === b ? mu : 0));
      const chol = new CholeskyDecomposition(Hgg);
      if (!chol.isPositiveDefinite()) return undefined;
      const HgK = new Matrix(m, nK);
      for (let k = 0; k < nK; k++) for (let p = 0; p < m; p++) HgK.set(p, k, HKE[q][k * m + p]);
      const XK = chol.solve(HgK);
      const Xg = chol.solve(Matrix.columnVector(rows.map((r) => g[r])));
      const HKg = HgK.transpose();
      S.sub(HKg.mmul(XK));
      rhs.sub(HKg.mmul(Xg));
      solved.push({ XK, Xg });
    }
    const chol = new CholeskyDecomposition(S.add(S.transpose()).mul(0.5));
    if (!chol.isPositiveDefinite()) return undefined;
    const step = new Float64Array(A.numRows);
    const dK = chol.solve(rhs);
    kept.forEach((r, k) => (step[r] = dK.get(k, 0)));
    // back-substitution: step_g = H_gg^-1 (g_g - H_gK step_K) = Xg - XK step_K
    groups.forEach((rows, q) => {
      const back = solved[q].Xg.clone().sub(solved[q].XK.mmul(dK));
      rows.forEach((r, p) => (step[r] = back.get(p, 0)));
    });
    return step;
  };
  return {
    solve(pi: Float64Array, g: Float64Array): Float64Array {
      const HKK = new Float64Array(nK * nK);
      const HKE = groups.map((rows) => new Float64Array(nK * rows.length));
      const HEE = groups.map((rows) => new Float64Array(rows.length * rows.length));
      for (let j = 0; j < A.numCols; j++) {
        const w = pi[j];
        if (w === 0) continue;
        const end = A.starts[j + 1];
        for (let e1 = A.starts[j]; e1 < end; e1++) {
          const r1 = A.indices[e1];
          const a1 = A.values[e1] * w;
          const k1 = keptIndex[r1];
          if (k1 >= 0) {
            // kept-kept: upper triangle only (mirrored below, so H is exactly symmetric)
            for (let e2 = e1; e2 < end; e2++) {
              const k2 = keptIndex[A.indices[e2]];
              if (k2 >= 0) HKK[k1 < k2 ? k1 * nK + k2 : k2 * nK + k1] += a1 * A.values[e2];
            }
            continue;
          }
          const q = groupOf[r1];
          const m = groups[q].length;
          for (let e2 = A.starts[j]; e2 < end; e2++) {
            const r2 = A.indices[e2];
            const v = a1 * A.values[e2];
            const k2 = keptIndex[r2];
            if (k2 >= 0) HKE[q][k2 * m + posOf[r1]] += v;
            else if (groupOf[r2] === q && posOf[r2] >= posOf[r1]) HEE[q][posOf[r1] * m + posOf[r2]] += v;
          }
        }
      }
      for (let a = 0; a < nK; a++) for (let b = a + 1; b < nK; b++) HKK[b * nK + a] = HKK[a * nK + b];
      groups.forEach((rows, q) => {
        const m = rows.length;
        for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) HEE[q][b * m + a] = HEE[q][a * m + b];
      });
      // H + mu I with mu = 1e-14, 1e-12, ... of H's largest diagonal entry until every factor is definite: rows whose
      // columns the law has all but left make H singular to rounding
      let top = Number.MIN_VALUE;
      for (let k = 0; k < nK; k++) top = Math.max(top, HKK[k * nK + k]);
      groups.forEach((rows, q) => rows.forEach((_, p) => (top = Math.max(top, HEE[q][p * rows.length + p]))));
      for (let e = -14; e <= -4; e += 2) {
        const step = schurSolve(HKK, HKE, HEE, g, top * 10 ** e);
        if (step) return step;
      }
      throw new VmotError('the Newton system of the I-projection is not positive definite even with a ridge: the constraints are degenerate', 'rmot');
    },
  };
}

