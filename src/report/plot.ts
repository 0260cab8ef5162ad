import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { CHART_SIZE, chartConfig, type ChartSpec } from './charts.js';

Chart.register(...registerables, MatrixController, MatrixElement);

/** Renders a chart spec with chart.js on a headless canvas (white background) and writes it as PNG. */
export function writeChart(file: string, spec: ChartSpec, size = CHART_SIZE): void {
  const canvas = createCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, size.width, size.height);
  // chart.js accepts a canvas-like object; @napi-rs/canvas provides the 2D context API it draws with
  const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, chartConfig(spec));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, canvas.toBuffer('image/png'));
  chart.destroy();
}
