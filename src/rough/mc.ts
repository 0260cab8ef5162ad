import gamma from '@stdlib/math-base-special-gamma';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { VmotError } from '../core/errors.js';
import type { Rng } from '../core/random.js';
import { igZetaFast } from './invgauss.js';
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
  /** Spot correlation matrix rho_ij = d<W^S,i, W^S,j>/dt, positive semi-definite (e.g. all ones: comonotone drivers). */
  correlation: number[][];
  rng: Rng;
}

export interface McResult {
  dates: number[];
  /** spot[t][i][p]: S^i at dates[t] on path p. */
  spot: Float64Array[][];
  /** intVar[t][i][p] = int_0^dates[t] V^i_s ds. */
  intVar: Float64Array[][];
  /**
   * crossVol[t][i][j][p] = int_0^dates[t] sqrt(V^i_s V^j_s) ds (symmetric; the diagonal is intVar), with V^i constant on
   * each step at its mean over the step: sum over steps of sqrt(dI^i dI^j).
   */
  crossVol: Float64Array[][][];
  /** Number of exponential factors of each asset's kernel approximation. */
  factors: number[];
}

/** Eigenvalues >= -PSD_TOL count as zero: the matrix is accepted as positive semi-definite. */
const PSD_TOL = 1e-10;

/**
 * Lower-triangular factor L with L L^T = rho of a positive semi-definite correlation matrix (so that L z, z standard
 * normal, has correlation rho; singular matrices such as all ones, comonotone drivers, are accepted). Eigenvalues in
 * [-1e-10, 0) are set to 0 before a Cholesky factorization that gives a zero column at each zero pivot; each row is
 * then scaled to unit norm (diagonal exactly 1). A VmotError naming the field when rho is not a correlation matrix,
 * with the smallest eigenvalue when it is not positive semi-definite.
 */
export function correlationFactor(rho: number[][], d: number, field = 'correlation'): number[][] {
  if (rho.length !== d || rho.some((r) => r.length !== d)) throw new VmotError(`must be a ${d}x${d} matrix`, field);
  for (let i = 0; i < d; i++) {
    if (Math.abs(rho[i][i] - 1) > 1e-12) throw new VmotError(`diagonal entries must be 1 (entry [${i}][${i}] is ${rho[i][i]})`, field);
    for (let j = 0; j < d; j++) {
      if (Math.abs(rho[i][j] - rho[j][i]) > 1e-12) throw new VmotError(`must be symmetric (entries [${i}][${j}] and [${j}][${i}] differ)`, field);
      if (!(Math.abs(rho[i][j]) <= 1)) throw new VmotError(`entries must be in [-1, 1] (entry [${i}][${j}] is ${rho[i][j]})`, field);
    }
  }
  const sym = rho.map((r, i) => r.map((x, j) => 0.5 * (x + rho[j][i])));
  const eig = new EigenvalueDecomposition(new Matrix(sym), { assumeSymmetric: true });
  const lambda = eig.realEigenvalues;
  const smallest = Math.min(...lambda);
  if (smallest < -PSD_TOL) throw new VmotError(`is not positive semi-definite (smallest eigenvalue ${smallest.toPrecision(3)})`, field);
  // rho with the negligible negative eigenvalues set to 0
  const Q = eig.eigenvectorMatrix.to2DArray();
  const R = sym.map((_, i) => sym.map((__, j) => lambda.reduce((s, l, k) => s + Math.max(l, 0) * Q[i][k] * Q[j][k], 0)));
  // Cholesky with zero pivots (a PSD matrix has a zero column below a zero pivot)
  const L = R.map(() => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    let pivot = R[j][j];
    for (let k = 0; k < j; k++) pivot -= L[j][k] * L[j][k];
    if (pivot <= 1e-12) continue;
    L[j][j] = Math.sqrt(pivot);
    for (let i = j + 1; i < d; i++) {
      let s = R[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L.map((row) => {
    const norm = Math.hypot(...row);
    return row.map((x) => x / norm);
  });
}

/** Paths per chunk; chunk k draws from rng.child('chunk-' + k), so the numbers do not depend on how chunks are run. */
const CHUNK = 1024;

/** Per-step constants of one asset's scheme, index n * m + k for step n and factor k. */
export interface StepPlan {
  m: number;
  kappa: number;
  nu: number;
  rho: number;
  /** e^{-x_k dt_n} */
  decay: Float64Array;
  /** w_k (1 - e^{-x_k dt_n}) / x_k: int over step n of the kernel lag from an earlier force, per factor (a zero row n = nSteps) */
  gain: Float64Array;
  /** int_{t_n}^{t_{n+1}} g (g = v0 or xi0) */
  base: Float64Array;
  /** deterministic part of the force increment: kappa theta dt_n, or kappa int xi0 */
  drift: Float64Array;
  /** the IG mean a = (hist + a0[n]) scale[n] and slope beta[n] (dI = a + beta dZ); scale = 1 / (1 + kappa K0), K0 = dt_n^alpha / Gamma(alpha + 1) */
  a0: Float64Array;
  scale: Float64Array;
  beta: Float64Array;
}

function stepPlan(model: RoughHeston, grid: number[], rates: Float64Array, weights: Float64Array): StepPlan {
  const m = rates.length;
  const nSteps = grid.length - 1;
  const decay = new Float64Array(nSteps * m);
  const gain = new Float64Array((nSteps + 1) * m);
  const base = new Float64Array(nSteps);
  const drift = new Float64Array(nSteps);
  const a0 = new Float64Array(nSteps);
  const scale = new Float64Array(nSteps);
  const beta = new Float64Array(nSteps);
  const v = model.variance;
  const ga1 = gamma(model.alpha + 1);
  for (let n = 0; n < nSteps; n++) {
    const dt = grid[n + 1] - grid[n];
    for (let k = 0; k < m; k++) {
      const x = rates[k];
      decay[n * m + k] = Math.exp(-x * dt);
      gain[n * m + k] = weights[k] * (x * dt < 1e-12 ? dt : -Math.expm1(-x * dt) / x);
    }
    // Simpson's rule for the integral of xi0 over the step
    base[n] = v.kind === 'v0' ? v.v0 * dt : ((v.xi0(grid[n]) + 4 * v.xi0(grid[n] + dt / 2) + v.xi0(grid[n + 1])) * dt) / 6;
    drift[n] = model.kappa * (v.kind === 'v0' ? v.theta * dt : base[n]);
    // the current step's force enters through the exact integral of the fractional kernel, int_0^dt K = dt^alpha / Gamma(alpha + 1)
    const K0 = dt ** model.alpha / ga1;
    scale[n] = 1 / (1 + model.kappa * K0);
    a0[n] = base[n] + K0 * drift[n];
    beta[n] = (model.nu * K0) / (1 + model.kappa * K0);
  }
  return { m, kappa: model.kappa, nu: model.nu, rho: model.rho, decay, gain, base, drift, a0, scale, beta };
}

/**
 * Multi-asset rough Heston Monte Carlo, model (2.1) of the multi-asset RMOT paper:
 *   dX^i = -V^i/2 dt + sqrt(V^i) dW^S,i,  V^i_t = g0^i(t) + int_0^t K_i(t-s)[b_i(s, V^i_s) ds + nu_i sqrt(V^i_s) dW^V,i_s],
 *   W^V,i = rho_i W^S,i + sqrt(1 - rho_i^2) B^i,  d<W^S,i, W^S,j> = rho_ij dt  (B^i independent).
 * Scheme: iVi, integrated Volterra implicit (Abi Jaber-Attal 2025 [AJA25], after Abi Jaber 2025 [AJ25]): the variance
 * stays non-negative without a floor because each step draws the increment of the integrated variance, which is
 * inverse Gaussian. With F the force (dF = b ds + nu dZ, Z = int sqrt(V) dW^V) and the integrated kernel
 * K_{n,j} = int_{t_n}^{t_{n+1}} K(s - t_j) ds (the force of step j acting at t_j), the integrated variance of step n is
 *   dI_n = int_{t_n}^{t_{n+1}} g + sum_{j<n} K_{n,j} dF_j + K_{n,n} (drift_n - kappa dI_n + nu dZ_n),
 * the history through the exponential-factor lift of K (kernel.ts: U^k <- e^{-x_k dt}(U^k + dF)), the diagonal with the
 * exact K_{n,n} = dt^alpha / Gamma(alpha + 1). Solved for dI_n = a_n + beta_n dZ_n: as dZ over the step is a Brownian
 * motion run for the time dI, dI_n is the first passage of s - beta_n W_s to a_n, IG(mean a_n, shape a_n^2/beta_n^2),
 * and dZ_n = (dI_n - a_n)/beta_n. If a_n <= 0 (the history pulling the variance below zero; not seen at the tested
 * parameters) the step has dI = dZ = 0. Log-spot: dX = -dI/2 + rho dZ + sqrt(1 - rho^2) sqrt(dI) eta, eta ~ N(0, 1)
 * independent of (dI, dZ), so that E[exp(dX) | past] = 1 exactly (Wald's identity for the IG first passage, as long as
 * rho beta_n < 1): E[S_T] = S_0 for any step count. (v0, theta): g = v0, drift_n = kappa theta dt; forward-variance
 * curve: g = xi0, drift_n = kappa int xi0 (Simpson), so that E[dI_n] = int xi0 over the step.
 *
 * Joint law across assets: xi^i = rho_i w^i + sqrt(1 - rho_i^2) b^i and eta^i = sqrt(1 - rho_i^2) w^i - rho_i b^i, with
 * w = L z (correlationFactor) and b independent normals, are exactly the normalized increments of (W^V,i, W^perp,i)
 * that the model's correlations prescribe (W^S,i = rho_i W^V,i + sqrt(1 - rho_i^2) W^perp,i). The IG draw of asset i is
 * the inverse-transform image of xi^i (invgauss.ts: exact IG law, comonotone with xi^i), so that
 * dZ^i / sqrt(dI^i) ~ xi^i, and eta^i enters as is. Each asset's own law is the exact iVi law; the cross-asset
 * correlation is exact for the Gaussian parts eta and holds for the variance drivers only through this Gaussian copula
 * (approximation: dZ^i / sqrt(dI^i) is a skewed, non-linear function of xi^i when the step's variance is rough, so
 * Cov(dM^i, dM^j) falls short of rho_ij E[sqrt(dI^i dI^j)] by ~1-2% at H = 0.1, nu = 0.5, 200 steps a year).
 * Paths run in chunks of 1024, chunk k from rng.child('chunk-' + k): the same seed gives the same numbers.
 */
export function simulateRoughHeston(assets: McAsset[], opts: McOptions): McResult {
  const plan = planSimulation(assets, opts);
  const out = allocateOutput(new ArrayBuffer(outputBytes(opts.dates.length, assets.length, opts.paths)), opts.dates.length, assets.length, opts.paths);
  simulateChunks(assets, plan, out, 0, plan.chunks, opts.rng);
  return { dates: opts.dates, ...out, factors: plan.factors };
}

/** What every chunk of one simulation shares: the time grid, the dates' steps, each asset's step constants, the factor. */
export interface SimulationPlan {
  dateIndex: number[];
  plans: StepPlan[];
  L: number[][];
  paths: number;
  chunks: number;
  factors: number[];
}

/** Validates the options and prepares the time grid (each date interval gets steps in proportion to its length) and the schemes. */
export function planSimulation(assets: McAsset[], opts: Omit<McOptions, 'rng'>): SimulationPlan {
  const d = assets.length;
  const { dates, paths } = opts;
  dates.forEach((t, i) => {
    if (!(t > 0) || (i > 0 && !(t > dates[i - 1]))) throw new VmotError('must be positive and increasing', `dates[${i}]`);
  });
  if (!(Number.isInteger(opts.steps) && opts.steps >= dates.length)) throw new VmotError(`must be an integer >= the number of dates`, 'steps');
  if (!(Number.isInteger(paths) && paths >= 2)) throw new VmotError('must be an integer >= 2', 'paths');
  const L = correlationFactor(opts.correlation, d);
  const Tmax = dates[dates.length - 1];
  const grid: number[] = [0];
  const dateIndex: number[] = [];
  dates.forEach((t, k) => {
    const t0 = k === 0 ? 0 : dates[k - 1];
    const m = Math.max(1, Math.round((opts.steps * (t - t0)) / Tmax));
    for (let j = 1; j <= m; j++) grid.push(t0 + ((t - t0) * j) / m);
    dateIndex.push(grid.length - 1);
  });
  // the lift is accurate for lags in [dt, T]: the smallest step of the grid
  let dtMin = Infinity;
  for (let n = 0; n + 1 < grid.length; n++) dtMin = Math.min(dtMin, grid[n + 1] - grid[n]);
  const kernels = assets.map((a) => expKernel(a.model.alpha, dtMin, Tmax));
  const plans = assets.map((a, i) => stepPlan(a.model, grid, kernels[i].rates, kernels[i].weights));
  return { dateIndex, plans, L, paths, chunks: Math.ceil(paths / CHUNK), factors: kernels.map((k) => k.rates.length) };
}

/** Bytes of the outputs spot, intVar, crossVol of T dates, d assets and `paths` paths (Float64). */
export const outputBytes = (T: number, d: number, paths: number) => (2 + d) * T * d * paths * 8;

/** The outputs as views into one buffer (a SharedArrayBuffer when worker threads fill it): spot, then intVar, then crossVol. */
export function allocateOutput(buffer: ArrayBufferLike, T: number, d: number, paths: number): Omit<McResult, 'dates' | 'factors'> {
  let offset = 0;
  const next = () => new Float64Array(buffer, (offset += paths * 8) - paths * 8, paths);
  const spot = Array.from({ length: T }, () => Array.from({ length: d }, next));
  const intVar = Array.from({ length: T }, () => Array.from({ length: d }, next));
  const crossVol = Array.from({ length: T }, () => Array.from({ length: d }, () => Array.from({ length: d }, next)));
  return { spot, intVar, crossVol };
}

/** Chunks [c0, c1) of a simulation, chunk c from rng.child('chunk-' + c): any split of the chunks gives the same numbers. */
export function simulateChunks(assets: McAsset[], plan: SimulationPlan, out: Omit<McResult, 'dates' | 'factors'>, c0: number, c1: number, rng: Rng): void {
  for (let c = c0; c < c1; c++) simulateChunk(assets, plan.plans, plan.L, { ...out, dateIndex: plan.dateIndex }, c * CHUNK, Math.min(plan.paths, (c + 1) * CHUNK), rng.child(`chunk-${c}`));
}

/**
 * Paths [p0, p1) of simulateRoughHeston, from their own generator; vectorized over the paths (step by step, the
 * factors stored factor-major), the history term of the next step accumulated while the factors are advanced.
 */
function simulateChunk(
  assets: McAsset[],
  plans: StepPlan[],
  L: number[][],
  out: { spot: Float64Array[][]; intVar: Float64Array[][]; crossVol: Float64Array[][][]; dateIndex: number[] },
  p0: number,
  p1: number,
  rng: Rng,
): void {
  const d = assets.length;
  const P = p1 - p0;
  const nSteps = plans[0].base.length;
  const U = plans.map((pl) => new Float64Array(pl.m * P));
  const hist = plans.map(() => new Float64Array(P));
  const X = assets.map((a) => new Float64Array(P).fill(Math.log(a.spot)));
  const iv = assets.map(() => new Float64Array(P));
  const dI = assets.map(() => new Float64Array(P));
  const cv = assets.map(() => assets.map(() => new Float64Array(P)));
  const dF = new Float64Array(P);
  // per path: z[0..d) the drivers of the spot correlation, z[d..2d) the B^i
  const z = new Float64Array(2 * d * P);
  let next = 0;
  for (let n = 0; n < nSteps; n++) {
    fillNormals(rng, z);
    for (let i = 0; i < d; i++) {
      const pl = plans[i];
      stepAsset(pl, n, i, d, L[i], z, hist[i], X[i], iv[i], dI[i], dF);
      advanceFactors(U[i], dF, hist[i], pl.decay, pl.gain, n, pl.m, P);
    }
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        const c = cv[i][j];
        for (let p = 0; p < P; p++) c[p] += Math.sqrt(dI[i][p] * dI[j][p]);
      }
    }
    if (n + 1 === out.dateIndex[next]) {
      for (let i = 0; i < d; i++) {
        for (let p = 0; p < P; p++) out.spot[next][i][p0 + p] = Math.exp(X[i][p]);
        out.intVar[next][i].set(iv[i], p0);
        out.crossVol[next][i][i].set(iv[i], p0);
        for (let j = i + 1; j < d; j++) {
          out.crossVol[next][i][j].set(cv[i][j], p0);
          out.crossVol[next][j][i].set(cv[i][j], p0);
        }
      }
      next++;
    }
  }
}

/** U^k <- e^{-x_k dt}(U^k + dF) for every factor k and path, and h = the history term of step n + 1 (gain has a zero row past the last step). */
function advanceFactors(U: Float64Array, dF: Float64Array, h: Float64Array, decay: Float64Array, gain: Float64Array, n: number, m: number, P: number): void {
  for (let k = 0; k < m; k++) {
    const dec = decay[n * m + k];
    const gn = gain[(n + 1) * m + k];
    const o = k * P;
    for (let p = 0; p < P; p++) {
      const u = dec * (U[o + p] + dF[p]);
      U[o + p] = u;
      h[p] += gn * u;
    }
  }
}

/** Standard normals by Marsaglia's polar method (pairs; z.length even). */
function fillNormals(rng: Rng, z: Float64Array): void {
  for (let k = 0; k < z.length; k += 2) {
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * rng.uniform() - 1;
      v = 2 * rng.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    z[k] = u * f;
    z[k + 1] = v * f;
  }
}

/**
 * One iVi step of asset i on every path: the IG draw of dI from the history h (then reset for advanceFactors), dZ,
 * the force increment dF, the log-spot x and the integrated variance v.
 */
function stepAsset(
  pl: StepPlan,
  n: number,
  i: number,
  d: number,
  Li: number[],
  z: Float64Array,
  h: Float64Array,
  x: Float64Array,
  v: Float64Array,
  di: Float64Array,
  dF: Float64Array,
): void {
  const { rho, kappa, nu } = pl;
  const s = Math.sqrt(1 - rho * rho);
  const a0 = pl.a0[n];
  const scale = pl.scale[n];
  const beta = pl.beta[n];
  const drift = pl.drift[n];
  for (let p = 0; p < h.length; p++) {
    const o = 2 * d * p;
    let w = 0;
    for (let j = 0; j <= i; j++) w += Li[j] * z[o + j];
    const xi = rho * w + s * z[o + d + i];
    const eta = s * w - rho * z[o + d + i];
    const a = (h[p] + a0) * scale;
    let inc = 0;
    let dZ = 0;
    if (a > 0) {
      // iVi step ([AJA25]): dI ~ IG(a, a^2/beta^2), here by inversion comonotone with xi (invgauss.ts), dZ = (dI - a)/beta
      const zeta = beta > 0 ? igZetaFast(xi, a, beta) : xi; // beta = 0 (nu = 0): dI = a, dZ = sqrt(a) xi
      // igFromZeta, inlined: sqrt(dI) is the positive root of s^2 - beta zeta s - a = 0
      const S = Math.sqrt(beta * beta * zeta * zeta + 4 * a);
      const sq = zeta >= 0 ? 0.5 * (beta * zeta + S) : (2 * a) / (S - beta * zeta);
      inc = sq * sq;
      dZ = zeta * sq;
    }
    dF[p] = drift - kappa * inc + nu * dZ;
    x[p] += -0.5 * inc + rho * dZ + s * Math.sqrt(inc) * eta;
    v[p] += inc;
    di[p] = inc;
    h[p] = 0;
  }
}
