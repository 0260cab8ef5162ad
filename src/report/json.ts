import type { BoundResult, SolveReport } from '../solvers/result.js';
import type { Solver } from '../solvers/solver.js';

/** One bound in a summary: the shared fields, then the solver's details (the trace stays in the per-bound result file). */
export function boundJson<D>(b: BoundResult<D>, solver: Solver<D>) {
  const { details, trace: _trace, ...shared } = b;
  return { ...shared, details: solver.detailsJson ? solver.detailsJson(details) : details };
}

/** The JSON of `vmot bounds --json` and of <solver>-result.json, the same for every solver. */
export function reportJson<D>(r: SolveReport<D>, solver: Solver<D>) {
  return {
    name: r.name,
    solver: r.solver,
    upper: r.upper && boundJson(r.upper, solver),
    lower: r.lower && boundJson(r.lower, solver),
    formulation: r.formulation,
    warnings: r.warnings,
    references: r.references,
    seconds: r.seconds,
    provenance: r.provenance,
  };
}
