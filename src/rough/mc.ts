import { Matrix, CholeskyDecomposition } from 'ml-matrix';
import { VmotError } from '../core/errors.js';
import type { Rng } from '../core/random.js';
import { expKernel } from './kernel.js';
import type { RoughHeston } from './params.js';

export interface McAsset {
  model: RoughHeston;
  spot: number;
}

export interface McOptions {
  /** Observation dates (increasing, > 0). */
  dates: number[];
  /** Time steps on [0, last date], spread over the date intervals in proportion to their length. */
  steps: number;
  paths: number;
  /** Spot correlation matrix rho_ij = d<W^S,i, W^S,j>/dt. */
  correlation: number[][];
  rng: Rng;
}

export interface McResult {
  dates: number[];
  /** spot[t][i][p]: S^i at dates[t] on path p. */
  spot: Float64Array[][];
  /** intVar[t][i][p] = int_0^dates[t] V^i_s ds. */
  intVar: Float64Array[][];
  /** crossVol[t][i][j][p] = int_0^dates[t] sqrt(V^i_s V^j_s) ds (i < j; the diagonal is intVar). */
  crossVol: Float64Array[][][];
  /** Number of exponential factors of each asset's kernel approximation. */
  factors: number[];
}

/** Cholesky factor of the spot correlation matrix; a VmotError naming the field when it is not a valid one. */
export function correlationFactor(rho: number[][], d: number, field = 'correlation'): number[][] {
  if (rho.length !== d || rho.some((r) => r.length !== d)) throw new VmotError(`must be a ${d}x${d} matrix`, field);
  for (let i = 0; i < d; i++) {
    if (Math.abs(rho[i][i] - 1) > 1e-12) throw new VmotError(`diagonal entries must be 1 (entry [${i}][${i}] is ${rho[i][i]})`, field);
    for (let j = 0; j < d; j++) {
      if (Math.abs(rho[i][j] - rho[j][i]) > 1e-12) throw new VmotError(`must be symmetric (entries [${i}][${j}] and [${j}][${i}] differ)`, field);
      if (!(Math.abs(rho[i][j]) <= 1)) throw new VmotError(`entries must be in [-1, 1] (entry [${i}][${j}] is ${rho[i][j]})`, field);
    }
  }
  const chol = new CholeskyDecomposition(new Matrix(rho));
  if (!chol.isPositiveDefinite()) throw new VmotError('must be positive definite', field);
  return chol.lowerTriangularMatrix.to2DArray();
}

/**
 * Multi-asset rough Heston Monte Carlo, model (2.1) of the multi-asset RMOT paper:
 *   dX^i = -V^i/2 dt + sqrt(V^i) dW^S,i,  V^i_t = g0^i(t) + int_0^t K_i(t-s)[b_i(s, V^i_s) ds + nu_i sqrt(V^i_s) dW^V,i_s],
 *   W^V,i = rho_i W^S,i + sqrt(1 - rho_i^2) B^i,  d<W^S,i, W^S,j> = rho_ij dt.
 * Scheme: multi-factor Markovian lift of each kernel (kernel.ts), V^i = base^i(t) + sum_k c_k U^k with
 * dU^k = -x_k U^k dt + b dt + nu sqrt(V^+) dW^V, advanced by the exponential integrator with the integrand frozen on
 * each step (U^k <- e^{-x dt} U^k + (1 - e^{-x dt})/x (b + nu sqrt(V^+) dW^V/dt)); log-spot by Euler with V^+ at the
 * left point, so that E[S_T] = S_0 holds exactly in expectation for any step count. (v0, theta): base = v0,
 * b = kappa (theta - V); forward-variance curve: base = xi0(t), b = -kappa (V - xi0(t)).
 */
export function simulateRoughHeston(assets: McAsset[], opts: McOptions): McResult {
  const d = assets.length;
  const { dates, paths, rng } = opts;
  dates.forEach((t, i) => {
    if (!(t > 0) || (i > 0 && !(t > dates[i - 1]))) throw new VmotError('must be positive and increasing', `dates[${i}]`);
  });
  if (!(Number.isInteger(opts.steps) && opts.steps >= dates.length)) throw new VmotError(`must be an integer >= the number of dates`, 'steps');
  if (!(Number.isInteger(paths) && paths >= 2)) throw new VmotError('must be an integer >= 2', 'paths');
  const L = correlationFactor(opts.correlation, d);
  const Tmax = dates[dates.length - 1];
  // time grid: each date interval gets steps in proportion to its length
  const grid: number[] = [0];
  const dateIndex: number[] = [];
  dates.forEach((t, k) => {
    const t0 = k === 0 ? 0 : dates[k - 1];
    const m = Math.max(1, Math.round((opts.steps * (t - t0)) / Tmax));
    for (let j = 1; j <= m; j++) grid.push(t0 + ((t - t0) * j) / m);
    dateIndex.push(grid.length - 1);
  });
  const nSteps = grid.length - 1;
  const kernels = assets.map((a) => expKernel(a.model.alpha, Tmax / opts.steps, Tmax));
  // per step and factor: decay e^{-x dt} and (1 - e^{-x dt})/x
  const decay = kernels.map((k) => Float64Array.from({ length: nSteps * k.rates.length }, (_, idx) => Math.exp(-k.rates[idx % k.rates.length] * (grid[Math.floor(idx / k.rates.length) + 1] - grid[Math.floor(idx / k.rates.length)]))));
  const gain = kernels.map((k, i) =>
    Float64Array.from(decay[i], (e, idx) => {
      const x = k.rates[idx % k.rates.length];
      const dt = grid[Math.floor(idx / k.rates.length) + 1] - grid[Math.floor(idx / k.rates.length)];
      return x * dt < 1e-12 ? dt : (1 - e) / x;
    }),
  );
  const base = assets.map((a) => {
    const v = a.model.variance;
    return Float64Array.from(grid, (t) => (v.kind === 'v0' ? v.v0 : v.xi0(t)));
  });
  const spot = dates.map(() => assets.map(() => new Float64Array(paths)));
  const intVar = dates.map(() => assets.map(() => new Float64Array(paths)));
  const crossVol = dates.map(() => assets.map(() => assets.map(() => new Float64Array(paths))));
  const U = kernels.map((k) => new Float64Array(k.rates.length));
  const V = new Float64Array(d);
  const Vraw = new Float64Array(d);

  const X = new Float64Array(d);
  const iv = new Float64Array(d);
  const cv = new Float64Array(d * d);
  const z = new Float64Array(d);
  const dWS = new Float64Array(d);
  for (let p = 0; p < paths; p++) {
    for (let i = 0; i < d; i++) {
      U[i].fill(0);
      X[i] = Math.log(assets[i].spot);
      iv[i] = 0;
    }
    cv.fill(0);
    let next = 0;
    for (let n = 0; n < nSteps; n++) {
      const dt = grid[n + 1] - grid[n];
      const sq = Math.sqrt(dt);
      for (let i = 0; i < d; i++) {
        let v = base[i][n];
        const w = kernels[i].weights;
        for (let k = 0; k < w.length; k++) v += w[k] * U[i][k];
        Vraw[i] = v;
        V[i] = Math.max(v, 0);
        z[i] = rng.normal();
      }
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += L[i][j] * z[j];
        dWS[i] = s * sq;
      }
      for (let i = 0; i < d; i++) {
        const m = assets[i].model;
        const sv = Math.sqrt(V[i]);
        const dWV = m.rho * dWS[i] + Math.sqrt(1 - m.rho * m.rho) * rng.normal() * sq;
        const vv = m.variance;
        // the drift acts on the untruncated V, so that E[V_t] follows g0 / xi0 exactly
        const drift = vv.kind === 'v0' ? m.kappa * (vv.theta - Vraw[i]) : -m.kappa * (Vraw[i] - base[i][n]);
        const force = drift + (m.nu * sv * dWV) / dt;
        const off = n * U[i].length;
        for (let k = 0; k < U[i].length; k++) U[i][k] = decay[i][off + k] * U[i][k] + gain[i][off + k] * force;
        X[i] += -0.5 * V[i] * dt + sv * dWS[i];
        iv[i] += V[i] * dt;
        for (let j = i + 1; j < d; j++) cv[i * d + j] += Math.sqrt(V[i] * V[j]) * dt;
      }
      if (n + 1 === dateIndex[next]) {
        for (let i = 0; i < d; i++) {
          spot[next][i][p] = Math.exp(X[i]);
          intVar[next][i][p] = iv[i];
          crossVol[next][i][i][p] = iv[i];
          for (let j = i + 1; j < d; j++) crossVol[next][i][j][p] = crossVol[next][j][i][p] = cv[i * d + j];
        }
        next++;
      }
    }
  }
  return { dates, spot, intVar, crossVol, factors: kernels.map((k) => k.rates.length) };
}
