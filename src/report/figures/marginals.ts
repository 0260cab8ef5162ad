import type { QuotesFit } from '../../marginals/quotes/fit.js';
import type { Marginal } from '../../marginals/types.js';
import type { LineChart, Series } from '../charts.js';

/** Quantile levels that bound the x-axis: the view holds all but 0.2% of each law's mass. */
const VIEW = [0.001, 0.999] as const;
const POINTS = 161;

/** The x-range that holds the bulk of every law in `laws`. */
function view(laws: Marginal[]): [number, number] {
  return [Math.min(...laws.map((m) => m.quantile(VIEW[0]))), Math.max(...laws.map((m) => m.quantile(VIEW[1])))];
}

/** Density by central differences of the distribution function on a grid (a histogram for a discrete law). */
function densityPoints(m: Marginal, lo: number, hi: number): { x: number; y: number }[] {
  const h = (hi - lo) / (POINTS - 1);
  return Array.from({ length: POINTS }, (_, j) => {
    const x = lo + j * h;
    return { x, y: (m.cdf(x + h / 2) - m.cdf(x - h / 2)) / h };
  });
}

/**
 * Density (kind "density") or distribution function ("cdf") of one asset at every date, on the range of its bulk;
 * `marks` are drawn as points on the x-axis (e.g. the quoted strikes).
 */
export function marginalChart(asset: string, laws: Marginal[], kind: 'density' | 'cdf', dates: string[] = laws.map((_, t) => `date ${t}`), marks: { label: string; xs: number[] }[] = []): LineChart {
  const [lo, hi] = view(laws);
  const series: Series[] = laws.map((m, t) => ({
    label: `${dates[t]}: ${m.label}`,
    points: kind === 'density' ? densityPoints(m, lo, hi) : Array.from({ length: POINTS }, (_, j) => ({ x: lo + ((hi - lo) * j) / (POINTS - 1), y: m.cdf(lo + ((hi - lo) * j) / (POINTS - 1)) })),
  }));
  for (const m of marks) series.push({ label: m.label, points: m.xs.filter((x) => x >= lo && x <= hi).map((x) => ({ x, y: 0 })), style: 'points' });
  return {
    kind: 'line',
    title: `${asset}: ${kind === 'density' ? 'risk-neutral density' : 'distribution function'} by date`,
    x: { label: asset, min: lo, max: hi },
    y: { label: kind === 'density' ? 'density' : 'P(X <= x)', min: 0, ...(kind === 'cdf' ? { max: 1 } : {}) },
    series,
  };
}

/** The quotes of one expiry against the fitted law's out-of-the-money prices: kept, moved (before and after) and removed quotes. */
export function quotesChart(name: string, fit: QuotesFit): LineChart {
  const notes = fit.notes;
  const pts = (sel: (n: QuotesFit['notes'][number]) => boolean, y: (n: QuotesFit['notes'][number]) => number) => notes.filter(sel).map((n) => ({ x: n.strike, y: y(n) }));
  const series: Series[] = [
    { label: 'fitted law: D E[(K - X)+] below the forward, D E[(X - K)+] above', points: fit.curve.map((c) => ({ x: c.strike, y: c.price })), color: '#1f77b4' },
    { label: 'quotes used as they are', points: pts((n) => n.action === 'kept', (n) => n.quote), style: 'points', color: '#2ca02c' },
    { label: 'quotes moved by the no-arbitrage projection (as quoted)', points: pts((n) => n.action === 'moved', (n) => n.quote), style: 'points', color: '#ff7f0e' },
    { label: 'the same after the projection', points: pts((n) => n.action === 'moved', (n) => n.cleaned!), style: 'points', color: '#8c564b' },
    { label: 'quotes removed (in the money, zero, crossed or stale)', points: pts((n) => n.action === 'removed', (n) => n.quote), style: 'crosses', color: '#d62728' },
  ].filter((s) => s.points.length > 0) as Series[];
  const ks = notes.map((n) => n.strike);
  const top = Math.max(...fit.curve.map((c) => c.price), ...notes.filter((n) => n.action !== 'removed').map((n) => n.quote));
  return {
    kind: 'line',
    title: `${name}: option quotes and the fitted law (forward ${fit.forward.toPrecision(6)}, discount ${fit.discount.toPrecision(6)}${fit.discountEstimated ? ' estimated' : ''})`,
    x: { label: 'strike', min: Math.min(...ks), max: Math.max(...ks) },
    y: { label: 'option price (discounted, as quoted)', min: 0, max: 1.1 * top },
    series,
  };
}

/** Repricing error of every quote used, in units of its tolerance max(0.05, 2% of the price): inside +-1 is a fit. */
export function repricingChart(name: string, fit: QuotesFit): LineChart {
  const ks = fit.repricing.map((r) => r.strike);
  const [a, b] = [Math.min(...ks), Math.max(...ks)];
  const band = (y: number): Series => ({ label: `tolerance ${y > 0 ? '+1' : '-1'}`, points: [{ x: a, y }, { x: b, y }], style: 'dashed', color: '#7f7f7f' });
  const worst = Math.max(1.2, ...fit.repricing.map((r) => 1.1 * Math.abs(r.error / r.tolerance)));
  return {
    kind: 'line',
    title: `${name}: repricing error of the quotes used (model - quote) / tolerance`,
    x: { label: 'strike', min: a, max: b },
    y: { label: 'error / tolerance', min: -worst, max: worst },
    series: [
      { label: 'calls', points: fit.repricing.filter((r) => r.option === 'call').map((r) => ({ x: r.strike, y: r.error / r.tolerance })), style: 'points', color: '#1f77b4' },
      { label: 'puts', points: fit.repricing.filter((r) => r.option === 'put').map((r) => ({ x: r.strike, y: r.error / r.tolerance })), style: 'points', color: '#d62728' },
      band(1),
      band(-1),
    ],
  };
}
