import { Interrupted } from '../core/errors.js';
import type { StopFlag } from '../core/progress.js';
import type { Problem } from '../problem/problem.js';
import { loadSolver } from '../solvers/registry.js';
import type { SolveReport } from '../solvers/result.js';
import { EXIT } from './exit.js';
import { progressReporter } from './progress.js';

export interface SolveRunOptions {
  outDir: string;
  quiet?: boolean;
  checkpointSeconds?: number;
  /** Options per solver name (e.g. the LP's atoms). */
  options?: Record<string, Record<string, unknown>>;
}

/**
 * Runs the named solvers on the problem one after the other, with a progress bar, finished bounds and checkpoints in
 * `outDir`; SIGINT (Ctrl-C) and SIGTERM (batch schedulers) stop after the current step with a checkpoint saved, and
 * the process exits 130 / 143 with a note on how to resume.
 */
export async function runSolvers(problem: Problem, methods: string[], o: SolveRunOptions): Promise<SolveReport[]> {
  const { solveAll } = await import('../solvers/solve.js');
  const onNotice = (message: string) => process.stderr.write(`vmot: note: ${message}\n`);
  const progress = progressReporter(o.quiet);
  const stop: StopFlag & { signal?: NodeJS.Signals } = { requested: false };
  const onSignal = (signal: NodeJS.Signals) => {
    stop.requested = true;
    stop.signal = signal;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const reports: SolveReport[] = [];
  try {
    for (const name of methods) {
      const solver = await loadSolver(name, '--method');
      reports.push(
        await solveAll(problem, solver, {
          workDir: o.outDir,
          stop,
          onNotice,
          checkpointSeconds: o.checkpointSeconds,
          options: o.options?.[name],
          onProgress: (p) => progress.update(`${name} ${p.side} bound`, p.step, p.steps, `dual ${p.value.toPrecision(5)}`),
        }),
      );
      progress.stop();
    }
  } catch (e) {
    progress.stop();
    if (e instanceof Interrupted) {
      process.stderr.write(`vmot: interrupted (${stop.signal ?? 'SIGINT'}) at step ${e.step}; checkpoint saved in ${o.outDir}; run the same command again to resume\n`);
      process.exit(stop.signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint);
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return reports;
}
