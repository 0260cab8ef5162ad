import type { Marginal } from './types.js';

/** Number of entries of the increasing array `sorted` that are <= v (binary search). */
export function countAtMost(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The empirical law of a sample: equal atoms at the sorted values; F^-1(u) = x_(ceil(u n)), calls E[(X - K)^+] by suffix sums. */
export function empiricalMarginal(samples: ArrayLike<number>, label = 'empirical'): Marginal {
  const x = Float64Array.from(samples).sort();
  const n = x.length;
  // suffix[i] = sum of x[i..n-1], for call prices in O(log n)
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + x[i];
  const mean = suffix[0] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  const countLe = (v: number): number => countAtMost(x, v);
  return {
    dist: 'empirical',
    label: `${label}(n=${n})`,
    mean,
    variance: ss / n,
    quantile: (u) => x[Math.min(n - 1, Math.max(0, Math.ceil(u * n) - 1))],
    cdf: (v) => countLe(v) / n,
    call: (k) => {
      const i = countLe(k);
      return (suffix[i] - (n - i) * k) / n;
    },
    range: () => [x[0], x[n - 1]],
  };
}
