import { z } from 'zod';
import { parseWith } from '../../core/schema.js';
import { LP_ALGORITHMS } from '../../lp/algorithms.js';
import { solveLp, type LpPotentials, type LpSolution } from '../../lp/solve.js';
import { chooseFormulation } from '../formulation.js';
import type { Solver } from '../solver.js';

/** What only the LP has: its size, the solver status, the grids and parts of the error, the hedge check, the coupling and potentials. */
export type LpDetails = Pick<
  LpSolution,
  'atoms' | 'columns' | 'generated' | 'rows' | 'status' | 'memoryBytes' | 'hedgeViolation' | 'discretization' | 'grids' | 'coupling' | 'potentials'
> & {
  /** The parts of the discretization error (src/lp/error.ts), null with a single grid. */
  errorParts: { spread: number; richardson: { limit: number; order: number; error: number } | null; transport: number | null } | null;
  /** atoms "auto": what stopped the refinement (target error, column budget or time limit). */
  stoppedBy: LpSolution['stoppedBy'] | null;
  /** Total mass of the reported support of the optimal coupling (1 up to the left-out entries below 1e-9). */
  mass: number;
};

const positive = z.number().positive();
const lpOptions = z.strictObject({
  atoms: z.union([z.number().int().min(2, 'must be an integer >= 2'), z.literal('auto')], { error: 'must be an integer >= 2 or "auto"' }).optional(),
  columnBudget: z.number().int().min(2).optional(),
  errorEstimate: z.boolean().optional(),
  target: positive.optional(),
  maxColumns: z.number().int().min(2).optional(),
  timeLimit: positive.optional(),
  ipmTolerance: positive.optional(),
  algorithm: z.enum(LP_ALGORITHMS).optional(),
});

const arr = (a: Float64Array) => Array.from(a);

const STOPS = { target: 'the target error', columns: 'the column budget', time: 'the time limit' } as const;

/**
 * The discretized VMOT problem solved exactly as a linear program by HiGHS (src/lp): the cross-check of the neural
 * dual. Error bar: the discretization error estimated from coarser grids (src/lp/error.ts); converged: HiGHS reports
 * optimal. The value is exact on its atoms, so it is held to the transport bounds of its own last-date atoms.
 */
export const lpSolver: Solver<LpDetails> = {
  name: 'lp',
  duality: true,
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
      discretizationError: s.error?.error ?? null,
      error: s.error?.error ?? 0,
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
      transport: s.transport,
      details: {
        atoms: s.atoms,
        columns: s.columns,
        generated: s.generated,
        rows: s.rows,
        status: s.status,
        memoryBytes: s.memoryBytes,
        hedgeViolation: s.hedgeViolation,
        discretization: s.discretization,
        grids: s.grids,
        errorParts: s.error ? { spread: s.error.spread, richardson: s.error.richardson, transport: s.error.transport } : null,
        stoppedBy: s.stoppedBy ?? null,
        coupling: s.coupling,
        potentials: s.potentials,
        mass: s.coupling.mass.reduce((a, v) => a + v, 0),
      },
    };
  },
  summary(r) {
    const d = r.details;
    const g = (x: number) => x.toPrecision(2);
    const lines = [
      `${d.atoms.map((row) => row.join('x')).join(' | ')} atoms, ${d.columns} columns${d.generated < d.columns ? ` (${d.generated} generated)` : ''}, ${d.rows} rows; largest violation of (2.9) on the grid ${d.hedgeViolation.toExponential(1)}`,
      `grids (atoms: value): ${d.grids.map((x) => `${x.atoms}: ${x.value.toPrecision(7)}`).join(', ')}${d.stoppedBy ? `; refinement stopped by ${STOPS[d.stoppedBy]}` : ''}`,
    ];
    const e = d.errorParts;
    if (e)
      lines.push(
        `discretization error = max(spread over the coarser grids ${g(e.spread)}, distance to the Richardson limit ${e.richardson ? `${g(e.richardson.error)} (order ${e.richardson.order.toFixed(2)})` : '- (not monotone)'}, ` +
          `distance to the continuous transport value ${e.transport === null ? '- (constraints bind)' : g(e.transport)})`,
      );
    const t = r.transport;
    if (t?.comonotone !== undefined) lines.push(`transport bounds on the LP's last-date atoms: comonotone ${t.comonotone.toPrecision(6)}${t.antitone === undefined ? '' : `, antitone ${t.antitone.toPrecision(6)}`}`);
    return lines;
  },
  coupling: (d) => d.coupling,
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
