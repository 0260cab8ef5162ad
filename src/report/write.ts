import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { reportHtml } from './html.js';
import { writeChart } from './plot.js';
import type { RunData } from './run.js';
import { reportSections, type Section } from './sections.js';

/** Writes a run's report into `dir`: report.html, every figure as figures/<name>.png, the main tables as CSV. Returns the files. */
export async function writeReport(dir: string, run: RunData): Promise<{ html: string; figures: string[]; tables: string[] }> {
  return writeSections(dir, 'report.html', `vmot report: ${run.problem.name}`, await reportSections(run));
}

/** Writes report sections into `dir`: the page `page`, every chart as figures/<name>.png, every table with a csv name as CSV. */
export function writeSections(dir: string, page: string, title: string, sections: Section[]): { html: string; figures: string[]; tables: string[] } {
  const figures: string[] = [];
  const tables: string[] = [];
  for (const b of sections.flatMap((s) => s.blocks)) {
    if (b.kind === 'chart') {
      const file = join(dir, 'figures', `${b.name}.png`);
      writeChart(file, b.spec);
      figures.push(file);
    } else if (b.kind === 'table' && b.csv) {
      const file = join(dir, b.csv);
      writeFileSync(file, stringify([b.table.headers, ...b.table.rows], { cast: { boolean: (v) => String(v) } }));
      tables.push(file);
    }
  }
  const html = join(dir, page);
  writeFileSync(html, reportHtml(title, sections));
  return { html, figures, tables };
}
