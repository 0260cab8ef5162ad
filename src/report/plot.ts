import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';

Chart.register(...registerables);

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  /** Dashed line without markers, e.g. for a reference value. */
  dashed?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#7f7f7f'];

/** Renders a line chart with chart.js on a headless canvas and writes it as PNG. */
export function writeLineChart(file: string, spec: LineChartSpec): void {
  const width = spec.width ?? 900;
  const height = spec.height ?? 500;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, width, height);
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.points,
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        borderDash: s.dashed ? [6, 4] : [],
        pointRadius: 0,
        borderWidth: s.dashed ? 1.5 : 2,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      parsing: false,
      plugins: { title: { display: true, text: spec.title }, legend: { display: true } },
      scales: {
        x: { type: 'linear', title: { display: true, text: spec.xLabel } },
        y: { type: 'linear', title: { display: true, text: spec.yLabel } },
      },
    },
  };
  // chart.js accepts a canvas-like object; @napi-rs/canvas provides the 2D context API it draws with
  const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, config);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, canvas.toBuffer('image/png'));
  chart.destroy();
}
