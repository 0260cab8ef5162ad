import { highsRuntime } from '../math/highs.js';
import type { Layout } from './layout.js';
import type { LpData } from './model.js';
import type { LpRun, LpRunOptions } from './run.js';

/** Reduced costs are priced to this fraction of the largest cost; the simplex's tolerances are set to it too (HiGHS default 1e-7). */
const PRICING_TOLERANCE = 1e-10;

/**
 * Delayed column generation (Dantzig-Wolfe 1960, Gilmore-Gomory 1961: [DW60], [GG61]) for the discrete VMOT LP (2.3) / (4.3)
 *   max / min  sum_j c_j pi_j   s.t.  A pi = b,  pi >= 0,
 * whose rows (marginals, and martingale rows per prefix state: 5N for the reduced form at d = 2, T = 2) are few and
 * whose columns (paths, N^(dT) or N^(1 + d(T-1))) are many, while an optimal vertex has at most one positive column per row. The master LP holds a
 * subset of the columns and one artificial column +-e_r per row with cost -+M (big M: every master is feasible);
 * HiGHS' simplex solves it, warm-started after each round. Pricing scans all columns of `lp` for the reduced
 * cost sign (c_j - A_j' y) > tol and adds the most violated; it stops when none is left: y is then optimal for the
 * whole LP, the same potentials (2.8)-(2.9) as the interior-point solve without its cost in memory and time.
 * An artificial column left positive means M capped a potential: M grows 100-fold and the rounds go on (up to 1e12 M:
 * then the atoms have no martingale coupling).
 */
export async function runColumns(lp: LpData, opts: LpRunOptions, initial: ArrayLike<number> = []): Promise<LpRun> {
  const h = await highsRuntime();
  const t0 = performance.now();
  const sign = opts.sense === 'maximize' ? 1 : -1;
  const { numRows: m, numCols: n } = lp;
  let cmax = 1;
  for (let j = 0; j < n; j++) cmax = Math.max(cmax, Math.abs(lp.colCost[j]));
  const tol = PRICING_TOLERANCE * cmax;
  let bigM = 1e3 * cmax;
  // the master's columns: 2m artificials (+e_r, -e_r), then the generated paths in the order added
  const artificial = (M: number) => new Float64Array(2 * m).fill(-sign * M);
  const model = h.createModel({
    numCols: 2 * m,
    numRows: m,
    sense: opts.sense === 'maximize' ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    colCost: artificial(bigM),
    colLower: new Float64Array(2 * m),
    colUpper: new Float64Array(2 * m).fill(h.infinity),
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    matrix: {
      format: 'csc',
      numRows: m,
      numCols: 2 * m,
      starts: Int32Array.from({ length: 2 * m + 1 }, (_, k) => k),
      indices: Int32Array.from({ length: 2 * m }, (_, k) => k >> 1),
      values: Float64Array.from({ length: 2 * m }, (_, k) => (k & 1 ? -1 : 1)),
    },
  });
  const inMaster = new Uint8Array(n);
  const generated: number[] = [];
  const perRound = Math.max(2 * m, 500);
  const reduced = new Float64Array(n);
  let y = new Float64Array(m);
  let status = 'not run';
  let iterations = 0;
  let rounds = 0;
  try {
    // HiGHS picks the simplex variant per solve: forcing primal simplex at these tolerances stalled on the lognormal
    // basket call's full form (14 s at 10 atoms, against 0.2 s)
    model.options.set({ output_flag: false, solver: 'simplex', simplex_strategy: 0, presolve: 'off', dual_feasibility_tolerance: PRICING_TOLERANCE, primal_feasibility_tolerance: PRICING_TOLERANCE });
    const start = [...new Set(Array.from(initial))].filter((j) => j >= 0 && j < n);
    if (start.length > 0) {
      for (const j of start) (inMaster[j] = 1), generated.push(j);
      model.addCols(columnsOf(lp, start, h.infinity));
    }
    const solve = () => {
      if (opts.timeLimit !== undefined) {
        const left = opts.timeLimit - (performance.now() - t0) / 1000;
        if (left <= 0) return void (status = 'timeLimit');
        model.options.set({ time_limit: left });
      }
      let modelStatus: number;
      try {
        ({ modelStatus } = model.run());
      } catch {
        return void (status = 'solveError');
      }
      rounds++;
      iterations += Number(model.info.get('simplex_iteration_count'));
      status = Object.entries(h.constants.modelStatus).find(([, v]) => v === modelStatus)?.[0] ?? String(modelStatus);
      if (status === 'optimal') y = Float64Array.from(model.getSolution().rowDual);
    };
    solve();
    while (status === 'optimal') {
      // pricing: sign (c_j - A_j' y) over every column not yet in the master
      let count = 0;
      for (let j = 0; j < n; j++) {
        let r = lp.colCost[j];
        for (let k = lp.starts[j]; k < lp.starts[j + 1]; k++) r -= lp.values[k] * y[lp.indices[k]];
        reduced[j] = sign * r;
        if (reduced[j] > tol && !inMaster[j]) count++;
      }
      if (count > 0) {
        const pick = mostViolated(reduced, inMaster, tol, count, perRound);
        for (const j of pick) (inMaster[j] = 1), generated.push(j);
        model.addCols(columnsOf(lp, pick, h.infinity));
      } else {
        const art = model.getSolution().colValue;
        let left = 0;
        for (let k = 0; k < 2 * m; k++) left = Math.max(left, art[k]);
        if (left <= 1e-12) break;
        if (bigM > 1e12 * cmax) {
          // no martingale coupling of these atoms (the convex-order checks of discretize rule this out)
          status = 'infeasible';
          break;
        }
        bigM *= 100;
        model.changeColsCost({ kind: 'range', from: 0, to: 2 * m - 1 }, artificial(bigM));
      }
      solve();
    }
    const sol = model.getSolution();
    const colValue = new Float64Array(n);
    generated.forEach((j, k) => (colValue[j] = sol.colValue[2 * m + k]));
    return {
      status,
      objective: model.getObjectiveValue(),
      colValue,
      rowDual: y,
      iterations,
      seconds: (performance.now() - t0) / 1000,
      solver: `HiGHS ${h.version.string} column generation (simplex, ${rounds} rounds)`,
      memoryBytes: h.memoryBytes,
      generated: generated.length,
    };
  } finally {
    model.dispose();
  }
}

/** Up to `limit` columns outside the master with the largest reduced cost above tol (count of them given). */
function mostViolated(reduced: Float64Array, inMaster: Uint8Array, tol: number, count: number, limit: number): number[] {
  const out: number[] = [];
  let cut = tol;
  if (count > limit) {
    const r = new Float64Array(count);
    let k = 0;
    for (let j = 0; j < reduced.length; j++) if (reduced[j] > tol && !inMaster[j]) r[k++] = reduced[j];
    r.sort();
    cut = r[count - limit];
  }
  for (let j = 0; j < reduced.length && out.length < limit; j++) if (!inMaster[j] && reduced[j] > tol && reduced[j] >= cut) out.push(j);
  return out;
}

/** The columns `pick` of lp in HiGHS' addCols form (CSC, lower 0, upper infinite). */
function columnsOf(lp: LpData, pick: number[], infinity: number) {
  const starts = new Int32Array(pick.length + 1);
  for (let k = 0; k < pick.length; k++) starts[k + 1] = starts[k] + lp.starts[pick[k] + 1] - lp.starts[pick[k]];
  const indices = new Int32Array(starts[pick.length]);
  const values = new Float64Array(starts[pick.length]);
  pick.forEach((j, k) => {
    indices.set(lp.indices.subarray(lp.starts[j], lp.starts[j + 1]), starts[k]);
    values.set(lp.values.subarray(lp.starts[j], lp.starts[j + 1]), starts[k]);
  });
  return {
    cost: Float64Array.from(pick, (j) => lp.colCost[j]),
    lower: new Float64Array(pick.length),
    upper: new Float64Array(pick.length).fill(infinity),
    matrix: { format: 'csc' as const, numRows: lp.numRows, numCols: pick.length, starts, indices, values },
  };
}

/** Digits of column j: one per entry of layout.radix (date-major), the inverse of fromDigits. */
function toDigits(l: Layout, j: number, out: number[]): void {
  let k = out.length;
  for (let t = l.T - 1; t >= 0; t--)
    for (let i = l.radix[t].length - 1; i >= 0; i--) {
      out[--k] = j % l.radix[t][i];
      j = Math.floor(j / l.radix[t][i]);
    }
}

function fromDigits(l: Layout, digits: number[]): number {
  let j = 0;
  let k = 0;
  for (let t = 0; t < l.T; t++) for (let i = 0; i < l.radix[t].length; i++) j = j * l.radix[t][i] + digits[k++];
  return j;
}

/**
 * Starting columns for the finer grid `fine` from the support of a coarser solution (columns of `coarse`): each atom index
 * is moved to the same relative position (atoms sit on the same normal-score scale at every N), and every path within one
 * atom of it in each digit is taken (3^digits per support path).
 */
export function refineSupport(coarse: Layout, support: ArrayLike<number>, fine: Layout): number[] {
  const radixC = coarse.radix.flat();
  const radixF = fine.radix.flat();
  const w = radixF.length;
  const out = new Set<number>();
  const dc = new Array<number>(w).fill(0);
  const df = new Array<number>(w).fill(0);
  for (let s = 0; s < support.length; s++) {
    toDigits(coarse, support[s], dc);
    for (let off = 0; off < 3 ** w; off++) {
      let ok = true;
      for (let k = 0, o = off; k < w; k++, o = Math.floor(o / 3)) {
        const centre = Math.round(((dc[k] + 0.5) * radixF[k]) / radixC[k] - 0.5);
        df[k] = centre + (o % 3) - 1;
        if (df[k] < 0 || df[k] >= radixF[k]) ok = false;
      }
      if (ok) out.add(fromDigits(fine, df));
    }
  }
  return [...out];
}
