import type { HeatChart } from '../charts.js';
import { extent, heatColor } from '../charts.js';

export interface DiscreteCoupling {
  /** paths[k * T * d + t * d + i] = asset i at date t on path k. */
  paths: Float64Array;
  mass: Float64Array;
  T: number;
  d: number;
}

const tick = (x: number) => Number(x.toPrecision(4)).toString();

/** The joint law of assets `a` and `b` at `date` under a discrete coupling, as a heat map of mass on their atoms. */
export function couplingChart(title: string, names: string[], c: DiscreteCoupling, date: number, a = 0, b = 1): HeatChart {
  const w = c.T * c.d;
  const at = (k: number, i: number) => c.paths[k * w + date * c.d + i];
  const n = c.mass.length;
  const xs = [...new Set(Array.from({ length: n }, (_, k) => at(k, a)))].sort((p, q) => p - q);
  const ys = [...new Set(Array.from({ length: n }, (_, k) => at(k, b)))].sort((p, q) => p - q);
  const ix = new Map(xs.map((x, i) => [x, i]));
  const iy = new Map(ys.map((y, j) => [y, j]));
  const cell = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const key = ix.get(at(k, a))! * ys.length + iy.get(at(k, b))!;
    cell.set(key, (cell.get(key) ?? 0) + c.mass[k]);
  }
  const [, hi] = extent(cell.values());
  const cells = [...cell].map(([key, v]) => ({ i: Math.floor(key / ys.length), j: key % ys.length, v, color: heatColor(v, 0, hi) }));
  return {
    kind: 'heat',
    title,
    x: { label: `${names[a]} at date ${date}`, ticks: xs.map(tick) },
    y: { label: `${names[b]} at date ${date}`, ticks: ys.map(tick) },
    cells,
    valueLabel: `colour: probability mass of the cell, white 0 to dark blue ${hi.toPrecision(3)}`,
  };
}
