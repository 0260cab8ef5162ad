import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import { checkConvexOrder } from '../marginals/convexOrder.js';
import { newMarginalContext } from '../marginals/context.js';
import { buildMarginal, marginalSpecSchema } from '../marginals/spec.js';
import type { Marginal } from '../marginals/types.js';
import { correlationFactor } from '../rough/mc.js';
import type { BoundSide, Formulation } from './formulation.js';
import { buildPayoff, payoffSpecSchema } from './payoffs/registry.js';
import type { Payoff } from './payoffs/types.js';
import { priorSchema, rmotSchema, type PriorSpec, type RmotSpec } from './prior.js';
import { trainingSchema, type TrainingOptions } from './training.js';

const problemSchema = z.strictObject({
  /** Path or URL of the JSON Schema (schema/problem.schema.json) for editors; ignored by vmot. */
  $schema: z.string().optional(),
  name: z.string().default('problem'),
  /** Asset names for reports and tables, one per asset (default "asset 0", "asset 1", ...). */
  assets: z.array(z.string().min(1).max(64)).optional(),
  marginals: z.array(z.array(z.unknown()).min(1, 'needs at least one asset')).min(2, 'needs at least two dates (T >= 2)'),
  payoff: z.unknown(),
  formulation: z.enum(['full', 'reduced', 'auto']).default('auto'),
  bounds: z.array(z.enum(['upper', 'lower'])).min(1).default(['upper', 'lower']),
  training: trainingSchema.default(trainingSchema.parse({})),
  /** Tolerances of the convex-order check, relative to the marginals' standard deviation. */
  convexOrder: z.strictObject({ meanTol: z.number().positive().default(1e-4), callTol: z.number().positive().default(1e-6) }).default({ meanTol: 1e-4, callTol: 1e-6 }),
  /** The model RMOT calibrates to the marginals (vmot rmot, the rmot solver); not part of the VMOT problem. */
  prior: priorSchema.optional(),
  /** How RMOT calibrates and which radii it reports. */
  rmot: rmotSchema.default(rmotSchema.parse({})),
});

/**
 * The problem file in full (README "The problem file"), with every marginal and payoff type: the type of a problem
 * literal (ProblemSpec) and the source of schema/problem.schema.json. Validation itself goes type by type, so that an
 * error names the field and the reason (parseProblem).
 */
export const problemFileSchema = problemSchema.extend({
  marginals: z.array(z.array(marginalSpecSchema).min(1)).min(2),
  payoff: payoffSpecSchema,
});

/** A problem file as written (defaults optional), for typed problem literals: an editor completes and checks it. */
export type ProblemSpec = z.input<typeof problemFileSchema>;

export interface Problem {
  name: string;
  /** Asset names, one per asset (the problem file's "assets", or "asset 0", "asset 1", ...). */
  assets: string[];
  /** Number of dates and of assets. */
  T: number;
  d: number;
  /** marginals[t][i]: law of asset i at date t. */
  marginals: Marginal[][];
  payoff: Payoff;
  formulation: Formulation;
  bounds: BoundSide[];
  training: TrainingOptions;
  /** The RMOT prior, when the file gives one. */
  prior?: PriorSpec;
  rmot: RmotSpec;
  /** SHA-256 of the validated problem file and of every data file it reads: checkpoints and results of another problem are never reused. */
  fingerprint: string;
  /** The data files read (empirical samples, option quotes), with their SHA-256. */
  inputs: { file: string; sha256: string }[];
  /** The validated problem file (defaults filled in) and the folder its file names are relative to: parseProblem(spec, baseDir) rebuilds it. */
  source: { spec: Record<string, unknown>; baseDir: string };
}

/** Builds a problem from a typed spec; `baseDir` resolves relative file names. Throws VmotError naming the field. */
export function buildProblem(spec: ProblemSpec, baseDir = '.', opts: ProblemOptions = {}): Promise<Problem> {
  return parseProblem(spec, baseDir, opts);
}

export interface ProblemOptions {
  /** Read data files (empirical samples, quotes) outside the problem file's folder too (default: refused). */
  allowFilesOutside?: boolean;
  /**
   * Marginals already built, by fingerprint (newMarginalCache): problems that share their marginals (a book of payoffs)
   * build them once. An entry is reused only while every data file it read still has the same SHA-256.
   */
  marginalCache?: MarginalCache;
}

/** Built and convex-order-checked marginals with the data files they read, by the fingerprint of their spec. */
export type MarginalCache = Map<string, { marginals: Marginal[][]; inputs: Map<string, string> }>;

export const newMarginalCache = (): MarginalCache => new Map();

/** The SHA-256 of each file now, or undefined when one cannot be read. */
function currentHashes(files: Iterable<string>): Map<string, string> | undefined {
  const out = new Map<string, string>();
  try {
    for (const f of files) out.set(f, createHash('sha256').update(readFileSync(f, 'utf8')).digest('hex'));
  } catch {
    return undefined;
  }
  return out;
}

/** Validates a parsed problem file (any JSON value) and builds its marginals and payoff. Throws VmotError naming the field. */
export async function parseProblem(raw: unknown, baseDir: string, opts: ProblemOptions = {}): Promise<Problem> {
  const { $schema: _schema, ...spec } = parseWith(problemSchema, raw, '');
  const d = spec.marginals[0].length;
  spec.marginals.forEach((row, t) => {
    if (row.length !== d) throw new VmotError(`date ${t} has ${row.length} assets, date 0 has ${d}`, `marginals[${t}]`);
  });
  const T = spec.marginals.length;
  if (spec.assets && spec.assets.length !== d) throw new VmotError(`names ${spec.assets.length} assets, the marginals have d = ${d}`, 'assets');
  const { marginals, inputs: read } = await cachedMarginals(spec.marginals, spec.convexOrder, baseDir, opts);
  const payoff = buildPayoff(spec.payoff, { T, d });
  checkPayoffFinite(payoff, marginals);
  if (spec.prior) checkPrior(spec.prior, T, d);
  const inputs = [...read].map(([file, sha256]) => ({ file, sha256 }));
  // asset names are labels only: renaming them reuses finished results; the RMOT blocks do not change the VMOT problem
  // (the rmot solver adds them to its own fingerprint)
  const { assets: _names, prior: _prior, rmot: _rmot, ...numerical } = spec;
  const fingerprint = createHash('sha256').update(JSON.stringify({ spec: numerical, inputs: inputs.map((x) => x.sha256) })).digest('hex');
  return {
    name: spec.name,
    assets: spec.assets ?? Array.from({ length: d }, (_, i) => `asset ${i}`),
    T,
    d,
    marginals,
    payoff,
    formulation: spec.formulation,
    bounds: spec.bounds,
    training: spec.training,
    prior: spec.prior,
    rmot: spec.rmot,
    fingerprint,
    inputs,
    source: { spec, baseDir: resolve(baseDir) },
  };
}

/** The problem's marginals, built and checked (or taken from opts.marginalCache when their spec and data files are unchanged). */
async function cachedMarginals(specs: unknown[][], convexOrder: { meanTol: number; callTol: number }, baseDir: string, opts: ProblemOptions) {
  const key = createHash('sha256').update(JSON.stringify({ specs, convexOrder, baseDir: resolve(baseDir), outside: opts.allowFilesOutside ?? false })).digest('hex');
  const hit = opts.marginalCache?.get(key);
  if (hit) {
    const now = currentHashes(hit.inputs.keys());
    if (now && [...hit.inputs].every(([f, h]) => now.get(f) === h)) return hit;
  }
  const built = await buildMarginals(specs, convexOrder, baseDir, opts);
  opts.marginalCache?.set(key, built);
  return built;
}

async function buildMarginals(specs: unknown[][], convexOrder: { meanTol: number; callTol: number }, baseDir: string, opts: ProblemOptions) {
  const T = specs.length;
  const d = specs[0].length;
  // date by date: a marginal may depend on the same asset's earlier dates (rough Heston keeps them in convex order)
  const ctx = newMarginalContext(baseDir, opts);
  const marginals: Marginal[][] = [];
  for (const [t, row] of specs.entries()) {
    marginals.push([]);
    for (const [i, m] of row.entries()) marginals[t].push(await buildMarginal(m, ctx, `marginals[${t}][${i}]`));
  }
  marginals.forEach((row, t) => row.forEach((m, i) => checkScale(m, `marginals[${t}][${i}]`)));
  for (let i = 0; i < d; i++) {
    for (let t = 0; t + 1 < T; t++) {
      const r = checkConvexOrder(marginals[t][i], marginals[t + 1][i], convexOrder);
      if (!r.ok) throw new VmotError(`asset ${i} is not in convex order between dates ${t} and ${t + 1}: ${r.reason}`, `marginals[${t + 1}][${i}]`);
    }
  }
  return { marginals, inputs: ctx.inputs };
}

/** The prior must describe the problem's d assets at its T dates, with a valid correlation matrix (PSD). */
function checkPrior(prior: PriorSpec, T: number, d: number): void {
  if (Array.isArray(prior.correlation)) correlationFactor(prior.correlation, d, 'prior.correlation');
  prior.correlationSet?.forEach((m, k) => correlationFactor(m, d, `prior.correlationSet[${k}]`));
  if (prior.model === 'rough-heston') {
    if (prior.assets.length !== d) throw new VmotError(`gives ${prior.assets.length} assets, the problem has d = ${d}`, 'prior.assets');
    if (prior.dates.length !== T) throw new VmotError(`gives ${prior.dates.length} dates, the problem has T = ${T}`, 'prior.dates');
    prior.dates.forEach((t, k) => {
      if (k > 0 && !(t > prior.dates[k - 1])) throw new VmotError('must be increasing', `prior.dates[${k}]`);
    });
  }
}

/** Refuses a law whose mean or variance overflows double precision, or whose range is not finite, naming it. */
function checkScale(m: Marginal, field: string): void {
  const [lo, hi] = m.range();
  if (!Number.isFinite(m.mean) || !Number.isFinite(m.variance) || !Number.isFinite(lo) || !Number.isFinite(hi))
    throw new VmotError(`its mean, variance or range is not finite in double precision (mean ${m.mean}, variance ${m.variance}): rescale the prices (e.g. to returns)`, field);
}

const PROBE_LEVELS = [1e-6, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-6];

/**
 * The payoff must be finite wherever the marginals put mass: probed on comonotone and antitone paths through the
 * quantiles above, so that an overflow (prices or coefficients near 1e308) is refused here, naming the payoff, and not
 * met as a diverged training.
 */
function checkPayoffFinite(payoff: Payoff, marginals: Marginal[][]): void {
  const T = marginals.length;
  const d = marginals[0].length;
  const s = new Float64Array(T * d);
  for (const u of PROBE_LEVELS)
    for (const anti of [false, true]) {
      for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) s[t * d + i] = marginals[t][i].quantile(anti && i % 2 === 1 ? 1 - u : u);
      const v = payoff.value(s);
      if (!Number.isFinite(v))
        throw new VmotError(`is ${v} at prices [${Array.from(s, (x) => x.toPrecision(3)).join(', ')}] (quantile level ${u} of every marginal): too large for double precision; rescale the prices or the coefficients`, 'payoff');
    }
}

/** Reads and validates a problem file; `overrides` replace training settings (e.g. from the command line). */
export async function loadProblem(file: string, overrides: { seed?: number; steps?: number } = {}, opts: ProblemOptions = {}): Promise<Problem> {
  const raw = readJsonFile(file, 'problem file');
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length > 0 && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    r.training = { ...(typeof r.training === 'object' ? r.training : {}), ...defined };
  }
  return parseProblem(raw, dirname(resolve(file)), opts);
}
