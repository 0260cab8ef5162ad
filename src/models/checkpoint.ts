import { readJsonIfPresent, writeJsonAtomic } from '../core/files.js';
import type { EngineState } from './engines/contract.js';
import { decodeState, encodeState, type Enc } from './engines/weights.js';
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

export function saveCheckpoint(file: string, cp: Checkpoint): void {
  writeJsonAtomic(file, { ...cp, state: encodeState(cp.state) });
}

/** The checkpoint in `file` if it belongs to the same job (same fingerprint), else undefined. */
export function loadCheckpoint(file: string, fingerprint: string): Checkpoint | undefined {
  const raw = readJsonIfPresent(file) as (Omit<Checkpoint, 'state'> & { state: Enc<EngineState> }) | undefined;
  if (raw?.fingerprint !== fingerprint) return undefined;
  try {
    return { ...raw, state: decodeState(raw.state) };
  } catch {
    return undefined; // unreadable state: train afresh
  }
}
