import type { References } from '../solvers/references.js';
import type { SolveReport } from '../solvers/result.js';
import type { Solver } from '../solvers/solver.js';

const f = (x: number) => x.toPrecision(6);
const g = (x: number) => x.toPrecision(2);

/** Exact values, transport bounds of the last date and the independent coupling, one line each. */
export function referenceLines(ref: References): string[] {
  const lines: string[] = [];
  if (ref.exact) lines.push(`  exact   ${[ref.exact.upper, ref.exact.lower].map((v) => (v === undefined ? '-' : f(v))).join(' / ')} (upper / lower, ${ref.exact.source})`);
  if (ref.comonotone !== undefined) lines.push(`  transport bounds on the last date: comonotone ${f(ref.comonotone)}${ref.antitone === undefined ? '' : `, antitone ${f(ref.antitone)}`}`);
  lines.push(`  independent coupling ${f(ref.independent.value)} +- ${g(ref.independent.stderr)} (a reference value, not a bound)`);
  return lines;
}

/** The readable summary of `vmot bounds`, the same for every solver; `files` lists what was written. */
export function summaryText<D>(r: SolveReport<D>, solver: Solver<D>, files: string[]): string {
  const lines = [`${r.name}: robust price bounds by the ${solver.name} solver (${r.formulation} formulation)`];
  for (const b of [r.upper, r.lower]) {
    if (!b) continue;
    const err = b.discretizationError !== null ? `+- ${g(b.error)} (discretization)` : `+- ${g(b.error)}`;
    lines.push(
      `  ${b.side.padEnd(5)}  ${f(b.value)} ${err}   ${b.primal === null ? '' : `primal ${f(b.primal)}${b.stderr > 0 ? ` +- ${g(b.stderr)}` : ''}   `}` +
        `(${b.formulation}${b.map ? `, ${b.map} first date` : ''}; ${b.engine}; ${b.steps} steps, ${b.seconds.toFixed(1)} s)${b.reliable === false ? '   UNRELIABLE' : ''}`,
    );
    for (const c of b.checks ?? []) if (!c.ok) lines.push(`         UNRELIABLE: ${c.message}`);
    lines.push(`         ${b.reason}`);
    for (const line of solver.summary(b)) lines.push(`         ${line}`);
  }
  lines.push(...referenceLines(r.references));
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (files.length) lines.push(`  wrote ${files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
