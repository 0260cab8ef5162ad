import type { SideComparison } from '../solvers/compare.js';
import type { References } from '../solvers/references.js';
import { referenceLines } from './text.js';

const f = (x: number) => x.toPrecision(6);
const g = (x: number) => x.toPrecision(2);

/** Two solvers side by side: values, gap, error bars, agreement, each value against its transport bounds, and the solvers' warnings. */
export function comparisonText(name: string, rows: SideComparison[], ref: References, warnings: string[] = []): string {
  if (rows.length === 0) return `${name}: nothing to compare\n`;
  const [a, b] = [rows[0].a.solver, rows[0].b.solver];
  const lines = [
    `${name}: ${a} vs ${b}`,
    `  side    ${a.padEnd(10)}  ${b.padEnd(10)}  gap        ${`${a} err`.padEnd(10)}  ${`${b} err`.padEnd(10)}  agree  inside transport`,
  ];
  const yes = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'NO');
  for (const r of rows)
    lines.push(
      `  ${r.side.padEnd(6)}  ${f(r.a.value).padEnd(10)}  ${f(r.b.value).padEnd(10)}  ${g(r.gap).padEnd(9)}  ${g(r.a.error).padEnd(10)}  ${g(r.b.error).padEnd(10)}  ` +
        `${(r.agree ? 'yes' : 'NO').padEnd(5)}  ${r.a.insideTransport === null ? '-' : `${yes(r.a.insideTransport)}/${yes(r.b.insideTransport)}`}`,
    );
  for (const key of ['a', 'b'] as const) {
    const own = rows.filter((r) => r[key].own);
    if (own.length === 0) continue;
    const { solver, low, high } = own[0][key];
    lines.push(`  transport bounds of the ${solver} solver's own discrete laws: ${f(low!)} / ${f(high!)} (low / high; it is held to these to 1e-6,`);
    lines.push(`  the other to the continuous ones below; a bound at 0% is one where the martingale constraints do not bind)`);
    for (const r of own) {
      const c = r[key];
      const edge = r.side === 'upper' ? c.high! : c.low!;
      lines.push(`  ${r.side} ${solver} - its ${r.side === 'upper' ? 'high' : 'low'} transport bound: ${g(c.value - edge)} (${(100 * ((c.value - edge) / Math.abs(edge))).toFixed(3)}% of its size)`);
    }
  }
  for (const r of rows)
    for (const c of [r.a, r.b])
      if (!c.converged) lines.push(`  warning: the ${c.solver} ${r.side} bound did not converge; its error bar means nothing, trust the other value`);
  lines.push(...referenceLines(ref));
  for (const w of warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
