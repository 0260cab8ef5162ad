import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { exportReport } from '../hedge/export.js';
import { hedgeSummary } from '../hedge/report.js';
import { bothOutput, lpOutput, methodArg, type Method } from '../lp/cli.js';
import { Interrupted, VmotError } from '../errors.js';
import { writeJsonAtomic } from '../models/checkpoint.js';
import { loadProblem } from '../problem.js';
import type { Series } from '../report/plot.js';
import type { BoundResult } from '../models/bounds.js';
import { boundsJson } from '../report/summary.js';
import type { SolveReport } from '../solve.js';
import { progressReporter } from './progress.js';

export const intArg = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};

export function boundsCommand(): Command {
  return new Command('bounds')
    .description('robust upper and lower price bounds of the problem file by the neural dual (or the exact discrete LP: --method)')
    .argument('<problem>', 'problem file (JSON)')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--out <dir>', 'folder for results, checkpoints and plots (default runs/<name>)')
    .option('--seed <n>', 'training seed (overrides training.seed)', intArg('--seed'))
    .option('--steps <n>', 'training steps (overrides training.steps)', intArg('--steps'))
    .option('--quiet', 'no progress output')
    .option('--hedge <dir>', 'export each bound\'s hedge (hedge.json, TF.js models, strips, shortfall report) to DIR/<side>/')
    .option('--method <m>', 'neural, lp (discretized VMOT solved as a linear program by HiGHS) or both, side by side', methodArg, 'neural')
    .option('--atoms <n>', 'LP atoms per asset and date (default: the most within 40000 LP columns)', intArg('--atoms'))
    .action(async (file: string, o: { json?: boolean; out?: string; seed?: number; steps?: number; quiet?: boolean; hedge?: string; method: Method; atoms?: number }) => {
      if (o.hedge && o.method === 'lp') throw new VmotError('exports the neural hedge; use --method neural or both (the LP potentials are written to --out as lp-<side>.json)', '--hedge');
      const problem = loadProblem(file, { seed: o.seed, steps: o.steps });
      // the numerical stack loads only once the input is valid, so bad input fails fast
      const { solveProblem } = await import('../solve.js');
      const outDir = o.out ?? join('runs', problem.name);
      if (o.method === 'lp') return void process.stdout.write(await lpOutput(problem, outDir, o));
      const progress = progressReporter(o.quiet);
      const stop = { requested: false };
      const onSigint = () => {
        stop.requested = true;
      };
      process.once('SIGINT', onSigint);
      let report: SolveReport;
      try {
        report = await solveProblem(problem, {
          outDir,
          stop,
          onProgress: (p) => progress.update(`${p.side} bound`, p.step, p.steps, `dual ${p.value.toPrecision(5)}`),
        });
      } catch (e) {
        progress.stop();
        if (e instanceof Interrupted) {
          process.stderr.write(`vmot: interrupted at step ${e.step}; checkpoint saved in ${outDir}; run the same command again to resume\n`);
          process.exit(130);
        }
        throw e;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      progress.stop();
      const summary = summaryJson(report);
      writeJsonAtomic(join(outDir, 'result.json'), summary);
      await writeConvergencePlot(join(outDir, 'convergence.png'), report);
      if (o.method === 'both') process.stdout.write(await bothOutput(problem, summary, outDir, o));
      else if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(summaryText(report, outDir));
      if (o.hedge) for (const doc of await exportReport(o.hedge, problem, report)) (o.json ? process.stderr : process.stdout).write(hedgeSummary(doc, join(o.hedge, doc.side, 'hedge.json')));
    });
}

/** The JSON contract of `vmot bounds --json`. */
export function summaryJson(r: SolveReport) {
  return boundsJson(r, r.backend, (b: BoundResult) => ({
    value: b.value,
    tail: b.tail,
    primal: b.primal,
    stderr: b.stderr,
    mass: b.mass,
    formulation: b.formulation,
    map: b.map ?? null,
    exact: b.exact,
    reason: b.reason,
    engine: b.engine,
    steps: b.steps,
    seconds: b.seconds,
  }));
}

function summaryText(r: SolveReport, outDir: string): string {
  const f = (x: number) => x.toPrecision(6);
  const engines = [...new Set([r.upper, r.lower].flatMap((b) => (b ? [b.engine] : [])))].join(', ');
  const lines = [`${r.name}: robust price bounds (${r.formulation} formulation; engine ${engines})`];
  for (const b of [r.upper, r.lower]) {
    if (!b) continue;
    lines.push(
      `  ${b.side.padEnd(5)}  dual ${f(b.value)} (last ${b.tail.steps} steps ${f(b.tail.mean)} +- ${b.tail.stderr.toPrecision(2)})   primal ${f(b.primal)} +- ${b.stderr.toPrecision(2)}   ` +
        `(${b.formulation}${b.map ? `, ${b.map} first date` : ''}; ${b.steps} steps, ${b.seconds.toFixed(1)} s)`,
    );
    lines.push(`         ${b.reason}`);
  }
  const ref = r.references;
  if (ref.exact) lines.push(`  exact (${ref.exact.source}): upper ${ref.exact.upper?.toPrecision(6) ?? '-'}, lower ${ref.exact.lower?.toPrecision(6) ?? '-'}`);
  if (ref.comonotone !== undefined)
    lines.push(`  last-date couplings: comonotone ${f(ref.comonotone)}${ref.antitone !== undefined ? `, antitone ${f(ref.antitone)}` : ''}`);
  lines.push(`  independent coupling: ${f(ref.independent.value)} +- ${ref.independent.stderr.toPrecision(2)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  results: ${join(outDir, 'result.json')}, plot: ${join(outDir, 'convergence.png')}`);
  return `${lines.join('\n')}\n`;
}

async function writeConvergencePlot(file: string, r: SolveReport): Promise<void> {
  const { writeLineChart } = await import('../report/plot.js');
  const series: Series[] = [r.upper, r.lower]
    .filter((b) => b !== undefined)
    .map((b) => ({ label: `${b.side} (dual on training batches)`, points: b.trace.map((p) => ({ x: p.step, y: p.value })) }));
  const steps = Math.max(...series.map((s) => s.points.at(-1)?.x ?? 0));
  const exact = r.references.exact;
  for (const [side, v] of [['upper', exact?.upper], ['lower', exact?.lower]] as const)
    if (v !== undefined && r[side]) series.push({ label: `exact ${side}`, points: [{ x: 0, y: v }, { x: steps, y: v }], dashed: true });
  writeLineChart(file, { title: `${r.name}: dual value during training`, xLabel: 'step', yLabel: 'value', series });
}
