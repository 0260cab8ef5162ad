import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { packageRoot } from '../../../core/package.js';
import type { Kernel } from './fused-step.js';

/** Kernel flavours, fastest first: native (native/kernel.cc for this CPU), relaxed-SIMD FMA, plain SIMD128, plain TypeScript loops. */
export type KernelKind = 'native' | 'relaxed-simd' | 'simd' | 'ts';
export const KERNEL_KINDS: KernelKind[] = ['native', 'relaxed-simd', 'simd', 'ts'];

/** Where a kernel comes from: a compiled WebAssembly module, the path of the native addon, or neither (TypeScript). Cloneable, so workers get it too. */
export interface KernelSource {
  kind: KernelKind;
  module?: WebAssembly.Module;
  addon?: string;
}

/** The native addon: bind(view) gives the Kernel on the memory under a Float32Array view of it. */
type NativeAddon = { bind(view: Float32Array): Kernel };

const requireAddon = createRequire(import.meta.url);

/** The native kernel built by `npm run build:native` (node-gyp, optional), if it was built and loads on this runtime. */
function nativeFile(): string | undefined {
  const file = join(packageRoot(), 'native', 'build', 'Release', 'vmot_kernel.node');
  if (!existsSync(file)) return undefined;
  try {
    requireAddon(file);
    return file;
  } catch {
    return undefined;
  }
}

/** Maximum size of the shared memory in 64 KiB pages (1 GiB); assembly/kernel.ts is compiled with the same bound. */
export const MAX_PAGES = 16384;

/** The compiled kernel of one flavour (built from assembly/kernel.ts by `npm run build:wasm`), or undefined if absent. */
function wasmFile(kind: 'relaxed-simd' | 'simd'): string | undefined {
  const file = join(packageRoot(), 'build', `kernel-${kind}.wasm`);
  return existsSync(file) ? file : undefined;
}

/**
 * The best kernel flavour not faster than `max` that this runtime accepts. The native kernel is optional (it needs a
 * compiler at install) and is used when it loads. Relaxed SIMD needs V8's --experimental-wasm-relaxed-simd on Node
 * 20; it is switched on here when needed. A WebAssembly flavour whose module is missing (an install without build/)
 * is reported on stderr: the runtime could run it, the package did not ship it.
 */
export function compileKernel(max: KernelKind = 'native'): KernelSource {
  const missing: KernelKind[] = [];
  const found = (source: KernelSource) => {
    if (missing.length > 0) warnOnce(`vmot: warning: ${missing.map((k) => `build/kernel-${k}.wasm`).join(' and ')} not found in ${packageRoot()} (run "npm run build:wasm"); the wasm engine falls back to the slower ${source.kind} kernel`);
    return source;
  };
  for (const kind of KERNEL_KINDS.slice(KERNEL_KINDS.indexOf(max))) {
    if (kind === 'ts') return found({ kind });
    if (kind === 'native') {
      const addon = nativeFile();
      if (addon) return { kind, addon };
      continue;
    }
    const file = wasmFile(kind);
    if (!file) {
      missing.push(kind);
      continue;
    }
    const bytes = readFileSync(file);
    if (kind === 'relaxed-simd' && !WebAssembly.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (WebAssembly.validate(bytes)) return found({ kind, module: new WebAssembly.Module(bytes) });
  }
  return found({ kind: 'ts' });
}

const warned = new Set<string>();
/** One line on stderr, once per process and message. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`${message}\n`);
}

/** Instantiates a kernel on `memory`: the native addon, the compiled module, or the plain TypeScript kernel. */
export function instantiateKernel(source: KernelSource, memory: WebAssembly.Memory): Kernel {
  if (source.addon) return (requireAddon(source.addon) as NativeAddon).bind(new Float32Array(memory.buffer));
  if (!source.module) return tsKernel(memory);
  return new WebAssembly.Instance(source.module, { env: { memory, abort: () => undefined } }).exports as unknown as Kernel;
}

/** The primitives of assembly/kernel.ts in plain TypeScript loops (same semantics, no SIMD): GEMM with bias and ReLU mask, Adam (Kingma-Ba 2015), transpose. */
function tsKernel(memory: WebAssembly.Memory): Kernel {
  const heap = () => new Float32Array(memory.buffer);
  return {
    gemm(rows, kdim, n, a, rs, cs, b, c, bias, mask, relu) {
      const f = heap();
      [a, b, c, bias, mask] = [a / 4, b / 4, c / 4, bias / 4, mask / 4];
      for (let r = 0; r < rows; r++) {
        const cr = c + r * n;
        if (bias) for (let j = 0; j < n; j++) f[cr + j] = f[bias + j];
        for (let k = 0; k < kdim; k++) {
          const s = f[a + r * rs + k * cs];
          const bk = b + k * n;
          for (let j = 0; j < n; j++) f[cr + j] += s * f[bk + j];
        }
        if (mask || relu) for (let j = 0; j < n; j++) if (!(f[(mask ? mask + r * n : cr) + j] > 0)) f[cr + j] = 0;
      }
    },
    adam(p, m, v, g, parts, stride, count, alpha, b1, b2, eps) {
      const f = heap();
      [p, m, v, g, stride] = [p / 4, m / 4, v / 4, g / 4, stride / 4];
      for (let i = 0; i < count; i++) {
        let gi = 0;
        for (let t = 0; t < parts; t++) gi += f[g + t * stride + i];
        f[m + i] = b1 * f[m + i] + (1 - b1) * gi;
        f[v + i] = b2 * f[v + i] + (1 - b2) * gi * gi;
        f[p + i] -= (alpha * f[m + i]) / (Math.sqrt(f[v + i]) + eps);
      }
    },
    transpose(src, dst, rows, cols) {
      const f = heap();
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f[dst / 4 + j * rows + i] = f[src / 4 + i * cols + j];
    },
  };
}
