import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { VmotError } from '../core/errors.js';
import { readJsonFile, writeJsonAtomic } from '../core/files.js';
import { parseWith } from '../core/schema.js';
import { readHedgeDoc, type HedgeDoc } from '../hedge/document.js';
import { parseProblem, type Problem } from '../problem/problem.js';
import { loadSolver } from '../solvers/registry.js';
import type { BoundResult, SolveReport } from '../solvers/result.js';

/** Everything one run produced, as the report reads it. */
export interface RunData {
  problem: Problem;
  /** One report per solver, bounds with their traces and details. */
  reports: SolveReport[];
  /** The exported hedges (`--hedge`), one per side. */
  hedges: HedgeDoc[];
}

/**
 * run.json, schema "vmot-run/1": what `vmot bounds` ran, so that `vmot report <run dir>` can rebuild the problem and
 * find every result. The problem is stored as validated (defaults filled in) with the folder its file names are
 * relative to, and its fingerprint: the report refuses data files that changed since the run.
 */
const manifestSchema = z.strictObject({
  schema: z.literal('vmot-run/1'),
  problem: z.strictObject({ name: z.string(), fingerprint: z.string(), spec: z.record(z.string(), z.unknown()), baseDir: z.string(), allowFilesOutside: z.boolean() }),
  solvers: z.array(z.string()).min(1),
  /** Folder of the hedge export (DIR/<side>/hedge.json), null without one. */
  hedge: z.string().nullable(),
});
export type RunManifest = z.output<typeof manifestSchema>;

/** Writes <dir>/run.json for a finished run. */
export function writeManifest(dir: string, problem: Problem, solvers: string[], hedge: string | undefined, allowFilesOutside = false): void {
  const m: RunManifest = {
    schema: 'vmot-run/1',
    problem: { name: problem.name, fingerprint: problem.fingerprint, spec: problem.source.spec, baseDir: problem.source.baseDir, allowFilesOutside },
    solvers,
    hedge: hedge === undefined ? null : resolve(hedge),
  };
  writeJsonAtomic(join(dir, 'run.json'), m);
}

/** Reads a run folder written by `vmot bounds`: the problem rebuilt from run.json, every solver's bounds, the hedges. */
export async function loadRun(dir: string): Promise<RunData> {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) throw new VmotError(`${file} does not exist: give a folder written by \`vmot bounds\` (its --out)`, 'run dir');
  const m = parseWith(manifestSchema, readJsonFile(file, 'run manifest'), file);
  const problem = await parseProblem(m.problem.spec, m.problem.baseDir, { allowFilesOutside: m.problem.allowFilesOutside });
  if (problem.fingerprint !== m.problem.fingerprint)
    throw new VmotError(`the problem's data files changed since the run (fingerprint ${problem.fingerprint.slice(0, 12)} vs ${m.problem.fingerprint.slice(0, 12)}); run \`vmot bounds\` again`, file);
  const reports: SolveReport[] = [];
  for (const name of m.solvers) reports.push(await readReport(dir, name));
  const hedges = m.hedge === null ? [] : (['upper', 'lower'] as const).map((s) => join(m.hedge!, s, 'hedge.json')).filter(existsSync).map(readHedgeDoc);
  return { problem, reports, hedges };
}

/** One solver's report: the summary of <solver>-result.json with each bound in full (trace, details) from <solver>-<side>.json. */
async function readReport(dir: string, name: string): Promise<SolveReport> {
  const solver = await loadSolver(name, 'run.json: solvers');
  const summaryFile = join(dir, `${name}-result.json`);
  const summary = readJsonFile(summaryFile, 'result file') as Omit<SolveReport, 'upper' | 'lower'> & Partial<Record<'upper' | 'lower', Pick<BoundResult, 'checks' | 'reliable'>>>;
  const report: SolveReport = { ...summary, upper: undefined, lower: undefined };
  for (const side of ['upper', 'lower'] as const) {
    if (!summary[side]) continue;
    const boundFile = join(dir, `${name}-${side}.json`);
    const saved = readJsonFile(boundFile, 'result file') as { result?: BoundResult<unknown> };
    if (!saved.result) throw new VmotError('holds no result', boundFile);
    const details = solver.store ? solver.store.decode(saved.result.details) : saved.result.details;
    report[side] = { ...saved.result, details, checks: summary[side]!.checks, reliable: summary[side]!.reliable };
  }
  return report;
}
