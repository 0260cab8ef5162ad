import { z } from 'zod';
import { VmotError } from './errors.js';

/** Formats a zod path as problem-file notation: marginals[1][0].sd */
export function fieldPath(base: string, path: readonly PropertyKey[]): string {
  let s = base;
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/**
 * Validates `value` against `schema`; the first problem becomes a VmotError naming the field (for an unknown key, the
 * key itself, with the fields that are known; for a wrong top-level value, "the file").
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, base: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, issue.path);
    return fail(`is not a known field${known ? ` (known: ${known.join(', ')})` : ''}`, fieldPath(base, [...issue.path, issue.keys[0]]));
  }
  return fail(issue.message.replace(/^Invalid input: expected (\w+), received (\w+)$/, 'must be $1, not $2'), fieldPath(base, issue.path) || base || 'the file');
}

function fail(message: string, field: string): never {
  throw new VmotError(message, field);
}

/** The keys an object schema accepts at `path` (when it can be followed), for the message of an unknown key. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s: unknown = schema;
  for (const p of [...path, undefined]) {
    while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = (s as z.ZodDefault).unwrap();
    if (p === undefined) return s instanceof z.ZodObject ? Object.keys(s.shape) : undefined;
    if (s instanceof z.ZodObject) s = s.shape[p as string];
    else if (s instanceof z.ZodArray) s = s.element;
    else return undefined;
  }
  return undefined;
}
