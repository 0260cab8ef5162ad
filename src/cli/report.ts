import { relative } from 'node:path';
import { Command } from 'commander';

export function reportCommand(): Command {
  return new Command('report')
    .description('the HTML report of a finished run (report.html, figures/*.png, bounds.csv, trades.csv, coupling CSVs), written into its folder')
    .argument('<run dir>', 'folder written by `vmot bounds` (its --out, default runs/<name>)')
    .action(async (dir: string) => {
      const { loadRun } = await import('../report/run.js');
      const { writeReport } = await import('../report/write.js');
      const { runWarnings } = await import('../report/sections.js');
      const run = await loadRun(dir);
      const r = await writeReport(dir, run);
      const warnings = runWarnings(run);
      process.stdout.write(
        `${run.problem.name}: wrote ${r.html}, ${r.figures.length} figures in figures/, ${r.tables.map((t) => relative(dir, t)).join(', ')}\n` +
          (warnings.length ? `${warnings.map((w) => `  warning: ${w}`).join('\n')}\n` : ''),
      );
    });
}
