/**
 * Training throughput (samples/s of forward + backward + Adam) of the engines at batch 1000 and
 * 16384, for the networks of the reduced d=2 dual and of the full dual at d = 2, 5 and 10 as the solver builds them by
 * default (training's default depth and width, 3 hidden ReLU layers of 64; the full form has 2d statics, each reading the
 * price and its square (training.squaredPrice), and d holdings of d inputs, whose width is halved from d = 5:
 * defaultHoldingsWidth), and of scripts/bench_torch.py (same networks, loss and optimizer) when a
 * python3 with torch is found, with the BLAS it loaded and its threads. It then prints each row in nominal GFLOP/s
 * (trainFlops) beside the ceilings: the GEMM of the engine's kernels (native when built, relaxed-SIMD WebAssembly) on one
 * thread, and torch.mm of large matrices.
 * Engines are measured interleaved, `--reps` times each; the medians are printed.
 * With --grid G the scalar inputs and the statics' prices are normal scores of G equally spaced quantile levels (as
 * when a formulation samples levels on a grid) and the batch carries their groups, as the sampler's does: the wasm
 * engine then evaluates each distinct input once (exact), the others do not; PyTorch rows are skipped there.
 * Usage: npx tsx scripts/bench-engine.ts [--reps 3] [--seconds 2] [--engines wasm,wasm-relaxed-simd,wasm-simd,tfjs] [--grid G]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/random.js';
import { stdNormalQuantile } from '../src/math/normal.js';
import { squareFeature } from '../src/models/features.js';
import type { Engine, LossBatch, NetSpec } from '../src/models/engines/contract.js';
import { createEngine } from '../src/models/engines/registry.js';
import { compileKernel, instantiateKernel, MAX_PAGES, type KernelSource } from '../src/models/engines/wasm/kernels.js';
import { initWeights } from '../src/models/engines/weights.js';
import { defaultHoldingsWidth } from '../src/models/defaults.js';
import { ENGINE_NAMES, trainingSchema, type EngineName } from '../src/problem/training.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const reps = Number(arg('reps', '3'));
const seconds = Number(arg('seconds', '2'));
const engines = arg('engines', 'wasm,wasm-relaxed-simd,wasm-simd,tfjs').split(',') as EngineName[];
const grid = Number(arg('grid', '0'));
for (const e of engines) if (!ENGINE_NAMES.includes(e)) throw new Error(`--engines: unknown engine ${e} (known: ${ENGINE_NAMES.join(', ')})`);
const GAMMA = 1000;

const DEFAULTS = trainingSchema.parse({});
const WIDTH = DEFAULTS.width;
/** Inputs of a static potential's network as the solver builds it by default: the price, and its square (training.squaredPrice). */
const STATIC_INPUTS = DEFAULTS.squaredPrice ? 2 : 1;
// reduced d=2: phi~(u), phi_1, phi_2, h_1(u), h_2(u); full at d: 2d statics phi_{t,i}, d holdings h_i(x_1..x_d) of the default width
const full = (d: number) => ({
  inputs: [...Array(2 * d).fill(STATIC_INPUTS), ...Array(d).fill(d)],
  weights: [...Array(2 * d).fill(1), ...Array(d).fill(0)],
  holdingsWidth: defaultHoldingsWidth('full', d, WIDTH),
});
const FORMS: Record<string, { inputs: number[]; weights: number[]; holdingsWidth: number }> = {
  reduced: { inputs: [1, STATIC_INPUTS, STATIC_INPUTS, 1, 1], weights: [1, 1, 1, 0, 0], holdingsWidth: defaultHoldingsWidth('reduced', 2, WIDTH) },
  full: full(2),
  'full-d5': full(5),
  'full-d10': full(10),
};
const BATCHES = [1000, 16384];

/** Hidden widths of a form's networks, in the order of `inputs`: statics WIDTH, holdings (weight 0) holdingsWidth. */
const hiddenOf = (form: string) => FORMS[form].weights.map((w) => Array(DEFAULTS.depth).fill(w ? WIDTH : FORMS[form].holdingsWidth) as number[]);

/**
 * Nominal floating-point operations of one training sample, as a dense implementation does them: per layer the forward
 * product, the product to the weights' gradient and, except at the first layer (its inputs need no gradient), the one
 * to the inputs' gradient, 2 flops per multiply-add. Adam and the elementwise work are left out.
 */
function trainFlops(form: string): number {
  const hidden = hiddenOf(form);
  return FORMS[form].inputs.reduce((sum, inputs, k) => {
    const sizes = [inputs, ...hidden[k], 1];
    const macs = sizes.slice(1).map((out, l) => sizes[l] * out);
    return sum + 2 * (3 * macs.reduce((a, m) => a + m, 0) - macs[0]);
  }, 0);
}

/**
 * A kernel flavour's own ceiling: GFLOP/s of its GEMM on one thread, for a 256 x 64 by 64 x 64 product with bias and
 * ReLU (the shape of a chunk through a hidden layer of 64), held in cache and repeated for `seconds`.
 */
function kernelCeiling(source: KernelSource): { kind: string; gflops: number } {
  const { kind } = source;
  const memory = new WebAssembly.Memory({ initial: 8, maximum: MAX_PAGES, shared: true });
  const kern = instantiateKernel(source, memory);
  const [rows, k, n] = [256, 64, 64];
  const a = 1024, b = a + rows * k * 4, c = b + k * n * 4, bias = c + rows * n * 4;
  const f32 = new Float32Array(memory.buffer);
  const rng = new Rng('bench/ceiling');
  for (let i = a / 4; i < bias / 4 + n; i++) f32[i] = rng.normal();
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) for (let r = 0; r < 100; r++, calls++) kern.gemm(rows, k, n, a, k, 1, b, c, bias, 0, 1);
  return { kind, gflops: (calls * 2 * rows * k * n) / ((performance.now() - t0) / 1000) / 1e9 };
}

function syntheticBatch(form: string, B: number, rng: Rng): LossBatch {
  const f = FORMS[form];
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  // a scalar input (or a static's price) on the grid: the rows' levels, and the groups the sampler gives the engine
  const onGrid = (inputs: number) => {
    const level = Array.from({ length: B }, () => Math.floor(rng.uniform() * grid));
    const distinct = [...new Set(level)];
    const features = (l: number) => {
      const z = stdNormalQuantile((l + 0.5) / grid);
      return inputs === 1 ? [z] : [z, squareFeature(z)];
    };
    const slot = new Map(distinct.map((l, u) => [l, u]));
    return {
      x: Float32Array.from(level.flatMap(features)),
      group: { values: Float32Array.from(distinct.flatMap(features)), index: Int32Array.from(level, (l) => slot.get(l)!) },
    };
  };
  const drawn = f.inputs.map((i, k) => (grid > 0 && (i === 1 || f.weights[k]) ? onGrid(i) : { x: normal(B * i), group: null }));
  return {
    size: B,
    inputs: drawn.map((d) => d.x),
    multipliers: f.weights.map((w) => (w ? null : normal(B))),
    cost: normal(B),
    ...(grid > 0 ? { groups: drawn.map((d) => d.group) } : {}),
  };
}

async function measureEngine(name: EngineName, form: string, B: number): Promise<{ rate: number; label: string }> {
  const f = FORMS[form];
  const hidden = hiddenOf(form);
  const specs: NetSpec[] = f.inputs.map((inputs, k) => ({ inputs, hidden: hidden[k] }));
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

/** Runs scripts/bench_torch.py with `args` and returns the JSON of its last line. */
function runTorch(py: string, args: string[], env: NodeJS.ProcessEnv = process.env): Record<string, any> {
  const script = fileURLToPath(new URL('./bench_torch.py', import.meta.url));
  const r = spawnSync(py, [script, ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bench_torch.py ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** PyTorch with its threads as installed (threads 0) or set; the BLAS it loaded and its threads go with every ratio. */
function measureTorch(py: string, form: string, B: number, threads: number): { rate: number; label: string } {
  // torch's own threads beside OpenBLAS's pool (2 threads as installed here) oversubscribe 2 cores (3.5x slower at 2 + 2, d = 10): with 2 torch threads BLAS gets 1
  const env = threads > 1 ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env;
  const out = runTorch(py, ['--inputs', FORMS[form].inputs.join(','), '--weights', FORMS[form].weights.join(','), '--width', String(WIDTH), '--depth', String(DEFAULTS.depth), '--batch', String(B), '--seconds', String(seconds), '--gamma', String(GAMMA), '--threads', String(threads), '--holdings-width', String(FORMS[form].holdingsWidth)], env);
  torchSetup = `PyTorch ${out.torch}, BLAS ${out.blas}`;
  const blasThreads = out.blas_threads === null ? '' : `, BLAS ${out.blas_threads}`;
  return { rate: out.samples_per_s, label: `pytorch-${out.torch} ${out.threads} thread${out.threads > 1 ? 's' : ''}${blasThreads}${threads ? '' : ' (as installed)'}` };
}

let torchSetup = '';

/** PyTorch's BLAS ceiling, once, as installed: torch.mm of 1024 x 1024 float32 matrices. */
function torchCeiling(py: string): string {
  const out = runTorch(py, ['--ceiling', '--seconds', String(seconds)]);
  return `torch.mm of 1024 x 1024 float32 matrices runs ${out.sgemm_gflops.toFixed(1)} GFLOP/s with ${out.threads} torch thread${out.threads > 1 ? 's' : ''}${out.blas_threads === null ? '' : ` and BLAS ${out.blas_threads}`} (as installed)`;
}

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
console.log(`networks: ${DEFAULTS.depth} hidden ReLU layers of ${WIDTH}, statics of ${STATIC_INPUTS} input${STATIC_INPUTS > 1 ? 's (price and squared price)' : ''}; holdings width ${Object.entries(FORMS).map(([form, f]) => `${form} ${f.holdingsWidth}`).join(', ')}`);
const fmt = (x: number) => `${(x / 1000).toFixed(1)}k`.padStart(9);
console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
console.log(`training samples/s, median of ${reps} interleaved runs of ${seconds} s each`);
console.log(`${'engine'.padEnd(52)}${cols.map((c) => `${c.form} b=${c.B}`.padStart(18)).join('')}`);
for (const row of rows) console.log(`${labels.get(row)!.padEnd(52)}${cols.map((c) => fmt(median(rates.get(`${row}|${c.form}|${c.B}`)!)).padStart(18)).join('')}`);
console.log(`nominal GFLOP/s${grid > 0 ? " (with --grid the wasm engine does less work than this count: it evaluates each distinct input once)" : ""} (samples/s x ${Object.keys(FORMS).map((form) => `${form} ${(trainFlops(form) / 1e6).toFixed(3)}`).join(', ')} MFLOP per sample; see trainFlops)`);
for (const row of rows) console.log(`${labels.get(row)!.padEnd(52)}${cols.map((c) => ((median(rates.get(`${row}|${c.form}|${c.B}`)!) * trainFlops(c.form)) / 1e9).toFixed(1).padStart(18)).join('')}`);
const kernels = new Map((['native', 'relaxed-simd'] as const).map((k) => compileKernel(k)).map((s) => [s.kind, s]));
for (const ceiling of [...kernels.values()].map(kernelCeiling))
  console.log(`ceiling: the ${ceiling.kind} kernel's GEMM (256 x 64 by 64 x 64, in cache) runs ${ceiling.gflops.toFixed(1)} GFLOP/s on 1 thread, at most ${(availableParallelism() * ceiling.gflops).toFixed(1)} on ${availableParallelism()}`);
if (py) console.log(`peer's BLAS ceiling: ${torchCeiling(py)}`);
if (py) console.log(`peer: ${torchSetup}; each ratio against the faster of its runs as installed and with 2 torch threads (named)`);
const best = (c: { form: string; B: number }) => (['pytorch', 'pytorch-2'] as const).reduce((a, b) => (median(rates.get(`${b}|${c.form}|${c.B}`)!) > median(rates.get(`${a}|${c.form}|${c.B}`)!) ? b : a));
if (py)
  for (const row of engines)
    console.log(
      `ratio ${labels.get(row)} / PyTorch: ${cols.map((c) => `${c.form} b=${c.B} ${(median(rates.get(`${row}|${c.form}|${c.B}`)!) / median(rates.get(`${best(c)}|${c.form}|${c.B}`)!)).toFixed(2)}x (vs ${best(c) === 'pytorch' ? 'as installed' : '2 torch threads'})`).join(', ')}`,
    );
