import type { Series } from '../report/charts.js';
import type { Section } from '../report/sections.js';
import { writeSections } from '../report/write.js';
import { CSV_HEADERS, csvRow, type BookSummary } from './summary.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** One chart per payoff family with a numeric field: every (side, solver) bound against the field, with the transport bounds dashed. */
function familySections(s: BookSummary): Section[] {
  const families = [...new Set(s.rows.filter((r) => typeof r.vary?.value === 'number').map((r) => r.entry))];
  return families.map((entry) => {
    const rows = s.rows.filter((r) => r.entry === entry && r.status === 'done').sort((a, b) => (a.vary!.value as number) - (b.vary!.value as number));
    const field = rows[0]?.vary?.field ?? 'value';
    const keys = [...new Set(rows.map((r) => `${r.solver} ${r.side}`))];
    const series: Series[] = keys.map((key, k) => ({
      label: key,
      color: PALETTE[k % PALETTE.length],
      style: 'line',
      points: rows.filter((r) => `${r.solver} ${r.side}` === key).map((r) => ({ x: r.vary!.value as number, y: r.value! })),
    }));
    const distinct = rows.filter((r, k) => rows.findIndex((x) => x.vary!.value === r.vary!.value) === k);
    for (const end of ['lo', 'hi'] as const) {
      const points = distinct.flatMap((r) => (r.transport?.[end] != null ? [{ x: r.vary!.value as number, y: r.transport[end] }] : []));
      if (points.length > 0) series.push({ label: `transport ${end}`, style: 'dashed', color: '#7f7f7f', points });
    }
    const name = `family-${entry}`;
    const title = `${rows[0]?.label.replace(/ \S+=\S+$/, '') ?? `payoffs[${entry}]`}: bounds against ${field}`;
    return { id: name, title, blocks: [{ kind: 'chart' as const, name, spec: { kind: 'line' as const, title, x: { label: field }, y: { label: 'price' }, series } }] };
  });
}

/** The report of a whole book (book.html in the output folder): counts, one chart per family, every row, the checks. */
export function writeBookReport(dir: string, s: BookSummary): { html: string; figures: string[] } {
  const failed = s.rows.filter((r) => r.status === 'failed' || r.reliable === false);
  const sections: Section[] = [
    {
      id: 'book',
      title: `book ${s.book}`,
      blocks: [
        { kind: 'text', text: `${s.jobs} jobs: ${s.done} done, ${s.failed} failed, ${s.unreliable} unreliable; ${s.mode}, ${s.seconds.toFixed(1)} s.` },
        { kind: 'list', items: s.monotone.length > 0 ? s.monotone.map((m) => `${m.ok ? 'ok' : 'FAILED'}: ${m.message}`) : ['no payoff family ordered along its field: no monotonicity check'] },
      ],
    },
    ...familySections(s),
    { id: 'rows', title: 'every job', blocks: [{ kind: 'table', table: { title: 'jobs', headers: CSV_HEADERS, rows: s.rows.map(csvRow) } }] },
  ];
  if (failed.length > 0) sections.push({ id: 'problems', title: 'failed or unreliable', blocks: [{ kind: 'list', items: failed.map((r) => `${r.label} ${r.side} ${r.solver}: ${r.message ?? r.warnings.join('; ')}`) }] });
  const out = writeSections(dir, 'book.html', `vmot book: ${s.book}`, sections);
  return { html: out.html, figures: out.figures };
}
