import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';

/**
 * hedge.json, schema "vmot-hedge/1" (README "Hedge export"): the super- (upper bound) or sub- (lower bound)
 * hedge of (2.9) in price space. For a path s (s[t][i] = price of asset i at date t):
 *   portfolio(s) = cash + sum_static f(s[date][asset]) + sum_holding h(s) (s[date+1][asset] - s[date][asset]),
 *   f, h = factor * net(inputs(s)), net = the TF.js model in `networks`.
 * Upper: portfolio >= payoff on every path; lower: portfolio <= payoff.
 */
const num = z.number();
const idx = z.number().int().min(0);

/**
 * One network input computed from the path: a standardized price z = (s - mean) / sd, its square feature
 * (z^2 - 1) / sqrt 2 (src/models/features.ts; the static potentials with training.squaredPrice), or the first-date
 * normal score (reduced form).
 */
export const netInputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('price'), date: idx, asset: idx, mean: num, sd: num.positive() }),
  z.strictObject({ type: z.literal('square'), date: idx, asset: idx, mean: num, sd: num.positive() }),
  /** Mean over `assets` of the score tables at their first-date prices. */
  z.strictObject({ type: z.literal('score'), assets: z.array(idx).min(1) }),
]);

/** Price -> normal score of the first-date quantile level, Phi^-1(F(x)) (Phi^-1(1 - F(x)) when flipped); linear interpolation and extrapolation. */
export const scoreTableSchema = z.strictObject({ asset: idx, flip: z.boolean(), price: z.array(num).min(2), score: z.array(num).min(2) });

const option = z.strictObject({ strike: num, weight: num });
/** Vanilla strip: cash + forward (x - forwardPrice) + calls at strikes >= pivot + puts below; it interpolates f at the strikes, or on listed strikes is f's L2 projection under the marginal. */
export const stripSchema = z.strictObject({
  pivot: num,
  forwardPrice: num,
  cash: num,
  forward: num,
  calls: z.array(option),
  puts: z.array(option),
  /** Strip priced under the marginal. */
  price: num,
  /** Strip priced at market quotes (marginal built from quotes with every strike quoted), else null. */
  quoted: num.nullable(),
  listed: z.boolean(),
});

const base = { id: z.string(), date: idx, asset: idx, network: z.string(), inputs: z.array(netInputSchema).min(1), factor: num };
const staticComponent = z.strictObject({
  ...base,
  kind: z.literal('static'),
  /** E under the marginal (quadrature in the quantile level). */
  integral: num,
  /** The function on the strike grid (listed strikes when the marginal came from quotes). */
  grid: z.strictObject({ price: z.array(num), value: z.array(num) }),
  strip: stripSchema,
});
const holdingComponent = z.strictObject({
  ...base,
  kind: z.literal('holding'),
  /** h on a price grid when it depends on at most two prices: value row-major, last axis fastest; null otherwise (use the model). */
  grid: z.strictObject({ axes: z.array(z.strictObject({ date: idx, asset: idx, price: z.array(num) })), value: z.array(num) }).nullable(),
});

export const shortfallRowSchema = z.strictObject({
  paths: z.string(),
  n: z.number().int(),
  martingale: z.boolean(),
  /** Fraction of paths with margin < -eps; margin = portfolio - payoff (upper) or payoff - portfolio (lower). */
  below: num,
  meanShortfall: num,
  worstShortfall: num,
  meanPortfolio: num,
  meanPayoff: num,
});
export const verificationSchema = z.strictObject({
  eps: num,
  seed: z.string(),
  rows: z.array(shortfallRowSchema),
  /** Worst shortfall over the grid of all T d prices; null when 2^(T d) paths are too many. */
  grid: z.strictObject({ levels: z.number().int(), points: z.number().int(), scoreRange: num, worstShortfall: num }).nullable(),
  /** cost.total + (upper) or - (lower) the worst shortfall over the grid and every sampled path: the price at which the hedge holds on every tested path. */
  conservative: num,
});

/** What the pathwise polish (src/hedge/polish.ts) did: the output layers re-fitted by LP so the hedge holds on a pool of paths. */
export const polishSchema = z.strictObject({
  costBefore: num,
  costAfter: num,
  /** Worst shortfall on the pool before and after. */
  worstBefore: num,
  worstAfter: num,
  /** The pool: `grids` grids of levels^(T d) paths staggered by half a cell (null: sampled paths only), and pathsPerSet paths of each path set. */
  grid: z.strictObject({ levels: z.number().int(), points: z.number().int(), scoreRange: num }).nullable(),
  grids: z.number().int(),
  pathsPerSet: z.number().int(),
  rounds: z.number().int(),
  /** Paths in the final LP. */
  constraints: z.number().int(),
  /** Output weights at the edge of their box. */
  atBox: z.number().int(),
  status: z.string(),
  solver: z.string(),
  seconds: num,
});

export const hedgeSchema = z.strictObject({
  schema: z.literal('vmot-hedge/1'),
  problem: z.string(),
  side: z.enum(['upper', 'lower']),
  T: z.number().int().min(2),
  d: z.number().int().min(1),
  payoff: z.looseObject({ type: z.string() }),
  formulation: z.enum(['full', 'reduced']),
  map: z.enum(['monotone', 'antitone']).nullable(),
  bound: z.strictObject({ value: num, error: num }),
  cash: num,
  /** cash + sum of static integrals (the hedge's price: the trained potentials' integrals, below an upper bound by the penalty term, or the polished ones); cash + strip prices under the marginals; the same with quoted strips at their quotes (null when none is quoted). */
  cost: z.strictObject({ total: num, strips: num, quoted: num.nullable() }),
  scores: z.array(scoreTableSchema),
  /** TF.js model files; roundTrip = max |reloaded model - trained network| on 10,000 random inputs, checked at export. */
  networks: z.array(z.strictObject({ id: z.string(), model: z.string(), inputs: z.number().int().min(1), roundTrip: num })),
  components: z.array(z.discriminatedUnion('kind', [staticComponent, holdingComponent])),
  /** The pathwise polish, or null when the trained output layers were kept (absent in files of vmot 0.1.0). */
  polish: polishSchema.nullable().optional(),
  verification: verificationSchema.nullable(),
  /** How the bound was made (vmot version, seed, options, input fingerprint, machine); absent in files of vmot 0.1.0. */
  provenance: z.looseObject({ vmot: z.string() }).optional(),
});

export type HedgeDoc = z.output<typeof hedgeSchema>;
export type NetInput = z.output<typeof netInputSchema>;
export type ScoreTable = z.output<typeof scoreTableSchema>;
export type Strip = z.output<typeof stripSchema>;
export type Component = HedgeDoc['components'][number];
export type StaticComponent = Extract<Component, { kind: 'static' }>;
export type ShortfallRow = z.output<typeof shortfallRowSchema>;
export type Verification = z.output<typeof verificationSchema>;
export type PolishRecord = z.output<typeof polishSchema>;

/** Reads and validates hedge.json; errors name the field. */
export function readHedgeDoc(file: string): HedgeDoc {
  const doc = parseWith(hedgeSchema, readJsonFile(file, 'hedge file'), file);
  const ids = new Set(doc.networks.map((n) => n.id));
  doc.components.forEach((c, k) => {
    if (!ids.has(c.network)) throw new VmotError(`unknown network "${c.network}"`, `${file}: components[${k}].network`);
  });
  return doc;
}
