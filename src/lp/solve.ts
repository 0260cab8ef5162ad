import { VmotError } from '../core/errors.js';
import { cellCouplingValue, couplingValue, type Transport } from '../problem/couplings.js';
import type { BoundSide, FormulationChoice, FormulationKind } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { atomCuts, atomQuantile, discretize, type AtomReport, type Atoms } from './discretize.js';
import { discretizationError, type ErrorEstimate, type GridValue } from './error.js';
import type { LpAlgorithm } from './algorithms.js';
import { refineSupport, runColumns } from './columns.js';
import { runLp } from './run.js';
import { decodePath, makeLayout, pathPrices, type Layout } from './layout.js';
import { buildLp, type LpData } from './model.js';

export interface LpOptions {
  /**
   * Atoms per asset and date; default: the most that keeps the LP within `columnBudget` columns. "auto": grids
   * 4, 6, 8, 11, 16, ... (factor sqrt 2) until the error estimate is below `target` (relative), or the next LP would
   * exceed `maxColumns`, or `timeLimit` seconds are spent.
   */
  atoms?: number | 'auto';
  columnBudget?: number;
  /** Fixed atoms: also solve with N / sqrt 2 and N / 2 atoms for the error estimate (default true). */
  errorEstimate?: boolean;
  /** "auto": relative error target (default 0.005), largest LP (default 400000 columns), seconds for all solves (default 600). */
  target?: number;
  maxColumns?: number;
  timeLimit?: number;
  /** Interior-point optimality tolerance. */
  ipmTolerance?: number;
  /** "columns" (default) or "ipx" (src/lp/algorithms.ts). */
  algorithm?: LpAlgorithm;
}

/** Why "auto" stopped refining. */
export type StopReason = 'target' | 'columns' | 'time';

/** Potentials of the discrete dual (2.8)-(2.9): static ones on each marginal's atoms, holdings on each prefix state. */
export interface LpPotentials {
  /** phi_{t,i} on the atoms x (weights w) of asset i at date t (reduced form: date 0 is one function of the bin, asset -1). */
  statics: { date: number; asset: number; x: Float64Array; w: Float64Array; value: Float64Array }[];
  /** h_{t,i} on every prefix state of transition t -> t+1, in column-prefix order. */
  holdings: { date: number; asset: number; value: Float64Array }[];
}

/** One bound of the discretized VMOT problem: the LP's own figures (the solver adapter adds the formulation and references). */
export interface LpSolution {
  /** Dual value: sum of the integrals of the static potentials (cost of the discrete super-/sub-hedge). */
  value: number;
  /** Primal value E_pi[c] of the optimal discrete coupling. */
  primal: number;
  /** Estimate of the error of the discretization and its parts (undefined if not estimated). */
  error?: ErrorEstimate;
  /** Every grid solved, coarse to fine (the last is the one reported). */
  grids: GridValue[];
  /** "auto": what stopped the refinement. */
  stoppedBy?: StopReason;
  atoms: number[][];
  /**
   * Transport bounds of the discrete problem: the last-date payoff under the comonotone and (d = 2) antitone couplings
   * of the LP's own last-date atoms. The LP value lies between them up to solver tolerance; equality means the
   * martingale constraints do not bind on that side.
   */
  transport: Transport;
  columns: number;
  /** Columns the solver held (column generation: its master at the end; ipx: all). */
  generated: number;
  rows: number;
  status: string;
  iterations: number;
  /** HiGHS version and algorithm. */
  engine: string;
  seconds: number;
  memoryBytes: number;
  /** Largest violation of the hedge inequality (2.9) on the grid by the extracted potentials. */
  hedgeViolation: number;
  /** Support of the optimal coupling: paths[k * T * d + t * d + i] = asset i at date t on path k. */
  coupling: { paths: Float64Array; mass: Float64Array };
  potentials: LpPotentials;
  discretization: AtomReport[];
  notes: string[];
}

const DEFAULT_COLUMN_BUDGET = 40_000;
/** Coupling entries below this mass are left out of the reported support (interior-point solutions are never exactly 0). */
const SUPPORT_MASS = 1e-9;

/** Largest n >= 2 with columns(n) <= budget, where columns(n) = n^{dT} (full) or n^{1 + d(T-1)} (reduced). */
export function defaultAtoms(kind: FormulationKind, T: number, d: number, budget = DEFAULT_COLUMN_BUDGET): number {
  const exponent = kind === 'full' ? d * T : 1 + d * (T - 1);
  return Math.max(2, Math.floor(Math.pow(budget, 1 / exponent) + 1e-9));
}

interface Solved {
  lp: LpData;
  layout: Layout;
  atoms: Atoms[][];
  run: Awaited<ReturnType<typeof runLp>>;
  report: AtomReport[];
  notes: string[];
  grid: GridValue;
}

const DEFAULT_AUTO = { target: 0.005, maxColumns: 400_000, timeLimit: 600 };

/** Columns of the coupling's support: mass above SUPPORT_MASS. */
function supportOf(pi: Float64Array): number[] {
  const keep: number[] = [];
  for (let j = 0; j < pi.length; j++) if (pi[j] > SUPPORT_MASS) keep.push(j);
  return keep;
}

type GridOptions = Pick<LpOptions, 'ipmTolerance' | 'timeLimit' | 'algorithm'>;

/**
 * The LP of n atoms per marginal solved by HiGHS; undefined when it stopped at the time limit. Column generation starts
 * from the support of `coarser` (the previous grid of the same bound) moved onto the new atoms.
 */
async function solveGrid(problem: Problem, side: BoundSide, choice: FormulationChoice, n: number, opts: GridOptions, coarser?: Solved): Promise<Solved | undefined> {
  const t0 = performance.now();
  const disc = discretize(problem.marginals, Array(problem.T).fill(n));
  const layout = makeLayout(choice.kind, disc.atoms);
  const lp = buildLp(layout, disc.atoms, problem.payoff.value, choice.map === 'antitone');
  const sense = side === 'upper' ? 'maximize' : 'minimize';
  const notes = [...disc.notes];
  const ipx = (timeLimit = opts.timeLimit) => runLp(lp, { sense, tolerance: opts.ipmTolerance, timeLimit });
  let run =
    (opts.algorithm ?? 'columns') === 'ipx'
      ? await ipx()
      : await runColumns(lp, { sense, timeLimit: opts.timeLimit }, coarser ? refineSupport(coarser.layout, supportOf(coarser.run.colValue), layout) : []);
  if (run.status === 'timeLimit' && opts.timeLimit !== undefined) return undefined;
  if (run.status !== 'optimal' && opts.algorithm !== 'ipx') {
    // column generation failed (a simplex error): the interior-point solve of every column is the fallback
    notes.push(`column generation stopped with status "${run.status}" on the ${n}-atom LP; solved by IPX instead`);
    const left = opts.timeLimit === undefined ? undefined : opts.timeLimit - (performance.now() - t0) / 1000;
    if (left !== undefined && left <= 0) return undefined;
    run = await ipx(left);
    if (run.status === 'timeLimit' && opts.timeLimit !== undefined) return undefined;
  }
  if (run.status !== 'optimal')
    throw new VmotError(`HiGHS stopped with status "${run.status}" on the ${n}-atom LP (${lp.numCols} columns)`, side === 'upper' ? 'bounds.upper' : 'bounds.lower');
  // HiGHS' row duals are the potentials of (2.9) for either sense: sum_r y_r b_r is the optimal value
  let value = 0;
  for (let r = 0; r < lp.numRows; r++) value += run.rowDual[r] * lp.rowLower[r];
  const grid = { atoms: n, value, columns: lp.numCols, seconds: (performance.now() - t0) / 1000 };
  return { lp, layout, atoms: disc.atoms, run, report: disc.report, notes, grid };
}

/** Columns of the n-atom LP (full form n^(dT), reduced n^(1 + d(T-1))). */
const columnsOf = (kind: FormulationKind, T: number, d: number, n: number) => n ** (kind === 'full' ? d * T : 1 + d * (T - 1));

/** The grids of "auto": 4 sqrt(2)^k rounded, strictly increasing. */
function autoGrids(): number[] {
  const out: number[] = [];
  for (let k = 0; k < 40; k++) {
    const n = Math.round(4 * Math.SQRT2 ** k);
    if (n > (out.at(-1) ?? 0)) out.push(n);
  }
  return out;
}

/**
 * One bound of the discretized VMOT problem (2.3) (or the reduced (4.3)) solved exactly as a linear program by HiGHS:
 * variance-matched atoms per marginal, one column per path of atoms; the row duals are the static and dynamic
 * potentials of the discrete dual (2.8)-(2.9). The discretization error is estimated from coarser grids and the
 * transport values of the atoms and of the continuous laws (discretizationError).
 */
export async function solveLp(problem: Problem, side: BoundSide, choice: FormulationChoice, opts: LpOptions = {}): Promise<LpSolution> {
  const t0 = performance.now();
  const { T, d } = problem;
  // only the finest LP is kept whole (coupling, potentials); coarser grids keep their values
  const grids: GridValue[] = [];
  const notes = new Set<string>();
  let fine: Solved | undefined;
  let stoppedBy: StopReason | undefined;
  const add = (s: Solved) => {
    grids.push(s.grid);
    s.notes.forEach((n) => notes.add(n));
    if (!fine || s.grid.atoms > fine.grid.atoms) fine = s;
  };
  const continuous = { comonotone: couplingValue(problem, 'comonotone'), antitone: couplingValue(problem, 'antitone') };
  const estimate = () => discretizationError(grids, { atoms: atomTransport(problem, fine!.atoms[T - 1]), continuous });
  if (opts.atoms === 'auto') {
    const { target, maxColumns, timeLimit } = { ...DEFAULT_AUTO, ...opts };
    for (const n of autoGrids()) {
      if (columnsOf(choice.kind, T, d, n) > maxColumns) {
        stoppedBy = 'columns';
        break;
      }
      const left = timeLimit - (performance.now() - t0) / 1000;
      const s = left > 0 ? await solveGrid(problem, side, choice, n, { ipmTolerance: opts.ipmTolerance, algorithm: opts.algorithm, timeLimit: left }, fine) : undefined;
      if (!s) {
        stoppedBy = 'time';
        break;
      }
      add(s);
      if (grids.length >= 3 && estimate().error <= target * Math.abs(s.grid.value)) {
        stoppedBy = 'target';
        break;
      }
    }
    if (!fine) throw new VmotError(`not even the ${autoGrids()[0]}-atom LP fits in ${maxColumns} columns and ${timeLimit} s`, 'atoms');
  } else {
    const n = opts.atoms ?? defaultAtoms(choice.kind, T, d, opts.columnBudget);
    if (!Number.isInteger(n) || n < 2) throw new VmotError(`must be an integer >= 2, got ${n}`, 'atoms');
    const coarser = opts.errorEstimate === false ? [] : [...new Set([Math.round(n / 2), Math.round(n / Math.SQRT2)])].filter((m) => m >= 2 && m < n);
    for (const m of [...coarser.sort((a, b) => a - b), n]) add((await solveGrid(problem, side, choice, m, { ipmTolerance: opts.ipmTolerance, algorithm: opts.algorithm }, fine))!);
  }
  const { lp, layout, run } = fine!;
  const y = run.rowDual;
  return {
    value: fine!.grid.value,
    primal: primalValue(lp, run.colValue),
    error: grids.length > 1 ? estimate() : undefined,
    grids,
    stoppedBy,
    atoms: fine!.atoms.map((row) => row.map((a) => a.x.length)),
    transport: atomTransport(problem, fine!.atoms[T - 1]),
    columns: lp.numCols,
    generated: run.generated,
    rows: lp.numRows,
    status: run.status,
    iterations: run.iterations,
    engine: run.solver,
    seconds: (performance.now() - t0) / 1000,
    memoryBytes: run.memoryBytes,
    hedgeViolation: hedgeViolation(lp, y, side),
    coupling: support(layout, fine!.atoms, run.colValue, choice.map === 'antitone'),
    potentials: potentials(lp, layout, fine!.atoms, y),
    discretization: fine!.report,
    notes: [...notes],
  };
}

/** Comonotone and antitone values of the last-date payoff on the atoms (exact: cut at every atom's cumulative weight). */
export function atomTransport(problem: Problem, last: Atoms[]): Transport {
  const quantiles = last.map(atomQuantile);
  const value = (kind: 'comonotone' | 'antitone') => {
    const cuts = last.flatMap((a, i) => Array.from(atomCuts(a), (c) => (kind === 'antitone' && i === 1 ? 1 - c : c)));
    return cellCouplingValue(problem, kind, cuts.sort((a, b) => a - b), (i, u) => quantiles[i](u));
  };
  return { comonotone: value('comonotone'), antitone: value('antitone') };
}

function primalValue(lp: LpData, pi: Float64Array): number {
  let s = 0;
  for (let j = 0; j < lp.numCols; j++) s += lp.colCost[j] * pi[j];
  return s;
}

/** max_j sign (c_j - sum_r A_rj y_r): positive where the potentials fail to super- (sub-) replicate c on the grid. */
function hedgeViolation(lp: LpData, y: Float64Array, side: BoundSide): number {
  const sign = side === 'upper' ? 1 : -1;
  let worst = -Infinity;
  for (let j = 0; j < lp.numCols; j++) {
    let hedge = 0;
    for (let k = lp.starts[j]; k < lp.starts[j + 1]; k++) hedge += lp.values[k] * y[lp.indices[k]];
    worst = Math.max(worst, sign * (lp.colCost[j] - hedge));
  }
  return worst;
}

function support(l: Layout, atoms: Atoms[][], pi: Float64Array, antitone: boolean): LpSolution['coupling'] {
  const keep = supportOf(pi);
  const w = l.T * l.d;
  const paths = new Float64Array(keep.length * w);
  const idx = new Int32Array(w);
  keep.forEach((j, k) => {
    decodePath(l, j, idx);
    pathPrices(l, atoms, idx, paths.subarray(k * w, (k + 1) * w), antitone);
  });
  return { paths, mass: Float64Array.from(keep, (j) => pi[j]) };
}

function potentials(lp: LpData, l: Layout, atoms: Atoms[][], y: Float64Array): LpPotentials {
  const statics = lp.rows.groups.map((g) => {
    const a = atoms[g.date][Math.max(0, g.asset)];
    const value = new Float64Array(a.x.length);
    value.set(y.subarray(g.offset, g.offset + g.rows));
    return { date: g.date, asset: g.asset, x: a.x, w: a.w, value };
  });
  const holdings: LpPotentials['holdings'] = [];
  lp.rows.martingaleOffset.forEach((offset, t) => {
    const P = lp.rows.prefixes[t];
    for (let i = 0; i < l.d; i++) {
      const value = new Float64Array(P);
      for (let p = 0; p + 1 < P; p++) value[p] = y[offset + p * l.d + i];
      holdings.push({ date: t, asset: i, value });
    }
  });
  return { statics, holdings };
}
