// Public API of vmot: problem files, marginals, payoffs, the solvers behind one seam, reference values.
export { VmotError, Interrupted } from './core/errors.js';
export type { Progress, StopFlag } from './core/progress.js';
export { buildProblem, loadProblem, type Problem } from './problem/problem.js';
export type { BoundSide, Formulation, FormulationKind, FirstDateMap } from './problem/formulation.js';
export type { Marginal } from './marginals/types.js';
export { normalMarginal, lognormalMarginal, uniformMarginal } from './marginals/parametric.js';
export { empiricalMarginal } from './marginals/empirical.js';
export { checkConvexOrder } from './marginals/convexOrder.js';
export { buildPayoff } from './problem/payoffs/registry.js';
export type { Payoff } from './problem/payoffs/types.js';
export { chooseFormulation } from './solvers/formulation.js';
export type { BoundResult, SolveReport } from './solvers/result.js';
export type { Solver, SolveContext } from './solvers/solver.js';
export { SOLVERS, loadSolver } from './solvers/registry.js';
export { solveAll } from './solvers/solve.js';
export { references, gaussianQuadraticExact, independentValue } from './solvers/references.js';
export { couplingValue } from './problem/couplings.js';
