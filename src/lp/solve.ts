import { VmotError } from '../core/errors.js';
import type { BoundSide, FormulationChoice, FormulationKind } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { discretize, type AtomReport, type Atoms } from './discretize.js';
import { runLp } from './run.js';
import { decodePath, makeLayout, pathPrices, type Layout } from './layout.js';
import { buildLp, type LpData } from './model.js';

export interface LpOptions {
  /** Atoms per asset and date; default: the most that keeps the LP within `columnBudget` columns. */
  atoms?: number;
  columnBudget?: number;
  /** Also solve with half the atoms and report the change as the discretization error (default true). */
  errorEstimate?: boolean;
  /** Interior-point optimality tolerance. */
  tolerance?: number;
}

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
  /** |value(atoms) - value(atoms / 2)|: estimate of the error of the discretization (undefined if not estimated). */
  discretizationError?: number;
  atoms: number[][];
  /** The atoms of the last date (for the transport bounds of the discrete problem). */
  lastAtoms: Atoms[];
  columns: number;
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
}

async function solveGrid(problem: Problem, side: BoundSide, choice: FormulationChoice, n: number, tolerance?: number): Promise<Solved> {
  const disc = discretize(problem.marginals, Array(problem.T).fill(n));
  const layout = makeLayout(choice.kind, disc.atoms);
  const lp = buildLp(layout, disc.atoms, problem.payoff.value, choice.map === 'antitone');
  const run = await runLp(lp, { sense: side === 'upper' ? 'maximize' : 'minimize', tolerance });
  if (run.status !== 'optimal')
    throw new VmotError(`HiGHS stopped with status "${run.status}" on the ${n}-atom LP (${lp.numCols} columns)`, side === 'upper' ? 'bounds.upper' : 'bounds.lower');
  return { lp, layout, atoms: disc.atoms, run, report: disc.report, notes: disc.notes };
}

/**
 * One bound of the discretized VMOT problem (2.3) (or the reduced (4.3)) solved exactly as a linear program by HiGHS:
 * U-quantized atoms per marginal, one column per path of atoms; the row duals are the static and dynamic potentials
 * of the discrete dual (2.8)-(2.9).
 */
export async function solveLp(problem: Problem, side: BoundSide, choice: FormulationChoice, opts: LpOptions = {}): Promise<LpSolution> {
  const t0 = performance.now();
  const n = opts.atoms ?? defaultAtoms(choice.kind, problem.T, problem.d, opts.columnBudget);
  if (!Number.isInteger(n) || n < 2) throw new VmotError(`must be an integer >= 2, got ${n}`, 'atoms');
  const fine = await solveGrid(problem, side, choice, n, opts.tolerance);
  const { lp, layout, run } = fine;
  // HiGHS' row duals are the potentials of (2.9) for either sense: sum_r y_r b_r is the optimal value
  const y = run.rowDual;
  let value = 0;
  for (let r = 0; r < lp.numRows; r++) value += y[r] * lp.rowLower[r];
  const coarseN = Math.floor(n / 2);
  const coarse = opts.errorEstimate !== false && coarseN >= 2 ? await solveGrid(problem, side, choice, coarseN, opts.tolerance) : undefined;
  return {
    value,
    primal: primalValue(lp, run.colValue),
    discretizationError: coarse && Math.abs(run.objective - coarse.run.objective),
    atoms: fine.atoms.map((row) => row.map((a) => a.x.length)),
    lastAtoms: fine.atoms[problem.T - 1],
    columns: lp.numCols,
    rows: lp.numRows,
    status: run.status,
    iterations: run.iterations,
    engine: run.solver,
    seconds: (performance.now() - t0) / 1000,
    memoryBytes: run.memoryBytes,
    hedgeViolation: hedgeViolation(lp, y, side),
    coupling: support(layout, fine.atoms, run.colValue, choice.map === 'antitone'),
    potentials: potentials(lp, layout, fine.atoms, y),
    discretization: fine.report,
    notes: fine.notes,
  };
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
  const keep: number[] = [];
  for (let j = 0; j < pi.length; j++) if (pi[j] > SUPPORT_MASS) keep.push(j);
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
