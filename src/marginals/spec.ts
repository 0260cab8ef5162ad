import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { parseWith } from '../core/schema.js';
import { empiricalMarginal } from './empirical.js';
import { lognormalMarginal, normalMarginal, uniformMarginal } from './parametric.js';
import { buildQuotesMarginal, quotesSchema } from './quotes/spec.js';
import type { MarginalContext } from './context.js';
import { buildRoughHestonMarginal, roughHestonMarginalSchema } from './rough-heston.js';
import type { Marginal } from './types.js';

/** One kind of marginal in a problem file: its parameter schema and how to build it. */
export interface MarginalKind<S extends z.ZodType = z.ZodType> {
  schema: S;
  build(params: z.output<S>, ctx: MarginalContext, path: string): Marginal | Promise<Marginal>;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be positive');

function kind<S extends z.ZodType>(k: MarginalKind<S>): MarginalKind<S> {
  return k;
}

/** Most samples of an empirical law (inline or in a file). */
const MAX_SAMPLES = 10_000_000;

/** A short, escaped excerpt of a line of a data file, for an error message (never the file's contents). */
const excerpt = (line: string) => JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}...` : line);

const normalSchema = z.strictObject({ dist: z.literal('normal'), mean: finite, sd: positive });
const lognormalSchema = z.strictObject({ dist: z.literal('lognormal'), forward: positive, sigma: positive });
const uniformSchema = z
  .strictObject({ dist: z.literal('uniform'), low: finite, high: finite })
  .refine((p) => p.high > p.low, { message: 'must be greater than low', path: ['high'] });
const empiricalSchema = z
  .strictObject({
    dist: z.literal('empirical'),
    samples: z.array(finite).min(2, 'needs at least 2 samples').max(MAX_SAMPLES, `must have at most ${MAX_SAMPLES} samples`).optional(),
    /** One number per line, relative to the problem file. */
    file: z.string().optional(),
  })
  .refine((p) => (p.samples === undefined) !== (p.file === undefined), { message: 'give exactly one of "samples" or "file"' });

/** Every marginal of a problem file, by its "dist" (README "The problem file"): for types and the JSON Schema. */
export const marginalSpecSchema = z.union([normalSchema, lognormalSchema, uniformSchema, empiricalSchema, quotesSchema, roughHestonMarginalSchema]).meta({ id: 'Marginal', description: 'The law of one asset at one date, by its "dist"' });
export type MarginalSpec = z.input<typeof marginalSpecSchema>;

const kinds: Record<string, MarginalKind> = {
  normal: kind({ schema: normalSchema, build: (p) => normalMarginal(p.mean, p.sd) }),
  lognormal: kind({ schema: lognormalSchema, build: (p) => lognormalMarginal(p.forward, p.sigma) }),
  uniform: kind({ schema: uniformSchema, build: (p) => uniformMarginal(p.low, p.high) }),
  empirical: kind({
    schema: empiricalSchema,
    build: (p, ctx, path) => {
      if (p.samples) return empiricalMarginal(p.samples);
      const { path: file, text } = ctx.readText(p.file!, `${path}.file`);
      const values = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      const nums = values.map(Number);
      const bad = nums.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new VmotError(`line ${bad + 1} of ${file} is not a number: ${excerpt(values[bad])}`, `${path}.file`);
      if (nums.length > MAX_SAMPLES) throw new VmotError(`${file} has ${nums.length} numbers; at most ${MAX_SAMPLES}`, `${path}.file`);
      if (nums.length < 2) throw new VmotError(`${file} needs at least 2 numbers`, `${path}.file`);
      return empiricalMarginal(nums, `empirical ${p.file}`);
    },
  }),
  quotes: kind({ schema: quotesSchema, build: (p, ctx, path) => buildQuotesMarginal(p, ctx, path) }),
  'rough-heston': kind({ schema: roughHestonMarginalSchema, build: (p, ctx) => buildRoughHestonMarginal(p, ctx.roughHeston) }),
};

/** Builds the marginal described by `spec`; errors name `path` (e.g. "marginals[1][0]"). */
export async function buildMarginal(spec: unknown, ctx: MarginalContext, path: string): Promise<Marginal> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new VmotError('must be an object with a "dist"', path);
  const dist = (spec as { dist?: unknown }).dist;
  const k = typeof dist === 'string' && Object.hasOwn(kinds, dist) ? kinds[dist] : undefined;
  if (!k) throw new VmotError(`unknown distribution ${JSON.stringify(dist)}; known: ${Object.keys(kinds).join(', ')}`, `${path}.dist`);
  const params = parseWith(k.schema, spec, path);
  return k.build(params, ctx, path);
}
