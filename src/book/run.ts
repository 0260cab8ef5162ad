import { join } from 'node:path';
import { writeJsonAtomic } from '../core/files.js';
import type { Progress, StopFlag } from '../core/progress.js';
import { VmotError } from '../core/errors.js';
import { parseProblem, type MarginalCache } from '../problem/problem.js';
import { reportJson } from '../report/json.js';
import { transportInterval } from '../solvers/checks.js';
import { loadSolver } from '../solvers/registry.js';
import type { BookJob } from './jobs.js';
import type { JobRecord } from './record.js';
import { attempts, claim, finishedRecord, jobDir, writeRecord } from './store.js';

export interface JobContext {
  /** Marginals built so far in this process (shared by the jobs of a book). */
  cache: MarginalCache;
  /** Names this process in the store and the summary (e.g. "embedded-1", "worker host:pid"). */
  worker: string;
  stop?: StopFlag;
  onProgress?: (p: Progress) => void;
  checkpointSeconds?: number;
}

/**
 * Runs one job of a book through the solver seam, with its checkpoints and per-bound results in the store
 * (jobs/<id>/), so a job started again resumes where the last attempt's checkpoint left it, and a finished job is
 * returned as it is. Bad input (VmotError) gives a failed record, which is written and returned, never retried here.
 * Throws Interrupted when ctx.stop is set, and TakenOver when another attempt has claimed the job meanwhile.
 */
export async function runJob(job: BookJob, store: string, ctx: JobContext): Promise<JobRecord> {
  const done = finishedRecord(store, job);
  if (done) return done;
  const mine = claim(store, job.id, ctx.worker);
  const notes: string[] = [];
  let firstStep: number | null = null;
  const base = { id: job.id, index: job.index, label: job.label, entry: job.entry, vary: job.vary, side: job.side, solver: job.solver, worker: ctx.worker, notes };
  const finish = (r: Omit<JobRecord, keyof typeof base | 'attempts' | 'finished' | 'firstStep'>): JobRecord => {
    const record: JobRecord = { ...base, ...r, firstStep, attempts: attempts(store, job.id).length, finished: new Date().toISOString() };
    writeRecord(store, mine, record);
    return record;
  };
  try {
    const problem = await parseProblem(structuredClone(job.problem), job.baseDir, { allowFilesOutside: job.allowFilesOutside, marginalCache: ctx.cache });
    if (problem.fingerprint !== job.fingerprint)
      throw new VmotError(`the problem or its data files (${problem.inputs.map((f) => f.file).join(', ') || 'none'}) differ from those the book was expanded with; expand the book again`, `job ${job.id}`);
    const solver = await loadSolver(job.solver, 'solvers');
    const { solveAll } = await import('../solvers/solve.js');
    const dir = jobDir(store, job.id);
    const report = await solveAll(problem, solver, {
      workDir: dir,
      // the job queue (or the embedded pool) gives the job to one attempt at a time; owner.json fences the rest
      lockWorkDir: false,
      stop: ctx.stop,
      options: job.options,
      checkpointSeconds: ctx.checkpointSeconds,
      onNotice: (m) => notes.push(m),
      onProgress: (p) => {
        firstStep ??= p.step;
        ctx.onProgress?.(p);
      },
    });
    writeJsonAtomic(join(dir, `${job.solver}-result.json`), reportJson(report, solver));
    const b = report[job.side]!;
    const t = transportInterval(problem, report.references);
    return finish({
      status: 'done',
      value: b.value,
      error: b.error,
      reliable: b.reliable ?? null,
      exactOnGrid: b.transport !== undefined,
      transport: t ?? null,
      seconds: b.seconds,
      steps: b.steps,
      warnings: report.warnings,
    });
  } catch (e) {
    if (!(e instanceof VmotError)) throw e;
    return finish({ status: 'failed', value: null, error: null, reliable: null, exactOnGrid: null, transport: null, seconds: null, steps: null, warnings: [], message: e.message });
  }
}
