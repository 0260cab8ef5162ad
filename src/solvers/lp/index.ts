import { z } from 'zod';
import { parseWith } from '../../core/schema.js';
import { atomCuts, atomQuantile, type Atoms } from '../../lp/discretize.js';
import { solveLp, type LpPotentials, type LpSolution } from '../../lp/solve.js';
import type { Problem } from '../../problem/problem.js';
import { chooseFormulation } from '../formulation.js';
import { cellCouplingValue, type Transport } from '../references.js';
import type { Solver } from '../solver.js';

/** What only the LP has: its size, the solver status, the hedge check on the grid, the coupling and the potentials. */
export type LpDetails = Pick<LpSolution, 'atoms' | 'columns' | 'rows' | 'status' | 'memoryBytes' | 'hedgeViolation' | 'discretization' | 'coupling' | 'potentials'> & {
  /** Total mass of the reported support of the optimal coupling (1 up to the left-out entries below 1e-9). */
  mass: number;
};

const positiveInt = z.number().int().min(2, 'must be an integer >= 2');
const lpOptions = z.strictObject({
  /** Atoms per asset and date; default: the most that keeps the LP within columnBudget columns. */
  atoms: positiveInt.optional(),
  columnBudget: positiveInt.optional(),
  /** Also solve with half the atoms and report the change as the discretization error (default true). */
  errorEstimate: z.boolean().optional(),
  /** Interior-point optimality tolerance. */
  tolerance: z.number().positive().optional(),
});

/** Comonotone and antitone values of the last-date payoff on the atoms (exact: cut at every atom's cumulative weight). */
function atomTransport(problem: Problem, last: Atoms[]): Transport {
  const quantiles = last.map(atomQuantile);
  const value = (kind: 'comonotone' | 'antitone') => {
    const cuts = last.flatMap((a, i) => Array.from(atomCuts(a), (c) => (kind === 'antitone' && i === 1 ? 1 - c : c)));
    return cellCouplingValue(problem, kind, cuts.sort((a, b) => a - b), (i, u) => quantiles[i](u));
  };
  return { comonotone: value('comonotone'), antitone: value('antitone') };
}

const arr = (a: Float64Array) => Array.from(a);

/**
 * The discretized VMOT problem solved exactly as a linear program by HiGHS (src/lp): the cross-check of the neural
 * dual. Error bar: the discretization error |V(N) - V(N/2)|; converged: HiGHS reports optimal. The value is exact on
 * its atoms, so it is held to the transport bounds of its own last-date atoms.
 */
export const lpSolver: Solver<LpDetails> = {
  name: 'lp',
  async solve(problem, side, ctx) {
    const opts = parseWith(lpOptions, ctx.options ?? {}, '');
    const choice = chooseFormulation(problem.formulation, side, problem.payoff, problem.marginals, problem.training.seed);
    const s = await solveLp(problem, side, choice, opts);
    return {
      solver: 'lp',
      side,
      value: s.value,
      primal: s.primal,
      // the LP is solved exactly on its grid: no sampling error; the discretization error is reported apart
      stderr: 0,
      discretizationError: s.discretizationError ?? null,
      error: s.discretizationError ?? 0,
      converged: s.status === 'optimal',
      formulation: choice.kind,
      map: choice.map ?? null,
      exact: choice.exact,
      reason: choice.reason,
      warnings: [...(choice.warning ? [choice.warning] : []), ...s.notes],
      engine: s.engine,
      steps: s.iterations,
      seconds: s.seconds,
      trace: [],
      transport: atomTransport(problem, s.lastAtoms),
      details: {
        atoms: s.atoms,
        columns: s.columns,
        rows: s.rows,
        status: s.status,
        memoryBytes: s.memoryBytes,
        hedgeViolation: s.hedgeViolation,
        discretization: s.discretization,
        coupling: s.coupling,
        potentials: s.potentials,
        mass: s.coupling.mass.reduce((a, v) => a + v, 0),
      },
    };
  },
  summary(r) {
    const d = r.details;
    const meanGap = Math.max(...d.discretization.map((a) => Math.abs(a.mean - a.meanContinuous) / Math.sqrt(a.varianceContinuous)));
    const lines = [
      `${d.atoms.map((row) => row.join('x')).join(' | ')} atoms, ${d.columns} columns, ${d.rows} rows; largest violation of (2.9) on the grid ${d.hedgeViolation.toExponential(1)}`,
      `atoms vs continuous laws: mean gap <= ${meanGap.toPrecision(2)} sd; variance shortfall ${d.discretization.map((a) => `${(100 * a.varianceShortfall).toFixed(2)}%`).join(' ')} (date-major)`,
    ];
    const t = r.transport;
    if (t?.comonotone !== undefined) lines.push(`transport bounds on the LP's last-date atoms: comonotone ${t.comonotone.toPrecision(6)}${t.antitone === undefined ? '' : `, antitone ${t.antitone.toPrecision(6)}`}`);
    return lines;
  },
  detailsJson: ({ coupling: _coupling, potentials: _potentials, ...rest }) => rest,
  store: {
    encode: (d) => ({
      ...d,
      coupling: { note: 'paths[k][t * d + i]: asset i at date t on path k', paths: chunks(d.coupling.paths, d.coupling.paths.length / Math.max(1, d.coupling.mass.length)), mass: arr(d.coupling.mass) },
      potentials: {
        statics: d.potentials.statics.map((s) => ({ date: s.date, asset: s.asset, x: arr(s.x), w: arr(s.w), value: arr(s.value) })),
        holdings: d.potentials.holdings.map((h) => ({ date: h.date, asset: h.asset, value: arr(h.value) })),
      },
    }),
    decode: (raw) => {
      const d = raw as Omit<LpDetails, 'coupling' | 'potentials'> & {
        coupling: { paths: number[][]; mass: number[] };
        potentials: { statics: { date: number; asset: number; x: number[]; w: number[]; value: number[] }[]; holdings: { date: number; asset: number; value: number[] }[] };
      };
      const f = (a: number[]) => Float64Array.from(a);
      const potentials: LpPotentials = {
        statics: d.potentials.statics.map((s) => ({ ...s, x: f(s.x), w: f(s.w), value: f(s.value) })),
        holdings: d.potentials.holdings.map((h) => ({ ...h, value: f(h.value) })),
      };
      return { ...d, coupling: { paths: f(d.coupling.paths.flat()), mass: f(d.coupling.mass) }, potentials };
    },
  },
};

function chunks(a: Float64Array, w: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k + w <= a.length && w > 0; k += w) out.push(Array.from(a.subarray(k, k + w)));
  return out;
}
