import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { forwardCalls } from '../rough/fourier.js';
import { normalize, roughHestonSchema, typicalVariance, type RoughHeston, type RoughHestonInput } from '../rough/params.js';
import type { Marginal } from './types.js';

export interface RoughHestonMarginalOptions {
  /** Strike grid points (uniform in S). */
  gridSize?: number;
  /** Target absolute accuracy of the call prices, relative to the forward. */
  priceTol?: number;
  /**
   * Call functions of the same model (same asset) at earlier maturities, on the same grid: this law's call prices take
   * the pointwise maximum with them, so the marginals of one asset are in convex order by construction (the maximum of
   * convex call functions is convex; the true prices already satisfy C_T1 <= C_T2). The caller owns the list (one per
   * asset and problem), and the new law's call function is appended to it.
   */
  earlier?: EarlierCalls;
}

/** Call functions of one rough Heston model at earlier maturities (see RoughHestonMarginalOptions.earlier). */
export type EarlierCalls = { T: number; call: (k: number) => number }[];

export interface RoughHestonMarginal extends Marginal {
  /** Price error estimate, Riccati steps, truncation, nodes, and the largest convexity/ordering repair applied. */
  diagnostics: { priceError: number; steps: number; uMax: number; nodes: number; repair: number };
}

const TAIL = 1e-9;

/**
 * Law of S_T under rough Heston from call prices on a strike grid (Breeden-Litzenberger in discrete form): Lewis
 * call prices C(K_j) on K_j = j h (src/rough/fourier.ts; C(0) = F), made convex with slopes in [-1, 0] (isotonic
 * regression of the slopes, pool-adjacent-violators), give the discrete law with atoms at the grid points whose call
 * function is the piecewise-linear interpolant of those prices. Quantile, cdf, call, mean and variance are exact for
 * that law and mutually consistent; the mean is exactly F.
 */
export function roughHestonMarginal(model: RoughHeston, forward: number, T: number, opts: RoughHestonMarginalOptions = {}): RoughHestonMarginal {
  const G = opts.gridSize ?? 1000;
  const s = Math.sqrt(typicalVariance(model, T) * T);
  const kMin = forward * Math.exp(-4);
  const kMax = forward * 2 ** Math.ceil(Math.log2(Math.exp(10 * s)));
  const h = kMax / G;
  const j0 = Math.ceil(kMin / h);
  const strikes = Array.from({ length: G - j0 + 1 }, (_, i) => (j0 + i) * h);
  const r = forwardCalls(model, T, forward, strikes, { tol: (opts.priceTol ?? 5e-6) * forward });
  const C = new Float64Array(G + 1);
  C[0] = forward;
  // below the first Fourier strike the call is linear (mass there sits at 0 and kMin; it is below the price error)
  for (let j = 1; j < j0; j++) C[j] = forward + ((r.calls[0] - forward) * j) / j0;
  C.set(r.calls, j0);
  const tol = (opts.priceTol ?? 5e-6) * forward;
  if (C[G] > Math.max(TAIL * forward, 2 * tol)) throw new VmotError(`rough-heston law has mass beyond the strike grid (call ${C[G].toExponential(2)} at ${kMax.toFixed(2)}, T = ${T})`);
  C[G] = 0; // below the price accuracy: no mass beyond the grid
  let repair = convexify(C, h);
  const prior = (opts.earlier ?? []).filter((e) => e.T < T);
  for (const e of prior) {
    // samples of a convex function on a uniform grid are convex, and the maximum of convex sequences is convex
    for (let j = 0; j <= G; j++) {
      const c = e.call(j * h);
      if (c > C[j]) {
        repair = Math.max(repair, c - C[j]);
        C[j] = c;
      }
    }
  }
  if (repair > 1e-4 * forward) throw new VmotError(`rough-heston call prices needed a repair of ${repair.toExponential(2)} (T = ${T}): the Fourier prices are not accurate enough`);
  const law = discreteLaw(model, forward, T, h, C, { priceError: r.error, steps: r.plan.steps, uMax: r.plan.uMax, nodes: r.plan.nodes, repair });
  opts.earlier?.push({ T, call: law.call });
  return law;
}

/** Projects the grid call prices onto convex functions with slopes in [-1, 0] (PAV on slopes); returns the largest change. */
function convexify(C: Float64Array, h: number): number {
  const G = C.length - 1;
  const blocks: { sum: number; n: number }[] = [];
  for (let j = 0; j < G; j++) {
    blocks.push({ sum: Math.min(0, Math.max(-1, (C[j + 1] - C[j]) / h)), n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].n > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].n) {
      const b = blocks.pop()!;
      blocks[blocks.length - 1].sum += b.sum;
      blocks[blocks.length - 1].n += b.n;
    }
  }
  let j = 0;
  let c = C[0];
  let change = 0;
  for (const b of blocks) {
    for (let i = 0; i < b.n; i++, j++) {
      c += (b.sum / b.n) * h;
      change = Math.max(change, Math.abs(c - C[j + 1]));
      C[j + 1] = c;
    }
  }
  return change;
}

/** The law with atoms at K_j = j h whose call function interpolates C linearly. */
function discreteLaw(model: RoughHeston, forward: number, T: number, h: number, C: Float64Array, diagnostics: RoughHestonMarginal['diagnostics']): RoughHestonMarginal {
  const G = C.length - 1;
  // cdf on [K_j, K_{j+1}) is 1 + slope_j
  const cdfCell = Float64Array.from({ length: G }, (_, j) => Math.min(1, Math.max(0, 1 + (C[j + 1] - C[j]) / h)));
  let second = 0;
  for (let j = 0; j <= G; j++) {
    const mass = (j < G ? cdfCell[j] : 1) - (j > 0 ? cdfCell[j - 1] : 0);
    second += mass * (j * h) ** 2;
  }
  const call = (k: number) => {
    if (k <= 0) return forward - k;
    if (k >= G * h) return 0;
    const j = Math.floor(k / h);
    return C[j] + ((C[j + 1] - C[j]) * (k - j * h)) / h;
  };
  const cdf = (x: number) => (x < 0 ? 0 : x >= G * h ? 1 : cdfCell[Math.floor(x / h)]);
  const quantile = (u: number) => {
    let a = -1;
    let b = G - 1;
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (cdfCell[mid] >= u) b = mid;
      else a = mid;
    }
    return cdfCell[b] >= u ? b * h : G * h;
  };
  return {
    dist: 'rough-heston',
    label: `rough-heston(F=${forward}, T=${T}, H=${(model.alpha - 0.5).toFixed(3)}, nu=${model.nu}, rho=${model.rho})`,
    mean: forward,
    variance: second - forward * forward,
    quantile,
    cdf,
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

/**
 * Builds the problem-file marginal; `families` (one map per problem) holds the call functions already built for each
 * parameter set, so later dates of the same model stay in convex order with the earlier ones.
 */
export function buildRoughHestonMarginal(p: z.output<typeof roughHestonMarginalSchema>, families: Map<string, EarlierCalls>): RoughHestonMarginal {
  const { maturity, ...family } = p;
  const key = JSON.stringify(family);
  if (!families.has(key)) families.set(key, []);
  return roughHestonMarginal(normalize(p as RoughHestonInput), p.forward, maturity, { gridSize: p.gridSize, earlier: families.get(key) });
}
