import { VmotError } from '../core/errors.js';
import type { Marginal } from '../marginals/types.js';
import type { ImpliedCorrelationSpec, PriorSpec } from '../problem/prior.js';
import { fwJacobianRank, impliedCorrelationFrom, type CorrelationEstimate } from './correlation.js';
import { buildPriorSync } from './prior.js';

/** The prior's correlation as used: the matrix, the corners of its confidence set, and the estimate when implied by quotes. */
export interface ResolvedCorrelation {
  matrix: number[][];
  corners: number[][][] | undefined;
  estimate: (CorrelationEstimate & { quotes: ImpliedCorrelationSpec['kind'] }) | undefined;
}

/** The d x d matrix with rho off the diagonal. */
export const uniformCorrelation = (d: number, rho: number): number[][] => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : rho)));

/**
 * The prior block's correlation (rmot design section 4): a matrix as given (with its correlationSet as corners), or one
 * correlation for every pair implied by quotes, whose Cramer-Rao interval gives the corners. The basket fit prices a
 * call on sum_i w_i S_i at the last date under the prior itself, with the prior's seed at every rho (common random
 * numbers, so the price is smooth in rho).
 */
export function resolveCorrelation(spec: PriorSpec, marginals: Marginal[][]): ResolvedCorrelation {
  if (Array.isArray(spec.correlation)) return { matrix: spec.correlation, corners: spec.correlationSet, estimate: undefined };
  const q = spec.correlation.implied;
  const d = marginals[0].length;
  const field = 'prior.correlation.implied';
  if ((q.kind === 'index' || q.kind === 'basket') && q.weights.length !== d) throw new VmotError(`gives ${q.weights.length} weights, the problem has d = ${d}`, `${field}.weights`);
  // one correlation for all pairs is a correlation matrix for rho in [-1/(d-1), 1]
  const lo = Math.max(-0.99, -1 / (d - 1) + 1e-6);
  let estimate: CorrelationEstimate;
  try {
    if (q.kind === 'basket') {
      const priceAt = (rho: number) => {
        const p = buildPriorSync(spec, marginals, uniformCorrelation(d, rho));
        const last = (p.T - 1) * p.d;
        let sum = 0;
        for (let n = 0; n < p.paths; n++) {
          let basket = 0;
          for (let i = 0; i < d; i++) basket += q.weights[i] * p.s[n * p.T * p.d + last + i];
          sum += Math.max(basket - q.strike, 0);
        }
        return sum / p.paths;
      };
      estimate = impliedCorrelationFrom({ kind: 'basket', price: q.price, priceAt, noiseSd: q.noiseSd, lo, hi: 0.99 });
    } else if (q.kind === 'index-skew') {
      if (q.components.length !== d) throw new VmotError(`gives ${q.components.length} components, the problem has d = ${d}`, `${field}.components`);
      const id = fwJacobianRank(q.components, uniformCorrelation(d, 0));
      if (!id.identified) throw new VmotError(id.message, field);
      // N = 2: eq. (9)'s variance sum_ij w_i w_j rho_ij f_i0 f_j0 is the flat-vol index variance with vols f_i0
      estimate = impliedCorrelationFrom({ kind: 'index', weights: q.components.map((c) => c.weight), vols: q.components.map((c) => c.f0), indexVols: [Math.sqrt(q.indexVariance)] });
    } else estimate = impliedCorrelationFrom(q);
  } catch (e) {
    // the quotes' own field names, placed in the problem file
    if (e instanceof VmotError && !e.field?.startsWith('prior.')) throw new VmotError(e.message.slice((e.field?.length ?? -2) + 2), e.field === 'correlation' ? field : `${field}.${e.field}`);
    throw e;
  }
  const cr = estimate.cramerRao;
  const clip = (r: number) => Math.min(0.999, Math.max(lo, r));
  return {
    matrix: uniformCorrelation(d, estimate.rho),
    corners: cr && Number.isFinite(cr.sd) ? [cr.lower, cr.upper].map((r) => uniformCorrelation(d, clip(r))) : undefined,
    estimate: { ...estimate, quotes: q.kind },
  };
}
