// Reproduces Table 2 of Hiew-Lim-Pass-Souza (2023): Gaussian marginals, cost sum_{i<j} w_i w_j Y_i Y_j, d = 2..5,
// full and reduced formulations, against the exact value of Proposition 4.1.
// Usage: npx tsx scripts/table2.ts [--d 2,3,4,5] [--formulations reduced,full] [--steps N] [--batch N] [--seed N] [--training JSON] [--json out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseProblem } from '../src/problem/problem.js';
import { neuralSolver } from '../src/solvers/neural/index.js';
import { gaussianQuadraticExact } from '../src/solvers/references.js';

interface Case {
  sig: number[];
  rho: number[];
  w: number[];
  exact: number;
}

const REFERENCE = new URL('../test/fixtures/reference/gaussian-table2.json', import.meta.url);

/** The Table-2 problem for dimension d as a problem file object. */
export function table2Problem(c: Case, formulation: string, training: Record<string, number>) {
  const d = c.sig.length;
  const matrix = c.w.map((wi, i) => c.w.map((wj, j) => (i < j ? wi * wj : 0)));
  return {
    name: `gaussian-d${d}-${formulation}`,
    marginals: [c.sig.map((s) => ({ dist: 'normal', mean: 0, sd: s })), c.rho.map((s) => ({ dist: 'normal', mean: 0, sd: s }))],
    payoff: { type: 'quadratic', date: 1, matrix },
    formulation,
    bounds: ['upper'],
    training,
  };
}

const program = new Command()
  .option('--d <list>', 'dimensions', '2,3,4,5')
  .option('--formulations <list>', 'formulations', 'reduced,full')
  .option('--steps <n>', 'training steps (default: the solver default)')
  .option('--batch <n>', 'batch size (default: the solver default)')
  .option('--seed <n>', 'seed', '7')
  .option('--training <json>', 'further training settings, e.g. \'{"gamma": 30000}\'', '{}')
  .option('--json <file>', 'also write the rows as JSON')
  .parse();
const o = program.opts();
const ref = JSON.parse(readFileSync(REFERENCE, 'utf8'));
const training: Record<string, number> = { ...JSON.parse(o.training), seed: Number(o.seed) };
if (o.steps) training.steps = Number(o.steps);
if (o.batch) training.batch = Number(o.batch);

const rows = [];
console.log('formulation  d   exact      ours       rel.err    error    covers   penalty   paper     seconds');
for (const form of String(o.formulations).split(',')) {
  for (const d of String(o.d).split(',')) {
    const c: Case = ref.cases[d];
    const problem = await parseProblem(table2Problem(c, form, training), '.');
    const exact = gaussianQuadraticExact(problem)!.upper!;
    if (Math.abs(exact / c.exact - 1) > 1e-8) throw new Error(`Proposition 4.1 gives ${exact}, the reference file ${c.exact}`);
    const r = await neuralSolver.solve(problem, 'upper', {});
    const rel = r.value / exact - 1;
    const paper = ref.paper_numerical[form][d][0];
    rows.push({ formulation: form, d: Number(d), exact, value: r.value, relErr: rel, tail: r.details.tail, error: r.error, covered: Math.abs(r.value - exact) <= r.error, penalty: r.details.penalty, paper, seconds: r.seconds, steps: r.steps, engine: r.engine });
    console.log(
      `${form.padEnd(11)} ${d}   ${exact.toFixed(5)}   ${r.value.toFixed(5)}   ${(100 * rel).toFixed(2).padStart(6)}%   ` +
        `${r.error.toFixed(5)}  ${Math.abs(r.value - exact) <= r.error ? 'yes' : 'NO '}      ${r.details.penalty.toFixed(5)}   ${paper.toFixed(4)}    ${r.seconds.toFixed(1)}`,
    );
  }
}
if (o.json) writeFileSync(o.json, JSON.stringify(rows, null, 2));
