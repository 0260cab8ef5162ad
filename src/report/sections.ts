import { loadSolver } from '../solvers/registry.js';
import type { ChartSpec } from './charts.js';
import { couplingChart, type DiscreteCoupling } from './figures/coupling.js';
import { holdingChart, staticChart } from './figures/hedge.js';
import { marginalChart, quotesChart, repricingChart } from './figures/marginals.js';
import { convergenceChart } from './figures/training.js';
import type { RunData } from './run.js';
import { boundsTable, couplingTable, quotesTable, referencesTable, shortfallTable, tradesTable, type Table } from './tables.js';

/** One piece of a report section: a figure (drawn in the page and written as PNG), a table (also written as CSV), or text. */
export type Block =
  | { kind: 'chart'; name: string; spec: ChartSpec }
  | { kind: 'table'; table: Table; csv?: string; collapsed?: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'list'; items: string[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

const f = (x: number) => x.toPrecision(6);

/** The sections of a run's report, in data-flow order: problem, marginals, training, bounds, coupling, hedge, warnings. */
export async function reportSections(run: RunData): Promise<Section[]> {
  return [problemSection(run), marginalsSection(run), trainingSection(run), boundsSection(run), await couplingSection(run), hedgeSection(run), warningsSection(run)];
}

function problemSection({ problem, reports }: RunData): Section {
  const p = reports[0].provenance;
  const { spec } = problem.source;
  return {
    id: 'problem',
    title: 'Problem and provenance',
    blocks: [
      { kind: 'text', text: `${problem.name}: ${problem.d} assets (${problem.assets.join(', ')}) at ${problem.T} dates; bounds ${problem.bounds.join(' and ')}; formulation ${problem.formulation}.` },
      {
        kind: 'table',
        table: {
          title: 'marginals',
          headers: ['date', 'asset', 'law', 'mean', 'sd'],
          rows: problem.marginals.flatMap((row, t) => row.map((m, i) => [t, problem.assets[i], m.label, m.mean, Math.sqrt(m.variance)])),
        },
      },
      { kind: 'code', text: `payoff: ${JSON.stringify(spec.payoff)}\ntraining: ${JSON.stringify(spec.training)}` },
      {
        kind: 'table',
        table: {
          title: 'provenance',
          headers: ['what', 'value'],
          rows: [
            ['vmot', p.vmot],
            ['solved', `${reports.map((r) => r.solver).join(', ')}; started ${p.started}`],
            ['seed', p.seed],
            ['input fingerprint (SHA-256 of the problem and its data files)', p.input.fingerprint],
            ...p.input.files.map((x) => [`data file ${x.file}`, `SHA-256 ${x.sha256}`]),
            ['machine', `${p.machine.cores} cores, ${p.machine.cpu}, Node ${p.machine.node}, ${p.machine.platform}/${p.machine.arch}`],
          ],
        },
      },
    ],
  };
}

function marginalsSection({ problem }: RunData): Section {
  const blocks: Block[] = [];
  problem.assets.forEach((name, i) => {
    const laws = problem.marginals.map((row) => row[i]);
    blocks.push({ kind: 'chart', name: `density-${i}`, spec: marginalChart(name, laws, 'density') });
    blocks.push({ kind: 'chart', name: `cdf-${i}`, spec: marginalChart(name, laws, 'cdf') });
    laws.forEach((m, t) => {
      if (!m.fit) return;
      const label = `${name}, date ${t} ("${m.fit.expiry.calls}")`;
      blocks.push({ kind: 'text', text: `${label}: ${m.fit.projection} projection of the quotes${m.fit.shift ? `; the law is shifted by ${f(m.fit.shift)} (calendar repair)` : ''}.${m.fit.arbitrage.length ? ` Arbitrage in the raw quotes: ${m.fit.arbitrage.join('; ')}.` : ''}` });
      blocks.push({ kind: 'chart', name: `quotes-${t}-${i}`, spec: quotesChart(label, m.fit) });
      blocks.push({ kind: 'chart', name: `repricing-${t}-${i}`, spec: repricingChart(label, m.fit) });
      blocks.push({ kind: 'table', table: quotesTable(label, m.fit), collapsed: true });
    });
  });
  return { id: 'marginals', title: 'Marginals', blocks };
}

function trainingSection({ problem, reports }: RunData): Section {
  const blocks: Block[] = [];
  for (const side of problem.bounds) {
    const spec = convergenceChart(side, reports);
    if (spec) blocks.push({ kind: 'chart', name: `convergence-${side}`, spec });
  }
  if (blocks.length === 0) blocks.push({ kind: 'text', text: `No solver of this run keeps a training trace (${reports.map((r) => r.solver).join(', ')}).` });
  return { id: 'training', title: 'Training', blocks };
}

function boundsSection({ reports }: RunData): Section {
  const lines = reports.flatMap((r) => [r.upper, r.lower].flatMap((b) => (b ? [`${b.solver} ${b.side}: ${f(b.value)} +- ${b.error.toPrecision(2)} (${b.reason})`] : [])));
  return {
    id: 'bounds',
    title: 'Bounds',
    blocks: [
      { kind: 'table', table: boundsTable(reports), csv: 'bounds.csv' },
      { kind: 'list', items: lines },
      { kind: 'table', table: referencesTable(reports[0]) },
    ],
  };
}

async function couplingSection({ problem, reports }: RunData): Promise<Section> {
  const blocks: Block[] = [];
  for (const r of reports) {
    const solver = await loadSolver(r.solver);
    if (!solver.coupling) continue;
    for (const b of [r.upper, r.lower]) {
      if (!b) continue;
      const c: DiscreteCoupling = { ...solver.coupling(b.details), T: problem.T, d: problem.d };
      if (problem.d >= 2)
        for (let t = problem.T - 1; t >= 0; t--) {
          const what = t === problem.T - 1 ? 'last date' : t === 0 && b.formulation === 'reduced' ? `first date (${b.map} map of the reduced form)` : `date ${t}`;
          blocks.push({ kind: 'chart', name: `coupling-${r.solver}-${b.side}-date${t}`, spec: couplingChart(`${r.solver} ${b.side} bound: optimal coupling, ${what}`, problem.assets, c, t) });
        }
      blocks.push({ kind: 'table', table: couplingTable(b.side, r.solver, c, problem.assets), csv: `coupling-${r.solver}-${b.side}.csv`, collapsed: true });
    }
  }
  if (blocks.length === 0) blocks.push({ kind: 'text', text: 'No solver of this run gives a discrete coupling; run with --method lp or both for the optimal coupling of the discretized problem.' });
  else if (problem.d > 2) blocks.unshift({ kind: 'text', text: `The heat maps show the first two assets (${problem.assets[0]}, ${problem.assets[1]}); coupling CSVs hold all ${problem.d}.` });
  return { id: 'coupling', title: 'Optimal coupling', blocks };
}

function hedgeSection({ problem, hedges }: RunData): Section {
  if (hedges.length === 0) return { id: 'hedge', title: 'Hedge', blocks: [{ kind: 'text', text: 'No hedge was exported for this run; run `vmot bounds` with --hedge DIR.' }] };
  const blocks: Block[] = [];
  for (const doc of hedges) {
    blocks.push({
      kind: 'text',
      text: `${doc.side === 'upper' ? 'Superhedge' : 'Subhedge'} of the ${doc.side} bound ${f(doc.bound.value)}: cash ${f(doc.cash)}, cost ${f(doc.cost.total)} (static integrals${doc.polish ? `, polished for pathwise validity from ${f(doc.polish.costBefore)}` : ', not polished'}), ${f(doc.cost.strips)} with vanilla strips${doc.cost.quoted === null ? '' : `, ${f(doc.cost.quoted)} at market quotes`}${doc.verification ? `; conservative bound ${f(doc.verification.conservative)} (cost ${doc.side === 'upper' ? '+' : '-'} worst shortfall on the tested paths: the price at which the hedge holds on every one of them)` : ''}.`,
    });
    for (const c of doc.components) {
      const spec = c.kind === 'static' ? staticChart(doc, c, problem.assets) : holdingChart(doc, c, problem.assets);
      if (spec) blocks.push({ kind: 'chart', name: `hedge-${doc.side}-${c.id}`, spec });
    }
    const s = shortfallTable(doc);
    if (s) blocks.push({ kind: 'table', table: s });
  }
  blocks.push({ kind: 'table', table: tradesTable(hedges, problem.assets), csv: 'trades.csv', collapsed: true });
  return { id: 'hedge', title: 'Hedge', blocks };
}

/** Every warning of the solvers, each failed check among them. */
export function runWarnings({ reports }: Pick<RunData, 'reports'>): string[] {
  return reports.flatMap((r) => r.warnings.map((w) => `${r.solver}: ${w}`));
}

function warningsSection(run: RunData): Section {
  const items = runWarnings(run);
  return { id: 'warnings', title: 'Warnings', blocks: items.length ? [{ kind: 'list', items }] : [{ kind: 'text', text: 'None: every bound passed its checks.' }] };
}
