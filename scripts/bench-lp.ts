/**
 * LP sizes and times of the discrete VMOT (Table-2 Gaussian d = 2, upper bound) for growing grids, up to the
 * 2 GiB linear memory of HiGHS' WebAssembly build. Each grid runs in its own process (Wasm memory never
 * shrinks and an out-of-memory abort ends the runtime). Once a grid hits the time limit, the larger ones only
 * probe memory (1 s limit: the model is loaded and IPX sets up); the first grid that cannot be loaded ends the series.
 * First, what a user waits for: `--atoms auto` to a target error (the CLI's `--lp-tol`) on the reduced form, each side and
 * algorithm (`--lp-algorithm`: column generation, the default, and IPX on every column) in its own process: the grids it
 * solved, the reported and the true error, the seconds of the whole solve (every grid, discretization included).
 * Every row has the load average (1, 5, 15 min) beside it.
 *
 *   npx tsx scripts/bench-lp.ts [--kinds reduced,full] [--time-limit 60] [--max-atoms N] [--targets 0.001,0.0005] [--algorithms columns,ipx]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { discretize } from '../src/lp/discretize.js';
import { runLp } from '../src/lp/run.js';
import { makeLayout } from '../src/lp/layout.js';
import { buildLp } from '../src/lp/model.js';
import { parseProblem } from '../src/problem/problem.js';
import { lpSolver } from '../src/solvers/lp/index.js';
import { gaussianQuadraticExact } from '../src/solvers/references.js';

const GRIDS: Record<'reduced' | 'full', number[]> = {
  reduced: [20, 30, 40, 60, 80, 100, 130, 160, 200, 250, 320],
  full: [8, 12, 16, 20, 24, 30, 36, 44, 52, 60],
};

interface Row {
  kind: string;
  atoms: number;
  columns: number;
  rows: number;
  nonzeros: number;
  buildSeconds: number;
  solveSeconds: number;
  status: string;
  iterations: number;
  wasmMiB: number;
  value: number;
  relError: number;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const table2 = (kind: 'full' | 'reduced') => parseProblem({ ...JSON.parse(readFileSync('examples/gaussian-d2.json', 'utf8')), formulation: kind }, '.');

/** One bound by `atoms: "auto"` to a target, timed as the solver runs it (discretization, every grid, the error estimate). */
async function autoChild(side: 'upper' | 'lower', target: number, algorithm: string): Promise<void> {
  const problem = await table2('reduced');
  const exact = gaussianQuadraticExact(problem)![side]!;
  const r = await lpSolver.solve(problem, side, { options: { atoms: 'auto', target, algorithm } });
  const grids = r.details.grids.map((g) => g.atoms).join(',');
  const rel = (x: number) => (x / Math.abs(exact)).toExponential(2);
  process.stdout.write(`${[side, algorithm, target, r.details.atoms[1][0], grids, r.value.toPrecision(8), rel(r.error), rel(r.value - exact), r.details.stoppedBy, r.seconds.toFixed(2), load()].join('\t')}\n`);
}

async function child(kind: 'full' | 'reduced', n: number, timeLimit: number): Promise<void> {
  const problem = await table2(kind);
  const exact = gaussianQuadraticExact(problem)!.upper!;
  const t0 = performance.now();
  const disc = discretize(problem.marginals, [n, n]);
  const layout = makeLayout(kind, disc.atoms);
  const lp = buildLp(layout, disc.atoms, problem.payoff.value, false);
  const buildSeconds = (performance.now() - t0) / 1000;
  const run = await runLp(lp, { sense: 'maximize', timeLimit });
  const row: Row = {
    kind,
    atoms: n,
    columns: lp.numCols,
    rows: lp.numRows,
    nonzeros: lp.values.length,
    buildSeconds,
    solveSeconds: run.seconds,
    status: run.status,
    iterations: run.iterations,
    wasmMiB: run.memoryBytes / 2 ** 20,
    value: run.objective,
    relError: run.objective / exact - 1,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

function arg(name: string, fallback: string): string {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : fallback;
}

async function main(): Promise<void> {
  if (process.argv.includes('--auto-child')) return autoChild(arg('--side', 'upper') as 'upper' | 'lower', Number(arg('--target', '0.001')), arg('--algorithm', 'columns'));
  if (process.argv.includes('--child')) return child(arg('--kind', 'reduced') as 'full' | 'reduced', Number(arg('--atoms', '20')), Number(arg('--time-limit', '60')));
  const kinds = arg('--kinds', 'reduced,full').split(',') as ('full' | 'reduced')[];
  const timeLimit = arg('--time-limit', '60');
  const maxAtoms = Number(arg('--max-atoms', 'Infinity'));
  const script = fileURLToPath(import.meta.url);
  process.stdout.write(`Table-2 Gaussian d = 2, reduced form, --atoms auto to a target (relative errors; exact 1.4728530); load average before ${load()}\n`);
  process.stdout.write(`${['side', 'algorithm', 'target', 'atoms', 'grids', 'value', 'reported', 'true', 'stopped by', 'seconds', 'load (1, 5, 15 min)'].join('\t')}\n`);
  for (const target of arg('--targets', '0.001').split(','))
    for (const algorithm of arg('--algorithms', 'columns,ipx').split(','))
      for (const side of ['upper', 'lower']) {
        const r = spawnSync(process.execPath, [...process.execArgv, script, '--auto-child', '--side', side, '--target', target, '--algorithm', algorithm], { encoding: 'utf8', maxBuffer: 1 << 20 });
        process.stdout.write(r.status === 0 ? r.stdout : `${side}\t${algorithm}\t${target}\tfailed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}\n`);
      }
  const cols = ['kind', 'atoms', 'columns', 'rows', 'nonzeros', 'build s', 'solve s', 'status', 'IPM it', 'wasm MiB', 'value', 'rel. error', 'load (1, 5, 15 min)'];
  process.stdout.write(`\nOne grid at a time: Table-2 Gaussian d = 2, upper bound (exact 1.4728530); HiGHS IPX on every column, time limit ${timeLimit} s per LP\n${cols.join('\t')}\n`);
  for (const kind of kinds) {
    let limit = timeLimit;
    for (const n of GRIDS[kind].filter((a) => a <= maxAtoms)) {
      const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', '--kind', kind, '--atoms', String(n), '--time-limit', limit], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        const why = /memory|Aborted|OOM|RangeError/i.test(r.stderr) ? 'out of memory (2 GiB Wasm limit)' : `failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`;
        process.stdout.write(`${kind}\t${n}\t${why}\n`);
        break;
      }
      const x = JSON.parse(line) as Row;
      process.stdout.write(
        [x.kind, x.atoms, x.columns, x.rows, x.nonzeros, x.buildSeconds.toFixed(2), x.solveSeconds.toFixed(2), limit === timeLimit ? x.status : `${x.status} (memory probe)`, x.iterations, x.wasmMiB.toFixed(0), ...(x.status === 'optimal' ? [x.value.toPrecision(7), x.relError.toExponential(2)] : ['-', '-']), load()].join('\t') + '\n',
      );
      if (x.status !== 'optimal') limit = '1';
    }
  }
}

await main();
