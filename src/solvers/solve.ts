import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { readJsonIfPresent, writeJsonAtomic } from '../core/files.js';
import { lockFolder } from '../core/lock.js';
import type { BoundSide } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { checkBound } from './checks.js';
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
    .update(JSON.stringify({ problem: problem.fingerprint, solver: solver.name, options: ctx.options ?? {}, inputs: solver.inputs?.(problem) ?? null }))
    .digest('hex');
  // one process at a time in a results folder (the lock names the holder to a second one)
  if (ctx.workDir) mkdirSync(ctx.workDir, { recursive: true });
  const release = ctx.workDir && ctx.lockWorkDir !== false ? await lockFolder(ctx.workDir, ctx.onNotice) : undefined;
  try {
    return await solveSides(problem, solver, ctx, fingerprint, started, t0);
  } finally {
    await release?.();
  }
}

async function solveSides<D>(problem: Problem, solver: Solver<D>, ctx: SolveContext, fingerprint: string, started: Date, t0: number): Promise<SolveReport<D>> {
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
    let r = file ? finished(file, fingerprint, solver, ctx.onNotice) : undefined;
    if (!r) {
      r = await solver.solve(problem, side, ctx);
      if (file) writeJsonAtomic(file, { fingerprint, result: { ...r, details: solver.store ? solver.store.encode(r.details) : r.details } });
    }
    const checks = checkBound(problem, r, report.references, { duality: solver.duality === true });
    r = { ...r, checks, reliable: checks.every((c) => c.ok) };
    report[side] = r;
    report.warnings.push(...r.warnings);
    for (const c of checks) {
      if (!c.ok) report.warnings.push(`${side} bound UNRELIABLE: ${c.message}`);
      else if (c.warning) report.warnings.push(`${side} bound: ${c.warning}`);
    }
  }
  const kinds = problem.bounds.map((s: BoundSide) => report[s]!.formulation);
  report.formulation = kinds.every((k) => k === kinds[0]) ? kinds[0] : problem.bounds.map((s, i) => `${kinds[i]} (${s})`).join(', ');
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** The finished bound in `file` if it belongs to the same problem, solver and options, else undefined (and why, to `notice`). */
function finished<D>(file: string, fingerprint: string, solver: Solver<D>, notice: (message: string) => void = () => undefined): BoundResult<D> | undefined {
  if (!existsSync(file)) return undefined;
  const saved = readJsonIfPresent(file) as { fingerprint?: string; result?: BoundResult<unknown> } | undefined;
  if (!saved?.result) return (notice(`${file} is not readable; the bound is solved again`), undefined);
  if (saved.fingerprint !== fingerprint) return (notice(`${file} is of another problem, solver or options; the bound is solved again`), undefined);
  try {
    return { ...saved.result, details: solver.store ? solver.store.decode(saved.result.details) : (saved.result.details as D) };
  } catch {
    return (notice(`${file} has unreadable details; the bound is solved again`), undefined);
  }
}
