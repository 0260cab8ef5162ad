import { Rng } from '../core/random.js';
import { couplingValue, type Transport } from '../problem/couplings.js';
import type { Problem } from '../problem/problem.js';

export type { Transport };

export interface References extends Transport {
  /** Closed-form VMOT bounds (Proposition 4.1 and its T-date form) where they apply. */
  exact?: { upper?: number; lower?: number; source: string };
  /** Value under the independent coupling of all marginals, with its Monte Carlo error. */
  independent: { value: number; stderr: number };
}

/**
 * Proposition 4.1, T-date form (shared/data/reference/README.md): with normal marginals and a quadratic payoff
 * at date t, E[s_ti s_tj] ranges over m_i m_j +- sum_{t' <= t} sqrt(dVar_{i,t'} dVar_{j,t'}); the upper end is attained
 * by one coupling for all pairs (perfectly correlated increments), the lower end for d = 2 only.
 */
export function gaussianQuadraticExact(problem: Problem): References['exact'] {
  const spec = problem.payoff.spec;
  if (spec.type !== 'quadratic' || !problem.marginals.every((row) => row.every((m) => m.dist === 'normal'))) return undefined;
  const t = spec.date as number;
  const M = spec.matrix as number[][];
  const { d } = problem;
  const m = problem.marginals[t].map((x) => x.mean);
  // total increment "volatility" sum_t' sqrt(dVar_i dVar_j) factorizes only pairwise; compute per pair
  const pairSpread = (i: number, j: number) => {
    let s = 0;
    for (let u = 0; u <= t; u++) {
      const dv = (k: number) => problem.marginals[u][k].variance - (u > 0 ? problem.marginals[u - 1][k].variance : 0);
      s += Math.sqrt(dv(i) * dv(j));
    }
    return s;
  };
  let base = 0;
  let spread = 0;
  let allNonNeg = true;
  let allNonPos = true;
  for (let i = 0; i < d; i++) {
    base += M[i][i] * problem.marginals[t][i].variance;
    for (let j = 0; j < d; j++) base += M[i][j] * m[i] * m[j];
    for (let j = i + 1; j < d; j++) {
      const a = M[i][j] + M[j][i];
      spread += a * pairSpread(i, j);
      if (a < 0) allNonNeg = false;
      if (a > 0) allNonPos = false;
    }
  }
  const source = 'Proposition 4.1 (T-date form)';
  if (d === 2) return { upper: base + Math.abs(spread), lower: base - Math.abs(spread), source };
  if (allNonNeg) return { upper: base + spread, source };
  if (allNonPos) return { lower: base + spread, source };
  return undefined;
}

/** E[c] under the independent coupling of every marginal (a martingale coupling only for last-date payoffs), Monte Carlo. */
export function independentValue(problem: Problem, n = 1 << 18, seed: number | string = 'independent'): { value: number; stderr: number } {
  const { T, d, payoff, marginals } = problem;
  const rng = new Rng(seed);
  const s = new Float64Array(T * d);
  let sum = 0;
  let sumSq = 0;
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) s[t * d + i] = marginals[t][i].quantile(rng.uniform());
    const c = payoff.value(s);
    sum += c;
    sumSq += c * c;
  }
  const mean = sum / n;
  return { value: mean, stderr: Math.sqrt(Math.max(0, sumSq / n - mean * mean) / n) };
}

export function references(problem: Problem): References {
  return {
    exact: gaussianQuadraticExact(problem),
    comonotone: couplingValue(problem, 'comonotone'),
    antitone: couplingValue(problem, 'antitone'),
    independent: independentValue(problem),
  };
}
