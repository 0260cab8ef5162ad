import { z } from 'zod';
import { VmotError } from './errors.js';

/** Formats a zod path as problem-file notation: marginals[1][0].sd */
export function fieldPath(base: string, path: readonly PropertyKey[]): string {
  let s = base;
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** Validates `value` against `schema`; the first problem becomes a VmotError naming the field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, base: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new VmotError(issue.message, fieldPath(base, issue.path) || base);
}
