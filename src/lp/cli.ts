import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { writeJsonAtomic } from '../models/checkpoint.js';
import type { Problem } from '../problem.js';
import { compareReports, comparisonText, type NeuralSide } from './compare.js';
import { lpSummaryJson, lpSummaryText, solveLp, writeLpSolutions } from './report.js';

export type Method = 'neural' | 'lp' | 'both';

const METHODS: Method[] = ['neural', 'lp', 'both'];

export const methodArg = (v: string): Method => {
  if (!METHODS.includes(v as Method)) throw new InvalidArgumentError(`--method must be one of ${METHODS.join(', ')}, got "${v}"`);
  return v as Method;
};

export interface LpCliOptions {
  json?: boolean;
  atoms?: number;
}

/** `vmot bounds --method lp`: solves, writes outDir/lp-result.json and the couplings/potentials, returns what to print. */
export async function lpOutput(problem: Problem, outDir: string, o: LpCliOptions): Promise<string> {
  const report = await solveLp(problem, { atoms: o.atoms });
  const summary = lpSummaryJson(report);
  writeJsonAtomic(join(outDir, 'lp-result.json'), summary);
  const files = writeLpSolutions(outDir, report);
  return o.json ? `${JSON.stringify(summary)}\n` : lpSummaryText(report, files);
}

/** `vmot bounds --method both`: the neural summary and the LP side by side with their gap (outDir/comparison.json). */
export async function bothOutput(
  problem: Problem,
  neural: { upper?: NeuralSide; lower?: NeuralSide },
  outDir: string,
  o: LpCliOptions,
): Promise<string> {
  const report = await solveLp(problem, { atoms: o.atoms });
  const lp = lpSummaryJson(report);
  const comparison = compareReports(neural, report);
  const out = { name: problem.name, neural, lp, comparison };
  writeJsonAtomic(join(outDir, 'comparison.json'), out);
  writeLpSolutions(outDir, report);
  return o.json ? `${JSON.stringify(out)}\n` : comparisonText(problem.name, comparison, report.references);
}
