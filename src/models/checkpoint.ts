import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineState, NetWeights } from './engine.js';
import type { TailState } from './tail.js';

/** Training state saved between steps: enough to resume bit-for-bit (batches are derived from the step index). */
export interface Checkpoint {
  fingerprint: string;
  step: number;
  seconds: number;
  trace: TracePoint[];
  state: EngineState;
  /** Running tail average (tail.ts), encoded; absent before the tail starts. */
  tail?: Enc<TailState>;
}

export interface TracePoint {
  step: number;
  /** Dual value on the training batch, in price units. */
  value: number;
  loss: number;
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f32 = (s: string) => {
  const buf = Buffer.from(s, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
export type Enc<T> = T extends Float32Array ? string : T extends object ? { [K in keyof T]: Enc<T[K]> } : T;
export const encodeNets = (nets: NetWeights[]) => nets.map((n) => n.map((l) => ({ in: l.in, out: l.out, w: b64(l.w), b: b64(l.b) })));
export const decodeNets = (nets: Enc<NetWeights[]>) => nets.map((n) => n.map((l) => ({ in: l.in, out: l.out, w: f32(l.w), b: f32(l.b) })));

export function encodeState(s: EngineState): Enc<EngineState> {
  return { weights: encodeNets(s.weights), adam: { m: encodeNets(s.adam.m), v: encodeNets(s.adam.v), t: s.adam.t } };
}

export function decodeState(s: Enc<EngineState>): EngineState {
  return { weights: decodeNets(s.weights), adam: { m: decodeNets(s.adam.m), v: decodeNets(s.adam.v), t: s.adam.t } };
}

/** Writes atomically (temp file + rename), so an interrupt never leaves a half-written file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

export function saveCheckpoint(file: string, cp: Checkpoint): void {
  writeJsonAtomic(file, { ...cp, state: encodeState(cp.state) });
}

/** The checkpoint in `file` if it belongs to the same job (same fingerprint), else undefined. */
export function loadCheckpoint(file: string, fingerprint: string): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    if (raw.fingerprint !== fingerprint) return undefined;
    return { ...raw, state: decodeState(raw.state) };
  } catch {
    return undefined;
  }
}
