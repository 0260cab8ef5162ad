import type { EngineName } from '../../problem/training.js';
import type { Engine, EngineOptions } from './contract.js';
import { ReferenceEngine } from './reference.js';
import { TfjsEngine } from './tfjs/engine.js';
import { WasmEngine } from './wasm/engine.js';

/** Every engine behind the contract, by its training.engine name; test/engines.test.ts runs them all against `reference`. */
export const ENGINES: Record<EngineName, (opts: EngineOptions) => Promise<Engine>> = {
  wasm: (opts) => WasmEngine.create(opts),
  'wasm-relaxed-simd': (opts) => WasmEngine.create(opts, { kernel: 'relaxed-simd' }),
  'wasm-simd': (opts) => WasmEngine.create(opts, { kernel: 'simd' }),
  'wasm-ts': (opts) => WasmEngine.create(opts, { kernel: 'ts' }),
  tfjs: (opts) => TfjsEngine.create(opts),
  reference: async (opts) => new ReferenceEngine(opts),
};

/** The engine called `name` (training.engine). */
export function createEngine(name: EngineName, opts: EngineOptions): Promise<Engine> {
  return ENGINES[name](opts);
}
