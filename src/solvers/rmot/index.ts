import { z } from 'zod';
import { parseWith } from '../../core/schema.js';
import type { Problem } from '../../problem/problem.js';
import { runRmot, type RmotRun } from '../../rmot/run.js';
import type { Solver } from '../solver.js';

/** RMOT's diagnostics beside its bound: the calibration, the calibrated and prior prices, every interval and check. */
export type RmotDetails = RmotRun;

/** The interval's ends come from the problem file's `rmot` block; the solver takes no options of its own. */
const rmotOptions = z.strictObject({});

/** One calibration per problem: the upper and lower bound are the two ends of the same interval. */
const runs = new WeakMap<Problem, Promise<RmotRun>>();

/**
 * RMOT behind the solver seam (rmot design sections 1-3): the bound is the end U or L of the relative-entropy ball of
 * the default radius chi2_{1,0.95} / (2 ESS) around the prior calibrated to the marginals. A model-based price
 * interval, not a model-free bound: it lies inside the LP's bounds on the same atoms (checked). Error bar: the Monte
 * Carlo error of the calibrated price, sqrt(V / ESS); converged: the calibration reached its residual tolerance.
 */
export const rmotSolver: Solver<RmotDetails> = {
  name: 'rmot',
  inputs: (problem) => ({ prior: problem.source.spec.prior ?? null, rmot: problem.source.spec.rmot ?? null }),
  async solve(problem, side, ctx) {
    parseWith(rmotOptions, ctx.options ?? {}, '');
    let run = runs.get(problem);
    if (!run) runs.set(problem, (run = runRmot(problem)));
    const r = await run;
    const end = r.intervals.find((i) => i.source === 'default')![side];
    const calibration = r.checks.find((c) => c.name === 'calibration')!;
    return {
      solver: 'rmot',
      side,
      value: end.value,
      primal: r.calibrated,
      stderr: r.calibratedStderr,
      discretizationError: null,
      error: r.calibratedStderr,
      converged: calibration.ok,
      formulation: 'full',
      map: null,
      exact: false,
      reason: `RMOT ${r.mode} mode: the end of the relative-entropy ball of radius ${r.radius.toExponential(2)} around the calibrated prior (a model-based interval, not a model-free bound)`,
      warnings: [...r.warnings, ...r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`)],
      engine: `I-projection (Newton, ${r.mode} mode)`,
      steps: r.calibration.iterations + end.iterations,
      seconds: r.seconds,
      trace: [],
      details: r,
    };
  },
  summary(r) {
    const d = r.details;
    const f = (x: number) => x.toPrecision(6);
    return [
      `prior ${d.prior.label}: ${f(d.prior.price)} +- ${d.prior.stderr.toPrecision(2)}; calibrated ${f(d.calibrated)} +- ${d.calibratedStderr.toPrecision(2)} (${d.calibration.iterations} Newton steps, residual ${d.calibration.residual.toExponential(1)}, KL ${d.calibration.kl.toPrecision(3)}, ESS ${(100 * d.calibration.essShare).toFixed(1)}%)`,
      ...d.intervals.map((i) => `eta ${i.eta.toExponential(2)}${i.source === 'default' ? ' (default)' : ''}: [${f(i.lower.value)}, ${f(i.upper.value)}]${i.lower.edge || i.upper.edge ? ' reaches the LP bound' : ''}`),
      ...d.checks.map((c) => `check ${c.name}: ${c.ok ? 'ok' : 'FAILED'}: ${c.message}`),
    ];
  },
};
