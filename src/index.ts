// Public API of vmot: problem files, marginals, payoffs, neural and closed-form bounds.
export { VmotError, Interrupted } from './errors.js';
export { buildProblem, loadProblem, type Problem, type BoundSide, type Formulation } from './problem.js';
export type { Marginal } from './marginals/types.js';
export { normalMarginal, lognormalMarginal, uniformMarginal } from './marginals/parametric.js';
export { empiricalMarginal } from './marginals/empirical.js';
export { checkConvexOrder } from './marginals/convexOrder.js';
export { buildPayoff, type Payoff } from './models/payoffs.js';
export { chooseFormulation } from './models/choose.js';
export { solveBound, type BoundResult } from './models/bounds.js';
export { references, gaussianQuadraticExact, couplingValue, independentValue } from './models/references.js';
export { solveProblem, type SolveReport } from './solve.js';
