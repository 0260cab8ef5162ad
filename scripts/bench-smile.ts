// Benchmark of what `vmot smile` runs at its defaults: a 50-strike rough Heston smile (K/F in [e^-0.4, e^0.3]) at
// implied-volatility tolerance 1e-4, through the command itself (smileCommand, --json, timed inside as the CLI
// prints it, after warm-up), for the QuantLib and EER parameter sets; the implied vols are checked
// against a reference smile at price tolerance 1e-7 F (about 1000 times tighter in price). Fresh `vmot smile`
// processes are run per case too: the milliseconds each prints itself (cold, before the JIT has warmed up) and its
// wall time (node start-up and module loading included), median and largest. Machine load beside.
// Usage: npx tsx scripts/bench-smile.ts   (after npm run build, for the process timing)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { smileCommand } from '../src/cli/smile.js';
import { forwardCalls } from '../src/rough/fourier.js';
import { impliedVol } from '../src/rough/impliedVol.js';
import { loadSmileParams } from '../src/rough/smile.js';

/** Fresh `vmot smile` processes per case. */
const COLD_RUNS = 7;

const CASES = [
  ['examples/rough-heston-quantlib.json', 0.25],
  ['examples/rough-heston-quantlib.json', 1],
  ['examples/rough-heston-quantlib.json', 2],
  ['examples/rough-heston-eer.json', 0.25],
  ['examples/rough-heston-eer.json', 1],
] as const;

async function cli(file: string, T: number, strikes: number[]): Promise<{ milliseconds: number; rows: { impliedVol: number; held: boolean }[]; plan: { steps: number; nodes: number; uMax: number }; ivError: number; held: number }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    await smileCommand().parseAsync([file, '--model', 'rough-heston', '--maturity', String(T), '--strikes', strikes.join(','), '--json'], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(out);
}

console.log(`machine load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`params                T     warm ms (median of 9, min)  steps nodes  u_max  held  IV error: estimated  vs reference   ${COLD_RUNS} fresh processes (median, max): ms   wall ms`);
for (const [file, T] of CASES) {
  const input = loadSmileParams(file);
  const F = input.spot * Math.exp((input.rate - input.dividend) * T);
  const strikes = Array.from({ length: 50 }, (_, i) => F * Math.exp(-0.4 + (0.7 * i) / 49));
  const ref = forwardCalls(input.model, T, F, strikes, { tol: 1e-7 * F, maxSteps: 400_000 });
  const refIv = Array.from(ref.calls, (c, i) => impliedVol(F, strikes[i], T, c));
  for (let k = 0; k < 3; k++) await cli(file, T, strikes);
  const runs = [];
  for (let k = 0; k < 9; k++) runs.push(await cli(file, T, strikes));
  const ms = runs.map((r) => r.milliseconds).sort((a, b) => a - b);
  const last = runs[runs.length - 1];
  // against the reference at the strikes held to the tolerance (vega at least 1% of the at-the-money vega)
  const err = Math.max(...last.rows.map((r, i) => (Number.isFinite(refIv[i]) && r.held ? Math.abs(r.impliedVol - refIv[i]) : 0)));
  // fresh processes: the milliseconds each prints and its wall time, median and largest of COLD_RUNS
  const cold: number[] = [];
  const walls: number[] = [];
  let failed = '';
  for (let k = 0; k < COLD_RUNS && !failed; k++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, ['bin/vmot.js', 'smile', file, '--model', 'rough-heston', '--maturity', String(T), '--strikes', strikes.join(','), '--json'], { encoding: 'utf8' });
    if (p.status !== 0) failed = `failed (${p.stderr.trim()})`;
    else {
      cold.push(JSON.parse(p.stdout).milliseconds);
      walls.push(performance.now() - t0);
    }
  }
  const medMax = (x: number[]) => {
    const y = [...x].sort((a, b) => a - b);
    return `${y[(y.length - 1) >> 1].toFixed(0).padStart(4)} ${y[y.length - 1].toFixed(0).padStart(4)}`;
  };
  const wall = failed || `${medMax(cold)}   ${medMax(walls)}`;
  const name = file.replace('examples/', '').replace('.json', '');
  console.log(
    `${name.padEnd(22)}${String(T).padEnd(6)}${ms[4].toFixed(1).padStart(8)} ${ms[0].toFixed(1).padStart(8)}          ${String(last.plan.steps).padStart(6)} ${String(last.plan.nodes).padStart(5)} ${last.plan.uMax.toFixed(1).padStart(6)}  ${String(last.held).padStart(4)}    ${last.ivError.toExponential(2).padStart(9)}        ${err.toExponential(2).padStart(9)}      ${wall}`,
  );
}
console.log(`machine load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
