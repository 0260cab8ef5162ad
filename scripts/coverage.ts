// Coverage of the neural dual's reported error (src/solvers/neural/index.ts) on oracle cases: Table 2 of HLPS23
// (Proposition 4.1), Gaussian T = 3 and T = 4 (its T-date form), and two examples checked against the LP.
// A row is covered when |value - reference| <= error (+ the reference's own error for the LP). Prints the table,
// each bound's verdict (src/solvers/checks.ts), the coverage and the machine load. Usage: npx tsx scripts/coverage.ts [--cases table2-d2-reduced,gaussian-T3,...]
// [--json out.json]; `--list` names the cases.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { parseProblem, type Problem } from '../src/problem/problem.js';
import { lpSolver } from '../src/solvers/lp/index.js';
import { neuralSolver } from '../src/solvers/neural/index.js';
import { checkBound } from '../src/solvers/checks.js';
import { gaussianQuadraticExact, references } from '../src/solvers/references.js';

interface Table2Case {
  sig: number[];
  rho: number[];
  w: number[];
}
type Side = 'upper' | 'lower';
interface Case {
  name: string;
  sides: Side[];
  problem: () => Promise<Problem>;
  /** The reference value of a side and its own error: Proposition 4.1 (error 0) or the LP. */
  reference: 'exact' | 'lp';
}

const table2 = JSON.parse(readFileSync(new URL('../test/fixtures/reference/gaussian-table2.json', import.meta.url), 'utf8')) as { cases: Record<string, Table2Case> };
const normal = (sd: number) => ({ dist: 'normal', mean: 0, sd });

/** Table 2 for dimension d: cost sum_{i<j} w_i w_j Y_i Y_j at the second date. */
const table2Case = (d: number, formulation: 'reduced' | 'full'): Case => {
  const c = table2.cases[String(d)];
  const matrix = c.w.map((wi, i) => c.w.map((wj, j) => (i < j ? wi * wj : 0)));
  const spec = { name: `table2-d${d}-${formulation}`, marginals: [c.sig.map(normal), c.rho.map(normal)], payoff: { type: 'quadratic', date: 1, matrix }, formulation, training: { seed: 7 } };
  return { name: spec.name, sides: ['upper'], problem: () => parseProblem(spec, '.'), reference: 'exact' };
};

/** Gaussian d = 2 over T dates (the issue's sds (1, 1.2) -> (1.5, 1.6) -> (2, 2.3) -> (2.5, 2.8)), cost y1 y2 at the last date. */
const gaussianT = (T: number): Case => {
  const sds = [[1, 1.2], [1.5, 1.6], [2, 2.3], [2.5, 2.8]].slice(0, T);
  const spec = { name: `gaussian-T${T}`, marginals: sds.map((row) => row.map(normal)), payoff: { type: 'quadratic', date: T - 1, matrix: [[0, 1], [0, 0]] }, training: { seed: 7 } };
  return { name: spec.name, sides: ['upper', 'lower'], problem: () => parseProblem(spec, '.'), reference: 'exact' };
};

const example = (name: string): Case => ({
  name,
  sides: ['upper', 'lower'],
  problem: () => parseProblem(JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8')), new URL('../examples/', import.meta.url).pathname),
  reference: 'lp',
});

const CASES: Case[] = [
  ...[2, 3, 4, 5].flatMap((d) => [table2Case(d, 'reduced'), table2Case(d, 'full')]),
  gaussianT(3),
  gaussianT(4),
  example('basket-call-d2'),
  example('rough-heston-d2'),
];

const o = new Command()
  .option('--cases <list>', 'case names (default: all)')
  .option('--list', 'print the case names and stop')
  .option('--json <file>', 'also write the rows as JSON')
  .parse()
  .opts();
if (o.list) {
  console.log(CASES.map((c) => c.name).join('\n'));
  process.exit(0);
}
const wanted = o.cases ? String(o.cases).split(',') : CASES.map((c) => c.name);
const unknown = wanted.filter((n) => !CASES.some((c) => c.name === n));
if (unknown.length > 0) {
  console.error(`--cases: unknown ${unknown.join(', ')} (--list names them)`);
  process.exit(2);
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load before ${load()}`);
console.log('case                   side   value       error      reference   ref.error  rel.diff   covered  penalty    mass   seconds  verdict');
const rows: Record<string, unknown>[] = [];
for (const c of CASES.filter((x) => wanted.includes(x.name))) {
  const problem = await c.problem();
  const refs = references(problem);
  for (const side of c.sides) {
    const b = await neuralSolver.solve(problem, side, {});
    const failed = checkBound(problem, b, refs).filter((k) => !k.ok).map((k) => k.name);
    let ref: number;
    let refError = 0;
    if (c.reference === 'exact') ref = gaussianQuadraticExact(problem)![side]!;
    else {
      // the LP refined until its own estimated error is below 0.1% (or its time runs out): its error is added
      const lp = await lpSolver.solve(problem, side, { options: { atoms: 'auto', target: 1e-3, timeLimit: 300 } });
      ref = lp.value;
      refError = lp.error;
    }
    const covered = Math.abs(b.value - ref) <= b.error + refError;
    const row = { case: c.name, side, value: b.value, error: b.error, reference: ref, referenceError: refError, relDiff: b.value / ref - 1, covered, penalty: b.details.penalty, mass: b.details.mass, seconds: b.seconds, failedChecks: failed };
    rows.push(row);
    const e = (x: number) => x.toExponential(2);
    console.log(
      `${c.name.padEnd(22)} ${side.padEnd(5)}  ${b.value.toFixed(5).padStart(9)}  ${e(b.error)}  ${ref.toFixed(5).padStart(9)}   ${e(refError)}  ${(100 * row.relDiff).toFixed(2).padStart(6)}%   ${covered ? 'yes' : 'NO '}      ${e(b.details.penalty)}  ${b.details.mass.toFixed(3)}  ${b.seconds.toFixed(0).padStart(6)}  ${failed.length ? `UNRELIABLE (${failed.join(', ')})` : 'ok'}`,
    );
  }
}
const n = rows.filter((r) => r.covered).length;
const flagged = rows.filter((r) => !r.covered && (r.failedChecks as string[]).length > 0).length;
console.log(`coverage: ${n} of ${rows.length} (${((100 * n) / Math.max(1, rows.length)).toFixed(0)}%); not covered but marked UNRELIABLE: ${flagged}; load after ${load()}`);
if (o.json) writeFileSync(o.json, JSON.stringify(rows, null, 2));
