import { highsRuntime } from '../math/highs.js';
import type { LpData } from './model.js';

export interface LpRun {
  /** HiGHS model status name, e.g. "optimal". */
  status: string;
  objective: number;
  colValue: Float64Array;
  rowDual: Float64Array;
  iterations: number;
  seconds: number;
  /** HiGHS version and the algorithm, e.g. "HiGHS 1.15.1 ipx". */
  solver: string;
  /** Wasm linear memory after the solve. */
  memoryBytes: number;
  /** Columns the solver held: all of them (ipx), or the master's at the end (column generation). */
  generated: number;
}

export interface LpRunOptions {
  sense: 'maximize' | 'minimize';
  /** Interior-point optimality tolerance (HiGHS ipm_optimality_tolerance). */
  tolerance?: number;
  timeLimit?: number;
}

/** Solves the LP with HiGHS' interior-point solver (IPX, no crossover) through the typed-array model API; the model is always disposed. */
export async function runLp(lp: LpData, opts: LpRunOptions): Promise<LpRun> {
  const h = await highsRuntime();
  const t0 = performance.now();
  const model = h.createModel({
    numCols: lp.numCols,
    numRows: lp.numRows,
    sense: opts.sense === 'maximize' ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    colCost: lp.colCost,
    colLower: new Float64Array(lp.numCols),
    colUpper: new Float64Array(lp.numCols).fill(h.infinity),
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    matrix: { format: 'csc', numRows: lp.numRows, numCols: lp.numCols, starts: lp.starts, indices: lp.indices, values: lp.values },
  });
  try {
    model.options.set({
      output_flag: false,
      // presolve off: with IPX and no crossover, HiGHS 1.15 postsolve returns inconsistent duals (status "unknown")
      presolve: 'off',
      solver: 'ipm',
      run_crossover: 'off',
      ipm_optimality_tolerance: opts.tolerance ?? 1e-9,
      ...(opts.timeLimit !== undefined ? { time_limit: opts.timeLimit } : {}),
    });
    const { modelStatus } = model.run();
    const status = Object.entries(h.constants.modelStatus).find(([, v]) => v === modelStatus)?.[0] ?? String(modelStatus);
    const sol = model.getSolution();
    return {
      status,
      objective: model.getObjectiveValue(),
      colValue: sol.colValue,
      rowDual: sol.rowDual,
      iterations: Number(model.info.get('ipm_iteration_count')),
      seconds: (performance.now() - t0) / 1000,
      solver: `HiGHS ${h.version.string} ipx`,
      memoryBytes: h.memoryBytes,
      generated: lp.numCols,
    };
  } finally {
    model.dispose();
  }
}
