import type { LossBatch } from './contract.js';

/**
 * The penalized dual loss of contract.ts at given network outputs o_kb (Eckstein-Kupper penalty beta_gamma(t) = gamma/2 (t^+)^2):
 *   L = sum_k w_k mean_b o_kb + gamma/2 mean_b r_b^2,  r_b = (c_b - sum_k m_kb o_kb)^+,
 * with its gradient dL/do_kb = (w_k - gamma m_kb r_b) / B added to seeds[k][j] at the row's slot j = index[k][b] (j = b
 * when index[k] is null), where o_kb = outs[k][j]; rows with equal inputs to network k may share a slot.
 * Returns the batch sums of r_b^2 and of sum_k w_k o_kb (loss = sumValue / B + gamma/2 sumSq / B).
 */
export function penaltyAtOutputs(
  batch: LossBatch,
  outs: ArrayLike<number>[],
  index: (Int32Array | null)[],
  integralWeights: number[],
  gamma: number,
  seeds: Float64Array[],
): { sumSq: number; sumValue: number } {
  const B = batch.size;
  const K = integralWeights.length;
  const residual = new Float64Array(B);
  let sumSq = 0;
  let sumValue = 0;
  for (let b = 0; b < B; b++) {
    let phi = 0;
    for (let k = 0; k < K; k++) {
      const o = outs[k][index[k] ? index[k]![b] : b];
      const m = batch.multipliers[k];
      phi += m ? m[b] * o : o;
      sumValue += integralWeights[k] * o;
    }
    const r = Math.max(0, batch.cost[b] - phi);
    sumSq += r * r;
    residual[b] = r;
  }
  // network by network: each seed still sums its rows in batch order
  for (let k = 0; k < K; k++) {
    const [m, ix, sd, w] = [batch.multipliers[k], index[k], seeds[k], integralWeights[k]];
    for (let b = 0; b < B; b++) sd[ix ? ix[b] : b] += (w - gamma * (m ? m[b] : 1) * residual[b]) / B;
  }
  return { sumSq, sumValue };
}
