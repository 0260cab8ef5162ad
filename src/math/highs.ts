import highsModule, { type Highs } from 'highs';

// the package's types.d.ts is read as CommonJS (loader under .default) while Node loads build/highs.mjs (loader as default export)
const loadHighs: typeof highsModule.default = typeof highsModule === 'function' ? highsModule : highsModule.default;
let runtime: Promise<Highs> | undefined;

/**
 * The one HiGHS WebAssembly runtime of the process (Huangfu-Hall 2018), loaded on first use and shared by the
 * LP solver and the quotes pipeline's QPs; its linear memory only grows, up to 2 GiB.
 */
export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

export type { Highs };
