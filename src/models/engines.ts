import type { Engine, EngineOptions } from './engine.js';
import { TfjsEngine } from './tfjs-engine.js';
import { WasmEngine } from './wasm-engine.js';

/**
 * Engine names: "wasm" is the fused kernel with the best SIMD the runtime supports (relaxed SIMD,
 * then SIMD128, then plain TypeScript); "wasm-simd" and "wasm-ts" cap the kernel flavour; "tfjs" is
 * the TF.js engine.
 */
export const ENGINE_NAMES = ['wasm', 'wasm-simd', 'wasm-ts', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

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
