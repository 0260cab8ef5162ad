import { afterAll, describe, expect, it } from 'vitest';
import { forward, initWeights, type Engine, type EngineOptions, type LossBatch, type NetWeights } from '../src/models/engine.js';
import { groupRows } from '../src/models/fused-step.js';
import { TfjsEngine } from '../src/models/tfjs-engine.js';
import { WasmEngine } from '../src/models/wasm-engine.js';
import { VmotError } from '../src/errors.js';
import { Rng } from '../src/random.js';
import { buildDual } from '../src/models/formulation.js';
import { buildPayoff } from '../src/models/payoffs.js';
import { normalMarginal } from '../src/marginals/parametric.js';

// All worker-thread tests of the project's engines live in this one file, so they never run concurrently.

// phi-like scalar nets, an h-like net with 3 inputs and widths that are not multiples of 8
const specs = [
  { inputs: 1, hidden: [64, 64, 64] },
  { inputs: 1, hidden: [64, 64, 64] },
  { inputs: 3, hidden: [20, 13] },
];
const rng = new Rng('engine-parity');
const weights = initWeights(specs, rng.child('init'));
const opts: EngineOptions = {
  specs,
  loss: { integralWeights: [1, 1, 0], gamma: 50 },
  adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  weights,
};

function makeBatch(B: number, r: Rng): LossBatch {
  const normal = (n: number) => Float32Array.from({ length: n }, () => r.normal());
  return { size: B, inputs: specs.map((s) => normal(B * s.inputs)), multipliers: [null, null, normal(B)], cost: normal(B) };
}

/** max over layers of max|a - b| / max|b|: relative difference of gradients or weights, layer by layer. */
function relDiff(a: NetWeights[], b: NetWeights[]): number {
  let worst = 0;
  a.forEach((net, k) =>
    net.forEach((l, j) =>
      (['w', 'b'] as const).forEach((f) => {
        let d = 0;
        let m = 0;
        l[f].forEach((x, i) => ((d = Math.max(d, Math.abs(x - b[k][j][f][i]))), (m = Math.max(m, Math.abs(b[k][j][f][i])))));
        worst = Math.max(worst, d / m);
      }),
    ),
  );
  return worst;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const engines: Engine[] = [];
const track = <E extends Engine>(e: E) => (engines.push(e), e);
afterAll(() => engines.forEach((e) => e.dispose()));

describe('WasmEngine against TfjsEngine', () => {
  it('gives the same loss, value and gradients on the same weights and batch, and a few Adam steps stay together', async () => {
    const batch = makeBatch(1000, rng.child('batch'));
    const wasm = track(await WasmEngine.create(opts, { threads: 2 }));
    const tfjs = track(await TfjsEngine.create(opts));
    const a = await wasm.step(batch, 1e-3);
    const b = await tfjs.step(batch, 1e-3);
    expect(rel(a.loss, b.loss)).toBeLessThan(1e-4);
    expect(rel(a.value, b.value)).toBeLessThan(1e-4);
    // after one step Adam's first moment is (1 - beta1) * gradient: compare the gradients through it
    expect(relDiff(wasm.getState().adam.m, tfjs.getState().adam.m)).toBeLessThan(1e-4);
    for (let s = 0; s < 4; s++) {
      const next = makeBatch(1000, rng.child(`batch/${s}`));
      const x = await wasm.step(next, 1e-3);
      const y = await tfjs.step(next, 1e-3);
      expect(rel(x.loss, y.loss)).toBeLessThan(1e-4);
    }
    expect(relDiff(wasm.getState().weights, tfjs.getState().weights)).toBeLessThan(1e-4);
    expect(wasm.getState().adam.t).toBe(5);
  });

  it('agrees when the scalar inputs repeat (rows grouped by input: forward and backward once per distinct input)', async () => {
    const grid = (n: number) => Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * 40) / 10 - 2);
    const base = makeBatch(2000, rng.child('grid'));
    const batch = { ...base, inputs: [grid(2000), grid(2000), base.inputs[2]] };
    expect(groupRows(specs, batch.inputs, 2000)?.map((g) => g.values.length)).toEqual([40, 40, 6000]);
    const wasm = track(await WasmEngine.create(opts, { threads: 2 }));
    const tfjs = track(await TfjsEngine.create(opts));
    for (let s = 0; s < 3; s++) {
      const a = await wasm.step(batch, 1e-3);
      const b = await tfjs.step(batch, 1e-3);
      expect(rel(a.loss, b.loss)).toBeLessThan(1e-4);
      expect(rel(a.value, b.value)).toBeLessThan(1e-4);
      if (s === 0) expect(relDiff(wasm.getState().adam.m, tfjs.getState().adam.m)).toBeLessThan(1e-4);
    }
    expect(relDiff(wasm.getState().weights, tfjs.getState().weights)).toBeLessThan(1e-4);
  });

  it('agrees on a batch of the grid sampler, whose groups the WASM engine takes as given (TF.js reads the rows)', async () => {
    const marginals = [[normalMarginal(0, 1), normalMarginal(0, 1.5)], [normalMarginal(0, 2), normalMarginal(0, 2.5)]];
    const payoff = buildPayoff({ type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] }, { T: 2, d: 2 }).value;
    const dual = buildDual('reduced', { marginals, payoff, hidden: [24, 16], scaling: { sign: 1, shift: 0, scale: 4 }, grid: 256 });
    const o: EngineOptions = { ...opts, specs: dual.specs, loss: { integralWeights: dual.integralWeights, gamma: 50 }, weights: initWeights(dual.specs, rng.child('grid-init')) };
    const wasm = track(await WasmEngine.create(o, { threads: 2 }));
    const tfjs = track(await TfjsEngine.create(o));
    for (let s = 0; s < 3; s++) {
      const { batch } = dual.sample(2000, rng.child(`sampler/${s}`));
      expect(batch.groups?.filter((g) => g !== null).length).toBe(5);
      const a = await wasm.step(batch, 1e-3);
      const b = await tfjs.step(batch, 1e-3);
      expect(rel(a.loss, b.loss)).toBeLessThan(1e-4);
      if (s === 0) expect(relDiff(wasm.getState().adam.m, tfjs.getState().adam.m)).toBeLessThan(1e-4);
    }
    expect(relDiff(wasm.getState().weights, tfjs.getState().weights)).toBeLessThan(1e-4);
  });

  it('continues a TF.js run from its state (weights and Adam moments are interchangeable)', async () => {
    const tfjs = track(await TfjsEngine.create(opts));
    for (let s = 0; s < 3; s++) await tfjs.step(makeBatch(500, rng.child(`warm/${s}`)), 1e-3);
    const wasm = track(await WasmEngine.create(opts, { threads: 2 }));
    wasm.setState(tfjs.getState());
    const batch = makeBatch(500, rng.child('after'));
    const a = await wasm.step(batch, 1e-3);
    const b = await tfjs.step(batch, 1e-3);
    expect(rel(a.loss, b.loss)).toBeLessThan(1e-4);
    expect(relDiff(wasm.getState().weights, tfjs.getState().weights)).toBeLessThan(1e-4);
    expect(relDiff(wasm.getState().adam.v, tfjs.getState().adam.v)).toBeLessThan(1e-4);
  });
});

describe('WasmEngine kernels', () => {
  const x = Float32Array.from({ length: 777 * 3 }, () => rng.normal());
  for (const kernel of ['relaxed-simd', 'simd', 'ts'] as const)
    it(`${kernel}: evaluate matches the plain TypeScript forward pass`, async () => {
      const e = track(await WasmEngine.create(opts, { threads: 2, kernel }));
      // the requested flavour really runs (npm ci builds both WASM modules; Node 20 gets the relaxed-SIMD flag)
      expect(e.name).toBe(`wasm-${kernel}-2t`);
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
    expect(() => e.setState({ ...state, weights: state.weights.slice(1) })).toThrow(/weights: network 1 layer 0 must be 1 x 64/);
  });
});
