import type { Marginal } from '../marginals/types.js';
import type { Constraints } from './iprojection.js';
import type { PriorPaths } from './prior.js';

export interface PathsOptions {
  /** Call strikes per asset and date, at the quantile levels k / (strikes + 1) of its marginal (default 19). */
  strikes?: number;
  /** Quantile bins of each asset at date t whose indicators g test the martingale condition (default 4). */
  bins?: number;
}

/** The constraints of paths mode and what each row is. */
export interface PathConstraints {
  constraints: Constraints;
  rows: string[];
}

/**
 * Paths mode (weighted Monte Carlo, Avellaneda et al. 2001; rmot design section 2): one column per simulated path;
 * rows: total mass 1; per asset and date the forward E[S] and calls E[(S - K)^+] = C(K) of its marginal; per
 * transition and asset i, E[(S_{t+1,i} - S_{t,i}) g(S_t)] = 0 for g the indicators of `bins` quantile bins of every
 * asset at date t (g = 1 follows from the forwards). The martingale condition is only tested on that family: the result is approximate.
 */
export function pathConstraints(marginals: Marginal[][], prior: PriorPaths, opts: PathsOptions = {}): PathConstraints {
  const { T, d, paths, s } = prior;
  const nK = opts.strikes ?? 19;
  const nB = opts.bins ?? 4;
  const rows: string[] = ['total mass'];
  const fns: { f: (o: number) => number; b: number }[] = [{ f: () => 1, b: 1 }];
  for (let t = 0; t < T; t++)
    for (let i = 0; i < d; i++) {
      const m = marginals[t][i];
      const at = t * d + i;
      rows.push(`E[S] of asset ${i} at date ${t}`);
      fns.push({ f: (o) => s[o + at], b: m.mean });
      for (let k = 1; k <= nK; k++) {
        const K = m.quantile(k / (nK + 1));
        rows.push(`call of asset ${i} at date ${t}, strike ${K.toPrecision(5)}`);
        fns.push({ f: (o) => Math.max(0, s[o + at] - K), b: m.call(K) });
      }
    }
  for (let t = 0; t + 1 < T; t++)
    for (let i = 0; i < d; i++) {
      const inc = (o: number) => s[o + (t + 1) * d + i] - s[o + t * d + i];
      for (let j = 0; j < d; j++) {
        const m = marginals[t][j];
        const cuts = Array.from({ length: nB + 1 }, (_, k) => (k === 0 ? -Infinity : k === nB ? Infinity : m.quantile(k / nB)));
        // g = 1 (and so the last bin given the others) is implied by the forward rows
        for (let k = 0; k + 1 < nB; k++) {
          rows.push(`martingale of asset ${i}, dates ${t}-${t + 1}, asset ${j} in bin ${k + 1}/${nB}`);
          fns.push({ f: (o) => (s[o + t * d + j] >= cuts[k] && s[o + t * d + j] < cuts[k + 1] ? inc(o) : 0), b: 0 });
        }
      }
    }
  const R = fns.length;
  const starts = new Int32Array(paths + 1);
  const indices = new Int32Array(paths * R);
  const values = new Float64Array(paths * R);
  let nz = 0;
  for (let n = 0; n < paths; n++) {
    const o = n * T * d;
    for (let r = 0; r < R; r++) {
      const v = fns[r].f(o);
      if (v === 0) continue;
      indices[nz] = r;
      values[nz++] = v;
    }
    starts[n + 1] = nz;
  }
  return {
    constraints: { numRows: R, numCols: paths, starts, indices: indices.subarray(0, nz), values: values.subarray(0, nz), b: Float64Array.from(fns, (x) => x.b) },
    rows,
  };
}
