import { createHash } from 'node:crypto';
import { VmotError } from '../core/errors.js';
import type { BoundSide } from '../problem/formulation.js';
import { parseProblem, type MarginalCache } from '../problem/problem.js';
import type { Book } from './spec.js';

/**
 * One job of a book: one payoff, one side, one solver. Self-contained (a worker on another machine needs nothing
 * else but the data files, read at the same absolute paths), and named by the content hash of what it computes.
 */
export interface BookJob {
  /** SHA-256 (24 hex digits) of (problem fingerprint, solver, solver options): enqueueing or running it twice adds nothing. */
  id: string;
  book: string;
  /** Position in the book (the summary's row order). */
  index: number;
  label: string;
  /** The book's "payoffs" entry, and the varied field and value for a family. */
  entry: number;
  vary?: { field: string; value: unknown };
  side: BoundSide;
  solver: string;
  options: Record<string, unknown>;
  /** The problem file of the job (the shared problem with this payoff and side) and the folder its file names are relative to. */
  problem: Record<string, unknown>;
  baseDir: string;
  /** The problem's fingerprint when the book was expanded: a worker whose data files differ refuses the job. */
  fingerprint: string;
  allowFilesOutside: boolean;
}

export function jobId(fingerprint: string, solver: string, options: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify({ fingerprint, solver, options })).digest('hex').slice(0, 24);
}

/**
 * Every (payoff, side, solver) of the book as a job, each problem validated (errors name the book field) with the
 * marginals built once for all of them (`cache`).
 */
export async function expandBook(book: Book, cache: MarginalCache, opts: { allowFilesOutside?: boolean } = {}): Promise<BookJob[]> {
  const jobs: BookJob[] = [];
  for (const p of book.payoffs) {
    for (const side of book.sides) {
      const spec = { ...book.problem, payoff: p.spec, bounds: [side] };
      let fingerprint: string;
      try {
        fingerprint = (await parseProblem(structuredClone(spec), book.baseDir, { allowFilesOutside: opts.allowFilesOutside, marginalCache: cache })).fingerprint;
      } catch (e) {
        if (!(e instanceof VmotError)) throw e;
        // payoff errors name the book's entry, the rest the shared problem
        const where = e.field?.startsWith('payoff') ? `payoffs[${p.entry}] (${p.label})${e.field.slice('payoff'.length)}` : `problem${e.field ? `.${e.field}` : ''}`;
        throw new VmotError(e.message.slice(e.field ? e.field.length + 2 : 0), where);
      }
      for (const solver of book.solvers) {
        const options = book.options[solver] ?? {};
        jobs.push({
          id: jobId(fingerprint, solver, options),
          book: book.name,
          index: jobs.length,
          label: p.label,
          entry: p.entry,
          vary: p.vary,
          side,
          solver,
          options,
          problem: spec,
          baseDir: book.baseDir,
          fingerprint,
          allowFilesOutside: opts.allowFilesOutside ?? false,
        });
      }
    }
  }
  return jobs;
}
