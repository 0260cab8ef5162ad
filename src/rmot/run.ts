import { VmotError } from '../core/errors.js';
import type { Problem } from '../problem/problem.js';
import { calibrate, type RmotOptions, type RmotResult } from './calibrate.js';
import { resolveCorrelation, type ResolvedCorrelation } from './impliedPrior.js';
import { buildPrior } from './prior.js';

/** Grid mode's column budget for atoms "auto", and the most columns an explicit atom count may ask for. */
export const AUTO_COLUMNS = 200_000;
export const MAX_COLUMNS = 2_000_000;

/** Atoms per marginal of grid mode: the most with n^(T d) <= AUTO_COLUMNS for "auto"; refused when the grid is too large. */
export function gridAtoms(atoms: number | 'auto', T: number, d: number): number {
  const k = T * d;
  const n = atoms === 'auto' ? Math.floor(AUTO_COLUMNS ** (1 / k) + 1e-9) : atoms;
  if (n < 3) throw new VmotError(`the grid of ${k} marginals has more than ${AUTO_COLUMNS} columns even at 3 atoms (3^${k}): use rmot.mode "paths"`, 'rmot.atoms');
  if (n ** k > MAX_COLUMNS) throw new VmotError(`${n} atoms per marginal give ${n}^${k} = ${(n ** k).toExponential(2)} columns, more than ${MAX_COLUMNS}: use fewer atoms or rmot.mode "paths"`, 'rmot.atoms');
  return n;
}

/**
 * The RMOT front door (rmot design sections 1-3): simulates the problem's prior, calibrates it to the marginals in the
 * mode of the problem's `rmot` block and returns the calibrated price, the interval per radius and the checks.
 */
export interface RmotRun extends RmotResult {
  /** The prior's correlation as used, and its estimate when implied by quotes. */
  correlation: { matrix: number[][]; corners: number[][][] | null; estimate: NonNullable<ResolvedCorrelation['estimate']> | null };
}

export async function runRmot(problem: Problem, onProgress?: RmotOptions['onProgress']): Promise<RmotRun> {
  if (!problem.prior) throw new VmotError('is required for RMOT: a "prior" block with model "gaussian" or "rough-heston" (README, RMOT)', 'prior');
  const { mode, eta, strikes, bins } = problem.rmot;
  const atoms = mode === 'grid' ? gridAtoms(problem.rmot.atoms, problem.T, problem.d) : 0;
  const spec = problem.prior;
  onProgress?.(0, 1, `simulating the prior (${spec.paths} paths)`);
  const correlation = resolveCorrelation(spec, problem.marginals);
  const prior = await buildPrior(spec, problem.marginals, correlation.matrix);
  // the same seed at every corner: the radius measures the correlation, not the Monte Carlo noise
  const corners = [];
  for (const m of correlation.corners ?? []) corners.push(await buildPrior(spec, problem.marginals, m));
  const result = await calibrate(problem.marginals, problem.payoff.value, prior, { mode, atoms, eta, strikes, bins, corners, onProgress });
  return { ...result, correlation: { matrix: correlation.matrix, corners: correlation.corners ?? null, estimate: correlation.estimate ?? null } };
}
