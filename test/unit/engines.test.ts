import { afterAll, describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { buildDual } from '../../src/models/dual.js';
import type { Engine, EngineOptions, LossBatch, NetWeights } from '../../src/models/engines/contract.js';
import { forward, lossAndGradient, ReferenceEngine } from '../../src/models/engines/reference.js';
import { createEngine, ENGINES } from '../../src/models/engines/registry.js';
import { groupRows } from '../../src/models/engines/wasm/fused-step.js';
import { WasmEngine } from '../../src/models/engines/wasm/engine.js';
import { compileKernel } from '../../src/models/engines/wasm/kernels.js';
import { initWeights } from '../../src/models/engines/weights.js';
import { buildPayoff } from '../../src/problem/payoffs/registry.js';
import type { EngineName } from '../../src/problem/training.js';

// One shared suite for every engine behind the contract, each against the plain TypeScript reference (float64 sums).
// All worker-thread tests live in this one file, so they never run concurrently.

// phi-like scalar nets, an h-like net with 3 inputs and widths that are not multiples of 8
const specs = [
  { inputs: 1, hidden: [64, 64, 64] },
  { inputs: 1, hidden: [64, 64, 64] },
  { inputs: 3, hidden: [20, 13] },
];
const rng = new Rng('engine-parity');
const weights = initWeights(specs, rng.child('init'));
const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const opts: EngineOptions = { specs, loss: { integralWeights: [1, 1, 0], gamma: 50 }, adam, weights };

function makeBatch(B: number, r: Rng): LossBatch {
  const normal = (n: number) => Float32Array.from({ length: n }, () => r.normal());
  return { size: B, inputs: specs.map((s) => normal(B * s.inputs)), multipliers: [null, null, normal(B)], cost: normal(B) };
}

/**
 * A batch whose scalar inputs repeat (40 distinct values each), as on the sampler's grid. The grid tests use 500 rows:
 * TF.js sums in float32, whose rounding over 1000 rows reaches 1e-5 of a hidden layer's bias gradient there.
 */
function gridBatch(B: number, r: Rng): LossBatch {
  const grid = (n: number) => Float32Array.from({ length: n }, () => Math.floor(r.uniform() * 40) / 10 - 2);
  const base = makeBatch(B, r);
  return { ...base, inputs: [grid(B), grid(B), base.inputs[2]] };
}

type Grads = { w: ArrayLike<number>; b: ArrayLike<number> }[][];

/** max over layers of max|a - b| / max|b|: relative difference of gradients or weights, layer by layer. */
function relDiff(a: Grads, b: Grads): number {
  let worst = 0;
  a.forEach((net, k) =>
    net.forEach((l, j) =>
      (['w', 'b'] as const).forEach((f) => {
        let d = 0;
        let m = 0;
        for (let i = 0; i < l[f].length; i++) ((d = Math.max(d, Math.abs(l[f][i] - b[k][j][f][i]))), (m = Math.max(m, Math.abs(b[k][j][f][i]))));
        worst = Math.max(worst, d / m);
      }),
    ),
  );
  return worst;
}

/** The gradient an engine used in its first Adam step from zero moments: m = (1 - beta1) g. */
const firstGradient = (e: Engine): Grads => e.getState().adam.m.map((net) => net.map((l) => ({ w: Array.from(l.w, (x) => x / (1 - adam.beta1)), b: Array.from(l.b, (x) => x / (1 - adam.beta1)) })));

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const engines: Engine[] = [];
const track = <E extends Engine>(e: E) => (engines.push(e), e);
afterAll(() => engines.forEach((e) => e.dispose()));

describe('the reference engine', () => {
  it('its gradient matches central finite differences of its loss', () => {
    const small = [{ inputs: 1, hidden: [5, 4] }, { inputs: 2, hidden: [6] }];
    const w = initWeights(small, new Rng('fd'));
    const r = new Rng('fd-batch');
    const B = 64;
    const batch: LossBatch = {
      size: B,
      inputs: [Float32Array.from({ length: B }, () => r.normal()), Float32Array.from({ length: 2 * B }, () => r.normal())],
      multipliers: [null, Float32Array.from({ length: B }, () => r.normal())],
      cost: Float32Array.from({ length: B }, () => 2 * r.normal()),
    };
    const { grads } = lossAndGradient(w, batch, [1, 0], 7);
    const h = 2 ** -10;
    let checked = 0;
    for (const [k, j, f, i] of [[0, 0, 'w', 2], [0, 1, 'b', 1], [0, 2, 'w', 3], [1, 0, 'w', 7], [1, 1, 'w', 2], [1, 1, 'b', 0]] as const) {
      const p = w[k][j][f];
      const x = p[i];
      p[i] = x + h;
      const up = lossAndGradient(w, batch, [1, 0], 7).loss;
      p[i] = x - h;
      const down = lossAndGradient(w, batch, [1, 0], 7).loss;
      p[i] = x;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(fd - grads[k][j][f][i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
      checked += Math.abs(fd) > 1e-3 ? 1 : 0;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });
});

const NAMES = (Object.keys(ENGINES) as EngineName[]).filter((n) => n !== 'reference');

describe.each(NAMES)('engine %s against the reference', (name) => {
  const create = async (o: EngineOptions = opts) => track(await createEngine(name, o));

  it('gives the reference loss, value and gradient on the same weights and batch (1e-5), and its Adam steps', async () => {
    const batch = makeBatch(1000, rng.child('batch'));
    const e = await create();
    const got = await e.step(batch, 1e-3);
    const ref = lossAndGradient(weights, batch, opts.loss.integralWeights, opts.loss.gamma);
    expect(rel(got.loss, ref.loss)).toBeLessThan(1e-5);
    expect(rel(got.value, ref.value)).toBeLessThan(1e-5);
    expect(relDiff(firstGradient(e), ref.grads)).toBeLessThan(1e-5);
    const reference = new ReferenceEngine(opts);
    await reference.step(batch, 1e-3);
    for (let s = 0; s < 4; s++) {
      const next = makeBatch(1000, rng.child(`batch/${s}`));
      const x = await e.step(next, 1e-3);
      const y = await reference.step(next, 1e-3);
      expect(rel(x.loss, y.loss)).toBeLessThan(1e-5);
    }
    // Adam divides by sqrt(v): float32 rounding of tiny gradients moves a weight by up to lr, so weights agree to 1e-4
    expect(relDiff(e.getState().weights, reference.getState().weights)).toBeLessThan(1e-4);
    expect(e.getState().adam.t).toBe(5);
  });

  it('uses the per-step gamma of the penalty continuation in the loss and the gradient', async () => {
    const batch = makeBatch(500, rng.child('gamma'));
    const e = await create();
    const got = await e.step(batch, 1e-3, 400);
    const ref = lossAndGradient(weights, batch, opts.loss.integralWeights, 400);
    expect(rel(got.loss, ref.loss)).toBeLessThan(1e-5);
    expect(relDiff(firstGradient(e), ref.grads)).toBeLessThan(1e-5);
    expect(rel(got.loss, lossAndGradient(weights, batch, opts.loss.integralWeights, opts.loss.gamma).loss)).toBeGreaterThan(1e-2);
  });

  it('agrees when the scalar inputs repeat (the WASM engine then evaluates each distinct input once)', async () => {
    const batch = gridBatch(500, rng.child('grid'));
    expect(groupRows(specs, batch.inputs, 500)?.map((g) => g.values.length)).toEqual([40, 40, 1500]);
    const e = await create();
    const got = await e.step(batch, 1e-3);
    const ref = lossAndGradient(weights, batch, opts.loss.integralWeights, opts.loss.gamma);
    expect(rel(got.loss, ref.loss)).toBeLessThan(1e-5);
    expect(relDiff(firstGradient(e), ref.grads)).toBeLessThan(1e-5);
  });

  it('agrees when the penalty is zero on most rows (the WASM engine then back-propagates only the rows of nonzero seed)', async () => {
    const base = gridBatch(500, rng.child('few'));
    const batch = { ...base, cost: base.cost.map((c) => c - 1.5) };
    // the reference's outputs: few rows keep c - phi > 0 with the lowered cost, so the holding's seed is 0 on the rest
    const reference = new ReferenceEngine(opts);
    const outs = await Promise.all(specs.map((_, k) => reference.evaluate(k, batch.inputs[k], 500)));
    const phi = (b: number) => outs.reduce((sum, o, k) => sum + (batch.multipliers[k] ? batch.multipliers[k]![b] : 1) * o[b], 0);
    const positive = Array.from({ length: 500 }, (_, b) => batch.cost[b] - phi(b)).filter((r) => r > 0).length;
    expect(positive).toBeGreaterThan(5);
    expect(positive).toBeLessThan(100);
    const ref = lossAndGradient(weights, batch, opts.loss.integralWeights, opts.loss.gamma);
    const e = await create();
    const got = await e.step(batch, 1e-3);
    expect(rel(got.loss, ref.loss)).toBeLessThan(1e-5);
    expect(relDiff(firstGradient(e), ref.grads)).toBeLessThan(1e-5);
  });

  it("agrees on a batch of the grid sampler, whose groups an engine may take as given", async () => {
    const marginals = [[normalMarginal(0, 1), normalMarginal(0, 1.5)], [normalMarginal(0, 2), normalMarginal(0, 2.5)]];
    const payoff = buildPayoff({ type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] }, { T: 2, d: 2 }).value;
    const dual = buildDual('reduced', { marginals, payoff, hidden: [24, 16], scaling: { sign: 1, shift: 0, scale: 4 }, grid: 256 });
    const w = initWeights(dual.specs, rng.child('grid-init'));
    const e = await create({ ...opts, specs: dual.specs, loss: { integralWeights: dual.integralWeights, gamma: 50 }, weights: w });
    const { batch } = dual.sample(500, rng.child('sampler'));
    expect(batch.groups?.filter((g) => g !== null).length).toBe(5);
    const got = await e.step(batch, 1e-3);
    const ref = lossAndGradient(w, batch, dual.integralWeights, 50);
    expect(rel(got.loss, ref.loss)).toBeLessThan(1e-5);
    expect(relDiff(firstGradient(e), ref.grads)).toBeLessThan(1e-5);
  });

  it('evaluates every network as the reference forward pass does', async () => {
    const e = await create();
    const x = Float32Array.from({ length: 777 * 3 }, () => rng.normal());
    for (const k of [0, 2]) {
      const n = k === 2 ? 777 : 777 * 3;
      const got = await e.evaluate(k, x, n);
      const ref = forward(weights[k], x, n);
      let d = 0;
      let m = 0;
      ref.forEach((r, i) => ((d = Math.max(d, Math.abs(got[i] - r))), (m = Math.max(m, Math.abs(r)))));
      expect(got.length).toBe(n);
      expect(d / m).toBeLessThan(1e-5);
    }
  });

  it('continues the reference engine from its state (weights and Adam moments are interchangeable)', async () => {
    const reference = new ReferenceEngine(opts);
    for (let s = 0; s < 3; s++) await reference.step(makeBatch(500, rng.child(`warm/${s}`)), 1e-3);
    const e = await create();
    e.setState(reference.getState());
    const batch = makeBatch(500, rng.child('after'));
    const a = await e.step(batch, 1e-3);
    const b = await reference.step(batch, 1e-3);
    expect(rel(a.loss, b.loss)).toBeLessThan(1e-5);
    expect(relDiff(e.getState().adam.v, reference.getState().adam.v)).toBeLessThan(1e-4);
    expect(relDiff(e.getState().weights, reference.getState().weights)).toBeLessThan(1e-4);
  });
});

// the native kernel is optional (npm ci builds it where g++ and the Node.js headers are found, as on CI)
const nativeBuilt = compileKernel('native').kind === 'native';

describe.each(Object.keys(ENGINES) as EngineName[])("engine %s with the caller's work", (name) => {
  it('runs every piece of it within the step, and takes the same step as without it (bit for bit)', async () => {
    const plain = track(await createEngine(name, opts));
    const busy = track(await createEngine(name, opts));
    // the fused pass (every row) and the grouped one (repeated scalar inputs)
    for (const batch of [makeBatch(500, rng.child('work')), gridBatch(500, rng.child('work-grid'))]) {
      // more pieces than a step's jobs last: the engine finishes the rest before it resolves
      let pieces = 0;
      const x = await plain.step(batch, 1e-3);
      const y = await busy.step(batch, 1e-3, undefined, () => ++pieces < 1e6);
      expect(pieces).toBe(1e6);
      expect(y.loss).toBe(x.loss);
      expect(relDiff(busy.getState().weights, plain.getState().weights)).toBe(0);
    }
    // a piece that fails: the step rejects with its error, and the engine takes its next steps as before
    const batch = makeBatch(500, rng.child('work-fail'));
    const failing = () => {
      throw new VmotError('no next batch', 'payoff');
    };
    await expect(busy.step(batch, 1e-3, undefined, failing)).rejects.toThrow(/no next batch/);
    await plain.step(batch, 1e-3);
    const next = makeBatch(500, rng.child('work-after'));
    expect((await busy.step(next, 1e-3)).loss).toBe((await plain.step(next, 1e-3)).loss);
  });
});

describe('WASM engine', () => {
  for (const kernel of [...(nativeBuilt ? ['native' as const] : []), 'relaxed-simd', 'simd', 'ts'] as const)
    it(`runs the requested kernel flavour: ${kernel}`, async () => {
      // npm ci builds both WASM modules; Node 20 gets the relaxed-SIMD flag
      const e = track(await WasmEngine.create(opts, { threads: 2, kernel }));
      expect(e.name).toBe(`wasm-${kernel}-2t`);
    });

  it.skipIf(!nativeBuilt)('takes the same steps with the native kernel as with the relaxed-SIMD WebAssembly kernel, bit for bit', async () => {
    // native/kernel.cc mirrors assembly/kernel.ts operation for operation (the multiply-adds fused in both), on wider vectors
    const native = track(await WasmEngine.create(opts, { threads: 2, kernel: 'native' }));
    const wasm = track(await WasmEngine.create(opts, { threads: 2, kernel: 'relaxed-simd' }));
    for (const [i, batch] of [makeBatch(999, rng.child('native/0')), gridBatch(500, rng.child('native/1')), makeBatch(64, rng.child('native/2'))].entries()) {
      const [a, b] = [await native.step(batch, 1e-3, 50 * (i + 1)), await wasm.step(batch, 1e-3, 50 * (i + 1))];
      expect(a.loss).toBe(b.loss);
      expect(a.value).toBe(b.value);
    }
    expect(relDiff(native.getState().weights, wasm.getState().weights)).toBe(0);
    expect(relDiff(native.getState().adam.v, wasm.getState().adam.v)).toBe(0);
  });

  it('gives the same step on 1 or 3 threads (bit for bit) and nearly the same with another tile (batch size not a multiple of either)', async () => {
    const batch = makeBatch(999, rng.child('odd'));
    const one = track(await WasmEngine.create(opts, { threads: 1, tile: 16, chunks: 8 }));
    const three = track(await WasmEngine.create(opts, { threads: 3, tile: 16, chunks: 8 }));
    const other = track(await WasmEngine.create(opts, { threads: 2, tile: 40, chunks: 5 }));
    const [a, b, c] = [await one.step(batch, 1e-3), await three.step(batch, 1e-3), await other.step(batch, 1e-3)];
    expect(b.loss).toBe(a.loss);
    expect(relDiff(three.getState().adam.m, one.getState().adam.m)).toBe(0);
    expect(rel(c.loss, a.loss)).toBeLessThan(1e-6);
    expect(relDiff(other.getState().adam.m, one.getState().adam.m)).toBeLessThan(1e-5);
  });

  it('refuses malformed batches and options with a VmotError naming the field', async () => {
    const e = track(await WasmEngine.create(opts, { threads: 1 }));
    const batch = makeBatch(100, rng.child('bad'));
    await expect(e.step({ ...batch, cost: batch.cost.subarray(0, 50) }, 1e-3)).rejects.toThrow(/batch.cost/);
    await expect(e.step({ ...batch, inputs: batch.inputs.slice(0, 2) }, 1e-3)).rejects.toThrow(VmotError);
    await expect(WasmEngine.create(opts, { tile: 12 })).rejects.toThrow(/tile/);
    const state = e.getState();
    expect(() => e.setState({ ...state, weights: state.weights.slice(1) as NetWeights[] })).toThrow(/weights: network 1 layer 0 must be 1 x 64/);
  });
});
