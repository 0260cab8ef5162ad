/**
 * Training throughput (samples/s of forward + backward + Adam) of the engines at batch 1000 and
 * 16384, for the networks of the reduced d=2 dual and of the full dual at d = 2, 5 and 10 as the solver builds them by
 * default (3 hidden ReLU layers of 64; the full form has 2d scalar statics and d holdings of d inputs, whose width is
 * halved from d = 5: defaultHoldingsWidth), and of scripts/bench_torch.py (same networks, loss and optimizer) when a
 * python3 with torch is found, with the BLAS it loaded and its threads.
 * Engines are measured interleaved, `--reps` times each; the medians are printed.
 * With --grid G the scalar inputs are normal scores of G equally spaced quantile levels (as when a
 * formulation samples levels on a grid): the wasm engine then groups equal inputs (exact), the others
 * do not; PyTorch rows are skipped there.
 * Usage: npx tsx scripts/bench-engine.ts [--reps 3] [--seconds 2] [--engines wasm,wasm-simd,tfjs] [--grid G]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/random.js';
import { stdNormalQuantile } from '../src/math/normal.js';
import type { Engine, LossBatch, NetSpec } from '../src/models/engines/contract.js';
import { createEngine } from '../src/models/engines/registry.js';
import { initWeights } from '../src/models/engines/weights.js';
import { defaultHoldingsWidth } from '../src/models/defaults.js';
import { ENGINE_NAMES, type EngineName } from '../src/problem/training.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const reps = Number(arg('reps', '3'));
const seconds = Number(arg('seconds', '2'));
const engines = arg('engines', 'wasm,wasm-simd,tfjs').split(',') as EngineName[];
const grid = Number(arg('grid', '0'));
for (const e of engines) if (!ENGINE_NAMES.includes(e)) throw new Error(`--engines: unknown engine ${e} (known: ${ENGINE_NAMES.join(', ')})`);
const GAMMA = 1000;

const WIDTH = 64;
// reduced d=2: phi~(u), phi_1, phi_2, h_1(u), h_2(u); full at d: 2d statics phi_{t,i}, d holdings h_i(x_1..x_d) of the default width
const full = (d: number) => ({
  inputs: [...Array(2 * d).fill(1), ...Array(d).fill(d)],
  weights: [...Array(2 * d).fill(1), ...Array(d).fill(0)],
  holdingsWidth: defaultHoldingsWidth('full', d, WIDTH),
});
const FORMS: Record<string, { inputs: number[]; weights: number[]; holdingsWidth: number }> = {
  reduced: { inputs: [1, 1, 1, 1, 1], weights: [1, 1, 1, 0, 0], holdingsWidth: defaultHoldingsWidth('reduced', 2, WIDTH) },
  full: full(2),
  'full-d5': full(5),
  'full-d10': full(10),
};
const BATCHES = [1000, 16384];

function syntheticBatch(form: string, B: number, rng: Rng): LossBatch {
  const f = FORMS[form];
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const levels = (n: number) => Float32Array.from({ length: n }, () => stdNormalQuantile((Math.floor(rng.uniform() * grid) + 0.5) / grid));
  const input = (i: number) => (grid > 0 && i === 1 ? levels(B) : normal(B * i));
  return { size: B, inputs: f.inputs.map(input), multipliers: f.weights.map((w) => (w ? null : normal(B))), cost: normal(B) };
}

async function measureEngine(name: EngineName, form: string, B: number): Promise<{ rate: number; label: string }> {
  const f = FORMS[form];
  const specs: NetSpec[] = f.inputs.map((inputs, k) => ({ inputs, hidden: Array(3).fill(f.weights[k] ? WIDTH : f.holdingsWidth) }));
  const rng = new Rng(`bench/${form}/${B}`);
  const engine: Engine = await createEngine(name, {
    specs,
    loss: { integralWeights: f.weights, gamma: GAMMA },
    adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    weights: initWeights(specs, rng.child('init')),
  });
  try {
    const batch = syntheticBatch(form, B, rng);
    for (let i = 0; i < 3; i++) await engine.step(batch, 1e-4);
    let steps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) (await engine.step(batch, 1e-4), (steps += 1));
    return { rate: (steps * B) / ((performance.now() - t0) / 1000), label: engine.name };
  } finally {
    engine.dispose();
  }
}

/** A python3 with torch: the one on PATH, else Debian's /usr/bin/python3 (python3-torch). */
function torchPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** PyTorch with its threads as installed (threads 0) or set; the BLAS it loaded and its threads go with every ratio. */
function measureTorch(py: string, form: string, B: number, threads: number): { rate: number; label: string } {
  const script = fileURLToPath(new URL('./bench_torch.py', import.meta.url));
  // torch's own threads beside OpenBLAS's pool (2 threads as installed here) oversubscribe 2 cores (3.5x slower at 2 + 2, d = 10): with 2 torch threads BLAS gets 1
  const env = threads > 1 ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env;
  const r = spawnSync(py, [script, '--form', form, '--batch', String(B), '--seconds', String(seconds), '--gamma', String(GAMMA), '--threads', String(threads), '--holdings-width', String(FORMS[form].holdingsWidth)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bench_torch.py failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  torchSetup = `PyTorch ${out.torch}, BLAS ${out.blas}`;
  const blasThreads = out.blas_threads === null ? '' : `, BLAS ${out.blas_threads}`;
  return { rate: out.samples_per_s, label: `pytorch-${out.torch} ${out.threads} thread${out.threads > 1 ? 's' : ''}${blasThreads}${threads ? '' : ' (as installed)'}` };
}

let torchSetup = '';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const py = grid > 0 ? undefined : torchPython();
if (grid > 0) console.log(`scalar inputs on a grid of ${grid} quantile levels; PyTorch rows skipped`);
else if (!py) console.log('note: no python3 with torch found; PyTorch rows skipped (Debian: apt-get install python3-torch)');
const rows = [...engines, ...(py ? ['pytorch', 'pytorch-2'] : [])];
const rates = new Map<string, number[]>();
const labels = new Map<string, string>();
for (let rep = 0; rep < reps; rep++)
  for (const form of Object.keys(FORMS))
    for (const B of BATCHES)
      for (const row of rows) {
        const r = row.startsWith('pytorch') ? measureTorch(py!, form, B, row === 'pytorch-2' ? 2 : 0) : await measureEngine(row as EngineName, form, B);
        const key = `${row}|${form}|${B}`;
        rates.set(key, [...(rates.get(key) ?? []), r.rate]);
        labels.set(row, r.label);
      }

const cols = Object.keys(FORMS).flatMap((form) => BATCHES.map((B) => ({ form, B })));
console.log(`networks: 3 hidden layers of ${WIDTH}; holdings width ${Object.entries(FORMS).map(([form, f]) => `${form} ${f.holdingsWidth}`).join(', ')}`);
const fmt = (x: number) => `${(x / 1000).toFixed(1)}k`.padStart(9);
console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
console.log(`training samples/s, median of ${reps} interleaved runs of ${seconds} s each`);
console.log(`${'engine'.padEnd(52)}${cols.map((c) => `${c.form} b=${c.B}`.padStart(18)).join('')}`);
for (const row of rows) console.log(`${labels.get(row)!.padEnd(52)}${cols.map((c) => fmt(median(rates.get(`${row}|${c.form}|${c.B}`)!)).padStart(18)).join('')}`);
if (py) console.log(`peer: ${torchSetup}; each ratio against the faster of its runs as installed and with 2 torch threads (named)`);
const best = (c: { form: string; B: number }) => (['pytorch', 'pytorch-2'] as const).reduce((a, b) => (median(rates.get(`${b}|${c.form}|${c.B}`)!) > median(rates.get(`${a}|${c.form}|${c.B}`)!) ? b : a));
if (py)
  for (const row of engines)
    console.log(
      `ratio ${labels.get(row)} / PyTorch: ${cols.map((c) => `${c.form} b=${c.B} ${(median(rates.get(`${row}|${c.form}|${c.B}`)!) / median(rates.get(`${best(c)}|${c.form}|${c.B}`)!)).toFixed(2)}x (vs ${best(c) === 'pytorch' ? 'as installed' : '2 torch threads'})`).join(', ')}`,
    );
