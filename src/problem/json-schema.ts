import { z } from 'zod';
import { vmotVersion } from '../core/package.js';
import { problemFileSchema } from './problem.js';

/**
 * The JSON Schema (draft 2020-12) of the problem file: every marginal and payoff type with its fields and defaults.
 * Refinements (sd > 0, low < high, convex order, ...) are checked by vmot itself, with messages naming the field.
 */
export function problemJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(problemFileSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://vmot.dev/schema/problem.schema.json',
    title: `vmot problem file (vmot ${vmotVersion().split('.').slice(0, 2).join('.')})`,
  };
}
