import { VmotError } from '../../core/errors.js';
import type { AdamOptions, Engine, EngineOptions, EngineState, LossBatch, NetWeights, StepResult } from './contract.js';
import { penaltyAtOutputs } from './loss.js';
import { cloneWeights, zerosLike } from './weights.js';

/**
 * The plain TypeScript reference of the engine contract: the dense ReLU networks, the penalized dual loss
 * (penaltyAtOutputs), its gradient by back-propagation written out loop by loop, and Adam (Kingma-Ba 2015) with
 * the bias correction folded into the step size, as every engine does. Dot products and gradients accumulate in
 * float64, activations are stored in float32 as the engines store them. Slow: the oracle every engine is tested
 * against (test/engines.test.ts), and the forward pass of exported hedges.
 */

/** Activations of every layer of `net` on n rows (n x in row-major): acts[0] = inputs, acts[L] = outputs. */
export function forwardLayers(net: NetWeights, inputs: Float32Array, n: number): Float32Array[] {
  const acts = [inputs];
  let a = inputs;
  for (let l = 0; l < net.length; l++) {
    const { w, b, in: inp, out } = net[l];
    const z = new Float32Array(n * out);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < out; j++) {
        let s = b[j];
        for (let i = 0; i < inp; i++) s += a[r * inp + i] * w[i * out + j];
        z[r * out + j] = l < net.length - 1 && s < 0 ? 0 : s;
      }
    }
    acts.push(z);
    a = z;
  }
  return acts;
}

/** The network's outputs on n rows. */
export function forward(net: NetWeights, inputs: Float32Array, n: number): Float32Array {
  return forwardLayers(net, inputs, n)[net.length];
}

/** dL/dw and dL/db of `net` from the output gradients `seed` (one per row), back through its stored activations. */
function backward(net: NetWeights, acts: Float32Array[], seed: Float64Array, n: number): { w: Float64Array; b: Float64Array }[] {
  const grads = net.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  let g = seed;
  for (let l = net.length - 1; l >= 0; l--) {
    const { w, in: inp, out } = net[l];
    const a = acts[l];
    for (let r = 0; r < n; r++)
      for (let j = 0; j < out; j++) {
        const gj = g[r * out + j];
        if (gj === 0) continue;
        grads[l].b[j] += gj;
        for (let i = 0; i < inp; i++) grads[l].w[i * out + j] += a[r * inp + i] * gj;
      }
    if (l === 0) break;
    // through W^T and the ReLU derivative of the previous layer's activations
    const prev = new Float64Array(n * inp);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < inp; i++) {
        if (!(a[r * inp + i] > 0)) continue;
        let s = 0;
        for (let j = 0; j < out; j++) s += g[r * out + j] * w[i * out + j];
        prev[r * inp + i] = s;
      }
    g = prev;
  }
  return grads;
}

/** Loss, dual value and gradient of the penalized dual loss for `weights` on `batch` (no update). */
export function lossAndGradient(weights: NetWeights[], batch: LossBatch, integralWeights: number[], gamma: number) {
  const B = batch.size;
  const acts = weights.map((net, k) => forwardLayers(net, batch.inputs[k], B));
  const outs = acts.map((a) => a[a.length - 1]);
  const seeds = weights.map(() => new Float64Array(B));
  const { sumSq, sumValue } = penaltyAtOutputs(batch, outs, outs.map(() => null), integralWeights, gamma, seeds);
  const grads = weights.map((net, k) => backward(net, acts[k], seeds[k], B));
  const value = sumValue / B;
  return { loss: value + (gamma / 2) * (sumSq / B), value, grads };
}

export class ReferenceEngine implements Engine {
  readonly name = 'reference';
  readonly arithmetic = 'reference';
  private state: EngineState;

  constructor(private readonly opts: EngineOptions) {
    this.state = { weights: cloneWeights(opts.weights), adam: { m: zerosLike(opts.weights), v: zerosLike(opts.weights), t: 0 } };
  }

  async step(batch: LossBatch, lr: number, gamma = this.opts.loss.gamma, work?: () => boolean): Promise<StepResult> {
    const { weights, adam } = this.state;
    if (batch.inputs.length !== weights.length) throw new VmotError(`needs ${weights.length} networks`, 'batch.inputs');
    const r = lossAndGradient(weights, batch, this.opts.loss.integralWeights, gamma);
    adam.t += 1;
    const { beta1, beta2, eps }: AdamOptions = this.opts.adam;
    const alpha = (lr * Math.sqrt(1 - beta2 ** adam.t)) / (1 - beta1 ** adam.t);
    weights.forEach((net, k) =>
      net.forEach((l, j) =>
        (['w', 'b'] as const).forEach((f) => {
          const p = l[f];
          const m = adam.m[k][j][f];
          const v = adam.v[k][j][f];
          const g = r.grads[k][j][f];
          for (let i = 0; i < p.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
          }
        }),
      ),
    );
    while (work?.());
    return { loss: r.loss, value: r.value };
  }

  async evaluate(k: number, inputs: Float32Array, n: number): Promise<Float32Array> {
    if (!Number.isInteger(k) || k < 0 || k >= this.state.weights.length) throw new VmotError(`no network ${k}`, 'evaluate.k');
    return forward(this.state.weights[k], inputs, n);
  }

  getState(): EngineState {
    const { weights, adam } = this.state;
    return { weights: cloneWeights(weights), adam: { m: cloneWeights(adam.m), v: cloneWeights(adam.v), t: adam.t } };
  }

  setState(state: EngineState): void {
    this.state = { weights: cloneWeights(state.weights), adam: { m: cloneWeights(state.adam.m), v: cloneWeights(state.adam.v), t: state.adam.t } };
  }

  dispose(): void {}
}
