import type { Component, HedgeDoc, NetInput, ScoreTable } from './document.js';
import { squareFeature } from '../models/features.js';
import type { NetFn } from './tfjs-files.js';

/** Piecewise-linear interpolation on increasing knots, linear extrapolation with the end slopes. */
export function interpolate(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  let lo = 0;
  let hi = n - 1;
  if (x <= xs[1]) hi = 1;
  else if (x >= xs[n - 2]) lo = n - 2;
  else
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid;
      else hi = mid;
    }
  return ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / (xs[hi] - xs[lo]);
}

/** Value of each component and the portfolio on a batch of paths. */
export interface PortfolioValues {
  total: Float64Array;
  /** Per component: the static value, or holding x price increment. */
  parts: Float64Array[];
}

/**
 * The exported hedge as a function of price paths (row-major n x T*d, s[t*d + i]): evaluates the
 * networks through the input transforms and factors of hedge.json (document.ts).
 */
export class PriceHedge {
  private readonly tables = new Map<number, ScoreTable>();
  constructor(
    readonly doc: HedgeDoc,
    private readonly nets: Map<string, NetFn>,
  ) {
    for (const t of doc.scores) this.tables.set(t.asset, t);
  }

  get width(): number {
    return this.doc.T * this.doc.d;
  }

  private input(inp: NetInput, s: Float64Array, o: number): number {
    const d = this.doc.d;
    if (inp.type === 'price') return (s[o + inp.date * d + inp.asset] - inp.mean) / inp.sd;
    if (inp.type === 'square') return squareFeature((s[o + inp.date * d + inp.asset] - inp.mean) / inp.sd);
    let z = 0;
    for (const a of inp.assets) {
      const t = this.tables.get(a)!;
      z += interpolate(t.price, t.score, s[o + a]);
    }
    return z / inp.assets.length;
  }

  /** The network inputs of component k on n paths (n x inputs, row-major). */
  inputs(k: number, paths: Float64Array, n: number): Float32Array {
    const c = this.doc.components[k];
    const w = c.inputs.length;
    const x = new Float32Array(n * w);
    for (let b = 0; b < n; b++) for (let j = 0; j < w; j++) x[b * w + j] = this.input(c.inputs[j], paths, b * this.width);
    return x;
  }

  /** factor * net(inputs(s)) of component k on n paths: the static value, or the holding (without the increment). */
  async component(k: number, paths: Float64Array, n: number): Promise<Float64Array> {
    const c = this.doc.components[k];
    const y = await this.nets.get(c.network)!(this.inputs(k, paths, n), n);
    return Float64Array.from(y, (v) => c.factor * v);
  }

  /** Portfolio of (2.9): cash + statics + holdings x increments, per path. */
  async portfolio(paths: Float64Array, n: number): Promise<PortfolioValues> {
    const total = new Float64Array(n).fill(this.doc.cash);
    const parts: Float64Array[] = [];
    for (let k = 0; k < this.doc.components.length; k++) {
      const part = await this.component(k, paths, n);
      const c: Component = this.doc.components[k];
      if (c.kind === 'holding') for (let b = 0; b < n; b++) part[b] *= increment(paths, b * this.width, this.doc.d, c.date, c.asset);
      for (let b = 0; b < n; b++) total[b] += part[b];
      parts.push(part);
    }
    return { total, parts };
  }
}

/** s[date+1][asset] - s[date][asset] of the path at offset o. */
export function increment(paths: Float64Array, o: number, d: number, date: number, asset: number): number {
  return paths[o + (date + 1) * d + asset] - paths[o + date * d + asset];
}
