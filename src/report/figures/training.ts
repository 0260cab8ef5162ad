import type { BoundSide } from '../../problem/formulation.js';
import type { SolveReport } from '../../solvers/result.js';
import type { LineChart, Series } from '../charts.js';

const f = (x: number) => x.toPrecision(6);

/**
 * The dual value of one bound along training (every solver that keeps a trace), zoomed on the second half of the run
 * so the last digits show, with the exact value, the transport bounds of the last date, the independent coupling and
 * the other solvers' values as lines (named "off scale" when outside the view) and the averaged tail window shaded.
 */
export function convergenceChart(side: BoundSide, reports: SolveReport[]): LineChart | undefined {
  const traced = reports.flatMap((r) => (r[side] && r[side]!.trace.length > 0 ? [r[side]!] : []));
  if (traced.length === 0) return undefined;
  const ref = reports[0].references;
  const steps = Math.max(...traced.map((b) => b.trace.at(-1)!.step));
  // the view: the second half of every trace, the exact value and the other solvers' values
  const seen = traced.flatMap((b) => b.trace.filter((p) => p.step >= steps / 2).map((p) => p.value));
  const others = reports.flatMap((r) => (r[side] && r[side]!.trace.length === 0 ? [r[side]!] : []));
  const exact = ref.exact?.[side];
  seen.push(...others.map((b) => b.value), ...(exact === undefined ? [] : [exact]));
  const lo0 = Math.min(...seen);
  const hi0 = Math.max(...seen);
  const pad = Math.max(0.15 * (hi0 - lo0), 1e-3 * Math.max(Math.abs(lo0), Math.abs(hi0), 1e-12));
  const [lo, hi] = [lo0 - pad, hi0 + pad];
  const flat = (label: string, v: number, style: 'dashed' | 'line', color: string): Series => ({
    label: `${label} ${f(v)}${v < lo || v > hi ? ' (off scale)' : ''}`,
    points: [
      { x: 0, y: v },
      { x: steps, y: v },
    ],
    style,
    color,
  });
  const series: Series[] = [];
  for (const b of traced) {
    if (b.averaged) series.push({ label: `averaged window of the ${b.solver} solver (steps ${b.averaged.from}-${b.averaged.to})`, points: [{ x: b.averaged.from, y: hi }, { x: b.averaged.to, y: hi }], style: 'band' });
    series.push({ label: `${b.solver}: dual value on training batches (result ${f(b.value)})`, points: b.trace.map((p) => ({ x: p.step, y: p.value })), color: side === 'upper' ? '#1f77b4' : '#d62728' });
  }
  if (exact !== undefined) series.push(flat('exact', exact, 'dashed', '#000000'));
  if (ref.comonotone !== undefined) series.push(flat('comonotone coupling of the last date', ref.comonotone, 'dashed', '#2ca02c'));
  if (ref.antitone !== undefined) series.push(flat('antitone coupling of the last date', ref.antitone, 'dashed', '#9467bd'));
  series.push(flat('independent coupling', ref.independent.value, 'dashed', '#7f7f7f'));
  for (const b of others) series.push(flat(`${b.solver} bound`, b.value, 'line', '#ff7f0e'));
  return { kind: 'line', title: `${reports[0].name}: ${side} bound during training`, x: { label: 'training step', min: 0, max: steps }, y: { label: `${side} bound (dual value)`, min: lo, max: hi }, series };
}
