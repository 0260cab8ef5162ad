import type { Interval } from '../solvers/checks.js';
import type { BookJob } from './jobs.js';

/** One row of a book's summary (book.csv, book.json): a job's outcome. */
export interface JobRecord extends Pick<BookJob, 'id' | 'index' | 'label' | 'entry' | 'vary' | 'side' | 'solver'> {
  /** done: a bound (see `reliable`); failed: the job cannot run (bad input), `message` says why; the others only in a status. */
  status: 'done' | 'failed' | 'running' | 'waiting';
  value: number | null;
  /** The solver's error bar of `value`. */
  error: number | null;
  /** False when the bound failed a check (src/solvers/checks.ts): it must not be used. */
  reliable: boolean | null;
  /** True when the solver is exact on its own discrete laws (the LP): its values of ordered payoffs are ordered to rounding. */
  exactOnGrid: boolean | null;
  /** The last date's transport bounds, which every coupling respects, where they are known (super- or submodular payoff; either end null when unknown). */
  transport: Interval | null;
  /** Seconds of the solve itself (all attempts of a resumed neural bound). */
  seconds: number | null;
  steps: number | null;
  warnings: string[];
  message?: string;
  /** What the attempt that finished heard: a resumed checkpoint, a result reused. */
  notes: string[];
  /** The first training step this attempt ran (above 1 when it resumed from a checkpoint), null for a solver without steps. */
  firstStep: number | null;
  /** Attempts made at the job (a worker that died leaves one). */
  attempts: number;
  /** Who finished the job, and when. */
  worker: string;
  finished: string;
}

/** The row of a job without a result: waiting, running, or failed without a record of its own (its process crashed). */
export function pendingRecord(job: BookJob, status: JobRecord['status'], message?: string): JobRecord {
  return {
    id: job.id,
    index: job.index,
    label: job.label,
    entry: job.entry,
    vary: job.vary,
    side: job.side,
    solver: job.solver,
    status,
    value: null,
    error: null,
    reliable: null,
    exactOnGrid: null,
    transport: null,
    seconds: null,
    steps: null,
    warnings: [],
    message,
    notes: [],
    firstStep: null,
    attempts: 0,
    worker: '',
    finished: '',
  };
}
