import { blackCallTotal } from '../math/black.js';
import { stdNormalCdf, stdNormalPdf, stdNormalQuantile } from '../math/normal.js';
import type { Marginal } from './types.js';

const TAIL = 1e-9;

/** N(mean, sd^2); call price by the Bachelier formula. */
export function normalMarginal(mean: number, sdev: number): Marginal {
  return {
    dist: 'normal',
    label: `normal(${mean}, ${sdev})`,
    mean,
    variance: sdev * sdev,
    quantile: (u) => mean + sdev * stdNormalQuantile(u),
    cdf: (x) => stdNormalCdf((x - mean) / sdev),
    call: (k) => {
      const d = (mean - k) / sdev;
      return (mean - k) * stdNormalCdf(d) + sdev * stdNormalPdf(d);
    },
    range: () => [mean + sdev * stdNormalQuantile(TAIL), mean + sdev * stdNormalQuantile(1 - TAIL)],
  };
}

/** Lognormal with mean `forward` and total volatility `sigma` (sigma^2 = variance of log X); Black's call formula. */
export function lognormalMarginal(forward: number, sigma: number): Marginal {
  const q = (u: number) => forward * Math.exp(sigma * stdNormalQuantile(u) - 0.5 * sigma * sigma);
  return {
    dist: 'lognormal',
    label: `lognormal(${forward}, ${sigma})`,
    mean: forward,
    variance: forward * forward * (Math.exp(sigma * sigma) - 1),
    quantile: q,
    cdf: (x) => (x <= 0 ? 0 : stdNormalCdf((Math.log(x / forward) + 0.5 * sigma * sigma) / sigma)),
    call: (k) => blackCallTotal(forward, k, sigma),
    range: () => [q(TAIL), q(1 - TAIL)],
  };
}

/** Uniform on [low, high]. */
export function uniformMarginal(low: number, high: number): Marginal {
  const w = high - low;
  const mean = 0.5 * (low + high);
  return {
    dist: 'uniform',
    label: `uniform(${low}, ${high})`,
    mean,
    variance: (w * w) / 12,
    quantile: (u) => low + w * u,
    cdf: (x) => Math.min(1, Math.max(0, (x - low) / w)),
    call: (k) => (k <= low ? mean - k : k >= high ? 0 : ((high - k) * (high - k)) / (2 * w)),
    range: () => [low, high],
  };
}
