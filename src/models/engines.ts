import type { Engine, EngineOptions } from './engine.js';
import { TfjsEngine } from './tfjs-engine.js';
import type { TrainingOptions } from './training-options.js';
import { WasmEngine } from './wasm-engine.js';

export { ENGINE_NAMES } from './training-options.js';
export type EngineName = TrainingOptions['engine'];

/** The engine called `name` (training.engine): the fused WASM kernel, capped at a kernel flavour, or TF.js. */
export function createEngine(name: EngineName, opts: EngineOptions): Promise<Engine> {
  switch (name) {
    case 'tfjs':
      return TfjsEngine.create(opts);
    case 'wasm':
      return WasmEngine.create(opts);
    case 'wasm-simd':
      return WasmEngine.create(opts, { kernel: 'simd' });
    case 'wasm-ts':
      return WasmEngine.create(opts, { kernel: 'ts' });
  }
}
