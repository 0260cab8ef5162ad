import { stepwise, type Pieces } from '../core/pieces.js';
import type { Rng } from '../core/random.js';
import { stdNormalQuantile } from '../math/normal.js';
import type { Marginal } from '../marginals/types.js';
import { sd } from '../marginals/types.js';
import type { FirstDateMap, FormulationKind } from '../problem/formulation.js';
import type { PathFn } from '../problem/payoffs/types.js';
import type { LossBatch, NetSpec } from './engines/contract.js';
import { squareFeature } from './features.js';
import { comonotoneRows, incrementRows, quantileLevels } from './sampler.js';

/** What one network stands for in the dual (2.8)-(2.9) or its reduced form (4.5)-(4.6). */
export interface NetRole {
  /** phi: static potential of asset `asset` at `date` (psi for dates > 0); phi0: reduced first-date potential phi~(u); h: holding between `date` and `date + 1`. */
  kind: 'phi' | 'phi0' | 'h';
  date: number;
  asset: number;
}

export interface Dual {
  kind: FormulationKind;
  map?: FirstDateMap;
  roles: NetRole[];
  specs: NetSpec[];
  integralWeights: number[];
  /**
   * Draws n points of theta (independent coupling of the quantile variables) and builds the loss batch;
   * with grid > 0 the levels of each variable are stratified on that many cells (quantileLevels).
   */
  sample(n: number, rng: Rng, grid?: number): DualSample;
  /** The same draw a piece at a time (a network's or a variable's column per piece), so it can overlap an engine step. */
  sampling(n: number, rng: Rng, grid?: number): Pieces<DualSample>;
  /** Inputs of static network k (phi, phi0) at quantile levels u, u.length x its inputs (for the integrals of the static potentials). */
  scalarInputs(k: number, u: Float64Array): Float32Array;
}

export interface DualSample {
  batch: LossBatch;
  /** The unscaled cost c(x) of each row. */
  cost: Float64Array;
}

/** Cost as the engine sees it: (sign * c - shift) / scale. */
export interface CostScaling {
  sign: 1 | -1;
  shift: number;
  scale: number;
}

export interface DualSetup {
  marginals: Marginal[][];
  payoff: PathFn;
  hidden: number[];
  /** Hidden layers of the holdings networks h (default: hidden). */
  holdingsHidden?: number[];
  scaling: CostScaling;
  /** Default grid of sample(): stratification cells per quantile variable, 0 for independent uniforms. */
  grid?: number;
  /** Full form: share of theta's rows whose first-date levels are comonotone (training.thetaComonotone). */
  comonotoneShare?: number;
  /** Full form, d = 2: theta's comonotone rows are antitone instead (the signed cost is submodular: Corollary 3.6). */
  antitone?: boolean;
  /** The static potentials phi read (z, squareFeature(z)) of their standardized price z, not z alone (training.squaredPrice). */
  squaredPrice?: boolean;
}

/**
 * Builds the neural dual. Full form (2.8)-(2.9) for T dates: phi_{t,i}(s_ti) for every date and asset,
 * h_{t,i}(s_0..s_t) (s_{t+1,i} - s_{t,i}). Reduced form (4.5)-(4.6): date 0 is u -> (F_{0,i}^-1(u))_i,
 * one phi~(u), holdings h_{0,i}(u) and, for T > 2, h_{t,i}(u, s_1..s_t).
 * Network inputs are prices standardized by each marginal's mean and sd (u enters as its normal score), for phi with
 * squaredPrice also their squareFeature; h's multiplier is the increment divided by the later marginal's sd.
 */
export function buildDual(kind: FormulationKind, setup: DualSetup, map: FirstDateMap = 'monotone'): Dual {
  const { marginals, payoff, hidden, scaling } = setup;
  const T = marginals.length;
  const d = marginals[0].length;
  const mean = marginals.map((row) => row.map((m) => m.mean));
  const scale = marginals.map((row) => row.map((m) => sd(m)));
  const roles: NetRole[] = [];
  const inputsOf: number[] = [];
  const reduced = kind === 'reduced';
  const first = reduced ? 1 : 0;
  if (reduced) (roles.push({ kind: 'phi0', date: 0, asset: -1 }), inputsOf.push(1));
  const phiInputs = setup.squaredPrice ? 2 : 1;
  // phi's inputs from its standardized price z, written at out[o..]
  const phiFeatures = (z: number, out: Float32Array, o: number) => {
    out[o] = z;
    if (phiInputs === 2) out[o + 1] = squareFeature(z);
  };
  for (let t = first; t < T; t++) for (let i = 0; i < d; i++) (roles.push({ kind: 'phi', date: t, asset: i }), inputsOf.push(phiInputs));
  for (let t = 0; t + 1 < T; t++)
    for (let i = 0; i < d; i++) (roles.push({ kind: 'h', date: t, asset: i }), inputsOf.push(reduced ? 1 + t * d : (t + 1) * d));
  const specs = inputsOf.map((inputs, k) => ({ inputs, hidden: roles[k].kind === 'h' ? (setup.holdingsHidden ?? hidden) : hidden }));
  const integralWeights = roles.map((r) => (r.kind === 'h' ? 0 : 1));
  const antitone = reduced && map === 'antitone';
  const variance = marginals.map((row) => row.map((m) => m.variance));

  // quantile variables: reduced form u0 then (t >= 1, i); full form every (t, i)
  const variables = reduced ? 1 + (T - 1) * d : T * d;
  const varOf = (t: number, i: number) => (reduced ? 1 + (t - 1) * d + i : t * d + i);

  function* sampling(n: number, rng: Rng, grid = setup.grid ?? 0): Pieces<DualSample> {
    const levels: ReturnType<typeof quantileLevels>[] = [];
    for (let v = 0; v < variables; v++) {
      levels.push(quantileLevels(n, grid, rng.child(`u${v}`)));
      yield;
    }
    if (!reduced) {
      const m = Math.round(n * (setup.comonotoneShare ?? 0));
      comonotoneRows(levels.slice(0, d), m, grid > 0, setup.antitone);
      const dates = Array.from({ length: T }, (_, t) => levels.slice(t * d, (t + 1) * d));
      incrementRows(dates, variance, m, grid > 0, setup.antitone ?? false, rng.child('increments'));
      yield;
    }
    const inputs = inputsOf.map((k) => new Float32Array(n * k));
    const multipliers = roles.map((r) => (r.kind === 'h' ? new Float32Array(n) : null));
    const raw = new Float64Array(n);
    const cost = new Float32Array(n);
    // prices and normal scores per distinct level (one quantile call per level, not per row)
    const price: Float64Array[] = [];
    for (let v = 0; v < variables; v++) {
      const t = reduced ? 1 + Math.floor((v - 1) / d) : Math.floor(v / d);
      const i = reduced ? (v - 1) % d : v % d;
      price.push(levels[v].u.map((u) => (reduced && v === 0 ? u : marginals[t][i].quantile(u))));
      yield;
    }
    const firstDate = reduced ? marginals[0].map((m, i) => levels[0].u.map((u) => m.quantile(antitone && i === 1 ? 1 - u : u))) : [];
    const score = reduced ? levels[0].u.map((u) => stdNormalQuantile(u)) : new Float64Array(0);
    // a static's inputs at each distinct level of its variable: the rows' inputs are read from them, and on a grid they
    // are the engine's groups
    const levelFeatures = (r: NetRole) => {
      const v = varOf(r.date, r.asset);
      const values = new Float32Array(price[v].length * phiInputs);
      price[v].forEach((p, j) => phiFeatures((p - mean[r.date][r.asset]) / scale[r.date][r.asset], values, j * phiInputs));
      return { values, index: levels[v].index };
    };
    const statics = roles.map((r) => (r.kind === 'phi' ? levelFeatures(r) : null));
    const scalarGroup = (k: number) => statics[k] ?? { values: Float32Array.from(score), index: levels[0].index };
    // column by column: the rows' prices s[t d + i], standardized z, and the first date's normal score zu (reduced)
    const zu = new Float64Array(n);
    const s = Array.from({ length: T * d }, () => new Float64Array(n));
    const z = Array.from({ length: T * d }, () => new Float64Array(n));
    for (let t = 0; t < T; t++)
      for (let i = 0; i < d; i++) {
        const [col, zc] = [s[t * d + i], z[t * d + i]];
        if (reduced && t === 0) for (let b = 0; b < n; b++) col[b] = firstDate[i][levels[0].index[b]];
        else {
          const v = varOf(t, i);
          for (let b = 0; b < n; b++) col[b] = price[v][levels[v].index[b]];
        }
        for (let b = 0; b < n; b++) zc[b] = (col[b] - mean[t][i]) / scale[t][i];
        yield;
      }
    if (reduced) for (let b = 0; b < n; b++) zu[b] = score[levels[0].index[b]];
    // the holdings of one date read the same inputs: written once, copied to the others
    const holdingInputs = new Map<number, Float32Array>();
    for (const [k, r] of roles.entries()) {
      const x = inputs[k];
      if (r.kind === 'phi0') x.set(zu);
      else if (r.kind === 'phi') {
        const { values, index } = statics[k]!;
        for (let b = 0; b < n; b++) for (let j = 0; j < phiInputs; j++) x[b * phiInputs + j] = values[index[b] * phiInputs + j];
      } else {
        const w = inputsOf[k];
        const same = holdingInputs.get(r.date);
        if (same) x.set(same);
        else {
          // reduced: (zu, z of dates 1..t); full: z of dates 0..t
          const from = reduced ? [zu, ...z.slice(d, d + r.date * d)] : z.slice(0, w);
          from.forEach((zc, j) => {
            for (let b = 0; b < n; b++) x[b * w + j] = zc[b];
          });
          holdingInputs.set(r.date, x);
        }
        const [later, now, m] = [s[(r.date + 1) * d + r.asset], s[r.date * d + r.asset], multipliers[k]!];
        for (let b = 0; b < n; b++) m[b] = (later[b] - now[b]) / scale[r.date + 1][r.asset];
      }
      yield;
    }
    const row = new Float64Array(T * d);
    for (let b = 0; b < n; b++) {
      for (let c = 0; c < T * d; c++) row[c] = s[c][b];
      raw[b] = payoff(row);
      cost[b] = (scaling.sign * raw[b] - scaling.shift) / scaling.scale;
      if (b % 1024 === 1023) yield;
    }
    // scalar networks on a grid: their distinct inputs and row indices, so the engine need not search for repeats
    const groups = grid > 0 ? roles.map((r, k) => (r.kind !== 'h' || inputsOf[k] === 1 ? scalarGroup(k) : null)) : undefined;
    return { batch: { size: n, inputs, multipliers, cost, groups }, cost: raw };
  }
  const sample = (n: number, rng: Rng, grid?: number) => stepwise(sampling(n, rng, grid)).result();

  const scalarInputs = (k: number, u: Float64Array) => {
    const r = roles[k];
    if (r.kind === 'h' && inputsOf[k] !== 1) throw new Error(`network ${k} is not scalar`);
    const out = new Float32Array(u.length * inputsOf[k]);
    for (let j = 0; j < u.length; j++)
      if (r.kind === 'phi') phiFeatures((marginals[r.date][r.asset].quantile(u[j]) - mean[r.date][r.asset]) / scale[r.date][r.asset], out, j * phiInputs);
      else out[j] = stdNormalQuantile(u[j]);
    return out;
  };

  return { kind, map: reduced ? map : undefined, roles, specs, integralWeights, sample, sampling, scalarInputs };
}
