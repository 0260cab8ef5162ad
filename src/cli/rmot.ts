import { Command } from 'commander';
import { CheckFailed } from '../core/errors.js';
import { progressReporter } from './progress.js';
import type { RmotRun } from '../rmot/run.js';

export function rmotCommand(): Command {
  return new Command('rmot')
    .description('RMOT: calibrate the problem\'s prior to its marginals by minimum relative entropy; the calibrated and prior prices and the relative-entropy interval per radius (model-based)')
    .argument('<problem.json>', 'problem file with a "prior" block (and optionally an "rmot" block)')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress output')
    .option('--allow-files-outside', 'read data files outside the problem file\'s folder too')
    .action(async (file: string, o: { json?: boolean; quiet?: boolean; allowFilesOutside?: boolean }) => {
      const { loadProblem } = await import('../problem/problem.js');
      const { runRmot } = await import('../rmot/run.js');
      const { provenance } = await import('../solvers/provenance.js');
      const started = new Date();
      const problem = await loadProblem(file, {}, { allowFilesOutside: o.allowFilesOutside });
      const progress = progressReporter(o.quiet);
      const r = await runRmot(problem, (done, total, what) => progress.update('RMOT', done, total, what));
      progress.stop();
      const prov = { ...provenance(problem, 'rmot', { prior: problem.prior, rmot: problem.rmot }, started), seed: problem.prior!.seed };
      if (o.json) process.stdout.write(`${JSON.stringify({ name: problem.name, payoff: problem.payoff.label, ...r, provenance: prov })}\n`);
      else process.stdout.write(`${rmotText(problem.name, problem.payoff.label, r).join('\n')}\n`);
      const failed = r.checks.filter((c) => !c.ok);
      if (failed.length) throw new CheckFailed(failed.map((c) => `${c.name}: ${c.message}`).join('; '));
    });
}

/** The text summary of `vmot rmot`. */
function rmotText(name: string, payoff: string, r: RmotRun): string[] {
  const f = (x: number) => x.toPrecision(7);
  const c = r.calibration;
  const lines = [
    `${name}: ${payoff}`,
    `RMOT ${r.mode} mode${r.approximate ? ' (approximate: martingale condition on a finite family)' : ''}: ${r.columns} columns, ${r.rows} constraints${r.atoms ? `, atoms ${r.atoms.map((row) => row.join('x')).join(' | ')}` : ''}`,
    `prior: ${r.prior.label}, ${r.prior.paths} paths`,
    ...correlationText(r.correlation.estimate),
    `calibration: ${c.iterations} Newton steps, residual ${c.residual.toExponential(1)}, KL(calibrated | prior) ${c.kl.toPrecision(4)}, ESS ${c.ess.toFixed(0)} (${(100 * c.essShare).toFixed(1)}% of the paths), ${c.seconds.toFixed(2)} s`,
    `prior price       ${f(r.prior.price)} +- ${r.prior.stderr.toPrecision(2)}`,
    `calibrated price  ${f(r.calibrated)} +- ${r.calibratedStderr.toPrecision(2)}`,
    `${'eta'.padStart(10)}  ${'L(eta)'.padStart(12)}  ${'U(eta)'.padStart(12)}  note`,
    ...r.intervals.map(
      (i) =>
        `${i.eta.toExponential(2).padStart(10)}  ${f(i.lower.value).padStart(12)}  ${f(i.upper.value).padStart(12)}  ${[{ default: 'default radius chi2(1, 0.95) / (2 ESS)', correlation: 'largest KL over the correlation confidence set', ladder: '' }[i.source], i.lower.edge || i.upper.edge ? 'reaches the edge of the feasible set (LP bound)' : ''].filter(Boolean).join('; ')}`,
    ),
  ];
  if (r.lp) lines.push(`LP bounds on the same atoms: [${f(r.lp.lower)}, ${f(r.lp.upper)}]`);
  lines.push(...r.checks.map((x) => `check ${x.name}: ${x.ok ? 'ok' : 'FAILED'}: ${x.message}`));
  lines.push(...r.warnings.map((w) => `warning: ${w}`));
  lines.push(`${r.seconds.toFixed(1)} s`);
  return lines;
}

/** The implied correlation line: estimate, Cramer-Rao standard error and the interval whose corners set a radius. */
function correlationText(e: RmotRun['correlation']['estimate']): string[] {
  if (!e) return [];
  const cr = e.cramerRao;
  return [
    `correlation implied by ${e.quotes} quotes (${e.method}): rho = ${e.rho.toFixed(4)}${cr ? `, Cramer-Rao sd ${cr.sd.toPrecision(3)}, interval [${cr.lower.toFixed(4)}, ${cr.upper.toFixed(4)}] (z = ${cr.z.toFixed(2)}): its corners set the "correlation" radius` : ' (no quote noise given: no interval)'}`,
  ];
}
