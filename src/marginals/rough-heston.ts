import { z } from 'zod';
import { VmotError } from '../errors.js';
import type { ComplexArray } from '../rough/charfn.js';
import { chooseTruncation, convergedFourier } from '../rough/fourier.js';
import { normalize, roughHestonSchema, typicalVariance, type RoughHeston, type RoughHestonInput } from '../rough/params.js';
import type { Marginal } from './types.js';

export interface RoughHestonMarginalOptions {
  /** Grid points of the distribution function (log-uniform in S). */
  gridSize?: number;
  /** Bound on the Richardson error estimate of the distribution function (the estimate is that of the finer, unextrapolated solution; the extrapolated values are typically 10-100x more accurate). */
  cdfTol?: number;
}

export interface RoughHestonMarginal extends Marginal {
  /** Error estimate of the distribution function values, Adams steps, truncation, and monotonicity repair applied. */
  diagnostics: { cdfError: number; steps: number; uMax: number; nodes: number; monotoneFix: number };
}

const TAIL = 1e-9;

/**
 * Law of S_T = F exp(X_T) under rough Heston. Distribution function of X_T on [a, b] by the COS method
 * (Fang-Oosterlee 2008, eq. (9) integrated in x):
 *   P(X_T <= x) = (x - a)/(b - a) + 2/(b - a) sum_{k>=1} Re[phi(u_k) e^{-i u_k a}] sin(u_k (x - a)) / u_k,  u_k = k pi/(b - a),
 * with the series truncated where |phi| has decayed (chooseTruncation) and Richardson-extrapolated Adams solutions
 * (src/rough/fourier.ts); [a, b] grows until both tails hold less than 1e-9. Between grid points (log-uniform in S)
 * the law is taken uniform, so quantile, call price, mean and variance are exact for that law and mutually
 * consistent; the support is shifted by the tiny mean error so that the mean is exactly F.
 */
export function roughHestonMarginal(model: RoughHeston, forward: number, T: number, opts: RoughHestonMarginalOptions = {}): RoughHestonMarginal {
  const G = opts.gridSize ?? 2000;
  const tol = opts.cdfTol ?? 1e-4;
  const s = Math.sqrt(typicalVariance(model, T) * T);
  const trunc = chooseTruncation(model, T, 0, (v) => 2 / (Math.PI * v), 1e-8);
  const refine = chooseTruncation(model, T, 0, (v) => 2 / (Math.PI * v), 1e-5).uMax;
  let a = -0.5 * s * s - 12 * s;
  let b = -0.5 * s * s + 8 * s;
  for (let attempt = 0; ; attempt++) {
    const x = Float64Array.from({ length: G + 1 }, (_, i) => a + ((b - a) * i) / G);
    const du = Math.PI / (b - a);
    const u = Float64Array.from({ length: Math.ceil(trunc.uMax / du) }, (_, k) => (k + 1) * du);
    const evaluate = (L: ComplexArray) => {
      const coef = Float64Array.from(u, (uk, k) => ((2 / (b - a)) * Math.exp(L.re[k]) * Math.cos(L.im[k] - uk * a)) / uk);
      return x.map((xi) => {
        let sum = (xi - a) / (b - a);
        for (let k = 0; k < u.length; k++) sum += coef[k] * Math.sin(u[k] * (xi - a));
        return sum;
      });
    };
    const r = convergedFourier(model, T, 0, u, tol, evaluate, 'rough-heston distribution function', refine);
    const F = r.values;
    const edge = Math.round(G / 50);
    const loOk = Math.abs(F[edge]) < TAIL;
    const hiOk = Math.abs(1 - F[G - edge]) < TAIL;
    if (loOk && hiOk) return buildLaw(forward, x, F, { cdfError: r.error, steps: r.steps, uMax: trunc.uMax, nodes: u.length, monotoneFix: 0 }, model, T);
    if (attempt >= 4) throw new VmotError(`rough-heston distribution function did not reach its tails on [${a.toFixed(3)}, ${b.toFixed(3)}] in log-moneyness (T = ${T})`);
    if (!loOk) a -= 0.5 * (b - a);
    if (!hiOk) b += 0.5 * (b - a);
  }
}

function buildLaw(forward: number, x: Float64Array, Fx: Float64Array, diagnostics: RoughHestonMarginal['diagnostics'], model: RoughHeston, T: number): RoughHestonMarginal {
  const G = x.length - 1;
  // monotone repair (running max), ends pinned to 0 and 1; the size of the repair is reported
  const cdf = new Float64Array(G + 1);
  let fix = Math.max(Math.abs(Fx[0]), Math.abs(1 - Fx[G]));
  for (let i = 0; i <= G; i++) {
    const v = i === 0 ? 0 : i === G ? 1 : Math.min(1, Math.max(cdf[i - 1], Fx[i]));
    if (i > 0 && i < G) fix = Math.max(fix, Math.abs(v - Fx[i]));
    cdf[i] = v;
  }
  diagnostics.monotoneFix = fix;
  if (fix > 1e-5) throw new VmotError(`rough-heston distribution function is not monotone (repair ${fix.toExponential(2)} > 1e-5; T = ${T}): increase accuracy`);
  const S = x.map((xi) => forward * Math.exp(xi));
  // first and second moments per cell of the piecewise-uniform density
  const m0 = new Float64Array(G);
  const m1 = new Float64Array(G);
  let mean = 0;
  for (let i = 0; i < G; i++) {
    m0[i] = cdf[i + 1] - cdf[i];
    m1[i] = (m0[i] * (S[i] + S[i + 1])) / 2;
    mean += m1[i];
  }
  const shift = forward - mean;
  for (let i = 0; i <= G; i++) S[i] += shift;
  let second = 0;
  for (let i = 0; i < G; i++) {
    m1[i] = (m0[i] * (S[i] + S[i + 1])) / 2;
    second += (m0[i] * (S[i] * S[i] + S[i] * S[i + 1] + S[i + 1] * S[i + 1])) / 3;
  }
  // tail sums: mass and first moment of cells i..G-1
  const tail0 = new Float64Array(G + 1);
  const tail1 = new Float64Array(G + 1);
  for (let i = G - 1; i >= 0; i--) {
    tail0[i] = tail0[i + 1] + m0[i];
    tail1[i] = tail1[i + 1] + m1[i];
  }
  const cell = (k: number) => {
    let a = 0;
    let b = G;
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (S[mid] <= k) a = mid;
      else b = mid;
    }
    return a;
  };
  const cdfAt = (k: number) => {
    if (k <= S[0]) return 0;
    if (k >= S[G]) return 1;
    const i = cell(k);
    return cdf[i] + (m0[i] * (k - S[i])) / (S[i + 1] - S[i]);
  };
  const call = (k: number) => {
    if (k <= S[0]) return forward - k;
    if (k >= S[G]) return 0;
    const i = cell(k);
    // part of cell i above k: uniform density m0/(S[i+1]-S[i]) on [k, S[i+1]]
    const part = (m0[i] * (S[i + 1] - k) * (S[i + 1] - k)) / (2 * (S[i + 1] - S[i]));
    return part + tail1[i + 1] - k * tail0[i + 1];
  };
  const quantile = (u: number) => {
    let a = 0;
    let b = G;
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (cdf[mid] <= u) a = mid;
      else b = mid;
    }
    return m0[a] > 0 ? S[a] + ((u - cdf[a]) / m0[a]) * (S[a + 1] - S[a]) : S[a];
  };
  const H = model.alpha - 0.5;
  return {
    dist: 'rough-heston',
    label: `rough-heston(F=${forward}, T=${T}, H=${H.toFixed(3)}, nu=${model.nu}, rho=${model.rho})`,
    mean: forward,
    variance: second - forward * forward,
    quantile,
    cdf: cdfAt,
    call,
    range: () => [quantile(TAIL), quantile(1 - TAIL)],
    diagnostics,
  };
}

/** Problem-file form: {"dist": "rough-heston", "forward", "maturity", parametrization and its parameters, optional gridSize}. */
export const roughHestonMarginalSchema = roughHestonSchema({
  dist: z.literal('rough-heston'),
  forward: z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number'),
  maturity: z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number'),
  gridSize: z.number().int().min(100, 'must be at least 100').max(100000, 'must be at most 100000').optional(),
});

export function buildRoughHestonMarginal(p: z.output<typeof roughHestonMarginalSchema>): RoughHestonMarginal {
  return roughHestonMarginal(normalize(p as RoughHestonInput), p.forward, p.maturity, { gridSize: p.gridSize });
}
