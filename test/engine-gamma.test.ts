import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/models/engines.js';
import { initWeights, type LossBatch } from '../src/models/engine.js';
import { Rng } from '../src/random.js';

// The penalty continuation passes gamma per step; both engines must use it in the loss and in the gradient.
describe('per-step gamma override', () => {
  const specs = [{ inputs: 1, hidden: [8, 8] }, { inputs: 2, hidden: [8, 8] }];
  const rng = new Rng('gamma');
  const n = 64;
  const batch: LossBatch = {
    size: n,
    inputs: [Float32Array.from({ length: n }, () => rng.normal()), Float32Array.from({ length: 2 * n }, () => rng.normal())],
    multipliers: [null, Float32Array.from({ length: n }, () => rng.normal())],
    cost: Float32Array.from({ length: n }, () => rng.normal()),
  };
  /** Loss of the first step and value after three steps, all under `gamma` (engine built with loss.gamma = 1). */
  const run = async (name: 'tfjs' | 'wasm', gamma?: number) => {
    const e = await createEngine(name, { specs, loss: { integralWeights: [1, 0], gamma: 1 }, adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 }, weights: initWeights(specs, new Rng(1)) });
    const first = (await e.step(batch, 1e-2, gamma)).loss;
    await e.step(batch, 1e-2, gamma);
    await e.step(batch, 1e-2, gamma);
    const after = (await e.step(batch, 0, 1)).value;
    e.dispose();
    return { first, after };
  };
  it('both engines agree under an override, and the override changes loss and trajectory', async () => {
    const t1 = await run('tfjs');
    const t20 = await run("tfjs", 20);
    const w20 = await run("wasm", 20);
    expect(t20.first).toBeGreaterThan(t1.first + 0.1);
    expect(Math.abs(t20.first / w20.first - 1)).toBeLessThan(1e-4);
    expect(Math.abs(t20.after - t1.after)).toBeGreaterThan(1e-4);
    expect(Math.abs(t20.after - w20.after)).toBeLessThan(1e-4 * Math.max(1, Math.abs(t20.after)));
  });
});
