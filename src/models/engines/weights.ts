import type { Rng } from '../../core/random.js';
import type { EngineState, NetSpec, NetWeights } from './contract.js';

/** PyTorch's default Linear initialisation, U(-1/sqrt(in), 1/sqrt(in)) for weights and biases, from a seeded stream. */
export function initWeights(specs: NetSpec[], rng: Rng): NetWeights[] {
  return specs.map((spec) => {
    const dims = [spec.inputs, ...spec.hidden, 1];
    return dims.slice(1).map((out, l) => {
      const inp = dims[l];
      const bound = 1 / Math.sqrt(inp);
      const draw = () => (2 * rng.uniform() - 1) * bound;
      return { in: inp, out, w: Float32Array.from({ length: inp * out }, draw), b: Float32Array.from({ length: out }, draw) };
    });
  });
}

export function zerosLike(weights: NetWeights[]): NetWeights[] {
  return weights.map((net) => net.map((l) => ({ in: l.in, out: l.out, w: new Float32Array(l.w.length), b: new Float32Array(l.b.length) })));
}

export function cloneWeights(weights: NetWeights[]): NetWeights[] {
  return weights.map((net) => net.map((l) => ({ ...l, w: Float32Array.from(l.w), b: Float32Array.from(l.b) })));
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f32 = (s: string) => {
  const buf = Buffer.from(s, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};

/** JSON form of a value: every Float32Array becomes a base64 string (bit-exact). */
export type Enc<T> = T extends Float32Array ? string : T extends object ? { [K in keyof T]: Enc<T[K]> } : T;
export const encodeNets = (nets: NetWeights[]): Enc<NetWeights[]> => nets.map((n) => n.map((l) => ({ in: l.in, out: l.out, w: b64(l.w), b: b64(l.b) })));
export const decodeNets = (nets: Enc<NetWeights[]>): NetWeights[] => nets.map((n) => n.map((l) => ({ in: l.in, out: l.out, w: f32(l.w), b: f32(l.b) })));

export function encodeState(s: EngineState): Enc<EngineState> {
  return { weights: encodeNets(s.weights), adam: { m: encodeNets(s.adam.m), v: encodeNets(s.adam.v), t: s.adam.t } };
}

export function decodeState(s: Enc<EngineState>): EngineState {
  return { weights: decodeNets(s.weights), adam: { m: decodeNets(s.adam.m), v: decodeNets(s.adam.v), t: s.adam.t } };
}
