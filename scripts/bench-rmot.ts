/**
 * RMOT grid-mode calibration (rmot design section 2) on the Table-2 Gaussian problems d = 2 and d = 3 (two dates,
 * cost sum_{i<j} w_i w_j y_i y_j) with a Gaussian martingale prior: Newton with the prefix elimination (the martingale
 * rows of each first-date state eliminated by their d x d blocks) against a plain dense Newton on the same dual (the
 * whole Hessian A diag(pi) A^T factored). Prints iterations, residual and seconds of each, and the machine load.
 *
 *   npx tsx scripts/bench-rmot.ts [--atoms2 21] [--atoms3 7] [--paths 200000]
 */
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.js';
import { normalMarginal } from '../src/marginals/parametric.js';
import { buildPayoff } from '../src/problem/payoffs/registry.js';
import { binnedPrior, binPaths, makeGrid } from '../src/rmot/grid.js';
import { iProjection } from '../src/rmot/iprojection.js';
import { gaussianPrior } from '../src/rmot/prior.js';
import table2 from '../test/fixtures/reference/gaussian-table2.json' with { type: 'json' };

const { values } = parseArgs({ options: { atoms2: { type: 'string', default: '21' }, atoms3: { type: 'string', default: '7' }, paths: { type: 'string', default: '200000' } } });

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${'d'.padStart(2)} ${'atoms'.padStart(5)} ${'columns'.padStart(8)} ${'rows'.padStart(6)}  ${'method'.padEnd(22)} ${'Newton'.padStart(6)} ${'residual'.padStart(9)} ${'seconds'.padStart(8)}  calibrated price`);
for (const [d, atoms] of [
  [2, Number(values.atoms2)],
  [3, Number(values.atoms3)],
] as const) {
  const c = table2.cases[String(d) as '2' | '3'];
  const marginals = [c.sig.map((s: number) => normalMarginal(0, s)), c.rho.map((s: number) => normalMarginal(0, s))];
  const matrix = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j > i ? c.w[i] * c.w[j] : 0)));
  const payoff = buildPayoff({ type: 'quadratic', date: 1, matrix }, { T: 2, d });
  const correlation = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0.5)));
  const prior = gaussianPrior(marginals, correlation, Number(values.paths), new Rng(1));
  const grid = makeGrid(marginals, payoff.value, atoms);
  const logP0 = binnedPrior(grid, binPaths(marginals, grid, prior)).map(Math.log);
  for (const [method, groups] of [
    ['prefix elimination', grid.groups],
    ['dense Newton', []],
  ] as const) {
    const t0 = performance.now();
    const r = iProjection(grid.constraints, logP0, { groups: [...groups] });
    const seconds = (performance.now() - t0) / 1000;
    const price = r.pi.reduce((s, p, j) => s + p * grid.lp.colCost[j], 0);
    console.log(
      `${String(d).padStart(2)} ${String(atoms).padStart(5)} ${String(grid.constraints.numCols).padStart(8)} ${String(grid.constraints.numRows).padStart(6)}  ${method.padEnd(22)} ${String(r.iterations).padStart(6)} ${r.residual.toExponential(1).padStart(9)} ${seconds.toFixed(2).padStart(8)}  ${price.toFixed(6)}`,
    );
  }
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
