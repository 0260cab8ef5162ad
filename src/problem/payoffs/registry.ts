import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import { parseWith } from '../../core/schema.js';
import { basket, basketSchema } from './basket.js';
import { expression, expressionSchema } from './expression.js';
import { extremum, extremumSchema } from './extremum.js';
import { forwardStart, forwardStartSchema } from './forward-start.js';
import { quadratic, quadraticSchema } from './quadratic.js';
import { sum, sumSchema } from './sum.js';
import type { Built, Dims, Payoff, PayoffSpec } from './types.js';

/** One payoff type of the problem file: its schema and how to build it (value, dates, structure) for T dates and d assets. */
interface PayoffKind<S extends z.ZodType = z.ZodType> {
  schema: S;
  build(params: z.output<S>, dims: Dims, path: string): Built;
}

const kind = <S extends z.ZodType>(k: PayoffKind<S>): PayoffKind<S> => k;

const basketKind = kind({ schema: basketSchema, build: basket });
const extremumKind = kind({ schema: extremumSchema, build: extremum });

/** The payoff types, by the problem file's "type" (README "The problem file"). */
const kinds: Record<string, PayoffKind> = {
  quadratic: kind({ schema: quadraticSchema, build: quadratic }),
  'basket-call': basketKind,
  'basket-put': basketKind,
  'max-call': extremumKind,
  'max-put': extremumKind,
  'min-call': extremumKind,
  'min-put': extremumKind,
  'forward-start': kind({ schema: forwardStartSchema, build: forwardStart }),
  expression: kind({ schema: expressionSchema, build: expression }),
  sum: kind({ schema: sumSchema, build: (p, dims, path) => sum(p, dims, path, buildPayoff) }),
};

/**
 * Every payoff of a problem file, by its "type" (README "The problem file"): for types and the JSON Schema. The
 * registry validates each type with its own schema (and a sum's terms one by one), so errors name the field.
 */
export const payoffSpecSchema: z.ZodType<PayoffSpecInput, PayoffSpecInput> = z
  .lazy(() =>
    z.union([
      quadraticSchema,
      basketSchema,
      extremumSchema,
      forwardStartSchema,
      expressionSchema,
      sumSchema.extend({ terms: z.array(z.strictObject({ weight: z.number().optional(), payoff: payoffSpecSchema })).min(1) }),
    ]),
  )
  .meta({ id: 'Payoff', description: 'The exotic\'s payoff as a function of the price path, by its "type"' });

/** A payoff spec as written in a problem file. */
export type PayoffSpecInput =
  | z.input<typeof quadraticSchema>
  | z.input<typeof basketSchema>
  | z.input<typeof extremumSchema>
  | z.input<typeof forwardStartSchema>
  | z.input<typeof expressionSchema>
  | { type: 'sum'; terms: { weight?: number; payoff: PayoffSpecInput }[] };

/** Builds a payoff from its JSON spec; `path` names the field in errors. */
export function buildPayoff(spec: unknown, dims: Dims, path = 'payoff'): Payoff {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new VmotError('must be an object with a "type"', path);
  const type = (spec as { type?: unknown }).type;
  const k = typeof type === 'string' && Object.hasOwn(kinds, type) ? kinds[type] : undefined;
  if (!k) throw new VmotError(`unknown payoff type ${JSON.stringify(type)}; known: ${Object.keys(kinds).join(', ')}`, `${path}.type`);
  return { ...k.build(parseWith(k.schema, spec, path), dims, path), spec: spec as PayoffSpec };
}
