import { availableParallelism, cpus } from 'node:os';
import { vmotVersion } from '../core/package.js';
import type { Problem } from '../problem/problem.js';

/** How a result was made: enough for a validator to reproduce it or to tell two results apart. */
export interface Provenance {
  vmot: string;
  solver: string;
  /** Start of the solve (ISO 8601, UTC). */
  started: string;
  /** SHA-256 of the validated problem and of its data files, and the data files read. */
  input: { problem: string; fingerprint: string; files: { file: string; sha256: string }[] };
  seed: number;
  /** The options as resolved: the problem's training settings (defaults filled in) and the solver's options. */
  options: { training: Problem['training']; solver: Record<string, unknown> };
  machine: { cores: number; cpu: string; node: string; platform: string; arch: string };
}

export function provenance(problem: Problem, solver: string, options: Record<string, unknown>, started: Date): Provenance {
  return {
    vmot: vmotVersion(),
    solver,
    started: started.toISOString(),
    input: { problem: problem.name, fingerprint: problem.fingerprint, files: problem.inputs },
    seed: problem.training.seed,
    options: { training: problem.training, solver: options },
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, arch: process.arch },
  };
}
