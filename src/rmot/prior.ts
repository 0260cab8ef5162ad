import { Rng } from '../core/random.js';
import type { Marginal } from '../marginals/types.js';
import type { PriorSpec } from '../problem/prior.js';
import { correlationFactor, simulateRoughHeston, type McResult } from '../rough/mc.js';
import { simulateRoughHestonThreads } from '../rough/mcThreads.js';
import { normalize } from '../rough/params.js';

/** Simulated paths of a prior model at the problem's dates: s[n * T * d + t * d + i] = asset i at date t on path n. */
export interface PriorPaths {
  T: number;
  d: number;
  paths: number;
  s: Float64Array;
  /** What the prior is, for reports. */
  label: string;
}

/**
 * The Gaussian martingale prior with the marginals' means and variances: s_t = m + sum_{u <= t} D_u^(1/2) Z_u, Z_u
 * ~ N(0, R) independent across dates, D_u = diag(Var_u - Var_{u-1}) (non-negative by the convex order).
 */
export function gaussianPrior(marginals: Pick<Marginal, 'mean' | 'variance'>[][], correlation: number[][], paths: number, rng: Rng): PriorPaths {
  const T = marginals.length;
  const d = marginals[0].length;
  const L = correlationFactor(correlation, d, 'prior.correlation');
  const sd = marginals.map((row, t) => row.map((m, i) => Math.sqrt(Math.max(0, m.variance - (t > 0 ? marginals[t - 1][i].variance : 0)))));
  const s = new Float64Array(paths * T * d);
  const z = new Float64Array(d);
  for (let n = 0; n < paths; n++) {
    const o = n * T * d;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) z[i] = rng.normal();
      for (let i = 0; i < d; i++) {
        let w = 0;
        for (let j = 0; j <= i; j++) w += L[i][j] * z[j];
        s[o + t * d + i] = (t > 0 ? s[o + (t - 1) * d + i] : marginals[0][i].mean) + sd[t][i] * w;
      }
    }
  }
  return { T, d, paths, s, label: `Gaussian martingale, correlation ${JSON.stringify(correlation)}` };
}

type RoughPriorSpec = Extract<PriorSpec, { model: 'rough-heston' }>;

/** The prior's paths from a simulation of the multi-asset rough Heston model (2.1) at the prior's dates. */
function roughPaths(spec: RoughPriorSpec, sim: McResult): PriorPaths {
  const T = spec.dates.length;
  const d = spec.assets.length;
  const s = new Float64Array(spec.paths * T * d);
  // prices, or returns S / reference - 1 in the units of return-scaled marginals
  const scale = spec.assets.map((a) => (a.reference ? 1 / a.reference : 1));
  const shift = spec.assets.map((a) => (a.reference ? -1 : 0));
  for (let n = 0; n < spec.paths; n++) for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) s[n * T * d + t * d + i] = sim.spot[t][i][n] * scale[i] + shift[i];
  return { T, d, paths: spec.paths, s, label: `rough Heston (2.1), H = (${spec.assets.map((a) => a.H).join(', ')}), ${spec.steps} steps` };
}

/**
 * The prior's paths from the problem file's `prior` block with the correlation matrix `correlation`, seeded by its
 * `seed` (rmot design section 1): the rough Heston paths on worker threads (the same numbers on any number of them).
 */
export async function buildPrior(spec: PriorSpec, marginals: Marginal[][], correlation: number[][]): Promise<PriorPaths> {
  if (spec.model === 'gaussian') return gaussianPrior(marginals, correlation, spec.paths, new Rng(spec.seed));
  const { dates, steps, paths, seed } = spec;
  return roughPaths(spec, await simulateRoughHestonThreads(spec.assets.map(({ spot, reference: _r, ...params }) => ({ params, spot })), { dates, steps, paths, correlation, seed }));
}

/** buildPrior on this thread, for callers that need a synchronous price (the basket fit's root search): the same paths. */
export function buildPriorSync(spec: PriorSpec, marginals: Marginal[][], correlation: number[][]): PriorPaths {
  const rng = new Rng(spec.seed);
  if (spec.model === 'gaussian') return gaussianPrior(marginals, correlation, spec.paths, rng);
  const assets = spec.assets.map(({ spot, reference: _r, ...params }) => ({ model: normalize(params), spot }));
  return roughPaths(spec, simulateRoughHeston(assets, { dates: spec.dates, steps: spec.steps, paths: spec.paths, correlation, rng }));
}
