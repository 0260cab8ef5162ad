import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VmotError } from '../core/errors.js';
import { packageRoot } from '../core/package.js';

/** The exports of assembly/rough.ts: pointers are byte offsets into `memory`. */
interface Exports {
  heapBase(): number;
  implicitStep(m: number, c2: number, c0re: number, c0im: number, c1re: number, c1im: number, hRe: number, hIm: number, w0: number, w1: number, f0re: number, f0im: number, psiRe: number, psiIm: number, f1re: number, f1im: number): void;
  productRow(beta: number, gammaBeta: number, t: number, r: number, out: number): void;
  rowSum(m: number, count: number, w: number, xRe: number, xIm: number, hRe: number, hIm: number): void;
  oscillations(J: number, S: number, v: number, k: number, cosVK: number, sinVK: number): void;
  fourierSum(J: number, S: number, zr: number, zi: number, cosVK: number, sinVK: number, out: number): void;
  soeHistory(m: number, N: number, x: number, c: number, h: number, hNext: number, scratch: number, Mre: number, Mim: number, f0re: number, f0im: number, f1re: number, f1im: number, hRe: number, hIm: number): void;
}

/** The compiled inner loops of the fractional Adams scheme (adams.ts) and of the Fourier sum (fourier.ts) on their own memory. */
export interface RoughKernel extends Omit<Exports, 'heapBase'> {
  /**
   * Lays out float64 arrays of these lengths one after the other, growing the memory as needed, all zeros: their
   * pointers and views. Every call reuses the same memory, so a caller copies out what it keeps before the next call.
   */
  place(lengths: readonly number[]): { ptr: number[]; view: Float64Array[] };
}

/** WebAssembly's page (64 KiB). */
const PAGE = 65536;

let kernel: RoughKernel | undefined;

/** The kernel built from assembly/rough.ts by `npm run build:wasm` (shipped in the package's build/), compiled once per process. */
export function roughKernel(): RoughKernel {
  if (kernel) return kernel;
  const file = join(packageRoot(), 'build', 'rough.wasm');
  if (!existsSync(file)) throw new VmotError(`build/rough.wasm not found in ${packageRoot()}: the rough Heston pricer needs it (run "npm run build:wasm")`);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env: { memory } }).exports as unknown as Exports;
  const base = exports.heapBase();
  kernel = {
    implicitStep: exports.implicitStep,
    productRow: exports.productRow,
    rowSum: exports.rowSum,
    soeHistory: exports.soeHistory,
    oscillations: exports.oscillations,
    fourierSum: exports.fourierSum,
    place(lengths) {
      const start = Math.ceil(base / 8) * 8;
      let end = start;
      const ptr = lengths.map((n) => {
        const p = end;
        end += 8 * n;
        return p;
      });
      const pages = Math.ceil(end / PAGE) - memory.buffer.byteLength / PAGE;
      if (pages > 0) {
        try {
          memory.grow(pages);
        } catch {
          throw new VmotError(`the rough Heston pricer needs ${(end / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, more than this runtime grants: ask for fewer Riccati steps (a looser tolerance) or fewer strikes`);
        }
      }
      new Uint8Array(memory.buffer, start, end - start).fill(0);
      return { ptr, view: ptr.map((p, i) => new Float64Array(memory.buffer, p, lengths[i])) };
    },
  };
  return kernel;
}
