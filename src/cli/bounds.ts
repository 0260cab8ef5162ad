import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LP_ALGORITHMS, type LpAlgorithm } from '../lp/algorithms.js';
import { intArg, positiveArg } from './args.js';
import { CheckFailed, VmotError } from '../core/errors.js';
import { writableFolder, writeJsonAtomic } from '../core/files.js';
import { loadProblem } from '../problem/problem.js';
import { loadSolver, solverNames } from '../solvers/registry.js';
import type { NeuralDetails } from '../solvers/neural/index.js';
import type { SolveReport } from '../solvers/result.js';
import type { HedgeDoc } from '../hedge/document.js';
import { runSolvers } from './solveRun.js';

const atomsArg = (v: string): number | 'auto' => (v === 'auto' ? 'auto' : intArg('--atoms')(v));

/** --method: one solver of the registry, or "both" (neural and lp side by side). */
const methodArg = (v: string): string[] => {
  const methods = v === 'both' ? ['neural', 'lp'] : [v];
  if (!methods.every((m) => solverNames().includes(m))) throw new InvalidArgumentError(`--method must be one of ${[...solverNames(), 'both'].join(', ')}, got "${v}"`);
  return methods;
};

interface BoundsOptions {
  json?: boolean;
  out?: string;
  seed?: number;
  steps?: number;
  quiet?: boolean;
  hedge?: string;
  method: string[];
  atoms?: number | 'auto';
  lpTol?: number;
  lpTime?: number;
  lpAlgorithm?: LpAlgorithm;
  allowFilesOutside?: boolean;
  checkpointSeconds?: number;
  report?: boolean;
  polish: boolean;
}

export function boundsCommand(): Command {
  return new Command('bounds')
    .description('robust upper and lower price bounds of the problem file by the neural dual (or the exact discrete LP: --method)')
    .argument('<problem>', 'problem file (JSON)')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--out <dir>', 'folder for results, checkpoints and plots (default runs/<name>)')
    .option('--seed <n>', 'training seed (overrides training.seed)', intArg('--seed'))
    .option('--steps <n>', 'training steps (overrides training.steps)', intArg('--steps'))
    .option('--quiet', 'no progress output')
    .option('--checkpoint-seconds <s>', 'seconds between training checkpoints (default 10)', positiveArg('--checkpoint-seconds'))
    .option('--allow-files-outside', "let the problem file read data files outside its own folder (refused by default)")
    .option('--hedge <dir>', "export each bound's hedge (hedge.json, TF.js models, strips, shortfall report) to DIR/<side>/")
    .option('--no-polish', 'with --hedge: keep the trained output layers (default: re-fit them by LP so the hedge holds on a pool of grid and sampled paths)')
    .option('--report', 'also write the HTML report (report.html), its figures as PNG and its tables as CSV to --out (as `vmot report`)')
    .option('--method <m>', `solver: ${solverNames().join(', ')}, or both (neural and lp side by side)`, methodArg, ['neural'])
    .option('--atoms <n>', 'LP atoms per asset and date (default: the most within 40000 LP columns), or "auto": refine until the error is below --lp-tol', atomsArg)
    .option('--lp-tol <x>', 'with --atoms auto: relative discretization error to reach (default 0.005)', positiveArg('--lp-tol'))
    .option('--lp-time <s>', 'with --atoms auto: seconds for all LP solves of one bound (default 600)', positiveArg('--lp-time'))
    .addOption(new Option('--lp-algorithm <a>', 'LP: column generation from the coarser grid (default) or the interior-point solver on every column').choices(LP_ALGORITHMS))
    .action(async (file: string, o: BoundsOptions) => {
      if (o.hedge && !o.method.includes('neural')) throw new VmotError('exports the neural hedge; use --method neural or both (the LP potentials are in lp-<side>.json in --out)', '--hedge');
      const problem = await loadProblem(file, { seed: o.seed, steps: o.steps }, { allowFilesOutside: o.allowFilesOutside });
      // the numerical stack loads only once the input is valid, so bad input fails fast
      const { reportJson } = await import('../report/json.js');
      const outDir = o.out ?? join('runs', problem.name);
      // output folders are checked before any work starts
      writableFolder(outDir, '--out');
      if (o.hedge) writableFolder(o.hedge, '--hedge');
      const lp = { atoms: o.atoms, target: o.lpTol, timeLimit: o.lpTime, algorithm: o.lpAlgorithm };
      const options: Record<string, Record<string, unknown>> = { lp: Object.fromEntries(Object.entries(lp).filter(([, v]) => v !== undefined)) };
      if ((o.lpTol !== undefined || o.lpTime !== undefined) && o.atoms !== 'auto') throw new VmotError('applies to --atoms auto only', o.lpTol !== undefined ? '--lp-tol' : '--lp-time');
      const reports = await runSolvers(problem, o.method, { outDir, quiet: o.quiet, checkpointSeconds: o.checkpointSeconds, options });
      const files: string[] = [];
      const json: Record<string, unknown> = {};
      for (const r of reports) {
        const solver = await loadSolver(r.solver);
        json[r.solver] = reportJson(r, solver);
        const f = join(outDir, `${r.solver}-result.json`);
        writeJsonAtomic(f, json[r.solver]);
        files.push(f);
      }
      const { convergenceChart } = await import('../report/figures/training.js');
      const { writeChart } = await import('../report/plot.js');
      for (const side of problem.bounds) {
        const chart = convergenceChart(side, reports);
        if (!chart) continue;
        const plot = join(outDir, `convergence-${side}.png`);
        writeChart(plot, chart);
        files.push(plot);
      }
      if (reports.length === 2) {
        const { comparisonText } = await import('../report/compare.js');
        const { compareReports } = await import('../solvers/compare.js');
        const comparison = compareReports(reports[0], reports[1], reports[0].references);
        const out = { name: problem.name, ...json, comparison };
        writeJsonAtomic(join(outDir, 'comparison.json'), out);
        process.stdout.write(o.json ? `${JSON.stringify(out)}\n` : comparisonText(problem.name, comparison, reports[0].references, reports.flatMap((r) => r.warnings.map((w) => `${r.solver}: ${w}`))));
      } else if (o.json) process.stdout.write(`${JSON.stringify(json[reports[0].solver])}\n`);
      else {
        const { summaryText } = await import('../report/text.js');
        process.stdout.write(summaryText(reports[0], await loadSolver(reports[0].solver), files));
      }
      const hedges: HedgeDoc[] = [];
      if (o.hedge) {
        const { exportReport } = await import('../hedge/export.js');
        const { hedgeSummary } = await import('../report/hedge.js');
        const neural = reports.find((r) => r.solver === 'neural') as SolveReport<NeuralDetails>;
        const { progressReporter } = await import('./progress.js');
        const progress = progressReporter(o.quiet);
        const polish = o.polish && { onRound: (k: number, n: number, worst: number, cost: number) => progress.update('polishing the hedge', k, n, `worst shortfall ${worst.toExponential(2)}, cost ${cost.toPrecision(6)}`) };
        const docs = await exportReport(o.hedge, problem, neural, { polish });
        progress.stop();
        for (const doc of docs) {
          hedges.push(doc);
          (o.json ? process.stderr : process.stdout).write(hedgeSummary(doc, join(o.hedge, doc.side, 'hedge.json')));
        }
      }
      const { writeManifest } = await import('../report/run.js');
      writeManifest(outDir, problem, o.method, o.hedge, o.allowFilesOutside);
      if (o.report) {
        const { writeReport } = await import('../report/write.js');
        const r = await writeReport(outDir, { problem, reports, hedges });
        (o.json ? process.stderr : process.stdout).write(`report: ${r.html} (${r.figures.length} figures in ${join(outDir, 'figures')}; ${r.tables.join(', ')})\n`);
      }
      // a bound that failed a check was printed as such, and the exit code says so too (3)
      const unreliable = reports.flatMap((r) => [r.upper, r.lower]).filter((b) => b?.reliable === false);
      if (unreliable.length > 0) throw new CheckFailed(`${unreliable.map((b) => `the ${b!.solver} ${b!.side} bound`).join(' and ')} failed ${unreliable.length > 1 ? 'their' : 'its'} checks (UNRELIABLE above)`);
    });
}
