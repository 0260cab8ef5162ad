import type { NetWeights } from './engines/contract.js';
import { decodeNets, encodeNets, type Enc } from './engines/weights.js';

/** Tail of training in a checkpoint: running mean of the weights and the per-step dual values (price units). */
export interface TailState {
  count: number;
  mean: NetWeights[];
  values: number[];
}

/** The dual value averaged over the tail of training, with a batch-means standard error (10 blocks). */
export interface TailSummary {
  mean: number;
  stderr: number;
  steps: number;
}

/**
 * Polyak-Ruppert averaging over the last steps of training: the final potentials are the running mean of the
 * weights (the hedge that is exported and priced), and the per-step dual values give the reported spread.
 */
export class TailAverage {
  constructor(private state: TailState = { count: 0, mean: [], values: [] }) {}

  add(weights: NetWeights[], value: number): void {
    const s = this.state;
    s.count += 1;
    if (s.count === 1) s.mean = weights.map((net) => net.map((l) => ({ ...l, w: Float32Array.from(l.w), b: Float32Array.from(l.b) })));
    else
      s.mean.forEach((net, k) =>
        net.forEach((l, j) => {
          const src = weights[k][j];
          for (let i = 0; i < l.w.length; i++) l.w[i] += (src.w[i] - l.w[i]) / s.count;
          for (let i = 0; i < l.b.length; i++) l.b[i] += (src.b[i] - l.b[i]) / s.count;
        }),
      );
    s.values.push(value);
  }

  get count(): number {
    return this.state.count;
  }

  get weights(): NetWeights[] {
    return this.state.mean;
  }

  summary(): TailSummary {
    const v = this.state.values;
    const n = v.length;
    const mean = v.reduce((a, x) => a + x, 0) / Math.max(1, n);
    const blocks = Math.min(10, n);
    const size = Math.floor(n / Math.max(1, blocks));
    const first = n - blocks * size;
    let ss = 0;
    for (let k = 0; k < blocks; k++) {
      let m = 0;
      for (let i = first + k * size; i < first + (k + 1) * size; i++) m += v[i];
      ss += (m / size - mean) ** 2;
    }
    return { mean, stderr: blocks > 1 ? Math.sqrt(ss / (blocks - 1) / blocks) : NaN, steps: n };
  }

  encode(): Enc<TailState> {
    return { count: this.state.count, mean: encodeNets(this.state.mean), values: this.state.values };
  }

  static decode(raw: Enc<TailState> | undefined): TailAverage {
    return new TailAverage(raw ? { count: raw.count, mean: decodeNets(raw.mean), values: raw.values } : undefined);
  }
}
