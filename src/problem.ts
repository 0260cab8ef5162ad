import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from './errors.js';
import { checkConvexOrder } from './marginals/convexOrder.js';
import { buildMarginal } from './marginals/spec.js';
import type { Marginal } from './marginals/types.js';
import { buildPayoff, type Payoff } from './models/payoffs.js';
import { trainingSchema, type TrainingOptions } from './models/training-options.js';
import { parseWith } from './schema.js';

export type Formulation = 'full' | 'reduced' | 'auto';
export type BoundSide = 'upper' | 'lower';

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

/** Validates a parsed problem file; `baseDir` resolves relative file names. Throws VmotError naming the field. */
export function buildProblem(raw: unknown, baseDir: string): Problem {
  const spec = parseWith(problemSchema, raw, '');
  const d = spec.marginals[0].length;
  spec.marginals.forEach((row, t) => {
    if (row.length !== d) throw new VmotError(`date ${t} has ${row.length} assets, date 0 has ${d}`, `marginals[${t}]`);
  });
  const T = spec.marginals.length;
  const marginals = spec.marginals.map((row, t) => row.map((m, i) => buildMarginal(m, { baseDir }, `marginals[${t}][${i}]`)));
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
export function loadProblem(file: string, overrides: { seed?: number; steps?: number } = {}): Problem {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new VmotError(`cannot read problem file ${file}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VmotError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length > 0 && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    r.training = { ...(typeof r.training === 'object' ? r.training : {}), ...defined };
  }
  return buildProblem(raw, dirname(resolve(file)));
}
