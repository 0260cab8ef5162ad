import { highsRuntime, type Highs } from '../../math/highs.js';

/** A sparse linear row lo <= sum val[k] x[idx[k]] <= hi. */
export interface Row {
  idx: number[];
  val: number[];
  lo: number;
  hi: number;
}

/** minimize 1/2 x^T H x + lin^T x subject to rows and lo <= x <= hi; H given by its entries (repeats add up). */
export interface Qp {
  n: number;
  /** Entries (i, j, value) of the symmetric Hessian H; each off-diagonal pair is listed once (either order). */
  hessian: [number, number, number][];
  lin: number[];
  lo: number[];
  hi: number[];
  rows: Row[];
  /** Seconds HiGHS may spend (default 60); past it the solve counts as failed. */
  timeLimit?: number;
}

/** An absent bound (HiGHS reads IEEE infinity as its infinity). */
export const INF = Infinity;

/** Sums repeated column indices of a sparse vector (HiGHS rejects duplicates). */
function merge(idx: number[], val: number[]): Map<number, number> {
  const m = new Map<number, number>();
  idx.forEach((j, k) => m.set(j, (m.get(j) ?? 0) + val[k]));
  return m;
}

/** A QP solver: x, or undefined with HiGHS' status when the problem is infeasible, the time limit is reached or the solve fails. */
export type QpSolver = (p: Qp) => { x?: Float64Array; status: string };

/** The QP solver on the process's HiGHS runtime (loaded on first use); its solves are synchronous. */
export async function qpSolver(): Promise<QpSolver> {
  const highs = await highsRuntime();
  return (p) => solveQp(highs, p);
}

/** Solves a convex QP (an LP when `hessian` is empty) by HiGHS; returns x when optimal, and the model status. */
function solveQp(highs: Highs, p: Qp): { x?: Float64Array; status: string } {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of p.rows) {
    for (const [j, v] of merge(r.idx, r.val)) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
  }
  // lower triangle in compressed columns: column j holds rows i >= j
  const byCol: Map<number, number>[] = Array.from({ length: p.n }, () => new Map());
  for (const [i, j, v] of p.hessian) {
    const [r, c] = i >= j ? [i, j] : [j, i];
    byCol[c].set(r, (byCol[c].get(r) ?? 0) + v);
  }
  const qIdx: number[] = [];
  const qVal: number[] = [];
  const qStarts = [0];
  for (const col of byCol) {
    for (const [r, v] of [...col].sort((a, b) => a[0] - b[0])) {
      qIdx.push(r);
      qVal.push(v);
    }
    qStarts.push(qIdx.length);
  }
  return highs.withModel(
    {
      numCols: p.n,
      numRows: p.rows.length,
      colCost: p.lin,
      colLower: p.lo,
      colUpper: p.hi,
      rowLower: p.rows.map((r) => r.lo),
      rowUpper: p.rows.map((r) => r.hi),
      matrix: { format: 'csr', numRows: p.rows.length, numCols: p.n, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
      ...(qIdx.length > 0 && { hessian: { format: 'triangular', dimension: p.n, starts: Int32Array.from(qStarts), indices: Int32Array.from(qIdx), values: Float64Array.from(qVal) } }),
    },
    (model) => {
      model.options.set({ output_flag: false, time_limit: p.timeLimit ?? 60 });
      try {
        model.run();
      } catch {
        return { status: 'solve error' }; // HiGHS reports a solve error (e.g. numerical trouble) by throwing
      }
      const code = model.getModelStatus();
      const status = Object.entries(highs.constants.modelStatus).find(([, v]) => v === code)?.[0] ?? String(code);
      return code === highs.constants.modelStatus.optimal ? { x: model.getSolution().colValue, status } : { status };
    },
  );
}
