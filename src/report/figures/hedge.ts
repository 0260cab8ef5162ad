import type { Component, HedgeDoc, StaticComponent } from '../../hedge/document.js';
import { stripPayoff } from '../../hedge/strip.js';
import { extent, heatColor, type ChartSpec, type LineChart } from '../charts.js';

const tick = (x: number) => Number(x.toPrecision(4)).toString();

/** Strikes are marked on the strip when few enough to tell apart (listed strikes); a strip on the full grid kinks everywhere. */
const MARKED_STRIKES = 80;

/** A static function of the hedge on its strike grid with the vanilla strip that replicates it and the strip's strikes. */
export function staticChart(doc: HedgeDoc, c: StaticComponent, names: string[]): LineChart {
  const { price, value } = c.grid;
  const s = c.strip;
  const strikes = [...s.puts, ...s.calls].map((o) => o.strike).sort((a, b) => a - b);
  return {
    kind: 'line',
    title: `${doc.side} hedge, ${c.id}: static position in ${names[c.asset]} at date ${c.date} (cost ${c.integral.toPrecision(5)}, strip ${s.price.toPrecision(5)})`,
    x: { label: `${names[c.asset]} price at date ${c.date}`, min: price[0], max: price.at(-1) },
    y: { label: 'payout' },
    series: [
      { label: 'static function (trained network)', points: price.map((x, j) => ({ x, y: value[j] })), color: '#1f77b4' },
      { label: `vanilla strip: cash, forward, ${s.calls.length} calls, ${s.puts.length} puts${s.listed ? ' at listed strikes' : ''}`, points: price.map((x) => ({ x, y: stripPayoff(s, x) })), style: 'dashed', color: '#d62728' },
      ...(strikes.length <= MARKED_STRIKES ? [{ label: 'strikes of the strip', points: strikes.map((k) => ({ x: k, y: stripPayoff(s, k) })), style: 'points' as const, color: '#ff7f0e' }] : []),
    ],
  };
}

/** A holding (shares of asset `asset` held from date to date + 1) over its price grid: a heat map over two prices, a curve over one. */
export function holdingChart(doc: HedgeDoc, c: Extract<Component, { kind: 'holding' }>, names: string[]): ChartSpec | undefined {
  if (!c.grid) return undefined;
  const { axes, value } = c.grid;
  const title = `${doc.side} hedge, ${c.id}: shares of ${names[c.asset]} held from date ${c.date} to ${c.date + 1}`;
  const axisLabel = (a: (typeof axes)[number]) => `${names[a.asset]} price at date ${a.date}`;
  if (axes.length === 1)
    return { kind: 'line', title, x: { label: axisLabel(axes[0]), min: axes[0].price[0], max: axes[0].price.at(-1) }, y: { label: 'shares held' }, series: [{ label: 'holding', points: axes[0].price.map((x, j) => ({ x, y: value[j] })) }] };
  const [lo, hi] = extent(value);
  const ny = axes[1].price.length;
  return {
    kind: 'heat',
    title,
    x: { label: axisLabel(axes[0]), ticks: axes[0].price.map(tick) },
    y: { label: axisLabel(axes[1]), ticks: axes[1].price.map(tick) },
    // value is row-major with the last axis fastest
    cells: value.map((v, k) => ({ i: Math.floor(k / ny), j: k % ny, v, color: heatColor(v, lo, hi, true) })),
    valueLabel: `colour: shares held, blue ${lo.toPrecision(3)} (short) to white 0 to red ${hi.toPrecision(3)} (long)`,
  };
}
