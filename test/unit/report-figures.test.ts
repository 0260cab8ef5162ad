import { describe, expect, it } from 'vitest';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { chartConfig, heatColor, type ChartSpec, type HeatChart } from '../../src/report/charts.js';
import { couplingChart } from '../../src/report/figures/coupling.js';
import { marginalChart } from '../../src/report/figures/marginals.js';
import { convergenceChart } from '../../src/report/figures/training.js';
import type { BoundResult, SolveReport } from '../../src/solvers/result.js';

describe('coupling heat map', () => {
  it('sums the mass of the paths on each pair of atoms of the date, on sorted atoms', () => {
    // T = 2, d = 2; paths (x0, x1 at date 0; y0, y1 at date 1)
    const paths = Float64Array.from([0, 0, -1, -1, 0, 0, 1, 1, 0, 0, 1, -1, 0, 0, 1, 1]);
    const mass = Float64Array.from([0.25, 0.25, 0.2, 0.3]);
    const c = couplingChart('t', ['A', 'B'], { paths, mass, T: 2, d: 2 }, 1);
    expect(c.x.ticks).toEqual(['-1', '1']);
    expect(c.y.ticks).toEqual(['-1', '1']);
    const at = (i: number, j: number) => c.cells.find((x) => x.i === i && x.j === j)?.v;
    expect([at(0, 0), at(1, 1), at(1, 0), at(0, 1)]).toEqual([0.25, 0.55, 0.2, undefined]);
    // the heaviest cell is the darkest, an empty colour scale end is white
    expect(c.cells.find((x) => x.v === 0.55)!.color).toBe(heatColor(1, 0, 1));
    expect(heatColor(0, 0, 1)).toBe('rgb(255,255,255)');
    expect(c.x.label).toBe('A at date 1');
  });
});

describe('convergence chart', () => {
  const trace = Array.from({ length: 100 }, (_, k) => ({ step: 10 * (k + 1), value: k < 20 ? 50 : 1.5 + 0.2 / (k + 1) }));
  const bound = { solver: 'neural', side: 'upper', value: 1.502, trace, averaged: { from: 800, to: 1000 } } as unknown as BoundResult;
  const lp = { solver: 'lp', side: 'upper', value: 1.49, trace: [] } as unknown as BoundResult;
  const refs = { exact: { upper: 1.5, source: 'x' }, comonotone: 1.6, antitone: -1.6, independent: { value: 0, stderr: 0.01 } };
  const report = (upper: BoundResult, solver: string) => ({ name: 'p', solver, upper, references: refs }) as unknown as SolveReport;
  it('zooms on the second half of training, the exact value and the other solver, and names what lies off the view', () => {
    const c = convergenceChart('upper', [report(bound, 'neural'), report(lp, 'lp')])!;
    const second = trace.filter((p) => p.step >= 500).map((p) => p.value);
    expect(c.y.min!).toBeLessThan(Math.min(...second, 1.49, 1.5));
    expect(c.y.max!).toBeGreaterThan(Math.max(...second));
    // the early spike to 50 is outside the view
    expect(c.y.max!).toBeLessThan(2);
    const labels = c.series.map((s) => s.label);
    expect(labels).toContain('independent coupling 0.00000 (off scale)');
    expect(labels).toContain('antitone coupling of the last date -1.60000 (off scale)');
    expect(labels).toContain('lp bound 1.49000');
    const band = c.series.find((s) => s.style === 'band')!;
    expect(band.points.map((p) => p.x)).toEqual([800, 1000]);
  });
  it('is absent when no solver kept a trace', () => {
    expect(convergenceChart('upper', [report(lp, 'lp')])).toBeUndefined();
  });
});

describe('marginal charts', () => {
  it('the density of N(0, 1) from its distribution function: peak 1/sqrt(2 pi), mass of the view 0.998', () => {
    const c = marginalChart('A', [normalMarginal(0, 1), normalMarginal(0, 2)], 'density');
    const pts = c.series[0].points;
    expect(Math.max(...pts.map((p) => p.y))).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 3);
    let mass = 0;
    for (let j = 1; j < pts.length; j++) mass += 0.5 * (pts[j].y + pts[j - 1].y) * (pts[j].x - pts[j - 1].x);
    // the view runs over the bulk of both laws: the 0.1% and 99.9% quantiles of N(0, 4)
    expect(c.x.min).toBeCloseTo(-2 * 3.0902, 3);
    expect(mass).toBeCloseTo(1, 4);
  });
});

describe('chartConfig', () => {
  it('is self-contained: its source text, evaluated alone (as the HTML report does), builds the same configuration', () => {
    const spec: HeatChart = { kind: 'heat', title: 'h', x: { label: 'x', ticks: ['a', 'b'] }, y: { label: 'y', ticks: ['c'] }, cells: [{ i: 0, j: 0, v: 1, color: 'red' }], valueLabel: 'v' };
    const line: ChartSpec = { kind: 'line', title: 'l', x: { label: 'x' }, y: { label: 'y' }, series: [{ label: 's', points: [{ x: 0, y: 1 }], style: 'crosses' }] };
    const alone = new Function(`return (${chartConfig.toString()})`)() as typeof chartConfig;
    for (const s of [spec, line]) expect(JSON.stringify(alone(s))).toBe(JSON.stringify(chartConfig(s)));
    const heat = alone(spec) as unknown as { data: { datasets: { width: (c: unknown) => number }[] }; options: { scales: { x: { ticks: { callback: (v: number) => string } } } } };
    expect(heat.data.datasets[0].width({ chart: { chartArea: { width: 100 } } })).toBe(50.5);
    expect(heat.options.scales.x.ticks.callback(1)).toBe('b');
  });
});
