import { VmotError } from '../core/errors.js';
import { logMgf, type ComplexArray } from './charfn.js';
import { typicalVariance, type RoughHeston } from './params.js';
import { roughKernel } from './wasm.js';
import { gradedGauss } from '../math/quadrature.js';

/** How a Fourier integral over [0, uMax] is discretized: truncation, Riccati steps (graded mesh, adams.ts), quadrature nodes. */
export interface FourierPlan {
  uMax: number;
  steps: number;
  nodes: number;
  /** Bound on the neglected tail int_uMax^inf of the integrand (same units as the result). */
  tailBound: number;
}

export interface FourierOptions {
  /** Target absolute accuracy of each result. */
  tol: number;
  /** Solve once with this many steps (no extrapolation, no error estimate). */
  steps?: number;
  /** Override the truncation point. */
  uMax?: number;
  /** Largest step count tried before giving up (default 20000). */
  maxSteps?: number;
  /** Gauss-Legendre nodes per panel (default 8) and panel width factor (default 1). */
  order?: number;
  panelScale?: number;
  /**
   * Tolerance of each result given the current results (e.g. an implied-volatility tolerance times each strike's
   * vega); default `tol` for all. `tol` still sets the truncation, so it should be the smallest of these.
   */
  valueTol?: (values: Float64Array) => Float64Array;
}

const MAX_STEPS = 20000;
/** Steps of the graded mesh at step factor 1 (each band starts at MIN_FACTOR times this), and of the truncation's probes. */
const BASE_STEPS = 16;
const PROBE_STEPS = 64;
/** Convergence order of the scheme in the step count (adams.ts: n^-2 on the graded mesh, measured). */
const ORDER = 2;

/** log E[exp(w X_T)] on w = shift + i v with n steps; with `check`, throws when the solution is not finite. */
function logMgfOnLine(model: RoughHeston, T: number, shift: number, v: Float64Array, n: number, check = true): ComplexArray {
  const L = logMgf(model, T, { re: new Float64Array(v.length).fill(shift), im: v }, n);
  if (check) for (let j = 0; j < v.length; j++) checkFinite(L, j, v[j], n, T);
  return L;
}

function checkFinite(L: ComplexArray, j: number, v: number, n: number, T: number): void {
  if (!Number.isFinite(L.re[j]) || !Number.isFinite(L.im[j]))
    throw new VmotError(`characteristic function is not finite at u = ${v.toPrecision(4)} with ${n} steps (T = ${T}); the Riccati solver did not converge`);
}

/** Entries of the Fourier sum's tables of cos(v k) and sin(v k) kept or made at once (8 MiB each). */
const TABLE_ENTRIES = 2 ** 20;

/** Probes of the truncation solved together: each equation of a Riccati batch is solved on its own, so as alone. */
const PROBE_BATCH = 8;

/**
 * Truncation from the decay of the characteristic function: probe |phi| on v = v0 2^(j/4); the tail
 * int_U^inf |phi(v)| weight(v) dv is bounded by |phi(U)| weight(U) / c with c the observed log-decay rate
 * (|phi| decays exponentially in rough Heston). For each tolerance, the first U where that bound is below it; one
 * scan of the probes serves all the tolerances.
 */
export function chooseTruncation(
  model: RoughHeston,
  T: number,
  shift: number,
  weight: (v: number) => number,
  tols: readonly number[],
): { uMax: number; tailBound: number }[] {
  const s = Math.sqrt(typicalVariance(model, T) * T);
  const probes: number[] = [];
  for (let v = 2 / s; v < 1e5 / s; v *= 2 ** 0.25) probes.push(v);
  const found: ({ uMax: number; tailBound: number } | undefined)[] = tols.map(() => undefined);
  let prev: { v: number; logAbs: number } | undefined;
  for (let i = 0; i < probes.length; i += PROBE_BATCH) {
    const vs = Float64Array.from(probes.slice(i, i + PROBE_BATCH));
    // probes past the last stopping one are not looked at, nor checked
    const L = logMgfOnLine(model, T, shift, vs, PROBE_STEPS, false);
    for (let j = 0; j < vs.length; j++) {
      checkFinite(L, j, vs[j], PROBE_STEPS, T);
      const [v, logAbs] = [vs[j], L.re[j]];
      if (prev) {
        const rate = (prev.logAbs - logAbs) / (v - prev.v);
        if (rate > 0) {
          const tail = (Math.exp(logAbs) * weight(v)) / rate;
          tols.forEach((tol, k) => {
            if (!found[k] && tail < tol) found[k] = { uMax: v, tailBound: tail };
          });
          if (found.every(Boolean)) return found as { uMax: number; tailBound: number }[];
        }
      }
      prev = { v, logAbs };
    }
  }
  throw new VmotError(`the characteristic function does not decay (T = ${T}); cannot choose a Fourier truncation`);
}

/**
 * Quadrature nodes on [0, U]: panels from width 1/2 at the origin (the 1/(v^2 + 1/4) and 1/u factors) growing to
 * at most the oscillation period of exp(i v k) and the CF scale 1/s.
 */
export function fourierNodes(model: RoughHeston, T: number, U: number, kMax: number, opts: Pick<FourierOptions, 'order' | 'panelScale'>) {
  const s = Math.sqrt(typicalVariance(model, T) * T);
  const scale = opts.panelScale ?? 1;
  return gradedGauss(U, 0.5 * scale, scale * Math.min(Math.PI / Math.max(kMax, 1e-12), 2 / s), opts.order ?? 8);
}

/** Richardson extrapolation of two solutions with n and 2n steps (error O(n^-ORDER)), with an error estimate. */
export function richardson(coarse: Float64Array, fine: Float64Array): { values: Float64Array; errors: Float64Array } {
  const c = 1 / (2 ** ORDER - 1);
  const values = new Float64Array(fine.length);
  const errors = new Float64Array(fine.length);
  for (let i = 0; i < fine.length; i++) {
    values[i] = fine[i] + c * (fine[i] - coarse[i]);
    errors[i] = Math.abs(values[i] - fine[i]) * SAFETY;
  }
  return { values, errors };
}

/**
 * The error estimate is SAFETY times Richardson's c |fine - coarse| (c = 1 / (2^ORDER - 1)), an estimate of the
 * finer solution's error although the extrapolated value is returned. The factor was needed by the explicit solver
 * (its Richardson estimate was up to 2.3 times too small); with the graded mesh the estimate is 3 to 300 times the
 * error against a reference 1000 times tighter (scripts/bench-smile.ts prints both), so it only costs steps.
 */
const SAFETY = 2.5;
/** Step factor of the first solve in convergedFourier, and the largest growth of a band's factor in one round. */
const MIN_FACTOR = 2;
const MAX_JUMP = 8;

/**
 * Integrates `evaluate(L)` over the nodes with solutions of f_b BASE_STEPS and 2 f_b BASE_STEPS steps in each
 * frequency band b ((U/2, U], (U/4, U/2], ... of the top node U) and Richardson-extrapolates (f_b from MIN_FACTOR);
 * nodes above `refineBelow` (whose total contribution is below a loose tail bound) keep the f_b solution. While the
 * error estimate of a value exceeds its tolerance (`tol`, a number or a function of the values), the bands that carry
 * the estimate get their f_b raised by the factor that the order ORDER says is needed (the results are separable in
 * the nodes, so a band's share of the estimate is exact); solutions already made are reused. Non-convergence is
 * reported instead of an inaccurate number.
 */
export function convergedFourier(
  model: RoughHeston,
  T: number,
  shift: number,
  nodes: Float64Array,
  tol: number | ((values: Float64Array) => Float64Array),
  evaluate: (L: ComplexArray) => Float64Array,
  what: string,
  refineBelow = Infinity,
  maxSteps = MAX_STEPS,
): { values: Float64Array; steps: number; error: number; errors: Float64Array } {
  const nLow = nodes.findIndex((v) => v > refineBelow);
  const low = nLow < 0 ? nodes.length : nLow;
  const bands: { lo: number; hi: number }[] = [];
  for (let hi = nodes.length; hi > 0; ) {
    let lo = hi;
    while (lo > 0 && nodes[lo - 1] > nodes[hi - 1] / 2) lo--;
    bands.push({ lo, hi });
    hi = lo;
  }
  const stepsAt = (f: number) => Math.ceil(f * BASE_STEPS);
  // solutions by band and step count (each node's equation is independent of the others)
  const cache = new Map<string, ComplexArray>();
  const solve = (k: number, f: number) => {
    const key = `${k}/${stepsAt(f)}`;
    if (!cache.has(key)) cache.set(key, logMgfOnLine(model, T, shift, nodes.subarray(bands[k].lo, bands[k].hi), stepsAt(f)));
    return cache.get(key)!;
  };
  const refined = bands.map((b) => b.lo < low);
  const factor = bands.map(() => MIN_FACTOR);
  const c = 1 / (2 ** ORDER - 1);
  for (;;) {
    const coarse = { re: new Float64Array(nodes.length), im: new Float64Array(nodes.length) };
    bands.forEach((b, k) => {
      coarse.re.set(solve(k, factor[k]).re, b.lo);
      coarse.im.set(solve(k, factor[k]).im, b.lo);
    });
    const base = evaluate(coarse);
    const fine = { re: Float64Array.from(coarse.re), im: Float64Array.from(coarse.im) };
    // each refined band's share of the error estimate, value by value
    const shares = bands.map((b, k) => {
      if (!refined[k]) return undefined;
      const n = Math.min(b.hi, low) - b.lo;
      const one = { re: Float64Array.from(coarse.re), im: Float64Array.from(coarse.im) };
      for (const L of [one, fine]) {
        L.re.set(solve(k, 2 * factor[k]).re.subarray(0, n), b.lo);
        L.im.set(solve(k, 2 * factor[k]).im.subarray(0, n), b.lo);
      }
      return evaluate(one).map((x, i) => SAFETY * c * Math.abs(x - base[i]));
    });
    const r = richardson(base, evaluate(fine));
    if (r.values.some((x) => !Number.isFinite(x))) throw new VmotError(`${what}: the Fourier integral is not finite (T = ${T})`);
    const tols = typeof tol === 'number' ? new Float64Array(r.values.length).fill(tol) : tol(r.values);
    const ratio = Math.max(...r.errors.map((e, i) => e / tols[i]));
    const steps = Math.max(...bands.map((_, k) => stepsAt((refined[k] ? 2 : 1) * factor[k])));
    if (ratio <= 1) return { values: r.values, steps, error: Math.max(...r.errors), errors: r.errors };
    // the bands that carry the estimate (at least a twentieth of it) are refined enough to bring it below the tolerance
    const grow = Math.min(MAX_JUMP, Math.max(1.25, (1.25 * ratio) ** (1 / ORDER)));
    const carry = bands.map((_, k) => (shares[k] ? Math.max(...shares[k]!.map((e, i) => e / tols[i])) : 0) >= ratio / 20);
    // (the shares add up to the estimate, so some band carries a twentieth of it unless there are more than 20)
    bands.forEach((_, k) => (carry[k] || (refined[k] && !carry.some(Boolean))) && (factor[k] *= grow));
    if (factor.some((f, k) => refined[k] && stepsAt(2 * f) > maxSteps)) {
      const worst = r.errors.findIndex((e, i) => e / tols[i] === ratio);
      throw new VmotError(`${what}: the Fourier pricer did not converge (error estimate ${r.errors[worst].toExponential(2)} > ${tols[worst].toExponential(2)} at result ${worst} with ${steps} steps, T = ${T})`);
    }
  }
}

/**
 * Undiscounted call prices E[(S_T - K)^+] on the forward F by Lewis (2001) eq. (2.10):
 *   C = F - sqrt(F K)/pi int_0^inf Re[exp(i v k) phi(v - i/2)] / (v^2 + 1/4) dv,  k = log(F/K),
 * with phi(v - i/2) = E[exp((1/2 + i v) X_T)]. Truncation from the CF decay (chooseTruncation), n and 2n steps of the
 * graded-mesh Riccati solver Richardson-extrapolated (convergedFourier). With `steps` given,
 * a single solve with exactly that many steps (no extrapolation, no error estimate).
 */
export function forwardCalls(model: RoughHeston, T: number, forward: number, strikes: readonly number[], opts: FourierOptions): { calls: Float64Array; plan: FourierPlan; error: number; errors: Float64Array } {
  strikes.forEach((K, i) => {
    if (!(K > 0) || !Number.isFinite(K)) throw new VmotError(`must be a positive number, got ${K}`, `strikes[${i}]`);
  });
  const kMax = Math.max(...strikes.map((K) => Math.abs(Math.log(forward / K))));
  const sqrtFK = Math.sqrt(forward * Math.max(...strikes));
  // the truncation at tol / 2, and where the nodes' total contribution falls below 100 tol (those above keep the
  // coarse solution in convergedFourier)
  const [trunc, loose] =
    opts.uMax !== undefined
      ? [{ uMax: opts.uMax, tailBound: NaN }, { uMax: Infinity, tailBound: NaN }]
      : chooseTruncation(model, T, 0.5, (v) => sqrtFK / (Math.PI * (v * v + 0.25)), [opts.tol / 2, opts.tol * 100]);
  const q = fourierNodes(model, T, trunc.uMax, kMax, opts);
  // Re[exp(i v k + L)] = |.| (cos(v k) cos(Im L) - sin(v k) sin(Im L)): the oscillations cos(v_j k_i), sin(v_j k_i)
  // as tables, so that each evaluation costs one exponential per node and a product with them (in the kernel,
  // wasm.ts); made once when they fit in TABLE_ENTRIES, else block by block of strikes at each evaluation
  const S = strikes.length;
  const J = q.x.length;
  const ks = Float64Array.from(strikes, (K) => Math.log(forward / K));
  const kernel = roughKernel();
  const width = Math.max(1, Math.floor(TABLE_ENTRIES / J));
  const blocks = Array.from({ length: Math.ceil(S / width) }, (_, b) => ({ lo: b * width, hi: Math.min(S, (b + 1) * width) }));
  // places nodes, the block's log-strikes, its two tables and the sums, with the tables filled
  const placeBlock = (lo: number, hi: number, tables?: Float64Array[]) => {
    const n = hi - lo;
    const { ptr, view } = kernel.place([J, n, J * n, J * n, J, J, n]);
    view[0].set(q.x);
    view[1].set(ks.subarray(lo, hi));
    if (tables) tables.forEach((t, i) => view[2 + i].set(t));
    else kernel.oscillations(J, n, ptr[0], ptr[1], ptr[2], ptr[3]);
    return { ptr, view };
  };
  const kept = blocks.length === 1 ? placeBlock(0, S).view.slice(2, 4).map((t) => t.slice()) : undefined;
  const evaluate = (L: ComplexArray) => {
    const z = [new Float64Array(J), new Float64Array(J)];
    for (let j = 0; j < J; j++) {
      const v = q.x[j];
      const a = (q.w[j] * Math.exp(L.re[j])) / (v * v + 0.25);
      z[0][j] = a * Math.cos(L.im[j]);
      z[1][j] = a * Math.sin(L.im[j]);
    }
    const sum = new Float64Array(S);
    for (const { lo, hi } of blocks) {
      const { ptr, view } = placeBlock(lo, hi, kept);
      view[4].set(z[0]);
      view[5].set(z[1]);
      kernel.fourierSum(J, hi - lo, ptr[4], ptr[5], ptr[2], ptr[3], ptr[6]);
      sum.set(view[6], lo);
    }
    return Float64Array.from(strikes, (K, i) => forward - (Math.sqrt(forward * K) / Math.PI) * sum[i]);
  };
  const plan = (steps: number): FourierPlan => ({ uMax: trunc.uMax, steps, nodes: q.x.length, tailBound: trunc.tailBound });
  if (opts.steps !== undefined) {
    return { calls: evaluate(logMgfOnLine(model, T, 0.5, q.x, opts.steps)), plan: plan(opts.steps), error: NaN, errors: new Float64Array(strikes.length).fill(NaN) };
  }
  const valueTol = opts.valueTol;
  const tol = valueTol ? (v: Float64Array) => valueTol(v).map((x) => x / 2) : opts.tol / 2;
  const r = convergedFourier(model, T, 0.5, q.x, tol, evaluate, 'call prices', loose.uMax, opts.maxSteps);
  // each price's error: the Riccati solver's (Richardson) and the truncation's bound
  const tail = Number.isFinite(trunc.tailBound) ? trunc.tailBound : 0;
  const errors = r.errors.map((e) => e + tail);
  return { calls: r.values, plan: plan(r.steps), error: Math.max(...errors), errors };
}
