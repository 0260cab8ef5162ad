import type { LossBatch } from './contract.js';

/**
 * The penalized dual loss of contract.ts at given network outputs o_kb (Eckstein-Kupper penalty beta_gamma(t) = gamma/2 (t^+)^2):
 *   L = sum_k w_k mean_b o_kb + gamma/2 mean_b r_b^2,  r_b = (c_b - sum_k m_kb o_kb)^+,
 * with its gradient dL/do_kb = (w_k - gamma m_kb r_b) / B handed to `seed(k, b, g)` row by row.
 * Returns the batch sums of r_b^2 and of sum_k w_k o_kb (loss = sumValue / B + gamma/2 sumSq / B).
 */
export function penaltyAtOutputs(
  batch: LossBatch,
  out: (k: number, b: number) => number,
  integralWeights: number[],
  gamma: number,
  seed: (k: number, b: number, g: number) => void,
): { sumSq: number; sumValue: number } {
  const B = batch.size;
  const K = integralWeights.length;
  let sumSq = 0;
  let sumValue = 0;
  for (let b = 0; b < B; b++) {
    let phi = 0;
    for (let k = 0; k < K; k++) {
      const o = out(k, b);
      phi += batch.multipliers[k] ? batch.multipliers[k]![b] * o : o;
      sumValue += integralWeights[k] * o;
    }
    const r = Math.max(0, batch.cost[b] - phi);
    sumSq += r * r;
    for (let k = 0; k < K; k++) seed(k, b, (integralWeights[k] - gamma * (batch.multipliers[k] ? batch.multipliers[k]![b] : 1) * r) / B);
  }
  return { sumSq, sumValue };
}
