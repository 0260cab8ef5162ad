import type { SolveReport } from '../solvers/result.js';
import { writeLineChart, type Series } from './plot.js';

/** The value of every bound along its run (solvers that keep a trace), with the exact values where known; false when no solver kept a trace. */
export function writeConvergencePlot(file: string, r: SolveReport): boolean {
  const series: Series[] = [r.upper, r.lower]
    .filter((b) => b !== undefined && b.trace.length > 0)
    .map((b) => ({ label: `${b!.side} (${b!.solver}: dual on training batches)`, points: b!.trace.map((p) => ({ x: p.step, y: p.value })) }));
  if (series.length === 0) return false;
  const steps = Math.max(...series.map((s) => s.points.at(-1)?.x ?? 0));
  const exact = r.references.exact;
  for (const [side, v] of [['upper', exact?.upper], ['lower', exact?.lower]] as const)
    if (v !== undefined && r[side]) series.push({ label: `exact ${side}`, points: [{ x: 0, y: v }, { x: steps, y: v }], dashed: true });
  writeLineChart(file, { title: `${r.name}: dual value during training`, xLabel: 'step', yLabel: 'value', series });
  return true;
}
