import { z } from 'zod';
import { vmotVersion } from '../core/package.js';
import { bookFileSchema } from './spec.js';

/** The JSON Schema (draft 2020-12) of the book file, with every marginal and payoff type of the problem file. */
export function bookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(bookFileSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://vmot.dev/schema/book.schema.json',
    title: `vmot book file (vmot ${vmotVersion().split('.').slice(0, 2).join('.')})`,
  };
}
