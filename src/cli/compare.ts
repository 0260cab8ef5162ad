import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { intArg } from './args.js';
import { CheckFailed, VmotError } from '../core/errors.js';
import { readJsonFile, writableFolder, writeJsonAtomic } from '../core/files.js';
import { parseProblem, type Problem } from '../problem/problem.js';
import type { SideBySide } from '../solvers/sideBySide.js';
import { parseStrikes } from './smile.js';
import { progressReporter } from './progress.js';
import { runSolvers } from './solveRun.js';

interface CompareOptions {
  json?: boolean;
  report?: boolean;
  out?: string;
  quiet?: boolean;
  neural: boolean;
  strikes?: number[];
  atoms?: number;
  allowFilesOutside?: boolean;
}

export function compareCommand(): Command {
  return new Command('compare')
    .description('the model-free VMOT bounds (neural, LP, transport) beside RMOT (calibrated rough-volatility prior, its interval per eta), the prior, a Gaussian copula and the independent coupling, with the checks of rmot design section 5')
    .argument('<problem>', 'problem file (JSON) with a "prior" block')
    .option('--json', 'print one JSON object')
    .option('--report', 'also write compare.html (every interval as a bar on one price axis), its figures and CSV tables to --out')
    .option('--out <dir>', 'folder for results and the report (default runs/<name>; finished bounds there are reused)')
    .option('--quiet', 'no progress output')
    .option('--no-neural', 'leave out the neural bounds (LP and RMOT only: minutes faster)')
    .option('--strikes <list>', 'a strike ladder for a payoff with a strike: "90,100,110" or "lo:hi:count"', parseStrikes)
    .option('--atoms <n>', 'LP atoms per asset and date (default as in `vmot bounds`)', intArg('--atoms'))
    .option('--allow-files-outside', "let the problem file read data files outside its own folder (refused by default)")
    .action(async (file: string, o: CompareOptions) => {
      const raw = readJsonFile(file, 'problem file') as Record<string, unknown>;
      const base = await parseProblem(raw, dirname(resolve(file)), { allowFilesOutside: o.allowFilesOutside });
      const outDir = o.out ?? join('runs', base.name);
      writableFolder(outDir, '--out');
      const problems: { strike?: number; problem: Problem; dir: string }[] = [];
      if (!o.strikes) problems.push({ problem: base, dir: outDir });
      else {
        if (!('strike' in (base.payoff.spec as object))) throw new VmotError(`the payoff (${base.payoff.label}) has no strike to vary`, '--strikes');
        for (const strike of o.strikes) {
          const spec = { ...raw, name: `${base.name}-K${strike}`, payoff: { ...(raw.payoff as object), strike } };
          problems.push({ strike, problem: await parseProblem(spec, dirname(resolve(file)), { allowFilesOutside: o.allowFilesOutside }), dir: join(outDir, `strike-${strike}`) });
        }
      }
      const { runRmot } = await import('../rmot/run.js');
      const { sideBySide } = await import('../solvers/sideBySide.js');
      const { comparisonText } = await import('../report/comparison.js');
      const methods = o.neural ? ['neural', 'lp'] : ['lp'];
      const options = { lp: o.atoms === undefined ? {} : { atoms: o.atoms } };
      const results: { strike?: number; comparison: SideBySide }[] = [];
      const unreliable: string[] = [];
      for (const { strike, problem, dir } of problems) {
        const reports = await runSolvers(problem, methods, { outDir: dir, quiet: o.quiet || o.json, options });
        const progress = progressReporter(o.quiet || o.json);
        const rmot = await runRmot(problem, (done, total, what) => progress.update('RMOT', done, total, what));
        progress.stop();
        const comparison = sideBySide(problem, reports, rmot);
        for (const b of reports.flatMap((r) => [r.upper, r.lower])) if (b?.reliable === false) unreliable.push(`${strike === undefined ? '' : `strike ${strike}: `}the ${b.solver} ${b.side} bound failed its checks`);
        results.push({ strike, comparison });
        writeJsonAtomic(join(dir, 'compare.json'), comparison);
        if (!o.json) process.stdout.write(`${strike === undefined ? '' : `\nstrike ${strike}\n`}${comparisonText(comparison).join('\n')}\n`);
      }
      if (o.json) process.stdout.write(`${JSON.stringify(o.strikes ? { ladder: results } : results[0].comparison)}\n`);
      const files: string[] = [];
      if (o.strikes) {
        const { ladderChart } = await import('../report/comparison.js');
        const { writeChart } = await import('../report/plot.js');
        const png = join(outDir, 'ladder.png');
        writeChart(png, ladderChart(base.name, results as { strike: number; comparison: SideBySide }[]));
        files.push(png);
      }
      if (o.report) {
        const { comparisonSections } = await import('../report/comparison.js');
        const { writeSections } = await import('../report/write.js');
        files.push(writeSections(outDir, 'compare.html', `vmot compare: ${base.name}`, comparisonSections(results)).html);
      }
      if (files.length) (o.json ? process.stderr : process.stdout).write(`wrote ${files.join(', ')}\n`);
      const failed = [...unreliable, ...results.flatMap((r) => r.comparison.checks.filter((c) => !c.ok).map((c) => `${r.strike === undefined ? '' : `strike ${r.strike}: `}${c.name}`))];
      if (failed.length) throw new CheckFailed(`${failed.join('; ')} (FAILED above)`);
    });
}
