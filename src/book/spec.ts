import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import type { BoundSide } from '../problem/formulation.js';
import { payoffSpecSchema } from '../problem/payoffs/registry.js';
import { problemFileSchema } from '../problem/problem.js';
import { solverNames } from '../solvers/registry.js';

/** One payoff of the book, or a family of them: `vary.field` of `payoff` takes each of `vary.values` (a strike ladder, a weight grid). */
const payoffEntrySchema = z.strictObject({
  /** Row label in the summary (default: the payoff's own label, with the varied value). */
  name: z.string().min(1).max(120).optional(),
  payoff: z.record(z.string(), z.unknown()),
  vary: z
    .strictObject({
      /** A field of the payoff, dotted for a nested one (e.g. "strike", "weights", "terms.0.weight"). */
      field: z.string().min(1),
      values: z.array(z.unknown()).min(1, 'needs at least one value').max(100_000),
    })
    .optional(),
});

const bookSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[\w.-]+$/, 'must be letters, digits, "-", "_" or "." (it names folders and the queue)').default('book'),
  /** The shared problem: a problem file without "payoff" and "bounds" (marginals, formulation, training, ...), or the name of one (its payoff and bounds are ignored). */
  problem: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  payoffs: z.array(payoffEntrySchema).min(1, 'needs at least one payoff'),
  sides: z.array(z.enum(['upper', 'lower'])).min(1).default(['upper', 'lower']),
  /** Solvers of the registry (src/solvers/registry.ts), each job runs one. */
  solvers: z.array(z.string()).min(1).default(['neural']),
  /** Options per solver name (e.g. {"lp": {"atoms": 40}}), as `vmot bounds` passes them. */
  options: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/**
 * The book file in full (README "A book of bounds"), with the problem file's marginal and payoff types: the type of a
 * book literal (BookFile) and the source of schema/book.schema.json. Validation goes through parseBook and then the
 * problem file's own validation per job, so that an error names the field.
 */
export const bookFileSchema = bookSchema.extend({
  problem: z.union([z.string().min(1), problemFileSchema.omit({ payoff: true, bounds: true })]),
  payoffs: z.array(payoffEntrySchema.extend({ payoff: payoffSpecSchema })).min(1),
});

/** A book file as written (defaults optional). */
export type BookFile = z.input<typeof bookFileSchema>;

/** One payoff of the expanded book: its spec, its label and, for a family, the field varied and its value. */
export interface BookPayoff {
  label: string;
  spec: Record<string, unknown>;
  /** Index of the book's "payoffs" entry it comes from (a family shares one). */
  entry: number;
  vary?: { field: string; value: unknown };
}

export interface Book {
  name: string;
  /** The shared problem file (without payoff and bounds) and the folder its file names are relative to. */
  problem: Record<string, unknown>;
  baseDir: string;
  payoffs: BookPayoff[];
  sides: BoundSide[];
  solvers: string[];
  options: Record<string, Record<string, unknown>>;
}

/** Sets the dotted `field` of a copy of `spec` to `value`; the field must exist (a typo is an error, not a new field). */
function withField(spec: Record<string, unknown>, field: string, value: unknown, path: string): Record<string, unknown> {
  const copy = structuredClone(spec);
  const keys = field.split('.');
  let node: unknown = copy;
  for (const k of keys.slice(0, -1)) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    if (typeof node !== 'object' || node === null) throw new VmotError(`the payoff has no field "${field}"`, `${path}.vary.field`);
  }
  const last = keys[keys.length - 1];
  if (!Object.hasOwn(node as object, last)) throw new VmotError(`the payoff has no field "${field}"`, `${path}.vary.field`);
  (node as Record<string, unknown>)[last] = value;
  return copy;
}

const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));

/** Validates a parsed book file (any JSON value) read from `baseDir`, and expands its payoff families. Errors name the field. */
export function parseBook(raw: unknown, baseDir: string): Book {
  const b = parseWith(bookSchema, raw, '');
  b.solvers.forEach((s, k) => {
    if (!solverNames().includes(s)) throw new VmotError(`must be one of ${solverNames().join(', ')}, got "${s}"`, `solvers[${k}]`);
  });
  for (const s of Object.keys(b.options)) if (!b.solvers.includes(s)) throw new VmotError(`"${s}" is not one of the book's solvers (${b.solvers.join(', ')})`, `options.${s}`);
  let problem: Record<string, unknown>;
  let problemDir = baseDir;
  if (typeof b.problem === 'string') {
    const file = resolve(baseDir, b.problem);
    const p = readJsonFile(file, 'problem file', 'problem');
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new VmotError(`${file} is not a JSON object`, 'problem');
    problem = p as Record<string, unknown>;
    problemDir = dirname(file);
  } else {
    for (const k of ['payoff', 'bounds'] as const) if (k in b.problem) throw new VmotError(`the book gives these in "payoffs" and "sides"; remove "${k}" here`, `problem.${k}`);
    problem = b.problem;
  }
  const { payoff: _payoff, bounds: _bounds, $schema: _schema, ...shared } = problem;
  const payoffs: BookPayoff[] = b.payoffs.flatMap((e, entry) => {
    const path = `payoffs[${entry}]`;
    const base = e.name ?? (typeof e.payoff.type === 'string' ? e.payoff.type : `payoff ${entry}`);
    if (!e.vary) return [{ label: base, spec: e.payoff, entry }];
    const { field, values } = e.vary;
    return values.map((value) => ({ label: `${base} ${field}=${show(value)}`, spec: withField(e.payoff, field, value, path), entry, vary: { field, value } }));
  });
  const labels = new Set<string>();
  for (const p of payoffs) {
    if (labels.has(p.label)) throw new VmotError(`two payoffs are labelled "${p.label}"; give each entry its own "name"`, `payoffs[${p.entry}]`);
    labels.add(p.label);
  }
  return { name: b.name, problem: shared, baseDir: problemDir, payoffs, sides: b.sides, solvers: b.solvers, options: b.options };
}

/** Reads and validates a book file. */
export function loadBook(file: string): Book {
  return parseBook(readJsonFile(file, 'book file'), dirname(resolve(file)));
}
