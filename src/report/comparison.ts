import type { ComparisonRow, SideBySide } from '../solvers/sideBySide.js';
import type { ChartSpec } from './charts.js';
import type { Section } from './sections.js';
import type { Table } from './tables.js';

/** What each kind of row means, for a risk manager (README "vmot compare"). */
export const KIND_NOTES: Record<ComparisonRow['kind'], string> = {
  'model-free': 'holds for every arbitrage-free model that reprices the vanillas: a price outside it is an arbitrage',
  model: "one model's answer (or a model's interval of plausible prices): depends on the model and its parameters",
  reference: 'a coupling of the marginals that need not be a martingale: context only, not a bound',
};

const COLORS: Record<ComparisonRow['kind'], string> = { 'model-free': '#1f77b4', model: '#d62728', reference: '#7f7f7f' };

/** The side-by-side table: one row per interval or price. */
export function comparisonTable(c: SideBySide): Table {
  return {
    title: `${c.name}: ${c.payoff}`,
    headers: ['row', 'kind', 'lower', 'upper', 'error lower', 'error upper', 'note'],
    rows: c.rows.map((r) => [r.label, r.kind, r.lower, r.upper, r.errorLower, r.errorUpper, r.note]),
  };
}

/** Every interval of the comparison as a bar on one price axis (a single price as a tick). */
export function comparisonChart(c: SideBySide): ChartSpec {
  return { kind: 'intervals', title: `${c.name}: ${c.payoff}`, x: { label: 'price' }, bars: c.rows.map((r) => ({ label: r.label, lower: r.lower, upper: r.upper, color: COLORS[r.kind] })) };
}

/** The intervals against the strike of a ladder: lower and upper end of every interval row, one line each. */
export function ladderChart(name: string, ladder: { strike: number; comparison: SideBySide }[]): ChartSpec {
  const labels = ladder[0].comparison.rows.filter((r) => r.kind === 'model-free' || r.label.startsWith('RMOT eta')).map((r) => r.label);
  const palette = ['#1f77b4', '#17becf', '#2ca02c', '#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];
  const series = labels.flatMap((label, k) =>
    (['lower', 'upper'] as const).map((end) => ({
      label: `${label} ${end}`,
      style: end === 'lower' ? ('dashed' as const) : ('line' as const),
      color: palette[k % palette.length],
      points: ladder.flatMap((x) => {
        const row = x.comparison.rows.find((r) => r.label === label);
        return row ? [{ x: x.strike, y: row[end] }] : [];
      }),
    })),
  );
  return { kind: 'line', title: `${name}: intervals against the strike`, x: { label: 'strike' }, y: { label: 'price' }, series };
}

/** The sections of `vmot compare --report`. */
export function comparisonSections(comparisons: { strike?: number; comparison: SideBySide }[]): Section[] {
  const sections: Section[] = comparisons.map(({ strike, comparison: c }, k) => ({
    id: `compare-${k}`,
    title: strike === undefined ? `${c.name}: ${c.payoff}` : `strike ${strike}`,
    blocks: [
      { kind: 'chart', name: `compare-${k}`, spec: comparisonChart(c) },
      { kind: 'table', table: comparisonTable(c), csv: comparisons.length === 1 ? 'compare.csv' : `compare-${k}.csv` },
      { kind: 'list', items: c.checks.map((x) => `${x.ok ? 'ok' : 'FAILED'}: ${x.name}: ${x.message}`) },
    ],
  }));
  if (comparisons.length > 1 && comparisons.every((x) => x.strike !== undefined))
    sections.unshift({ id: 'ladder', title: 'strike ladder', blocks: [{ kind: 'chart', name: 'ladder', spec: ladderChart(comparisons[0].comparison.name, comparisons as { strike: number; comparison: SideBySide }[]) }] });
  sections.push({ id: 'meaning', title: 'what the rows mean', blocks: [{ kind: 'list', items: Object.entries(KIND_NOTES).map(([k, v]) => `${k}: ${v}`) }] });
  return sections;
}

/** The text of `vmot compare`: the table, the checks and what the kinds mean. */
export function comparisonText(c: SideBySide): string[] {
  const f = (x: number) => x.toPrecision(6).padStart(12);
  const w = Math.max(...c.rows.map((r) => r.label.length));
  return [
    `${c.name}: ${c.payoff}`,
    `${'row'.padEnd(w)}  ${'kind'.padEnd(10)}  ${'lower'.padStart(12)}  ${'upper'.padStart(12)}  ${'+-'.padStart(9)}  note`,
    ...c.rows.map((r) => `${r.label.padEnd(w)}  ${r.kind.padEnd(10)}  ${f(r.lower)}  ${f(r.upper)}  ${Math.max(r.errorLower, r.errorUpper).toPrecision(2).padStart(9)}  ${r.note}`),
    ...c.checks.map((x) => `check ${x.ok ? 'ok' : 'FAILED'}: ${x.name}: ${x.message}`),
  ];
}
