import type { ChartConfiguration } from 'chart.js';

/**
 * The one plotting module: a chart is plain data (ChartSpec), and chartConfig turns it into a chart.js configuration.
 * PNG files (plot.ts, chart.js on @napi-rs/canvas) and the HTML report (html.ts, chart.js in the browser) both draw
 * through chartConfig, so a figure looks the same in both.
 */

export interface Axis {
  label: string;
  min?: number;
  max?: number;
}

/** line: a curve; dashed: a reference value; points / crosses: markers without a line; band: shaded from the axis bottom up to the points. */
export type SeriesStyle = 'line' | 'dashed' | 'points' | 'crosses' | 'band';

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  style?: SeriesStyle;
  /** CSS colour; default: the next of a fixed palette. */
  color?: string;
}

export interface LineChart {
  kind: 'line';
  title: string;
  x: Axis;
  y: Axis;
  series: Series[];
}

/** A heat map on a grid of cells: cell (i, j) sits at column i (labelled xTicks[i]) and row j (labelled yTicks[j]). */
export interface HeatChart {
  kind: 'heat';
  title: string;
  x: Axis & { ticks: string[] };
  y: Axis & { ticks: string[] };
  /** One coloured cell per grid point with a value; `color` from heatColor. */
  cells: { i: number; j: number; v: number; color: string }[];
  /** What the colour shows, with its range (e.g. "mass: white 0 to dark blue 0.012"). */
  valueLabel: string;
}

/** Intervals as horizontal bars on one value axis, one row each; a single value (lower = upper) is drawn as a tick. */
export interface IntervalChart {
  kind: 'intervals';
  title: string;
  x: Axis;
  bars: { label: string; lower: number; upper: number; color?: string }[];
}

export type ChartSpec = LineChart | HeatChart | IntervalChart;

export const CHART_SIZE = { width: 860, height: 440 };

/**
 * chart.js configuration of a chart spec. Self-contained (no reference to anything outside its body): the HTML report
 * embeds its source text, so the browser draws the same configuration as the PNG path.
 */
export function chartConfig(spec: ChartSpec): ChartConfiguration {
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#7f7f7f', '#17becf'];
  const title = { display: true, text: spec.title, font: { size: 14 } };
  const axisTitle = (a: { label: string }) => ({ display: true, text: a.label });
  if (spec.kind === 'heat') {
    const nx = spec.x.ticks.length;
    const ny = spec.y.ticks.length;
    const tickAxis = (a: { label: string; ticks: string[] }, n: number) => ({
      type: 'linear' as const,
      // the matrix controller reverses y by default: the first row goes to the bottom, as on every other chart
      reverse: false,
      min: -0.5,
      max: n - 0.5,
      offset: false,
      grid: { display: false },
      title: axisTitle(a),
      ticks: { stepSize: Math.max(1, Math.ceil(n / 10)), callback: (v: number | string) => a.ticks[Number(v)] ?? '' },
    });
    return {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: spec.valueLabel,
            data: spec.cells.map((c) => ({ x: c.i, y: c.j, v: c.v })),
            backgroundColor: spec.cells.map((c) => c.color),
            borderWidth: 0,
            // half a pixel of overlap: no seams between cells
            width: ({ chart }: { chart: { chartArea?: { width: number } } }) => (chart.chartArea ? chart.chartArea.width / nx + 0.5 : 0),
            height: ({ chart }: { chart: { chartArea?: { height: number } } }) => (chart.chartArea ? chart.chartArea.height / ny + 0.5 : 0),
          },
        ],
      },
      options: {
        responsive: false,
        animation: false,
        plugins: {
          title,
          subtitle: { display: true, text: spec.valueLabel },
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (ctx: { dataIndex: number }) => {
                const c = spec.cells[ctx.dataIndex];
                return `${spec.x.label} ${spec.x.ticks[c.i]}, ${spec.y.label} ${spec.y.ticks[c.j]}: ${c.v.toPrecision(4)}`;
              },
            },
          },
        },
        scales: { x: tickAxis(spec.x, nx), y: tickAxis(spec.y, ny) },
      },
    } as unknown as ChartConfiguration;
  }
  if (spec.kind === 'intervals') {
    return {
      type: 'bar',
      data: {
        labels: spec.bars.map((b) => b.label),
        datasets: [
          {
            label: spec.x.label,
            data: spec.bars.map((b) => [b.lower, b.upper]),
            backgroundColor: spec.bars.map((b, k) => b.color ?? palette[k % palette.length]),
            // a single price has no width: a visible tick instead
            minBarLength: 3,
            barPercentage: 0.7,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: false,
        animation: false,
        plugins: { title, legend: { display: false } },
        scales: { x: { type: 'linear', min: spec.x.min, max: spec.x.max, title: axisTitle(spec.x) }, y: { ticks: { autoSkip: false } } },
      },
    } as unknown as ChartConfiguration;
  }
  const datasets = spec.series.map((s, k) => {
    const style = s.style ?? 'line';
    const color = s.color ?? palette[k % palette.length];
    const base = { label: s.label, data: s.points, borderColor: color, backgroundColor: color };
    if (style === 'points' || style === 'crosses')
      return { ...base, showLine: false, pointRadius: style === 'crosses' ? 6 : 3, pointStyle: style === 'crosses' ? 'crossRot' : 'circle', borderWidth: style === 'crosses' ? 2 : 1 };
    if (style === 'band') return { ...base, backgroundColor: 'rgba(127,127,127,0.18)', borderWidth: 0, pointRadius: 0, fill: 'start' };
    return { ...base, pointRadius: 0, borderDash: style === 'dashed' ? [6, 4] : [], borderWidth: style === 'dashed' ? 1.5 : 2, fill: false };
  });
  const axis = (a: Axis) => ({ type: 'linear' as const, min: a.min, max: a.max, title: axisTitle(a) });
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      parsing: false,
      normalized: true,
      plugins: { title, legend: { display: true, labels: { boxHeight: 2 } } },
      scales: { x: axis(spec.x), y: axis(spec.y) },
    },
  } as unknown as ChartConfiguration;
}

/** Colour of value v on [lo, hi]: white to dark blue, or blue-white-red around 0 when `diverging`. */
export function heatColor(v: number, lo: number, hi: number, diverging = false): string {
  const mix = (a: number[], b: number[], t: number) => `rgb(${a.map((x, k) => Math.round(x + (b[k] - x) * Math.min(1, Math.max(0, t)))).join(',')})`;
  const white = [255, 255, 255];
  if (!diverging) return mix(white, [8, 48, 107], hi > lo ? (v - lo) / (hi - lo) : 0);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return v >= 0 ? mix(white, [178, 24, 43], v / m) : mix(white, [33, 102, 172], -v / m);
}

/** The smallest and largest of `values` (NaN when empty). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}
