import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { solveBound, type BoundResult, type Progress, type SolveOptions } from './models/bounds.js';
import { decodeNets, encodeNets, writeJsonAtomic } from './models/checkpoint.js';
import { references, type References } from './models/references.js';
import { tfBackend } from './models/tfjs-backend.js';
import type { BoundSide, Problem } from './problem.js';

export interface SolveReport {
  name: string;
  upper?: BoundResult;
  lower?: BoundResult;
  /** "reduced", "full", or per side when they differ. */
  formulation: string;
  warnings: string[];
  /** Closed-form and coupling reference values (Proposition 4.1, transport couplings, independent coupling). */
  references: References;
  backend: string;
  seconds: number;
}

export interface SolveProblemOptions {
  /** Results and checkpoints: a rerun reuses finished bounds and resumes an interrupted one. */
  outDir?: string;
  onProgress?: (p: Progress) => void;
  stop?: SolveOptions['stop'];
}

/** Solves every requested bound of a problem, keeping finished work in outDir. */
export async function solveProblem(problem: Problem, opts: SolveProblemOptions = {}): Promise<SolveReport> {
  const t0 = performance.now();
  const backend = await tfBackend();
  const report: SolveReport = { name: problem.name, formulation: '', warnings: [], references: references(problem), backend, seconds: 0 };
  for (const side of problem.bounds) {
    const file = opts.outDir ? join(opts.outDir, `result-${side}.json`) : undefined;
    let r = file ? finished(file, problem.fingerprint) : undefined;
    if (!r) {
      r = await solveBound(problem, side, { checkpointDir: opts.outDir, onProgress: opts.onProgress, stop: opts.stop });
      if (file) writeJsonAtomic(file, { fingerprint: problem.fingerprint, result: { ...r, networks: { ...r.networks, weights: encodeNets(r.networks.weights) } } });
    }
    report[side] = r;
    if (r.warning) report.warnings.push(r.warning);
  }
  const kinds = problem.bounds.map((s: BoundSide) => report[s]!.formulation);
  report.formulation = kinds.every((k) => k === kinds[0]) ? kinds[0] : problem.bounds.map((s, i) => `${kinds[i]} (${s})`).join(', ');
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

function finished(file: string, fingerprint: string): BoundResult | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    if (saved.fingerprint !== fingerprint) return undefined;
    return { ...saved.result, networks: { ...saved.result.networks, weights: decodeNets(saved.result.networks.weights) } };
  } catch {
    return undefined;
  }
}
