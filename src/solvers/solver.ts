import type { Progress, StopFlag } from '../core/progress.js';
import type { BoundSide } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import type { BoundResult } from './result.js';

/** What the caller controls of one solve. */
export interface SolveContext {
  /** Folder for checkpoints and finished results: a rerun reuses finished bounds and resumes an interrupted one. */
  workDir?: string;
  /** Lock workDir against a second process (default true); false when the caller already owns it exclusively (a job queue's lock). */
  lockWorkDir?: boolean;
  onProgress?: (p: Progress) => void;
  /** Set to true (SIGINT, SIGTERM) to stop after the current step with a checkpoint saved. */
  stop?: StopFlag;
  /** Solver-specific options (e.g. the LP's atoms), validated by the solver; errors name the field. */
  options?: Record<string, unknown>;
  /** Seconds between checkpoints of a solver that keeps them (default 10). */
  checkpointSeconds?: number;
  /** Hears what the caller should know but is not an error (e.g. a checkpoint that could not be used). */
  onNotice?: (message: string) => void;
}

/**
 * The solver seam: (problem, side, context) -> BoundResult. A solver is a folder under src/solvers with one object of
 * this type, and one line in registry.ts; solveAll, the text and JSON reports, plots and comparisons then work for it.
 */
export interface Solver<D = unknown> {
  /** Registry name, as on the command line (--method) and in result file names. */
  readonly name: string;
  solve(problem: Problem, side: BoundSide, ctx: SolveContext): Promise<BoundResult<D>>;
  /** True when `value` and `primal` are the dual and primal optima of one program (the LP): their gap is then checked. */
  readonly duality?: boolean;
  /** What else of the problem file the solver reads beyond the VMOT problem (e.g. RMOT's prior): part of its results' fingerprint. */
  inputs?(problem: Problem): unknown;
  /** Solver-specific facts for the text summary, one line each. */
  summary(r: BoundResult<D>): string[];
  /** The details in summaries (--json, <solver>-result.json); default: as they are. */
  detailsJson?(d: D): unknown;
  /** The optimal coupling the solver found, when it is discrete: paths[k * T * d + t * d + i] = asset i at date t on path k, with its mass (for the report's heat maps and coupling.csv). */
  coupling?(d: D): { paths: Float64Array; mass: Float64Array };
  /** Lossless JSON form of the details for the per-bound result files that let a rerun reuse a finished bound. */
  store?: { encode(d: D): unknown; decode(raw: unknown): D };
}
