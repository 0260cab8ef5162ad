import { boundsJson } from '../report/summary.js';
import { join } from 'node:path';
import { writeJsonAtomic } from '../models/checkpoint.js';
import { references, type References } from '../models/references.js';
import type { Problem } from '../problem.js';
import { solveLpBound, type LpBoundResult, type LpOptions } from './bounds.js';

export interface LpReport {
  name: string;
  upper?: LpBoundResult;
  lower?: LpBoundResult;
  formulation: string;
  warnings: string[];
  references: References;
  seconds: number;
}

/** Solves every requested bound of the problem as a discrete LP, with the closed-form references. */
export async function solveLp(problem: Problem, opts: LpOptions = {}): Promise<LpReport> {
  const t0 = performance.now();
  const report: LpReport = { name: problem.name, formulation: '', warnings: [], references: references(problem), seconds: 0 };
  for (const side of problem.bounds) {
    const r = await solveLpBound(problem, side, opts);
    report[side] = r;
    if (r.warning) report.warnings.push(r.warning);
    report.warnings.push(...r.notes);
  }
  const kinds = problem.bounds.map((s) => report[s]!.formulation);
  report.formulation = kinds.every((k) => k === kinds[0]) ? kinds[0] : problem.bounds.map((s, i) => `${kinds[i]} (${s})`).join(', ');
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** The JSON of `vmot bounds --method lp --json`: the keys of the neural summary, plus the LP's own. */
export function lpSummaryJson(r: LpReport) {
  return boundsJson(r, 'highs-wasm', (b: LpBoundResult) => ({
    value: b.value,
    primal: b.primal,
    // the LP is solved exactly on its grid: no sampling error; the discretization error is reported apart
    stderr: 0,
    mass: sum(b.coupling.mass),
    formulation: b.formulation,
    map: b.map ?? null,
    exact: b.exact,
    reason: b.reason,
    engine: b.engine,
    steps: b.iterations,
    seconds: b.seconds,
    discretizationError: b.discretizationError ?? null,
    atoms: b.atoms,
    columns: b.columns,
    rows: b.rows,
    hedgeViolation: b.hedgeViolation,
    discretization: b.discretization,
    transport: b.transport,
  }));
}

/** Writes each bound's optimal coupling (support) and dual potentials to outDir/lp-<side>.json. */
export function writeLpSolutions(outDir: string, r: LpReport): string[] {
  const files: string[] = [];
  for (const b of [r.upper, r.lower]) {
    if (!b) continue;
    const file = join(outDir, `lp-${b.side}.json`);
    const arr = (a: Float64Array) => Array.from(a);
    writeJsonAtomic(file, {
      side: b.side,
      value: b.value,
      atoms: b.atoms,
      coupling: { note: 'paths[k][t * d + i]: asset i at date t on path k', paths: chunks(b.coupling.paths, b.coupling.paths.length / Math.max(1, b.coupling.mass.length)), mass: arr(b.coupling.mass) },
      potentials: {
        statics: b.potentials.statics.map((s) => ({ date: s.date, asset: s.asset, x: arr(s.x), w: arr(s.w), value: arr(s.value) })),
        holdings: b.potentials.holdings.map((h) => ({ date: h.date, asset: h.asset, value: arr(h.value) })),
      },
    });
    files.push(file);
  }
  return files;
}

export function lpSummaryText(r: LpReport, files: string[]): string {
  const f = (x: number) => x.toPrecision(6);
  const lines = [`${r.name}: discrete VMOT bounds by linear programming (${r.formulation} formulation)`];
  for (const b of [r.upper, r.lower]) {
    if (!b) continue;
    const err = b.discretizationError === undefined ? '' : ` +- ${b.discretizationError.toPrecision(2)} (discretization)`;
    lines.push(
      `  ${b.side.padEnd(5)}  LP ${f(b.value)}${err}   (${b.formulation}${b.map ? `, ${b.map} first date` : ''}; ` +
        `${b.atoms.map((row) => row.join('x')).join(' | ')} atoms, ${b.columns} columns, ${b.iterations} IPM iterations, ${b.seconds.toFixed(1)} s)`,
    );
    lines.push(`         ${b.reason}`);
  }
  const disc = (r.upper ?? r.lower)?.discretization ?? [];
  const meanGap = Math.max(...disc.map((a) => Math.abs(a.mean - a.meanContinuous) / Math.sqrt(a.varianceContinuous)));
  lines.push(
    `  atoms vs continuous laws: mean gap <= ${meanGap.toPrecision(2)} sd; variance shortfall ` +
      disc.map((a) => `${(100 * a.varianceShortfall).toFixed(2)}%`).join(' ') + ' (date-major)',
  );
  const t = (r.upper ?? r.lower)?.transport;
  if (t?.comonotone !== undefined)
    lines.push(`  transport bounds on the LP's last-date atoms: comonotone ${f(t.comonotone)}${t.antitone === undefined ? '' : `, antitone ${f(t.antitone)}`}`);
  lines.push(...referenceLines(r.references));
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (files.length) lines.push(`  couplings and potentials: ${files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function referenceLines(ref: References): string[] {
  const f = (x: number) => x.toPrecision(6);
  const lines: string[] = [];
  if (ref.exact) lines.push(`  exact   ${[ref.exact.upper, ref.exact.lower].map((v) => (v === undefined ? '-' : f(v))).join(' / ')} (upper / lower, ${ref.exact.source})`);
  if (ref.comonotone !== undefined) lines.push(`  transport bounds on the last date: comonotone ${f(ref.comonotone)}${ref.antitone === undefined ? '' : `, antitone ${f(ref.antitone)}`}`);
  lines.push(`  independent coupling ${f(ref.independent.value)} +- ${ref.independent.stderr.toPrecision(2)}`);
  return lines;
}

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

function chunks(a: Float64Array, w: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k + w <= a.length && w > 0; k += w) out.push(Array.from(a.subarray(k, k + w)));
  return out;
}
