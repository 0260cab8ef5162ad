import { z } from 'zod';

/**
 * Engine names (src/models/engines/registry.ts): "wasm" picks the best kernel the runtime supports (the native one when
 * it was built), "wasm-relaxed-simd", "wasm-simd" and "wasm-ts" cap it; "tfjs" is TF.js; "reference" is the plain TypeScript loss and gradient in float64 (slow; the
 * oracle the other engines are tested against).
 */
export const ENGINE_NAMES = ['wasm', 'wasm-relaxed-simd', 'wasm-simd', 'wasm-ts', 'tfjs', 'reference'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * Training settings of the neural dual (paper appendix "Numerical methods"); defaults give the accuracy in README.
 * The upper limits keep time and memory bounded and float32 training meaningful; every one names the field.
 */
export const trainingSchema = z.strictObject({
  seed: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).default(7),
  /** Training steps; by default 3000 for the reduced form and 6000 for the full form (defaultSteps in src/models/defaults.ts). */
  steps: z.number().int().positive().max(1_000_000, 'must be at most 1,000,000').optional(),
  /** Samples per step; by default 16384, and 8192 for the full form below d = 5 (its holdings see every row; defaultBatch). */
  batch: z.number().int().min(16).max(1 << 20, 'must be at most 1,048,576').optional(),
  /**
   * Stratification cells per quantile variable and step (src/models/sampler.ts quantileLevels); 0 draws independent
   * uniforms. The scalar networks then see at most `grid` distinct inputs per step, so the batch is cheap to grow.
   */
  grid: z.number().int().min(0).max(1 << 16, 'must be at most 65,536').default(1024),
  /**
   * Final penalty parameter of beta_gamma(t) = gamma/2 (t^+)^2, in units of the cost's standard deviation under theta.
   * Default (defaultGamma in src/models/defaults.ts): reduced form 40000 at d = 2, growing with the dimension (its theta is
   * independent, and the optimal coupling more singular in more dimensions); full form 40000 at any d (its theta's
   * structured rows lie on the Gaussian optimum).
   */
  gamma: z.number().positive().max(1e9, 'must be at most 1e9 (the penalty then dominates float32 training; the defaults are below 1e7)').optional(),
  /**
   * Full form: share of theta's points whose first-date prices are comonotone, u -> (F_i^-1(u))_i; the rest are the
   * independent coupling (the paper's theta is 0). The optimal first-date coupling is comonotone for supermodular costs
   * (Theorem 3.5, and for Gaussian marginals in any d), a null set of the independent coupling: there the penalty
   * barely sees the constraint and the dual value falls short. Theta keeps full support for any share below 1.
   */
  thetaComonotone: z.number().min(0).lt(1, 'must be below 1: at 1 theta loses full support and the full form solves the hybrid problem (4.1)').default(0.5),
  /**
   * The static potentials' networks read the squared standardized price beside the price (src/models/features.ts), so
   * they can grow quadratically in the tails, as quadratic costs do; without it they are linear beyond the prices
   * training saw, and at d = 10 a handful of tail points violate `c <= phi` by a lot and carry the whole penalty.
   */
  squaredPrice: z.boolean().default(true),
  /** Penalty at the first step; it rises geometrically to gamma while the learning rate is constant (continuation). */
  gammaStart: z.number().positive().max(1e9, 'must be at most 1e9').default(200),
  /** Fraction of the steps over which gamma rises; the potentials then settle at the final gamma before and during the decay. */
  gammaRamp: z.number().min(0).max(1).default(0.5),
  learningRate: z.number().positive().max(0.1, 'must be at most 0.1 (Adam steps of that size already move a weight by 0.1 per step)').default(1e-3),
  /** Fraction of steps at the end over which the learning rate decays geometrically to lrFinal * learningRate. */
  decayFraction: z.number().min(0).max(1).default(0.5),
  lrFinal: z.number().positive().max(1).default(0.01),
  /** Adam's (beta1, beta2); the slow averages of Eckstein-Guo-Lim-Obloj damp the penalty's gradient spikes. */
  betas: z.tuple([z.number().min(0).lt(1, 'must be below 1'), z.number().min(0).lt(1, 'must be below 1')]).default([0.99, 0.995]),
  /** Fraction of the last steps whose weights are averaged (Polyak-Ruppert) into the reported potentials. */
  tailFraction: z.number().gt(0).max(1).default(0.2),
  width: z.number().int().positive().max(1024, 'must be at most 1024').default(64),
  depth: z.number().int().positive().max(16, 'must be at most 16').default(3),
  /** Width of the holdings networks h; default width, halved for the full form from d = 5 (defaultHoldingsWidth in src/models/defaults.ts). */
  holdingsWidth: z.number().int().positive().max(1024, 'must be at most 1024').optional(),
  /** Samples for the final evaluation of value and primal (Monte Carlo, independent of training batches). */
  evalSamples: z.number().int().min(1000).max(1 << 24, 'must be at most 16,777,216').default(1 << 18),
  /** Training engine (src/models/engines/registry.ts): the fused WASM kernel by default, TF.js selectable. */
  engine: z.enum(ENGINE_NAMES).default('wasm'),
});

export type TrainingOptions = z.output<typeof trainingSchema>;
