/**
 * The computation contract between the neural dual (src/models) and an engine (wasm/, tfjs/, reference.ts).
 *
 * An engine owns K dense ReLU networks net_k: R^{in_k} -> R and minimises, by Adam, the penalized
 * dual loss (4.7)/(4.10) of the paper written generically:
 *   L = sum_k w_k mean_b net_k(x_kb) + mean_b beta_gamma(c_b - sum_k m_kb net_k(x_kb)),
 *   beta_gamma(t) = gamma/2 (t^+)^2,
 * with integral weights w_k (1 for the static potentials phi, psi; 0 for the dynamic holdings h)
 * and per-sample multipliers m_kb (1 for phi, psi; the price increment for h).
 */
export interface NetSpec {
  inputs: number;
  hidden: number[];
}

export interface LossSpec {
  integralWeights: number[];
  gamma: number;
}

export interface LossBatch {
  size: number;
  /** Per network: size x inputs, row-major. */
  inputs: Float32Array[];
  /** Per network: one multiplier per sample, or null for the constant 1. */
  multipliers: (Float32Array | null)[];
  cost: Float32Array;
  /**
   * Optional, per network: its distinct input rows and each batch row's index into them (rows[b] = values[index[b]]),
   * when the sampler drew inputs from a grid; an engine may use them instead of searching for repeats.
   */
  groups?: ({ values: Float32Array; index: Int32Array } | null)[];
}

export interface StepResult {
  loss: number;
  /** sum_k w_k mean_b net_k on this batch: the dual value estimate (normalized units). */
  value: number;
}

/** One dense layer: w is in x out row-major, b has out entries. */
export interface Layer {
  w: Float32Array;
  b: Float32Array;
  in: number;
  out: number;
}
export type NetWeights = Layer[];

export interface AdamState {
  m: NetWeights[];
  v: NetWeights[];
  t: number;
}

export interface EngineState {
  weights: NetWeights[];
  adam: AdamState;
}

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

export interface Engine {
  /** What runs, e.g. "wasm-native-2t", "tfjs-wasm", "reference". */
  readonly name: string;
  /**
   * What the numbers depend on: engines of equal `arithmetic` take the same steps bit for bit from the same state and
   * batch, so a checkpoint of one resumes on the other (the wasm engine's threads and its native or relaxed-SIMD
   * kernel do not enter it).
   */
  readonly arithmetic: string;
  /**
   * One Adam step on the loss of `batch` with learning rate `lr`; `gamma` overrides loss.gamma for this step (penalty
   * continuation). `work` is the caller's own work in pieces (one per call, false once none is left), such as drawing
   * the next batch: the engine runs the pieces while its threads compute, and all of them before the step resolves.
   */
  step(batch: LossBatch, lr: number, gamma?: number, work?: () => boolean): Promise<StepResult>;
  /** net_k at n inputs (n x in_k row-major). */
  evaluate(k: number, inputs: Float32Array, n: number): Promise<Float32Array>;
  getState(): EngineState;
  setState(state: EngineState): void;
  dispose(): void;
}

export interface EngineOptions {
  specs: NetSpec[];
  loss: LossSpec;
  adam: AdamOptions;
  /** Initial weights (see initWeights); engines never draw their own. */
  weights: NetWeights[];
}
