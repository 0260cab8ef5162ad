import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { VmotError } from '../core/errors.js';
import type { Rng } from '../core/random.js';

export interface BergomiComponent {
  weight: number;
  /** Spot volatility sigma_i and vol-of-vol eta_i. */
  sigma: number;
  eta: number;
  H: number;
}

export interface BergomiOptions {
  /** Small-noise scale: dS^i/S^i = f_i(eps W^_i) d(eps W^i). */
  epsilon: number;
  maturity: number;
  steps: number;
  paths: number;
  correlation: number[][];
  rng: Rng;
}

/**
 * Rough Bergomi basket (Friz-Wagenhofer eq. (5), Example 14 with c_i = -1):
 *   dS^i/S^i = eps sigma_i exp(-eta_i eps W^_i_t) dW^i_t,  W^_i_t = int_0^t sqrt(2H_i)(t-s)^(H_i-1/2) dW^i_s,  S^i_0 = 1,
 * returns I_T = sum_i w_i S^i_T per path. W^ by the hybrid scheme with kappa = 1 (Bennedsen-Lunde-Pakkanen 2017):
 * the last step's integral exact, jointly Gaussian with the increments of all components (covariances in closed form),
 * earlier steps by the Riemann sum at the optimal points b_j; log-spot by Euler with the left-point volatility.
 */
export function simulateBergomiIndex(components: BergomiComponent[], opts: BergomiOptions): Float64Array {
  const N = components.length;
  const { steps: n, paths, epsilon, rng } = opts;
  const rho = opts.correlation;
  if (rho.length !== N || rho.some((r) => r.length !== N)) throw new VmotError(`must be a ${N}x${N} matrix`, 'correlation');
  const dt = opts.maturity / n;
  // joint covariance of (dW^i, Wt^i), Wt^i = int over one step of (t_k - s)^(H_i - 1/2) dW^i_s
  const a = components.map((c) => c.H + 0.5);
  const cov = new Matrix(2 * N, 2 * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const r = rho[i][j];
      cov.set(2 * i, 2 * j, r * dt);
      cov.set(2 * i, 2 * j + 1, (r * dt ** a[j]) / a[j]);
      cov.set(2 * i + 1, 2 * j, (r * dt ** a[i]) / a[i]);
      cov.set(2 * i + 1, 2 * j + 1, (r * dt ** (a[i] + a[j] - 1)) / (a[i] + a[j] - 1));
    }
  }
  const chol = new CholeskyDecomposition(cov);
  if (!chol.isPositiveDefinite()) throw new VmotError('must be positive definite', 'correlation');
  const L = chol.lowerTriangularMatrix.to2DArray();
  // Riemann weights ((b_j dt)^(H - 1/2)) for lags j >= 2, b_j = ((j^a - (j-1)^a)/a)^(1/(a-1))
  const riemann = components.map((c, i) => Float64Array.from({ length: n + 1 }, (_, j) => (j < 2 ? 0 : (((j ** a[i] - (j - 1) ** a[i]) / a[i]) ** (1 / (a[i] - 1)) * dt) ** (c.H - 0.5))));
  const out = new Float64Array(paths);
  const z = new Float64Array(2 * N);
  const g = new Float64Array(2 * N);
  const dW = components.map(() => new Float64Array(n + 1));
  const logS = new Float64Array(N);
  const hat = new Float64Array(N);
  for (let p = 0; p < paths; p++) {
    logS.fill(0);
    hat.fill(0);
    for (let k = 1; k <= n; k++) {
      for (let m = 0; m < 2 * N; m++) z[m] = rng.normal();
      for (let m = 0; m < 2 * N; m++) {
        let s = 0;
        for (let l = 0; l <= m; l++) s += L[m][l] * z[l];
        g[m] = s;
      }
      for (let i = 0; i < N; i++) {
        const c = components[i];
        // step k: volatility at t_{k-1} (W^ from steps before), then the increment dW_k
        const vol = epsilon * c.sigma * Math.exp(-c.eta * epsilon * hat[i]);
        logS[i] += -0.5 * vol * vol * dt + vol * g[2 * i];
        dW[i][k] = g[2 * i];
        let s = g[2 * i + 1];
        const w = riemann[i];
        for (let j = 2; j <= k; j++) s += w[j] * dW[i][k - j + 1];
        hat[i] = Math.sqrt(2 * c.H) * s;
      }
    }
    let I = 0;
    for (let i = 0; i < N; i++) I += components[i].weight * Math.exp(logS[i]);
    out[p] = I;
  }
  return out;
}
