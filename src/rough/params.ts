import { z } from 'zod';

/**
 * Rough Heston parameters, El Euch-Rosenbaum (2019) / Abi Jaber-Larsson-Pulido (2019):
 *   dX = -V/2 dt + sqrt(V) dW,  V_t = g0(t) + int_0^t K(t-s) [-kappa V_s ds + nu sqrt(V_s) dB_s],  K(t) = t^(alpha-1)/Gamma(alpha),
 * alpha = H + 1/2, d<W,B> = rho dt. Two parametrizations, named explicitly so they cannot be mixed up:
 *  - "standard" (QuantLib, Abi Jaber): vol-of-vol `nu` on sqrt(V), mean reversion `kappa`;
 *  - "el-euch-rosenbaum": drift lambda (theta - V), vol-of-vol lambda*nu (fields `lambda`, `nu`).
 * Initial variance as (v0, theta): g0(t) = v0 + kappa theta int_0^t K, or a forward-variance curve xi0(t) = E[V_t]
 * (then g0 = xi0 + kappa K*xi0, and theta is not used).
 */
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be positive');
const nonNegative = finite.refine((v) => v >= 0, 'must be non-negative');
const hurst = finite.refine((v) => v > 0 && v <= 0.5, 'must be in (0, 0.5]');
const correlation = finite.refine((v) => v > -1 && v < 1, 'must be in (-1, 1)');

/** xi0: a constant, or points (t, xi) interpolated linearly, flat beyond the ends. */
export const forwardVarianceSchema = z.union([
  positive,
  z
    .strictObject({ times: z.array(nonNegative).min(1), values: z.array(positive).min(1) })
    .refine((c) => c.times.length === c.values.length, { message: 'times and values must have the same length', path: ['values'] })
    .refine((c) => c.times.every((t, i) => i === 0 || t > c.times[i - 1]), { message: 'must be strictly increasing', path: ['times'] }),
]);

const variance = {
  v0: positive.optional(),
  theta: nonNegative.optional(),
  forwardVariance: forwardVarianceSchema.optional(),
};

/**
 * Schema of a rough Heston parameter set plus `extra` fields (e.g. spot or maturity), one strict object per
 * parametrization, with exactly one way of giving the initial variance.
 */
export function roughHestonSchema<E extends z.ZodRawShape>(extra: E) {
  return z
    .discriminatedUnion('parametrization', [
      z.strictObject({ ...extra, parametrization: z.literal('standard'), H: hurst, nu: positive, rho: correlation, kappa: nonNegative.default(0), ...variance }),
      z.strictObject({ ...extra, parametrization: z.literal('el-euch-rosenbaum'), H: hurst, lambda: positive, nu: positive, rho: correlation, ...variance }),
    ])
    .superRefine((p, ctx) => {
      const issue = varianceIssue(p as { v0?: number; theta?: number; forwardVariance?: unknown });
      if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    });
}
export const roughHestonFields = roughHestonSchema({});
export type RoughHestonInput = z.output<typeof roughHestonFields>;

/** Checks that exactly one way of giving the initial variance is used. */
function varianceIssue(p: { v0?: number; theta?: number; forwardVariance?: unknown }): { message: string; path: string[] } | undefined {
  if (p.forwardVariance !== undefined) {
    if (p.v0 !== undefined || p.theta !== undefined) return { message: 'give either forwardVariance or (v0, theta), not both', path: ['forwardVariance'] };
    return undefined;
  }
  if (p.v0 === undefined) return { message: 'is required (or give forwardVariance)', path: ['v0'] };
  if (p.theta === undefined) return { message: 'is required with v0 (use theta = v0 for a flat forward variance)', path: ['theta'] };
  return undefined;
}

/** Internal form, standard parametrization. */
export interface RoughHeston {
  alpha: number;
  kappa: number;
  nu: number;
  rho: number;
  /** (v0, theta) or a forward-variance function. */
  variance: { kind: 'v0'; v0: number; theta: number } | { kind: 'curve'; xi0: (t: number) => number; flat?: number };
}

export function curveFunction(c: z.output<typeof forwardVarianceSchema>): { xi0: (t: number) => number; flat?: number } {
  if (typeof c === 'number') return { xi0: () => c, flat: c };
  const { times, values } = c;
  return {
    xi0: (t) => {
      if (t <= times[0]) return values[0];
      for (let i = 1; i < times.length; i++) {
        if (t <= times[i]) return values[i - 1] + ((values[i] - values[i - 1]) * (t - times[i - 1])) / (times[i] - times[i - 1]);
      }
      return values[values.length - 1];
    },
  };
}

/** Maps either parametrization to the standard one (El Euch-Rosenbaum: kappa = lambda, nu_standard = lambda * nu). */
export function normalize(p: RoughHestonInput): RoughHeston {
  const kappa = p.parametrization === 'standard' ? p.kappa : p.lambda;
  const nu = p.parametrization === 'standard' ? p.nu : p.lambda * p.nu;
  const variance: RoughHeston['variance'] =
    p.forwardVariance !== undefined ? { kind: 'curve', ...curveFunction(p.forwardVariance) } : { kind: 'v0', v0: p.v0!, theta: p.theta! };
  return { alpha: p.H + 0.5, kappa, nu, rho: p.rho, variance };
}

/** A rough variance level used to scale grids: E[int_0^T V dt] / T, roughly. */
export function typicalVariance(m: RoughHeston, T: number): number {
  if (m.variance.kind === 'v0') return Math.max(m.variance.v0, m.variance.theta, 1e-8);
  let s = 0;
  for (let i = 0; i <= 8; i++) s += m.variance.xi0((T * i) / 8);
  return Math.max(s / 9, 1e-8);
}
