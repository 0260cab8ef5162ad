import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import { checkConvexOrder } from '../marginals/convexOrder.js';
import { buildMarginal, newMarginalContext } from '../marginals/spec.js';
import type { Marginal } from '../marginals/types.js';
import type { BoundSide, Formulation } from './formulation.js';
import { buildPayoff } from './payoffs/registry.js';
import type { Payoff } from './payoffs/types.js';
import { trainingSchema, type TrainingOptions } from './training.js';

const problemSchema = z.strictObject({
  name: z.string().default('problem'),
  marginals: z.array(z.array(z.unknown()).min(1, 'needs at least one asset')).min(2, 'needs at least two dates (T >= 2)'),
  payoff: z.unknown(),
  formulation: z.enum(['full', 'reduced', 'auto']).default('auto'),
  bounds: z.array(z.enum(['upper', 'lower'])).min(1).default(['upper', 'lower']),
  training: trainingSchema.default(trainingSchema.parse({})),
  /** Tolerances of the convex-order check, relative to the marginals' standard deviation. */
  convexOrder: z.strictObject({ meanTol: z.number().positive().default(1e-4), callTol: z.number().positive().default(1e-6) }).default({ meanTol: 1e-4, callTol: 1e-6 }),
});

export interface Problem {
  name: string;
  /** Number of dates and of assets. */
  T: number;
  d: number;
  /** marginals[t][i]: law of asset i at date t. */
  marginals: Marginal[][];
  payoff: Payoff;
  formulation: Formulation;
  bounds: BoundSide[];
  training: TrainingOptions;
  /** Hash of the validated problem file: checkpoints of another problem are never resumed. */
  fingerprint: string;
}

/** Validates a parsed problem file and builds its marginals and payoff; `baseDir` resolves relative file names. Throws VmotError naming the field. */
export async function buildProblem(raw: unknown, baseDir: string): Promise<Problem> {
  const spec = parseWith(problemSchema, raw, '');
  const d = spec.marginals[0].length;
  spec.marginals.forEach((row, t) => {
    if (row.length !== d) throw new VmotError(`date ${t} has ${row.length} assets, date 0 has ${d}`, `marginals[${t}]`);
  });
  const T = spec.marginals.length;
  // date by date: a marginal may depend on the same asset's earlier dates (rough Heston keeps them in convex order)
  const ctx = newMarginalContext(baseDir);
  const marginals: Marginal[][] = [];
  for (const [t, row] of spec.marginals.entries()) {
    marginals.push([]);
    for (const [i, m] of row.entries()) marginals[t].push(await buildMarginal(m, ctx, `marginals[${t}][${i}]`));
  }
  for (let i = 0; i < d; i++) {
    for (let t = 0; t + 1 < T; t++) {
      const r = checkConvexOrder(marginals[t][i], marginals[t + 1][i], spec.convexOrder);
      if (!r.ok) throw new VmotError(`asset ${i} is not in convex order between dates ${t} and ${t + 1}: ${r.reason}`, `marginals[${t + 1}][${i}]`);
    }
  }
  const payoff = buildPayoff(spec.payoff, { T, d });
  const fingerprint = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  return { name: spec.name, T, d, marginals, payoff, formulation: spec.formulation, bounds: spec.bounds, training: spec.training, fingerprint };
}

/** Reads and validates a problem file; `overrides` replace training settings (e.g. from the command line). */
export async function loadProblem(file: string, overrides: { seed?: number; steps?: number } = {}): Promise<Problem> {
  const raw = readJsonFile(file, 'problem file');
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length > 0 && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    r.training = { ...(typeof r.training === 'object' ? r.training : {}), ...defined };
  }
  return buildProblem(raw, dirname(resolve(file)));
}
