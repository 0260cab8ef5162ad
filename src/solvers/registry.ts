import { VmotError } from '../core/errors.js';
import type { Solver } from './solver.js';

/** A registered solver: its name and what it does, known without loading it, and how to load it. */
export interface SolverEntry {
  name: string;
  description: string;
  // each solver keeps its own details type
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load(): Promise<Solver<any>>;
}

/** Every solver behind the seam (the command line's --method), loaded on first use so bad input fails before the numerical stack loads. */
export const SOLVERS: readonly SolverEntry[] = [
  { name: 'neural', description: 'penalized neural dual (Eckstein-Kupper), which also gives the hedge', load: async () => (await import('./neural/index.js')).neuralSolver },
  { name: 'lp', description: 'discretized VMOT solved exactly as a linear program by HiGHS', load: async () => (await import('./lp/index.js')).lpSolver },
  { name: 'rmot', description: 'rough-volatility prior calibrated to the marginals by minimum relative entropy, and its relative-entropy interval (model-based)', load: async () => (await import('./rmot/index.js')).rmotSolver },
];

export const solverNames = (): string[] => SOLVERS.map((s) => s.name);

/** The solver called `name`; otherwise a VmotError naming `field` that lists the known ones. */
export async function loadSolver(name: string, field = 'solver'): Promise<Solver<unknown>> {
  const entry = SOLVERS.find((x) => x.name === name);
  if (!entry) throw new VmotError(`must be one of ${solverNames().join(', ')}, got "${name}"`, field);
  return entry.load();
}
