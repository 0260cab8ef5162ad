import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CHART_SIZE, chartConfig, type ChartSpec } from './charts.js';
import type { Block, Section } from './sections.js';
import type { Table } from './tables.js';

const require = createRequire(import.meta.url);

/** The browser builds of chart.js and its matrix (heat map) controller, inlined so the page needs no network. */
function chartScripts(): string {
  const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  const matrix = join(dirname(require.resolve('chartjs-chart-matrix/package.json')), 'dist', 'chartjs-chart-matrix.min.js');
  return [chartJs, matrix].map((f) => readFileSync(f, 'utf8')).join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const cell = (v: Table['rows'][number][number]) => (v === null ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v));

function tableHtml(t: Table, csv?: string, collapsed = false): string {
  const body = `<table><thead><tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${esc(cell(v))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const caption = `${esc(t.title)}${csv ? ` (also in <code>${esc(csv)}</code>)` : ''}`;
  return collapsed ? `<details><summary>${caption}: ${t.rows.length} rows</summary>${body}</details>` : `<h3>${caption}</h3>${body}`;
}

function blockHtml(b: Block, charts: ChartSpec[]): string {
  switch (b.kind) {
    case 'chart':
      charts.push(b.spec);
      return `<figure><canvas class="chart" id="chart-${charts.length - 1}" width="${CHART_SIZE.width}" height="${CHART_SIZE.height}"></canvas><figcaption>figures/${esc(b.name)}.png</figcaption></figure>`;
    case 'table':
      return tableHtml(b.table, b.csv, b.collapsed);
    case 'text':
      return `<p>${esc(b.text)}</p>`;
    case 'code':
      return `<pre>${esc(b.text)}</pre>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  }
}

/**
 * A self-contained HTML report: the sections with their tables, and every figure drawn by chart.js from inline data
 * through the same chartConfig as the PNG files; no file or network access when opened.
 */
export function reportHtml(title: string, sections: Section[]): string {
  const charts: ChartSpec[] = [];
  const body = sections.map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>${s.blocks.map((b) => blockHtml(b, charts)).join('\n')}</section>`).join('\n');
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join(' · ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1em;margin-bottom:.3em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;overflow-x:auto}th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figcaption{font-size:.75em;color:#777}pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}nav{font-size:.9em}
#warnings li{color:#a00}
</style></head><body>
<h1>${esc(title)}</h1><nav>${nav}</nav>
${body}
<script>${chartScripts()}</script>
<script>
const chartConfig = ${chartConfig.toString()};
const specs = ${scriptJson(charts)};
window.vmotCharts = specs.map((spec, k) => new Chart(document.getElementById('chart-' + k), chartConfig(spec)));
</script>
</body></html>
`;
}
