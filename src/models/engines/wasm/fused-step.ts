import type { AdamOptions, NetSpec, NetWeights } from '../contract.js';

/**
 * The fused training step of the penalized dual loss (../contract.ts) for K dense ReLU networks, written
 * once over a small set of kernel primitives (assembly/kernel.ts in WASM, or kernels.ts in plain
 * TypeScript) that work on one linear memory shared by all threads. The batch is cut into a fixed
 * number of chunks that the threads take in turn (so a thread slowed by other load does not hold the
 * rest back); each chunk's forward and backward passes run tile by tile and its gradients go to the
 * chunk's own copy, which the main thread sums in a fixed order before Adam: the result does not
 * depend on which thread took which chunk.
 */
export interface Kernel {
  /** See assembly/kernel.ts: C = (bias row or C) + A B, masked; all pointers are byte offsets. */
  gemm(rows: number, kdim: number, n: number, a: number, rs: number, cs: number, b: number, c: number, bias: number, mask: number, relu: number): void;
  adam(p: number, m: number, v: number, g: number, parts: number, stride: number, count: number, alpha: number, b1: number, b2: number, eps: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

export interface LayerLayout {
  in: number;
  out: number;
  /** Padded widths: inP is the previous layer's outP (in for the first layer), outP a multiple of 8. */
  inP: number;
  outP: number;
  /** Float offsets of w (inP x outP row-major) and b (outP) inside a parameter vector. */
  w: number;
  b: number;
  /** Byte offset of this layer's activations (tile x outP) inside a thread's scratch. */
  act: number;
}

export interface Layout {
  specs: NetSpec[];
  nets: LayerLayout[][];
  threads: number;
  /** Chunks of a batch, each with its own gradient copy and statistics. */
  chunks: number;
  tile: number;
  /** Length of the (padded) parameter vector in floats, a multiple of 8. */
  size: number;
  /** Byte offsets of the fixed regions. */
  zeros: number;
  ones: number;
  params: number;
  m: number;
  v: number;
  wt: number;
  grads: number;
  stats: number;
  scratch: number;
  scratchBytes: number;
  /** Scratch-relative byte offsets of the gradient buffers and the per-row residuals. */
  g0: number;
  g1: number;
  seed: number;
  rp: number;
  /** Start of the batch region (see ioLayout). */
  io: number;
}

/** Byte offsets of the batch region for `capacity` rows: inputs and multipliers per network, cost, outputs. */
export interface IoLayout {
  x: number[];
  mult: number[];
  cost: number;
  out: number;
  end: number;
}

export const RESERVED_BYTES = 1 << 16;
const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/** Places parameters, Adam moments, per-thread gradients and scratch in the shared memory. */
export function makeLayout(specs: NetSpec[], threads: number, tile: number, chunks: number): Layout {
  let size = 0;
  let act = 0;
  let maxP = 8;
  const nets = specs.map((spec) => {
    const dims = [spec.inputs, ...spec.hidden, 1];
    let inP = spec.inputs;
    return dims.slice(1).map((out, l) => {
      const outP = pad8(out);
      const layer = { in: dims[l], out, inP, outP, w: size, b: size + inP * outP, act };
      size += inP * outP + outP;
      act += tile * outP * 4;
      maxP = Math.max(maxP, outP);
      inP = outP;
      return layer;
    });
  });
  const bytes = size * 4;
  let at = RESERVED_BYTES;
  const take = (n: number) => ((at += n), at - n);
  const zeros = take(maxP * 4);
  const ones = take(tile * 4);
  const params = take(bytes);
  const m = take(bytes);
  const v = take(bytes);
  const wt = take(bytes);
  const grads = take(bytes * chunks);
  const stats = take(16 * chunks);
  const g0 = act;
  const g1 = g0 + tile * maxP * 4;
  const seed = g1 + tile * maxP * 4;
  const rp = seed + tile * 8 * 4;
  const scratchBytes = rp + tile * 4;
  const scratch = take(scratchBytes * threads);
  return { specs, nets, threads, chunks, tile, size, zeros, ones, params, m, v, wt, grads, stats, scratch, scratchBytes, g0, g1, seed, rp, io: at };
}

export function ioLayout(layout: Layout, capacity: number): IoLayout {
  let at = layout.io;
  const take = (floats: number) => ((at += floats * 4), at - floats * 4);
  const x = layout.specs.map((s) => take(capacity * s.inputs));
  const mult = layout.specs.map(() => take(capacity));
  const cost = take(capacity);
  const out = take(capacity);
  return { x, mult, cost, out, end: at };
}

/** Fills the constant regions (ones for bias gradients, zero padding of gradient seeds) once. */
export function initMemory(layout: Layout, f32: Float32Array): void {
  f32.fill(1, layout.ones / 4, layout.ones / 4 + layout.tile);
  f32.fill(0, layout.scratch / 4, (layout.scratch + layout.scratchBytes * layout.threads) / 4);
}

/**
 * Train: fused step on the batch rows; Eval: one network's outputs (at `out`), or with net -1 every network's outputs
 * of its netRows rows (each at its multiplier slot); Backprop: forward and backward of grouped rows with given seeds;
 * Adam: the update of the summed chunk gradients, one network at a time, each followed by its transposed weights.
 */
export const Job = { Train: 1, Eval: 2, Backprop: 3, Adam: 4 } as const;
export type Job = (typeof Job)[keyof typeof Job];

/** What one job needs besides the layout: loss constants and which rows carry multipliers. */
export interface JobSpec {
  job: Job;
  /** Network evaluated by an Eval job; -1: all of them. */
  net: number;
  rows: number;
  capacity: number;
  gamma: number;
  integralWeights: number[];
  hasMult: boolean[];
  /** Backprop: rows of each network (its distinct inputs, seeds in its multiplier slot). */
  netRows: number[];
  /** Adam: the step size of this step (bias corrections included) and the fixed moments' constants. */
  alpha: number;
  adam: AdamOptions;
}

/** Rows [start, end) of chunk c when n rows are cut into the layout's chunks. */
function rowsOf(layout: Layout, c: number, n: number): [number, number] {
  const chunk = Math.ceil(n / layout.chunks / 4) * 4;
  return [Math.min(n, c * chunk), Math.min(n, (c + 1) * chunk)];
}

/** Thread `tid`'s part of a job on memory `mem` with kernel `kern`: chunks taken from `next()` until they run out. */
export function runJob(layout: Layout, kern: Kernel, mem: WebAssembly.Memory, tid: number, spec: JobSpec, next: () => number): void {
  if (spec.job === Job.Adam) {
    for (let k = next(); k < layout.nets.length; k = next()) adamNet(layout, kern, spec, k);
    return;
  }
  for (let c = next(); c < layout.chunks; c = next()) runChunk(layout, kern, mem, tid, spec, c);
}

/** Adam (Kingma-Ba 2015) on network k's parameters with the sum of the chunks' gradients, then W^T of its hidden-input layers. */
function adamNet(layout: Layout, kern: Kernel, spec: JobSpec, k: number): void {
  const net = layout.nets[k];
  const first = net[0].w;
  const count = net[net.length - 1].b + net[net.length - 1].outP - first;
  const { beta1, beta2, eps } = spec.adam;
  kern.adam(layout.params + first * 4, layout.m + first * 4, layout.v + first * 4, layout.grads + first * 4, layout.chunks, layout.size * 4, count, spec.alpha, beta1, beta2, eps);
  transposeNet(layout, kern, k);
}

function runChunk(layout: Layout, kern: Kernel, mem: WebAssembly.Memory, tid: number, spec: JobSpec, c: number): void {
  const buffer = mem.buffer;
  const f32 = new Float32Array(buffer);
  const io = ioLayout(layout, spec.capacity);
  const [r0, r1] = rowsOf(layout, c, spec.rows);
  const scratch = layout.scratch + tid * layout.scratchBytes;
  if (spec.job === Job.Eval) {
    if (spec.net >= 0) return evalRows(layout, kern, f32, io, spec.net, r0, r1, io.out, scratch);
    layout.nets.forEach((_, k) => evalRows(layout, kern, f32, io, k, ...rowsOf(layout, c, spec.netRows[k]), io.mult[k], scratch));
    return;
  }
  const grads = layout.grads + c * layout.size * 4;
  f32.fill(0, grads / 4, grads / 4 + layout.size);
  if (spec.job === Job.Backprop) return backpropChunk(layout, kern, f32, io, spec, c, scratch, grads);
  let sumSq = 0;
  let sumValue = 0;
  const K = layout.nets.length;
  const lastAct = layout.nets.map((net) => net[net.length - 1].act);
  const outs = new Array<number>(K);
  const mults = new Array<number>(K);
  for (let s = r0; s < r1; s += layout.tile) {
    const n = Math.min(layout.tile, r1 - s);
    for (let k = 0; k < K; k++) forwardNet(layout, kern, k, io.x[k] + s * layout.specs[k].inputs * 4, n, scratch);
    // residual (c - sum_k m_k net_k)^+ per row
    const rp = (scratch + layout.rp) / 4;
    for (let k = 0; k < K; k++) (outs[k] = (scratch + lastAct[k]) / 4), (mults[k] = spec.hasMult[k] ? io.mult[k] / 4 + s : -1);
    for (let i = 0; i < n; i++) {
      let phi = 0;
      for (let k = 0; k < K; k++) {
        const o = f32[outs[k] + i * 8];
        phi += mults[k] >= 0 ? f32[mults[k] + i] * o : o;
        sumValue += spec.integralWeights[k] * o;
      }
      const r = Math.max(0, f32[io.cost / 4 + s + i] - phi);
      sumSq += r * r;
      f32[rp + i] = r;
    }
    for (let k = 0; k < K; k++) {
      const kept = seedRows(layout, f32, spec, io, k, s, n, scratch);
      if (kept > 0) backwardNet(layout, kern, k, io.x[k] + s * layout.specs[k].inputs * 4, kept, scratch, grads);
    }
  }
  const st = new Float64Array(buffer, layout.stats + c * 16, 2);
  st[0] = sumSq;
  st[1] = sumValue;
}

/** Outputs of network k on its input rows [r0, r1), written from byte offset `out` on. */
function evalRows(layout: Layout, kern: Kernel, f32: Float32Array, io: IoLayout, k: number, r0: number, r1: number, out: number, scratch: number): void {
  const net = layout.nets[k];
  const last = scratch + net[net.length - 1].act;
  for (let s = r0; s < r1; s += layout.tile) {
    const n = Math.min(layout.tile, r1 - s);
    forwardNet(layout, kern, k, io.x[k] + s * layout.specs[k].inputs * 4, n, scratch);
    for (let i = 0; i < n; i++) f32[out / 4 + s + i] = f32[last / 4 + i * 8];
  }
}

/** Backprop job, chunk c: every network's share of its grouped rows, forward again then backward from the seeds in its multiplier slot. */
function backpropChunk(layout: Layout, kern: Kernel, f32: Float32Array, io: IoLayout, spec: JobSpec, c: number, scratch: number, grads: number): void {
  const seed = (scratch + layout.seed) / 4;
  layout.nets.forEach((_, k) => {
    const [r0, r1] = rowsOf(layout, c, spec.netRows[k]);
    for (let s = r0; s < r1; s += layout.tile) {
      const n = Math.min(layout.tile, r1 - s);
      const x = io.x[k] + s * layout.specs[k].inputs * 4;
      forwardNet(layout, kern, k, x, n, scratch);
      for (let i = 0; i < n; i++) f32[seed + i * 8] = f32[io.mult[k] / 4 + s + i];
      backwardNet(layout, kern, k, x, n, scratch, grads);
    }
  });
}

/** Distinct rows of a batch per network: `values` (distinct input rows) and, per batch row, the index of its value. */
export interface RowGroups {
  values: Float32Array;
  index: Int32Array;
}

/**
 * Groups equal inputs of the scalar-input networks (other networks keep one group per row, unless the sampler gave their groups). Worth it
 * when the grouped pass (forward for the outputs, then forward and backward per distinct row) costs
 * less than the fused pass per batch row; undefined otherwise. Groups `given` by the sampler are taken as they are.
 */
export function groupRows(specs: NetSpec[], inputs: Float32Array[], B: number, given?: (RowGroups | null)[]): RowGroups[] | undefined {
  const identity = Int32Array.from({ length: B }, (_, b) => b);
  let distinct = 0;
  const groups: RowGroups[] = [];
  for (let k = 0; k < specs.length; k++) {
    const x = inputs[k].subarray(0, B * specs[k].inputs);
    const g = given?.[k];
    if (g) {
      groups.push(g);
      distinct += g.values.length / specs[k].inputs;
      continue;
    }
    if (specs[k].inputs !== 1) {
      groups.push({ values: x, index: identity });
      distinct += B;
      continue;
    }
    const seen = new Map<number, number>();
    const index = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      let u = seen.get(x[b]);
      if (u === undefined) seen.set(x[b], (u = seen.size));
      index[b] = u;
      if (seen.size > 0.75 * B) return undefined;
    }
    groups.push({ values: Float32Array.from(seen.keys()), index });
    distinct += seen.size;
  }
  // grouped: 4 passes (2 forward, backward = 2) per distinct row; fused: 3 per batch row
  return 4 * distinct < 0.9 * 3 * B * specs.length ? groups : undefined;
}

/**
 * Writes the backward seeds dL/dnet_k = w_k / B - gamma m_k (c - phi)^+ / B of a tile's rows into
 * column 0 of the seed buffer. A holding (w_k = 0) gets exactly zero from the rows with (c - phi)^+ = 0. When those
 * rows are more than half the tile they are dropped (the others' inputs and activations move forward in place);
 * otherwise they stay with their zero seeds, as moving a row costs more than its backward pass. Either way the
 * gradient sums are the same, a zero seed adding exact zeros. Returns the number of rows kept.
 */
function seedRows(layout: Layout, f32: Float32Array, spec: JobSpec, io: IoLayout, k: number, s: number, n: number, scratch: number): number {
  const net = layout.nets[k];
  const inputs = layout.specs[k].inputs;
  const x = io.x[k] / 4 + s * inputs;
  const rp = (scratch + layout.rp) / 4;
  const seed = (scratch + layout.seed) / 4;
  const mult = io.mult[k] / 4 + s;
  const wk = spec.integralWeights[k] / spec.rows;
  let positive = 0;
  if (wk === 0) for (let i = 0; i < n; i++) positive += f32[rp + i] > 0 ? 1 : 0;
  const drop = wk === 0 && 2 * positive < n;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (drop && !(f32[rp + i] > 0)) continue;
    if (m !== i) {
      f32.copyWithin(x + m * inputs, x + i * inputs, x + (i + 1) * inputs);
      for (let l = 0; l < net.length - 1; l++) {
        const a = (scratch + net[l].act) / 4;
        const w = net[l].outP;
        f32.copyWithin(a + m * w, a + i * w, a + (i + 1) * w);
      }
    }
    f32[seed + m * 8] = wk - (spec.gamma * (spec.hasMult[k] ? f32[mult + i] : 1) * f32[rp + i]) / spec.rows;
    m += 1;
  }
  return m;
}

/** Forward pass of network k on n rows at byte offset x; activations go to the thread's scratch. */
function forwardNet(layout: Layout, kern: Kernel, k: number, x: number, n: number, scratch: number): void {
  const net = layout.nets[k];
  let a = x;
  net.forEach((L, l) => {
    const z = scratch + L.act;
    kern.gemm(n, L.inP, L.outP, a, L.inP, 1, layout.params + L.w * 4, z, layout.params + L.b * 4, 0, l < net.length - 1 ? 1 : 0);
    a = z;
  });
}

/** Backward pass of network k from the seed gradient, accumulating dL/dw and dL/db into `grads`. */
function backwardNet(layout: Layout, kern: Kernel, k: number, x: number, n: number, scratch: number, grads: number): void {
  const net = layout.nets[k];
  let g = scratch + layout.seed;
  for (let l = net.length - 1; l >= 0; l--) {
    const L = net[l];
    const a = l === 0 ? x : scratch + net[l - 1].act;
    // dW += A^T G (A read transposed; its row stride is inP), db += 1^T G
    kern.gemm(L.inP, n, L.outP, a, 1, L.inP, g, grads + L.w * 4, 0, 0, 0);
    kern.gemm(1, n, L.outP, layout.ones, 0, 1, g, grads + L.b * 4, 0, 0, 0);
    if (l > 0) {
      // G_prev = (G W^T) masked by the ReLU derivative of the previous activations; G's padding columns are zero, so
      // the product runs over the L.out true ones (1 of 8 at the output layer)
      const next = scratch + (g === scratch + layout.g0 ? layout.g1 : layout.g0);
      kern.gemm(n, L.out, L.inP, g, L.outP, 1, layout.wt + L.w * 4, next, layout.zeros, a, 0);
      g = next;
    }
  }
}

/** Writes W^T (outP x inP) of every hidden-input layer into the wt region for the backward pass. */
export function transposeWeights(layout: Layout, kern: Kernel): void {
  layout.nets.forEach((_, k) => transposeNet(layout, kern, k));
}

function transposeNet(layout: Layout, kern: Kernel, k: number): void {
  const net = layout.nets[k];
  for (let l = 1; l < net.length; l++) kern.transpose(layout.params + net[l].w * 4, layout.wt + net[l].w * 4, net[l].inP, net[l].outP);
}

/** Copies unpadded weights out of a padded parameter vector starting at byte offset `base`. */
export function readWeights(layout: Layout, f32: Float32Array, base: number): NetWeights[] {
  return layout.nets.map((net) =>
    net.map((L) => {
      const w = new Float32Array(L.in * L.out);
      for (let i = 0; i < L.in; i++) for (let j = 0; j < L.out; j++) w[i * L.out + j] = f32[base / 4 + L.w + i * L.outP + j];
      return { in: L.in, out: L.out, w, b: f32.slice(base / 4 + L.b, base / 4 + L.b + L.out) };
    }),
  );
}

/** Writes weights into a padded parameter vector at byte offset `base`, zeroing the padding. */
export function writeWeights(layout: Layout, f32: Float32Array, base: number, weights: NetWeights[]): void {
  f32.fill(0, base / 4, base / 4 + layout.size);
  layout.nets.forEach((net, k) =>
    net.forEach((L, l) => {
      const src = weights[k][l];
      for (let i = 0; i < L.in; i++) for (let j = 0; j < L.out; j++) f32[base / 4 + L.w + i * L.outP + j] = src.w[i * L.out + j];
      f32.set(src.b, base / 4 + L.b);
    }),
  );
}
