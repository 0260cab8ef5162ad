import { z } from 'zod';
import { roughHestonSchema } from '../rough/params.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const entry = finite.refine((v) => Math.abs(v) <= 1, 'must be in [-1, 1]');
/** A correlation matrix; symmetry, unit diagonal and positive semi-definiteness are checked against d (src/rough/mc.ts correlationFactor). */
const matrix = z.array(z.array(entry).min(1)).min(1);
const positives = z.array(finite.refine((v) => v > 0, 'must be positive')).min(1);
/**
 * One correlation for every pair, implied by quotes (rmot design section 4): index vols (the implied-correlation
 * formula, Cramer-Rao interval from their noise), a basket call price at the last date (the prior's model fit), the
 * index ATM variance and skew of Friz-Wagenhofer (refused unless their Jacobian identifies all N(N-1)/2 correlations),
 * or single-asset options (refused: they carry no information about correlation).
 */
const implied = z.strictObject({
  implied: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('index'), weights: positives, vols: positives, indexVols: positives, noiseSds: positives.optional() }),
    z.strictObject({ kind: z.literal('basket'), weights: positives, strike: finite, price: finite.refine((v) => v > 0, 'must be positive'), noiseSd: finite.refine((v) => v > 0, 'must be positive').optional() }),
    /** Every pair's correlation from the index ATM variance and skew (Friz-Wagenhofer eq. (9)): identified only when the Jacobian has full rank. */
    z.strictObject({
      kind: z.literal('index-skew'),
      components: z.array(z.strictObject({ weight: finite, f0: finite.refine((v) => v > 0, 'must be positive'), f1: finite, H: finite.refine((v) => v > 0 && v <= 0.5, 'must be in (0, 0.5]') })).min(2),
      indexVariance: finite.refine((v) => v > 0, 'must be positive'),
    }),
    z.strictObject({ kind: z.literal('single'), asset: z.string().optional() }),
  ]),
});
const correlation = z.union([matrix, implied], { error: 'must be a correlation matrix or {"implied": {...}}' });
export type ImpliedCorrelationSpec = z.output<typeof implied>['implied'];
const paths = z.number().int('must be an integer').min(1000, 'must be at least 1000').max(5_000_000, 'must be at most 5000000');
const seed = z.number().int('must be an integer').default(1);
/** Corners of a correlation confidence set (e.g. the Cramer-Rao interval of an implied correlation): their calibrated laws set one radius. */
const correlationSet = z.array(matrix).min(1).optional();

/**
 * The prior of RMOT (rmot design section 1): the model whose paths the calibration reweights to the problem's marginals.
 *  - "gaussian": the Gaussian martingale with the marginals' means and variance increments and the given correlation;
 *  - "rough-heston": the multi-asset rough Heston model (2.1) of the RMOT paper, per-asset parameters (with the asset's
 *    spot), the correlation of the assets' price Brownian motions, simulated at `dates` (one per problem date).
 */
export const priorSchema = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('gaussian'), correlation, correlationSet, paths: paths.default(200_000), seed }),
  z.strictObject({
    model: z.literal('rough-heston'),
    /** Per asset: parameters, spot, and `reference` when the problem's marginals are returns S / reference - 1 (quotes with "scale": "return"). */
    assets: z.array(roughHestonSchema({ spot: finite.refine((v) => v > 0, 'must be positive'), reference: finite.refine((v) => v > 0, 'must be positive').optional() })).min(1),
    /** Year fractions of the problem's dates, increasing. */
    dates: z.array(finite.refine((v) => v > 0, 'must be positive')).min(1),
    correlation,
    correlationSet,
    paths: paths.default(100_000),
    /** Time steps of the simulation over [0, last date]. */
    steps: z.number().int('must be an integer').min(1).max(10_000).default(100),
    seed,
  }),
]);
export type PriorSpec = z.output<typeof priorSchema>;

/**
 * How RMOT calibrates (rmot design sections 2-3): "grid" is the I-projection on the LP's atoms (exact feasible set),
 * "paths" the weighted Monte Carlo on the prior's paths (approximate martingale condition).
 */
export const rmotSchema = z.strictObject({
  mode: z.enum(['grid', 'paths']).default('grid'),
  /** Grid mode: atoms per marginal; "auto" takes the most that keep the grid within 200000 columns. */
  atoms: z.union([z.number().int().min(2, 'must be an integer >= 2'), z.literal('auto')], { error: 'must be an integer >= 2 or "auto"' }).default('auto'),
  /** The ladder of relative-entropy radii, reported beside the default radius chi2_{1,0.95} / (2 ESS). */
  eta: z.array(finite.refine((v) => v > 0, 'must be positive')).min(1).default([1e-3, 1e-2, 1e-1]),
  /** Paths mode: call strikes per marginal. */
  strikes: z.number().int().min(1).max(200).default(19),
  /** Paths mode: quantile bins of each asset whose indicators test the martingale condition. */
  bins: z.number().int().min(2).max(50).default(4),
});
export type RmotSpec = z.output<typeof rmotSchema>;
