import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readJsonIfPresent, writeJsonAtomic } from '../core/files.js';
import type { BoundSide } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { provenance } from './provenance.js';
import { references } from './references.js';
import type { BoundResult, SolveReport } from './result.js';
import type { SolveContext, Solver } from './solver.js';

/**
 * Solves every requested bound of a problem with one solver. With `ctx.workDir`, each finished bound is kept in
 * <workDir>/<solver>-<side>.json and reused by a rerun of the same problem, solver and options (never recomputed);
 * an interrupted bound resumes from its checkpoint when the solver keeps one.
 */
export async function solveAll<D>(problem: Problem, solver: Solver<D>, ctx: SolveContext = {}): Promise<SolveReport<D>> {
  const t0 = performance.now();
  const started = new Date();
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ problem: problem.fingerprint, solver: solver.name, options: ctx.options ?? {} }))
    .digest('hex');
  const report: SolveReport<D> = {
    name: problem.name,
    solver: solver.name,
    formulation: '',
    warnings: [],
    references: references(problem),
    seconds: 0,
    provenance: provenance(problem, solver.name, ctx.options ?? {}, started),
  };
  for (const side of problem.bounds) {
    const file = ctx.workDir ? join(ctx.workDir, `${solver.name}-${side}.json`) : undefined;
    let r = file ? finished(file, fingerprint, solver) : undefined;
    if (!r) {
      r = await solver.solve(problem, side, ctx);
      if (file) writeJsonAtomic(file, { fingerprint, result: { ...r, details: solver.store ? solver.store.encode(r.details) : r.details } });
    }
    report[side] = r;
    report.warnings.push(...r.warnings);
  }
  const kinds = problem.bounds.map((s: BoundSide) => report[s]!.formulation);
  report.formulation = kinds.every((k) => k === kinds[0]) ? kinds[0] : problem.bounds.map((s, i) => `${kinds[i]} (${s})`).join(', ');
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** The finished bound in `file` if it belongs to the same problem, solver and options, else undefined. */
function finished<D>(file: string, fingerprint: string, solver: Solver<D>): BoundResult<D> | undefined {
  const saved = readJsonIfPresent(file) as { fingerprint?: string; result?: BoundResult<unknown> } | undefined;
  if (saved?.fingerprint !== fingerprint || !saved.result) return undefined;
  try {
    return { ...saved.result, details: solver.store ? solver.store.decode(saved.result.details) : (saved.result.details as D) };
  } catch {
    return undefined; // unreadable: solve again
  }
}
