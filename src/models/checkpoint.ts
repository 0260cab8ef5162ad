import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readJsonIfPresent, writeJsonAtomic } from '../core/files.js';
import type { EngineState, NetWeights } from './engines/contract.js';
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

type Stored = Omit<Checkpoint, 'state'> & { state: Enc<EngineState>; checksum: string };

/** SHA-256 of everything a checkpoint holds but the checksum itself. */
const checksum = (cp: Omit<Stored, 'checksum'>) => createHash('sha256').update(JSON.stringify(cp)).digest('hex');

/** Writes the checkpoint with its checksum, atomically (temp file + rename): a kill never leaves half a file. */
export function saveCheckpoint(file: string, cp: Checkpoint): void {
  const stored = { ...cp, state: encodeState(cp.state) };
  writeJsonAtomic(file, { ...stored, checksum: checksum(stored) });
}

const finite = (nets: NetWeights[]) => nets.every((net) => net.every((l) => l.w.every(Number.isFinite) && l.b.every(Number.isFinite)));

/**
 * The checkpoint in `file` if it belongs to the same job (same fingerprint) and is intact, else undefined; `notice`
 * hears why a checkpoint that exists was not used (corrupt, not finite, another job's), so a restart is never silent.
 */
export function loadCheckpoint(file: string, fingerprint: string, notice: (message: string) => void = () => undefined): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  const raw = readJsonIfPresent(file) as Stored | undefined;
  const discard = (why: string) => (notice(`checkpoint ${file} ${why}; training starts again from step 0`), undefined);
  if (!raw || typeof raw !== 'object') return discard('is not readable JSON (truncated?)');
  if (raw.fingerprint !== fingerprint) return discard('belongs to another problem, engine or setting');
  const { checksum: sum, ...rest } = raw;
  if (sum !== checksum(rest)) return discard('fails its checksum (modified or damaged)');
  let state: EngineState;
  try {
    state = decodeState(raw.state);
  } catch {
    return discard('has an unreadable state');
  }
  if (!finite(state.weights) || !finite(state.adam.m) || !finite(state.adam.v)) return discard('holds weights that are not finite');
  return { ...rest, state };
}
