import type { BoundSide, FirstDateMap, FormulationKind } from '../problem/formulation.js';
import type { Provenance } from './provenance.js';
import type { References, Transport } from './references.js';

/** One check of a bound against what always holds (src/solvers/checks.ts); a failed one marks the bound unreliable. */
export interface Check {
  name: 'converged' | 'transport' | 'sign' | 'settled' | 'gap';
  ok: boolean;
  message: string;
  /** Passed, but only thanks to the error bar, or with an error bar too wide to say anything: worth a warning. */
  warning?: string;
}

/**
 * One bound of the price interval as every solver reports it (the solver seam's result): the same top-level fields
 * for all solvers, so text, JSON, plots and comparisons are written once; what only one solver has sits in `details`.
 */
export interface BoundResult<D = unknown> {
  /** Registry name of the solver ("neural", "lp", ...). */
  solver: string;
  side: BoundSide;
  /** The bound: cost of the super- (upper) or sub- (lower) hedge of the dual (2.8)-(2.9) that the solver found. */
  value: number;
  /** Primal value E_pi[c] of the coupling the solver found, null when the solver has none worth reporting (the neural dual: see its details). */
  primal: number | null;
  /** Monte Carlo standard error of `primal` (0 for a solver without sampling). */
  stderr: number;
  /** Error of the discretization of the marginals, null for a solver on the continuous laws. */
  discretizationError: number | null;
  /** The solver's own error bar for `value` (each solver documents how it is made). */
  error: number;
  /** Whether the solver considers its run converged (each solver documents the test). */
  converged: boolean;
  formulation: FormulationKind;
  map: FirstDateMap | null;
  /** True when the solved problem is the VMOT problem (2.3) itself (false for a forced reduced form: the hybrid problem (4.1)). */
  exact: boolean;
  /** Why this formulation. */
  reason: string;
  warnings: string[];
  /** What ran: the training engine, or the LP algorithm. */
  engine: string;
  /** Training steps or solver iterations. */
  steps: number;
  seconds: number;
  /** The value along the run, for convergence plots (empty when the solver has none). */
  trace: { step: number; value: number }[];
  /** The window of the trace the solver averaged over to make its result (from < step <= to), absent when it did not. */
  averaged?: { from: number; to: number };
  /**
   * Transport bounds of the discrete laws the solver solved exactly on (the LP's atoms), when it did: the value is held
   * to these to solver tolerance. Absent: the value is held to the continuous laws' bounds (References) within `error`.
   */
  transport?: Transport;
  /** Checks against what always holds (src/solvers/checks.ts), set by solveAll. */
  checks?: Check[];
  /** False when a check failed: the value must not be used as a bound. */
  reliable?: boolean;
  details: D;
}

/** Every requested bound of one problem by one solver, with the problem's reference values. */
export interface SolveReport<D = unknown> {
  /** Problem name. */
  name: string;
  solver: string;
  upper?: BoundResult<D>;
  lower?: BoundResult<D>;
  /** "reduced", "full", or per side when they differ. */
  formulation: string;
  warnings: string[];
  /** Closed-form and coupling reference values (Proposition 4.1, transport couplings, independent coupling). */
  references: References;
  seconds: number;
  /** vmot version, solver, options, seed, input fingerprint, start time, machine. */
  provenance: Provenance;
}
